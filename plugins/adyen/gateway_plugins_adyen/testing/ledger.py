"""What the fake Adyen holds (payments, modifications) and what really happened (the ledger).

The ledger is append-only, for tests to assert on: "authorised once",
"captured 4.00 then 6.00", "the over-capture moved nothing".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from gateway_plugins import testing

from .cards import Card
from .currencies import major_units

EntryKind = Literal[
    "authorisation",  # money reserved (manual capture) …
    "sale",  # … or reserved and captured at once (automatic capture)
    "refusal",  # an authorisation refused, cancelled or in error
    "capture",
    "capture_failed",
    "refund",
    "refund_failed",
    "cancellation",
]

ModificationKind = Literal["capture", "refund", "cancel", "cancel_or_refund"]


@dataclass
class Payment:
    """One ``/payments`` call and everything done to it since."""

    psp_reference: str
    merchant_reference: str
    currency: str
    value: int
    card: Card
    manual_capture: bool
    result_code: str = "Received"
    refusal_code: str | None = None
    shopper_reference: str | None = None
    captured: int = 0
    refunded: int = 0
    cancelled: bool = False
    partial_allowed: bool = False
    outcome_after_3ds: str = "1"
    """The refusal code (or ``1``) the payment gets once 3-D Secure passes."""
    final_reply: dict[str, object] | None = None
    """The ``/payments/details`` answer once 3-D Secure is over."""

    @property
    def authorised(self) -> bool:
        return self.result_code == "Authorised"

    @property
    def amount(self) -> Decimal:
        """What the shopper is charged, in major units by Adyen's own decimals (1000 IDR)."""
        return major_units(self.value, self.currency)


@dataclass
class Modification:
    """A capture, refund or cancel Adyen has ``received`` and not yet processed."""

    kind: ModificationKind
    psp_reference: str
    payment: Payment
    value: int | None
    currency: str | None
    reference: str | None


@dataclass(frozen=True)
class LedgerEntry:
    """One change that moved money, or refused to. ``detail`` holds a refusal code or reason."""

    kind: EntryKind
    payment: str
    value: int
    currency: str
    reference: str
    detail: str | None = None


class Ledger(testing.Ledger[LedgerEntry]):
    """Append-only record of state changes, plus executions and replays per idempotency key."""

    def of_kind(self, *kinds: EntryKind) -> list[LedgerEntry]:
        return [entry for entry in self.entries if entry.kind in kinds]

    def authorisations(self) -> list[LedgerEntry]:
        """Every payment authorised, manual or automatic capture."""
        return self.of_kind("authorisation", "sale")

    def captured(self, payment: str) -> int:
        """What is captured of ``payment`` now (automatic capture included, failures undone)."""
        total = 0
        for entry in self.entries:
            if entry.payment == payment and entry.kind in ("sale", "capture"):
                total += entry.value
            elif entry.payment == payment and entry.kind == "capture_failed":
                total -= entry.value
        return total

    def refunded(self, payment: str) -> int:
        total = 0
        for entry in self.entries:
            if entry.payment == payment and entry.kind == "refund":
                total += entry.value
            elif entry.payment == payment and entry.kind == "refund_failed":
                total -= entry.value
        return total
