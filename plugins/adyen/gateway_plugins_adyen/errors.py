"""Adyen's codes mapped to the shared error codes (psp-reference §8): data, not an if-chain.

Three vocabularies meet in one :data:`ERROR_MAP` (their keys cannot clash):

* ``refusalReasonCode`` of a payment that was refused (``"2"`` … ``"46"``), each
  with the ``refusalReason`` text Adyen sends next to it; webhooks carry only
  that text, so it is looked up by text there;
* ``errorCode`` of a ``ServiceError`` (HTTP 4xx/5xx: ``"101"``, ``"14_030"`` …);
* the ``eventCode`` of a modification webhook that failed (``CAPTURE_FAILED`` …).

Unknown codes fall back to ``declined`` when Adyen refused the payment and to
``processing_error`` otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway_plugins import ErrorCode, ErrorMap, ErrorMapping, NormalizedError, RetryAdvice

_DECLINED = ErrorMapping(ErrorCode.DECLINED)
_TECHNICAL = ErrorMapping(ErrorCode.PROCESSING_ERROR, RetryAdvice.RETRY_LATER)
_REQUEST = ErrorMapping(ErrorCode.PROCESSING_ERROR, RetryAdvice.DO_NOT_RETRY)


@dataclass(frozen=True)
class Refusal:
    """One Adyen refusal reason: its code, the text Adyen sends with it, and our mapping."""

    code: str
    reason: str
    mapping: ErrorMapping


#: Adyen docs: refusal reasons. The texts are Adyen's ``refusalReason`` values.
REFUSALS: tuple[Refusal, ...] = (
    Refusal("0", "Unknown", _TECHNICAL),
    Refusal("2", "Refused", _DECLINED),
    Refusal("3", "Referral", _DECLINED),
    Refusal("4", "Acquirer Error", _TECHNICAL),
    Refusal("5", "Blocked Card", _DECLINED),
    Refusal("6", "Expired Card", ErrorMapping(ErrorCode.EXPIRED)),
    # The amount came from the shop, not the card (judgement): the same request fails again.
    Refusal("7", "Invalid Amount", _REQUEST),
    Refusal("8", "Invalid Card Number", ErrorMapping(ErrorCode.INCORRECT_NUMBER)),
    # The issuer is down: the same card may pass later, or elsewhere now.
    Refusal(
        "9",
        "Issuer Unavailable",
        ErrorMapping(ErrorCode.PROCESSING_ERROR, RetryAdvice.TRY_ANOTHER_GATEWAY),
    ),
    Refusal("10", "Not supported", _DECLINED),
    Refusal("11", "3D Not Authenticated", _DECLINED),
    Refusal("12", "Not enough balance", _DECLINED),
    Refusal("14", "Acquirer Fraud", _DECLINED),
    Refusal("15", "Cancelled", _DECLINED),
    Refusal("16", "Shopper Cancelled", _DECLINED),
    Refusal("17", "Invalid Pin", _DECLINED),
    Refusal("18", "Pin tries exceeded", _DECLINED),
    Refusal("19", "Pin validation not possible", _DECLINED),
    Refusal("20", "FRAUD", _DECLINED),
    Refusal("21", "Not Submitted", _TECHNICAL),
    Refusal("22", "FRAUD-CANCELLED", _DECLINED),
    Refusal("23", "Transaction Not Permitted", _DECLINED),
    Refusal("24", "CVC Declined", ErrorMapping(ErrorCode.INCORRECT_CVV)),
    Refusal("25", "Restricted Card", _DECLINED),
    Refusal("26", "Revocation Of Auth", _DECLINED),
    Refusal("27", "Declined Non Generic", _DECLINED),
    Refusal("28", "Withdrawal amount exceeded", _DECLINED),
    Refusal("29", "Withdrawal count exceeded", _DECLINED),
    Refusal("31", "Issuer Suspected Fraud", _DECLINED),
    Refusal("32", "AVS Declined", ErrorMapping(ErrorCode.INCORRECT_ADDRESS)),
    Refusal("33", "Card requires online pin", _DECLINED),
    Refusal("34", "No checking account available on Card", _DECLINED),
    Refusal("35", "No savings account available on Card", _DECLINED),
    Refusal("36", "Mobile pin required", _DECLINED),
    Refusal("37", "Contactless fallback", _DECLINED),
    # The issuer wants Strong Customer Authentication: retry with 3-D Secure.
    Refusal(
        "38", "Authentication required", ErrorMapping(ErrorCode.DECLINED, RetryAdvice.AUTHENTICATE)
    ),
    Refusal("39", "RReq not received from DS", _TECHNICAL),
    Refusal("40", "Current AID is in Penalty Box", _DECLINED),
    Refusal("41", "CVM Required Restart Payment", _DECLINED),
    Refusal("42", "3DS Authentication Error", _TECHNICAL),
    Refusal("43", "Online PIN required", _DECLINED),
    Refusal("44", "Try another interface", _DECLINED),
    Refusal("45", "Chip downgrade mode", _DECLINED),
    Refusal("46", "Transaction blocked by Adyen to prevent excessive retry fees", _DECLINED),
)

#: ``ServiceError.errorCode`` values (Adyen docs: error codes; spec examples). Card
#: format errors come as HTTP 422 before the issuer sees anything; the rest are
#: request, credential or configuration problems that resending will not fix.
SERVICE_ERRORS: Mapping[str, ErrorMapping] = {
    "101": ErrorMapping(ErrorCode.INVALID_NUMBER),  # Invalid card number
    "102": ErrorMapping(ErrorCode.INVALID_NUMBER),  # Unable to determine variant
    "103": ErrorMapping(ErrorCode.INVALID_CVV),  # CVC is not the right length
    "153": ErrorMapping(ErrorCode.INVALID_CVV),  # Invalid CVC
    "129": ErrorMapping(ErrorCode.INVALID_EXPIRY_DATE),  # Expiry date invalid
    "104": ErrorMapping(ErrorCode.INCORRECT_ADDRESS),  # Billing address problem
    "117": ErrorMapping(ErrorCode.INCORRECT_ADDRESS),  # Invalid billing address (a part empty)
    "000": _REQUEST,  # Unauthorised (security), unparseable message …
    "010": _REQUEST,  # Not allowed: the API credential lacks a role
    "100": _REQUEST,  # Required object 'amount' is not provided
    "167": _REQUEST,  # Original pspReference required for this operation
    "174": _REQUEST,  # Unable to decrypt data
    "702": _REQUEST,  # Unexpected input (the body does not fit the API)
    "803": _REQUEST,  # PaymentDetail not found (unknown stored payment method)
    "901": _REQUEST,  # Invalid Merchant Account
    "14_030": _REQUEST,  # Return URL is missing
    # A request with the same idempotency key is still in progress: retry later, same key.
    "704": _TECHNICAL,
    "905": ErrorMapping(ErrorCode.PROCESSING_ERROR, RetryAdvice.TRY_ANOTHER_GATEWAY),
}

#: Modification webhooks that report a failure (judgement, §8): nothing the
#: shopper did, and the same request would fail again; someone must look.
MODIFICATION_FAILURES: Mapping[str, ErrorMapping] = {
    event: _REQUEST
    for event in (
        "CAPTURE",
        "CAPTURE_FAILED",
        "REFUND",
        "REFUND_FAILED",
        "CANCELLATION",
        "CANCEL_OR_REFUND",
    )
}


def _table() -> dict[str, ErrorMapping]:
    table: dict[str, ErrorMapping] = {}
    sections = (
        {refusal.code: refusal.mapping for refusal in REFUSALS},
        SERVICE_ERRORS,
        MODIFICATION_FAILURES,
    )
    for section in sections:
        clash = table.keys() & section.keys()
        if clash:  # pragma: no cover - a maintainer's mistake, caught at import
            raise ValueError(f"error table keys used twice: {sorted(clash)}")
        table.update(section)
    return table


ERROR_MAP = ErrorMap(_table())

_CODE_BY_REASON = {refusal.reason.casefold(): refusal.code for refusal in REFUSALS}


def refusal(code: object, reason: object, *, refused: bool = True) -> NormalizedError:
    """A refused payment (``resultCode`` ``Refused``) by its ``refusalReasonCode``."""
    return ERROR_MAP.normalize(_text(code), _text(reason), refused=refused)


def refusal_by_reason(reason: object) -> NormalizedError:
    """A refusal known only by its text, as an ``AUTHORISATION`` webhook gives it.

    The code found for the text becomes ``psp_error_code``; an unknown text keeps
    no code and maps to ``declined`` (Adyen said the payment was refused).
    """
    text = _text(reason)
    code = _CODE_BY_REASON.get(text.casefold()) if text else None
    return ERROR_MAP.normalize(code, text, refused=True)


def service_error(status: int, body: Mapping[str, Any]) -> NormalizedError:
    """A ``ServiceError`` reply (HTTP 4xx/5xx) by its ``errorCode``."""
    code = _text(body.get("errorCode"))
    message = _text(body.get("message")) or f"HTTP {status}"
    error = ERROR_MAP.normalize(code, message)
    if (status == 429 or status >= 500) and error.retry is RetryAdvice.DO_NOT_RETRY:
        # A server error or a rate limit is transient whatever its code (Adyen's
        # generic "000" also means "unauthorised" on a 401): retry, same key.
        return NormalizedError(error.code, RetryAdvice.RETRY_LATER, error.psp_code, message)
    return error


def modification_failure(event_code: str, reason: object) -> NormalizedError:
    """A capture, refund or cancel that Adyen (or the card scheme) did not carry out."""
    return ERROR_MAP.normalize(event_code, _text(reason) or f"{event_code} failed")


def _text(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int):
        return str(value) or None
    return None
