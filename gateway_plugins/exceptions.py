"""Exceptions the :class:`~gateway_plugins.manager.PluginManager` raises to the host.

A *failed payment* is never an exception: it is a ``GatewayResponse`` with
``is_success=False``. Exceptions mean the host asked for something that cannot
be attempted (an unknown gateway, an unsupported currency, an operation the
gateway does not offer) or registered a plugin that breaks the contract; in each
case no plugin was called and no money moved.
"""

from __future__ import annotations

from collections.abc import Iterable


class GatewayPluginsError(Exception):
    """Base class of every error raised by gateway-plugins."""


class GatewayUnavailableError(GatewayPluginsError, LookupError):
    """The gateway named in ``PaymentData.gateway`` cannot take calls."""

    def __init__(self, gateway_id: str, message: str) -> None:
        super().__init__(message)
        self.gateway_id = gateway_id


class UnknownGatewayError(GatewayUnavailableError):
    """No installed plugin provides this gateway id."""

    def __init__(self, gateway_id: str, known: Iterable[str]) -> None:
        names = ", ".join(sorted(known)) or "none"
        super().__init__(gateway_id, f"unknown gateway {gateway_id!r}; installed gateways: {names}")


class InactiveGatewayError(GatewayUnavailableError):
    """The gateway is installed but inactive, or its configuration was refused."""

    def __init__(self, gateway_id: str, reason: str = "inactive") -> None:
        super().__init__(gateway_id, f"gateway {gateway_id!r} cannot take calls: {reason}")
        self.reason = reason


class UnsupportedCurrencyError(GatewayPluginsError, ValueError):
    """The gateway is not configured for the payment's currency."""

    def __init__(self, gateway_id: str, currency: str, supported: Iterable[str]) -> None:
        supported = tuple(supported)
        super().__init__(
            f"gateway {gateway_id!r} does not support currency {currency!r} "
            f"(supported: {', '.join(supported)})"
        )
        self.gateway_id = gateway_id
        self.currency = currency
        self.supported = supported


class OperationNotSupportedError(GatewayPluginsError):
    """The gateway does not implement the requested operation (e.g. void)."""

    def __init__(self, gateway_id: str, operation: str) -> None:
        super().__init__(f"gateway {gateway_id!r} does not implement {operation!r}")
        self.gateway_id = gateway_id
        self.operation = operation


class PluginRegistrationError(GatewayPluginsError):
    """A plugin breaks the contract and was not registered."""

    def __init__(self, plugin_name: str, reason: str) -> None:
        super().__init__(f"plugin {plugin_name!r} rejected: {reason}")
        self.plugin_name = plugin_name
        self.reason = reason


class ClientTokenError(GatewayPluginsError):
    """A gateway failed to produce a client token."""

    def __init__(self, gateway_id: str, reason: str) -> None:
        super().__init__(f"gateway {gateway_id!r} could not create a client token: {reason}")
        self.gateway_id = gateway_id


class NotificationError(GatewayPluginsError):
    """A gateway could not handle a PSP notification; answer the PSP with a 5xx.

    The PSP will deliver it again later, and nothing was recorded as seen.
    """

    def __init__(self, gateway_id: str, reason: str) -> None:
        super().__init__(f"gateway {gateway_id!r} could not handle the notification: {reason}")
        self.gateway_id = gateway_id
        self.reason = reason


class NotificationInProgress(NotificationError):
    """Another delivery of an event in this notification is being applied; answer with a 5xx.

    Nothing of this delivery was claimed or applied. The PSP delivers again
    later: by then the other delivery has been recorded (a duplicate), or it
    failed, or its lease ran out, and the event is applied.
    """

    def __init__(self, gateway_id: str, event_ids: tuple[str, ...]) -> None:
        shown = ", ".join(repr(event_id) for event_id in event_ids[:3])
        more = f" and {len(event_ids) - 3} more" if len(event_ids) > 3 else ""
        super().__init__(
            gateway_id, f"another delivery is applying event(s) {shown}{more}; deliver it later"
        )
        self.event_ids = event_ids


class NotificationRejected(NotificationError):
    """A notification failed verification (bad or missing signature, unreadable body).

    Nothing in it was applied. Answer the sender with 401 (or 400 for a body
    that cannot be read); never trust any of its content.
    """

    def __init__(self, gateway_id: str, reason: str) -> None:
        GatewayPluginsError.__init__(
            self, f"gateway {gateway_id!r} rejected the notification: {reason}"
        )
        self.gateway_id = gateway_id
        self.reason = reason
