"""What really happened at the fake Authorize.Net, for tests to assert on ("charged once").

Amounts are ``Decimal`` in the account's currency, as the API writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, NamedTuple

from gateway_plugins import testing

EntryKind = Literal["authorization", "capture", "void", "refund", "decline", "held", "settle"]


class Movement(NamedTuple):
    """One money movement: equal to a plain ``(trans_id, amount)`` tuple."""

    trans_id: str
    amount: Decimal


@dataclass(frozen=True)
class LedgerEntry:
    """One state change of a transaction.

    ``authorization``: a hold placed (``authOnlyTransaction``). ``capture``:
    money taken (``authCaptureTransaction``, or ``priorAuthCaptureTransaction`` of
    an authorization, ``trans_id`` being the authorization's). ``void``: a
    transaction voided before settlement. ``refund``: a refund transaction,
    ``trans_id`` being the refunded one and ``object_id`` the refund's own.
    ``decline``: a transaction refused (``detail`` holds the reason code).
    ``held``: accepted and held for review. ``settle``: a batch settled it.
    """

    kind: EntryKind
    trans_id: str
    amount: Decimal
    object_id: str
    detail: str | None = None


class Ledger(testing.Ledger[LedgerEntry]):
    """Append-only record of state changes (no idempotency keys: nothing is counted)."""

    def _movements(self, kind: EntryKind) -> list[Movement]:
        return [Movement(e.trans_id, e.amount) for e in self.entries if e.kind == kind]

    def authorizations(self) -> list[Movement]:
        """Holds placed by ``authOnlyTransaction``."""
        return self._movements("authorization")

    def charges(self) -> list[Movement]:
        """Money taken: sales and captures of authorizations."""
        return self._movements("capture")

    def voids(self) -> list[Movement]:
        return self._movements("void")

    def refunds(self) -> list[Movement]:
        """Refunds, by refunded transaction (voided refunds excluded)."""
        entries = self.entries
        voided = {e.trans_id for e in entries if e.kind == "void"}
        return [
            Movement(e.trans_id, e.amount)
            for e in entries
            if e.kind == "refund" and e.object_id not in voided
        ]

    def declines(self) -> list[Movement]:
        return self._movements("decline")

    def captured(self, trans_id: str) -> Decimal:
        """Total captured on one transaction."""
        return sum((amount for tid, amount in self.charges() if tid == trans_id), Decimal(0))

    def refunded(self, trans_id: str) -> Decimal:
        """Total refunded on one transaction."""
        return sum((amount for tid, amount in self.refunds() if tid == trans_id), Decimal(0))
