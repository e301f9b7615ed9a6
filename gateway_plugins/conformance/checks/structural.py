"""Structural checks: what the plugin declares, before any money hook is called."""

from __future__ import annotations

import re
from types import ModuleType
from typing import Any

import pluggy
from pydantic import ValidationError

from ... import hookspecs
from ...contract import capability_problems, default_problems
from ...discovery import load_entry_points
from ...errors import check_error_table
from ...interface import Capability, GatewayConfig, GatewayInfo
from ...money import CurrencyError, iso_exponent
from ..harness import Harness, call_hook, hook_implementations
from ..registry import CheckFailed, check


def _fail_if(problems: list[str]) -> None:
    if problems:
        raise CheckFailed("; ".join(problems))


@check(
    "load",
    "the plugin loads (from its entry point when named), instantiates, answers "
    "gateway_info() with a GatewayInfo and accepts its default and the test configuration",
    structural=True,
)
def load(h: Harness) -> str | None:
    if h.info_problem is not None:
        raise CheckFailed(h.info_problem)
    impls = h.implementations(h.new_plugin())
    configure = impls.get("configure_gateway")
    note = ""
    if configure is not None:
        # A gateway that needs credentials may refuse its defaults (they hold none),
        # as long as it takes the test configuration; without one, defaults must do.
        configs = [("default configuration", h.info.default_config)]
        if h.inputs.config is not None:
            configs.append(("test configuration", h.inputs.config))
        for what, config in configs:
            try:
                call_hook(configure, config=config)
            except Exception as exc:
                if what == "default configuration" and h.inputs.config is not None:
                    note = f"; defaults refused ({type(exc).__name__}: {exc})"
                    continue
                raise CheckFailed(
                    f"configure_gateway refused its {what}: {type(exc).__name__}: {exc}"
                ) from None
    return f"loaded {h.label}{note}"


def _same_plugin(candidate: object, source: object, plugin: object) -> bool:
    """Whether an installed plugin is the plugin under test (installed as well)."""
    if candidate is source or candidate is plugin:
        return True
    return not isinstance(plugin, ModuleType) and type(candidate) is type(plugin)


def _facts(info: GatewayInfo) -> tuple[Any, ...]:
    table = dict(info.error_map.table) if info.error_map is not None else None
    return (info.id, info.name, info.capabilities, info.default_config, table)


@check(
    "gateway_id",
    "the gateway id is stable (gateway_info() answers the same on every call and every "
    "instance) and unique among the installed gateway plugins",
    structural=True,
)
def gateway_id(h: Harness) -> str | None:
    info = h.info
    plugin = h.new_plugin()
    impls = h.implementations(plugin)
    answers = [call_hook(impls["gateway_info"]) for _ in range(2)]
    answers.append(call_hook(h.implementations(h.new_plugin())["gateway_info"]))
    for answer in answers:
        if not isinstance(answer, GatewayInfo):
            raise CheckFailed(f"gateway_info() later returned {type(answer).__name__}")
        if answer.id != info.id:
            raise CheckFailed(f"gateway_info() answered id {info.id!r}, later {answer.id!r}")
        if _facts(answer) != _facts(info):
            raise CheckFailed("gateway_info() answered differently on a later call or instance")
    loaded, _broken = load_entry_points(hookspecs.ENTRY_POINT_GROUP)
    source = h.source.obj if h.source is not None else None
    for other in loaded:
        if other.name == h.given.entry_point or _same_plugin(other.obj, source, plugin):
            continue
        try:
            other_info = call_hook(hook_implementations(other.obj)["gateway_info"])
        except Exception:  # noqa: S112  (not a gateway, or broken: not ours to judge here)
            continue
        if isinstance(other_info, GatewayInfo) and other_info.id == info.id:
            dist = f" from {other.distribution[0]}" if other.distribution[0] else ""
            raise CheckFailed(
                f"gateway id {info.id!r} is also provided by the installed plugin "
                f"{other.name!r}{dist}; ids must be unique"
            )
    return None


