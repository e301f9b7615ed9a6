"""The dummy gateway's magic tokens: which input produces which outcome.

Tokens are card numbers (most pass the Luhn check, so scrubbers treat them as
real card data). Any other token authorizes successfully, except an all-digit
token that fails the Luhn check, which is an ``invalid_number``. Tests and the
conformance kit read :data:`TOKENS` instead of copying numbers.

:data:`CAPTURE_DECLINED` (Stripe's test card that attaches but cannot be
charged) is Saleor's pre-authorization decline: the authorization succeeds and
the issuer declines every capture of it (``declined``, PSP code
``card_declined``), so ``process_payment`` with ``auto_capture`` fails at capture,
leaving an authorization to void.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway_plugins import ErrorCode
from gateway_plugins.scrub import luhn_valid


@dataclass(frozen=True)
class DummyToken:
    """One magic token and what it does."""

    token: str
    description: str
    error_code: ErrorCode | None = None
    """The shared code of the failure; ``None`` when the authorization succeeds."""
    psp_code: str | None = None
    """The raw code the dummy PSP reports, as a real PSP would."""
    three_d_secure: bool = False
    """Authorization needs a 3-D Secure step (``action_required``) first."""
    redirect: bool = False
    """Authorization sends the shopper to a hosted payment page (an iDEAL-like method)."""
    declines_capture: bool = False
    """The authorization succeeds; every capture of it is declined (``card_declined``)."""


SUCCESS = "4111111111111111"
SUCCESS_ALT = "4242424242424242"
DECLINED = "4000000000000002"
INSUFFICIENT_FUNDS = "4000000000009995"
EXPIRED = "4000000000000069"
INCORRECT_CVV = "4000000000000127"
INVALID_CVV = "4000000000000101"
INCORRECT_NUMBER = "4000000000000044"
INVALID_NUMBER = "4242424242424241"
INCORRECT_ZIP = "4000000000000036"
INCORRECT_ADDRESS = "4000000000000028"
INVALID_EXPIRY_DATE = "4000000000000010"
PROCESSING_ERROR = "4000000000000119"
THREE_D_SECURE = "4000000000003220"
CAPTURE_DECLINED = "4000000000000341"
#: Not a card: a payment method paid on a hosted page, like iDEAL or a wallet.
REDIRECT = "dummy_hosted_checkout"

_D = ErrorCode  # keeps the table below one row per line

TOKENS: dict[str, DummyToken] = {
    row.token: row
    for row in (
        DummyToken(SUCCESS, "Visa, authorizes"),
        DummyToken(SUCCESS_ALT, "Visa, authorizes"),
        DummyToken(DECLINED, "generic decline", _D.DECLINED, "card_declined"),
        DummyToken(INSUFFICIENT_FUNDS, "insufficient funds", _D.DECLINED, "insufficient_funds"),
        DummyToken(EXPIRED, "expired card", _D.EXPIRED, "expired_card"),
        DummyToken(INCORRECT_CVV, "CVC check fails", _D.INCORRECT_CVV, "incorrect_cvc"),
        DummyToken(INVALID_CVV, "CVC malformed", _D.INVALID_CVV, "invalid_cvc"),
        DummyToken(INCORRECT_NUMBER, "number rejected", _D.INCORRECT_NUMBER, "incorrect_number"),
        DummyToken(INVALID_NUMBER, "fails the Luhn check", _D.INVALID_NUMBER, "invalid_number"),
        DummyToken(INCORRECT_ZIP, "postal code check fails", _D.INCORRECT_ZIP, "incorrect_zip"),
        DummyToken(INCORRECT_ADDRESS, "address check fails", _D.INCORRECT_ADDRESS,
                   "incorrect_address"),
        DummyToken(INVALID_EXPIRY_DATE, "expiry malformed", _D.INVALID_EXPIRY_DATE,
                   "invalid_expiry_year"),
        DummyToken(PROCESSING_ERROR, "PSP processing error", _D.PROCESSING_ERROR,
                   "processing_error"),
        DummyToken(THREE_D_SECURE, "needs 3-D Secure, then authorizes", three_d_secure=True),
        DummyToken(CAPTURE_DECLINED, "authorizes, then every capture is declined",
                   declines_capture=True),
        DummyToken(REDIRECT, "pays on a hosted page, then authorizes", redirect=True),
    )
}  # fmt: skip

#: Tokens that authorize without customer action.
SUCCESS_TOKENS = (SUCCESS, SUCCESS_ALT)
#: Tokens whose authorization fails, by the shared code they produce.
DECLINE_TOKENS: dict[ErrorCode, str] = {}
for _entry in TOKENS.values():
    if _entry.error_code is not None:
        DECLINE_TOKENS.setdefault(_entry.error_code, _entry.token)

#: ``PaymentData.data`` for ``confirm_payment`` when the shopper failed 3-D Secure.
THREE_D_SECURE_FAILED = {"three_d_secure_result": "failed"}
#: What the shopper's browser brings back from the hosted page: paid, or not.
REDIRECT_PAID = {"redirect_result": "paid"}
REDIRECT_FAILED = {"redirect_result": "failed"}


def outcome(token: str | None) -> DummyToken:
    """What ``token`` does: its table entry, or the rule for unlisted tokens."""
    if token is None or not token.strip():
        return DummyToken("", "no token", ErrorCode.PROCESSING_ERROR, "missing_payment_method")
    known = TOKENS.get(token)
    if known is not None:
        return known
    if token.isdigit() and not luhn_valid(token):
        return DummyToken(token, "fails the Luhn check", ErrorCode.INVALID_NUMBER, "invalid_number")
    return DummyToken(token, "unlisted token, authorizes")
