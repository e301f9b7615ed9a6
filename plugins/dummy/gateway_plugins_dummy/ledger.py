"""The dummy PSP's memory: authorizations and what was captured and refunded.

Capture, refund and void act on the authorization they name, so over-capture,
over-refund, a partial void and void-after-capture fail as they would at a real
PSP. The ledger keeps the last ``limit`` authorizations (see :mod:`.bounded`);
an older one is unknown, like one never made. Every change happens under one
lock: one plugin may serve many threads.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from decimal import Decimal

from gateway_plugins import CreditCardInfo

from .bounded import DEFAULT_MAX_RECORDS, Recent

#: PSP references use letters only: a run of digits in a reference could pass
#: the Luhn check and be scrubbed from logs as if it were a card number.
_LETTERS_ONLY = str.maketrans("0123456789", "ghijklmnop")


def new_reference(prefix: str = "dummy") -> str:
    """A fresh reference, ``prefix`` and 24 letters (no digits)."""
    return f"{prefix}_{uuid.uuid4().hex[:24].translate(_LETTERS_ONLY)}"


@dataclass(slots=True)
class Authorization:
    """One authorization and its state."""

    psp_reference: str
    amount: Decimal
    currency: str
    status: str = "authorized"
    """``requires_action`` (3-D Secure pending), ``authorized``, ``voided`` or ``declined``."""
    captured: Decimal = Decimal(0)
    refunded: Decimal = Decimal(0)
    card: CreditCardInfo | None = None
    """What may be shown of the card (last 4 digits, brand), for every reply about it."""
    declines_capture: bool = False
    """The issuer declines every capture (the ``CAPTURE_DECLINED`` token)."""
    redirect: bool = False
    """Paid on a hosted page (the ``REDIRECT`` token): confirmed once the shopper is back."""


class LedgerError(Exception):
    """A request the PSP refuses; ``code`` is the dummy PSP's raw error code.

    ``record`` is the authorization refused, when the request named a known one.
    """

    def __init__(self, code: str, message: str, record: Authorization | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.record = record


class Ledger:
    """The last ``limit`` authorizations, by PSP reference."""

    def __init__(self, limit: int = DEFAULT_MAX_RECORDS) -> None:
        self._lock = threading.Lock()
        self._authorizations: Recent[str, Authorization] = Recent(limit)

    def __len__(self) -> int:
        """How many authorizations the ledger holds."""
        with self._lock:
            return len(self._authorizations)

    def resize(self, limit: int) -> None:
        """Keep the last ``limit`` authorizations, forgetting older ones now."""
        with self._lock:
            self._authorizations.resize(limit)

    def open(
        self,
        amount: Decimal,
        currency: str,
        status: str,
        *,
        card: CreditCardInfo | None = None,
        declines_capture: bool = False,
        redirect: bool = False,
    ) -> Authorization:
        """Record a new authorization and return it (forgetting the oldest beyond the limit)."""
        with self._lock:
            record = Authorization(new_reference(), amount, currency, status, card=card,
                                   declines_capture=declines_capture,
                                   redirect=redirect)  # fmt: skip
            self._authorizations[record.psp_reference] = record
            return record

    def get(self, psp_reference: str | None) -> Authorization:
        """The authorization named ``psp_reference``, or a ``resource_missing`` error."""
        with self._lock:
            return self._get(psp_reference)

    def confirm(
        self,
        psp_reference: str | None,
        amount: Decimal,
        currency: str,
        *,
        authenticated: bool,
        capture: bool,
    ) -> Authorization:
        """Finish a 3-D Secure authorization and, with ``capture``, capture ``amount``.

        Everything is checked before anything changes, so a refused confirm
        leaves the authorization waiting for its 3-D Secure step.
        """
        with self._lock:
            record = self._checked(psp_reference, currency, "requires_action")
            if amount > record.amount:
                raise LedgerError(
                    "amount_too_large", f"{amount} exceeds the {record.amount} authorized", record
                )
            record.status = "authorized" if authenticated else "declined"
            if authenticated and capture:
                record.captured = amount
            return record

    def capture(self, psp_reference: str | None, amount: Decimal, currency: str) -> Authorization:
        """Capture ``amount`` of an authorization (partial and repeated captures allowed)."""
        with self._lock:
            record = self._checked(psp_reference, currency, "authorized")
            left = record.amount - record.captured
            if amount > left:
                raise LedgerError(
                    "amount_too_large",
                    f"capture of {amount} exceeds the {left} left to capture",
                    record,
                )
            if record.declines_capture:
                raise LedgerError("card_declined", "the issuer declined the capture", record)
            record.captured += amount
            return record

    def refund(
        self, psp_reference: str | None, amount: Decimal, currency: str
    ) -> tuple[Authorization, str]:
        """Refund ``amount`` of what was captured (partial and repeated refunds allowed).

        Returns the authorization and the new refund's own id.
        """
        with self._lock:
            record = self._checked(psp_reference, currency, "authorized")
            left = record.captured - record.refunded
            if amount > left:
                raise LedgerError(
                    "amount_too_large", f"refund of {amount} exceeds the {left} left to refund",
                    record,
                )  # fmt: skip
            record.refunded += amount
            return record, new_reference("dummy_refund")

    def void(self, psp_reference: str | None, amount: Decimal, currency: str) -> Authorization:
        """Release a whole authorization that has nothing captured.

        ``amount`` must be the amount authorized: a void is never partial.
        """
        with self._lock:
            record = self._checked(psp_reference, currency, "authorized")
            if record.captured:
                raise LedgerError(
                    "unexpected_state", "cannot void: the payment was captured", record
                )
            if amount != record.amount:
                raise LedgerError(
                    "amount_mismatch",
                    f"a void releases the whole authorization of {record.amount} "
                    f"{record.currency}, not {amount}: a void is never partial",
                    record,
                )
            record.status = "voided"
            return record

    def _get(self, psp_reference: str | None) -> Authorization:
        record = self._authorizations.get(psp_reference or "")
        if record is None:
            raise LedgerError(
                "resource_missing",
                f"unknown authorization {psp_reference!r}: never made here, or older than the "
                f"last {self._authorizations.limit} this gateway keeps",
            )
        return record

    def _checked(self, psp_reference: str | None, currency: str, status: str) -> Authorization:
        record = self._get(psp_reference)
        if record.currency != currency:
            raise LedgerError(
                "currency_mismatch", f"transaction is in {record.currency}, not {currency}", record
            )
        if record.status != status:
            raise LedgerError("unexpected_state", f"transaction is {record.status}", record)
        return record
