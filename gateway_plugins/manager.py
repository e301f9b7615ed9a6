"""The :class:`PluginManager`: the one object a host application calls.

A small facade over the parts that do the work, one concept each:
:mod:`~gateway_plugins.registry` (plugins, gateways, configurations),
:mod:`~gateway_plugins.chain` (one money operation through the gateway and
the plugins around it, every answer checked) and
:mod:`~gateway_plugins.webhooks` (PSP notifications).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping

from . import chain as call_chain
from . import hookspecs, webhooks
from .chain import Routes
from .contract import FAILURE_KINDS
from .deadlines import call_within
from .discovery import BrokenPlugin
from .errors import ErrorCode, NormalizedError, RetryAdvice
from .exceptions import ClientTokenError, UnsupportedCurrencyError
from .interface import (
    GatewayConfig,
    GatewayInfo,
    GatewayResponse,
    PaymentData,
    TokenConfig,
)
from .notifications import EventLog, MemoryEventLog, NotificationResult
from .registry import PaymentGateway, PluginRecord, Registry
from .webhooks import NotificationPolicy

log = logging.getLogger("gateway_plugins")

#: ``psp_error_code`` of a call the gateway did not finish within its deadline.
DEADLINE_EXCEEDED = "deadline_exceeded"


class PluginManager:
    """Finds gateway plugins and runs payments through them.

    ``PluginManager()`` loads every plugin published in the
    ``gateway_plugins.gateways`` entry point group; pass ``discover=False`` to
    register plugins only in code (:meth:`register`). ``configs`` maps gateway
    ids to the :class:`GatewayConfig` to use instead of a plugin's default.

    A plugin that fails to import, to instantiate or to pass the contract checks
    is skipped and listed in :attr:`broken_plugins`; the others load normally.

    Anything a plugin does wrong during a money operation (raising, answering
    something that is not a valid ``GatewayResponse`` of the right kind) becomes
    a failed ``GatewayResponse`` with ``error_code=processing_error``, and the
    traceback is logged (scrubbed); set ``raise_plugin_errors=True`` to re-raise
    instead, for debugging.

    ``deadline`` bounds every money call, in seconds (``deadlines`` per gateway
    id): past it the host gets a failed response with ``outcome_unknown=True``
    while the plugin's call finishes in the background. Without one (the
    default) a call runs in the caller's thread and takes as long as the plugin
    takes; the HTTP toolkit bounds its own calls.

    PSP notifications (webhooks) go through :meth:`notification`; the events
    the host applied are kept in ``event_log`` (in memory unless the host gives
    a durable or shared :class:`~gateway_plugins.notifications.EventLog`, such
    as :class:`~gateway_plugins.event_logs.SqliteEventLog`), and
    ``notification_policy`` sets the body size limit, the replay window and
    the lease (:class:`~gateway_plugins.webhooks.NotificationPolicy`).

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
        deadline: float | None = None,
        deadlines: Mapping[str, float] | None = None,
        notification_policy: NotificationPolicy | None = None,
    ) -> None:
        self.raise_plugin_errors = raise_plugin_errors
        self.notification_policy = notification_policy or NotificationPolicy()
        self.event_log: EventLog = webhooks.checked_event_log(
            event_log if event_log is not None else MemoryEventLog(), self.notification_policy
        )
        self.deadline = _check_deadline(deadline, "deadline")
        self.deadlines = {
            gateway_id: _check_deadline(seconds, f"deadlines[{gateway_id!r}]")
            for gateway_id, seconds in (deadlines or {}).items()
        }
        self._registry = Registry(configs)
        self._routes = Routes(self._registry)
        self._bounded = self.deadline is not None or bool(self.deadlines)
        if discover:
            self.load_entry_points()

    # -- Registration and configuration ---------------------------------------

    def load_entry_points(self, group: str = hookspecs.ENTRY_POINT_GROUP) -> None:
        """Load and register every plugin published in the entry point ``group``."""
        self._registry.load_entry_points(group)

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
        return self._registry.register(plugin, name, distribution=distribution)

    def unregister(self, name: str) -> None:
        """Remove the plugin registered as ``name`` (and its gateway, if any)."""
        self._registry.unregister(name)

    def configure(self, gateway_id: str, config: GatewayConfig) -> None:
        """Give ``gateway_id`` a new configuration (used from the next call on).

        Raises :class:`UnknownGatewayError`, or ``ValueError`` when the plugin
        refuses the configuration (the previous one stays in force then).
        """
        self._registry.configure(gateway_id, config)

    # -- Introspection --------------------------------------------------------

    def list_gateways(self, currency: str | None = None) -> list[PaymentGateway]:
        """The active gateways, only those supporting ``currency`` when it is given."""
        code = currency.strip().upper() if currency is not None else None
        return [
            PaymentGateway(
                id=gw.id,
                name=gw.config.gateway_name if gw.config else gw.info.name,
                currencies=gw.config.supported_currencies if gw.config else (),
                capabilities=gw.info.capabilities,
            )
            for gw in self._registry.gateways.values()
            if gw.problem is None and (code is None or code in gw.currencies)
        ]

    def gateway_info(self, gateway_id: str) -> GatewayInfo:
        """What the plugin providing ``gateway_id`` declared about itself."""
        return self._registry.known(gateway_id).info

    @property
    def plugins(self) -> list[PluginRecord]:
        """Every registered plugin, gateways and others."""
        return self._registry.records()

    @property
    def broken_plugins(self) -> list[BrokenPlugin]:
        """Plugins that could not be loaded, with the stage that failed and why."""
        return self._registry.broken

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
        """Complete a payment after customer action (3-D Secure, redirect); see the hookspec."""
        return self._run("confirm_payment", payment_information)

    def _run(self, operation: str, payment: PaymentData) -> GatewayResponse:
        if type(payment) is not PaymentData and not isinstance(payment, PaymentData):
            raise TypeError(
                f"payment_information must be a PaymentData, got {type(payment).__name__}"
            )
        asked = payment.__dict__  # pydantic's attribute access costs more on this path
        route = self._routes.cache[operation].get(asked["gateway"])
        if route is None:
            gateway = self._registry.active(asked["gateway"])  # raises the right error
            route = self._routes.get(gateway, operation)
        if asked["currency"] not in route.currencies:
            config = route.gateway.config
            assert config is not None
            raise UnsupportedCurrencyError(route.gateway.id, asked["currency"],
                                           config.supported_currencies)  # fmt: skip
        if self._bounded:
            deadline = self.deadlines.get(route.gateway.id, self.deadline)
            if deadline is not None:
                return self._run_within(deadline, route, payment)
        return route.call(payment, self.raise_plugin_errors)

    def _run_within(
        self, deadline: float, route: call_chain.Route, payment: PaymentData
    ) -> GatewayResponse:
        """Run the chain under ``deadline``; past it, answer that the outcome is unknown.

        The call goes on in the background (see :func:`~gateway_plugins.deadlines.call_within`):
        it may still move money, which is why the answer is not a plain failure.
        """
        gateway, operation = route.gateway, route.operation
        late = call_within(
            deadline,
            lambda: route.call(payment, self.raise_plugin_errors),
            name=f"gateway-call-{gateway.id}",
        )
        if late.done:
            assert late.result is not None
            return late.result
        log.error(
            "gateway %r did not answer %s within %s s; the call goes on in the background",
            gateway.id, operation, deadline,
        )  # fmt: skip
        timed_out = GatewayResponse.failure(
            payment,
            FAILURE_KINDS[operation],
            NormalizedError(
                ErrorCode.PROCESSING_ERROR,
                RetryAdvice.RETRY_LATER,
                DEADLINE_EXCEEDED,
                f"gateway {gateway.id!r} gave no answer to {operation} within {deadline} s; "
                "it may still act on it",
            ),
            outcome_unknown=True,
        )
        return call_chain.checked_answer(gateway, timed_out, payment)

    def get_client_token(self, gateway_id: str, token_config: TokenConfig | None = None) -> str:
        """A fresh client token from ``gateway_id``, for the storefront.

        Raises :class:`ClientTokenError` when the gateway fails to produce one.
        """
        gateway = self._registry.active(gateway_id)
        token_config = token_config or TokenConfig()
        value: object = None
        for step in self._routes.get(gateway, "get_client_token").chain:
            try:
                result = step.call(token_config=token_config, previous_value=value)
            except Exception as exc:
                if self.raise_plugin_errors:
                    raise
                call_chain.log_exception(gateway, step.plugin_name, "get_client_token", exc)
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

    # -- Notifications --------------------------------------------------------

    @contextlib.contextmanager
    def notification(
        self, gateway_id: str, headers: Mapping[str, str], body: bytes | str
    ) -> Iterator[NotificationResult]:
        """Receive a PSP notification (webhook) for ``gateway_id``; apply it inside the block.

        ``headers`` and ``body`` are the PSP's HTTP request as received (a
        ``str`` body is encoded as UTF-8)::

            with manager.notification("adyen", request.headers, request.body) as result:
                apply(result.updates)       # in the host's own transaction
            answer(200, result.acknowledgement)

        The :class:`~gateway_plugins.notifications.NotificationResult` holds
        the ``updates`` to apply (new events, claimed for this block), the
        ``duplicates`` applied before and the ``stale`` events refused as
        replays. When the block ends normally the updates are recorded as
        applied; when it raises they are released unrecorded, so the PSP's
        next delivery applies them (answer it with a 5xx). Answer HTTP 200 with
        ``acknowledgement`` whatever the lists hold.

        Raises, before the block runs: :class:`NotificationRejected` when the
        body is too large or verification fails (answer 401, or 400; nothing
        was applied), :class:`NotificationInProgress` when another delivery is
        applying one of its events, :class:`NotificationError` when the plugin
        or the event log failed (for both, answer 500: the PSP delivers again),
        and the errors of :meth:`authorize` for an unknown, inactive or
        non-notifying gateway. An error recording the applied updates is
        raised after the block (answer 500; their lease ends and the PSP's next
        delivery applies them again, so apply idempotently).
        """
        delivery = self._receive(gateway_id, headers, body)
        try:
            yield delivery.result
        except BaseException:
            delivery.release()
            raise
        delivery.complete()

    def handle_notification(
        self, gateway_id: str, headers: Mapping[str, str], body: bytes | str
    ) -> NotificationResult:
        """Receive a PSP notification (webhook) and claim its new events; acknowledge once applied.

        The same as :meth:`notification` without the block: the returned
        ``updates`` are claimed, not recorded. Call
        :meth:`acknowledge_notification` with the result once they are
        applied, and only then answer the PSP with HTTP 200. Updates never
        acknowledged stay claimed for ``notification_policy.lease`` seconds:
        a delivery of them meanwhile raises :class:`NotificationInProgress`
        (answer 500), and the first after it applies them again.
        """
        return self._receive(gateway_id, headers, body).result

    def acknowledge_notification(self, gateway_id: str, result: NotificationResult) -> None:
        """Record the ``updates`` of ``result`` (from :meth:`handle_notification`) as applied.

        Raises what the event log raises when it cannot record them: answer
        the PSP with a 5xx then.
        """
        for update in result.updates:
            self.event_log.complete(f"{gateway_id}:{update.event_id}")

    def _receive(
        self, gateway_id: str, headers: Mapping[str, str], body: bytes | str
    ) -> webhooks.Delivery:
        return webhooks.receive(
            self._registry.active(gateway_id),
            headers,
            body,
            self.event_log,
            self.notification_policy,
            raise_plugin_errors=self.raise_plugin_errors,
        )


def _check_deadline(seconds: float | None, name: str) -> float | None:
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise TypeError(f"{name} must be a number of seconds or None, not {type(seconds).__name__}")
    if not 0 < seconds < 86_400:
        raise ValueError(f"{name} must be more than 0 and less than a day (seconds)")
    return float(seconds)


__all__ = ["DEADLINE_EXCEEDED", "PaymentGateway", "PluginManager", "PluginRecord"]
