"""The account's PaymentMethods: made from test card aliases, used once unless kept.

Confirming a PaymentIntent with a test card alias (``pm_card_visa``) makes a
new PaymentMethod (``pm_…``) each time, as Stripe does. A PaymentIntent created
with ``setup_future_usage`` that succeeds keeps its PaymentMethod, attached to
the intent's ``customer``; it may then be charged again (``off_session`` too)
for that customer. Any other used PaymentMethod is refused, as at Stripe: one
used without a Customer "may not be used again", one of another customer
needs that customer. Attaching a PaymentMethod later is not simulated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .cards import Card
from .fields import complete
from .objects import billing_details, new_id, now
from .wire import invalid, missing


@dataclass
class PaymentMethod:
    """A PaymentMethod made from a test card alias; ``kept`` by ``setup_future_usage``."""

    id: str
    card: Card
    created: int
    customer: str | None = None
    used: bool = False
    kept: bool = False


class PaymentMethods:
    """The account's PaymentMethods by ``pm_…`` id, and the test cards they are made from."""

    def __init__(self, cards: Mapping[str, Card]) -> None:
        self.cards = cards
        self.by_id: dict[str, PaymentMethod] = {}

    def check(self, alias: str) -> None:
        """``alias`` names a test card or a PaymentMethod of the account; else Stripe's 400."""
        if alias not in self.cards and alias not in self.by_id:
            error = missing("PaymentMethod", alias, "payment_method")
            error.stored = False  # a parameter that failed validation
            raise error

    def for_confirmation(self, alias: str, customer: str | None) -> PaymentMethod:
        """The PaymentMethod a confirmation charges (marked used): a new one for a test
        card alias, or one of the account's if it may be charged again for ``customer``."""
        self.check(alias)
        card = self.cards.get(alias)
        if card is not None:
            method = PaymentMethod(new_id("pm"), card, now())
            self.by_id[method.id] = method
        else:
            method = self.by_id[alias]
            _check_reuse(method, customer)
        method.used = True
        return method

    def keep(self, method_id: str, customer: str | None) -> None:
        """``setup_future_usage``: keep the PaymentMethod, attached to ``customer`` if any."""
        method = self.by_id[method_id]
        method.kept = True
        method.customer = method.customer or customer

    def json(self, method_id: str) -> dict[str, Any]:
        """A PaymentMethod as Stripe shows it (errors embed it)."""
        method = self.by_id[method_id]
        card = method.card
        details = {
            **card.details(),
            "networks": {"available": [card.brand], "preferred": None},
            "three_d_secure_usage": {"supported": card.three_d_secure != "not_supported"},
        }
        return complete(
            "payment_method",
            {
                "id": method.id,
                "object": "payment_method",
                "billing_details": billing_details(),
                "card": complete("payment_method_card", details),
                "created": method.created,
                "customer": method.customer,
                "livemode": False,
                "metadata": {},
                "type": "card",
            },
        )


def _check_reuse(method: PaymentMethod, customer: str | None) -> None:
    if method.used and method.customer is None:
        raise invalid(
            "The provided PaymentMethod was previously used with a PaymentIntent without"
            " Customer attachment, shared with a connected account without Customer"
            " attachment, or was detached from a Customer. It may not be used again. To use"
            " a PaymentMethod multiple times, you must attach it to a Customer first.",
            param="payment_method",
        )
    if method.customer is not None and method.customer != customer:
        # The fake's wording: Stripe refuses a PaymentMethod of another customer.
        raise invalid(
            f"The provided PaymentMethod belongs to Customer {method.customer}; pass"
            " customer with the PaymentMethod's Customer to use it.",
            param="customer",
        )
