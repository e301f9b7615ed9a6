"""Shared error codes, retry advice and the table-driven error normalizer.

Every failed :class:`~gateway_plugins.interface.GatewayResponse` carries one
:class:`ErrorCode`, whatever PSP produced it, next to the PSP's own raw code and
message. A plugin describes its PSP's codes as data (an :class:`ErrorMap`), never
as an if-chain, so the mapping can be read, reviewed and checked by the
conformance kit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from .i18n import N_, translate


class ErrorCode(str, Enum):
    """The ten shared error codes (Saleor's ``TransactionError`` values).

    ``invalid_*`` means the input was malformed and rejected before the issuer saw
    it; ``incorrect_*`` means it was well formed but the issuer, or an AVS/CVC
    check, said no.
    """

    INCORRECT_NUMBER = "incorrect_number"
    INVALID_NUMBER = "invalid_number"
    INCORRECT_CVV = "incorrect_cvv"
    INVALID_CVV = "invalid_cvv"
    INCORRECT_ZIP = "incorrect_zip"
    INCORRECT_ADDRESS = "incorrect_address"
    INVALID_EXPIRY_DATE = "invalid_expiry_date"
    EXPIRED = "expired"
    DECLINED = "declined"
    PROCESSING_ERROR = "processing_error"

    @property
    def api_value(self) -> str:
        """The value a host's public API shows, e.g. ``INCORRECT_NUMBER``."""
        return self.name

    @property
    def description(self) -> str:
        """What the code means, for developers."""
        return _DESCRIPTIONS[self]

    @property
    def user_message(self) -> str:
        """A message that is safe to show the shopper, in English."""
        return _USER_MESSAGES[self]

    def user_message_in(self, language: str | None) -> str:
        """:attr:`user_message` in ``language``, a tag such as ``"de"`` or ``"pt-BR"``.

        ``None``, and a language with no catalog, give English; a regional tag
        with no catalog of its own gives its base language (``de-AT`` → ``de``).
        See :mod:`gateway_plugins.i18n` for the languages that ship.
        """
        return translate(_USER_MESSAGES[self], language)

    @property
    def default_retry(self) -> RetryAdvice:
        """What a host should do next when nothing more specific is known."""
        return _DEFAULT_RETRY[self]


class RetryAdvice(str, Enum):
    """What the host should do after a failure."""

    #: The same request will fail again: ask the shopper for other details.
    DO_NOT_RETRY = "do_not_retry"
    #: A transient fault: retry later with the same idempotency key.
    RETRY_LATER = "retry_later"
    #: This gateway cannot take the payment now; another gateway may.
    TRY_ANOTHER_GATEWAY = "try_another_gateway"
    #: The issuer wants Strong Customer Authentication (3-D Secure) first.
    AUTHENTICATE = "authenticate"
    #: The outcome is unknown and this gateway does not deduplicate retries: a blind
    #: retry might charge twice. Look the transaction up first (reconciliation).
    CHECK_STATUS = "check_status"


_DESCRIPTIONS: dict[ErrorCode, str] = {
    ErrorCode.INCORRECT_NUMBER: "The card number is well formed but the issuer rejected it.",
    ErrorCode.INVALID_NUMBER: "The card number is malformed (length, digits or check digit).",
    ErrorCode.INCORRECT_CVV: "The security code did not match (CVC check failed).",
    ErrorCode.INVALID_CVV: "The security code is malformed.",
    ErrorCode.INCORRECT_ZIP: "The postal code failed the address check or is malformed.",
    ErrorCode.INCORRECT_ADDRESS: "The billing address failed the address check.",
    ErrorCode.INVALID_EXPIRY_DATE: "The expiry month or year is malformed or impossible.",
    ErrorCode.EXPIRED: "The card itself has expired.",
    ErrorCode.DECLINED: "The issuer, a risk check or 3-D Secure refused the payment.",
    ErrorCode.PROCESSING_ERROR: (
        "A technical, transient, configuration or state problem; or an unknown PSP code."
    ),
}

# English message ids, marked for `python -m gateway_plugins.i18n extract`.
_USER_MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.INCORRECT_NUMBER: N_("Your card number is incorrect."),
    ErrorCode.INVALID_NUMBER: N_("Your card number is not a valid card number."),
    ErrorCode.INCORRECT_CVV: N_("Your card's security code is incorrect."),
    ErrorCode.INVALID_CVV: N_("Your card's security code is invalid."),
    ErrorCode.INCORRECT_ZIP: N_("Your postal code could not be verified."),
    ErrorCode.INCORRECT_ADDRESS: N_("Your billing address could not be verified."),
    ErrorCode.INVALID_EXPIRY_DATE: N_("Your card's expiration date is invalid."),
    ErrorCode.EXPIRED: N_("Your card has expired."),
    ErrorCode.DECLINED: N_("Your card was declined."),
    ErrorCode.PROCESSING_ERROR: N_("The payment could not be processed. Please try again later."),
}

