"""One Stripe account's endpoints and state, without HTTP.

PaymentIntents (create with confirm, retrieve, confirm, capture, cancel),
their charges, Refunds and SetupIntents; the objects and their 2020-08-27 JSON
live in ``objects``. Every state change that moves money is written to the
``Ledger``, and raises the events Stripe would send (``notify``).

Events: ``payment_intent.created``, ``payment_intent.requires_action``,
``charge.succeeded`` / ``charge.failed``, ``payment_intent.amount_capturable_updated``,
``payment_intent.succeeded``, ``payment_intent.payment_failed``,
``charge.captured``, ``payment_intent.canceled``, ``charge.refunded`` (a refund
created) and ``charge.refund.updated`` (a pending refund settled). Before API
version 2025-03-31 Stripe also made a Refund, with a ``charge.refunded``, for
the released rest of a partial capture and for a cancelled authorisation; the
fake makes neither (its ledger records those as ``void``).

PaymentMethods: a test card alias (``pm_card_visa``) becomes a new ``pm_…``
at each confirmation; ``setup_future_usage`` keeps it, attached to the
intent's customer, for later charges; one used and not kept for the customer
is refused.

Simplified on purpose: no Customer objects (any ``customer`` id is accepted,
echoed, and owns the PaymentMethods kept for it; attaching one later is not
simulated), no balance transactions beyond an id, no Connect
(``application_fee_amount``, ``transfer_data``, ``on_behalf_of`` are accepted
and ignored), ``expand`` is accepted and ignored (2020-08-27 already embeds
``charges``), and authorisations never expire.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .cards import AUTHENTICATION_REQUIRED, Card, Decline
from .fields import complete
from .ledger import EntryKind, Ledger, LedgerEntry
from .objects import (
    Charge,
    Intent,
    Refund,
    Reply,
    charge_json,
    intent_json,
    new_id,
    next_action,
    now,
    refund_json,
)
from .payment_methods import PaymentMethods
from .wire import ApiError, Params, check_amount, check_currency, invalid, missing, money

CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
CANCELABLE = (
    "requires_payment_method",
    "requires_capture",
    "requires_confirmation",
    "requires_action",
)
CANCELLATION_REASONS = ("abandoned", "duplicate", "fraudulent", "requested_by_customer")
REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")
_AUTHENTICATION_FAILED = (
    "The provided PaymentMethod has failed authentication. You can provide payment_method_data"
    " or a new PaymentMethod to attempt to fulfill this PaymentIntent again."
)


#: An endpoint: (account, params, object id from the path, idempotency key) → reply body.
Handler = Callable[["Account", Params, "str | None", "str | None"], dict[str, Any]]
#: Told of every event: (type, object snapshot, the request that caused it or ``None``).
Notify = Callable[[str, dict[str, Any], "dict[str, Any] | None"], None]


@dataclass(frozen=True)
class Endpoint:
    """A route: method, path pattern, handler and the top-level params it accepts."""

    method: str
    pattern: re.Pattern[str]
    handler: Handler
    allowed: frozenset[str]


class Account:
    """Stripe's objects and endpoints; ``call`` runs one endpoint under the account lock."""

    def __init__(
        self, ledger: Ledger, cards: Mapping[str, Card], notify: Notify | None = None
    ) -> None:
        self.lock = threading.RLock()
        self.ledger = ledger
        self.cards = cards
        self.notify = notify
        self._request: dict[str, Any] | None = None  # the API request being served
        self.intents: dict[str, Intent] = {}
        self.charges: dict[str, Charge] = {}
        self.refunds: dict[str, Refund] = {}
        self.setup_intents: dict[str, dict[str, Any]] = {}
        self.payment_methods = PaymentMethods(cards)

    # -- routing ---------------------------------------------------------------------------

    @staticmethod
    def route(method: str, path: str) -> tuple[Endpoint, str | None] | None:
        """The endpoint for ``method path`` and the object id in the path, if any."""
        for endpoint in ENDPOINTS:
            match = endpoint.pattern.fullmatch(path)
            if endpoint.method == method and match:
                return endpoint, match.groupdict().get("id")
        return None

    def call(
        self,
        endpoint: Endpoint,
        object_id: str | None,
        params: Mapping[str, Any],
        idempotency_key: str | None,
        request_id: str | None = None,
    ) -> Reply:
        with self.lock:
            self._request = {"id": request_id, "idempotency_key": idempotency_key}
            try:
                checked = Params(params, endpoint.allowed)
                return Reply(200, endpoint.handler(self, checked, object_id, idempotency_key))
            except ApiError as error:
                return Reply(error.status, error.body(), error.headers, error.stored)
            finally:
                self._request = None

    # -- PaymentIntents ----------------------------------------------------------------------

    def create_intent(self, p: Params, _: str | None, key: str | None) -> dict[str, Any]:
        amount = p.integer("amount", required=True)
        currency = (p.string("currency", required=True) or "").lower()
        assert amount is not None
        check_currency(currency)
        capture_method = p.string("capture_method", choices=("automatic", "manual"))
        confirmation_method = p.string("confirmation_method", choices=("automatic", "manual"))
        confirm = p.boolean("confirm")
        alias = p.string("payment_method")
        options = self._confirm_options(p)
        metadata = _metadata(p)
        request_three_d_secure = _three_d_secure_option(p) or "automatic"
        echo = {
            "description": p.string("description"),
            "customer": p.string("customer"),
            "receipt_email": p.string("receipt_email"),
            "statement_descriptor": p.string("statement_descriptor"),
            "statement_descriptor_suffix": p.string("statement_descriptor_suffix"),
            "setup_future_usage": p.string(
                "setup_future_usage", choices=("off_session", "on_session")
            ),
            "transfer_group": p.string("transfer_group"),
        }
        if alias:
            self.payment_methods.check(alias)
        if confirm and not alias:
            raise invalid(
                "You cannot confirm this PaymentIntent because it's missing a payment method.",
                code="parameter_missing",
                param="payment_method",
            )
        check_amount(amount, currency)
        intent = Intent(
            id=new_id("pi"),
            amount=amount,
            currency=currency,
            capture_method=capture_method or "automatic",
            confirmation_method=confirmation_method or "automatic",
            created=now(),
            metadata=metadata,
            echo=echo,
            request_three_d_secure=request_three_d_secure,
        )
        self.intents[intent.id] = intent
        if alias:
            intent.status, intent.card_alias = "requires_confirmation", alias
        self._emit("payment_intent.created", self.intent_json(intent))
        if confirm:
            self._confirm(intent, key, **options)
        return self.intent_json(intent)

    def retrieve_intent(self, p: Params, pi_id: str | None, _: str | None) -> dict[str, Any]:
        p.strings("expand")
        return self.intent_json(self._intent(pi_id, "intent", status=404))

    def confirm_intent(self, p: Params, pi_id: str | None, key: str | None) -> dict[str, Any]:
        intent = self._intent(pi_id, "intent", status=404)
        alias = p.string("payment_method") or intent.card_alias
        options = self._confirm_options(p)
        receipt_email = p.string("receipt_email")
        request_three_d_secure = _three_d_secure_option(p)
        if intent.status not in CONFIRMABLE:
            raise self._unexpected_state(
                intent,
                f"You cannot confirm this PaymentIntent because it has a status of"
                f" {intent.status}. Only a PaymentIntent with one of the following statuses may"
                f" be confirmed: {', '.join(CONFIRMABLE)}.",
            )
        if alias is None:
            raise invalid(
                "You cannot confirm this PaymentIntent because it's missing a payment method.",
                code="parameter_missing",
                param="payment_method",
            )
        self.payment_methods.check(alias)
        intent.card_alias = alias
        if receipt_email is not None:
            intent.echo["receipt_email"] = receipt_email
        if request_three_d_secure:
            intent.request_three_d_secure = request_three_d_secure
        self._confirm(intent, key, **options)
        return self.intent_json(intent)

    def capture_intent(self, p: Params, pi_id: str | None, key: str | None) -> dict[str, Any]:
        """Stripe captures once: a partial capture releases the rest of the hold."""
        intent = self._intent(pi_id, "intent", status=404)
        amount = p.integer("amount_to_capture")
        if intent.status != "requires_capture":
            raise self._unexpected_state(
                intent,
                f"This PaymentIntent could not be captured because it has a status of"
                f" {intent.status}. Only a PaymentIntent with one of the following statuses may"
                " be captured: requires_capture.",
            )
        amount = intent.amount_capturable if amount is None else amount
        check_amount(amount, intent.currency, "amount_to_capture")
        if amount > intent.amount_capturable:
            raise ApiError(
                400,
                "invalid_request_error",
                "The payment could not be captured because the requested capture amount is"
                " greater than the amount you can capture for this charge.",
                code="amount_too_large",
                param="amount_to_capture",
                payment_intent=self.intent_json(intent),
            )
        charge = self.charges[intent.charge_ids[-1]]
        charge.captured, charge.amount_captured = True, amount
        released = intent.amount_capturable - amount
        intent.amount_received, intent.amount_capturable = amount, 0
        intent.status = "succeeded"
        self._record("capture", intent, amount, charge.id, key)
        if released:
            self._record("void", intent, released, charge.id, key, "partial_capture")
        self._emit("charge.captured", self.charge_json(charge))
        self._emit("payment_intent.succeeded", self.intent_json(intent))
        return self.intent_json(intent)

    def cancel_intent(self, p: Params, pi_id: str | None, key: str | None) -> dict[str, Any]:
        """Cancelling a ``requires_capture`` intent releases the hold (Stripe: "refunds" it)."""
        intent = self._intent(pi_id, "intent", status=404)
        reason = p.string("cancellation_reason", choices=CANCELLATION_REASONS)
        if intent.status not in CANCELABLE:
            raise self._unexpected_state(
                intent,
                f"You cannot cancel this PaymentIntent because it has a status of"
                f" {intent.status}. Only a PaymentIntent with one of the following statuses may"
                f" be canceled: {', '.join(CANCELABLE)}.",
            )
        if intent.status == "requires_capture":
            charge = self.charges[intent.charge_ids[-1]]
            charge.amount_refunded = charge.amount
            self._record("void", intent, intent.amount_capturable, charge.id, key, reason)
        intent.status, intent.amount_capturable, intent.next_action = "canceled", 0, None
        intent.canceled_at, intent.cancellation_reason = now(), reason
        self._emit("payment_intent.canceled", self.intent_json(intent))
        return self.intent_json(intent)

    # -- Refunds ---------------------------------------------------------------------------

    def create_refund(self, p: Params, _: str | None, key: str | None) -> dict[str, Any]:
        """Partial refunds may repeat until the captured amount is used up."""
        pi_id, charge_id = p.string("payment_intent"), p.string("charge")
        amount = p.integer("amount")
        reason = p.string("reason", choices=REFUND_REASONS)
        metadata = _metadata(p)
        if pi_id and charge_id:
            raise invalid(
                "You may only specify one of these parameters: charge, payment_intent.",
                code="parameters_exclusive",
            )
        if not (pi_id or charge_id):
            raise invalid(
                "One of the following params should be provided for this request:"
                " payment_intent or charge.",
                code="parameter_missing",
            )
        if amount is not None and amount < 1:
            raise invalid("This value must be greater than or equal to 1.", param="amount")
        if charge_id:
            charge = self.charges.get(charge_id)
            if charge is None:
                raise missing("charge", charge_id, "charge")
        else:
            intent = self._intent(pi_id, "payment_intent")
            charge = self.charges[intent.charge_ids[-1]] if intent.charge_ids else None
        if charge is None or not charge.captured:
            subject = f"PaymentIntent ({pi_id})" if pi_id else f"charge ({charge_id})"
            raise ApiError(
                400,
                "invalid_request_error",
                f"This {subject} does not have a successful, captured charge to refund."
                " An uncaptured PaymentIntent is canceled, not refunded.",
                code="charge_not_refundable",
                param="payment_intent" if pi_id else "charge",
            )
        if charge.refundable <= 0:
            raise ApiError(
                400,
                "invalid_request_error",
                f"Charge {charge.id} has already been refunded.",
                code="charge_already_refunded",
                charge=charge.id,
            )
        amount = charge.refundable if amount is None else amount
        if amount > charge.refundable:
            raise ApiError(
                400,
                "invalid_request_error",
                f"Refund amount ({money(amount, charge.currency)}) is greater than unrefunded"
                f" amount on charge ({money(charge.refundable, charge.currency)})",
                code="amount_too_large",
                param="amount",
            )
        refund = Refund(
            id=new_id("re"),
            amount=amount,
            charge=charge.id,
            payment_intent=charge.payment_intent,
            currency=charge.currency,
            created=now(),
            status=charge.card.refund_status,
            reason=reason,
            metadata=metadata,
        )
        self.refunds[refund.id] = refund
        charge.refund_ids.append(refund.id)
        charge.amount_refunded += amount
        self._record("refund", self.intents[charge.payment_intent], amount, refund.id, key, reason)
        self._emit("charge.refunded", self.charge_json(charge))
        return self.refund_json(refund)

    def retrieve_refund(self, p: Params, refund_id: str | None, _: str | None) -> dict[str, Any]:
        p.strings("expand")
        refund = self.refunds.get(refund_id or "")
        if refund is None:
            raise missing("refund", refund_id or "", "id", status=404)
        return self.refund_json(refund)

    # -- SetupIntents ----------------------------------------------------------------------

    def create_setup_intent(self, p: Params, _: str | None, __: str | None) -> dict[str, Any]:
        """A SetupIntent for Stripe.js to save a card; confirming it is not simulated."""
        usage = p.string("usage", choices=("off_session", "on_session")) or "off_session"
        _payment_method_types(p)
        if p.boolean("confirm"):
            raise invalid("The fake does not simulate confirming SetupIntents.", param="confirm")
        seti_id = new_id("seti")
        card_options = {"request_three_d_secure": _three_d_secure_option(p) or "automatic"}
        setup_intent = complete(
            "setup_intent",
            {
                "id": seti_id,
                "object": "setup_intent",
                "client_secret": f"{seti_id}_secret_{new_id('x', 32)[2:]}",
                "created": now(),
                "customer": p.string("customer"),
                "description": p.string("description"),
                "livemode": False,
                "metadata": _metadata(p),
                "payment_method_options": {
                    "card": complete("setup_intent_payment_method_options_card", card_options)
                },
                "payment_method_types": ["card"],
                "status": "requires_payment_method",
                "usage": usage,
            },
        )
        self.setup_intents[seti_id] = setup_intent
        return setup_intent

    # -- test helpers (called by FakeStripe, under the lock) -------------------------------

    def complete_3ds(self, pi_id: str, succeed: bool) -> dict[str, Any]:
        intent = self.intents[pi_id]
        if intent.status != "requires_action":
            raise ValueError(f"{pi_id} is {intent.status}, not requires_action")
        assert intent.card is not None
        intent.next_action = None
        if succeed:
            authenticated = {
                "authentication_flow": "challenge",
                "result": "authenticated",
                "result_reason": None,
                "version": "2.1.0",
            }
            decline = intent.card.decline_after_3ds or intent.card.decline
            self._charge(intent, None, decline, three_d_secure=authenticated)
        else:
            intent.status = "requires_payment_method"
            intent.last_payment_error = ApiError(
                400,
                "invalid_request_error",
                _AUTHENTICATION_FAILED,
                code="payment_intent_authentication_failure",
                payment_method=self.payment_method_json(intent),
            ).error
            self._record(
                "decline", intent, intent.amount, intent.id, None,
                "payment_intent_authentication_failure",
            )  # fmt: skip
            self._emit("payment_intent.payment_failed", self.intent_json(intent))
        return self.intent_json(intent)

    def settle_refund(self, refund_id: str, succeed: bool) -> dict[str, Any]:
        refund = self.refunds[refund_id]
        if refund.status != "pending":
            raise ValueError(f"{refund_id} is {refund.status}, not pending")
        if succeed:
            refund.status = "succeeded"
        else:
            refund.status, refund.failure_reason = "failed", "expired_or_canceled_card"
            self.charges[refund.charge].amount_refunded -= refund.amount
            intent = self.intents[refund.payment_intent]
            self._record("refund_failed", intent, refund.amount, refund.id, None)
        self._emit("charge.refund.updated", self.refund_json(refund))
        return self.refund_json(refund)

    # -- confirmation ----------------------------------------------------------------------

    @staticmethod
    def _confirm_options(p: Params) -> dict[str, Any]:
        """Parameters that steer a confirmation (also checks types the fake ignores)."""
        _payment_method_types(p)
        p.strings("expand")
        if isinstance(p.data.get("payment_method_data"), dict):
            card = p.data["payment_method_data"].get("card")
            if isinstance(card, dict) and "number" in card:
                # Stripe refuses raw card numbers unless the account is allowed them.
                raise invalid(
                    "Sending credit card numbers directly to the Stripe API is generally unsafe."
                    " We suggest you use test tokens that map to the test card you are using,"
                    " see https://stripe.com/docs/testing.",
                )
        return {
            "off_session": bool(p.boolean("off_session", extra=("one_off", "recurring"))),
            "error_on_requires_action": bool(p.boolean("error_on_requires_action")),
            "return_url": p.string("return_url"),
        }

    def _confirm(
        self,
        intent: Intent,
        key: str | None,
        *,
        off_session: bool,
        error_on_requires_action: bool,
        return_url: str | None,
    ) -> None:
        """Confirm with ``intent.card_alias``: 3-D Secure, then authorise (or decline)."""
        assert intent.card_alias is not None
        method = self.payment_methods.for_confirmation(
            intent.card_alias, intent.echo.get("customer")
        )
        card = method.card
        intent.card, intent.payment_method = card, method.id
        intent.last_payment_error = intent.next_action = None
        challenge = card.three_d_secure == "required" or (
            card.three_d_secure == "supported"
            and intent.request_three_d_secure == "any"
            and not off_session  # a merchant-initiated payment skips an optional challenge
        )
        if challenge and (off_session or error_on_requires_action):
            error = self._charge(intent, key, AUTHENTICATION_REQUIRED)
        elif challenge:
            intent.status, intent.next_action = "requires_action", next_action(intent, return_url)
            self._emit("payment_intent.requires_action", self.intent_json(intent))
            return
        else:
            error = self._charge(intent, key, card.decline)
        if error is not None:
            raise error

    def _charge(
        self,
        intent: Intent,
        key: str | None,
        decline: Decline | None,
        *,
        three_d_secure: dict[str, Any] | None = None,
    ) -> ApiError | None:
        """Make the charge; a decline returns the card error (already applied to the intent)."""
        assert intent.card is not None and intent.payment_method is not None
        charge = Charge(
            id=new_id("ch"),
            payment_intent=intent.id,
            amount=intent.amount,
            currency=intent.currency,
            payment_method=intent.payment_method,
            card=intent.card,
            created=now(),
            metadata=dict(intent.metadata),
            failure=decline,
            three_d_secure=three_d_secure,
        )
        self.charges[charge.id] = charge
        intent.charge_ids.append(charge.id)
        if decline is not None:
            error = ApiError(
                402,
                "card_error",
                decline.message,
                code=decline.code,
                decline_code=decline.decline_code,
                param=decline.param,
                charge=charge.id,
                payment_method=self.payment_method_json(intent),
            )
            intent.status, intent.last_payment_error = "requires_payment_method", dict(error.error)
            error.error["payment_intent"] = self.intent_json(intent)
            self._record("decline", intent, intent.amount, charge.id, key, decline.decline_code)
            self._emit("charge.failed", self.charge_json(charge))
            self._emit("payment_intent.payment_failed", self.intent_json(intent))
            return error
        if intent.echo.get("setup_future_usage"):
            self.payment_methods.keep(intent.payment_method, intent.echo.get("customer"))
        if intent.capture_method == "manual":
            intent.status, intent.amount_capturable = "requires_capture", intent.amount
            self._record("authorization", intent, intent.amount, charge.id, key)
            self._emit("charge.succeeded", self.charge_json(charge))
            self._emit("payment_intent.amount_capturable_updated", self.intent_json(intent))
        else:
            charge.captured, charge.amount_captured = True, intent.amount
            intent.status, intent.amount_received = "succeeded", intent.amount
            self._record("capture", intent, intent.amount, charge.id, key)
            self._emit("charge.succeeded", self.charge_json(charge))
            self._emit("payment_intent.succeeded", self.intent_json(intent))
        return None

    # -- helpers ---------------------------------------------------------------------------

    def _intent(self, pi_id: str | None, param: str, *, status: int = 400) -> Intent:
        intent = self.intents.get(pi_id or "")
        if intent is None:
            raise missing("payment_intent", pi_id or "", param, status=status)
        return intent

    def payment_method_json(self, intent: Intent) -> dict[str, Any]:
        assert intent.payment_method is not None
        return self.payment_methods.json(intent.payment_method)

    def _unexpected_state(self, intent: Intent, message: str) -> ApiError:
        return ApiError(
            400,
            "invalid_request_error",
            message,
            code="payment_intent_unexpected_state",
            payment_intent=self.intent_json(intent),
        )

    def _record(
        self,
        kind: EntryKind,
        intent: Intent,
        amount: int,
        object_id: str,
        key: str | None,
        detail: str | None = None,
    ) -> None:
        entry = LedgerEntry(kind, intent.id, amount, intent.currency, object_id, key, detail)
        self.ledger.record(entry)

    def intent_json(self, intent: Intent) -> dict[str, Any]:
        return intent_json(intent, self.charges, self.refunds)

    def charge_json(self, charge: Charge) -> dict[str, Any]:
        return charge_json(charge, self.intents[charge.payment_intent], self.refunds)

    def _emit(self, event_type: str, obj: dict[str, Any]) -> None:
        """Raise an event about ``obj`` (a snapshot taken now), caused by the current request."""
        if self.notify is not None:
            request = None if self._request is None else dict(self._request)
            self.notify(event_type, obj, request)

    def refund_json(self, refund: Refund) -> dict[str, Any]:
        return refund_json(refund)


