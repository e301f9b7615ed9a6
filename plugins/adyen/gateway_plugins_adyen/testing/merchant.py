"""One Adyen merchant account's endpoints and state, without HTTP.

``/payments`` decides at once (Authorised, Refused, Error, Cancelled, Pending,
Received, or RedirectShopper / ChallengeShopper for 3-D Secure) and queues an
``AUTHORISATION`` webhook. Captures, refunds and cancels are only *received*
(HTTP 201): they queue a :class:`Modification`, and :meth:`Merchant.settle`
carries the queue out in order, as Adyen's back office does later, checking
what Adyen checks (no capture beyond what is authorised, no refund beyond what
is captured, no cancel of captured money) and queueing one webhook each.

Simplified on purpose: one merchant account; cards only; authorisations never
expire; delayed automatic capture (``captureDelayHours`` > 0) counts as capture
at once; a scheme rejection (``CAPTURE_FAILED`` / ``REFUND_FAILED``) happens only
when a test asks for it (:meth:`Merchant.scheme_rejects`).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .cards import HOLDER_NAME_TRIGGERS, REFUSAL_REASONS, Card, card_from
from .currencies import ADYEN_DECIMALS
from .ledger import EntryKind, Ledger, LedgerEntry, Modification, ModificationKind, Payment
from .webhooks import Outbox, Webhook
from .wire import Reply, ServiceError, invalid_merchant_account, new_reference, now, unknown_payment

#: Refusal codes answered with another resultCode than Refused.
_RESULT_OF_CODE = {"0": "Error", "4": "Error", "22": "Cancelled"}
_INSUFFICIENT = "Insufficient balance on payment"


@dataclass
class StoredMethod:
    """A card Adyen keeps for one shopper (``storedPaymentMethodId``)."""

    id: str
    shopper_reference: str
    card: Card


@dataclass
class _Challenge:
    """A 3-D Secure challenge the shopper has finished (``complete_3ds``) but not submitted."""

    payment: Payment
    passed: bool


class Merchant:
    """The endpoints of one merchant account; every call runs under :attr:`lock`."""

    def __init__(self, account: str, hmac_key: str, ledger: Ledger) -> None:
        self.account = account
        self.hmac_key = hmac_key
        self.ledger = ledger
        self.lock = threading.RLock()
        self.payments: dict[str, Payment] = {}
        self.stored: dict[tuple[str, str], StoredMethod] = {}
        self.pending: list[Modification] = []
        self.outbox = Outbox()
        self._challenges: dict[str, _Challenge] = {}
        self._rejected_by_scheme: set[str] = set()

    # -- routing -------------------------------------------------------------------------

    def route(self, path: str) -> Callable[[dict[str, Any]], Reply] | None:
        """The endpoint serving ``POST path``."""
        parts = path.strip("/").split("/")
        fixed: dict[tuple[str, ...], Callable[[dict[str, Any]], Reply]] = {
            ("payments",): self.payments_endpoint,
            ("payments", "details"): self.details_endpoint,
            ("storedPaymentMethods",): self.store_endpoint,
        }
        if tuple(parts) in fixed:
            return fixed[tuple(parts)]
        kinds: dict[str, ModificationKind] = {
            "captures": "capture",
            "refunds": "refund",
            "cancels": "cancel",
            "reversals": "cancel_or_refund",
        }
        if len(parts) == 3 and parts[0] == "payments" and parts[2] in kinds:
            kind, reference = kinds[parts[2]], parts[1]
            return lambda body: self.modification_endpoint(kind, reference, body)
        return None

    def call(self, endpoint: Callable[[dict[str, Any]], Reply], body: dict[str, Any]) -> Reply:
        with self.lock:
            try:
                # /payments/details names no merchant account: the payment does.
                needs_account = endpoint != self.details_endpoint
                if needs_account and body.get("merchantAccount") != self.account:
                    raise invalid_merchant_account()
                return endpoint(body)
            except ServiceError as error:
                return error.reply()

    # -- payments ------------------------------------------------------------------------

    def payments_endpoint(self, body: dict[str, Any]) -> Reply:
        card, shopper = self._card_of(body)
        _check_billing_address(body.get("billingAddress"))
        additional = body.get("additionalData") or {}
        payment = Payment(
            psp_reference=new_reference(),
            merchant_reference=str(body["reference"]),
            currency=body["amount"]["currency"],
            value=body["amount"]["value"],
            card=card,
            manual_capture=additional.get("manualCapture") == "true",
            shopper_reference=shopper,
            partial_allowed=additional.get("allowPartialAuth") == "true",
        )
        _check_amount(payment)
        self.payments[payment.psp_reference] = payment
        payment.outcome_after_3ds = _outcome(card, additional)
        attempt = (body.get("authenticationData") or {}).get("attemptAuthentication")
        if attempt != "never" and (card.needs_3ds or attempt == "always"):
            return Reply(200, self._challenge(payment, body))
        reply = self._decide(payment, payment.outcome_after_3ds)
        if payment.authorised and body.get("storePaymentMethod") and shopper:
            method = self.store_card(shopper, card)
            reply["additionalData"].update(
                {
                    "tokenization.shopperReference": shopper,
                    "tokenization.storedPaymentMethodId": method.id,
                    "tokenization.store.operationType": "created",
                }
            )
        return Reply(200, reply)

    def details_endpoint(self, body: dict[str, Any]) -> Reply:
        details = body["details"]
        token = details.get("redirectResult") or details.get("threeDSResult")
        challenge = self._challenges.get(token) if isinstance(token, str) else None
        if challenge is None:
            raise ServiceError(422, "000", "Invalid payment details: unknown redirect result")
        payment = challenge.payment
        if payment.final_reply is None:
            code = payment.outcome_after_3ds if challenge.passed else "11"
            payment.final_reply = self._decide(payment, code)
        return Reply(200, dict(payment.final_reply))

    def complete_3ds(self, psp_reference: str, passed: bool) -> dict[str, Any]:
        """The shopper finishes the challenge; what their browser brings back to the shop."""
        payment = self.payments[psp_reference]
        if payment.result_code not in ("RedirectShopper", "ChallengeShopper"):
            raise ValueError(f"payment {psp_reference} is not waiting for 3-D Secure")
        token = "Ab02b4c0!" + secrets.token_urlsafe(24)
        self._challenges[token] = _Challenge(payment, passed)
        name = "redirectResult" if payment.result_code == "RedirectShopper" else "threeDSResult"
        return {"details": {name: token}}

    def _challenge(self, payment: Payment, body: dict[str, Any]) -> dict[str, Any]:
        native = (body.get("authenticationData") or {}).get("threeDSRequestData") or {}
        common = {
            "pspReference": payment.psp_reference,
            "merchantReference": payment.merchant_reference,
        }
        if native.get("nativeThreeDS") == "preferred":
            payment.result_code = "ChallengeShopper"
            action = {
                "type": "threeDS2",
                "subtype": "challenge",
                "paymentMethodType": "scheme",
                "token": secrets.token_urlsafe(32),
                "authorisationToken": "Ab02b4c0!" + secrets.token_urlsafe(16),
            }
            return {"resultCode": "ChallengeShopper", "action": action, **common}
        payment.result_code = "RedirectShopper"
        action = {
            "type": "redirect",
            "method": "GET",
            "paymentMethodType": "scheme",
            "url": "https://checkoutshopper-test.adyen.com/checkoutshopper/threeDS/redirect?"
            f"MD={secrets.token_urlsafe(24)}",
        }
        return {"resultCode": "RedirectShopper", "action": action, **common}

    def _decide(self, payment: Payment, code: str) -> dict[str, Any]:
        """Authorise or refuse ``payment`` by refusal ``code`` (``1``: authorise)."""
        partial = code == "Partial" and payment.partial_allowed
        if code == "Partial":
            code = "1" if partial else "12"
        if partial:
            payment.value //= 2  # the card covers half: Adyen authorises that and says so
        reply: dict[str, Any] = {
            "pspReference": payment.psp_reference,
            "merchantReference": payment.merchant_reference,
            "amount": {"currency": payment.currency, "value": payment.value},
            "additionalData": payment.card.summary(),
        }
        if code in ("Pending", "Received"):
            payment.result_code = code
            return {**reply, "resultCode": code}
        if code == "1":
            payment.result_code = "Authorised"
            reply["additionalData"]["authCode"] = f"{secrets.randbelow(10**6):06d}"
            kind: EntryKind = "authorisation" if payment.manual_capture else "sale"
            if not payment.manual_capture:
                payment.captured = payment.value
            self.ledger.record(self._entry(kind, payment, payment.value, payment.psp_reference))
            self._notify_authorisation(payment, success=True)
            return {**reply, "resultCode": "PartiallyAuthorised" if partial else "Authorised"}
        payment.result_code = _RESULT_OF_CODE.get(code, "Refused")
        payment.refusal_code = code
        reason = REFUSAL_REASONS.get(code, "Refused")
        self.ledger.record(
            self._entry("refusal", payment, payment.value, payment.psp_reference, code)
        )
        self._notify_authorisation(payment, success=False, reason=reason)
        return {
            **reply,
            "resultCode": payment.result_code,
            "refusalReason": reason,
            "refusalReasonCode": code,
        }

    def _card_of(self, body: dict[str, Any]) -> tuple[Card, str | None]:
        method = body["paymentMethod"]
        shopper = body.get("shopperReference")
        if method.get("type") != "scheme":
            raise ServiceError(500, "905", "Payment details are not supported", "configuration")
        stored_id = method.get("storedPaymentMethodId")
        if stored_id is None:
            return card_from(method), shopper
        if not shopper:
            raise ServiceError(422, "000", "Recurring payments require a shopperReference")
        stored = self.stored.get((shopper, stored_id))
        if stored is None:
            raise ServiceError(422, "803", "PaymentDetail not found")
        return stored.card, shopper

    # -- stored payment methods ------------------------------------------------------------

    def store_endpoint(self, body: dict[str, Any]) -> Reply:
        method = body["paymentMethod"]
        if method.get("type") != "scheme":
            raise ServiceError(422, "000", "Only cards can be stored in the fake")
        card = card_from(method)
        stored = self.store_card(body["shopperReference"], card)
        resource = {
            "id": stored.id,
            "type": "scheme",
            "brand": card.brand,
            "lastFour": card.last_four,
            "expiryMonth": f"{card.expiry_month:02d}",
            "expiryYear": str(card.expiry_year),
            "shopperReference": stored.shopper_reference,
            "supportedRecurringProcessingModels": [body["recurringProcessingModel"]],
        }
        if card.holder_name:
            resource["holderName"] = card.holder_name
        return Reply(201, resource)

    def store_card(self, shopper_reference: str, card: Card) -> StoredMethod:
        method = StoredMethod(new_reference(), shopper_reference, card)
        self.stored[(shopper_reference, method.id)] = method
        return method

    # -- modifications -----------------------------------------------------------------------

    def modification_endpoint(
        self, kind: ModificationKind, payment_reference: str, body: dict[str, Any]
    ) -> Reply:
        payment = self.payments.get(payment_reference)
        if payment is None:
            raise unknown_payment()
        amount = body.get("amount")
        if amount is not None and amount["value"] <= 0:
            raise ServiceError(422, "137", "Invalid amount specified")
        modification = Modification(
            kind,
            new_reference(),
            payment,
            amount["value"] if amount else None,
            amount["currency"] if amount else None,
            body.get("reference"),
        )
        self.pending.append(modification)
        reply: dict[str, Any] = {
            "merchantAccount": self.account,
            "paymentPspReference": payment.psp_reference,
            "pspReference": modification.psp_reference,
            "status": "received",
        }
        if amount is not None:
            reply["amount"] = amount
        if modification.reference is not None:
            reply["reference"] = modification.reference
        return Reply(201, reply)

    def scheme_rejects(self, psp_reference: str) -> None:
        """The card scheme will reject this payment's captures and refunds after Adyen sent them."""
        self._rejected_by_scheme.add(psp_reference)

    def settle(self) -> list[Webhook]:
        """Carry out every received modification, in order; the webhooks this queued."""
        queued, self.pending = self.pending, []
        before = len(self.outbox.peek())
        for modification in queued:
            {
                "capture": self._settle_capture,
                "refund": self._settle_refund,
                "cancel": self._settle_cancel,
                "cancel_or_refund": self._settle_cancel_or_refund,
            }[modification.kind](modification)
        return self.outbox.peek()[before:]

    def _settle_capture(self, m: Modification) -> None:
        payment = m.payment
        assert m.value is not None
        failure = self._refusal_of_modification(m) or (
            _INSUFFICIENT
            if m.value > payment.value - payment.captured or payment.cancelled
            else None
        )
        if failure is not None:
            self._notify(m, "CAPTURE", success=False, reason=failure)
            return
        payment.captured += m.value
        self.ledger.record(self._entry("capture", payment, m.value, m.psp_reference))
        self._notify(m, "CAPTURE", success=True)
        if payment.psp_reference in self._rejected_by_scheme:
            payment.captured -= m.value
            self.ledger.record(self._entry("capture_failed", payment, m.value, m.psp_reference))
            self._notify(
                m, "CAPTURE_FAILED", success=True, reason="Capture rejected by card scheme"
            )

    def _settle_refund(self, m: Modification) -> None:
        payment = m.payment
        assert m.value is not None
        failure = self._refusal_of_modification(m) or (
            _INSUFFICIENT if m.value > payment.captured - payment.refunded else None
        )
        if failure is not None:
            self._notify(m, "REFUND", success=False, reason=failure)
            return
        payment.refunded += m.value
        self.ledger.record(self._entry("refund", payment, m.value, m.psp_reference))
        self._notify(m, "REFUND", success=True)
        if payment.psp_reference in self._rejected_by_scheme:
            payment.refunded -= m.value
            self.ledger.record(self._entry("refund_failed", payment, m.value, m.psp_reference))
            self._notify(m, "REFUND_FAILED", success=True, reason="Refund rejected by card scheme")

    def _settle_cancel(self, m: Modification) -> None:
        payment = m.payment
        failure = self._refusal_of_modification(m)
        if failure is None and payment.cancelled:
            failure = "Transaction already cancelled"
        if failure is None and payment.captured:
            # The fake's wording: Adyen cancels only what was never captured.
            failure = "Transaction already captured, refund it instead"
        if failure is not None:
            self._notify(m, "CANCELLATION", success=False, reason=failure, value=payment.value)
            return
        payment.cancelled = True
        released = payment.value
        self.ledger.record(self._entry("cancellation", payment, released, m.psp_reference))
        self._notify(m, "CANCELLATION", success=True, value=released)

    def _settle_cancel_or_refund(self, m: Modification) -> None:
        payment = m.payment
        failure = self._refusal_of_modification(m)
        if failure is None and (payment.cancelled or payment.refunded >= payment.value):
            failure = "Transaction already cancelled or refunded"
        if failure is not None:
            self._notify(m, "CANCEL_OR_REFUND", success=False, reason=failure, value=payment.value)
            return
        if payment.captured:
            refunded = payment.captured - payment.refunded
            payment.refunded += refunded
            self.ledger.record(self._entry("refund", payment, refunded, m.psp_reference))
            action = "refund"
        else:
            payment.cancelled = True
            self.ledger.record(self._entry("cancellation", payment, payment.value, m.psp_reference))
            action = "cancel"
        self._notify(
            m,
            "CANCEL_OR_REFUND",
            success=True,
            value=payment.value,
            extra={"modification.action": action},
        )

    def _refusal_of_modification(self, m: Modification) -> str | None:
        if not m.payment.authorised:
            return "Original pspReference is not an authorised payment"
        if m.currency is not None and m.currency != m.payment.currency:
            return "Modification in different currency than authorisation"
        return None

    # -- webhooks ----------------------------------------------------------------------------

    def _notify_authorisation(
        self, payment: Payment, *, success: bool, reason: str | None = None
    ) -> None:
        item: dict[str, Any] = {
            "additionalData": {
                "expiryDate": f"{payment.card.expiry_month:02d}/{payment.card.expiry_year}",
                "cardSummary": payment.card.last_four,
            },
            "amount": {"currency": payment.currency, "value": payment.value},
            "eventCode": "AUTHORISATION",
            "eventDate": now(),
            "merchantAccountCode": self.account,
            "merchantReference": payment.merchant_reference,
            "paymentMethod": payment.card.brand,
            "pspReference": payment.psp_reference,
            "success": "true" if success else "false",
        }
        if success:
            item["operations"] = ["CANCEL", "CAPTURE", "REFUND"]
            # Adyen's reason for a success: authorisation code, last four digits, expiry.
            item["reason"] = (
                f"{secrets.randbelow(10**6):06d}:{payment.card.last_four}:"
                f"{payment.card.expiry_month:02d}/{payment.card.expiry_year}"
            )
        else:
            item["reason"] = reason
        self.outbox.post(item, self.hmac_key)

    def _notify(
        self,
        m: Modification,
        event_code: str,
        *,
        success: bool,
        reason: str | None = None,
        value: int | None = None,
        extra: dict[str, str] | None = None,
    ) -> None:
        payment = m.payment
        item: dict[str, Any] = {
            "additionalData": dict(extra or {}),
            "amount": {
                "currency": m.currency or payment.currency,
                "value": m.value if value is None else value,
            },
            "eventCode": event_code,
            "eventDate": now(),
            "merchantAccountCode": self.account,
            "merchantReference": m.reference or payment.merchant_reference,
            "originalReference": payment.psp_reference,
            "paymentMethod": payment.card.brand,
            "pspReference": m.psp_reference,
            "success": "true" if success else "false",
        }
        if reason is not None:
            item["reason"] = reason
        self.outbox.post(item, self.hmac_key)

    @staticmethod
    def _entry(
        kind: EntryKind, payment: Payment, value: int, reference: str, detail: str | None = None
    ) -> LedgerEntry:
        return LedgerEntry(kind, payment.psp_reference, value, payment.currency, reference, detail)

    # -- questions tests ask -------------------------------------------------------------------

    def charges_for(self, psp_reference: str) -> int:
        """How many authorised payments share this payment's merchant reference."""
        payment = self.payments.get(psp_reference)
        if payment is None:
            return 0
        return sum(
            other.authorised and other.merchant_reference == payment.merchant_reference
            for other in self.payments.values()
        )


