"""The conformance kit's inputs for the Authorize.Net plugin, against a fake Authorize.Net.

``AuthorizeNetGatewayPlugin().conformance_inputs()`` points them at one fake
(a USD account) per process, started on first use and stopped at exit, so that
``gateway-plugins check authorizenet`` needs nothing else; the plugin's own
tests build them around a fake of each test's (USD, JPY and KWD accounts) with
:func:`inputs_for`.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import SecretStr

from gateway_plugins import ErrorCode, GatewayConfig
from gateway_plugins.conformance import ConformanceInputs, DeclineInput, shared_server

from .cards import FUTURE, SANDBOX_CARDS
from .server import FakeAuthorizeNet


def inputs_for(fake: FakeAuthorizeNet, plugin: object = None) -> ConformanceInputs:
    """The kit's inputs for the gateway pointed at ``fake`` (in the fake's currency)."""

    def notification() -> tuple[Mapping[str, str], bytes]:
        # A genuine webhook, signed by the fake: the one its sale raises.
        fake.sale("1000" if fake.account.currency == "JPY" else "10.00")
        return fake.notifications()[-1]

    card = {"expiration_date": FUTURE}
    currency = fake.account.currency
    return ConformanceInputs(
        plugin=plugin,
        config=GatewayConfig(
            gateway_name="Authorize.Net",
            # One currency per Authorize.Net account: the fake's.
            supported_currencies=currency,
            connection_params={
                "api_login_id": fake.api_login_id,
                "transaction_key": fake.transaction_key,
                "signature_key": SecretStr(fake.signature_key),
                "base_url": fake.url,
                "read_timeout": 2.0,
                # Authorize.Net's default duplicate window (120 s), as a shop runs it: the
                # kit pays 10.00 with one test card many times a second, each payment its
                # own PaymentData and so its own poNumber, never taken for a duplicate.
            },
        ),
        currencies=(currency,),
        success_token="fake-nonce-visa",  # noqa: S106 (a test nonce, not a password)
        decline_tokens={
            ErrorCode.DECLINED: DeclineInput("fake-nonce-declined", "2"),
            ErrorCode.EXPIRED: DeclineInput("fake-nonce-expired", "8"),
            ErrorCode.INCORRECT_CVV: DeclineInput("fake-nonce-cvv-mismatch", "65"),
            ErrorCode.INCORRECT_ADDRESS: DeclineInput("fake-nonce-avs-mismatch", "27"),
            # Reason 27 is the AVS reason for address and ZIP alike; the avsResultCode
            # (A) makes it incorrect_zip, which the kit's table check cannot see, so
            # the raw code is left unchecked here (test_authorizenet.py checks it).
            ErrorCode.INCORRECT_ZIP: DeclineInput("fake-nonce-zip-mismatch"),
            ErrorCode.INVALID_NUMBER: DeclineInput("4111111111111112", "6", card),
            ErrorCode.INVALID_EXPIRY_DATE: DeclineInput(
                SANDBOX_CARDS["visa"], "7", {"expiration_date": "2039-13"}
            ),
            # An American Express card takes a 4-digit card code; 3 digits are reason 78.
            # (A code that is not 3 or 4 digits breaks the XSD: the plugin refuses it.)
            ErrorCode.INVALID_CVV: DeclineInput(
                SANDBOX_CARDS["amex"], "78", {**card, "card_code": "123"}
            ),
            # An Accept.js nonce Authorize.Net does not know (used, expired, forged).
            ErrorCode.PROCESSING_ERROR: DeclineInput("fake-nonce-unknown", "E00114"),
        },
        notification=notification,
    )


def conformance_inputs() -> ConformanceInputs:
    """The inputs against this process's fake Authorize.Net (a USD account) on 127.0.0.1."""
    return inputs_for(shared_server(FakeAuthorizeNet))
