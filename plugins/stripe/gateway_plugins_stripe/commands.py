"""Stripe's operations as gateway commands: PaymentIntents, Refunds and SetupIntents.

Each builder turns ``PaymentData`` into one Stripe call; each handler (in
``replies``) turns Stripe's reply into a ``GatewayResponse``. The toolkit
(gateway_plugins.http) sends them and handles timeouts, retries, unreadable
replies and echo checks.

Every POST carries :func:`~gateway_plugins.idempotency.operation_key` of its
operation, never ``PaymentData.idempotency_key`` itself: a capture copied from
the authorization's ``PaymentData`` must not reach Stripe with the
authorization's key (Stripe refuses a key sent to another endpoint or with
other parameters). A failure advising a retry names ``PaymentData.idempotency_key``:
the same ``PaymentData``, rebuilt from it, sends the same operation key again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gateway_plugins import GatewayConfig, GatewayResponse, PaymentData, TransactionKind
from gateway_plugins.http import Command, CommandPool, HttpRequest
from gateway_plugins.idempotency import operation_key

from .replies import failure_or, intent_response, refund_response
from .wire import STRIPE_UNITS, form_encode

GATEWAY_ID = "stripe"


def _post(
    operation: str, path: str, params: Mapping[str, Any], payment: PaymentData
) -> HttpRequest:
    key = operation_key(payment, operation)
    return HttpRequest("POST", path, form=form_encode(params), idempotency_key=key)


def intent_path(payment: PaymentData, action: str = "") -> str:
    """``/v1/payment_intents/{psp_reference}[/action]``; ``ValueError`` without a reference."""
    if payment.psp_reference is None:
        raise ValueError("psp_reference is required: the PaymentIntent (pi_…) to act on")
    return f"/v1/payment_intents/{payment.psp_reference}{action}"


def _create_intent(operation: str) -> Callable[[PaymentData, GatewayConfig], HttpRequest]:
    capture_method = "manual" if operation == "authorize" else "automatic"

    def build(payment: PaymentData, config: GatewayConfig) -> HttpRequest:
        # Form pairs written out (as form_encode would make them): every payment comes here.
        minor = STRIPE_UNITS.to_minor(payment.amount, payment.currency)
        form = [("amount", str(minor)), ("currency", payment.currency.lower())]
        optional = (
            ("payment_method", payment.token),
            ("confirm", "true"),
            ("capture_method", capture_method),
            ("customer", payment.customer_id),
            ("receipt_email", payment.customer_email),
            ("return_url", config.connection_params.get("return_url")),
            ("metadata[order_id]", payment.order_id),
            ("metadata[payment_id]", payment.payment_id),
            # Keep the card for later payments without the shopper (attached to the
            # customer, when there is one); the PaymentMethod id comes back in raw_response.
            ("setup_future_usage", "off_session" if payment.reuse_source else None),
            ("payment_method_options[card][request_three_d_secure]",
             "any" if config.require_3d_secure else None),
        )  # fmt: skip
        form += [(name, str(value)) for name, value in optional if value is not None]
        key = operation_key(payment, operation)
        return HttpRequest("POST", "/v1/payment_intents", form=form, idempotency_key=key)

    return build


def _capture(payment: PaymentData, config: GatewayConfig) -> HttpRequest:
    amount = STRIPE_UNITS.to_minor(payment.amount, payment.currency)
    path = intent_path(payment, "/capture")
    return _post("capture", path, {"amount_to_capture": amount}, payment)


def _cancel(payment: PaymentData, config: GatewayConfig) -> HttpRequest:
    return _post("void", intent_path(payment, "/cancel"), {}, payment)


def _refund(payment: PaymentData, config: GatewayConfig) -> HttpRequest:
    params = {
        "payment_intent": payment.psp_reference,
        "amount": STRIPE_UNITS.to_minor(payment.amount, payment.currency),
        "metadata": {"order_id": payment.order_id},
    }
    return _post("refund", "/v1/refunds", params, payment)


def retrieve(payment: PaymentData, config: GatewayConfig | None = None) -> HttpRequest:
    """``GET`` the PaymentIntent: after 3-D Secure (rather than trust the redirect), and
    before a void (to know the authorization's amount)."""
    return HttpRequest("GET", intent_path(payment))


def _command(
    kind: TransactionKind,
    build: Callable[[PaymentData, GatewayConfig], HttpRequest],
    handle: Callable[[dict[str, Any], PaymentData], GatewayResponse],
) -> Command:
    return Command(kind, build, failure_or(handle, kind))


_AUTH, _CAPTURE = TransactionKind.AUTH, TransactionKind.CAPTURE

COMMANDS = CommandPool(
    GATEWAY_ID,
    {
        "authorize": _command(_AUTH, _create_intent("authorize"), intent_response),
        "sale": _command(_CAPTURE, _create_intent("sale"), intent_response),
        "capture": _command(_CAPTURE, _capture, intent_response),
        "void": _command(TransactionKind.VOID, _cancel, intent_response),
        "refund": _command(TransactionKind.REFUND, _refund, refund_response),
        "confirm_payment": _command(_AUTH, retrieve, intent_response),
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
