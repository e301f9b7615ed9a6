"""Authorize.Net's codes mapped to the shared codes (psp-reference §8): data, not an if-chain.

Two vocabularies share one table, since they never collide:

* *response reason codes* (``"2"``, ``"27"``, ``"311"`` …): ``errors[].errorCode``
  of a ``transactionResponse``, the code that says why a transaction failed;
* *API message codes* (``"E00007"`` …): ``messages.message[].code`` of a reply
  that has no ``transactionResponse`` (the request never became a transaction).

Reason codes 27 and 127 (AVS mismatch) say nothing about *which* part of the
address failed; the ``avsResultCode`` next to them does, so :data:`AVS_REFINEMENTS`
refines them. Codes missing from the table are ``declined`` when the
transaction's ``responseCode`` is 2 (the issuer or a filter said no) and
``processing_error`` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from gateway_plugins import ErrorCode, ErrorMap, ErrorMapping, NormalizedError, RetryAdvice

_LATER = RetryAdvice.RETRY_LATER
_NEVER = RetryAdvice.DO_NOT_RETRY
_OTHER = RetryAdvice.TRY_ANOTHER_GATEWAY


def _codes(*spans: int | tuple[int, int]) -> list[str]:
    """Reason codes from single codes and inclusive ranges: ``_codes(2, (19, 23))``."""
    codes: list[str] = []
    for span in spans:
        low, high = span if isinstance(span, tuple) else (span, span)
        codes += [str(code) for code in range(low, high + 1)]
    return codes


def _rows(
    codes: Iterable[str], entry: ErrorCode | ErrorMapping
) -> dict[str, ErrorCode | ErrorMapping]:
    return dict.fromkeys(codes, entry)


ERROR_MAP = ErrorMap(
    {
        # -- Issuer declines.
        **_rows(_codes(2, 3, 4), ErrorCode.DECLINED),
        # -- Card number: malformed at the gateway (6) or refused by the processor.
        "6": ErrorCode.INVALID_NUMBER,
        **_rows(_codes(37, 200, 315), ErrorCode.INCORRECT_NUMBER),  # 37: judgement
        # -- Expiry: malformed date, or an expired card.
        **_rows(_codes(7, 201, 316), ErrorCode.INVALID_EXPIRY_DATE),
        **_rows(_codes(8, 317), ErrorCode.EXPIRED),
        # -- AVS (refined to incorrect_zip by AVS_REFINEMENTS) and card code.
        **_rows(_codes(27, 127), ErrorCode.INCORRECT_ADDRESS),
        **_rows(_codes(44, 65, 165), ErrorCode.INCORRECT_CVV),
        # Both checks failed: the card code wins (judgement, psp-reference §1).
        **_rows(_codes(45, 145), ErrorCode.INCORRECT_CVV),
        "78": ErrorCode.INVALID_CVV,
        # -- Duplicates, card types the merchant does not take, fraud filters.
        **_rows(_codes(11, 318, 17, 28, 41, 250, 251, 254), ErrorCode.DECLINED),
        # -- Other FDC Omaha processor answers: declines, and setup errors (judgement).
        **_rows(_codes(209, (214, 224)), ErrorCode.DECLINED),
        **_rows(_codes((202, 208), (210, 213)), ErrorCode.PROCESSING_ERROR),
        # -- The amount came from the shop, not the card: resending cannot help.
        "5": ErrorMapping(ErrorCode.PROCESSING_ERROR, _NEVER),
        # -- Transient trouble at the gateway or processor: "please try again".
        **_rows(_codes((19, 23), 25, 26, 52, (57, 63), 261),
                ErrorMapping(ErrorCode.PROCESSING_ERROR, _LATER)),
        # -- The merchant's own setup (login, processor, currency): another gateway may do.
        **_rows(_codes(13, (30, 35), 38, 43, 39),
                ErrorMapping(ErrorCode.PROCESSING_ERROR, _OTHER)),
        # -- State of the referenced transaction: capture, void and refund refusals.
        #    15/16/33: no such (or no) refTransId; 47: capture above the authorization;
        #    51/55: credits above the debit; 310/311: already voided / captured; 319: not found.
        **_rows(_codes(15, 16, 33, 47, 51, 55, 310, 311, 319),
                ErrorMapping(ErrorCode.PROCESSING_ERROR, _NEVER)),
        # 50 (awaiting settlement) and 54 (criteria for a credit not met, most often
        # "not settled yet"): the refund may pass once the batch settles.
        **_rows(_codes(50, 54), ErrorMapping(ErrorCode.PROCESSING_ERROR, _LATER)),
        # -- API-level errors: the request never became a transaction.
        "E00001": ErrorMapping(ErrorCode.PROCESSING_ERROR, _LATER),  # unexpected system error
        "E00003": ErrorMapping(ErrorCode.PROCESSING_ERROR, _NEVER),  # schema: a bug here
        "E00007": ErrorMapping(ErrorCode.PROCESSING_ERROR, _OTHER),  # bad credentials
        "E00008": ErrorMapping(ErrorCode.PROCESSING_ERROR, _OTHER),  # account inactive
        "E00009": ErrorMapping(ErrorCode.PROCESSING_ERROR, _OTHER),  # account in test mode
        # Access denied: the Transaction Details API (the refund's card lookup) is not
        # enabled for the account; enable it, or pass data["card_last4"].
        "E00011": ErrorMapping(ErrorCode.PROCESSING_ERROR, _NEVER),
        "E00013": ErrorMapping(ErrorCode.PROCESSING_ERROR, _NEVER),  # a field is invalid
        "E00015": ErrorMapping(ErrorCode.PROCESSING_ERROR, _NEVER),  # a field is too long
        "E00027": ErrorMapping(ErrorCode.PROCESSING_ERROR, _NEVER),  # unsuccessful, no reason
        "E00040": ErrorMapping(ErrorCode.PROCESSING_ERROR, _NEVER),  # record not found
        # An Accept.js nonce that is unknown, used or expired: ask for a fresh one
        # (psp-reference §1: never ``expired``, which is about the card).
        "E00114": ErrorMapping(ErrorCode.PROCESSING_ERROR, _NEVER),
        "E00117": ErrorMapping(ErrorCode.PROCESSING_ERROR, _LATER),  # token service error
    }
)  # fmt: skip

#: ``(reason code, avsResultCode)`` pairs whose shared code is more specific than the
#: reason's row: ``A`` means the street matched and the ZIP did not.
AVS_REFINEMENTS: Mapping[tuple[str, str], ErrorCode] = {
    ("27", "A"): ErrorCode.INCORRECT_ZIP,
    ("127", "A"): ErrorCode.INCORRECT_ZIP,
}

#: Reason codes of a duplicate inside the duplicate window.
DUPLICATE_REASONS = frozenset({"11", "318"})

#: ``transactionResponse.responseCode`` of a refusal (2); 3 is an error.
DECLINED_RESPONSE = "2"


def normalize(
    reason: str | None,
    text: str | None,
    *,
    response_code: str | None = None,
    avs_result: str | None = None,
) -> NormalizedError:
    """Map a reason code (or API message code) to a :class:`NormalizedError`, raw values kept."""
    error = ERROR_MAP.normalize(reason, text, refused=response_code == DECLINED_RESPONSE)
    refined = AVS_REFINEMENTS.get((error.psp_code or "", avs_result or ""))
    if refined is not None:
        return NormalizedError(refined, refined.default_retry, error.psp_code, error.psp_message)
    return error
