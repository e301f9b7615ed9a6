"""A repeat of a request Authorize.Net already processed, answered with the first answer.

Authorize.Net has no idempotency key. It refuses a transaction equal to one of
the last ``duplicateWindow`` seconds with reason 11 and, because the request
set ``duplicateWindow``, names the original: its transId, auth code, AVS and
CVV results. Every new payment and refund also carries its own ``poNumber``
(``identifiers.duplicate_key``), one of the fields the check compares, so a
duplicate is a resend of the same ``PaymentData`` (a retry after a lost reply),
never another order or another refund.

The reply does not say whether the original was approved, so the plugin reads
it (``getTransactionDetailsRequest``) and answers as the first send should have
been answered, with ``transaction_already_processed=True``:

* approved (``responseCode`` 1) for the amount asked: a success for the
  original transaction; held for review (4): a ``pending`` success;
* declined or refused (2, 3): the original's failure, by its reason code;
* anything else, or a lookup that fails: an unknown outcome naming the
  original transaction (``check_status``): look it up before anything else.

A capture is checked on the authorization instead: Authorize.Net answers a
second ``priorAuthCaptureTransaction`` with reason 311 ("already captured").
An authorization captures once, so when it was captured for the amount asked,
that capture is the one being retried: a success, already processed.
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
from gateway_plugins.http import OUTCOME_UNKNOWN

from .errors import DUPLICATE_REASONS, normalize
from .lookup import Lookup, LookupFailed, amount_of
from .replies import RESPONSE_CODES, Outcome, card_info

#: Reason codes of a capture refused because the authorization is already captured.
ALREADY_CAPTURED = frozenset({"311", *DUPLICATE_REASONS})
#: ``transactionStatus`` values of a captured authorization or sale.
CAPTURED_STATUSES = frozenset(
    {"capturedPendingSettlement", "pendingFinalSettlement", "pendingSettlement",
     "settledSuccessfully"}
)  # fmt: skip


def resolve_duplicate(
    response: GatewayResponse, payment: PaymentData, lookup: Lookup
) -> GatewayResponse:
    """``response``, or the original's outcome when it is a duplicate naming one."""
    original = response.transaction_id
    if response.is_success or response.psp_error_code not in DUPLICATE_REASONS or not original:
        return response
    try:
        details = lookup.details(original)
    except LookupFailed as failed:
        why = f"it could not be read ({failed.error.psp_code}: {failed.error.psp_message})"
        return _unknown(response, payment, original, why)
    amount = amount_of(details, "authAmount")
    if amount != payment.amount:
        why = f"Authorize.Net reports it for {amount}, not {payment.amount}"
        return _unknown(response, payment, original, why)
    outcome = RESPONSE_CODES.get(str(details.get("responseCode")))
    raw = {**(response.raw_response or {}), "duplicateOf": _summary(details)}
    reference = payment.psp_reference or original
    if outcome in (Outcome.APPROVED, Outcome.HELD):
        return GatewayResponse.success(
            payment,
            TransactionKind.PENDING if outcome is Outcome.HELD else response.kind,
            original,
            psp_reference=reference,
            card_info=card_info(response.raw_response or {}, payment),
            transaction_already_processed=True,
            raw_response=raw,
        )
    if outcome in (Outcome.DECLINED, Outcome.ERROR):
        reason = str(details.get("responseReasonCode") or "") or None
        text = details.get("responseReasonDescription") or (
            f"this request was already sent and refused as transaction {original} (reason {reason})"
        )
        error = normalize(
            reason,
            str(text),
            response_code=str(details.get("responseCode")),
            avs_result=str(details.get("AVSResponse") or ""),
        )
        return GatewayResponse.failure(
            payment,
            response.kind,
            error,
            transaction_id=original,
            psp_reference=reference,
            transaction_already_processed=True,
            raw_response=raw,
        )
    why = f"its responseCode {details.get('responseCode')!r} says nothing of its outcome"
    return _unknown(response, payment, original, why)


def resolve_capture(
    response: GatewayResponse, payment: PaymentData, lookup: Lookup
) -> GatewayResponse:
    """``response``, or a success when the authorization was already captured as asked."""
    reference = payment.psp_reference
    if response.is_success or response.psp_error_code not in ALREADY_CAPTURED or not reference:
        return response
    try:
        details = lookup.details(reference)
    except LookupFailed as failed:
        why = f"its captured amount could not be read ({failed.error.psp_code})"
        return _unknown(response, payment, reference, why)
    captured = amount_of(details, "settleAmount")
    if details.get("transactionStatus") not in CAPTURED_STATUSES or captured != payment.amount:
        return response  # captured for another amount, or not at all: the refusal stands
    return GatewayResponse.success(
        payment,
        TransactionKind.CAPTURE,
        reference,
        psp_reference=reference,
        transaction_already_processed=True,
        raw_response={**(response.raw_response or {}), "duplicateOf": _summary(details)},
    )


def _unknown(
    response: GatewayResponse, payment: PaymentData, original: str, why: str
) -> GatewayResponse:
    error = NormalizedError(
        ErrorCode.PROCESSING_ERROR,
        RetryAdvice.CHECK_STATUS,
        OUTCOME_UNKNOWN,
        f"Authorize.Net answered {response.psp_error_code} ({response.psp_error_message}) "
        f"naming transaction {original}, but {why}: look transaction {original} up",
    )
    return GatewayResponse.failure(
        payment,
        response.kind,
        error,
        outcome_unknown=True,
        transaction_id=original,
        psp_reference=payment.psp_reference or original,
        transaction_already_processed=True,
        idempotency_key=payment.idempotency_key,
        raw_response=response.raw_response,
    )


def _summary(details: dict[str, Any]) -> dict[str, str]:
    """What ``raw_response`` keeps of the original transaction (no card data)."""
    keys = ("transId", "transactionType", "transactionStatus", "responseCode",
            "responseReasonCode", "authCode", "authAmount", "settleAmount")  # fmt: skip
    return {key: str(details[key]) for key in keys if details.get(key) not in (None, "")}


__all__ = ["ALREADY_CAPTURED", "CAPTURED_STATUSES", "resolve_capture", "resolve_duplicate"]
