"""Running the checks: skips for undeclared capabilities, known failures as strict xfail.

Every check, and loading the plugin, runs within the inputs' ``timeout``
(:mod:`.bounds`): a hook that never returns fails its check, naming the hook.
"""

from __future__ import annotations

from collections.abc import Iterable

from .bounds import Overran, bounded
from .harness import Harness
from .inputs import ConformanceInputs
from .registry import Check, CheckFailed, CheckSkipped, all_checks
from .report import CheckResult, Outcome, Report


def run_conformance(inputs: ConformanceInputs, *, only: Iterable[str] | None = None) -> Report:
    """Run every check (or those named in ``only``) on the plugin the inputs name.

    Raises ``ValueError`` when ``only`` or the known failures name a check that
    does not exist, or the inputs name no plugin. Anything the plugin does wrong,
    including failing to load, is a failed check in the report.
    """
    checks = all_checks()
    selected = list(checks) if only is None else list(dict.fromkeys(only))
    _require_known(selected, checks, "only")
    harness = load(inputs)
    _require_known(harness.inputs.known_failures, checks, "known_failures")
    results = tuple(evaluate(harness, checks[check_id]) for check_id in selected)
    return describe(harness, results)


def load(inputs: ConformanceInputs) -> Harness:
    """The harness for ``inputs``, the plugin loaded within the inputs' time bound."""
    try:
        return bounded(lambda: Harness(inputs), inputs.timeout, {})
    except Overran as exc:
        return Harness(inputs, load_problem=f"loading the plugin {exc}")


def describe(harness: Harness, results: tuple[CheckResult, ...]) -> Report:
    """A report for ``results`` with what the harness knows about the plugin."""
    source = harness.source
    info = None if harness.info_problem else harness.info
    return Report(
        plugin=harness.label,
        distribution=source.distribution if source else None,
        version=source.version if source else None,
        gateway_id=info.id if info else None,
        capabilities=tuple(sorted(c.value for c in info.capabilities)) if info else (),
        checks=results,
    )


def _require_known(ids: Iterable[str], checks: dict[str, Check], where: str) -> None:
    unknown = [check_id for check_id in ids if check_id not in checks]
    if unknown:
        raise ValueError(
            f"{where} names unknown check(s) {', '.join(map(repr, unknown))}; "
            f"the checks are: {', '.join(checks)}"
        )


def _precondition(harness: Harness, check: Check) -> None:
    """Skip (or fail) a check whose capability is not declared or whose hooks are missing."""
    if check.structural or (check.capability is None and not check.hooks):
        return
    declared = harness.info.capabilities
    if check.capability is not None and check.capability not in declared:
        raise CheckSkipped(f"capability {check.capability.value!r} not declared")
    missing = [hook for hook in check.hooks if hook not in harness.implemented]
    if missing and check.capability is not None:
        raise CheckFailed(
            f"declares {check.capability.value!r} but does not implement {', '.join(missing)}"
        )
    if missing:
        raise CheckSkipped(f"the plugin does not implement {', '.join(missing)}")


def evaluate(harness: Harness, check: Check) -> CheckResult:
    """Run one check and apply the known-failure rules."""
    failure: str | None = None

    def run() -> str | None:
        _precondition(harness, check)
        return check.function(harness)

    try:
        note = bounded(run, harness.inputs.timeout, harness.hook_codes)
    except CheckSkipped as exc:
        return _result(harness, check, Outcome.SKIPPED, f"skipped: {exc}")
    except CheckFailed as exc:
        failure = str(exc)
    except Overran as exc:
        failure = (
            f"{exc}; the check's time bound is {exc.seconds:g} s (ConformanceInputs.timeout, "
            "gateway-plugins check --timeout)"
        )
    except Exception as exc:  # a plugin error escaping the manager, or a kit bug
        failure = f"raised {type(exc).__name__}: {exc}"
    reason = harness.inputs.known_failures.get(check.id)
    if failure is not None and reason is not None:
        return _result(harness, check, Outcome.XFAIL, f"known failure ({reason}): {failure}")
    if failure is not None:
        return _result(harness, check, Outcome.FAIL, failure)
    if reason is not None:
        return _result(
            harness,
            check,
            Outcome.FAIL,
            f"passes but is listed in known_failures ({reason}): fixed, remove it from "
            "known failures",
        )
    return _result(harness, check, Outcome.PASS, note or "passed")


def _result(harness: Harness, check: Check, outcome: Outcome, text: str) -> CheckResult:
    # Messages may quote plugin output: keep the inputs' card numbers and secrets out.
    message = harness.scrubber().text(f"{check.id}: {text}")
    return CheckResult(
        id=check.id,
        description=check.description,
        capability=check.capability.value if check.capability else None,
        outcome=outcome,
        message=message,
    )
