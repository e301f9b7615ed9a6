"""Stripe's operations as gateway commands: PaymentIntents, Refunds and SetupIntents.

Each builder turns ``PaymentData`` into one Stripe call; each handler turns
Stripe's reply into a ``GatewayResponse``. The toolkit (gateway_plugins.http)
sends them and handles timeouts, retries, unreadable replies and echo checks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gateway_plugins import (
    ActionKind,
    CustomerAction,
    GatewayConfig,
    GatewayResponse,
    NormalizedError,
    PaymentData,
    RetryAdvice,
    TransactionKind,
)
from gateway_plugins.http import Command, CommandPool, HttpReply, HttpRequest

from .errors import normalize
from .wire import STRIPE_UNITS, form_encode

GATEWAY_ID = "stripe"

#: PaymentIntent fields kept in ``raw_response``; the rest (``client_secret``
#: above all) stays out of the host's database.
INTENT_FIELDS = ("id", "object", "status", "amount", "amount_capturable", "amount_received",
                 "currency", "capture_method", "cancellation_reason")  # fmt: skip

#: Refund fields kept in ``raw_response``.
REFUND_FIELDS = ("id", "object", "status", "amount", "currency", "payment_intent")


def _post(path: str, params: Mapping[str, Any], payment: PaymentData) -> HttpRequest:
    return HttpRequest(
        "POST", path, form=form_encode(params), idempotency_key=payment.idempotency_key
    )


def _create_intent(capture_method: str) -> Callable[[PaymentData, GatewayConfig], HttpRequest]:
    def build(payment: PaymentData, config: GatewayConfig) -> HttpRequest:
        params: dict[str, Any] = {
            "amount": STRIPE_UNITS.to_minor(payment.amount, payment.currency),
            "currency": payment.currency.lower(),
            "payment_method": payment.token,
            "confirm": True,
            "capture_method": capture_method,
            "customer": payment.customer_id,
            "receipt_email": payment.customer_email,
            "return_url": config.connection_params.get("return_url"),
            "metadata": {"order_id": payment.order_id, "payment_id": payment.payment_id},
        }
        if config.require_3d_secure:
            params["payment_method_options"] = {"card": {"request_three_d_secure": "any"}}
        return _post("/v1/payment_intents", params, payment)

    return build


def _capture(payment: PaymentData, config: GatewayConfig) -> HttpRequest:
    amount = STRIPE_UNITS.to_minor(payment.amount, payment.currency)
    return _post(
        f"/v1/payment_intents/{payment.psp_reference}/capture",
        {"amount_to_capture": amount},
        payment,
    )


def _cancel(payment: PaymentData, config: GatewayConfig) -> HttpRequest:
    return _post(f"/v1/payment_intents/{payment.psp_reference}/cancel", {}, payment)


def _refund(payment: PaymentData, config: GatewayConfig) -> HttpRequest:
    params = {
        "payment_intent": payment.psp_reference,
        "amount": STRIPE_UNITS.to_minor(payment.amount, payment.currency),
        "metadata": {"order_id": payment.order_id},
    }
    return _post("/v1/refunds", params, payment)


def _retrieve(payment: PaymentData, config: GatewayConfig) -> HttpRequest:
    # After 3-D Secure, re-read the PaymentIntent rather than trust the redirect.
    return HttpRequest("GET", f"/v1/payment_intents/{payment.psp_reference}")


def _failure(
    payment: PaymentData, kind: TransactionKind, error: NormalizedError, **fields: Any
) -> GatewayResponse:
    """A failed response; one that advises a retry names the key to retry with."""
    if error.retry is RetryAdvice.RETRY_LATER:
        fields.setdefault("idempotency_key", payment.idempotency_key)
    return GatewayResponse.failure(payment, kind, error, **fields)


def _failure_or(
    handle: Callable[[dict[str, Any], PaymentData], GatewayResponse], failure_kind: TransactionKind
) -> Callable[[HttpReply, PaymentData], GatewayResponse]:
    """A reply handler: Stripe errors through the error table, successes through ``handle``."""

    def handler(reply: HttpReply, payment: PaymentData) -> GatewayResponse:
        body = reply.json()
        if reply.status >= 400 or "error" in body:
            error = body.get("error") or {}
            intent = error.get("payment_intent") or {}
            return _failure(
                payment,
                failure_kind,
                normalize(reply.status, error),
                transaction_id=intent.get("id", payment.psp_reference or ""),
                psp_reference=intent.get("id", payment.psp_reference),
                raw_response={"error": error_summary(error), "http_status": reply.status},
            )
        return handle(body, payment)

    return handler


def _intent_response(intent: dict[str, Any], payment: PaymentData) -> GatewayResponse:
    """A PaymentIntent, in whatever state, as a ``GatewayResponse``."""
    status = intent.get("status")
    currency = str(intent.get("currency", "")).upper()
    common: dict[str, Any] = {
        "transaction_id": intent["id"],
        "psp_reference": intent["id"],
        "raw_response": {key: intent[key] for key in INTENT_FIELDS if key in intent},
        "customer_id": intent.get("customer"),
    }
    if status == "requires_payment_method" and intent.get("last_payment_error"):
        return _failure(
            payment, TransactionKind.AUTH, normalize(402, intent["last_payment_error"]), **common
        )
    kind, minor = {
        "requires_capture": (TransactionKind.AUTH, intent.get("amount_capturable")),
        "succeeded": (TransactionKind.CAPTURE, intent.get("amount_received")),
        "requires_action": (TransactionKind.ACTION_TO_CONFIRM, intent.get("amount")),
        "processing": (TransactionKind.PENDING, intent.get("amount")),
        "canceled": (TransactionKind.VOID, intent.get("amount")),
    }.get(str(status), (TransactionKind.PENDING, None))
    if minor is None:
        # A state we do not expect here: report it, do not guess an outcome.
        return _failure(
            payment,
            TransactionKind.AUTH,
            normalize(200, {"code": "payment_intent_unexpected_state",
                            "message": f"PaymentIntent is {status!r}"}),
            **common,
        )  # fmt: skip
    if kind is TransactionKind.ACTION_TO_CONFIRM:
        common["action_required"] = True
        common["action_required_data"] = _customer_action(intent)
    # A cancel moves no money: it answers for the request's amount, whatever it was.
    amount = (
        payment.amount
        if kind is TransactionKind.VOID
        else STRIPE_UNITS.from_minor(int(minor), currency)
    )
    return GatewayResponse(is_success=True, kind=kind, amount=amount, currency=currency, **common)


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


def _refund_response(refund: dict[str, Any], payment: PaymentData) -> GatewayResponse:
    currency = str(refund.get("currency", "")).upper()
    status = refund.get("status")
    common: dict[str, Any] = {
        "transaction_id": refund["id"],
        "psp_reference": refund.get("payment_intent") or payment.psp_reference,
        "raw_response": {key: refund.get(key) for key in REFUND_FIELDS},
    }
    if status in ("failed", "canceled"):
        failure = normalize(200, {"code": refund.get("failure_reason") or "refund_failed",
                                  "message": f"refund {status}"})  # fmt: skip
        return _failure(payment, TransactionKind.REFUND, failure, **common)
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


def _command(
    kind: TransactionKind,
    build: Callable[[PaymentData, GatewayConfig], HttpRequest],
    handle: Callable[[dict[str, Any], PaymentData], GatewayResponse],
) -> Command:
    return Command(kind, build, _failure_or(handle, kind))


_AUTH, _CAPTURE = TransactionKind.AUTH, TransactionKind.CAPTURE

COMMANDS = CommandPool(
    GATEWAY_ID,
    {
        "authorize": _command(_AUTH, _create_intent("manual"), _intent_response),
        "sale": _command(_CAPTURE, _create_intent("automatic"), _intent_response),
        "capture": _command(_CAPTURE, _capture, _intent_response),
        "void": _command(TransactionKind.VOID, _cancel, _intent_response),
        "refund": _command(TransactionKind.REFUND, _refund, _refund_response),
        "confirm_payment": _command(_AUTH, _retrieve, _intent_response),
    },
)


def client_token_request(customer_id: str | None) -> HttpRequest:
    """A SetupIntent: its ``client_secret`` lets Stripe.js collect and save a card.

    We use a SetupIntent rather than a PaymentIntent because a client token is
    asked for before the amount is known; the saved PaymentMethod id (``pm_…``)
    then comes back as ``PaymentData.token``.
    """
    params = {"customer": customer_id, "usage": "on_session", "payment_method_types": ["card"]}
    return HttpRequest("POST", "/v1/setup_intents", form=form_encode(params))
