"""The registry: registered plugins, the gateways they provide, and their configurations.

Registration and configuration take a lock and swap in new immutable
:class:`Gateway` records; money calls read them without a lock. ``generation``
counts the changes, so that caches built from the registry (the call chains)
know when to start again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pluggy

from . import hookspecs
from .contract import capability_problems, default_problems
from .discovery import BrokenPlugin, load_entry_points
from .exceptions import InactiveGatewayError, PluginRegistrationError, UnknownGatewayError
from .interface import Capability, GatewayConfig, GatewayInfo
from .safety import safe_text
from .scrub import Scrubber

log = logging.getLogger("gateway_plugins")


@dataclass(frozen=True)
class PaymentGateway:
    """An active gateway as :meth:`PluginManager.list_gateways` reports it."""

    id: str
    name: str
    currencies: tuple[str, ...]
    capabilities: frozenset[Capability]


@dataclass(frozen=True)
class PluginRecord:
    """One registered plugin, for listings (``gateway-plugins list``)."""

    name: str
    distribution: str | None
    version: str | None
    gateway: GatewayInfo | None
    config: GatewayConfig | None
    problem: str | None
    """Why the gateway cannot take calls (unconfigured, inactive), if it cannot."""


@dataclass(frozen=True)
class Gateway:
    """A registered gateway plugin and its current configuration (replaced, never mutated)."""

    plugin_name: str
    info: GatewayInfo
    impls: dict[str, pluggy.HookImpl]
    config: GatewayConfig | None
    currencies: frozenset[str] = frozenset()
    problem: str | None = None
    scrubber: Scrubber = field(default_factory=Scrubber)

    @property
    def id(self) -> str:
        """The gateway id hosts put in ``PaymentData.gateway``."""
        return self.info.id

    def declares(self, capability: Capability) -> bool:
        """Whether the plugin declared ``capability``."""
        return capability in self.info.capabilities


class ConfigurationRefused(Exception):
    """A plugin's configure_gateway hook refused a configuration."""


