"""Before a void: the authorization's amount and state, read from Authorize.Net.

A ``voidTransaction`` takes no amount: it releases the whole authorization (or
cancels a whole unsettled sale). A host asking to void 3.00 of a 25.00
authorization must not hear "voided 3.00", so the plugin first reads the
transaction (``getTransactionDetailsRequest``) and:

* refuses, sending nothing, a void whose ``amount`` is not the authorization's
  ``authAmount`` (``invalid_request`` naming both amounts);
* answers a void of a transaction already voided as a success, already
  processed (a retry after a lost reply), without sending it again;
* otherwise sends the void; its response's ``amount`` is then the amount
  released, checked against Authorize.Net's own record.

A lookup that fails voids nothing: the answer says why (``retry_later`` for a
lost reply; ``E00011`` when the account has not enabled the Transaction
Details API, which voids need as refunds do).
"""

from __future__ import annotations

from gateway_plugins import (
    ErrorCode,
    GatewayResponse,
    NormalizedError,
    PaymentData,
    RetryAdvice,
    TransactionKind,
)
from gateway_plugins.http import INVALID_REQUEST

from .lookup import LOOKUP_FAILED, Lookup, LookupFailed, amount_of
from .payment import referenced_transaction

VOIDED = "voided"


def checked_void(payment: PaymentData, lookup: Lookup) -> PaymentData | GatewayResponse:
    """``payment`` when the void may be sent, else the answer to give instead."""
    try:
        reference = referenced_transaction(payment)
    except ValueError:
        return payment  # the void command refuses it as invalid_request, nothing sent
    try:
        details = lookup.details(reference)
    except LookupFailed as failed:
        return GatewayResponse.failure(
            payment,
            TransactionKind.VOID,
            failed.error,
            psp_reference=reference,
            raw_response=failed.raw_response,
        )
    authorized = amount_of(details, "authAmount")
    if authorized is None:
        error = NormalizedError(
            ErrorCode.PROCESSING_ERROR,
            RetryAdvice.DO_NOT_RETRY,
            LOOKUP_FAILED,
            f"Authorize.Net's record of transaction {reference} has no authAmount; "
            "nothing was voided",
        )
        return GatewayResponse.failure(
            payment, TransactionKind.VOID, error, psp_reference=reference
        )
    if authorized != payment.amount:
        error = NormalizedError(
            ErrorCode.PROCESSING_ERROR,
            RetryAdvice.DO_NOT_RETRY,
            INVALID_REQUEST,
            f"amount: a void releases the whole authorization, and transaction {reference} "
            f"is for {authorized} {payment.currency}, not {payment.amount}; "
            f"void it with amount={authorized}",
        )
        return GatewayResponse.failure(
            payment, TransactionKind.VOID, error, psp_reference=reference
        )
    if details.get("transactionStatus") == VOIDED:
        return GatewayResponse.success(
            payment,
            TransactionKind.VOID,
            reference,
            psp_reference=reference,
            transaction_already_processed=True,
            raw_response={"transId": reference, "transactionStatus": VOIDED,
                          "authAmount": str(authorized)},
        )  # fmt: skip
    return payment


__all__ = ["VOIDED", "checked_void"]
