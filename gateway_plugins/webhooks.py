"""Receiving a PSP notification: bounded, verified by the gateway, scrubbed, claimed.

The models (``TransactionUpdate``, ``NotificationResult``) and event logs are in
:mod:`gateway_plugins.notifications`; this module is what
:meth:`PluginManager.notification <gateway_plugins.manager.PluginManager.notification>`
and :meth:`~gateway_plugins.manager.PluginManager.handle_notification` run.

A delivery goes: size limit, the gateway's verification and translation,
stale events set apart, then each new event *claimed* in the event log. The
host applies the claimed updates; :meth:`Delivery.complete` then records them
as processed, or :meth:`Delivery.release` frees them when the host failed, so
that the PSP's next delivery applies them. An event is never recorded before
the host applied it (nothing lost), and never handed to two deliveries at once
(nothing applied twice).
"""

from __future__ import annotations

import itertools
import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from pydantic import ValidationError

from .chain import free_text_scrubbed, log_exception
from .exceptions import (
    NotificationError,
    NotificationInProgress,
    NotificationRejected,
    OperationNotSupportedError,
)
from .notifications import REPLAY_WINDOW, Claim, EventLog, NotificationResult, TransactionUpdate
from .registry import Gateway
from .safety import safe_text

log = logging.getLogger("gateway_plugins")

#: The largest body handed to a plugin by default, in bytes: a PSP event is a few kB.
MAX_BODY_SIZE = 1024 * 1024


@dataclass(frozen=True)
class NotificationPolicy:
    """How the manager receives notifications (``PluginManager(notification_policy=...)``).

    ``max_body_size``: bodies longer than this many bytes are rejected before
    any plugin reads them. ``replay_window``: an event the PSP dates earlier
    than this before now is refused as a replay (``NotificationResult.stale``);
    it must be longer than the PSP's retry period, or a genuine late retry
    would be refused: Adyen retries for up to 30 days. ``lease``: how long, in
    seconds, a delivery holds the events it is applying; a delivery that dies
    without completing or releasing them (a crash, or
    :meth:`~gateway_plugins.manager.PluginManager.handle_notification` never
    acknowledged) lets the PSP's next delivery apply them once it ends.
    """

    max_body_size: int = MAX_BODY_SIZE
    replay_window: timedelta = REPLAY_WINDOW
    lease: float = 300.0

    def __post_init__(self) -> None:
        if isinstance(self.max_body_size, bool) or not isinstance(self.max_body_size, int):
            raise TypeError("max_body_size must be an int (bytes)")
        if self.max_body_size < 1:
            raise ValueError("max_body_size must be at least 1 byte")
        if not isinstance(self.replay_window, timedelta) or self.replay_window <= timedelta(0):
            raise ValueError("replay_window must be a positive timedelta")
        if isinstance(self.lease, bool) or not isinstance(self.lease, int | float):
            raise TypeError("lease must be a number of seconds")
        if not 0 < self.lease <= 86_400:
            raise ValueError("lease must be more than 0 seconds and at most a day")


@dataclass
class Delivery:
    """One notification received: its result, and the events it holds in the event log."""

    result: NotificationResult
    event_log: EventLog
    owner: str
    """A random token naming this delivery in the event log."""
    claimed: tuple[str, ...] = ()

    def complete(self) -> None:
        """Record the claimed events as processed: the host applied them."""
        for key in self.claimed:
            self.event_log.complete(key)
        self.claimed = ()

    def release(self) -> None:
        """Free the claimed events unrecorded: the host did not apply them."""
        keys, self.claimed = self.claimed, ()
        for key in keys:
            try:
                self.event_log.release(key, self.owner)
            except Exception:
                # Its lease ends anyway; the PSP's delivery after that applies it.
                log.exception("could not release notification event %r", key)


def checked_event_log(event_log: EventLog, policy: NotificationPolicy) -> EventLog:
    """``event_log`` if it implements the protocol and remembers for the replay window.

    A log with only the former ``first_time(key)`` recorded an event before the
    host applied it, losing it when the host failed: it is refused, not adapted.
    """
    missing = [
        name
        for name in ("claim", "complete", "release")
        if not callable(getattr(event_log, name, None))
    ]
    if missing:
        raise TypeError(
            f"event_log must implement the EventLog protocol (claim, complete, release); "
            f"{type(event_log).__name__} has no {', '.join(missing)}"
        )
    retention = getattr(event_log, "retention", None)
    if isinstance(retention, timedelta) and retention < policy.replay_window:
        raise ValueError(
            f"event_log keeps events for {retention}, less than the replay window "
            f"({policy.replay_window}): a replay in between would be applied again"
        )
    return event_log


