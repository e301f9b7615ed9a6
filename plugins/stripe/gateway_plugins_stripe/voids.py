"""A void releases the whole authorization, so it is checked against it before Stripe cancels.

Stripe's cancel takes no amount: it releases whatever the PaymentIntent holds.
A host asking to void 3.00 of a 25.00 authorization must not hear "voided
3.00" while 25.00 was released, so the void hook first reads the PaymentIntent
(a ``GET``: safe to retry, it changes nothing) and refuses, before any cancel,
a void whose amount or currency is not the PaymentIntent's.
"""

from __future__ import annotations

from typing import Any

from gateway_plugins import (
    ErrorCode,
    GatewayResponse,
    NormalizedError,
    PaymentData,
    RetryAdvice,
    TransactionKind,
)
from gateway_plugins.http import INVALID_REQUEST, Connection, MalformedReply, TransportError

from .commands import retrieve
from .replies import error_response, failure
from .wire import STRIPE_UNITS

#: ``psp_error_code`` of a void refused because it names another amount than the authorization.
VOID_AMOUNT_MISMATCH = "void_amount_mismatch"
#: ``psp_error_code`` of a void not sent because the PaymentIntent could not be read.
LOOKUP_FAILED = "payment_intent_lookup_failed"

_VOID = TransactionKind.VOID


def void(connection: Connection[Any], payment: PaymentData) -> GatewayResponse:
    """Cancel the PaymentIntent ``payment.psp_reference`` if ``payment`` names its whole amount."""
    if payment.psp_reference is None:  # the command refuses it, naming the field
        return connection.execute("void", payment)
    try:
        wanted = STRIPE_UNITS.to_minor(payment.amount, payment.currency)
    except ValueError as exc:  # an amount Stripe cannot express: no authorization holds it
        return _refused(payment, str(exc), INVALID_REQUEST)
    try:
        reply = connection.client.send(retrieve(payment))
        body = reply.json()
        if not isinstance(body, dict):
            raise MalformedReply(f"HTTP {reply.status} reply is not a JSON object")
    except (TransportError, MalformedReply) as exc:
        # Nothing was cancelled: the same void may be sent again.
        message = f"the PaymentIntent could not be read before cancelling it: {exc}"
        error = NormalizedError(ErrorCode.PROCESSING_ERROR, RetryAdvice.RETRY_LATER,
                                LOOKUP_FAILED, message)  # fmt: skip
        return failure(payment, _VOID, error, psp_reference=payment.psp_reference)
    if reply.status >= 400 or "error" in body:  # Stripe's own (no such PaymentIntent …)
        return error_response(reply.status, body, payment, _VOID)
    held, currency = body.get("amount"), str(body.get("currency", "")).upper()
    if (held, currency) != (wanted, payment.currency):
        return _refused(
            payment,
            f"a void releases the whole authorization ({held} minor units of {currency}), "
            f"not {payment.amount} {payment.currency} ({wanted}): void with its amount; "
            "nothing was cancelled",
        )
    return connection.execute("void", payment)


def _refused(
    payment: PaymentData, message: str, code: str = VOID_AMOUNT_MISMATCH
) -> GatewayResponse:
    error = NormalizedError(ErrorCode.PROCESSING_ERROR, RetryAdvice.DO_NOT_RETRY, code, message)
    return failure(payment, _VOID, error, psp_reference=payment.psp_reference)