class Registry:
    """Plugins registered with one :class:`~gateway_plugins.manager.PluginManager`."""

    def __init__(self, configs: Mapping[str, GatewayConfig] | None = None) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.generation = 0
        self.gateways: dict[str, Gateway] = {}
        """Gateways by id; replaced whole on every change, so readers need no lock."""
        self._lock = threading.RLock()
        self._configs: dict[str, GatewayConfig] = dict(configs or {})
        self._distributions: dict[str, tuple[str | None, str | None]] = {}
        self._broken: list[BrokenPlugin] = []
        self._listeners: list[Callable[[], None]] = []

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after every change of plugins or configurations."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        self.generation += 1
        for listener in self._listeners:
            listener()

    # -- Registration ---------------------------------------------------------

    def load_entry_points(self, group: str) -> None:
        """Load and register every plugin of the entry point ``group``; never raises."""
        loaded, broken = load_entry_points(group)
        self._broken.extend(broken)
        for plugin in loaded:
            try:
                self.register(plugin.obj, name=plugin.name, distribution=plugin.distribution)
            except (PluginRegistrationError, ValueError) as exc:
                reason = exc.reason if isinstance(exc, PluginRegistrationError) else safe_text(exc)
                self._broken.append(
                    BrokenPlugin(plugin.name, *plugin.distribution, "validate", reason)
                )
                log.warning("skipped plugin %r: %s", plugin.name, reason)

    def register(
        self,
        plugin: object,
        name: str | None = None,
        *,
        distribution: tuple[str | None, str | None] = (None, None),
    ) -> str:
        """Register ``plugin``; see :meth:`PluginManager.register`."""
        with self._lock:
            try:
                plugin_name = self.pm.register(plugin, name)
            except (pluggy.PluginValidationError, ValueError) as exc:
                raise PluginRegistrationError(name or _label(plugin), safe_text(exc)) from exc
            assert plugin_name is not None, "pluggy returns None only for blocked names"
            try:
                gateway = self._validate(plugin, plugin_name)
            except PluginRegistrationError:
                self.pm.unregister(plugin)
                raise
            self._distributions[plugin_name] = distribution
            if gateway is not None:
                config = self._configs.get(gateway.id, gateway.info.default_config)
                self._install(self._unconfigured(gateway, config))
            self._changed()
            return plugin_name

    def unregister(self, name: str) -> None:
        """Remove the plugin registered as ``name`` (and its gateway, if any)."""
        with self._lock:
            self.pm.unregister(name=name)
            self.gateways = {gid: gw for gid, gw in self.gateways.items() if gw.plugin_name != name}
            self._distributions.pop(name, None)
            self._changed()

    def _validate(self, plugin: object, plugin_name: str) -> Gateway | None:
        impls = self.implementations(plugin)
        problems = default_problems(impls.values())
        problems += [
            f"hook {hook!r} is not in the contract (see gateway_plugins.hookspecs)"
            for hook, impl in impls.items()
            if not getattr(self.pm.hook, hook).has_spec() and not impl.optionalhook
        ]
        info: object = None
        if "gateway_info" in impls and not problems:
            try:
                info = impls["gateway_info"].function()
            except Exception as exc:
                problems.append(f"gateway_info() raised {type(exc).__name__}: {safe_text(exc)}")
            else:
                if not isinstance(info, GatewayInfo):
                    problems.append(
                        f"gateway_info() returned {type(info).__name__}, not a GatewayInfo"
                    )
                else:
                    problems += capability_problems(info.capabilities, impls)
                    if info.id in self.gateways:
                        problems.append(
                            f"gateway id {info.id!r} is already provided by plugin "
                            f"{self.gateways[info.id].plugin_name!r}"
                        )
        if problems:
            raise PluginRegistrationError(plugin_name, "; ".join(problems))
        if not isinstance(info, GatewayInfo):
            return None
        return Gateway(plugin_name=plugin_name, info=info, impls=impls, config=None)

    def implementations(self, plugin: object) -> dict[str, pluggy.HookImpl]:
        """``plugin``'s hook implementations, by hook name."""
        return {
            caller.name: impl
            for caller in self.pm.get_hookcallers(plugin) or []
            for impl in caller.get_hookimpls()
            if impl.plugin is plugin
        }

    # -- Configuration --------------------------------------------------------

    def configure(self, gateway_id: str, config: GatewayConfig) -> None:
        """Give ``gateway_id`` a new configuration; see :meth:`PluginManager.configure`."""
        if not isinstance(config, GatewayConfig):
            raise TypeError(f"config must be a GatewayConfig, got {type(config).__name__}")
        with self._lock:
            gateway = self.gateways.get(gateway_id)
            if gateway is None:
                raise UnknownGatewayError(gateway_id, self.gateways)
            try:
                configured = self._configured(gateway, config)
            except ConfigurationRefused as exc:
                raise ValueError(
                    f"gateway {gateway_id!r} refused its configuration: {exc}"
                ) from None
            self._configs[gateway_id] = config
            self._install(configured)
            self._changed()

    def _configured(self, gateway: Gateway, config: GatewayConfig) -> Gateway:
        """``gateway`` with ``config`` applied; raises ConfigurationRefused."""
        if "configure_gateway" in gateway.impls:
            try:
                gateway.impls["configure_gateway"].function(config=config)
            except Exception as exc:
                raise ConfigurationRefused(f"{type(exc).__name__}: {safe_text(exc)}") from exc
        return Gateway(
            plugin_name=gateway.plugin_name,
            info=gateway.info,
            impls=gateway.impls,
            config=config,
            currencies=frozenset(config.supported_currencies),
            problem=None if config.active else "inactive",
            scrubber=Scrubber(config.secret_values()),
        )

    def _unconfigured(self, gateway: Gateway, config: GatewayConfig) -> Gateway:
        """``gateway`` with ``config``, or kept out of service with the reason it was refused."""
        try:
            return self._configured(gateway, config)
        except ConfigurationRefused as exc:
            # A gateway that needs credentials refuses its own defaults: that is
            # "not set up yet", not a fault, unless the host gave the configuration.
            given = gateway.id in self._configs
            log.log(logging.WARNING if given else logging.INFO,
                    "gateway %r is not configured: %s", gateway.id, exc)  # fmt: skip
            return replace(gateway, problem=f"configuration refused: {exc}")

    def _install(self, gateway: Gateway) -> None:
        self.gateways = {**self.gateways, gateway.id: gateway}

    # -- Lookup and listings --------------------------------------------------

    def active(self, gateway_id: str) -> Gateway:
        """The gateway ``gateway_id`` if it can take calls; raises the error that says why not."""
        gateway = self.gateways.get(gateway_id)
        if gateway is None:
            raise UnknownGatewayError(gateway_id, self.gateways)
        if gateway.problem is not None:
            raise InactiveGatewayError(gateway_id, gateway.problem)
        return gateway

    def known(self, gateway_id: str) -> Gateway:
        """The gateway ``gateway_id``, active or not (``UnknownGatewayError`` if none)."""
        gateway = self.gateways.get(gateway_id)
        if gateway is None:
            raise UnknownGatewayError(gateway_id, self.gateways)
        return gateway

    def records(self) -> list[PluginRecord]:
        """Every registered plugin, gateways and others."""
        by_plugin = {gw.plugin_name: gw for gw in self.gateways.values()}
        records = []
        for name, _plugin in self.pm.list_name_plugin():
            gateway = by_plugin.get(name)
            dist, version = self._distributions.get(name, (None, None))
            records.append(
                PluginRecord(
                    name=name,
                    distribution=dist,
                    version=version,
                    gateway=gateway.info if gateway else None,
                    config=gateway.config if gateway else None,
                    problem=gateway.problem if gateway else None,
                )
            )
        return records

    @property
    def broken(self) -> list[BrokenPlugin]:
        """Plugins that could not be loaded, with the stage that failed and why."""
        return list(self._broken)

    def hook_implementations(self, hook: str) -> tuple[list[pluggy.HookImpl], int]:
        """Every implementation of ``hook`` in pluggy's order, and the spec's argument count."""
        caller: Any = getattr(self.pm.hook, hook)
        return caller.get_hookimpls(), len(caller.spec.argnames)


def _label(plugin: object) -> str:
    try:
        return repr(plugin)
    except Exception:
        return f"<{type(plugin).__name__} object>"


__all__ = ["Gateway", "PaymentGateway", "PluginRecord", "Registry"]
