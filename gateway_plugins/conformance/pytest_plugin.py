"""The pytest plugin of the conformance kit (entry point ``pytest11: gateway_plugins``).

pytest loads it in every run, so it does nothing unless a test module uses
:class:`GatewayConformanceTests`; importing it loads nothing of the kit itself.

A plugin's test module::

    from gateway_plugins.conformance import ConformanceInputs, GatewayConformanceTests
    from my_gateway import MyGatewayPlugin

    class TestMyGatewayConformance(GatewayConformanceTests):
        inputs = ConformanceInputs(plugin=MyGatewayPlugin, success_token="tok_visa", ...)

Each check becomes one test, ``test_<check id>``. Instead of ``inputs`` a class
may set ``plugin`` (the plugin then offers its inputs through
``conformance_inputs()``); with neither, a ``conformance_inputs`` fixture must
return them.

At the end of the session the matrix of every plugin checked is printed, and
``--gateway-report=FILE`` writes the JSON report. A subclass that replaces a kit
test (defines ``test_<check id>`` itself) or marks one skip/xfail is reported:
the kit test still runs, the override is listed in the matrix and the report,
and the run fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

if TYPE_CHECKING:
    from .inputs import ConformanceInputs
    from .registry import Check
    from .report import CheckResult, Report

#: Set on every generated kit test: the id of the check it runs.
CHECK_ATTRIBUTE = "_gateway_check_id"
#: The test a class gets when it overrides kit tests; it fails, naming them.
OVERRIDE_TEST = "test_kit_tests_not_overridden"
_WEAKENING_MARKS = ("skip", "skipif", "xfail")
_ABSENT = object()


class GatewayConformanceTests:
    """Subclass this in a plugin's tests to run every conformance check as a pytest test.

    Set ``inputs`` to a :class:`~gateway_plugins.conformance.ConformanceInputs`,
    or ``plugin`` to the plugin class when it offers ``conformance_inputs()``, or
    define a ``conformance_inputs`` fixture.
    """

    inputs: ClassVar[ConformanceInputs | None] = None
    plugin: ClassVar[object] = None
    kit_overrides: ClassVar[tuple[str, ...]] = ()
    """Kit tests this class (or a base) replaced; filled in by the kit."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _install_kit_tests(cls)


def _install_kit_tests(cls: type[GatewayConformanceTests]) -> None:
    from .registry import all_checks  # only now: a test module uses the kit

    overrides = list(cls.kit_overrides)
    for check in all_checks().values():
        name = f"test_{check.id}"
        for klass in cls.__mro__:
            own = klass.__dict__.get(name, _ABSENT)  # even ``test_x = None`` is an override
            if own is not _ABSENT and getattr(own, CHECK_ATTRIBUTE, None) != check.id:
                overrides.append(f"{klass.__qualname__}.{name}")
        setattr(cls, name, _kit_test(cls, check))
    cls.kit_overrides = tuple(dict.fromkeys(overrides))
    if cls.kit_overrides:
        setattr(cls, OVERRIDE_TEST, _override_test(cls.kit_overrides))


def _kit_test(cls: type, check: Check) -> Callable[..., None]:
    check_id = check.id

    def test(self: GatewayConformanceTests, request: pytest.FixtureRequest) -> None:
        _run_kit_test(type(self), request, check_id)

    test.__name__ = f"test_{check_id}"
    test.__qualname__ = f"{cls.__qualname__}.test_{check_id}"
    test.__doc__ = check.description
    setattr(test, CHECK_ATTRIBUTE, check_id)
    return test


def _override_test(overrides: tuple[str, ...]) -> Callable[..., None]:
    def test(self: GatewayConformanceTests) -> None:
        pytest.fail(
            f"kit test(s) overridden: {', '.join(overrides)}. A plugin's tests cannot replace "
            "a conformance check (the kit's version ran instead); declare a known failure "
            "with a reason in ConformanceInputs.known_failures",
            pytrace=False,
        )

    test.__name__ = OVERRIDE_TEST
    setattr(test, CHECK_ATTRIBUTE, None)
    return test


def _inputs_for(cls: type[GatewayConformanceTests], request: pytest.FixtureRequest) -> Any:
    from .inputs import ConformanceInputs

    if cls.inputs is not None:
        return cls.inputs
    if cls.plugin is not None:
        return ConformanceInputs(plugin=cls.plugin)
    try:
        return request.getfixturevalue("conformance_inputs")
    except pytest.FixtureLookupError:
        pass
    pytest.fail(
        f"{cls.__qualname__} names no plugin: set the class attribute 'inputs' (a "
        "ConformanceInputs) or 'plugin', or define a 'conformance_inputs' fixture",
        pytrace=False,
    )