def receive(
    gateway: Gateway,
    headers: Mapping[str, str],
    body: bytes | str,
    event_log: EventLog,
    policy: NotificationPolicy,
    *,
    raise_plugin_errors: bool = False,
) -> Delivery:
    """Verify, translate and claim one notification for ``gateway``; see the manager's methods."""
    impl = gateway.impls.get("handle_notification")
    if impl is None:
        raise OperationNotSupportedError(gateway.id, "handle_notification")
    arguments = {"headers": _headers(gateway.id, headers), "body": _body(gateway.id, body, policy)}
    try:
        result = impl.function(**{name: arguments[name] for name in impl.argnames})
    except NotificationRejected as exc:
        reason = gateway.scrubber.text(safe_text(exc.reason))
        log.warning("gateway %r rejected the notification: %s", gateway.id, reason)
        raise NotificationRejected(gateway.id, reason) from None
    except RecursionError:
        # A body nested deep enough to exhaust the stack is hostile, not a PSP's: a
        # NotificationError would have the host answer 500 and the sender retry forever.
        log.warning("gateway %r: the notification nests too deep to be read", gateway.id)
        raise NotificationRejected(gateway.id, "the body nests too deep to be read") from None
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
    try:
        updates = [
            _scrubbed(gateway, u) for u in (*result.updates, *result.duplicates, *result.stale)
        ]
    except ValidationError as exc:
        raise NotificationError(
            gateway.id,
            f"plugin {gateway.plugin_name!r} returned a TransactionUpdate that does not validate "
            f"({exc.errors()[0]['msg']})",
        ) from None
    return _claim(gateway, result, updates, event_log, policy)


#: Names each delivery in the event log: a random prefix per import, the process,
#: and a counter (cheaper than a UUID per notification, and unique after a fork).
_OWNER_PREFIX = secrets.token_hex(6)
_owner_numbers = itertools.count()


def _new_owner() -> str:
    return f"{_OWNER_PREFIX}-{os.getpid()}-{next(_owner_numbers)}"


def _claim(
    gateway: Gateway,
    result: NotificationResult,
    updates: list[TransactionUpdate],
    event_log: EventLog,
    policy: NotificationPolicy,
) -> Delivery:
    oldest = datetime.now(timezone.utc) - policy.replay_window
    delivery = Delivery(result, event_log, owner=_new_owner())
    fresh: list[TransactionUpdate] = []
    repeated: list[TransactionUpdate] = []
    stale: list[TransactionUpdate] = []
    claimed: list[str] = []
    seen: set[str] = set()
    busy: tuple[str, ...] = ()
    for update in updates:
        if update.event_date is not None and update.event_date < oldest:
            stale.append(update)
            continue
        key = f"{gateway.id}:{update.event_id}"
        if key in seen:  # the same event twice in one notification
            repeated.append(update)
            continue
        seen.add(key)
        try:
            outcome = event_log.claim(key, delivery.owner, policy.lease)
            if not isinstance(outcome, Claim):
                raise TypeError(f"claim() returned {type(outcome).__name__}, not a Claim")
        except Exception as exc:
            delivery.claimed = tuple(claimed)
            delivery.release()
            log.error("gateway %r: the event log failed to claim an event", gateway.id,
                      exc_info=True)  # fmt: skip
            raise NotificationError(
                gateway.id, f"the event log failed: {type(exc).__name__}"
            ) from None
        if outcome is Claim.CLAIMED:
            claimed.append(key)
            fresh.append(update)
        elif outcome is Claim.PROCESSED:
            repeated.append(update)
        else:
            # Deliveries claim in the same order: the first to claim one gets them all.
            busy = (update.event_id,)
            break
    delivery.claimed = tuple(claimed)
    if busy:
        delivery.release()
        raise NotificationInProgress(gateway.id, busy)
    if stale:
        log.warning(
            "gateway %r: %d event(s) dated before the %s replay window refused as replays: %s",
            gateway.id, len(stale), policy.replay_window,
            ", ".join(repr(update.event_id) for update in stale[:5]),
        )  # fmt: skip
    # Built without validation: every part is a validated update of the plugin's result.
    delivery.result = NotificationResult.model_construct(
        updates=tuple(fresh),
        duplicates=tuple(repeated),
        stale=tuple(stale),
        acknowledgement=result.acknowledgement,
    )
    return delivery


def _headers(gateway_id: str, headers: Mapping[str, str]) -> dict[str, str]:
    lowered = {str(name).lower(): str(value) for name, value in headers.items()}
    for name, value in lowered.items():
        if not (_is_text(name) and _is_text(value)):
            raise NotificationRejected(gateway_id, "a header is not valid text")
    return lowered


def _body(gateway_id: str, body: bytes | str, policy: NotificationPolicy) -> bytes:
    limit = policy.max_body_size
    too_long = f"the body is longer than {limit} bytes (NotificationPolicy.max_body_size)"
    # A character is at least one byte: a text this long is too long in any encoding.
    if len(body) > limit:
        raise NotificationRejected(gateway_id, too_long)
    if isinstance(body, str):
        if not _is_text(body):
            raise NotificationRejected(gateway_id, "the body is text that cannot be encoded")
        body = body.encode("utf-8")
        if len(body) > limit:
            raise NotificationRejected(gateway_id, too_long)
    return bytes(body)


def _is_text(value: str) -> bool:
    """Whether ``value`` encodes as UTF-8 (it holds no lone surrogate)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _scrubbed(gateway: Gateway, update: TransactionUpdate) -> TransactionUpdate:
    """``update`` validated (if it was not) and with card data and secrets removed."""
    update = update.validated()  # model_construct or model_copy: nothing it holds is known
    inspection = update.inspection()
    assert inspection is not None, "a validated update carries its inspection"
    return free_text_scrubbed(gateway.scrubber, update, inspection)[0]


__all__ = ["MAX_BODY_SIZE", "Delivery", "NotificationPolicy", "checked_event_log", "receive"]
