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

Some commands read a transaction (``getTransactionDetailsRequest``, see
``lookup``) around the call: a refund before it (the card's last four digits,
``refunds``), a void before it (the authorization's amount, ``voids``), and new
payments, captures and refunds after a reply saying "duplicate" (the
original's outcome, ``duplicates``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gateway_plugins import GatewayConfig, GatewayResponse, PaymentData, TransactionKind
from gateway_plugins.http import Command, CommandPool, HttpClient, HttpRequest, RequestBuilder

from .duplicates import resolve_capture, resolve_duplicate
from .identifiers import duplicate_key
from .lookup import Lookup
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
from .refunds import with_card_last4
from .replies import transaction_handler
from .settings import Settings
from .voids import checked_void
from .wire import element, format_amount
from .wire import envelope as _envelope

GATEWAY_ID = "authorizenet"

AUTH_ONLY = "authOnlyTransaction"
AUTH_CAPTURE = "authCaptureTransaction"
PRIOR_AUTH_CAPTURE = "priorAuthCaptureTransaction"
VOID = "voidTransaction"
REFUND = "refundTransaction"


#: Runs before the request: the payment to send, or the answer to give instead.
Prepare = Callable[[PaymentData, Lookup], PaymentData | GatewayResponse]
#: Runs on the answer: the answer the host gets.
Resolve = Callable[[GatewayResponse, PaymentData, Lookup], GatewayResponse]


@dataclass(frozen=True)
class LookingCommand(Command):
    """A command that may read transactions before sending (``prepare``) or after
    the answer (``resolve``)."""

    settings: Settings
    prepare: Prepare | None = None
    resolve: Resolve | None = None

    def execute(
        self, client: HttpClient, payment: PaymentData, config: GatewayConfig
    ) -> GatewayResponse:
        """Prepare, run the command as the toolkit does, then resolve its answer."""
        lookup = Lookup(client, self.settings, payment)
        if self.prepare is not None:
            prepared = self.prepare(payment, lookup)
            if isinstance(prepared, GatewayResponse):
                return prepared
            payment = prepared
        response = super().execute(client, payment, config)
        return response if self.resolve is None else self.resolve(response, payment, lookup)


def envelope(root: str, settings: Settings, payment: PaymentData, **children: Any) -> HttpRequest:
    """One API call for ``payment`` (see ``wire.envelope``)."""
    return _envelope(root, settings.authentication(), reference_id(payment), **children)


def _new_payment(settings: Settings, transaction_type: str, operation: str) -> RequestBuilder:
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
            # Authorize.Net compares it for duplicates: only a retry of this request matches.
            poNumber=duplicate_key(payment, operation),
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
            poNumber=duplicate_key(payment, "refund"),
            transactionSettings=settings_element(settings.duplicate_window),
        )
        return envelope("createTransactionRequest", settings, payment, transactionRequest=request)

    return build


def command_pool(settings: Settings) -> CommandPool:
    """The gateway's commands for one configuration."""
    auth, capture = TransactionKind.AUTH, TransactionKind.CAPTURE
    void, refund = TransactionKind.VOID, TransactionKind.REFUND

    def command(kind: TransactionKind, build: RequestBuilder, **around: Any) -> Command:
        return LookingCommand(kind, build, transaction_handler(kind), settings, **around)

    return CommandPool(
        GATEWAY_ID,
        {
            "authorize": command(
                auth, _new_payment(settings, AUTH_ONLY, "authorize"), resolve=resolve_duplicate
            ),
            "sale": command(
                capture, _new_payment(settings, AUTH_CAPTURE, "sale"), resolve=resolve_duplicate
            ),
            "capture": command(capture, _capture(settings), resolve=resolve_capture),
            "void": command(void, _void(settings), prepare=checked_void),
            "refund": command(
                refund, _refund(settings), prepare=with_card_last4, resolve=resolve_duplicate
            ),
        },
    )
