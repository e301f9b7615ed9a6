"""The conformance kit's inputs for the Stripe plugin, against a fake Stripe.

``StripeGatewayPlugin().conformance_inputs()`` points them at one fake Stripe
per process (started on first use, stopped at exit), so that
``gateway-plugins check stripe`` needs nothing else; the plugin's own tests
build them around a fake of each test's with :func:`inputs_for`.
"""

from __future__ import annotations

from collections.abc import Mapping

import requests

from gateway_plugins import ErrorCode, GatewayConfig
from gateway_plugins.conformance import (
    ConformanceInputs,
    DeclineInput,
    ThreeDSecureInput,
    shared_server,
)

from .server import FakeStripe


def genuine_notification(fake: FakeStripe) -> tuple[Mapping[str, str], bytes]:
    """A webhook the fake signed: the payment_intent.succeeded of a sale made over its API."""
    reply = requests.post(
        f"{fake.url}/v1/payment_intents",
        data={"amount": 1000, "currency": "usd", "payment_method": "pm_card_visa",
              "confirm": "true", "capture_method": "automatic"},
        headers={"Authorization": f"Bearer {fake.api_key}"},
        timeout=5,
    )  # fmt: skip
    if reply.status_code != 200:
        raise RuntimeError(f"the fake Stripe refused a sale: {reply.status_code} {reply.text}")
    intent = reply.json()["id"]
    # A fake shared by a process holds the events of earlier payments too.
    events = fake.take_webhooks("payment_intent.succeeded")
    [webhook] = [event for event in events if intent in event.body.decode()]
    return webhook.headers, webhook.body


def charges_for(fake: FakeStripe, reference: str) -> int:
    """How many times the fake charged (or authorized) the PaymentIntent ``reference``."""
    movements = fake.ledger.charges() + fake.ledger.authorizations()
    return sum(movement.payment_intent == reference for movement in movements)


def inputs_for(fake: FakeStripe, plugin: object = None) -> ConformanceInputs:
    """The kit's inputs for the Stripe plugin configured against ``fake``."""
    return ConformanceInputs(
        plugin=plugin,
        config=GatewayConfig(
            gateway_name="Stripe",
            # KWD is left out: Stripe wants a last digit of 0, and the kit pays
            # 1.234 KWD (test_stripe.py covers Stripe's KWD rule instead).
            supported_currencies="USD, EUR, JPY",
            connection_params={
                "secret_key": fake.api_key,
                "base_url": fake.url,
                "webhook_secret": fake.webhook_secret,
            },
        ),
        success_token="pm_card_visa",  # noqa: S106 (a test PaymentMethod, not a password)
        decline_tokens={
            ErrorCode.DECLINED: DeclineInput("pm_card_chargeDeclined", "generic_decline"),
            ErrorCode.EXPIRED: DeclineInput("pm_card_chargeDeclinedExpiredCard", "expired_card"),
            ErrorCode.INCORRECT_CVV: DeclineInput(
                "pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc"
            ),
            ErrorCode.PROCESSING_ERROR: DeclineInput(
                "pm_card_chargeDeclinedProcessingError", "processing_error"
            ),
        },
        three_d_secure=ThreeDSecureInput(
            "pm_card_threeDSecure2Required", complete=fake.complete_3ds
        ),
        charges_for=lambda reference: charges_for(fake, reference),
        notification=lambda: genuine_notification(fake),
    )


def conformance_inputs() -> ConformanceInputs:
    """The inputs against this process's fake Stripe on 127.0.0.1."""
    return inputs_for(shared_server(FakeStripe))
