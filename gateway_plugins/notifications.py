"""PSP notifications (webhooks): what changed, and which events were seen before.

Some PSPs finish a transaction later than the call that started it: Adyen
answers a capture with "received" and says by webhook whether it went through.
A gateway plugin turns such a notification, once it has verified it, into
:class:`TransactionUpdate` values (hook ``handle_notification``); the host gets
them from :meth:`PluginManager.handle_notification
<gateway_plugins.manager.PluginManager.handle_notification>` and applies them to
its own records.

PSPs deliver at least once, so the same event can arrive twice. Each update
names its event (``event_id``); an :class:`EventLog` records which events the
host has applied, and the manager moves those to ``duplicates``. An event is
recorded only once the host has applied it: until then it is *claimed*, for a
lease, so that a concurrent delivery of it waits and a failed one is retried.
"""

from __future__ import annotations

import enum
import threading
import time
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Any, Protocol

from pydantic import Field, StrictBool, field_validator, model_validator

from .amounts import CurrencyCode, ReportedAmount, check_precision
from .errors import ErrorCode, NormalizedError
from .interface import TransactionKind
from .models import _Inspected, _Model


class TransactionUpdate(_Inspected):
    """One transaction event a PSP reported, in the shared vocabulary.

    ``psp_reference`` names the payment the event belongs to (what the host
    stored from the original ``GatewayResponse``); ``transaction_id`` is the
    event's own reference at the PSP (a capture's or a refund's). A failed
    update carries an ``error_code``, like a failed ``GatewayResponse``.
    """

    event_id: str = Field(min_length=1)
    """Identifies this PSP event; the manager drops an event the host applied before."""
    event_code: str = Field(min_length=1)
    """The PSP's own name for the event, e.g. Adyen's ``CAPTURE``."""
    kind: TransactionKind
    is_success: StrictBool
    psp_reference: str = Field(min_length=1)
    transaction_id: str = ""
    currency: CurrencyCode | None = None
    amount: ReportedAmount | None = None
    merchant_reference: str | None = None
    """The host's own reference the PSP echoes (order or payment id)."""
    error_code: ErrorCode | None = None
    psp_error_code: str | None = None
    psp_error_message: str | None = None
    raw_response: dict[str, Any] | None = None
    event_date: datetime | None = None
    """When the PSP says the event happened (timezone-aware), where it says so; the
    manager refuses events older than its window, as replays."""

    _check_precision = field_validator("amount")(check_precision)

    @field_validator("event_date")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise ValueError("must be timezone-aware (the PSP's time zone, or UTC)")
        return value

    @model_validator(mode="after")
    def _check_consistency(self) -> TransactionUpdate:
        if self.amount is not None and self.currency is None:
            raise ValueError("currency: an update with an amount must name its currency")
        if self.is_success and self.error_code is not None:
            raise ValueError("error_code: a successful update carries no error_code")
        if not self.is_success and self.error_code is None:
            raise ValueError("error_code: a failed update must carry an ErrorCode")
        self._inspect(self.raw_response, self.psp_error_message)
        return self

    @classmethod
    def failure(
        cls, kind: TransactionKind, reason: NormalizedError | ErrorCode, **fields: Any
    ) -> TransactionUpdate:
        """A failed update for ``reason``, the PSP's raw code and message kept."""
        if isinstance(reason, ErrorCode):
            reason = NormalizedError(reason, reason.default_retry, None, None)
        values = {
            "psp_error_code": reason.psp_code,
            "psp_error_message": reason.psp_message,
            **fields,
        }
        return cls(is_success=False, kind=kind, error_code=reason.code, **values)


class NotificationResult(_Model):
    """What a notification changed.

    ``updates`` are the events to apply: new ones, now claimed for this
    delivery. ``duplicates`` are events the host applied before (the manager
    moves them here): the PSP sent them again, nothing to do. ``stale`` are
    events dated before the manager's replay window: refused as replays, not
    applied, and not recorded. ``acknowledgement`` is the body to answer the
    PSP with, with HTTP 200 (Adyen expects ``[accepted]``), whatever the
    three lists hold.
    """

    updates: tuple[TransactionUpdate, ...] = ()
    duplicates: tuple[TransactionUpdate, ...] = ()
    stale: tuple[TransactionUpdate, ...] = ()
    acknowledgement: str = ""


