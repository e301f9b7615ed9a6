"""Saved cards (``reuse_source``), the card on responses, and voids of whole authorizations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import requests
from gateway_plugins_stripe import StripeGatewayPlugin
from gateway_plugins_stripe.testing import FakeStripe, Fault
from gateway_plugins_stripe.voids import LOOKUP_FAILED, VOID_AMOUNT_MISMATCH

from gateway_plugins import (
    CreditCardInfo,
    ErrorCode,
    PaymentData,
    PluginManager,
    RetryAdvice,
    TransactionKind,
)
from gateway_plugins.http import INVALID_REQUEST
from plugins.stripe.tests.stripe_spec import validate_form_request
from plugins.stripe.tests.test_stripe import config_for, pay


@pytest.fixture
def manager(fake_stripe: FakeStripe) -> PluginManager:
    host = PluginManager(discover=False)
    host.register(StripeGatewayPlugin(), "stripe")
    host.configure("stripe", config_for(fake_stripe))
    return host


@pytest.fixture
def plugin(fake_stripe: FakeStripe) -> StripeGatewayPlugin:
    """The plugin called directly (no manager to fill in or check anything)."""
    plugin = StripeGatewayPlugin()
    plugin.configure_gateway(config_for(fake_stripe, auto_capture=False))
    return plugin


def authorize(manager: PluginManager, amount: str = "25.00", **fields: Any) -> PaymentData:
    """An authorization, and the PaymentData a host copies for what follows it."""
    payment = pay(amount, token="pm_card_visa", **fields)
    response = manager.authorize(payment)
    assert response.is_success and response.kind is TransactionKind.AUTH, response
    return payment.model_copy(update={"psp_reference": response.psp_reference})


# -- 3. reuse_source keeps the card ------------------------------------------------------


def test_reuse_source_asks_stripe_to_keep_the_card_for_later_payments(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    first = manager.process_payment(
        pay(token="pm_card_visa", customer_id="cus_shopper", reuse_source=True)
    )
    assert first.is_success and first.raw_response is not None
    sent = fake_stripe.requests[0]
    validate_form_request(sent.method, sent.path, sent.body)
    assert sent.params["setup_future_usage"] == "off_session"
    kept = first.raw_response["payment_method"]
    assert kept.startswith("pm_") and first.customer_id == "cus_shopper"

    # The next payment with the kept card: through the plugin, and by the merchant alone.
    again = manager.process_payment(pay("7.00", token=kept, customer_id="cus_shopper"))
    with requests.Session() as session:
        off_session = session.post(
            fake_stripe.url + "/v1/payment_intents",
            data={"amount": 300, "currency": "usd", "payment_method": kept, "confirm": "true",
                  "customer": "cus_shopper", "off_session": "true"},
            headers={"Authorization": f"Bearer {fake_stripe.api_key}"},
            timeout=5,
        )  # fmt: skip

    assert again.is_success and again.kind is TransactionKind.CAPTURE, again
    assert off_session.status_code == 200 and off_session.json()["status"] == "succeeded"
    assert [amount for _, amount in fake_stripe.ledger.charges()] == [1000, 700, 300]


def test_without_reuse_source_the_card_is_not_kept(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    first = manager.process_payment(pay(token="pm_card_visa", customer_id="cus_shopper"))
    assert first.is_success and first.raw_response is not None
    assert "setup_future_usage" not in fake_stripe.requests[0].params
    assert "payment_method" not in first.raw_response
    used = fake_stripe.payment_intent(first.raw_response["id"])["payment_method"]

    again = manager.process_payment(pay(token=used, customer_id="cus_shopper"))

    assert not again.is_success and len(fake_stripe.ledger.charges()) == 1


# -- 5. card_info on every successful response that has it -----------------------------------


def card_of(fake: FakeStripe) -> CreditCardInfo:
    card = fake.cards["pm_card_visa"]
    return CreditCardInfo(
        last_4=card.last4, exp_month=card.exp_month, exp_year=card.exp_year, brand="visa"
    )


def test_card_info_on_authorize_capture_sale_and_confirmation(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    expected = card_of(fake_stripe)
    authorization = authorize(manager)
    capture = manager.capture(authorization)
    sale = manager.process_payment(pay(token="pm_card_mastercard"))
    challenged = manager.authorize(pay(token="pm_card_threeDSecure2Required"))
    assert challenged.psp_reference and challenged.card_info is None  # no charge yet
    fake_stripe.complete_3ds(challenged.psp_reference)
    confirmed = manager.confirm_payment(pay(psp_reference=challenged.psp_reference))
    auth = fake_stripe.payment_intent(str(authorization.psp_reference))

    assert auth["charges"]["data"][0]["payment_method_details"]["card"]["last4"] == "4242"
    assert capture.is_success and capture.card_info == expected
    assert sale.is_success and sale.card_info is not None
    assert (sale.card_info.brand, sale.card_info.last_4) == ("mastercard", "4444")
    assert confirmed.is_success and confirmed.card_info is not None
    assert confirmed.card_info.last_4 == "3220"


def test_card_info_on_a_direct_authorization(
    plugin: StripeGatewayPlugin, fake_stripe: FakeStripe
) -> None:
    response = plugin.process_payment(pay(token="pm_card_amex"), None)

    assert response.is_success and response.kind is TransactionKind.AUTH
    assert response.card_info is not None
    assert (response.card_info.brand, response.card_info.last_4) == ("amex", "0005")
    assert response.card_info.exp_month == fake_stripe.cards["pm_card_amex"].exp_month


# -- 6. a void releases the whole authorization -----------------------------------------------


def test_a_void_of_part_of_an_authorization_is_refused_before_cancelling(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    authorization = authorize(manager, "25.00")

    response = manager.void(authorization.model_copy(update={"amount": Decimal("3.00")}))

    assert not response.is_success and response.kind is TransactionKind.VOID
    assert response.psp_error_code == VOID_AMOUNT_MISMATCH
    assert (response.error_code, response.retry_advice) == (
        ErrorCode.PROCESSING_ERROR,
        RetryAdvice.DO_NOT_RETRY,
    )
    assert "2500" in str(response.psp_error_message)
    assert fake_stripe.ledger.voids() == []
    assert [r.method for r in fake_stripe.requests[1:]] == ["GET"]  # read, never cancelled
    assert fake_stripe.payment_intent(str(authorization.psp_reference))["status"] == (
        "requires_capture"
    )


def test_a_void_in_another_currency_is_refused(
    fake_stripe: FakeStripe, manager: PluginManager
) -> None:
    authorization = authorize(manager, "25.00")

    response = manager.void(authorization.model_copy(update={"currency": "EUR"}))

    assert response.psp_error_code == VOID_AMOUNT_MISMATCH and fake_stripe.ledger.voids() == []


def test_a_whole_void_reports_the_amount_released(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    authorization = authorize(manager, "25.00")
    # The lookup's reply is lost once: a GET is retried, and nothing is cancelled twice.
    fake_stripe.inject(Fault.DROP_AFTER_PROCESSING, method="GET")

    response = manager.void(authorization)

    assert response.is_success and response.kind is TransactionKind.VOID
    assert response.amount == Decimal("25.00") and response.currency == "USD"
    assert response.card_info is not None and response.card_info.last_4 == "4242"
    assert fake_stripe.ledger.voids() == [(authorization.psp_reference, 2500)]
    assert [r.method for r in fake_stripe.requests[1:]] == ["GET", "GET", "POST"]


def test_a_void_whose_lookup_fails_cancels_nothing_and_may_be_retried(
    plugin: StripeGatewayPlugin, fake_stripe: FakeStripe
) -> None:
    authorization = pay("25.00", token="pm_card_visa")
    auth = plugin.authorize(authorization, None)
    void = authorization.model_copy(update={"psp_reference": auth.psp_reference})
    fake_stripe.inject(Fault.STATUS_503, times=3, method="GET")

    failed = plugin.void(void, None)
    retried = plugin.void(void, None)

    assert not failed.is_success and failed.psp_error_code == LOOKUP_FAILED
    assert failed.retry_advice is RetryAdvice.RETRY_LATER
    assert failed.idempotency_key == void.idempotency_key
    assert retried.is_success and fake_stripe.ledger.voids() == [(auth.psp_reference, 2500)]


def test_a_void_of_an_unknown_payment_intent_is_stripes_error(
    plugin: StripeGatewayPlugin, fake_stripe: FakeStripe
) -> None:
    response = plugin.void(pay(psp_reference="pi_unknown"), None)

    assert not response.is_success and response.psp_error_code == "resource_missing"
    assert [r.method for r in fake_stripe.requests] == ["GET"]


def test_a_void_of_an_amount_stripe_cannot_take_is_refused_before_any_call(
    plugin: StripeGatewayPlugin, fake_stripe: FakeStripe
) -> None:
    response = plugin.void(pay("1.234", "KWD", psp_reference="pi_anything"), None)

    assert not response.is_success and response.psp_error_code == INVALID_REQUEST
    assert fake_stripe.requests == []


def test_a_void_without_a_reference_names_the_field(plugin: StripeGatewayPlugin) -> None:
    response = plugin.void(pay(), None)

    assert not response.is_success and "psp_reference" in str(response.psp_error_message)