def _metadata(p: Params) -> dict[str, Any]:
    metadata = p.hash("metadata")
    for key, value in metadata.items():
        if not isinstance(value, str):
            raise invalid(f"Invalid metadata[{key}]: must be a string", param=f"metadata[{key}]")
    # An empty value unsets a key at Stripe.
    return {key: value for key, value in metadata.items() if value != ""}


def _three_d_secure_option(p: Params) -> str | None:
    """``payment_method_options[card][request_three_d_secure]``: ``any`` or ``automatic``."""
    options = p.hash("payment_method_options")
    card = options.get("card") or {}
    if not isinstance(card, dict):
        raise invalid("Invalid payment_method_options[card]", param="payment_method_options[card]")
    value = card.get("request_three_d_secure")
    if value is not None and value not in ("any", "automatic"):
        name = "payment_method_options[card][request_three_d_secure]"
        raise invalid(f"Invalid {name}: must be one of any, or automatic", param=name)
    return value


def _payment_method_types(p: Params) -> None:
    for kind in p.strings("payment_method_types"):
        if kind != "card":
            # Stripe knows many more; the fake simulates cards only.
            raise invalid(
                f"The payment method type provided: {kind} is invalid. The fake supports: card.",
                param="payment_method_types",
            )


def _endpoint(method: str, path: str, handler: Handler, allowed: str) -> Endpoint:
    pattern = re.compile(path.replace("{id}", r"(?P<id>[^/]+)"))
    return Endpoint(method, pattern, handler, frozenset(allowed.split()))


