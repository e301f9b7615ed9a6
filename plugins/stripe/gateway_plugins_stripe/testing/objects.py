"""The objects of a Stripe account and their JSON, shaped like API version 2020-08-27.

A PaymentIntent carries a ``charges`` list holding its latest charge (newer API
versions have ``latest_charge`` instead); errors embed the PaymentIntent and the
PaymentMethod (``payment_methods``). Fields the fake does not model are present with Stripe's
``null`` / empty values, so the objects validate against the 2022 OpenAPI spec.
"""

from __future__ import annotations

import secrets
import string
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .cards import Card, Decline
from .fields import complete

_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str, length: int = 24) -> str:
    return prefix + "_" + "".join(secrets.choice(_ALPHABET) for _ in range(length))


def now() -> int:
    return int(time.time())


@dataclass
class Reply:
    """An HTTP reply before encoding; ``stored`` tells the idempotency layer to keep it."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    stored: bool = True


@dataclass
class Charge:
    """A charge: one authorisation attempt of a PaymentIntent."""

    id: str
    payment_intent: str
    amount: int
    currency: str
    payment_method: str
    card: Card
    created: int
    metadata: dict[str, Any]
    failure: Decline | None = None
    three_d_secure: dict[str, Any] | None = None
    captured: bool = False
    amount_captured: int = 0
    amount_refunded: int = 0
    refund_ids: list[str] = field(default_factory=list)

    @property
    def refundable(self) -> int:
        return self.amount_captured - self.amount_refunded


@dataclass
class Intent:
    """A PaymentIntent. ``echo`` holds the request fields only sent back, never used."""

    id: str
    amount: int
    currency: str
    capture_method: str
    confirmation_method: str
    created: int
    metadata: dict[str, Any]
    echo: dict[str, Any]
    request_three_d_secure: str = "automatic"
    status: str = "requires_payment_method"
    card_alias: str | None = None  # the test PaymentMethod the request named (pm_card_…)
    card: Card | None = None  # how that test PaymentMethod behaves
    payment_method: str | None = None  # the PaymentMethod Stripe made from it (pm_…)
    amount_capturable: int = 0
    amount_received: int = 0
    charge_ids: list[str] = field(default_factory=list)
    last_payment_error: dict[str, Any] | None = None
    next_action: dict[str, Any] | None = None
    canceled_at: int | None = None
    cancellation_reason: str | None = None
    client_secret: str = ""

    def __post_init__(self) -> None:
        self.client_secret = f"{self.id}_secret_{new_id('x', 25)[2:]}"


@dataclass
class Refund:
    id: str
    amount: int
    charge: str
    payment_intent: str
    currency: str
    created: int
    status: str
    reason: str | None
    metadata: dict[str, Any]
    failure_reason: str | None = None


def intent_json(
    intent: Intent, charges: Mapping[str, Charge], refunds: Mapping[str, Refund]
) -> dict[str, Any]:
    """A PaymentIntent; ``charges`` and ``refunds`` are the account's, to look up its charge.

    Here and below, :func:`~.fields.complete` adds every field left out as ``null``.
    """
    latest = [
        charge_json(charges[charge_id], intent, refunds) for charge_id in intent.charge_ids[-1:]
    ]
    card_options = {"request_three_d_secure": intent.request_three_d_secure}
    return complete(
        "payment_intent",
        {
            "id": intent.id,
            "object": "payment_intent",
            "amount": intent.amount,
            "amount_capturable": intent.amount_capturable,
            "amount_received": intent.amount_received,
            "canceled_at": intent.canceled_at,
            "cancellation_reason": intent.cancellation_reason,
            "capture_method": intent.capture_method,
            # Stripe: "This list only contains the latest charge".
            "charges": _list(latest, f"/v1/charges?payment_intent={intent.id}"),
            "client_secret": intent.client_secret,
            "confirmation_method": intent.confirmation_method,
            "created": intent.created,
            "currency": intent.currency,
            "last_payment_error": intent.last_payment_error,
            "livemode": False,
            "metadata": intent.metadata,
            "next_action": intent.next_action,
            "payment_method": intent.payment_method,
            "payment_method_options": {
                "card": complete("payment_intent_payment_method_options_card", card_options)
            },
            "payment_method_types": ["card"],
            "status": intent.status,
            **intent.echo,
        },
    )


def charge_json(charge: Charge, intent: Intent, refunds: Mapping[str, Refund]) -> dict[str, Any]:
    decline = charge.failure
    outcome: dict[str, Any] = {
        "network_status": "approved_by_network",
        "reason": None,
        "risk_level": "normal",
        "risk_score": 32,
        "seller_message": "Payment complete.",
        "type": "authorized",
    }
    if decline is not None:
        blocked = decline.outcome_type == "blocked"
        outcome.update(
            network_status=decline.network_status,
            reason="highest_risk_level" if blocked else decline.decline_code,
            risk_level=decline.risk_level,
            risk_score=85 if blocked else 32,
            seller_message=decline.seller_message,
            type=decline.outcome_type,
        )
    # Newest first, as every Stripe list.
    refund_list = [refund_json(refunds[refund_id]) for refund_id in reversed(charge.refund_ids)]
    fully = charge.amount_captured if charge.captured else charge.amount
    card = {
        **charge.card.details(),
        "network": charge.card.brand,
        "three_d_secure": charge.three_d_secure,
    }
    return complete(
        "charge",
        {
            "id": charge.id,
            "object": "charge",
            "amount": charge.amount,
            "amount_captured": charge.amount_captured,
            "amount_refunded": charge.amount_refunded,
            "balance_transaction": f"txn_{charge.id[3:]}" if charge.captured else None,
            "billing_details": billing_details(),
            "calculated_statement_descriptor": "FAKE STRIPE",
            "captured": charge.captured,
            "created": charge.created,
            "currency": charge.currency,
            "customer": intent.echo.get("customer"),
            "description": intent.echo.get("description"),
            "disputed": False,
            "failure_code": decline.code if decline else None,
            "failure_message": decline.message if decline else None,
            "fraud_details": {},
            "livemode": False,
            "metadata": charge.metadata,
            "outcome": complete("charge_outcome", outcome),
            "paid": decline is None,
            "payment_intent": charge.payment_intent,
            "payment_method": charge.payment_method,
            "payment_method_details": {
                "card": complete("payment_method_details_card", card),
                "type": "card",
            },
            "receipt_email": intent.echo.get("receipt_email"),
            "receipt_url": f"https://pay.stripe.com/receipts/fake/{charge.id}",
            "refunded": charge.amount_refunded > 0 and charge.amount_refunded >= fully,
            "refunds": _list(refund_list, f"/v1/charges/{charge.id}/refunds"),
            "statement_descriptor": intent.echo.get("statement_descriptor"),
            "statement_descriptor_suffix": intent.echo.get("statement_descriptor_suffix"),
            "status": "failed" if decline else "succeeded",
            "transfer_group": intent.echo.get("transfer_group"),
        },
    )


def refund_json(refund: Refund) -> dict[str, Any]:
    body = {
        "id": refund.id,
        "object": "refund",
        "amount": refund.amount,
        "balance_transaction": f"txn_{refund.id[3:]}",
        "charge": refund.charge,
        "created": refund.created,
        "currency": refund.currency,
        "metadata": refund.metadata,
        "payment_intent": refund.payment_intent,
        "reason": refund.reason,
        "status": refund.status,
    }
    if refund.failure_reason:
        body["failure_reason"] = refund.failure_reason
        body["failure_balance_transaction"] = f"txn_failed_{refund.id[3:]}"
    return complete("refund", body)


def _list(data: list[dict[str, Any]], url: str) -> dict[str, Any]:
    return {"object": "list", "data": data, "has_more": False, "total_count": len(data), "url": url}


def billing_details() -> dict[str, Any]:
    return complete("billing_details", {"address": complete("address", {})})


def next_action(intent: Intent, return_url: str | None) -> dict[str, Any]:
    """``redirect_to_url`` when the server confirmed with a ``return_url``, else Stripe.js's."""
    source = new_id("src")
    if return_url:
        url = (
            "https://hooks.stripe.com/3d_secure_2/hosted?merchant=acct_fake"
            f"&payment_intent={intent.id}&payment_intent_client_secret={intent.client_secret}"
            f"&publishable_key=pk_test_fake&source={source}"
        )
        redirect = {"url": url, "return_url": return_url}
        return {"type": "redirect_to_url", "redirect_to_url": redirect}
    return {
        "type": "use_stripe_sdk",
        "use_stripe_sdk": {
            "type": "three_d_secure_redirect",
            "stripe_js": f"https://hooks.stripe.com/redirect/authenticate/{source}",
            "source": source,
        },
    }
