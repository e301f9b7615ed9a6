"""One merchant account of the fake: transactions, their states, and the rules that refuse them.

Behaviour, as in the sandbox unless marked *(fake)*:

* **One currency** per account (``currency``); a ``currencyCode`` naming another
  is reason 39. Amounts are decimal strings with at most the currency's ISO
  4217 decimals, greater than zero; anything else is reason 5 *(fake: a JSON
  number is refused too, so that a float can never slip through)*.
* **Cards**: a number that is not 13–19 digits or fails the Luhn check is
  reason 6; a malformed expiry 7; an expired card 8; a card code that is not
  3 digits (4 for Amex) 78. Accept.js nonces: see ``cards.NONCES``; any other
  ``dataValue`` is ``E00114``.
* **Filters** (``avs_filter``, ``card_code_filter``, as set in the Merchant
  Interface): an AVS result in ``avs_filter`` declines with reason 27, a CVV
  result in ``card_code_filter`` with 65, both with 45. Defaults: AVS ``A``
  and ``N``, CVV ``N``.
* **Duplicate window**: a new payment or refund equal to one of the last
  ``duplicateWindow`` seconds (same card, expiry, type, amount, invoice
  number, customer id, PO number, billing name and address, reference,
  window) is reason 11 (responseCode 3), declined and approved originals
  alike. When the request carried ``duplicateWindow``, the reply names the
  original: its transId, authCode, AVS and CVV results. Without it the
  account default (120 s) applies and the reply names nothing. A refund is
  checked before the state of the refunded transaction *(fake: the order of
  the checks is not documented)*.
* **States**: a capture of a voided authorization is 310, of a captured one
  311, above the authorized amount 47; a void of a voided one 310; a refund of
  an unsettled transaction 54, above what is left 55; an unknown transId 16
  (15 when it is not a number). *(fake: voiding a settled transaction is
  answered 16; the sandbox's code for it is unconfirmed.)*
* **Settlement**: with ``auto_settle`` (the default) every capture settles at
  once, as if the daily batch ran right away, so refunds work immediately;
  without it captures wait for :meth:`Account.settle`, as in the sandbox, and
  can be voided until then.
* **Transaction Details API**: ``getTransactionDetailsRequest`` answers
  ``E00011`` unless the merchant enabled it (``transaction_details_api``, on by
  default).
* **Held for review**: responseCode 4, reason 252 (not yet authorized) or 253
  (authorized), by the amount trigger; :meth:`Account.review` decides.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from iso4217 import Currency

from .cards import (
    AVS_BY_ZIP,
    AVS_REASONS,
    CVV_BY_CODE,
    CVV_REASONS,
    DECLINE_ZIP,
    NONCES,
    REASONS,
    TRIGGER_CARD,
    Card,
    brand,
    luhn_valid,
)
from .ledger import EntryKind, Ledger, LedgerEntry
from .wire import (
    Number,
    access_denied,
    invalid_token,
    messages,
    record_not_found,
    schema_error,
)

AUTH_ONLY = "authOnlyTransaction"
AUTH_CAPTURE = "authCaptureTransaction"
PRIOR_AUTH_CAPTURE = "priorAuthCaptureTransaction"
VOID = "voidTransaction"
REFUND = "refundTransaction"
ACCEPT_DESCRIPTOR = "COMMON.ACCEPT.INAPP.PAYMENT"

#: The account's default duplicate window, in seconds.
DEFAULT_DUPLICATE_WINDOW = 120

AUTHORIZED = "authorizedPendingCapture"
CAPTURED = "capturedPendingSettlement"
SETTLED = "settledSuccessfully"
VOIDED = "voided"
DECLINED = "declined"
REFUND_PENDING = "refundPendingSettlement"
REFUND_SETTLED = "refundSettledSuccessfully"
HELD = "FDSPendingReview"
HELD_AUTHORIZED = "FDSAuthorizedPendingReview"

_AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?")
_EXPIRY = (
    re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})"),
    re.compile(r"(?P<month>[0-9]{2})[/-]?(?P<year>[0-9]{2})"),
    re.compile(r"(?P<month>[0-9]{2})[/-]?(?P<year>[0-9]{4})"),
)


class Refusal(Exception):
    """A transaction refused with a response reason code (``transactionResponse.errors``)."""

    def __init__(self, reason: int, *, avs: str = "", cvv: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.avs = avs
        self.cvv = cvv


@dataclass
class Transaction:
    """One transaction as the gateway keeps it (the full card is the fake's secret)."""

    trans_id: str
    transaction_type: str
    status: str
    amount: Decimal
    card: Card
    response_code: str
    reason: int
    submitted: datetime
    auth_code: str = ""
    avs: str = ""
    cvv: str = ""
    captured: Decimal = Decimal(0)
    refunded: Decimal = Decimal(0)
    ref_trans_id: str = ""
    invoice_number: str | None = None

    @property
    def masked(self) -> str:
        return "XXXX" + self.card.number[-4:]


@dataclass
class _Recent:
    """A transaction remembered for the duplicate check."""

    key: tuple[Any, ...]
    at: float
    transaction: Transaction


@dataclass
class Request:
    """The parts of a ``createTransactionRequest`` the fake reads, as plain data."""

    body: dict[str, Any]
    ref_id: str | None = None

    def get(self, *path: str) -> Any:
        value: Any = self.body
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    @property
    def duplicate_window(self) -> int | None:
        for setting in self.get("transactionSettings", "setting") or []:
            if isinstance(setting, dict) and setting.get("settingName") == "duplicateWindow":
                try:
                    return max(0, min(int(setting.get("settingValue", "")), 28_800))
                except ValueError:
                    return None
        return None


@dataclass
class Account:
    """The merchant account the fake's API serves; every method runs under :attr:`lock`."""

    currency: str = "USD"
    auto_settle: bool = True
    avs_filter: frozenset[str] = frozenset({"A", "N"})
    card_code_filter: frozenset[str] = frozenset({"N"})
    transaction_details_api: bool = True
    clock: Callable[[], float] = time.monotonic
    ledger: Ledger = field(default_factory=Ledger)
    lock: threading.RLock = field(default_factory=threading.RLock)
    transactions: dict[str, Transaction] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    _recent: list[_Recent] = field(default_factory=list)
    _next_id: int = field(default_factory=lambda: 40_000_000_000 + secrets.randbelow(10**9) * 10)

    # -- the API ----------------------------------------------------------------------------

    def create_transaction(self, request: Request) -> dict[str, Any]:
        """``createTransactionRequest``: the reply body (``ApiError`` for API-level refusals)."""
        kind = request.get("transactionType")
        handlers = {
            AUTH_ONLY: self._new_payment,
            AUTH_CAPTURE: self._new_payment,
            PRIOR_AUTH_CAPTURE: self._capture,
            VOID: self._void,
            REFUND: self._refund,
        }
        handler = handlers.get(kind) if isinstance(kind, str) else None
        if handler is None:
            raise schema_error(
                f"The 'AnetApi/xml/v1/schema/AnetApiSchema.xsd:transactionType' element is "
                f"invalid - The value '{kind}' is invalid according to its datatype "
                f"'transactionTypeEnum' - The Enumeration constraint failed."
            )
        try:
            return handler(request)
        except Refusal as refusal:
            return self._refused(request, refusal)

    def transaction_details(self, trans_id: str) -> dict[str, Any]:
        """``getTransactionDetailsRequest``: the ``transaction`` element."""
        if not self.transaction_details_api:
            raise access_denied()
        transaction = self.transactions.get(trans_id)
        if transaction is None:
            raise record_not_found()
        card = {"cardNumber": transaction.masked, "expirationDate": "XXXX",
                "cardType": brand(transaction.card.number)}  # fmt: skip
        details: dict[str, Any] = {
            "transId": transaction.trans_id,
            "refTransId": transaction.ref_trans_id or None,
            "submitTimeUTC": transaction.submitted.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "transactionType": transaction.transaction_type,
            "transactionStatus": transaction.status,
            "responseCode": int(transaction.response_code),
            "responseReasonCode": transaction.reason,
            "authCode": transaction.auth_code,
            "AVSResponse": transaction.avs,
            "cardCodeResponse": transaction.cvv,
            "authAmount": Number(transaction.amount),
            "settleAmount": Number(self._settle_amount(transaction)),
            "payment": {"creditCard": card},
        }
        if transaction.invoice_number:
            details["order"] = {"invoiceNumber": transaction.invoice_number}
        return {key: value for key, value in details.items() if value is not None}

    # -- test controls ------------------------------------------------------------------------

    def settle(self) -> list[str]:
        """Run the settlement batch: captures and refunds settle. Returns their transIds."""
        settled = []
        for transaction in self.transactions.values():
            if transaction.status in (CAPTURED, REFUND_PENDING):
                self._settle(transaction)
                settled.append(transaction.trans_id)
        return settled

    def review(self, trans_id: str, approve: bool) -> Transaction:
        """The merchant approves or declines a transaction held for review."""
        transaction = self.transactions[trans_id]
        if transaction.status not in (HELD, HELD_AUTHORIZED):
            raise ValueError(f"{trans_id} is {transaction.status}, not held for review")
        if not approve:
            transaction.status, transaction.response_code, transaction.reason = DECLINED, "2", 254
            self._record("decline", transaction, transaction.amount, "254")
            return transaction
        transaction.response_code, transaction.reason = "1", 1
        transaction.auth_code = transaction.auth_code or _auth_code()
        self._approve(transaction)
        return transaction

    # -- new payments -------------------------------------------------------------------------

    def _new_payment(self, request: Request) -> dict[str, Any]:
        amount = self._amount(request.get("amount"), required=True)
        assert amount is not None
        currency = request.get("currencyCode")
        if currency is not None and currency != self.currency:
            raise Refusal(39)
        card = self._card(request)
        zip_code = str(request.get("billTo", "zip") or card.zip or "")
        duplicate = self._duplicate(request, _payment_key(request, card))
        if duplicate is not None:
            return duplicate
        reason = self._trigger(card, amount)
        avs = AVS_BY_ZIP.get(zip_code, "Y") if zip_code else "P"
        cvv = CVV_BY_CODE.get(card.card_code, "M") if card.card_code else ""
        if reason is not None:
            avs = AVS_BY_ZIP.get(zip_code, "N") if reason in AVS_REASONS else avs
            cvv = "N" if reason in CVV_REASONS else cvv
        elif zip_code == DECLINE_ZIP:
            reason = 2
        else:
            avs_failed, cvv_failed = avs in self.avs_filter, cvv in self.card_code_filter
            reason = (
                45 if avs_failed and cvv_failed else 27 if avs_failed else 65 if cvv_failed else 1
            )
        outcome = REASONS[reason]
        if outcome.response_code == "3":
            raise Refusal(reason, avs=avs, cvv=cvv)
        transaction = self._open(request, card, amount, outcome.response_code, reason, avs, cvv)
        self._remember(_payment_key(request, card), transaction)
        return self._reply(request, transaction)

    def _open(
        self,
        request: Request,
        card: Card,
        amount: Decimal,
        response_code: str,
        reason: int,
        avs: str,
        cvv: str,
    ) -> Transaction:
        transaction = Transaction(
            trans_id=self._new_id(),
            transaction_type=str(request.get("transactionType")),
            status=DECLINED,
            amount=amount,
            card=card,
            response_code=response_code,
            reason=reason,
            submitted=datetime.now(timezone.utc),
            avs=avs,
            cvv=cvv,
            invoice_number=request.get("order", "invoiceNumber"),
        )
        self.transactions[transaction.trans_id] = transaction
        if response_code == "2":
            self._record("decline", transaction, amount, str(reason))
            self._event(_created_event(transaction), transaction)
        elif response_code == "4":
            transaction.status = HELD_AUTHORIZED if reason == 253 else HELD
            transaction.auth_code = _auth_code() if reason == 253 else ""
            self._record("held", transaction, amount, str(reason))
            self._event("net.authorize.payment.fraud.held", transaction)
        else:
            transaction.auth_code = _auth_code()
            self._approve(transaction)
        return transaction

    def _approve(self, transaction: Transaction) -> None:
        if transaction.transaction_type == AUTH_ONLY:
            transaction.status = AUTHORIZED
            self._record("authorization", transaction, transaction.amount)
            self._event(_created_event(transaction), transaction)
            return
        transaction.status, transaction.captured = CAPTURED, transaction.amount
        self._record("capture", transaction, transaction.amount)
        self._event(_created_event(transaction), transaction)
        if self.auto_settle:
            self._settle(transaction)

    def _card(self, request: Request) -> Card:
        payment = request.get("payment") or {}
        if "opaqueData" in payment:
            opaque = payment["opaqueData"]
            card = NONCES.get(opaque.get("dataValue"))
            if opaque.get("dataDescriptor") != ACCEPT_DESCRIPTOR or card is None:
                raise invalid_token()
            self._expiry(card.expiration)
            return card
        if "creditCard" not in payment:
            raise Refusal(33)
        given = payment["creditCard"]
        number = given.get("cardNumber")
        if not isinstance(number, str) or not re.fullmatch(r"[0-9]{13,19}", number):
            raise Refusal(6)
        if not luhn_valid(number):
            raise Refusal(6)
        expiration = given.get("expirationDate")
        self._expiry(expiration)
        code = given.get("cardCode")
        if code is not None:
            length = 4 if brand(number) == "AmericanExpress" else 3
            if not (isinstance(code, str) and code.isdigit() and len(code) == length):
                raise Refusal(78)
        return Card(number, str(expiration), code)

    @staticmethod
    def _expiry(expiration: object) -> None:
        match = None
        if isinstance(expiration, str):
            match = next((m for p in _EXPIRY if (m := p.fullmatch(expiration))), None)
        if match is None or not 1 <= int(match["month"]) <= 12:
            raise Refusal(7)
        year = int(match["year"]) + (2000 if len(match["year"]) == 2 else 0)
        today = datetime.now(timezone.utc)
        if (year, int(match["month"])) < (today.year, today.month):
            raise Refusal(8)

    def _trigger(self, card: Card, amount: Decimal) -> int | None:
        """The test-mode trigger: card 4222222222222 with an amount equal to a reason code."""
        if card.number != TRIGGER_CARD or amount != amount.to_integral_value():
            return None
        reason = int(amount)
        return reason if reason in REASONS else None

    # -- follow-ups -----------------------------------------------------------------------------

    def _referenced(self, request: Request) -> Transaction:
        reference = request.get("refTransId")
        if not isinstance(reference, str) or not reference.isdigit():
            raise Refusal(15)
        transaction = self.transactions.get(reference)
        if transaction is None:
            raise Refusal(16)
        return transaction

    def _capture(self, request: Request) -> dict[str, Any]:
        original = self._referenced(request)
        amount = self._amount(request.get("amount"), required=False)
        if original.transaction_type != AUTH_ONLY:
            raise Refusal(16)
        if original.status == VOIDED:
            raise Refusal(310)
        if original.status in (CAPTURED, SETTLED):
            raise Refusal(311)
        if original.status != AUTHORIZED:
            raise Refusal(16)
        amount = original.amount if amount is None else amount
        if amount > original.amount:
            raise Refusal(47)
        # One capture settles the authorization; the rest of the hold is released.
        original.status, original.captured = CAPTURED, amount
        self._record("capture", original, amount)
        self._event("net.authorize.payment.priorAuthCapture.created", original, amount)
        if self.auto_settle:
            self._settle(original)
        return self._reply(request, original, ref_trans_id=original.trans_id)

    def _void(self, request: Request) -> dict[str, Any]:
        original = self._referenced(request)
        if original.status == VOIDED:
            raise Refusal(310)
        if original.status not in (AUTHORIZED, CAPTURED, REFUND_PENDING, HELD, HELD_AUTHORIZED):
            raise Refusal(16)  # settled or declined: nothing left to void (fake's choice)
        amount = original.captured or original.amount
        if original.status == REFUND_PENDING:
            self.transactions[original.ref_trans_id].refunded -= original.amount
        original.status = VOIDED
        self._record("void", original, amount)
        self._event("net.authorize.payment.void.created", original, amount)
        return self._reply(request, original, ref_trans_id=original.trans_id)

    def _refund(self, request: Request) -> dict[str, Any]:
        if request.get("refTransId") is None:
            raise Refusal(54)  # an unlinked credit: this account may not issue them
        original = self._referenced(request)
        amount = self._amount(request.get("amount"), required=True)
        assert amount is not None
        given = request.get("payment", "creditCard")
        if not isinstance(given, dict) or not given.get("cardNumber"):
            raise Refusal(33)
        # The duplicate check compares the request, not the state it finds: a repeat of
        # a full refund is reason 11 naming the refund, not 55 (fake: order unconfirmed).
        key = _refund_key(request, original)
        duplicate = self._duplicate(request, key)
        if duplicate is not None:
            return duplicate
        if not original.card.number.endswith(str(given["cardNumber"])[-4:]):
            raise Refusal(54)  # not the card that paid
        if original.status == CAPTURED:
            raise Refusal(54)  # not settled yet: void it, or refund after the batch
        if original.status != SETTLED or original.transaction_type == REFUND:
            raise Refusal(54)
        if original.refunded + amount > original.captured:
            raise Refusal(55)
        refund = Transaction(
            trans_id=self._new_id(),
            transaction_type=REFUND,
            status=REFUND_PENDING,
            amount=amount,
            card=original.card,
            response_code="1",
            reason=1,
            submitted=datetime.now(timezone.utc),
            ref_trans_id=original.trans_id,
            invoice_number=request.get("order", "invoiceNumber"),
        )
        self.transactions[refund.trans_id] = refund
        original.refunded += amount
        self.ledger.record(LedgerEntry("refund", original.trans_id, amount, refund.trans_id))
        self._event("net.authorize.payment.refund.created", refund)
        if self.auto_settle:
            self._settle(refund)
        self._remember(key, refund)
        return self._reply(request, refund, ref_trans_id=original.trans_id)

    # -- helpers ------------------------------------------------------------------------------

    def _amount(self, value: object, *, required: bool) -> Decimal | None:
        if value is None and not required:
            return None
        if not isinstance(value, str) or not _AMOUNT.fullmatch(value):
            raise Refusal(5)
        try:
            amount = Decimal(value)
        except InvalidOperation:
            raise Refusal(5) from None
        exponent = Currency(self.currency).exponent or 0
        places = max(0, -int(amount.normalize().as_tuple().exponent))
        if amount <= 0 or places > exponent:
            raise Refusal(5)
        return amount

    def _duplicate(self, request: Request, key: tuple[Any, ...]) -> dict[str, Any] | None:
        """Reason 11 when an equal transaction falls within the duplicate window."""
        window = request.duplicate_window
        seconds = DEFAULT_DUPLICATE_WINDOW if window is None else window
        now = self.clock()
        self._recent = [r for r in self._recent if now - r.at < 28_800]
        original = next(
            (r.transaction for r in self._recent if r.key == key and now - r.at < seconds), None
        )
        if original is None:
            return None
        if window is None:  # the reply names the original only if the request set the window
            return self._refused(request, Refusal(11))
        ref = original.ref_trans_id
        reply = self._reply(request, original, ref_trans_id=ref, reason=11, response_code="3")
        if original.response_code != "1":
            reply["transactionResponse"]["authCode"] = ""
        return reply

    def _remember(self, key: tuple[Any, ...], transaction: Transaction) -> None:
        self._recent.append(_Recent(key, self.clock(), transaction))

    def _settle(self, transaction: Transaction) -> None:
        transaction.status = SETTLED if transaction.status == CAPTURED else REFUND_SETTLED
        self._record("settle", transaction, self._settle_amount(transaction))

    @staticmethod
    def _settle_amount(transaction: Transaction) -> Decimal:
        if transaction.transaction_type == REFUND:
            return transaction.amount if transaction.status != VOIDED else Decimal(0)
        return transaction.captured

    def _new_id(self) -> str:
        # Eleven digits, like the sandbox's: too short to look like a card number.
        self._next_id += 7
        return str(self._next_id)

    def _record(
        self, kind: EntryKind, transaction: Transaction, amount: Decimal, detail: str | None = None
    ) -> None:
        entry = LedgerEntry(kind, transaction.trans_id, amount, transaction.trans_id, detail)
        self.ledger.record(entry)

    def _event(
        self, event_type: str, transaction: Transaction, amount: Decimal | None = None
    ) -> None:
        """Remember a webhook event (the server signs and hands them out)."""
        payload: dict[str, Any] = {
            "responseCode": int(transaction.response_code),
            "authCode": transaction.auth_code,
            "avsResponse": transaction.avs,
            "authAmount": Number(transaction.amount if amount is None else amount),
        }
        if transaction.invoice_number:
            payload["invoiceNumber"] = transaction.invoice_number
        payload.update({"entityName": "transaction", "id": transaction.trans_id})
        self.events.append({
            "notificationId": str(uuid.uuid4()),
            "eventType": event_type,
            "eventDate": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "webhookId": "fake-webhook-0001",
            "payload": payload,
        })  # fmt: skip

    def _reply(
        self,
        request: Request,
        transaction: Transaction,
        *,
        ref_trans_id: str = "",
        reason: int | None = None,
        response_code: str | None = None,
    ) -> dict[str, Any]:
        reason = transaction.reason if reason is None else reason
        response_code = response_code or REASONS[reason].response_code
        return transaction_reply(
            request.ref_id,
            response_code=response_code,
            reason=reason,
            trans_id=transaction.trans_id,
            auth_code=transaction.auth_code,
            avs=transaction.avs,
            cvv=transaction.cvv,
            account=transaction.masked,
            account_type=brand(transaction.card.number),
            ref_trans_id=ref_trans_id,
        )

    def _refused(self, request: Request, refusal: Refusal) -> dict[str, Any]:
        """A refusal before a transaction existed: responseCode 3, transId 0."""
        return transaction_reply(
            request.ref_id,
            response_code=REASONS[refusal.reason].response_code,
            reason=refusal.reason,
            avs=refusal.avs,
            cvv=refusal.cvv,
        )


def transaction_reply(
    ref_id: str | None,
    *,
    response_code: str,
    reason: int,
    trans_id: str = "0",
    auth_code: str = "",
    avs: str = "",
    cvv: str = "",
    account: str = "",
    account_type: str = "",
    ref_trans_id: str = "",
) -> dict[str, Any]:
    """A ``createTransactionResponse`` body in the API's shape (psp-reference §6.2)."""
    accepted = response_code in ("1", "4")
    response: dict[str, Any] = {
        "responseCode": response_code,
        "authCode": auth_code,
        "avsResultCode": avs,
        "cvvResultCode": cvv,
        "cavvResultCode": "",
        "transId": trans_id,
        "refTransID": ref_trans_id,
        "transHash": "",
        "testRequest": "0",
        "accountNumber": account,
        "accountType": account_type,
    }
    text = REASONS[reason].text
    if accepted:
        response["messages"] = [{"code": str(reason), "description": text}]
    else:
        response["errors"] = [{"errorCode": str(reason), "errorText": text}]
    response["transHashSha2"] = ""
    body: dict[str, Any] = {"transactionResponse": response}
    if ref_id:
        body["refId"] = ref_id
    body["messages"] = messages(accepted)
    return body


def _payment_key(request: Request, card: Card) -> tuple[Any, ...]:
    """What the duplicate check compares (Authorize.Net support: error 11)."""
    bill_to = request.get("billTo") or {}
    return (
        request.get("transactionType"),
        card.number,
        card.expiration,
        Decimal(str(request.get("amount"))),
        request.get("order", "invoiceNumber"),
        request.get("customer", "id"),
        request.get("poNumber"),
        tuple(bill_to.get(k) for k in ("firstName", "lastName", "company", "address", "city",
                                       "state", "country")),
        bill_to.get("zip") or card.zip,
        request.duplicate_window,
    )  # fmt: skip


def _refund_key(request: Request, original: Transaction) -> tuple[Any, ...]:
    return (
        REFUND,
        original.trans_id,
        original.card.number,
        Decimal(str(request.get("amount"))),
        request.get("order", "invoiceNumber"),
        request.get("customer", "id"),
        request.get("poNumber"),
        request.duplicate_window,
    )


def _created_event(transaction: Transaction) -> str:
    """The webhook event type of a new authorization or sale."""
    if transaction.transaction_type == AUTH_ONLY:
        return "net.authorize.payment.authorization.created"
    return "net.authorize.payment.authcapture.created"


def _auth_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))
