"""Receiving a PSP notification: verified by the gateway, scrubbed, repeats dropped.

The models (``TransactionUpdate``, ``NotificationResult``) and event logs are in
:mod:`gateway_plugins.notifications`; this module is what
:meth:`PluginManager.handle_notification
<gateway_plugins.manager.PluginManager.handle_notification>` runs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from .chain import log_exception
from .exceptions import NotificationError, NotificationRejected, OperationNotSupportedError
from .notifications import EventLog, NotificationResult, TransactionUpdate
from .registry import Gateway
from .safety import safe_text

log = logging.getLogger("gateway_plugins")


def handle(
    gateway: Gateway,
    headers: Mapping[str, str],
    body: bytes | str,
    event_log: EventLog,
    *,
    raise_plugin_errors: bool = False,
) -> NotificationResult:
    """Verify and translate one notification for ``gateway``; see the manager's method."""
    impl = gateway.impls.get("handle_notification")
    if impl is None:
        raise OperationNotSupportedError(gateway.id, "handle_notification")
    arguments = {
        "headers": {str(name).lower(): str(value) for name, value in headers.items()},
        "body": body.encode("utf-8") if isinstance(body, str) else bytes(body),
    }
    try:
        result = impl.function(**{name: arguments[name] for name in impl.argnames})
    except NotificationRejected as exc:
        reason = gateway.scrubber.text(safe_text(exc.reason))
        log.warning("gateway %r rejected the notification: %s", gateway.id, reason)
        raise NotificationRejected(gateway.id, reason) from None
    except Exception as exc:
        if raise_plugin_errors:
            raise
        log_exception(gateway, gateway.plugin_name, "handle_notification", exc)
        raise NotificationError(
            gateway.id, f"plugin {gateway.plugin_name!r} raised {type(exc).__name__}"
        ) from None
    if not isinstance(result, NotificationResult):
        raise NotificationError(
            gateway.id,
            f"plugin {gateway.plugin_name!r} returned {type(result).__name__}, "
            "not a NotificationResult",
        )
    fresh: list[TransactionUpdate] = []
    repeated: list[TransactionUpdate] = []
    for update in (*result.updates, *result.duplicates):
        update = _scrubbed(gateway, update)
        if event_log.first_time(f"{gateway.id}:{update.event_id}"):
            fresh.append(update)
        else:
            repeated.append(update)
    return NotificationResult(
        updates=tuple(fresh),
        duplicates=tuple(repeated),
        acknowledgement=result.acknowledgement,
    )


def _scrubbed(gateway: Gateway, update: TransactionUpdate) -> TransactionUpdate:
    cleaned = {
        key: gateway.scrubber.data(value)
        for key, value in (
            ("raw_response", update.raw_response),
            ("psp_error_message", update.psp_error_message),
        )
        if value and gateway.scrubber.leaks(value)
    }
    return update.model_copy(update=cleaned) if cleaned else update


__all__ = ["handle"]
