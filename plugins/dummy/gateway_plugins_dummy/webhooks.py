"""The dummy PSP's notifications: a signed JSON event, the smallest real webhook.

Format (one event per request)::

    POST <host's webhook URL>
    X-Dummy-Signature: <hex HMAC-SHA256 of the raw body, keyed with webhook_secret>

    {"event_id": "evt_…", "kind": "capture", "psp_reference": "dummy_…",
     "transaction_id": "…", "amount": "10.00", "currency": "USD", "success": true,
     "error_code": null, "event_date": "2026-11-22T10:00:00+00:00"}

``kind`` is a ``TransactionKind`` value; a failed event (``"success": false``)
names an ``error_code`` (``processing_error`` when it names none).
``event_date`` (ISO 8601 with a zone) is signed with the rest, so the manager
refuses a replay older than its window. The secret is
``connection_params.webhook_secret``; without one every notification is
rejected. The signature is checked before the body is parsed.
:func:`notification` builds a signed one, for demos and tests.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
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

SIGNATURE_HEADER = "x-dummy-signature"
SECRET_PARAM = "webhook_secret"  # noqa: S105 (the parameter's name, not a secret)


def sign(body: bytes, secret: str) -> str:
    """The signature of ``body``: hex HMAC-SHA256 keyed with ``secret``."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def notification(
    secret: str,
    kind: TransactionKind,
    psp_reference: str,
    amount: Decimal,
    currency: str,
    *,
    success: bool = True,
    event_id: str | None = None,
    transaction_id: str | None = None,
    occurred: datetime | None = None,
) -> tuple[dict[str, str], bytes]:
    """A signed notification, ``(headers, body)``, as the dummy PSP would send it.

    ``occurred`` is the event's date (timezone-aware; now by default).
    """
    occurred = occurred or datetime.now(timezone.utc)
    event = {
        "event_id": event_id or f"evt_{uuid.uuid4().hex}",
        "kind": kind.value,
        "psp_reference": psp_reference,
        "transaction_id": transaction_id or psp_reference,
        "amount": str(amount),
        "currency": currency,
        "success": success,
        "error_code": None if success else ErrorCode.PROCESSING_ERROR.value,
        "event_date": occurred.isoformat(),
    }
    body = json.dumps(event).encode("utf-8")
    return {"Content-Type": "application/json", "X-Dummy-Signature": sign(body, secret)}, body


def verified_update(
    gateway_id: str, config: GatewayConfig, headers: Mapping[str, str], body: bytes
) -> NotificationResult:
    """The update a notification carries, once its signature checks out."""
    if SECRET_PARAM not in config.connection_params:
        raise NotificationRejected(gateway_id, f"connection_params.{SECRET_PARAM} is not set")
    given = headers.get(SIGNATURE_HEADER)
    if not given:
        raise NotificationRejected(gateway_id, f"the {SIGNATURE_HEADER} header is missing")
    expected = sign(body, config.secret_text(SECRET_PARAM))
    # Bytes, not str: compare_digest refuses non-ASCII text, which a forger may send.
    if not hmac.compare_digest(expected.encode(), given.strip().lower().encode("utf-8", "replace")):
        raise NotificationRejected(gateway_id, "the signature does not match the body")
    event = load_json(gateway_id, body)
    try:
        return NotificationResult(updates=(_update(event),))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        # Signed by us but unreadable: a bug at the sender, not a forgery.
        raise NotificationRejected(gateway_id, f"unreadable event: {type(exc).__name__}") from None


def _update(event: Any) -> TransactionUpdate:
    fields = {
        "event_id": event["event_id"],
        "event_code": event["kind"],
        "kind": TransactionKind(event["kind"]),
        "psp_reference": event["psp_reference"],
        "transaction_id": event.get("transaction_id") or event["psp_reference"],
        "amount": event.get("amount"),
        "currency": event.get("currency"),
        "event_date": event_date(event.get("event_date")),
    }
    if event["success"] is True:
        return TransactionUpdate(is_success=True, **fields)
    code = ErrorCode(event.get("error_code") or ErrorCode.PROCESSING_ERROR.value)
    return TransactionUpdate.failure(reason=code, psp_error_code=code.value, **fields)
