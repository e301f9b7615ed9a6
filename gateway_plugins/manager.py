"""The :class:`PluginManager`: the one object a host application calls.

It finds plugins (entry points and code), configures gateways, and runs each
money operation through the chain described in :mod:`gateway_plugins.hookspecs`,
turning anything a plugin does wrong into a failed ``GatewayResponse``.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pluggy

from . import hookspecs
from .contract import (
    FAILURE_KINDS,
    OPERATION_KINDS,
    capability_problems,
    default_problems,
    echo_checked,
    money_facts,
    response_problem,
)
from .discovery import BrokenPlugin, load_entry_points
from .errors import ErrorCode
from .exceptions import (
    ClientTokenError,
    InactiveGatewayError,
    NotificationError,
    NotificationRejected,
    OperationNotSupportedError,
    PluginRegistrationError,
    UnknownGatewayError,
    UnsupportedCurrencyError,
)
from .interface import (
    Capability,
    GatewayConfig,
    GatewayInfo,
    GatewayResponse,
    PaymentData,
    TokenConfig,
    TransactionKind,
)
from .notifications import EventLog, MemoryEventLog, NotificationResult, TransactionUpdate
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
class _Step:
    """One plugin's implementation of one hook, ready to call."""

    plugin_name: str
    function: Callable[..., Any]
    argnames: tuple[str, ...]
    is_gateway: bool
    takes_all: bool
    """The implementation declares every argument of its hook (the usual case)."""


@dataclass(frozen=True)
class _Gateway:
    """A registered gateway plugin and its current configuration (replaced, never mutated)."""

    plugin_name: str
    info: GatewayInfo
    impls: dict[str, pluggy.HookImpl]
    config: GatewayConfig | None
    currencies: frozenset[str] = frozenset()
    problem: str | None = None
    scrubber: Scrubber = field(default_factory=Scrubber)


class _ConfigurationRefused(Exception):
    """A plugin's configure_gateway hook refused a configuration."""


