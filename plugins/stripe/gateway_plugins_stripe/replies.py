"""Stripe's replies as ``GatewayResponse``: PaymentIntents, Refunds and Stripe's errors.

A PaymentIntent answers by its ``status`` (``requires_capture`` is an
authorization, ``succeeded`` a capture, ``requires_action`` a customer action,
``canceled`` a void of its whole amount); a successful one names the card of
its latest charge (``card_info``). A failure that advises a retry names the
host's ``PaymentData.idempotency_key``, the key a retry must reuse.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gateway_plugins import (
    ActionKind,
    CreditCardInfo,
    CustomerAction,
    GatewayResponse,
    NormalizedError,
    PaymentData,
    RetryAdvice,
    TransactionKind,
)
from gateway_plugins.http import HttpReply

from .errors import normalize
from .wire import STRIPE_UNITS

#: PaymentIntent fields kept in ``raw_response``; the rest (``client_secret``
#: above all) stays out of the host's database.
INTENT_FIELDS = ("id", "object", "status", "amount", "amount_capturable", "amount_received",
                 "currency", "capture_method", "cancellation_reason")  # fmt: skip

#: Refund fields kept in ``raw_response``.
REFUND_FIELDS = ("id", "object", "status", "amount", "currency", "payment_intent")


def failure(
    payment: PaymentData, kind: TransactionKind, error: NormalizedError, **fields: Any
) -> GatewayResponse:
    """A failed response; one that advises a retry names the key to retry with."""
    if error.retry is RetryAdvice.RETRY_LATER:
        fields.setdefault("idempotency_key", payment.idempotency_key)
    return GatewayResponse.failure(payment, kind, error, **fields)


def failure_or(
    handle: Callable[[dict[str, Any], PaymentData], GatewayResponse], failure_kind: TransactionKind
) -> Callable[[HttpReply, PaymentData], GatewayResponse]:
    """A reply handler: Stripe errors through the error table, successes through ``handle``."""

    def handler(reply: HttpReply, payment: PaymentData) -> GatewayResponse:
        body = reply.json()
        if reply.status >= 400 or "error" in body:
            return error_response(reply.status, body, payment, failure_kind)
        return handle(body, payment)

    return handler


def error_response(
    status: int, body: Mapping[str, Any], payment: PaymentData, kind: TransactionKind
) -> GatewayResponse:
    """Stripe's error reply (``{"error": {…}}``) as a failed response."""
    error = body.get("error") or {}
    intent = error.get("payment_intent") or {}
    return failure(
        payment,
        kind,
        normalize(status, error),
        transaction_id=intent.get("id", payment.psp_reference or ""),
        psp_reference=intent.get("id", payment.psp_reference),
        raw_response={"error": error_summary(error), "http_status": status},
    )


#: A PaymentIntent's status → the kind of response, and the field holding its amount.
_STATES: Mapping[str, tuple[TransactionKind, str]] = {
    "requires_capture": (TransactionKind.AUTH, "amount_capturable"),
    "succeeded": (TransactionKind.CAPTURE, "amount_received"),
    "requires_action": (TransactionKind.ACTION_TO_CONFIRM, "amount"),
    "processing": (TransactionKind.PENDING, "amount"),
    "canceled": (TransactionKind.VOID, "amount"),
}
_UNEXPECTED = (TransactionKind.PENDING, "")


def intent_response(intent: dict[str, Any], payment: PaymentData) -> GatewayResponse:
    """A PaymentIntent, in whatever state, as a ``GatewayResponse``."""
    status = intent.get("status")
    currency = str(intent.get("currency", "")).upper()
    common: dict[str, Any] = {
        "transaction_id": intent["id"],
        "psp_reference": intent["id"],
        "raw_response": _kept(intent),
        "customer_id": intent.get("customer"),
    }
    if status == "requires_payment_method" and intent.get("last_payment_error"):
        return failure(
            payment, TransactionKind.AUTH, normalize(402, intent["last_payment_error"]), **common
        )
    kind, field = _STATES.get(status if isinstance(status, str) else "", _UNEXPECTED)
    minor = intent.get(field) if field else None
    if minor is None:
        # A state we do not expect here: report it, do not guess an outcome.
        return failure(
            payment,
            TransactionKind.AUTH,
            normalize(200, {"code": "payment_intent_unexpected_state",
                            "message": f"PaymentIntent is {status!r}"}),
            **common,
        )  # fmt: skip
    if kind is TransactionKind.ACTION_TO_CONFIRM:
        common["action_required"] = True
        common["action_required_data"] = _customer_action(intent)
    # A cancel releases the whole authorization: its amount (the void hook checked that
    # the request named it before cancelling).
    amount = STRIPE_UNITS.from_minor(int(minor), currency)
    return GatewayResponse(
        is_success=True,
        kind=kind,
        amount=amount,
        currency=currency,
        card_info=card_info(intent),
        **common,
    )


