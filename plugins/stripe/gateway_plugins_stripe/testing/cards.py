"""Stripe's test PaymentMethods (Stripe docs: testing; psp-reference §3.6) and how each behaves."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

#: Stripe accepts any future expiry for test cards.
_EXP_YEAR = datetime.date.today().year + 3


@dataclass(frozen=True)
class Decline:
    """A card error at authorisation: Stripe's ``code``, ``decline_code`` and message.

    ``outcome_*`` fill the failed charge's ``outcome`` (issuer decline, or a
    Radar block that never reached the network).
    """

    code: str
    decline_code: str | None
    message: str
    param: str | None = None
    outcome_type: str = "issuer_declined"
    network_status: str = "declined_by_network"
    risk_level: str = "normal"
    seller_message: str = "The bank did not return any further details with this decline."


@dataclass(frozen=True)
class Card:
    """How one test PaymentMethod behaves when a PaymentIntent is confirmed with it.

    ``three_d_secure``: ``required`` always ends in ``requires_action``;
    ``supported`` only when the request asks for it
    (``payment_method_options[card][request_three_d_secure]=any``). Which cards
    count as ``supported`` is the fake's choice (Stripe: "4242… supports 3D
    Secure 2 but doesn't require it").
    """

    brand: str
    last4: str
    decline: Decline | None = None
    three_d_secure: Literal["required", "supported", "not_supported"] = "not_supported"
    decline_after_3ds: Decline | None = None
    cvc_check: str | None = "pass"
    address_postal_code_check: str | None = None
    address_line1_check: str | None = None
    refund_status: Literal["succeeded", "pending"] = "succeeded"
    country: str = "US"
    funding: str = "credit"
    exp_month: int = 12
    exp_year: int = _EXP_YEAR

    def details(self) -> dict[str, object]:
        """The card fields shared by ``payment_method.card`` and the charge's details."""
        return {
            "brand": self.brand,
            "checks": {
                "address_line1_check": self.address_line1_check,
                "address_postal_code_check": self.address_postal_code_check,
                "cvc_check": self.cvc_check,
            },
            "country": self.country,
            "exp_month": self.exp_month,
            "exp_year": self.exp_year,
            "fingerprint": f"fp{self.brand[:4]}{self.last4}fake",
            "funding": self.funding,
            "last4": self.last4,
            "wallet": None,
        }


_DECLINED = "Your card was declined."

GENERIC_DECLINE = Decline("card_declined", "generic_decline", _DECLINED)
INSUFFICIENT_FUNDS = Decline(
    "card_declined", "insufficient_funds", "Your card has insufficient funds."
)
#: What ``error_on_requires_action=true`` or ``off_session=true`` turns a 3-D Secure
#: challenge into.
AUTHENTICATION_REQUIRED = Decline(
    "authentication_required",
    "authentication_required",
    "Your card was declined. This transaction requires authentication.",
)

TEST_CARDS: dict[str, Card] = {
    # Successful payments.
    "pm_card_visa": Card("visa", "4242", three_d_secure="supported"),
    "pm_card_mastercard": Card("mastercard", "4444", three_d_secure="supported"),
    "pm_card_amex": Card("amex", "0005", three_d_secure="supported"),
    # Declines at authorisation (HTTP 402 card_error).
    "pm_card_chargeDeclined": Card("visa", "0002", GENERIC_DECLINE),
    "pm_card_chargeDeclinedInsufficientFunds": Card("visa", "9995", INSUFFICIENT_FUNDS),
    "pm_card_chargeDeclinedLostCard": Card(
        "visa", "9987", Decline("card_declined", "lost_card", _DECLINED)
    ),
    "pm_card_chargeDeclinedStolenCard": Card(
        "visa", "9979", Decline("card_declined", "stolen_card", _DECLINED)
    ),
    "pm_card_chargeDeclinedExpiredCard": Card(
        "visa",
        "0069",
        Decline("expired_card", "expired_card", "Your card has expired.", param="exp_month"),
    ),
    "pm_card_chargeDeclinedIncorrectCvc": Card(
        "visa",
        "0127",
        Decline("incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect.", "cvc"),
        cvc_check="fail",
    ),
    "pm_card_chargeDeclinedProcessingError": Card(
        "visa",
        "0119",
        Decline(
            "processing_error",
            "processing_error",
            "An error occurred while processing your card. Try again in a little bit.",
        ),
    ),
    "pm_card_visa_chargeDeclinedVelocityLimitExceeded": Card(
        "visa",
        "6975",
        Decline(
            "card_declined",
            "card_velocity_exceeded",
            "Your card was declined for making repeated attempts too frequently or exceeding"
            " its amount limit.",
        ),
    ),
    "pm_card_radarBlock": Card(
        "visa",
        "0019",
        Decline(
            "card_declined",
            "fraudulent",
            _DECLINED,
            outcome_type="blocked",
            network_status="not_sent_to_network",
            risk_level="highest",
            seller_message="Stripe blocked this payment as too risky.",
        ),
    ),
    # Stripe: attaching works, charging fails. Without customers in the fake: a decline.
    "pm_card_chargeCustomerFail": Card("visa", "0341", GENERIC_DECLINE),
    # Authorised, but a check failed: the charge succeeds (Radar rules could block it).
    "pm_card_cvcCheckFail": Card("visa", "0101", cvc_check="fail"),
    "pm_card_avsZipFail": Card(
        "visa", "0036", address_postal_code_check="fail", address_line1_check="pass"
    ),
    "pm_card_avsFail": Card(
        "visa", "0010", address_postal_code_check="fail", address_line1_check="fail"
    ),
    # 3-D Secure.
    "pm_card_threeDSecure2Required": Card("visa", "3220", three_d_secure="required"),
    "pm_card_authenticationRequired": Card("visa", "3155", three_d_secure="required"),
    "pm_card_threeDSecureOptional": Card("visa", "3055", three_d_secure="supported"),
    "pm_card_threeDSecureRequiredChargeDeclined": Card(
        "visa", "3178", three_d_secure="required", decline_after_3ds=INSUFFICIENT_FUNDS
    ),
    # Refunds: created as ``pending``; ``FakeStripe.settle_refund`` decides the outcome.
    "pm_card_pendingRefund": Card("visa", "7726", refund_status="pending"),
}