class PluginManager:
    """Finds gateway plugins and runs payments through them.

    ``PluginManager()`` loads every plugin published in the
    ``gateway_plugins.gateways`` entry point group; pass ``discover=False`` to
    register plugins only in code (:meth:`register`). ``configs`` maps gateway
    ids to the :class:`GatewayConfig` to use instead of a plugin's default.

    A plugin that fails to import, to instantiate or to pass the contract checks
    is skipped and listed in :attr:`broken_plugins`; the others load normally.

    Any exception a plugin raises during a money operation becomes a failed
    ``GatewayResponse`` with ``error_code=processing_error`` and the traceback
    is logged (scrubbed); set ``raise_plugin_errors=True`` to re-raise instead,
    for debugging.

    PSP notifications (webhooks) go through :meth:`handle_notification`; the
    events it has seen are kept in ``event_log`` (in memory unless the host
    gives a shared :class:`~gateway_plugins.notifications.EventLog`).

    One manager may serve many threads. Calls take no lock: configuration and
    registration swap in new immutable state.
    """

    def __init__(
        self,
        *,
        discover: bool = True,
        configs: Mapping[str, GatewayConfig] | None = None,
        raise_plugin_errors: bool = False,
        event_log: EventLog | None = None,
    ) -> None:
        self.raise_plugin_errors = raise_plugin_errors
        self.event_log: EventLog = event_log if event_log is not None else MemoryEventLog()
        self._pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)
        self._lock = threading.RLock()
        self._configs: dict[str, GatewayConfig] = dict(configs or {})
        self._gateways: dict[str, _Gateway] = {}
        self._chains: dict[tuple[str, str], tuple[_Step, ...]] = {}
        self._distributions: dict[str, tuple[str | None, str | None]] = {}
        self._broken: list[BrokenPlugin] = []
        if discover:
            self.load_entry_points()

    # -- Registration ---------------------------------------------------------

    def load_entry_points(self, group: str = hookspecs.ENTRY_POINT_GROUP) -> None:
        """Load and register every plugin published in the entry point ``group``."""
        loaded, broken = load_entry_points(group)
        self._broken.extend(broken)
        for plugin in loaded:
            try:
                self.register(plugin.obj, name=plugin.name, distribution=plugin.distribution)
            except (PluginRegistrationError, ValueError) as exc:
                reason = exc.reason if isinstance(exc, PluginRegistrationError) else str(exc)
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
        """Register ``plugin`` (an object or module with ``@hookimpl`` functions).

        Returns the plugin name. Raises :class:`PluginRegistrationError` naming
        what is wrong when the plugin breaks the contract; nothing is registered
        then.
        """
        with self._lock:
            try:
                plugin_name = self._pm.register(plugin, name)
            except (pluggy.PluginValidationError, ValueError) as exc:
                raise PluginRegistrationError(name or repr(plugin), str(exc)) from exc
            assert plugin_name is not None, "pluggy returns None only for blocked names"
            try:
                gateway = self._validate(plugin, plugin_name)
            except PluginRegistrationError:
                self._pm.unregister(plugin)
                raise
            self._distributions[plugin_name] = distribution
            if gateway is not None:
                config = self._configs.get(gateway.info.id, gateway.info.default_config)
                self._install(self._unconfigured(gateway, config))
            self._chains = {}
            return plugin_name

    def unregister(self, name: str) -> None:
        """Remove the plugin registered as ``name`` (and its gateway, if any)."""
        with self._lock:
            self._pm.unregister(name=name)
            self._gateways = {
                gid: gw for gid, gw in self._gateways.items() if gw.plugin_name != name
            }
            self._distributions.pop(name, None)
            self._chains = {}

    def _validate(self, plugin: object, plugin_name: str) -> _Gateway | None:
        impls = self._impls_of(plugin)
        problems = default_problems(impls.values())
        problems += [
            f"hook {hook!r} is not in the contract (see gateway_plugins.hookspecs)"
            for hook, impl in impls.items()
            if not getattr(self._pm.hook, hook).has_spec() and not impl.optionalhook
        ]
        info: object = None
        if "gateway_info" in impls and not problems:
            try:
                info = impls["gateway_info"].function()
            except Exception as exc:
                problems.append(f"gateway_info() raised {type(exc).__name__}: {exc}")
            else:
                if not isinstance(info, GatewayInfo):
                    problems.append(
                        f"gateway_info() returned {type(info).__name__}, not a GatewayInfo"
                    )
                else:
                    problems += capability_problems(info.capabilities, impls)
                    if info.id in self._gateways:
                        problems.append(
                            f"gateway id {info.id!r} is already provided by plugin "
                            f"{self._gateways[info.id].plugin_name!r}"
                        )
        if problems:
            raise PluginRegistrationError(plugin_name, "; ".join(problems))
        if not isinstance(info, GatewayInfo):
            return None
        return _Gateway(plugin_name=plugin_name, info=info, impls=impls, config=None)

    def _impls_of(self, plugin: object) -> dict[str, pluggy.HookImpl]:
        """The plugin's implementations, by hook name."""
        return {
            caller.name: impl
            for caller in self._pm.get_hookcallers(plugin) or []
            for impl in caller.get_hookimpls()
            if impl.plugin is plugin
        }

    # -- Configuration --------------------------------------------------------

    def configure(self, gateway_id: str, config: GatewayConfig) -> None:
        """Give ``gateway_id`` a new configuration (used from the next call on).

        Raises :class:`UnknownGatewayError`, or ``ValueError`` when the plugin
        refuses the configuration (the previous one stays in force then).
        """
        if not isinstance(config, GatewayConfig):
            raise TypeError(f"config must be a GatewayConfig, got {type(config).__name__}")
        with self._lock:
            gateway = self._gateways.get(gateway_id)
            if gateway is None:
                raise UnknownGatewayError(gateway_id, self._gateways)
            try:
                configured = self._configured(gateway, config)
            except _ConfigurationRefused as exc:
                raise ValueError(
                    f"gateway {gateway_id!r} refused its configuration: {exc}"
                ) from None
            self._configs[gateway_id] = config
            self._install(configured)

    def _configured(self, gateway: _Gateway, config: GatewayConfig) -> _Gateway:
        """``gateway`` with ``config`` applied; raises _ConfigurationRefused."""
        if "configure_gateway" in gateway.impls:
            try:
                gateway.impls["configure_gateway"].function(config=config)
            except Exception as exc:
                raise _ConfigurationRefused(f"{type(exc).__name__}: {exc}") from exc
        return _Gateway(
            plugin_name=gateway.plugin_name,
            info=gateway.info,
            impls=gateway.impls,
            config=config,
            currencies=frozenset(config.supported_currencies),
            problem=None if config.active else "inactive",
            scrubber=Scrubber(config.secret_values()),
        )

    def _unconfigured(self, gateway: _Gateway, config: GatewayConfig) -> _Gateway:
        """``gateway`` with ``config``, or kept out of service with the reason it was refused."""
        try:
            return self._configured(gateway, config)
        except _ConfigurationRefused as exc:
            # A gateway that needs credentials refuses its own defaults: that is
            # "not set up yet", not a fault, unless the host gave the configuration.
            given = gateway.info.id in self._configs
            log.log(logging.WARNING if given else logging.INFO,
                    "gateway %r is not configured: %s", gateway.info.id, exc)  # fmt: skip
            return replace(gateway, problem=f"configuration refused: {exc}")

    def _install(self, gateway: _Gateway) -> None:
        self._gateways = {**self._gateways, gateway.info.id: gateway}

    # -- Introspection --------------------------------------------------------

    def list_gateways(self, currency: str | None = None) -> list[PaymentGateway]:
        """The active gateways, only those supporting ``currency`` when it is given."""
        code = currency.strip().upper() if currency is not None else None
        return [
            PaymentGateway(
                id=gw.info.id,
                name=gw.config.gateway_name if gw.config else gw.info.name,
                currencies=gw.config.supported_currencies if gw.config else (),
                capabilities=gw.info.capabilities,
            )
            for gw in self._gateways.values()
            if gw.problem is None and (code is None or code in gw.currencies)
        ]

    def gateway_info(self, gateway_id: str) -> GatewayInfo:
        """What the plugin providing ``gateway_id`` declared about itself."""
        gateway = self._gateways.get(gateway_id)
        if gateway is None:
            raise UnknownGatewayError(gateway_id, self._gateways)
        return gateway.info

    @property
    def plugins(self) -> list[PluginRecord]:
        """Every registered plugin, gateways and others."""
        by_plugin = {gw.plugin_name: gw for gw in self._gateways.values()}
        records = []
        for name, _plugin in self._pm.list_name_plugin():
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
    def broken_plugins(self) -> list[BrokenPlugin]:
        """Plugins that could not be loaded, with the stage that failed and why."""
        return list(self._broken)

    # -- Money operations -----------------------------------------------------

    def authorize(self, payment_information: PaymentData) -> GatewayResponse:
        """Reserve the amount; see :func:`gateway_plugins.hookspecs.authorize`."""
        return self._run("authorize", payment_information)

    def capture(self, payment_information: PaymentData) -> GatewayResponse:
        """Capture an authorization; see :func:`gateway_plugins.hookspecs.capture`."""
        return self._run("capture", payment_information)

    def refund(self, payment_information: PaymentData) -> GatewayResponse:
        """Refund captured money; see :func:`gateway_plugins.hookspecs.refund`."""
        return self._run("refund", payment_information)

    def void(self, payment_information: PaymentData) -> GatewayResponse:
        """Release an authorization; see :func:`gateway_plugins.hookspecs.void`."""
        return self._run("void", payment_information)

    def process_payment(self, payment_information: PaymentData) -> GatewayResponse:
        """Authorize and, per ``auto_capture``, capture; see the hookspec."""
        return self._run("process_payment", payment_information)

    def confirm_payment(self, payment_information: PaymentData) -> GatewayResponse:
        """Complete a payment after customer action (3-D Secure); see the hookspec."""
        return self._run("confirm_payment", payment_information)

    def get_client_token(self, gateway_id: str, token_config: TokenConfig | None = None) -> str:
        """A fresh client token from ``gateway_id``, for the storefront.

        Raises :class:`ClientTokenError` when the gateway fails to produce one.
        """
        gateway = self._active_gateway(gateway_id)
        token_config = token_config or TokenConfig()
        value: object = None
        for step in self._chain(gateway, "get_client_token"):
            try:
                result = _call(step, token_config=token_config, previous_value=value)
            except Exception as exc:
                if self.raise_plugin_errors:
                    raise
                self._log_exception(gateway, step, "get_client_token", exc)
                if step.is_gateway:
                    raise ClientTokenError(
                        gateway_id, f"plugin {step.plugin_name!r} raised {type(exc).__name__}"
                    ) from None
                continue
            if step.is_gateway and not (isinstance(result, str) and result):
                raise ClientTokenError(
                    gateway_id,
                    f"plugin {step.plugin_name!r} returned {type(result).__name__}, "
                    "not a non-empty str",
                )
            if isinstance(result, str):
                value = result
        assert isinstance(value, str)
        return value

    def handle_notification(
        self, gateway_id: str, headers: Mapping[str, str], body: bytes | str
    ) -> NotificationResult:
        """Verify a PSP notification (webhook) for ``gateway_id`` and say what it changed.

        ``headers`` and ``body`` are the PSP's HTTP request as received (a
        ``str`` body is encoded as UTF-8). Returns a
        :class:`~gateway_plugins.notifications.NotificationResult`: apply its
        ``updates``, ignore its ``duplicates`` (events delivered before), and
        answer the PSP with HTTP 200 and its ``acknowledgement``.

        Raises :class:`NotificationRejected` when verification fails (answer
        401), :class:`NotificationError` when the plugin failed in another way
        (answer 500, the PSP will retry), and the errors of :meth:`authorize`
        for an unknown, inactive or non-notifying gateway.
        """
        gateway = self._active_gateway(gateway_id)
        impl = gateway.impls.get("handle_notification")
        if impl is None:
            raise OperationNotSupportedError(gateway_id, "handle_notification")
        arguments = {
            "headers": {str(name).lower(): str(value) for name, value in headers.items()},
            "body": body.encode("utf-8") if isinstance(body, str) else bytes(body),
        }
        try:
            result = impl.function(**{name: arguments[name] for name in impl.argnames})
        except NotificationRejected as exc:
            log.warning("%s", gateway.scrubber.text(str(exc)))
            raise NotificationRejected(gateway_id, gateway.scrubber.text(exc.reason)) from None
        except Exception as exc:
            if self.raise_plugin_errors:
                raise
            step = _Step(gateway.plugin_name, impl.function, (), True, True)
            self._log_exception(gateway, step, "handle_notification", exc)
            raise NotificationError(
                gateway_id, f"plugin {gateway.plugin_name!r} raised {type(exc).__name__}"
            ) from None
        if not isinstance(result, NotificationResult):
            raise NotificationError(
                gateway_id,
                f"plugin {gateway.plugin_name!r} returned {type(result).__name__}, "
                "not a NotificationResult",
            )
        fresh: list[TransactionUpdate] = []
        repeated: list[TransactionUpdate] = []
        for update in (*result.updates, *result.duplicates):
            update = self._scrubbed_update(gateway, update)
            if self.event_log.first_time(f"{gateway_id}:{update.event_id}"):
                fresh.append(update)
            else:
                repeated.append(update)
        return NotificationResult(
            updates=tuple(fresh),
            duplicates=tuple(repeated),
            acknowledgement=result.acknowledgement,
        )

    def _scrubbed_update(self, gateway: _Gateway, update: TransactionUpdate) -> TransactionUpdate:
        cleaned = {
            key: gateway.scrubber.data(value)
            for key, value in (
                ("raw_response", update.raw_response),
                ("psp_error_message", update.psp_error_message),
            )
            if value and gateway.scrubber.leaks(value)
        }
        return update.model_copy(update=cleaned) if cleaned else update

    def _active_gateway(self, gateway_id: str) -> _Gateway:
        gateway = self._gateways.get(gateway_id)
        if gateway is None:
            raise UnknownGatewayError(gateway_id, self._gateways)
        if gateway.problem is not None:
            raise InactiveGatewayError(gateway_id, gateway.problem)
        return gateway

    def _chain(self, gateway: _Gateway, hook: str) -> tuple[_Step, ...]:
        chains = self._chains
        chain = chains.get((gateway.info.id, hook))
        if chain is None:
            chain = self._build_chain(gateway, hook)
            chains[(gateway.info.id, hook)] = chain
        return chain

    def _build_chain(self, gateway: _Gateway, hook: str) -> tuple[_Step, ...]:
        if hook not in gateway.impls:
            raise OperationNotSupportedError(gateway.info.id, hook)
        gateway_plugins = {gw.plugin_name for gw in self._gateways.values()}
        steps = []
        caller = getattr(self._pm.hook, hook)
        arguments = len(caller.spec.argnames)
        # pluggy calls the last implementation of get_hookimpls() first.
        for impl in reversed(caller.get_hookimpls()):
            if impl.plugin_name in gateway_plugins and impl.plugin_name != gateway.plugin_name:
                continue
            steps.append(
                _Step(
                    plugin_name=impl.plugin_name,
                    function=impl.function,
                    argnames=tuple(impl.argnames),
                    is_gateway=impl.plugin_name == gateway.plugin_name,
                    takes_all=len(impl.argnames) == arguments,
                )
            )
        return tuple(steps)

    def _run(self, operation: str, payment: PaymentData) -> GatewayResponse:
        if not isinstance(payment, PaymentData):
            raise TypeError(
                f"payment_information must be a PaymentData, got {type(payment).__name__}"
            )
        gateway = self._gateways.get(payment.gateway)
        if gateway is None or gateway.problem is not None:
            gateway = self._active_gateway(payment.gateway)  # raises the right error
        if payment.currency not in gateway.currencies:
            assert gateway.config is not None
            raise UnsupportedCurrencyError(
                gateway.info.id, payment.currency, gateway.config.supported_currencies
            )
        allowed_kinds = OPERATION_KINDS[operation]
        value: GatewayResponse | None = None
        answered = False
        chain = self._chains.get((payment.gateway, operation)) or self._chain(gateway, operation)
        for step in chain:
            if step.is_gateway and value is not None and not value.is_success:
                continue  # vetoed by a plugin before the gateway: no money moves
            try:
                if step.takes_all:
                    result = step.function(payment_information=payment, previous_value=value)
                else:
                    result = _call(step, payment_information=payment, previous_value=value)
            except Exception as exc:
                if self.raise_plugin_errors:
                    raise
                self._log_exception(gateway, step, operation, exc)
                if answered:
                    continue  # an observer's crash must not lose the gateway's answer
                value = self._failure(
                    gateway, operation, payment, step.plugin_name,
                    f"{type(exc).__name__}: {gateway.scrubber.text(str(exc))}",
                )  # fmt: skip
                answered = step.is_gateway
                continue
            if type(result) is GatewayResponse and result.kind in allowed_kinds:
                problem = None  # the common case, checked without a call
            elif result is None and not step.is_gateway:
                problem = None if value is None else "returned None instead of previous_value"
            else:
                problem = response_problem(operation, result)
            if problem is None and answered:
                assert isinstance(result, GatewayResponse) and value is not None
                if money_facts(result) != money_facts(value):
                    problem = "changed the gateway's money facts (is_success, kind, amount …)"
            if problem is not None:
                log.error("plugin %r %s in %s", step.plugin_name, problem, operation)
                if not answered:
                    value = self._failure(gateway, operation, payment, step.plugin_name, problem)
                    answered = step.is_gateway
                continue
            if result is not None:
                assert isinstance(result, GatewayResponse)
                value = self._scrubbed(gateway, step, result)
                if (
                    step.is_gateway
                    and value.is_success
                    and (value.currency != payment.currency or value.amount != payment.amount)
                ):
                    value = echo_checked(value, payment)
                    log.error("gateway %r %s", gateway.info.id, value.psp_error_message)
            answered = answered or step.is_gateway
        assert value is not None, "the chain always holds the gateway"
        return value

    def _scrubbed(
        self, gateway: _Gateway, step: _Step, response: GatewayResponse
    ) -> GatewayResponse:
        """``response`` with card data and secrets removed from its free-form fields."""
        raw, message = response.raw_response, response.psp_error_message
        scrubber = gateway.scrubber
        if not (raw and scrubber.might_leak(raw)) and not (
            message and scrubber.might_leak(message)
        ):
            return response  # the common case, checked fast
        cleaned = {
            key: scrubber.data(value)
            for key, value in (("raw_response", raw), ("psp_error_message", message))
            if value and scrubber.leaks(value)
        }
        if cleaned:
            log.warning(
                "plugin %r returned card data or secrets in %s; scrubbed",
                step.plugin_name,
                ", ".join(cleaned),
            )
        return response.model_copy(update=cleaned) if cleaned else response

    def _failure(
        self,
        gateway: _Gateway,
        operation: str,
        payment: PaymentData,
        plugin_name: str,
        detail: str,
    ) -> GatewayResponse:
        kind = FAILURE_KINDS[operation]
        if operation == "process_payment" and gateway.config and not gateway.config.auto_capture:
            kind = TransactionKind.AUTH
        return GatewayResponse.failure(
            payment,
            kind,
            ErrorCode.PROCESSING_ERROR,
            error=f"The payment could not be processed: plugin {plugin_name!r} failed.",
            psp_error_message=f"plugin {plugin_name!r} {detail}",
        )

    def _log_exception(self, gateway: _Gateway, step: _Step, hook: str, exc: Exception) -> None:
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        log.error(
            "plugin %r raised in %s:\n%s", step.plugin_name, hook, gateway.scrubber.text(text)
        )


def _call(step: _Step, **arguments: Any) -> Any:
    # Pass only the parameters the implementation declares, as pluggy does.
    if step.takes_all:
        return step.function(**arguments)
    return step.function(**{name: arguments[name] for name in step.argnames})


__all__ = ["OPERATION_KINDS", "PaymentGateway", "PluginManager", "PluginRecord"]