#: The shopper's message for a failure whose outcome is unknown: "please try again"
#: could make them pay twice while the first payment may have gone through.
OUTCOME_UNKNOWN_MESSAGE = N_(
    "We could not confirm your payment. Please check your order before you pay again."
)


def outcome_unknown_message(language: str | None = None) -> str:
    """:data:`OUTCOME_UNKNOWN_MESSAGE` in ``language`` (English for ``None`` or unknown)."""
    return translate(OUTCOME_UNKNOWN_MESSAGE, language)


_DEFAULT_RETRY: dict[ErrorCode, RetryAdvice] = {
    **{code: RetryAdvice.DO_NOT_RETRY for code in ErrorCode},
    ErrorCode.PROCESSING_ERROR: RetryAdvice.RETRY_LATER,
}


@dataclass(frozen=True)
class ErrorMapping:
    """One row of an error table: the shared code, and retry advice if not the default."""

    code: ErrorCode
    retry: RetryAdvice | None = None


#: What a table row may be: just the code, or the code with its own retry advice.
TableEntry = ErrorCode | ErrorMapping


@dataclass(frozen=True)
class NormalizedError:
    """A PSP error turned into the shared vocabulary, raw values kept."""

    code: ErrorCode
    retry: RetryAdvice
    psp_code: str | None
    psp_message: str | None

    @property
    def message(self) -> str:
        """The user-safe message for :attr:`code`."""
        return self.code.user_message


class ErrorMap:
    """A plugin's PSP-code → :class:`ErrorCode` table.

    >>> table = ErrorMap({"expired_card": ErrorCode.EXPIRED,
    ...                   "rate_limit": ErrorMapping(ErrorCode.PROCESSING_ERROR,
    ...                                              RetryAdvice.RETRY_LATER)})
    >>> table.normalize("expired_card", "Your card has expired.").code
    <ErrorCode.EXPIRED: 'expired'>

    Codes missing from the table map to ``processing_error``; or to ``declined``
    when the PSP said the payment was *refused* (``refused=True``), since then we
    know the issuer said no even if we do not know why.
    """

    def __init__(self, table: Mapping[str, TableEntry]) -> None:
        problems = check_error_table(table)
        if problems:
            raise ValueError("invalid error table: " + "; ".join(problems))
        self._table: dict[str, ErrorMapping] = {
            str(psp_code): entry if isinstance(entry, ErrorMapping) else ErrorMapping(entry)
            for psp_code, entry in table.items()
        }

    @property
    def table(self) -> Mapping[str, ErrorMapping]:
        """The rows, keyed by PSP code (read-only view)."""
        return dict(self._table)

    def normalize(
        self,
        psp_code: str | int | None,
        psp_message: str | None = None,
        *,
        refused: bool = False,
    ) -> NormalizedError:
        """Map one PSP error to a :class:`NormalizedError`, keeping the raw code and text."""
        raw = None if psp_code is None else str(psp_code)
        row = self._table.get(raw) if raw is not None else None
        if row is None:
            code = ErrorCode.DECLINED if refused else ErrorCode.PROCESSING_ERROR
            row = ErrorMapping(code)
        return NormalizedError(
            code=row.code,
            retry=row.retry or row.code.default_retry,
            psp_code=raw,
            psp_message=psp_message,
        )


def check_error_table(table: object) -> list[str]:
    """Return what is wrong with an error table (empty when it is sound).

    A sound table is a mapping whose keys are PSP codes (``str`` or ``int``) and
    whose values are :class:`ErrorCode` members or :class:`ErrorMapping` rows whose
    ``code`` is an :class:`ErrorCode` and ``retry`` a :class:`RetryAdvice` or None.
    Used by :class:`ErrorMap` and by the conformance kit.
    """
    if isinstance(table, ErrorMap):
        table = table.table
    if not isinstance(table, Mapping):
        return [f"expected a mapping of PSP code to ErrorCode, got {type(table).__name__}"]
    problems = []
    for psp_code, entry in table.items():
        if not isinstance(psp_code, str | int) or isinstance(psp_code, bool):
            problems.append(f"PSP code {psp_code!r} must be a str or int")
        target = entry.code if isinstance(entry, ErrorMapping) else entry
        if not isinstance(target, ErrorCode):
            problems.append(
                f"PSP code {psp_code!r} maps to {target!r}, which is not an ErrorCode member"
            )
        if isinstance(entry, ErrorMapping) and not (
            entry.retry is None or isinstance(entry.retry, RetryAdvice)
        ):
            problems.append(f"PSP code {psp_code!r} has retry {entry.retry!r}, not a RetryAdvice")
    return problems
