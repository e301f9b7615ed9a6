"""Stripe's error codes mapped to the shared codes (psp-reference §8): data, not an if-chain.

Stripe's error object has a ``code`` and, for card declines, a ``decline_code``.
Both live in one table: they are one vocabulary at Stripe (``incorrect_cvc`` is
both). :func:`normalize` applies Stripe's order: a ``decline_code`` more
specific than ``declined`` first, then ``code``, then the request parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway_plugins import ErrorCode, ErrorMap, ErrorMapping, NormalizedError, RetryAdvice

_LATER = RetryAdvice.RETRY_LATER
_NEVER = RetryAdvice.DO_NOT_RETRY
_OTHER = RetryAdvice.TRY_ANOTHER_GATEWAY

_DECLINES = (
    "card_declined generic_decline insufficient_funds do_not_honor do_not_try_again call_issuer "
    "approve_with_id card_not_supported currency_not_supported card_velocity_exceeded "
    "withdrawal_count_limit_exceeded duplicate_transaction invalid_card_type "
    "card_decline_rate_limit_exceeded fraudulent merchant_blacklist lost_card stolen_card "
    "pickup_card restricted_card security_violation not_permitted service_not_allowed "
    "transaction_not_allowed invalid_account new_account_information_available "
    "no_action_taken revocation_of_authorization revocation_of_all_authorizations "
    "stop_payment_order incorrect_pin invalid_pin pin_try_exceeded offline_pin_required "
    "online_or_offline_pin_required testmode_decline"
).split()

_PROCESSING = (
    "amount_too_small amount_too_large charge_already_captured charge_already_refunded "
    "charge_expired_for_capture payment_intent_unexpected_state testmode_charges_only "
    "resource_missing parameter_invalid_integer parameter_missing parameter_unknown "
    "api_key_expired livemode_mismatch invalid_amount charge_not_captured"
).split()

ERROR_MAP = ErrorMap(
    {
        "incorrect_number": ErrorCode.INCORRECT_NUMBER,
        "invalid_number": ErrorCode.INVALID_NUMBER,
        "incorrect_cvc": ErrorCode.INCORRECT_CVV,
        "invalid_cvc": ErrorCode.INVALID_CVV,
        "incorrect_zip": ErrorCode.INCORRECT_ZIP,
        "incorrect_postal_code": ErrorCode.INCORRECT_ZIP,
        "postal_code_invalid": ErrorCode.INCORRECT_ZIP,
        "incorrect_address": ErrorCode.INCORRECT_ADDRESS,
        "invalid_expiry_month": ErrorCode.INVALID_EXPIRY_DATE,
        "invalid_expiry_year": ErrorCode.INVALID_EXPIRY_DATE,
        "expired_card": ErrorCode.EXPIRED,
        "processing_error": ErrorMapping(ErrorCode.PROCESSING_ERROR, _LATER),
        "authentication_required": ErrorMapping(ErrorCode.DECLINED, RetryAdvice.AUTHENTICATE),
        "payment_intent_authentication_failure": ErrorCode.DECLINED,
        **{code: ErrorCode.DECLINED for code in _DECLINES},
        # Temporary issuer trouble: the same card may pass later or elsewhere.
        "issuer_not_available": ErrorMapping(ErrorCode.PROCESSING_ERROR, _OTHER),
        "try_again_later": ErrorMapping(ErrorCode.PROCESSING_ERROR, _LATER),
        "reenter_transaction": ErrorMapping(ErrorCode.PROCESSING_ERROR, _LATER),
        **{code: ErrorMapping(ErrorCode.PROCESSING_ERROR, _NEVER) for code in _PROCESSING},
        # Transient or concurrent: the same request may succeed later, same key.
        "rate_limit": ErrorMapping(ErrorCode.PROCESSING_ERROR, _LATER),
        "lock_timeout": ErrorMapping(ErrorCode.PROCESSING_ERROR, _LATER),
        "idempotency_key_in_use": ErrorMapping(ErrorCode.PROCESSING_ERROR, _LATER),
        # Error types without a code.
        "api_error": ErrorMapping(ErrorCode.PROCESSING_ERROR, _LATER),
        "idempotency_error": ErrorMapping(ErrorCode.PROCESSING_ERROR, _NEVER),
    }
)

#: An ``invalid_request_error`` about one of these parameters is bad card input.
_CARD_PARAMS: Mapping[str, ErrorCode] = {
    "number": ErrorCode.INVALID_NUMBER,
    "card[number]": ErrorCode.INVALID_NUMBER,
    "cvc": ErrorCode.INVALID_CVV,
    "card[cvc]": ErrorCode.INVALID_CVV,
    "exp_month": ErrorCode.INVALID_EXPIRY_DATE,
    "exp_year": ErrorCode.INVALID_EXPIRY_DATE,
    "card[exp_month]": ErrorCode.INVALID_EXPIRY_DATE,
    "card[exp_year]": ErrorCode.INVALID_EXPIRY_DATE,
}


def normalize(status: int, error: Mapping[str, Any]) -> NormalizedError:
    """Map Stripe's error object (and the HTTP status) to a :class:`NormalizedError`."""
    kind = error.get("type")
    code = error.get("code")
    decline = error.get("decline_code")
    message = error.get("message")
    if kind == "card_error":
        by_decline = ERROR_MAP.normalize(decline, message, refused=True) if decline else None
        if by_decline is not None and by_decline.code is not ErrorCode.DECLINED:
            return by_decline
        by_code = ERROR_MAP.normalize(code, message, refused=True) if code else None
        if by_code is not None and by_code.code is not ErrorCode.DECLINED:
            return by_code
        return by_decline or by_code or ERROR_MAP.normalize(None, message, refused=True)
    if kind == "invalid_request_error" and error.get("param") in _CARD_PARAMS:
        shared = _CARD_PARAMS[error["param"]]
        return NormalizedError(shared, shared.default_retry, code, message)
    if status == 429 and code is None:
        code = "rate_limit"
    return ERROR_MAP.normalize(code or kind, message)
