"""Driving a plugin as a host does: fresh instances, a PluginManager, test payments.

One :class:`Harness` serves one run of the kit. It loads the plugin once (and
remembers why, if it cannot), then gives each check a fresh
:class:`~gateway_plugins.conformance.session.Session`: a new plugin instance
registered in a new ``PluginManager(discover=False)``, exactly as a host
registers a plugin in code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import CodeType
from typing import Any

import pluggy
from pluggy import HookImpl

from .. import hookspecs
from ..interface import GatewayConfig, GatewayInfo
from ..scrub import Scrubber
from .inputs import ConformanceInputs, offered_inputs
from .loading import PluginSource, from_entry_point, from_object
from .registry import CheckFailed
from .session import Session

#: The money hooks, in the order checks call them.
MONEY_HOOKS = ("authorize", "capture", "refund", "void", "process_payment", "confirm_payment")

#: Card data the kit feeds into payments to catch leaks (a Luhn-valid test Mastercard, a CVV).
KIT_CARD_NUMBER = "5555555555554444"
KIT_CVV = "8207"
#: The API key the kit configures when the test configuration holds no secret.
KIT_API_KEY = "kit_canary_sk_7f3c1e9a52d04b8e"


def hook_implementations(plugin: object) -> dict[str, HookImpl]:
    """The plugin's hook implementations by hook name, as pluggy sees them.

    Raises ``pluggy.PluginValidationError`` when an implementation does not fit its spec.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    pm.register(plugin)
    return {
        caller.name: impl
        for caller in pm.get_hookcallers(plugin) or []
        for impl in caller.get_hookimpls()
        if impl.plugin is plugin
    }


def hook_codes(impls: Mapping[str, HookImpl]) -> dict[CodeType, str]:
    """The code objects of the implementations (and what they wrap), each with its hook's name.

    A code shared by several hooks (a decorator's wrapper) names them all.
    """
    names: dict[CodeType, list[str]] = {}
    for name, impl in impls.items():
        function: Any = impl.function
        while function is not None:
            code = getattr(function, "__code__", None)
            if isinstance(code, CodeType) and name not in names.setdefault(code, []):
                names[code].append(name)
            function = getattr(function, "__wrapped__", None)
    return {code: " or ".join(found) for code, found in names.items()}


def call_hook(impl: HookImpl, **arguments: Any) -> Any:
    """Call one implementation directly, passing the parameters it declares (as pluggy does)."""
    return impl.function(**{name: arguments[name] for name in impl.argnames})