#: The endpoints and their top-level params (from the 2022 OpenAPI spec).
ENDPOINTS = (
    _endpoint("POST", "/v1/payment_intents", Account.create_intent,
              "amount application_fee_amount automatic_payment_methods capture_method confirm"
              " confirmation_method currency customer description error_on_requires_action"
              " expand mandate mandate_data metadata off_session on_behalf_of payment_method"
              " payment_method_data payment_method_options payment_method_types receipt_email"
              " return_url setup_future_usage shipping statement_descriptor"
              " statement_descriptor_suffix transfer_data transfer_group use_stripe_sdk"),
    _endpoint("GET", "/v1/payment_intents/{id}", Account.retrieve_intent, "client_secret expand"),
    _endpoint("POST", "/v1/payment_intents/{id}/confirm", Account.confirm_intent,
              "client_secret error_on_requires_action expand mandate mandate_data off_session"
              " payment_method payment_method_data payment_method_options payment_method_types"
              " receipt_email return_url setup_future_usage shipping use_stripe_sdk"),
    _endpoint("POST", "/v1/payment_intents/{id}/capture", Account.capture_intent,
              "amount_to_capture application_fee_amount expand statement_descriptor"
              " statement_descriptor_suffix transfer_data"),
    _endpoint("POST", "/v1/payment_intents/{id}/cancel", Account.cancel_intent,
              "cancellation_reason expand"),
    _endpoint("POST", "/v1/refunds", Account.create_refund,
              "amount charge expand metadata payment_intent reason refund_application_fee"
              " reverse_transfer"),
    _endpoint("GET", "/v1/refunds/{id}", Account.retrieve_refund, "expand"),
    _endpoint("POST", "/v1/setup_intents", Account.create_setup_intent,
              "confirm customer description expand mandate_data metadata on_behalf_of"
              " payment_method payment_method_data payment_method_options payment_method_types"
              " return_url single_use usage"),
)  # fmt: skip