def _kept(intent: Mapping[str, Any]) -> dict[str, Any]:
    """The PaymentIntent's ``INTENT_FIELDS``, and the PaymentMethod it keeps for later payments
    (``reuse_source``): the ``pm_…`` id is the token of the shopper's next payment."""
    kept = {key: intent[key] for key in INTENT_FIELDS if key in intent}
    method = intent.get("payment_method")
    if intent.get("setup_future_usage") and isinstance(method, str):
        kept["setup_future_usage"], kept["payment_method"] = intent["setup_future_usage"], method
    return kept


def card_info(intent: Mapping[str, Any]) -> CreditCardInfo | None:
    """The card of the PaymentIntent's latest charge (brand, last four, expiry), if any.

    At API version 2020-08-27 ``charges`` lists only the latest charge.
    """
    # Parsed JSON: objects are dicts (a cheaper test than Mapping's).
    charges = intent.get("charges")
    data = charges.get("data") if type(charges) is dict else None
    if type(data) is not list or not data or type(data[0]) is not dict:
        return None
    details = data[0].get("payment_method_details")
    card = details.get("card") if type(details) is dict else None
    if type(card) is not dict:
        return None
    brand = card.get("brand")
    try:
        return CreditCardInfo(
            last_4=card["last4"],
            exp_month=card["exp_month"],
            exp_year=card["exp_year"],
            brand=brand if type(brand) is str else None,
        )
    except (KeyError, ValueError):  # not a card's details as we know them: leave it unnamed
        return None


def _customer_action(intent: Mapping[str, Any]) -> CustomerAction:
    """A PaymentIntent's ``next_action`` as the shared :class:`CustomerAction`."""
    next_action = intent.get("next_action") or {}
    redirect = next_action.get("redirect_to_url") if isinstance(next_action, Mapping) else None
    card = "card" in (intent.get("payment_method_types") or ["card"])
    return CustomerAction(
        kind=ActionKind.THREE_D_SECURE if card else ActionKind.REDIRECT,
        psp_reference=intent["id"],
        url=redirect.get("url") if isinstance(redirect, Mapping) else None,
        # Stripe.js completes any next_action (``use_stripe_sdk`` too) with the client secret.
        sdk_data={"client_secret": intent.get("client_secret"), "next_action": next_action},
    )


def refund_response(refund: dict[str, Any], payment: PaymentData) -> GatewayResponse:
    currency = str(refund.get("currency", "")).upper()
    status = refund.get("status")
    common: dict[str, Any] = {
        "transaction_id": refund["id"],
        "psp_reference": refund.get("payment_intent") or payment.psp_reference,
        "raw_response": {key: refund.get(key) for key in REFUND_FIELDS},
    }
    if status in ("failed", "canceled"):
        error = normalize(200, {"code": refund.get("failure_reason") or "refund_failed",
                                "message": f"refund {status}"})  # fmt: skip
        return failure(payment, TransactionKind.REFUND, error, **common)
    kind = TransactionKind.REFUND if status == "succeeded" else TransactionKind.REFUND_ONGOING
    return GatewayResponse(
        is_success=True,
        kind=kind,
        amount=STRIPE_UNITS.from_minor(int(refund["amount"]), currency),
        currency=currency,
        **common,
    )


def error_summary(error: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of Stripe's error object worth keeping (not its payment_method: card details)."""
    return {key: error.get(key) for key in ("type", "code", "decline_code", "param", "message")}
