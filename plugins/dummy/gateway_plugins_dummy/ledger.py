"""The dummy PSP's memory: authorizations and what was captured and refunded.

Capture, refund and void act on the authorization they name, so over-capture,
over-refund and void-after-capture fail as they would at a real PSP. Every
change happens under one lock: one plugin may serve many threads.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from decimal import Decimal

#: PSP references use letters only: a run of digits in a reference could pass
#: the Luhn check and be scrubbed from logs as if it were a card number.
_LETTERS_ONLY = str.maketrans("0123456789", "ghijklmnop")


class LedgerError(Exception):
    """A request the PSP refuses; ``code`` is the dummy PSP's raw error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Authorization:
    """One authorization and its state."""

    psp_reference: str
    amount: Decimal
    currency: str
    status: str = "authorized"
    """``requires_action`` (3-D Secure pending), ``authorized``, ``voided`` or ``declined``."""
    captured: Decimal = Decimal(0)
    refunded: Decimal = Decimal(0)


class Ledger:
    """Authorizations by PSP reference, plus replies by idempotency key."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._authorizations: dict[str, Authorization] = {}

    def open(self, amount: Decimal, currency: str, status: str) -> Authorization:
        """Record a new authorization and return it."""
        with self._lock:
            reference = f"dummy_{uuid.uuid4().hex[:24].translate(_LETTERS_ONLY)}"
            record = Authorization(reference, amount, currency, status)
            self._authorizations[reference] = record
            return record

    def get(self, psp_reference: str | None) -> Authorization:
        """The authorization named ``psp_reference``, or a ``resource_missing`` error."""
        record = self._authorizations.get(psp_reference or "")
        if record is None:
            raise LedgerError("resource_missing", f"no transaction {psp_reference!r}")
        return record

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
                    "amount_too_large", f"{amount} exceeds the {record.amount} authorized"
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
                    "amount_too_large", f"capture of {amount} exceeds the {left} left to capture"
                )
            record.captured += amount
            return record

    def refund(self, psp_reference: str | None, amount: Decimal, currency: str) -> Authorization:
        """Refund ``amount`` of what was captured (partial and repeated refunds allowed)."""
        with self._lock:
            record = self._checked(psp_reference, currency, "authorized")
            left = record.captured - record.refunded
            if amount > left:
                raise LedgerError(
                    "amount_too_large", f"refund of {amount} exceeds the {left} left to refund"
                )
            record.refunded += amount
            return record

    def void(self, psp_reference: str | None, currency: str) -> Authorization:
        """Release an authorization that has nothing captured."""
        with self._lock:
            record = self._checked(psp_reference, currency, "authorized")
            if record.captured:
                raise LedgerError("unexpected_state", "cannot void: the payment was captured")
            record.status = "voided"
            return record

    def _checked(self, psp_reference: str | None, currency: str, status: str) -> Authorization:
        record = self.get(psp_reference)
        if record.currency != currency:
            raise LedgerError(
                "currency_mismatch", f"transaction is in {record.currency}, not {currency}"
            )
        if record.status != status:
            raise LedgerError("unexpected_state", f"transaction is {record.status}")
        return record
