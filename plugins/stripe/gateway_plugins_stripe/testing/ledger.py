"""What really happened at the fake PSP, for tests to assert on ("charged exactly once")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

from gateway_plugins import testing

EntryKind = Literal["authorization", "capture", "void", "refund", "refund_failed", "decline"]


class Movement(NamedTuple):
    """One money movement: equal to a plain ``(payment_intent, amount)`` tuple."""

    payment_intent: str
    amount: int


@dataclass(frozen=True)
class LedgerEntry:
    """One state change that moved (or refused to move) money.

    ``authorization``: a manual-capture hold placed. ``capture``: money taken
    (a capture, or an automatic-capture payment). ``void``: a hold released by
    a cancel. ``refund`` / ``refund_failed``: a refund created / one that
    failed later. ``decline``: an authorisation refused (``detail`` holds the
    decline or error code). ``idempotency_key`` is the key of the request that
    made the change (``None`` for test helpers such as ``complete_3ds``).
    """

    kind: EntryKind
    payment_intent: str
    amount: int
    currency: str
    object_id: str
    idempotency_key: str | None = None
    detail: str | None = None


class Ledger(testing.Ledger[LedgerEntry]):
    """Append-only record of state changes, plus executions and replays per idempotency key.

    An idempotent replay changes nothing, so it adds no entry: after a dropped
    reply and a retry with the same key, ``charges()`` still has one row,
    ``executions(key) == 1`` and ``replays(key) == 1``. Replays and the
    idempotency layer's refusals (409, ``idempotency_error``) are no
    executions; a request refused for invalid params is one (it ran, and
    Stripe keeps no reply for it, so the key stays usable).
    """

    def _movements(self, kind: EntryKind) -> list[Movement]:
        return [Movement(e.payment_intent, e.amount) for e in self.entries if e.kind == kind]

    def authorizations(self) -> list[Movement]:
        """Holds placed by manual-capture PaymentIntents."""
        return self._movements("authorization")

    def charges(self) -> list[Movement]:
        """Money taken: captures and automatic-capture payments."""
        return self._movements("capture")

    def voids(self) -> list[Movement]:
        """Holds released by cancelling a ``requires_capture`` PaymentIntent."""
        return self._movements("void")

    def refunds(self) -> list[Movement]:
        """Refunds created and not failed since (pending ones included)."""
        entries = self.entries
        failed = {e.object_id for e in entries if e.kind == "refund_failed"}
        return [
            Movement(e.payment_intent, e.amount)
            for e in entries
            if e.kind == "refund" and e.object_id not in failed
        ]

    def declines(self) -> list[Movement]:
        """Authorisations refused (card errors, 3-D Secure failures)."""
        return self._movements("decline")

    def captured(self, payment_intent: str) -> int:
        """Total captured on one PaymentIntent, in minor units."""
        return sum(amount for pi, amount in self.charges() if pi == payment_intent)

    def refunded(self, payment_intent: str) -> int:
        """Total refunded (not failed) on one PaymentIntent, in minor units."""
        return sum(amount for pi, amount in self.refunds() if pi == payment_intent)
