"""Stripe webhooks: verify the delivery, then say what its event changed.

Stripe POSTs one event per request, shaped by the endpoint's API version (give
the endpoint the plugin's, ``2020-08-27``)::

    Stripe-Signature: t=1700000000,v1=<hex>
    {"id": "evt_…", "object": "event", "type": "payment_intent.succeeded",
     "data": {"object": {"id": "pi_…", "object": "payment_intent", …}}, …}

The delivery is checked first (:mod:`.signature`): no ``webhook_secret``, a
missing or wrong signature, a timestamp outside the tolerance or a body that
is not a Stripe event raise :class:`NotificationRejected`. Then :data:`EVENTS`
says which event types change a transaction and how; every other type is
accepted and changes nothing. Stripe wants any 2xx back, so the
acknowledgement is empty.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NoReturn, TypeGuard

from gateway_plugins import (
    ErrorCode,
    GatewayConfig,
    NormalizedError,
    NotificationRejected,
    NotificationResult,
    TransactionKind,
    TransactionUpdate,
)
from gateway_plugins.notification_parsing import event_date, load_json

from .commands import GATEWAY_ID
from .errors import normalize
from .replies import INTENT_FIELDS, REFUND_FIELDS, error_summary
from .signature import DEFAULT_TOLERANCE, BadSignature, verify
from .wire import STRIPE_UNITS

log = logging.getLogger(__name__)

#: Stripe reads only the status of its request (any 2xx); nothing to say back.
ACKNOWLEDGEMENT = ""
SECRET_PARAM = "webhook_secret"  # noqa: S105 (the parameter's name, not a secret)
TOLERANCE_PARAM = "webhook_tolerance"

K = TransactionKind


@dataclass(frozen=True)
class IntentEvent:
    """A PaymentIntent event: the update it makes, with the amount from ``amount_field``."""

    kind: TransactionKind
    amount_field: str
    status: str | None = None
    """The intent's status this event must report; in any other it changes nothing."""
    failed: bool = False
    """A failure, explained by the intent's ``last_payment_error``."""


@dataclass(frozen=True)
class RefundEvent:
    """An event about refunds: its object is one Refund, or a Charge listing its refunds."""

    object_type: Literal["refund", "charge"]


#: Event types that change a transaction (the ones API version 2020-08-27 sends for
#: PaymentIntents and refunds), and how.
EVENTS: Mapping[str, IntentEvent | RefundEvent] = {
    # Sent when an intent reaches requires_capture (and when its capturable amount changes).
    "payment_intent.amount_capturable_updated": IntentEvent(
        K.AUTH, "amount_capturable", status="requires_capture"
    ),
    "payment_intent.succeeded": IntentEvent(K.CAPTURE, "amount_received", status="succeeded"),
    "payment_intent.payment_failed": IntentEvent(K.AUTH, "amount", failed=True),
    "payment_intent.canceled": IntentEvent(K.VOID, "amount", status="canceled"),
    # A refund was created (object: the Charge, listing its refunds) …
    "charge.refunded": RefundEvent("charge"),
    # … or one changed status, pending → succeeded / failed / canceled (object: the Refund).
    "charge.refund.updated": RefundEvent("refund"),
}

#: A refund's ``status``: the update's kind and whether it is a success. A status
#: not listed (a newer API's ``requires_action``) changes nothing rather than be guessed.
REFUND_STATUSES: Mapping[str, tuple[TransactionKind, bool]] = {
    "succeeded": (K.REFUND, True),
    "pending": (K.REFUND_ONGOING, True),
    "failed": (K.REFUND_FAILED, False),
    "canceled": (K.REFUND_FAILED, False),
}

_REFUND_KEPT = (*REFUND_FIELDS, "reason", "failure_reason")


class _Unreadable(ValueError):
    """A verified event without what its type promises; the message names no value."""


@dataclass(frozen=True)
class WebhookSettings:
    """The webhook parts of ``connection_params``, read once per configuration."""

    secret: str | None = field(default=None, repr=False)
    tolerance: float = DEFAULT_TOLERANCE

    @classmethod
    def from_config(cls, config: GatewayConfig) -> WebhookSettings:
        """Read ``webhook_secret`` and ``webhook_tolerance``; ``ValueError`` naming the rule."""
        params = config.connection_params
        secret = None
        if SECRET_PARAM in params:
            secret = config.secret_text(SECRET_PARAM).strip()
            # Never repeat the value: it is what proves webhooks genuine.
            if not secret.startswith("whsec_"):
                raise ValueError(
                    f"connection_params.{SECRET_PARAM} must be the webhook endpoint's signing "
                    "secret (whsec_…), not an API key"
                )
        return cls(secret, _tolerance(params.get(TOLERANCE_PARAM, DEFAULT_TOLERANCE)))


