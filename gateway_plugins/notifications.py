"""PSP notifications (webhooks): what changed, and which events were seen before.

Some PSPs finish a transaction later than the call that started it: Adyen
answers a capture with "received" and says by webhook whether it went through.
A gateway plugin turns such a notification, once it has verified it, into
:class:`TransactionUpdate` values (hook ``handle_notification``); the host gets
them from :meth:`PluginManager.handle_notification
<gateway_plugins.manager.PluginManager.handle_notification>` and applies them to
its own records.

PSPs deliver at least once, so the same event can arrive twice. Each update
names its event (``event_id``) and the manager drops events an
:class:`EventLog` has seen; the repeats are still reported, as ``duplicates``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime
from typing import Any, Protocol

from pydantic import Field, StrictBool, field_validator, model_validator

from .errors import ErrorCode, NormalizedError
from .interface import CurrencyCode, ReportedAmount, TransactionKind, _check_precision, _Model


class TransactionUpdate(_Model):
    """One transaction event a PSP reported, in the shared vocabulary.

    ``psp_reference`` names the payment the event belongs to (what the host
    stored from the original ``GatewayResponse``); ``transaction_id`` is the
    event's own reference at the PSP (a capture's or a refund's). A failed
    update carries an ``error_code``, like a failed ``GatewayResponse``.
    """

    event_id: str = Field(min_length=1)
    """Identifies this PSP event; the manager drops an event it has seen before."""
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

    _check_precision = field_validator("amount")(_check_precision)

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

    ``updates`` are the events seen for the first time: apply them.
    ``duplicates`` are events delivered before (the manager moves them here):
    the PSP sent them again, nothing to do. ``acknowledgement`` is the body to
    answer the PSP with, with HTTP 200 (Adyen expects ``[accepted]``).
    """

    updates: tuple[TransactionUpdate, ...] = ()
    duplicates: tuple[TransactionUpdate, ...] = ()
    acknowledgement: str = ""


class EventLog(Protocol):
    """Remembers which PSP events were handled, to drop repeats.

    A host running several processes gives the manager one backed by shared
    storage (a database table with a unique key, Redis ``SET NX`` …).
    """

    def first_time(self, key: str) -> bool:
        """Record ``key``; ``True`` if it was not recorded before. Must be atomic."""
        ...


class MemoryEventLog:
    """An :class:`EventLog` in this process's memory, keeping the latest ``capacity`` keys.

    Enough for one process and for tests. It forgets on restart, and PSPs retry
    for days (Adyen for up to 30), so a repeat can still come through after one:
    apply updates idempotently, by ``transaction_id`` and ``kind``.
    """

    def __init__(self, capacity: int = 100_000) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._keys: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        with self._lock:
            if key in self._keys:
                self._keys.move_to_end(key)
                return False
            self._keys[key] = None
            if len(self._keys) > self.capacity:
                self._keys.popitem(last=False)
            return True


__all__ = ["EventLog", "MemoryEventLog", "NotificationResult", "TransactionUpdate"]
