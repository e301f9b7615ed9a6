"""Authorize.Net webhooks: verify the signature, then translate the event.

Authorize.Net POSTs one event per request::

    X-ANET-Signature: sha512=<HEX>        HMAC-SHA512 of the raw body, keyed with
                                          the account's Signature Key (its text as
                                          UTF-8 bytes); hex in upper case
    {"notificationId": "…", "eventType": "net.authorize.payment.authcapture.created",
     "eventDate": "…", "webhookId": "…",
     "payload": {"responseCode": 1, "authCode": "…", "avsResponse": "Y",
                 "authAmount": 45.00, "entityName": "transaction", "id": "60020981676"}}

The key is ``connection_params.signature_key``; without one every
notification is rejected. The digest is compared case-insensitively and in
constant time, before the body is parsed. The signature covers the whole
body, ``eventDate`` too: an event older than the manager's replay window is
refused as a replay. ``authAmount`` is a JSON number: it is read as a ``Decimal``,
never a float. The payload names no currency (an account has one), so an
update carries an amount only when the configuration lists exactly one
currency. A refund's payload names the refund, not the refunded
transaction: its update has the refund's transId as both references.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from gateway_plugins import (
    ErrorCode,
    GatewayConfig,
    NotificationRejected,
    NotificationResult,
    TransactionKind,
    TransactionUpdate,
)
from gateway_plugins.notification_parsing import event_date, load_json

from .replies import RESPONSE_CODES, Outcome

SIGNATURE_HEADER = "x-anet-signature"
_SCHEME = "sha512="

#: Event types that change a transaction, and the kind of that change.
EVENT_KINDS: Mapping[str, TransactionKind] = {
    "net.authorize.payment.authorization.created": TransactionKind.AUTH,
    "net.authorize.payment.authcapture.created": TransactionKind.CAPTURE,
    "net.authorize.payment.capture.created": TransactionKind.CAPTURE,
    "net.authorize.payment.priorAuthCapture.created": TransactionKind.CAPTURE,
    "net.authorize.payment.refund.created": TransactionKind.REFUND,
    "net.authorize.payment.void.created": TransactionKind.VOID,
}

#: A failed event's shared code, by its payload's ``responseCode`` outcome.
_FAILURES: Mapping[Outcome, ErrorCode] = {
    Outcome.DECLINED: ErrorCode.DECLINED,
    Outcome.ERROR: ErrorCode.PROCESSING_ERROR,
}


def sign(body: bytes, signature_key: str) -> str:
    """The ``X-ANET-Signature`` value for ``body``: ``sha512=`` and the upper-case hex digest."""
    digest = hmac.new(signature_key.encode("utf-8"), body, hashlib.sha512).hexdigest()
    return _SCHEME + digest.upper()


def verify(
    gateway_id: str, signature_key: str | None, headers: Mapping[str, str], body: bytes
) -> None:
    """Raise :class:`NotificationRejected` unless ``body`` carries a valid signature."""
    if not signature_key:
        raise NotificationRejected(gateway_id, "connection_params.signature_key is not set")
    # The manager lower-cases header names; a direct caller may not have.
    lowered = {str(name).lower(): str(value) for name, value in headers.items()}
    given = lowered.get(SIGNATURE_HEADER, "").strip()
    if not given:
        raise NotificationRejected(gateway_id, f"the {SIGNATURE_HEADER} header is missing")
    if not given.lower().startswith(_SCHEME):
        raise NotificationRejected(gateway_id, f"the {SIGNATURE_HEADER} header is not sha512=HEX")
    expected = sign(body, signature_key)[len(_SCHEME) :].lower()
    offered = given[len(_SCHEME) :].lower()
    if not hmac.compare_digest(expected.encode("ascii"), offered.encode("ascii", "replace")):
        raise NotificationRejected(gateway_id, "the signature does not match the body")


def translate(
    gateway_id: str,
    signature_key: str | None,
    config: GatewayConfig,
    headers: Mapping[str, str],
    body: bytes,
) -> NotificationResult:
    """The updates a verified notification carries (none for events about no payment)."""
    verify(gateway_id, signature_key, headers, body)
    event = load_json(gateway_id, body)  # bounded; numbers with a fraction as Decimal
    try:
        update = _update(event, config)
    except (ValueError, ArithmeticError, TypeError, KeyError, AttributeError) as exc:
        # Signed with our key but unreadable: a sender bug, not a forgery.
        raise NotificationRejected(gateway_id, f"unreadable event: {type(exc).__name__}") from None
    return NotificationResult(updates=() if update is None else (update,))


def _update(event: Any, config: GatewayConfig) -> TransactionUpdate | None:
    event_type = str(event["eventType"])
    kind = EVENT_KINDS.get(event_type)
    if kind is None:
        return None  # customer profiles, subscriptions, fraud reviews …: no money moved
    payload = event["payload"]
    trans_id = str(payload["id"])
    currencies = config.supported_currencies
    amount = payload.get("authAmount")
    fields: dict[str, Any] = {
        "event_id": str(event["notificationId"]),
        "event_code": event_type,
        "psp_reference": trans_id,
        "transaction_id": trans_id,
        "merchant_reference": payload.get("invoiceNumber"),
        "raw_response": {key: payload.get(key) for key in
                         ("responseCode", "authCode", "avsResponse", "entityName", "id")},
        "event_date": event_date(event.get("eventDate")),
    }  # fmt: skip
    if amount is not None and len(currencies) == 1:
        fields["amount"] = Decimal(str(amount))
        fields["currency"] = currencies[0]
    response_code = str(payload.get("responseCode", ""))
    outcome = RESPONSE_CODES.get(response_code, Outcome.ERROR)
    if outcome is Outcome.APPROVED:
        return TransactionUpdate(is_success=True, kind=kind, **fields)
    if outcome is Outcome.HELD:
        return TransactionUpdate(is_success=True, kind=TransactionKind.PENDING, **fields)
    return TransactionUpdate.failure(
        kind, _FAILURES[outcome], psp_error_code=response_code or None, **fields
    )