def _tolerance(value: Any) -> float:
    message = f"connection_params.{TOLERANCE_PARAM} must be a number of seconds from 1 to 86400"
    if isinstance(value, bool):
        raise ValueError(message)
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if not 1 <= seconds <= 86_400:
        raise ValueError(message)
    return seconds


def handle(
    settings: WebhookSettings, headers: Mapping[str, str], body: bytes, now: float
) -> NotificationResult:
    """Verify a delivery and translate its event; :class:`NotificationRejected` if not genuine."""
    if settings.secret is None:
        _reject(f"connection_params.{SECRET_PARAM} is not set, so no notification can be verified")
    try:
        verify(headers, body, settings.secret, settings.tolerance, now)
    except BadSignature as exc:
        _reject(str(exc))
    event = _event(body)
    try:
        updates = translate(event)
    except _Unreadable as exc:
        _reject(f"the {event['type']} event cannot be read: {exc}")
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        # Signed with our secret but not as Stripe writes it: a sender bug, not a forgery.
        _reject(f"the {event['type']} event cannot be read ({type(exc).__name__})")
    log.debug("Stripe event %s (%s): %d update(s)", event["id"], event["type"], len(updates))
    return NotificationResult(updates=updates, acknowledgement=ACKNOWLEDGEMENT)


def translate(event: Mapping[str, Any]) -> tuple[TransactionUpdate, ...]:
    """The updates one verified event makes; none for event types outside :data:`EVENTS`."""
    event_type = str(event["type"])
    rule = EVENTS.get(event_type)
    if rule is None:
        return ()
    obj = event["data"]["object"]
    expected = "payment_intent" if isinstance(rule, IntentEvent) else rule.object_type
    if obj.get("object") != expected:
        raise _Unreadable(f"its object is not a {expected}")
    # When Stripe created the event: signed, and kept through its retries.
    when = {"event_date": event_date(event.get("created"))}
    if isinstance(rule, IntentEvent):
        update = _intent_update(str(event["id"]), event_type, rule, obj, when)
        return () if update is None else (update,)
    refunds = [obj] if rule.object_type == "refund" else _charge_refunds(event, obj)
    return tuple(
        update
        for refund in refunds
        if (update := _refund_update(event_type, refund, obj.get("payment_intent"), when))
        is not None
    )


def _intent_update(
    event_id: str,
    event_type: str,
    rule: IntentEvent,
    intent: Mapping[str, Any],
    when: Mapping[str, Any],
) -> TransactionUpdate | None:
    if rule.status is not None and intent.get("status") != rule.status:
        return None
    pi_id = _required_id(intent)
    fields: dict[str, Any] = {
        "event_id": event_id,
        "event_code": event_type,
        "psp_reference": pi_id,
        "transaction_id": pi_id,
        "merchant_reference": _merchant_reference(intent),
        "raw_response": _kept(intent, INTENT_FIELDS),
        **_money(intent, rule.amount_field),
        **when,
    }
    if not rule.failed:
        return _update(rule.kind, fields)
    error = intent.get("last_payment_error") or {"type": "card_error"}
    if not isinstance(error, Mapping):
        raise _Unreadable("its last_payment_error is not an object")
    fields["raw_response"]["last_payment_error"] = error_summary(error)
    # 402 as for a decline answered directly: decline_code first, then code.
    return _update(rule.kind, fields, normalize(402, error))


def _charge_refunds(event: Mapping[str, Any], charge: Mapping[str, Any]) -> list[Any]:
    """The refunds of captured money a ``charge.refunded`` event lists."""
    if charge.get("captured") is not True:
        # Cancelling an uncaptured payment "refunds" its charge at this API version:
        # no money came back, and payment_intent.canceled reports the release.
        return []
    listed = charge.get("refunds")
    if not isinstance(listed, Mapping) or not isinstance(listed.get("data"), list):
        # Newer API versions leave the list out: nothing to tell which refund this was.
        log.warning(
            "Stripe event %s (charge.refunded) lists no refunds; give the webhook endpoint "
            "API version 2020-08-27",
            event["id"],
        )
        return []
    refunds = listed["data"]
    reversal = _capture_reversal(charge, refunds, more=listed.get("has_more") is not False)
    return [refund for refund in refunds if refund is not reversal]