def _outcome(card: Card, additional: dict[str, Any]) -> str:
    """The refusal code (``1``: authorise) the test triggers on this payment ask for."""
    requested = additional.get("RequestedTestAcquirerResponseCode")
    if isinstance(requested, str) and requested:
        return requested
    trigger = HOLDER_NAME_TRIGGERS.get((card.holder_name or "").upper())
    if trigger is not None:
        return trigger
    return "6" if card.expired else "1"


def _check_amount(payment: Payment) -> None:
    if payment.currency not in ADYEN_DECIMALS:
        raise ServiceError(422, "138", "Unsupported currency specified")
    if payment.value < 0:
        raise ServiceError(422, "137", "Invalid amount specified")


def _check_billing_address(address: object) -> None:
    if not isinstance(address, dict):
        return
    for name in ("street", "houseNumberOrName", "city"):
        value = address.get(name)
        if isinstance(value, str) and not value.strip():
            # Adyen: 422 "117" for a required address field sent empty.
            raise ServiceError(
                422, "117", f"Required field 'billingAddress.{name}' is not provided"
            )
    country = address.get("country", "")
    if not (
        isinstance(country, str) and len(country) == 2 and country.isalpha() and country.isupper()
    ):
        raise ServiceError(422, "104", "Billing address problem (Country invalid)")
    if not address.get("postalCode"):
        raise ServiceError(422, "104", "Billing address problem (PostalCode missing)")
