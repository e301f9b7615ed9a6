"""Reply handlers: an Adyen reply → a ``GatewayResponse`` (psp-reference §4.2, §8).

A payment reply is read by its ``resultCode``; a capture, refund or cancel is
only ever ``received`` (HTTP 201) and answered as pending: its outcome arrives
by webhook (see :mod:`.notifications`). A ``ServiceError`` (HTTP 4xx/5xx) goes
through the error table with its raw ``errorCode``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway_plugins import (
    ActionKind,
    CreditCardInfo,
    CustomerAction,
    ErrorCode,
    GatewayResponse,
    NormalizedError,
    PaymentData,
    RetryAdvice,
    TransactionKind,
)
from gateway_plugins.http import HttpReply, MalformedReply, ReplyHandler, outcome_unknown

from .errors import refusal, service_error
from .wire import ERROR_FIELDS, MODIFICATION_FIELDS, PAYMENT_FIELDS, amount_from_json, kept

K = TransactionKind

AUTHORISED = frozenset({"Authorised", "PartiallyAuthorised"})
#: The outcome comes later, by webhook.
PENDING = frozenset({"Pending", "Received"})
#: The shopper must act (3-D Secure, a redirect, a voucher) before Adyen decides.
SHOPPER_ACTION = frozenset(
    {"RedirectShopper", "IdentifyShopper", "ChallengeShopper", "PresentToShopper"}
)

#: What a ``resultCode`` other than ``Refused`` means when it is a failure.
_FAILED_RESULTS: Mapping[str, ErrorCode] = {
    "Cancelled": ErrorCode.DECLINED,
    "Error": ErrorCode.PROCESSING_ERROR,
}


def payment_handler(success_kind: TransactionKind, failure_kind: TransactionKind) -> ReplyHandler:
    """Reads a ``PaymentResponse`` (``/payments``) or ``PaymentDetailsResponse``."""

    def handle(reply: HttpReply, payment: PaymentData) -> GatewayResponse:
        body = _object(reply)
        if reply.status >= 300:
            return _service_failure(reply, body, payment, failure_kind)
        result = body.get("resultCode")
        reference = _reference(body.get("pspReference")) or payment.psp_reference
        common: dict[str, Any] = {
            "transaction_id": reference or "",
            "psp_reference": reference,
            "raw_response": kept(body, PAYMENT_FIELDS),
        }
        # Every success says which card paid, when Adyen's reply does (pending ones too).
        card_info = _card_info(body)
        if result in AUTHORISED:
            stored = _stored_method(body)
            if stored is not None:
                # The card Adyen kept (reuse_source): the token of the shopper's next payment.
                common["raw_response"]["storedPaymentMethodId"] = stored
            return _success(payment, body, success_kind, card_info=card_info, **common)
        if result in PENDING:
            return _success(payment, body, K.PENDING, card_info=card_info, **common)
        if result in SHOPPER_ACTION:
            common["action_required"] = True
            common["action_required_data"] = customer_action(reference or "", body.get("action"))
            return _success(payment, body, K.ACTION_TO_CONFIRM, card_info=card_info, **common)
        if result == "Refused":
            error = refusal(body.get("refusalReasonCode"), body.get("refusalReason"))
            return _failure(payment, failure_kind, error, **common)
        if result in _FAILED_RESULTS:
            error = _forced(
                refusal(body.get("refusalReasonCode"), body.get("refusalReason")),
                _FAILED_RESULTS[str(result)],
            )
            return _failure(payment, failure_kind, error, **common)
        # A resultCode we do not expect here: we cannot tell whether money moved.
        return outcome_unknown(payment, failure_kind, f"Adyen answered resultCode {result!r}")

    return handle


def customer_action(reference: str, action: object) -> CustomerAction:
    """Adyen's ``action`` object as the shared :class:`CustomerAction`.

    ``sdk_data`` is the action itself, for Drop-in or Components; ``url`` and its
    form are there for hosts that redirect without them.
    """
    found: Mapping[str, Any] = action if isinstance(action, Mapping) else {}
    action_type = str(found.get("type"))
    kind = ActionKind.REDIRECT
    if found.get("paymentMethodType") == "scheme" or action_type.startswith("threeDS"):
        kind = ActionKind.THREE_D_SECURE
    elif action_type in ("qrCode", "voucher", "await"):
        kind = ActionKind.PRESENT
    url = found.get("url") if action_type == "redirect" else None
    method = "POST" if url and str(found.get("method", "GET")).upper() == "POST" else "GET"
    data = found.get("data")
    fields: Mapping[str, Any] = data if method == "POST" and isinstance(data, Mapping) else {}
    return CustomerAction(
        kind=kind,
        psp_reference=reference,
        url=url,
        method=method,
        form_fields={str(key): str(value) for key, value in fields.items()},
        qr_code=found.get("qrCodeData"),
        voucher_url=found.get("downloadUrl"),
        sdk_data=dict(found) or None,
    )


def modification_handler(
    pending_kind: TransactionKind, failure_kind: TransactionKind
) -> ReplyHandler:
    """Reads the 201 ``received`` of a capture, refund or cancel: pending until the webhook."""

    def handle(reply: HttpReply, payment: PaymentData) -> GatewayResponse:
        body = _object(reply)
        if reply.status >= 300:
            return _service_failure(reply, body, payment, failure_kind)
        if body.get("status") != "received":
            return outcome_unknown(
                payment, failure_kind, f"Adyen answered status {body.get('status')!r}"
            )
        return _success(
            payment,
            body,
            pending_kind,
            # The modification's own reference; the payment's stays psp_reference,
            # so that later refunds and webhooks name the same payment.
            transaction_id=_reference(body.get("pspReference")) or "",
            psp_reference=_reference(body.get("paymentPspReference")) or payment.psp_reference,
            raw_response=kept(body, MODIFICATION_FIELDS),
        )

    return handle


def _success(
    payment: PaymentData, body: Mapping[str, Any], kind: TransactionKind, **fields: Any
) -> GatewayResponse:
    """A success for the amount Adyen reports (the request's when it reports none)."""
    reported = amount_from_json(body.get("amount"))
    amount, currency = reported if reported is not None else (payment.amount, payment.currency)
    return GatewayResponse(is_success=True, kind=kind, amount=amount, currency=currency, **fields)


def _failure(
    payment: PaymentData, kind: TransactionKind, error: NormalizedError, **fields: Any
) -> GatewayResponse:
    """A failed response; one that advises a retry names the key to retry with.

    Whatever the HTTP status: a 422 ``704`` (the same request still in progress)
    and a 429 advise it as much as a 5xx. The key is the host's: retried with the
    same ``PaymentData``, the plugin sends the same operation key again.
    """
    if error.retry in (RetryAdvice.RETRY_LATER, RetryAdvice.CHECK_STATUS):
        fields.setdefault("idempotency_key", payment.idempotency_key)
    return GatewayResponse.failure(payment, kind, error, **fields)


def _service_failure(
    reply: HttpReply, body: Mapping[str, Any], payment: PaymentData, kind: TransactionKind
) -> GatewayResponse:
    # A 5xx is retried with the same key (service_error advises it whatever the code):
    # Adyen may have acted before failing, and answers the key once.
    return _failure(
        payment,
        kind,
        service_error(reply.status, body),
        transaction_id=_reference(body.get("pspReference")) or "",
        psp_reference=payment.psp_reference,
        raw_response={**kept(body, ERROR_FIELDS), "http_status": reply.status},
    )


def _forced(error: NormalizedError, code: ErrorCode) -> NormalizedError:
    """``error`` with the shared code its ``resultCode`` dictates, raw values kept."""
    if error.code is code:
        return error
    return NormalizedError(code, code.default_retry, error.psp_code, error.psp_message)


def _card_info(body: Mapping[str, Any]) -> CreditCardInfo | None:
    """The card's last four digits, expiry and brand, when Adyen's additionalData has them.

    ``cardSummary`` and ``expiryDate`` (``"3/2030"``) are needed; the brand is
    ``paymentMethod`` (``visa``, ``mc``). ``cardBin`` has no place in
    ``CreditCardInfo`` and is not kept.
    """
    data = body.get("additionalData")
    if not isinstance(data, Mapping):
        return None
    last_4, expiry = data.get("cardSummary"), data.get("expiryDate")
    if not isinstance(last_4, str) or not isinstance(expiry, str):
        return None
    month, _, year = expiry.partition("/")
    brand = data.get("paymentMethod")
    try:
        return CreditCardInfo(
            last_4=last_4,
            exp_month=int(month),
            exp_year=int(year),
            brand=brand if isinstance(brand, str) else None,
        )
    except ValueError:  # not what we expect: leave the card unnamed rather than fail
        return None


def _stored_method(body: Mapping[str, Any]) -> str | None:
    data = body.get("additionalData")
    stored = data.get("tokenization.storedPaymentMethodId") if isinstance(data, Mapping) else None
    return stored if isinstance(stored, str) and stored else None


def _reference(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _object(reply: HttpReply) -> dict[str, Any]:
    body = reply.json()
    if not isinstance(body, dict):
        raise MalformedReply(f"HTTP {reply.status} reply is JSON but not an object")
    return body
