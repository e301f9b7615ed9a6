"""Adyen standard webhooks: verify every item, then say what each changed.

A JSON webhook is ``{"live": "false", "notificationItems": [{"NotificationRequestItem":
{…}}]}``. The whole batch is rejected (:class:`NotificationRejected`) when the
body cannot be read, when no HMAC key is configured, or when any item's
signature is missing or wrong: a batch is trusted whole or not at all.
Rejection messages name the item and the rule, never a value or the key.

Adyen signs fields inside the body, so the body is parsed before anything is
verified: with the framework's bounded parser, which rejects what no PSP
writes (nesting too deep, ``NaN``, numbers of absurd length) instead of
failing on it. ``eventDate`` becomes the update's ``event_date``, but Adyen
does not sign it: the replay window stops a replay as sent, not one re-dated
by whoever replays it; the event log's memory does.

Event codes become :class:`TransactionUpdate` values through :data:`EVENTS`;
other event codes (reports, disputes …) are accepted and change nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from gateway_plugins import (
    NormalizedError,
    NotificationRejected,
    NotificationResult,
    TransactionKind,
    TransactionUpdate,
)
from gateway_plugins.notification_parsing import event_date, load_json

from .commands import GATEWAY_ID
from .errors import modification_failure, refusal_by_reason
from .signature import UnsignableItem, is_signed
from .wire import amount_from_json, kept

#: What Adyen expects back, with HTTP 200, once a notification is accepted.
ACKNOWLEDGEMENT = "[accepted]"

K = TransactionKind


@dataclass(frozen=True)
class EventRule:
    """How one ``eventCode`` becomes an update."""

    success_kind: TransactionKind
    failure_kind: TransactionKind
    modification: bool
    """The item is about another payment (``originalReference``) and fails as a modification."""
    always_failed: bool = False
    """The event itself reports a failure, whatever its ``success`` says."""


EVENTS: Mapping[str, EventRule] = {
    "AUTHORISATION": EventRule(K.AUTH, K.AUTH, modification=False),
    "CAPTURE": EventRule(K.CAPTURE, K.CAPTURE_FAILED, modification=True),
    # Rejected by the card scheme after Adyen had accepted it.
    "CAPTURE_FAILED": EventRule(K.CAPTURE_FAILED, K.CAPTURE_FAILED, True, always_failed=True),
    "REFUND": EventRule(K.REFUND, K.REFUND_FAILED, modification=True),
    "REFUND_FAILED": EventRule(K.REFUND_FAILED, K.REFUND_FAILED, True, always_failed=True),
    "CANCELLATION": EventRule(K.VOID, K.VOID, modification=True),
    "CANCEL_OR_REFUND": EventRule(K.CANCEL, K.CANCEL, modification=True),
}

#: What ``raw_response`` keeps of an item: no ``additionalData`` (card summary,
#: expiry, the signature), and ``reason`` only for failures (on a successful
#: AUTHORISATION it holds the auth code, last four digits and expiry).
_KEPT = (
    "eventCode",
    "success",
    "pspReference",
    "originalReference",
    "merchantAccountCode",
    "merchantReference",
    "amount",
    "paymentMethod",
    "eventDate",
)


def handle(body: bytes, hmac_key: bytes | None) -> NotificationResult:
    """Verify a webhook body and translate it; :class:`NotificationRejected` if not genuine."""
    if hmac_key is None:
        _reject("no hmac_key is configured, so no notification can be verified")
    items = _items(body)
    for number, item in enumerate(items, 1):
        where = f"notification item {number} of {len(items)}"
        try:
            signed = is_signed(item, hmac_key)
        except UnsignableItem as exc:
            _reject(f"{where}: {exc}")
        if not signed:
            _reject(f"{where}: the HMAC signature is missing or does not match")
    updates = [update for item in items if (update := translate(item)) is not None]
    return NotificationResult(updates=tuple(updates), acknowledgement=ACKNOWLEDGEMENT)


def translate(item: Mapping[str, Any]) -> TransactionUpdate | None:
    """One verified item as an update; ``None`` for events that change no payment."""
    event_code = item.get("eventCode")
    if not isinstance(event_code, str) or event_code not in EVENTS:
        return None
    rule = EVENTS[event_code]
    own = _text(item, "pspReference")
    success = item.get("success") == "true"
    about = _text(item, "originalReference") if rule.modification else own
    fields: dict[str, Any] = {
        # The same event delivered again has the same id; Adyen may send an event
        # again with another outcome (AUTHORISATION false, then true): not a repeat.
        "event_id": f"{own}:{event_code}:{item.get('success')}",
        "event_code": event_code,
        "psp_reference": about or own,
        "transaction_id": own,
        "merchant_reference": _text(item, "merchantReference"),
        "raw_response": kept(item, _KEPT if success else (*_KEPT, "reason")),
        "event_date": event_date(item.get("eventDate")),
    }
    money = amount_from_json(item.get("amount"))
    if money is not None:
        fields["amount"], fields["currency"] = money
    if success and not rule.always_failed:
        return _update(fields, kind=rule.success_kind, is_success=True)
    reason = item.get("reason")
    error: NormalizedError = (
        modification_failure(event_code, reason) if rule.modification else refusal_by_reason(reason)
    )
    return _failed(fields, rule.failure_kind, error)


def _update(fields: dict[str, Any], **extra: Any) -> TransactionUpdate:
    try:
        return TransactionUpdate(**fields, **extra)
    except ValueError:
        # An amount Adyen can carry but ISO cannot (12.34 ISK): keep the event, drop
        # the amount (raw_response still has it) rather than lose a genuine update.
        fields = {**fields, "amount": None, "currency": None}
        return TransactionUpdate(**fields, **extra)


def _failed(
    fields: dict[str, Any], kind: TransactionKind, error: NormalizedError
) -> TransactionUpdate:
    try:
        return TransactionUpdate.failure(kind, error, **fields)
    except ValueError:
        return TransactionUpdate.failure(
            kind, error, **{**fields, "amount": None, "currency": None}
        )


def _items(body: bytes) -> list[dict[str, Any]]:
    """The ``NotificationRequestItem`` objects of a JSON webhook body."""
    document = load_json(GATEWAY_ID, body)
    wrapped = document.get("notificationItems") if isinstance(document, dict) else None
    if not isinstance(wrapped, list) or not wrapped:
        _reject("the body has no notificationItems list")
    items = []
    for number, entry in enumerate(wrapped, 1):
        item = entry.get("NotificationRequestItem") if isinstance(entry, dict) else None
        if not isinstance(item, dict):
            _reject(f"notification item {number} has no NotificationRequestItem object")
        for name in ("eventCode", "pspReference", "success"):
            if not isinstance(item.get(name), str) or not item[name]:
                _reject(f"notification item {number} has no {name}")
        items.append(item)
    return items


def _text(item: Mapping[str, Any], name: str) -> str | None:
    value = item.get(name)
    return value if isinstance(value, str) and value else None


def _reject(reason: str) -> NoReturn:
    raise NotificationRejected(GATEWAY_ID, reason)
