"""A hosted-checkout PSP in memory, modelled on Mollie: every payment needs the shopper.

The shop creates a payment over the API and sends the shopper to its
``checkout_url``; the shopper pays there (iDEAL, a card …) or gives up, and
comes back. The PSP's notification only names the payment (``id=tr_…``, form
encoded, unsigned): whoever receives it asks the API what became of it.

The API (:meth:`HostedCheckoutPSP.call`) takes the API key and, for calls
that change money, an idempotency key (a repeat gets the first reply). The
shopper's side (:meth:`shopper_acts`) and the notifications are what the kit's
inputs hand to the kit. PSPs are found by their URL in :data:`PSPS`, as an HTTP
client finds a host: a plugin's configuration names the URL.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

from gateway_plugins import TransactionKind

#: Every PSP by its URL (the "network").
PSPS: dict[str, HostedCheckoutPSP] = {}

#: Payment method tokens: the method, and after "+" what the bank answers the shopper.
IDEAL = "ideal"
IDEAL_INSUFFICIENT_FUNDS = "ideal+insufficient_funds"
CARD_EXPIRED = "creditcard+expired_card"
UNAVAILABLE_METHOD = "bitcoin"
METHODS = frozenset({"ideal", "creditcard", "bancontact"})

#: What a forger writes for each kind it claims (Mollie's status words).
_CLAIMS = {
    TransactionKind.AUTH: "authorized",
    TransactionKind.CAPTURE: "paid",
    TransactionKind.VOID: "canceled",
    TransactionKind.REFUND: "refunded",
}

Reply = dict[str, Any]


@dataclass
class Payment:
    """One payment at the PSP, amounts in minor units."""

    id: str
    amount: int
    currency: str
    method: str
    bank_answer: str | None
    """What the shopper's bank answers when the shopper pays: ``None`` approves."""
    capture: bool
    status: str = "open"  # open → authorized | paid | failed; authorized → paid | canceled
    captured: int = 0
    refunded: int = 0
    failure: str | None = None
    changed_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


def _error(code: str, message: str) -> Reply:
    return {"error": {"code": code, "message": message}}


class HostedCheckoutPSP:
    """The PSP: payments, an API with keys, the shopper's page, notifications."""

    def __init__(self) -> None:
        self.url = f"https://psp-{uuid.uuid4().hex[:8]}.hosted.invalid"
        self.api_key = f"test_{uuid.uuid4().hex}"
        self.payments: dict[str, Payment] = {}
        self.visits: list[tuple[str, bool]] = []
        """The shopper's visits of the checkout page: payment id, whether they paid."""
        self._replies: dict[str, tuple[tuple[Any, ...], Reply]] = {}
        self._lock = threading.Lock()
        PSPS[self.url] = self

    # -- The API --------------------------------------------------------------------

    def call(self, api_key: str, operation: str, key: str | None = None, **params: Any) -> Reply:
        """One API call; a repeated idempotency ``key`` gets the first reply."""
        if api_key != self.api_key:
            return _error("unauthorized", "missing or wrong API key")
        fingerprint = (operation, *sorted(params.items()))
        with self._lock:
            if key is not None and key in self._replies:
                seen, reply = self._replies[key]
                if seen != fingerprint:
                    return _error("idempotency_key_reused", "the key was used for another request")
                return reply
            reply = getattr(self, f"_{operation}")(**params)
            if key is not None:
                self._replies[key] = (fingerprint, reply)
            return reply

    def _view(self, payment: Payment) -> Reply:
        return {
            "id": payment.id,
            "status": payment.status,
            "amount": payment.amount,
            "currency": payment.currency,
            "method": payment.method,
            "captured": payment.captured,
            "refunded": payment.refunded,
            "failure": payment.failure,
            "changed_at": payment.changed_at.isoformat(),
            "checkout_url": f"{self.url}/checkout/{payment.id}",
        }

    def _create(self, amount: int, currency: str, method: str, capture: bool) -> Reply:
        name, _, answer = method.partition("+")
        if name not in METHODS:
            return _error("method_unavailable", f"payment method {name!r} is not available")
        payment = Payment(f"tr_{uuid.uuid4().hex[:12]}", amount, currency, name, answer or None,
                          capture)  # fmt: skip
        self.payments[payment.id] = payment
        return self._view(payment)

    def _found(self, payment_id: str | None) -> Payment | Reply:
        payment = self.payments.get(payment_id or "")
        return payment if payment is not None else _error("not_found", "no such payment")

    def _get(self, payment_id: str | None) -> Reply:
        payment = self._found(payment_id)
        return self._view(payment) if isinstance(payment, Payment) else payment

    def _capture(self, payment_id: str | None, amount: int) -> Reply:
        payment = self._found(payment_id)
        if not isinstance(payment, Payment):
            return payment
        if payment.status != "authorized":
            return _error("not_authorized", f"the payment is {payment.status}")
        if amount > payment.amount:
            return _error("amount_exceeds", "more than was authorized")
        # One capture; the rest of the authorization is released.
        payment.status, payment.captured = "paid", amount
        return self._changed(payment)

    def _refund(self, payment_id: str | None, amount: int) -> Reply:
        payment = self._found(payment_id)
        if not isinstance(payment, Payment):
            return payment
        if payment.status != "paid":
            return _error("not_paid", f"the payment is {payment.status}")
        if amount > payment.captured - payment.refunded:
            return _error("amount_exceeds", "more than is left to refund")
        payment.refunded += amount
        return self._changed(payment)

    def _cancel(self, payment_id: str | None, amount: int) -> Reply:
        payment = self._found(payment_id)
        if not isinstance(payment, Payment):
            return payment
        if payment.status != "authorized":
            return _error("not_cancelable", f"the payment is {payment.status}")
        if amount != payment.amount:
            return _error("amount_mismatch", "a cancel releases the whole authorization")
        payment.status = "canceled"
        return self._changed(payment)

    def _changed(self, payment: Payment) -> Reply:
        payment.changed_at = datetime.now(timezone.utc)
        return self._view(payment)

    # -- The shopper, and notifications ---------------------------------------------

    def shopper_acts(self, payment_id: str, pays: bool) -> None:
        """The shopper on the checkout page: pays (the bank answers) or gives up.

        Nothing comes back in the browser (the return URL carries nothing), so
        this returns ``None``. A payment no longer open stays as it is.
        """
        self.visits.append((payment_id, pays))
        with self._lock:
            payment = self.payments[payment_id]
            if payment.status != "open":
                return
            if not pays or payment.bank_answer is not None:
                payment.status, payment.failure = "failed", payment.bank_answer or "failed"
            elif payment.capture:
                payment.status, payment.captured = "paid", payment.amount
            else:
                payment.status = "authorized"
            self._changed(payment)

    @staticmethod
    def notification(payment_id: str) -> tuple[dict[str, str], bytes]:
        """The PSP's notification: the payment's id and nothing else."""
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return headers, urlencode({"id": payment_id}).encode()

    @staticmethod
    def forge(payment_id: str, kind: TransactionKind) -> tuple[dict[str, str], bytes]:
        """What a forger posts: the PSP's format, plus a status the PSP never sends."""
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return headers, urlencode({"id": payment_id, "status": _CLAIMS[kind]}).encode()

    def paid_payment_notification(self) -> tuple[dict[str, str], bytes]:
        """A genuine notification: of a payment made over the API and paid by the shopper."""
        created = self.call(self.api_key, "create", amount=1000, currency="EUR", method=IDEAL,
                            capture=True)  # fmt: skip
        self.shopper_acts(created["id"], True)
        return self.notification(created["id"])
