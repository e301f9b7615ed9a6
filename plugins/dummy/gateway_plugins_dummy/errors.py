"""The dummy PSP's error codes mapped to the shared codes: data, not an if-chain."""

from gateway_plugins import ErrorCode, ErrorMap, ErrorMapping, RetryAdvice

ERROR_MAP = ErrorMap(
    {
        # Card refusals (raised by the magic tokens; card_declined also at capture).
        "card_declined": ErrorCode.DECLINED,
        "insufficient_funds": ErrorCode.DECLINED,
        "expired_card": ErrorCode.EXPIRED,
        "incorrect_cvc": ErrorCode.INCORRECT_CVV,
        "invalid_cvc": ErrorCode.INVALID_CVV,
        "incorrect_number": ErrorCode.INCORRECT_NUMBER,
        "invalid_number": ErrorCode.INVALID_NUMBER,
        "incorrect_zip": ErrorCode.INCORRECT_ZIP,
        "incorrect_address": ErrorCode.INCORRECT_ADDRESS,
        "invalid_expiry_year": ErrorCode.INVALID_EXPIRY_DATE,
        "authentication_failed": ErrorMapping(ErrorCode.DECLINED, RetryAdvice.AUTHENTICATE),
        # Technical and state errors: the shop's request, not the card, is at fault.
        "processing_error": ErrorCode.PROCESSING_ERROR,
        "missing_payment_method": ErrorMapping(
            ErrorCode.PROCESSING_ERROR, RetryAdvice.DO_NOT_RETRY
        ),
        "resource_missing": ErrorMapping(ErrorCode.PROCESSING_ERROR, RetryAdvice.DO_NOT_RETRY),
        "amount_too_large": ErrorMapping(ErrorCode.PROCESSING_ERROR, RetryAdvice.DO_NOT_RETRY),
        "currency_mismatch": ErrorMapping(ErrorCode.PROCESSING_ERROR, RetryAdvice.DO_NOT_RETRY),
        "unexpected_state": ErrorMapping(ErrorCode.PROCESSING_ERROR, RetryAdvice.DO_NOT_RETRY),
        # A void of another amount than authorized: a void releases the whole authorization.
        "amount_mismatch": ErrorMapping(ErrorCode.PROCESSING_ERROR, RetryAdvice.DO_NOT_RETRY),
        "idempotency_key_reused": ErrorMapping(
            ErrorCode.PROCESSING_ERROR, RetryAdvice.DO_NOT_RETRY
        ),
    }
)