def _run_kit_test(
    cls: type[GatewayConformanceTests], request: pytest.FixtureRequest, check_id: str
) -> None:
    from .report import Outcome
    from .runner import run_conformance

    report = run_conformance(_inputs_for(cls, request), only=[check_id])
    result = report.checks[0]
    _session_state(request.config).record(request.node, report, result)
    if result.outcome is Outcome.SKIPPED:
        pytest.skip(result.message)
    if result.outcome is Outcome.XFAIL:
        pytest.xfail(result.message)
    if result.outcome is Outcome.FAIL:
        pytest.fail(result.message, pytrace=False)


# -- Collecting results across the session -------------------------------------------


@dataclass
class _ClassRun:
    """The kit tests of one test class that ran: one plugin."""

    first: Report
    results: dict[str, CheckResult] = field(default_factory=dict)


@dataclass
class _SessionState:
    runs: dict[str, _ClassRun] = field(default_factory=dict)
    overrides: dict[str, list[str]] = field(default_factory=dict)
    """Kit tests replaced or marked skip/xfail, by test class node id (from collection)."""

    def record(self, item: pytest.Item, report: Report, result: CheckResult) -> None:
        run = self.runs.setdefault(_class_key(item), _ClassRun(report))
        run.results[result.id] = result

    def reports(self) -> list[Report]:
        from dataclasses import replace

        from .registry import all_checks
        from .report import Report

        order = list(all_checks())
        reports = []
        for key in dict.fromkeys([*self.runs, *self.overrides]):
            overrides = tuple(self.overrides.get(key, ()))
            run = self.runs.get(key)
            if run is None:  # every kit test of the class was skipped by a mark
                reports.append(Report(key, None, None, None, (), (), overrides))
                continue
            results = sorted(run.results.values(), key=lambda r: order.index(r.id))
            reports.append(replace(run.first, checks=tuple(results), overrides=overrides))
        return reports


_STATE = pytest.StashKey[_SessionState]()


def _session_state(config: pytest.Config) -> _SessionState:
    state = config.stash.get(_STATE, None)
    if state is None:
        state = config.stash[_STATE] = _SessionState()
    return state


def _class_key(item: pytest.Item) -> str:
    return item.nodeid.rpartition("::")[0]


# -- Hooks ---------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gateway-plugins", "gateway-plugins conformance kit")
    group.addoption(
        "--gateway-report",
        metavar="FILE",
        default=None,
        help="write the conformance kit's JSON report to FILE (when kit tests ran)",
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    # After deselection (-k, -m): only the kit tests that were meant to run count.
    for item in session.items:
        function = getattr(item, "obj", None)
        if not hasattr(function, CHECK_ATTRIBUTE):
            continue
        found = list(getattr(getattr(item, "cls", None), "kit_overrides", ()))
        marks = sorted({m.name for m in item.iter_markers() if m.name in _WEAKENING_MARKS})
        if marks:
            found.append(f"{item.nodeid.rpartition('::')[2]} marked {'/'.join(marks)}")
        if found:
            known = _session_state(session.config).overrides.setdefault(_class_key(item), [])
            known += [entry for entry in found if entry not in known]


def _reports(config: pytest.Config) -> list[Report]:
    state = config.stash.get(_STATE, None)
    return state.reports() if state else []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reports = _reports(session.config)
    if not reports:
        return
    path = session.config.getoption("gateway_report")
    if path:
        from .report import to_json

        Path(path).write_text(to_json(reports) + "\n", encoding="utf-8")
    if any(report.overrides for report in reports) and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    reports = _reports(config)
    if not reports:
        if config.getoption("gateway_report"):
            terminalreporter.write_line(
                "gateway conformance: no kit tests ran; --gateway-report not written"
            )
        return
    for report in reports:
        terminalreporter.write_sep("=", f"gateway conformance: {report.plugin}")
        for line in report.matrix().splitlines():
            terminalreporter.write_line(line)
        for override in report.overrides:
            terminalreporter.write_line(f"kit test overridden (run fails): {override}", red=True)
    path = config.getoption("gateway_report")
    if path:
        terminalreporter.write_line(f"gateway conformance report written to {path}")
