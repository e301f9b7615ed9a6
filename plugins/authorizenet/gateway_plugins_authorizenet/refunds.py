"""The card's last four digits, which every Authorize.Net refund must name.

A ``refundTransaction`` carries ``payment.creditCard`` with the last four
digits of the card that paid (``expirationDate`` ``XXXX``). A host rarely
keeps them next to the transId, and an Accept.js payment never showed them
to the host at all, so:

1. ``PaymentData.data["card_last4"]``, when the host gives it, is used as is;
2. otherwise ``getTransactionDetailsRequest`` for the refunded transId reads
   ``transaction.payment.creditCard.cardNumber`` (``XXXX1111``).

The lookup is a read: when it fails no money moved, so the answer is a
``processing_error`` to retry later, never an unknown outcome.
"""

from __future__ import annotations

import re
from typing import Any

from gateway_plugins import (
    ErrorCode,
    GatewayResponse,
    NormalizedError,
    PaymentData,
    RetryAdvice,
    TransactionKind,
)

from .lookup import LOOKUP_FAILED, Lookup, LookupFailed
from .payment import card_last4, referenced_transaction

_MASKED = re.compile(r"X*([0-9]{4})")


def with_card_last4(payment: PaymentData, lookup: Lookup) -> PaymentData | GatewayResponse:
    """``payment`` with ``data["card_last4"]`` filled in, or the failed refund response.

    A payment the refund command will refuse anyway (no or a malformed
    ``psp_reference``, a malformed ``card_last4``) is returned unchanged, so
    that the command reports it as ``invalid_request`` without a lookup.
    """
    try:
        if card_last4(payment) is not None:
            return payment
        reference = referenced_transaction(payment)
    except ValueError:
        return payment
    try:
        transaction = lookup.details(reference)
    except LookupFailed as failed:
        return GatewayResponse.failure(
            payment,
            TransactionKind.REFUND,
            failed.error,
            psp_reference=reference,
            raw_response=failed.raw_response,
        )
    last4 = _last4_of(transaction)
    if last4 is None:
        error = NormalizedError(
            ErrorCode.PROCESSING_ERROR,
            RetryAdvice.DO_NOT_RETRY,
            LOOKUP_FAILED,
            f"transaction {reference} was not paid by card, so it cannot be refunded to one",
        )
        return GatewayResponse.failure(
            payment, TransactionKind.REFUND, error, psp_reference=reference
        )
    return payment.model_copy(update={"data": {**payment.data, "card_last4": last4}})


def _last4_of(transaction: dict[str, Any]) -> str | None:
    card = (transaction.get("payment") or {}).get("creditCard") or {}
    match = _MASKED.fullmatch(str(card.get("cardNumber") or ""))
    return match.group(1) if match else None


__all__ = ["LOOKUP_FAILED", "with_card_last4"]