@check(
    "hook_signatures",
    "every hook implementation names a hook of the contract (or is marked optionalhook), "
    "takes only the spec's parameters, none with a default value, and is a plain "
    "implementation (no wrapper)",
    structural=True,
)
def hook_signatures(h: Harness) -> str | None:
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    plugin = h.new_plugin()
    try:
        pm.register(plugin)
    except pluggy.PluginValidationError as exc:
        raise CheckFailed(" ".join(str(exc).split())) from None
    callers = pm.get_hookcallers(plugin) or []
    mine = [(c, i) for c in callers for i in c.get_hookimpls() if i.plugin is plugin]
    impls = [impl for _, impl in mine]
    problems = [
        f"hook {caller.name!r} is not in the contract (misspelt? it would never be called; "
        "mark a hook of a later contract version optionalhook=True)"
        for caller, impl in mine
        if not caller.has_spec() and not impl.optionalhook
    ]
    problems += default_problems(impls)
    problems += [
        f"hook {impl.function.__name__!r} is a wrapper; a gateway's hooks must be plain "
        "implementations"
        for impl in impls
        if impl.wrapper or impl.hookwrapper
    ]
    _fail_if(problems)
    return None


#: Capabilities that need a hook besides the one ``contract.CAPABILITY_HOOKS`` names.
_NEEDS_HOOK = {
    Capability.PARTIAL_CAPTURE: "capture",
    Capability.MULTIPLE_CAPTURES: "capture",
    Capability.PARTIAL_REFUND: "refund",
    Capability.MULTIPLE_REFUNDS: "refund",
}


@check(
    "capabilities",
    "declared capabilities match the implemented hooks, both ways (void, client_token and "
    "notifications each exactly when their hook exists; three_d_secure or redirect exactly "
    "when confirm_payment exists; partial or multiple captures and refunds need capture or "
    "refund); undeclared behaviour is probed by 'undeclared_capabilities'",
    structural=True,
)
def capabilities(h: Harness) -> str | None:
    declared, implemented = h.info.capabilities, h.implemented
    problems = capability_problems(declared, implemented)
    problems += [
        f"declares {capability.value!r} but does not implement {hook!r}"
        for capability, hook in _NEEDS_HOOK.items()
        if capability in declared and hook not in implemented
    ]
    _fail_if(problems)
    return None


@check(
    "currencies",
    "supported_currencies (default and test configuration) and the currencies to try are "
    "ISO 4217 codes with a minor unit, and every currency to try is configured",
    structural=True,
)
def currencies(h: Harness) -> str | None:
    sources = [("default_config.supported_currencies", h.info.default_config.supported_currencies)]
    if h.inputs.config is not None:
        sources.append(("the test configuration", h.inputs.config.supported_currencies))
    sources.append(("the currencies to try", h.inputs.currencies))
    problems = []
    for where, codes in sources:
        for code in codes:
            try:
                iso_exponent(code)
            except CurrencyError as exc:
                problems.append(f"{where}: {exc}")
    missing = [c for c in h.inputs.currencies if c not in h.config.supported_currencies]
    if missing:
        problems.append(
            f"the currencies to try include {', '.join(missing)}, which the configuration "
            "does not support"
        )
    _fail_if(problems)
    return None


@check(
    "error_table",
    "gateway_info().error_map exists and maps PSP codes only to ErrorCode values",
    structural=True,
)
def error_table(h: Harness) -> str | None:
    table = h.info.error_map
    if table is None:
        raise CheckFailed(
            "gateway_info().error_map is None: publish the PSP's error codes as an ErrorMap, "
            "data that reviewers and the kit can read"
        )
    _fail_if(check_error_table(table))
    return f"{len(table.table)} PSP codes mapped"


#: Keys that name a secret although GatewayConfig does not wrap them itself.
_SECRETISH = re.compile(
    r"secret|passw|api_?key|private|token|hmac|signing|signature|credential|(^|_)key$",
    re.IGNORECASE,
)


@check(
    "config_schema",
    "the default and test configurations validate as GatewayConfig, and every "
    "connection parameter that looks secret is a SecretStr hidden from repr and JSON",
    structural=True,
)
def config_schema(h: Harness) -> str | None:
    configs = [("default_config", h.info.default_config)]
    if h.inputs.config is not None:
        configs.append(("the test configuration", h.inputs.config))
    problems = []
    for where, config in configs:
        try:
            GatewayConfig.model_validate(config.model_dump())
        except ValidationError as exc:
            problems.append(f"{where} does not validate: {exc.errors()[0]['msg']}")
        for key, value in config.connection_params.items():
            if (
                isinstance(value, str)
                and _SECRETISH.search(key)
                and "public" not in key.lower()
                and "publishable" not in key.lower()
            ):
                problems.append(
                    f"{where}.connection_params[{key!r}] looks secret but is a plain str: "
                    "pass a SecretStr so it never shows in repr, logs or JSON"
                )
        shown = repr(config) + config.model_dump_json()
        if any(secret in shown for secret in config.secret_values()):
            problems.append(f"a secret of {where} shows in its repr or JSON")
    _fail_if(problems)
    return None
