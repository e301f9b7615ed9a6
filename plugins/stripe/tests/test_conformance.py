"""The Stripe plugin passes the conformance kit against the fake Stripe on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
import requests
from gateway_plugins_stripe import StripeGatewayPlugin

from gateway_plugins import ErrorCode, GatewayConfig
from gateway_plugins.conformance import (
    ConformanceInputs,
    DeclineInput,
    GatewayConformanceTests,
    ThreeDSecureInput,
)
from plugins.stripe.tests.fake_stripe import FakeStripe


def genuine_notification(fake: FakeStripe) -> tuple[Mapping[str, str], bytes]:
    """A webhook the fake signed: the payment_intent.succeeded of a sale made over its API."""
    reply = requests.post(
        f"{fake.url}/v1/payment_intents",
        data={"amount": 1000, "currency": "usd", "payment_method": "pm_card_visa",
              "confirm": "true", "capture_method": "automatic"},
        headers={"Authorization": f"Bearer {fake.api_key}"},
        timeout=5,
    )  # fmt: skip
    assert reply.status_code == 200, reply.text
    [webhook] = fake.take_webhooks("payment_intent.succeeded")
    return webhook.headers, webhook.body


class TestStripeConformance(GatewayConformanceTests):
    @pytest.fixture
    def conformance_inputs(self, fake_stripe: FakeStripe) -> ConformanceInputs:
        return ConformanceInputs(
            plugin=StripeGatewayPlugin,
            config=GatewayConfig(
                gateway_name="Stripe",
                # KWD is left out: Stripe wants a last digit of 0, and the kit pays
                # 1.234 KWD (test_stripe.py covers Stripe's KWD rule instead).
                supported_currencies="USD, EUR, JPY",
                connection_params={
                    "secret_key": fake_stripe.api_key,
                    "base_url": fake_stripe.url,
                    "webhook_secret": fake_stripe.webhook_secret,
                },
            ),
            success_token="pm_card_visa",
            decline_tokens={
                ErrorCode.DECLINED: DeclineInput("pm_card_chargeDeclined", "generic_decline"),
                ErrorCode.EXPIRED: DeclineInput(
                    "pm_card_chargeDeclinedExpiredCard", "expired_card"
                ),
                ErrorCode.INCORRECT_CVV: DeclineInput(
                    "pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc"
                ),
                ErrorCode.PROCESSING_ERROR: DeclineInput(
                    "pm_card_chargeDeclinedProcessingError", "processing_error"
                ),
            },
            three_d_secure=ThreeDSecureInput(
                "pm_card_threeDSecure2Required", complete=fake_stripe.complete_3ds
            ),
            charges_for=lambda reference: sum(
                movement.payment_intent == reference
                for movement in fake_stripe.ledger.charges() + fake_stripe.ledger.authorizations()
            ),
            notification=lambda: genuine_notification(fake_stripe),
        )