#: How old an event may be, by the date its PSP gives it, and still be applied; and
#: so how long an event log must remember an event. Adyen retries an unanswered
#: webhook for up to 30 days; the five days more cover its last retries, clocks
#: that disagree and a notification resent by hand from its Customer Area.
REPLAY_WINDOW = timedelta(days=35)


class Claim(enum.Enum):
    """What :meth:`EventLog.claim` found."""

    CLAIMED = "claimed"
    """The event is new and now held by the caller: apply it, then complete or release it."""
    PROCESSED = "processed"
    """The event was applied before: a repeat."""
    IN_PROGRESS = "in_progress"
    """Another delivery holds the event and its lease has not run out: try again later."""


class EventLog(Protocol):
    """Records which PSP events the host applied, so that repeats are dropped and none is lost.

    A key (``"<gateway id>:<event id>"``) is *free*, *claimed* by one owner
    until a lease ends, or *processed*. The manager claims the events of a
    notification, the host applies them, and the manager then completes them
    (or releases them when the host failed). Each method must be atomic; the
    owner is a random token per delivery.

    The protocol fits any shared storage. SQL: a table ``(key PRIMARY KEY,
    owner NULL when processed, until)``; claim is one ``INSERT … ON CONFLICT
    (key) DO UPDATE … WHERE owner IS NOT NULL AND until <= now`` (a row
    changed: claimed; else read the row: processed or in progress), complete
    an upsert setting ``owner = NULL``, release ``DELETE … WHERE key = ? AND
    owner = ?`` (:class:`~gateway_plugins.event_logs.SqliteEventLog` does
    this). Redis: claim ``SET key owner NX PX lease`` (else ``GET``: the
    marker ``processed`` or an owner), complete ``SET key processed EX
    retention``, release a compare-and-delete script. Keep processed keys at
    least as long as the manager's replay window (:data:`REPLAY_WINDOW`).
    """

    def claim(self, key: str, owner: str, lease: float) -> Claim:
        """Hold ``key`` for ``owner`` for ``lease`` seconds unless it is processed or held."""
        ...

    def complete(self, key: str) -> None:
        """Record ``key`` as processed, whoever holds it; its claim ends."""
        ...

    def release(self, key: str, owner: str) -> None:
        """End ``owner``'s claim on ``key`` without recording it (nothing if it is not held)."""
        ...


class MemoryEventLog:
    """An :class:`EventLog` in this process's memory, keeping the latest ``capacity`` keys.

    Enough for one process and for tests. It forgets on restart, and PSPs retry
    for days (Adyen for up to 30), so a repeat can still come through after one:
    use :class:`~gateway_plugins.event_logs.SqliteEventLog` or shared storage in
    production, and apply updates idempotently, by ``transaction_id`` and ``kind``.
    """

    def __init__(self, capacity: int = 100_000) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        # key -> (owner, end of its lease), or (None, when it was processed).
        self._keys: OrderedDict[str, tuple[str | None, float]] = OrderedDict()
        self._lock = threading.Lock()

    def claim(self, key: str, owner: str, lease: float) -> Claim:
        now = time.monotonic()
        with self._lock:
            held = self._keys.get(key)
            if held is not None:
                self._keys.move_to_end(key)
                if held[0] is None:
                    return Claim.PROCESSED
                if held[1] > now:
                    return Claim.IN_PROGRESS
            self._put(key, (owner, now + lease))
            return Claim.CLAIMED

    def complete(self, key: str) -> None:
        with self._lock:
            self._put(key, (None, time.monotonic()))

    def release(self, key: str, owner: str) -> None:
        with self._lock:
            held = self._keys.get(key)
            if held is not None and held[0] == owner:
                del self._keys[key]

    def _put(self, key: str, value: tuple[str | None, float]) -> None:
        self._keys[key] = value
        self._keys.move_to_end(key)
        while len(self._keys) > self.capacity:
            self._keys.popitem(last=False)


__all__ = [
    "REPLAY_WINDOW",
    "Claim",
    "EventLog",
    "MemoryEventLog",
    "NotificationResult",
    "TransactionUpdate",
]