def _capture_reversal(
    charge: Mapping[str, Any], refunds: list[Any], *, more: bool
) -> Mapping[str, Any] | None:
    """The Refund Stripe made for the uncaptured rest of a partial capture, if listed.

    Until API version 2025-03-31 a partial capture releases the rest of the hold
    as a Refund of the charge: money that was never taken, not a refund. It is
    made at the capture, before any real refund, so it is the oldest listed
    refund of exactly the released amount (none is listed when the page has more:
    lists run newest first).
    """
    amount, captured = charge.get("amount"), charge.get("amount_captured")
    if more or not _is_int(amount) or not _is_int(captured) or captured >= amount:
        return None
    released = amount - captured
    candidates = [
        refund
        for refund in refunds
        if isinstance(refund, Mapping) and refund.get("amount") == released
    ]
    if not candidates:
        return None
    # Newest first: among equal creation times the last listed is the oldest.
    return min(reversed(candidates), key=lambda refund: _created(refund))


def _refund_update(
    event_type: str, refund: Any, payment_intent: Any, when: Mapping[str, Any]
) -> TransactionUpdate | None:
    if not isinstance(refund, Mapping):
        raise _Unreadable("a refund is not an object")
    status = refund.get("status")
    outcome = REFUND_STATUSES.get(status) if isinstance(status, str) else None
    if outcome is None:
        return None
    kind, success = outcome
    refund_id = _required_id(refund)
    about = refund.get("payment_intent") or payment_intent or refund.get("charge") or refund_id
    fields: dict[str, Any] = {
        # Keyed by the refund and its status, not by the event: every charge.refunded
        # lists the charge's earlier refunds again, and the manager must drop those.
        "event_id": f"{refund_id}:{status}",
        "event_code": event_type,
        "psp_reference": str(about),
        "transaction_id": refund_id,
        "merchant_reference": _merchant_reference(refund),
        "raw_response": _kept(refund, _REFUND_KEPT),
        **_money(refund, "amount"),
        **when,
    }
    if success:
        return _update(kind, fields)
    reason = refund.get("failure_reason")
    failure = NormalizedError(
        ErrorCode.PROCESSING_ERROR,
        ErrorCode.PROCESSING_ERROR.default_retry,
        reason if isinstance(reason, str) and reason else None,
        f"refund {status}",
    )
    return _update(kind, fields, failure)


def _update(
    kind: TransactionKind, fields: dict[str, Any], error: NormalizedError | None = None
) -> TransactionUpdate:
    def build(values: dict[str, Any]) -> TransactionUpdate:
        if error is None:
            return TransactionUpdate(kind=kind, is_success=True, **values)
        return TransactionUpdate.failure(kind, error, **values)

    try:
        return build(fields)
    except ValueError:
        if fields.get("amount") is None:
            raise
        # An amount Stripe can carry but ISO cannot (ISK ×100 with cents): keep the
        # event, drop the amount (raw_response still has it).
        return build({**fields, "amount": None, "currency": None})


def _event(body: bytes) -> dict[str, Any]:
    """The event object of a verified body; :class:`NotificationRejected` if it is not one."""
    # Bounded, and Decimal, never float, for any fractional number in the event.
    event = load_json(GATEWAY_ID, body)
    if not isinstance(event, dict):
        _reject("the body is not a Stripe event object")
    for name in ("id", "type"):
        if not isinstance(event.get(name), str) or not event[name]:
            _reject(f"the event has no {name}")
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        _reject("the event has no data.object")
    return event


def _money(obj: Mapping[str, Any], name: str) -> dict[str, Any]:
    """``amount`` and ``currency`` from Stripe's minor units, or nothing if they cannot be read."""
    minor, currency = obj.get(name), obj.get("currency")
    if not _is_int(minor) or not isinstance(currency, str):
        return {}
    code = currency.upper()
    try:
        return {"amount": STRIPE_UNITS.from_minor(minor, code), "currency": code}
    except ValueError:  # a currency ISO 4217 does not know
        return {}


def _merchant_reference(obj: Mapping[str, Any]) -> str | None:
    """The host's reference the plugin put in ``metadata``: the order, else the payment."""
    metadata = obj.get("metadata")
    if not isinstance(metadata, Mapping):
        return None
    for name in ("order_id", "payment_id"):
        value = metadata.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def _kept(obj: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {name: obj[name] for name in names if name in obj}


def _required_id(obj: Mapping[str, Any]) -> str:
    value = obj.get("id")
    if not isinstance(value, str) or not value:
        raise _Unreadable("an object in it has no id")
    return value


def _created(obj: Mapping[str, Any]) -> int:
    value = obj.get("created")
    return value if _is_int(value) else 0


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _reject(reason: str) -> NoReturn:
    raise NotificationRejected(GATEWAY_ID, reason)