class Harness:
    """The plugin under test, loaded once; fresh instances and sessions for each check."""

    def __init__(self, inputs: ConformanceInputs, *, load_problem: str | None = None) -> None:
        """Load the plugin the inputs name; with ``load_problem``, only record why it is not."""
        if inputs.plugin is None and inputs.entry_point is None:
            raise ValueError("ConformanceInputs names no plugin: give plugin= or entry_point=")
        self.given = inputs
        self.inputs = inputs
        self.source: PluginSource | None = None
        self.load_problem = load_problem
        self.hook_codes: dict[CodeType, str] = {}
        """The code of each hook implementation, by which a time bound names the hook."""
        self._info: GatewayInfo | None = None
        self._info_problem: str | None = None
        self._implemented: frozenset[str] | None = None
        if load_problem is None:
            self._load()

    # -- Loading ----------------------------------------------------------------

    def _load(self) -> None:
        given = self.given
        try:
            if given.plugin is not None:
                self.source = from_object(given.plugin)
                if given.entry_point:
                    self.source = PluginSource(
                        given.plugin,
                        given.entry_point,
                        self.source.distribution,
                        self.source.version,
                    )
            else:
                assert given.entry_point is not None
                self.source = from_entry_point(given.entry_point)
        except LookupError as exc:
            self.load_problem = str(exc)
            return
        except Exception as exc:
            self.load_problem = f"the entry point could not be loaded: {type(exc).__name__}: {exc}"
            return
        try:
            plugin = self.source.instantiate()
        except Exception as exc:
            self.load_problem = f"the plugin could not be instantiated: {type(exc).__name__}: {exc}"
            return
        try:
            offered = offered_inputs(plugin)
        except Exception as exc:
            self.load_problem = f"conformance_inputs() failed: {type(exc).__name__}: {exc}"
            return
        if offered is not None:
            self.inputs = given.merged_with(offered)
        try:
            impls = hook_implementations(plugin)
        except pluggy.PluginValidationError as exc:
            self._info_problem = f"the plugin does not fit the hook specs: {exc}"
            return
        self.hook_codes = hook_codes(impls)
        if "gateway_info" not in impls:
            self._info_problem = "the plugin does not implement gateway_info, so it is no gateway"
            return
        try:
            info = call_hook(impls["gateway_info"])
        except Exception as exc:
            self._info_problem = f"gateway_info() raised {type(exc).__name__}: {exc}"
            return
        if not isinstance(info, GatewayInfo):
            self._info_problem = f"gateway_info() returned {type(info).__name__}, not a GatewayInfo"
            return
        self._info = info

    @property
    def label(self) -> str:
        """What reports call the plugin: its entry point name or its dotted path."""
        if self.source is not None:
            return self.source.label
        return self.given.entry_point or repr(self.given.plugin)

    def new_plugin(self) -> object:
        """A plugin object for one check (a fresh one unless the source is a ready object)."""
        if self.source is None:
            raise CheckFailed(f"not run: {self.load_problem}")
        try:
            return self.source.instantiate()
        except Exception as exc:
            raise CheckFailed(
                f"not run: the plugin could not be instantiated: {type(exc).__name__}: {exc}"
            ) from exc

    @property
    def info(self) -> GatewayInfo:
        """What ``gateway_info()`` answered (checks that need it fail when it did not)."""
        if self._info is None:
            raise CheckFailed(f"not run: {self.load_problem or self._info_problem}")
        return self._info

    @property
    def info_problem(self) -> str | None:
        """Why there is no :attr:`info`, if there is none."""
        return self.load_problem or self._info_problem

    def implementations(self, plugin: object) -> dict[str, HookImpl]:
        """``plugin``'s hook implementations (failing the check when pluggy refuses them)."""
        try:
            return hook_implementations(plugin)
        except pluggy.PluginValidationError as exc:
            raise CheckFailed(f"not run: the plugin does not fit the hook specs: {exc}") from exc

    @property
    def implemented(self) -> frozenset[str]:
        """The names of the hooks the plugin implements."""
        if self._implemented is None:
            self._implemented = frozenset(self.implementations(self.new_plugin()))
        return self._implemented

    # -- Configuration and inputs -------------------------------------------------

    @property
    def config(self) -> GatewayConfig:
        """The configuration checks use: the inputs' or the plugin's default."""
        return self.inputs.config or self.info.default_config

    @property
    def currencies(self) -> tuple[str, ...]:
        """The currencies to try."""
        return self.inputs.currencies or self.config.supported_currencies

    @property
    def success_token(self) -> str:
        """The token that authorizes (failing the check when the inputs give none)."""
        if not self.inputs.success_token:
            raise CheckFailed(
                "not run: the inputs give no success_token (set ConformanceInputs.success_token "
                "or let the plugin offer conformance_inputs())"
            )
        return self.inputs.success_token

    def scrubber(self, extra: Iterable[str] = ()) -> Scrubber:
        """Hides the inputs' tokens and secrets, for messages in reports."""
        secrets = [*self.inputs.tokens(), KIT_CARD_NUMBER, KIT_API_KEY, *extra]
        if self.inputs.config is not None:
            secrets += self.inputs.config.secret_values()
        return Scrubber(secrets)

    # -- Sessions ------------------------------------------------------------------

    def session(
        self,
        *,
        auto_capture: bool | None = None,
        config: GatewayConfig | None = None,
        spy: bool = False,
        others: Iterable[tuple[str, object]] = (),
    ) -> Session:
        """A fresh plugin in a fresh manager (with ``others`` registered first)."""
        config = config or self.config
        if auto_capture is not None:
            config = config.model_copy(update={"auto_capture": auto_capture})
        return Session(self, config, spy=spy, others=others)
