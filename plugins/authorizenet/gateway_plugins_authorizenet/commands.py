"""Authorize.Net's operations as gateway commands, all ``createTransactionRequest``.

| operation | ``transactionType`` | what it names |
|---|---|---|
| authorize | ``authOnlyTransaction`` | the payer (``payment``, ``billTo`` …) |
| sale | ``authCaptureTransaction`` | the payer |
| capture | ``priorAuthCaptureTransaction`` | ``refTransId``, ``amount`` |
| void | ``voidTransaction`` | ``refTransId`` |
| refund | ``refundTransaction`` | ``refTransId``, ``amount``, the card's last 4 |

Builders raise ``ValueError`` for a payment that cannot be expressed (no
token, too many decimals, a non-numeric reference): the toolkit answers
``invalid_request`` and sends nothing. The pool is built per configuration,
because the credentials travel in every body.
"""

from __future__ import annotations

from typing import Any

from gateway_plugins import GatewayConfig, PaymentData, TransactionKind
from gateway_plugins.http import Command, CommandPool, HttpRequest, RequestBuilder

from .payment import (
    address_element,
    card_last4,
    customer_element,
    order_element,
    payment_element,
    reference_id,
    referenced_transaction,
    refund_payment_element,
    settings_element,
)
from .replies import transaction_handler
from .settings import Settings
from .wire import element, format_amount

GATEWAY_ID = "authorizenet"

AUTH_ONLY = "authOnlyTransaction"
AUTH_CAPTURE = "authCaptureTransaction"
PRIOR_AUTH_CAPTURE = "priorAuthCaptureTransaction"
VOID = "voidTransaction"
REFUND = "refundTransaction"


def envelope(
    root: str, settings: Settings, payment: PaymentData | None, **children: Any
) -> HttpRequest:
    """One API call: ``{root: {merchantAuthentication, refId, …}}``, POSTed to the endpoint.

    No idempotency key: Authorize.Net has none, so the client never resends a
    request that may have arrived (see the README, "Duplicate window").
    """
    body = element(
        root,
        merchantAuthentication=settings.authentication(),
        refId=None if payment is None else reference_id(payment),
        **children,
    )
    return HttpRequest("POST", "", json={root: body})


def _new_payment(settings: Settings, transaction_type: str) -> RequestBuilder:
    """Builds an authorization or a sale: the payer in full."""

    def build(payment: PaymentData, config: GatewayConfig) -> HttpRequest:
        request = element(
            "transactionRequest",
            transactionType=transaction_type,
            amount=format_amount(payment.amount, payment.currency),
            # The account has one currency; naming it makes Authorize.Net refuse
            # (reason 39) a payment the host meant in another one, instead of
            # charging the same number in the account's currency.
            currencyCode=payment.currency,
            payment=payment_element(payment),
            order=order_element(payment),
            customer=customer_element(payment),
            billTo=address_element("billTo", payment.billing),
            shipTo=address_element("shipTo", payment.shipping),
            customerIP=payment.customer_ip_address,
            transactionSettings=settings_element(settings.duplicate_window),
        )
        return envelope("createTransactionRequest", settings, payment, transactionRequest=request)

    return build


def _capture(settings: Settings) -> RequestBuilder:
    def build(payment: PaymentData, config: GatewayConfig) -> HttpRequest:
        request = element(
            "transactionRequest",
            transactionType=PRIOR_AUTH_CAPTURE,
            amount=format_amount(payment.amount, payment.currency),
            refTransId=referenced_transaction(payment),
        )
        return envelope("createTransactionRequest", settings, payment, transactionRequest=request)

    return build


def _void(settings: Settings) -> RequestBuilder:
    def build(payment: PaymentData, config: GatewayConfig) -> HttpRequest:
        request = element(
            "transactionRequest",
            transactionType=VOID,
            refTransId=referenced_transaction(payment),
        )
        return envelope("createTransactionRequest", settings, payment, transactionRequest=request)

    return build


def _refund(settings: Settings) -> RequestBuilder:
    """Builds a linked refund; ``data["card_last4"]`` must be filled (see ``refunds``)."""

    def build(payment: PaymentData, config: GatewayConfig) -> HttpRequest:
        reference = referenced_transaction(payment)
        last4 = card_last4(payment)
        if last4 is None:
            raise ValueError("data.card_last4 is required for a refund (the card's last 4 digits)")
        request = element(
            "transactionRequest",
            transactionType=REFUND,
            amount=format_amount(payment.amount, payment.currency),
            payment=refund_payment_element(last4),
            refTransId=reference,
            order=order_element(payment),
            transactionSettings=settings_element(settings.duplicate_window),
        )
        return envelope("createTransactionRequest", settings, payment, transactionRequest=request)

    return build


def command_pool(settings: Settings) -> CommandPool:
    """The gateway's commands for one configuration."""
    auth, capture = TransactionKind.AUTH, TransactionKind.CAPTURE
    return CommandPool(
        GATEWAY_ID,
        {
            "authorize": Command(
                auth, _new_payment(settings, AUTH_ONLY), transaction_handler(auth)
            ),
            "sale": Command(
                capture, _new_payment(settings, AUTH_CAPTURE), transaction_handler(capture)
            ),
            "capture": Command(capture, _capture(settings), transaction_handler(capture)),
            "void": Command(
                TransactionKind.VOID, _void(settings), transaction_handler(TransactionKind.VOID)
            ),
            "refund": Command(
                TransactionKind.REFUND,
                _refund(settings),
                transaction_handler(TransactionKind.REFUND),
            ),
        },
    )
