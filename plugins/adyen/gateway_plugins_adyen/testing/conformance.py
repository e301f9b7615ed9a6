"""The conformance kit's inputs for the Adyen plugin, against a fake Adyen.

``AdyenGatewayPlugin().conformance_inputs()`` points them at one fake Adyen per
process (started on first use, stopped at exit), so that
``gateway-plugins check adyen`` needs nothing else; the plugin's own tests
build them around a fake of each test's with :func:`inputs_for`.

The kit's payments carry a token, so its cards are stored for one shopper
(``payment_fields`` gives every payment that ``customer_id``) and paid on file.
"""

from __future__ import annotations

from collections.abc import Mapping

from gateway_plugins import ErrorCode, GatewayConfig
from gateway_plugins.conformance import (
    ConformanceInputs,
    DeclineInput,
    ThreeDSecureInput,
    shared_server,
)

from .server import FakeAdyen

SHOPPER = "kit-shopper-1"


def _acquirer(code: str) -> Mapping[str, object]:
    return {"additional_data": {"RequestedTestAcquirerResponseCode": code}}


def inputs_for(fake: FakeAdyen, plugin: object = None) -> ConformanceInputs:
    """The kit's inputs for the Adyen plugin configured against ``fake``."""
    visa = fake.store_card(SHOPPER)

    def stored(holder: str, number: str = "4111111111111111") -> str:
        return fake.store_card(SHOPPER, number, holder_name=holder)

    def genuine_notification() -> tuple[Mapping[str, str], bytes]:
        webhook = fake.sample_webhook()
        return webhook.headers, webhook.body

    return ConformanceInputs(
        plugin=plugin,
        config=GatewayConfig(
            gateway_name="Adyen",
            # CVE and IDR are left out: Adyen takes whole escudos and rupiah only and
            # the kit pays 12.34 (test_adyen.py and test_currencies.py cover them).
            supported_currencies="EUR, USD, JPY, KWD, CLP, ISK",
            connection_params={
                "api_key": fake.api_key,
                "merchant_account": fake.merchant_account,
                "hmac_key": fake.hmac_key,
                "base_url": fake.url,
                "return_url": "https://shop.example/checkout/return",
            },
        ),
        payment_fields={"customer_id": SHOPPER},
        success_token=visa,
        decline_tokens={
            ErrorCode.DECLINED: DeclineInput(stored("DECLINED"), "2"),
            ErrorCode.EXPIRED: DeclineInput(stored("CARD_EXPIRED"), "6"),
            ErrorCode.PROCESSING_ERROR: DeclineInput(stored("ERROR"), "4"),
            ErrorCode.INCORRECT_CVV: DeclineInput(visa, "24", _acquirer("24")),
            ErrorCode.INCORRECT_ADDRESS: DeclineInput(visa, "32", _acquirer("32")),
            ErrorCode.INCORRECT_NUMBER: DeclineInput(visa, "8", _acquirer("8")),
        },
        three_d_secure=ThreeDSecureInput(
            stored("J. Smith", "4917610000000000"), complete=fake.complete_3ds
        ),
        charges_for=fake.charges_for,
        notification=genuine_notification,
        # Captures, refunds and cancels answer "received"; the kit settles the fake
        # and follows each to its CAPTURE/REFUND/CANCELLATION webhook.
        settle=lambda: [(w.headers, w.body) for w in fake.settle()],
    )


def conformance_inputs() -> ConformanceInputs:
    """The inputs against this process's fake Adyen on 127.0.0.1."""
    return inputs_for(shared_server(FakeAdyen))
