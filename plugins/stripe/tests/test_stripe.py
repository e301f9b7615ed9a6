"""The Stripe plugin against a fake Stripe on 127.0.0.1: flows, errors, faults, spec, secrets."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from gateway_plugins_stripe import StripeGatewayPlugin
from gateway_plugins_stripe.testing import FakeStripe, Fault

from gateway_plugins import (
    ActionKind,
    ClientTokenError,
    ErrorCode,
    GatewayConfig,
    GatewayResponse,
    PaymentData,
    PluginManager,
    RetryAdvice,
    TransactionKind,
    hookimpl,
)
from gateway_plugins.contract import ECHO_MISMATCH
from gateway_plugins.http import INVALID_REQUEST, OUTCOME_UNKNOWN
from plugins.stripe.tests.stripe_spec import validate_form_request


def config_for(fake: FakeStripe, **params: Any) -> GatewayConfig:
    return GatewayConfig(
        gateway_name="Stripe",
        auto_capture=params.pop("auto_capture", True),
        require_3d_secure=params.pop("require_3d_secure", False),
        supported_currencies="USD, EUR, JPY, KWD, ISK",
        connection_params={
            "secret_key": fake.api_key,
            "base_url": fake.url,
            "read_timeout": 1.0,
            **params,
        },
    )


@pytest.fixture
def manager(fake_stripe: FakeStripe) -> Iterator[PluginManager]:
    host = PluginManager(discover=False)
    host.register(StripeGatewayPlugin(), "stripe")
    host.configure("stripe", config_for(fake_stripe))
    yield host
    # Every body the plugin sent must be valid for Stripe's own OpenAPI spec.
    for request in fake_stripe.requests:
        if request.method == "POST":
            validate_form_request(request.method, request.path, request.body)


def pay(amount: str = "10.00", currency: str = "USD", **fields: Any) -> PaymentData:
    return PaymentData(gateway="stripe", amount=amount, currency=currency, **fields)


def authorized(manager: PluginManager, amount: str = "10.00") -> str:
    response = manager.authorize(pay(amount, token="pm_card_visa"))
    assert response.is_success and response.kind is TransactionKind.AUTH, response
    assert response.psp_reference
    return response.psp_reference


# -- Flows -------------------------------------------------------------------------


def test_authorize_then_capture(manager: PluginManager, fake_stripe: FakeStripe) -> None:
    reference = authorized(manager)

    capture = manager.capture(pay(psp_reference=reference))

    assert capture.is_success and capture.kind is TransactionKind.CAPTURE
    assert capture.amount == Decimal("10.00")
    assert fake_stripe.ledger.captured(reference) == 1000
    sent = fake_stripe.requests[0].params
    assert sent["capture_method"] == "manual" and sent["confirm"] == "true"
    assert sent["currency"] == "usd" and sent["amount"] == "1000"


def test_partial_capture_releases_the_rest(manager: PluginManager, fake_stripe: FakeStripe) -> None:
    reference = authorized(manager)

    capture = manager.capture(pay("4.00", psp_reference=reference))
    second = manager.capture(pay("6.00", psp_reference=reference))

    assert capture.is_success and capture.amount == Decimal("4.00")
    assert not second.is_success  # Stripe captures once; the rest was released
    assert second.error_code is ErrorCode.PROCESSING_ERROR
    assert fake_stripe.ledger.captured(reference) == 400


def test_over_capture_is_rejected(manager: PluginManager, fake_stripe: FakeStripe) -> None:
    reference = authorized(manager)

    response = manager.capture(pay("10.01", psp_reference=reference))

    assert not response.is_success and response.error_code is ErrorCode.PROCESSING_ERROR
    assert fake_stripe.ledger.captured(reference) == 0


def test_capture_without_authorization_is_a_sale(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    response = manager.capture(pay(token="pm_card_visa"))

    assert response.is_success and response.kind is TransactionKind.CAPTURE
    assert fake_stripe.requests[0].params["capture_method"] == "automatic"


def test_refunds_partial_and_multiple(manager: PluginManager, fake_stripe: FakeStripe) -> None:
    sale = manager.process_payment(pay(token="pm_card_visa"))
    assert sale.is_success and sale.kind is TransactionKind.CAPTURE

    first = manager.refund(pay("3.00", psp_reference=sale.psp_reference))
    second = manager.refund(pay("7.00", psp_reference=sale.psp_reference))
    beyond = manager.refund(pay("0.01", psp_reference=sale.psp_reference))

    assert first.is_success and second.is_success and first.kind is TransactionKind.REFUND
    assert not beyond.is_success and beyond.error_code is ErrorCode.PROCESSING_ERROR
    assert fake_stripe.ledger.refunded(sale.psp_reference) == 1000


def test_void_after_authorize_and_not_after_capture(manager: PluginManager) -> None:
    voided = manager.void(pay(psp_reference=authorized(manager)))
    sale = manager.process_payment(pay(token="pm_card_visa"))
    late = manager.void(pay(psp_reference=sale.psp_reference))

    assert voided.is_success and voided.kind is TransactionKind.VOID
    assert not late.is_success and late.error_code is ErrorCode.PROCESSING_ERROR


def test_process_payment_follows_auto_capture(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    manager.configure("stripe", config_for(fake_stripe, auto_capture=False))

    response = manager.process_payment(pay(token="pm_card_visa"))

    assert response.is_success and response.kind is TransactionKind.AUTH


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("1000", "JPY", "1000"), ("1.23", "KWD", "1230"), ("5", "ISK", "500")],
)
def test_stripe_minor_units(
    manager: PluginManager, fake_stripe: FakeStripe, amount: str, currency: str, minor: str
) -> None:
    response = manager.process_payment(pay(amount, currency, token="pm_card_visa"))

    assert response.is_success and response.amount == Decimal(amount)
    assert fake_stripe.requests[0].params["amount"] == minor


def test_an_amount_stripe_cannot_take_is_refused_before_sending(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    response = manager.process_payment(pay("1.234", "KWD", token="pm_card_visa"))

    assert response.psp_error_code == INVALID_REQUEST and not response.is_success
    assert fake_stripe.requests == []


# -- Declines and errors -------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "code", "psp_code", "retry"),
    [
        ("pm_card_chargeDeclined", ErrorCode.DECLINED, "generic_decline", RetryAdvice.DO_NOT_RETRY),
        ("pm_card_chargeDeclinedInsufficientFunds", ErrorCode.DECLINED, "insufficient_funds",
         RetryAdvice.DO_NOT_RETRY),
        ("pm_card_chargeDeclinedLostCard", ErrorCode.DECLINED, "lost_card",
         RetryAdvice.DO_NOT_RETRY),
        ("pm_card_chargeDeclinedStolenCard", ErrorCode.DECLINED, "stolen_card",
         RetryAdvice.DO_NOT_RETRY),
        ("pm_card_radarBlock", ErrorCode.DECLINED, "fraudulent", RetryAdvice.DO_NOT_RETRY),
        ("pm_card_chargeDeclinedExpiredCard", ErrorCode.EXPIRED, "expired_card",
         RetryAdvice.DO_NOT_RETRY),
        ("pm_card_chargeDeclinedIncorrectCvc", ErrorCode.INCORRECT_CVV, "incorrect_cvc",
         RetryAdvice.DO_NOT_RETRY),
        ("pm_card_chargeDeclinedProcessingError", ErrorCode.PROCESSING_ERROR, "processing_error",
         RetryAdvice.RETRY_LATER),
    ],
)  # fmt: skip
def test_declines_map_through_the_table(
    manager: PluginManager, token: str, code: ErrorCode, psp_code: str, retry: RetryAdvice
) -> None:
    response = manager.authorize(pay(token=token))

    assert not response.is_success
    assert (response.error_code, response.psp_error_code, response.retry_advice) == (
        code,
        psp_code,
        retry,
    )
    assert response.psp_error_message  # Stripe's own text is kept
    assert response.amount == Decimal("10.00") and response.currency == "USD"


def test_an_unknown_payment_method_is_a_processing_error(manager: PluginManager) -> None:
    response = manager.authorize(pay(token="pm_card_nonexistent"))

    assert response.error_code is ErrorCode.PROCESSING_ERROR
    assert response.psp_error_code == "resource_missing"


def test_a_wrong_secret_key_is_a_processing_error_without_the_key(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    manager.configure("stripe", config_for(fake_stripe, secret_key="sk_test_wrong_key_123"))

    response = manager.authorize(pay(token="pm_card_visa"))

    assert response.error_code is ErrorCode.PROCESSING_ERROR
    assert "sk_test_wrong_key_123" not in response.model_dump_json()


def test_a_missing_secret_key_is_refused_at_configuration(fake_stripe: FakeStripe) -> None:
    host = PluginManager(discover=False)
    host.register(StripeGatewayPlugin(), "stripe")

    with pytest.raises(ValueError, match="secret_key is required"):
        host.configure("stripe", GatewayConfig(gateway_name="S", supported_currencies="USD"))


# -- 3-D Secure ------------------------------------------------------------------------


def test_three_d_secure_then_confirm(manager: PluginManager, fake_stripe: FakeStripe) -> None:
    manager.configure(
        "stripe", config_for(fake_stripe, auto_capture=False, return_url="https://shop.test/3ds")
    )
    response = manager.authorize(pay(token="pm_card_threeDSecure2Required"))

    assert response.is_success and response.action_required
    assert response.kind is TransactionKind.ACTION_TO_CONFIRM
    action = response.action_required_data
    assert action is not None and action.kind is ActionKind.THREE_D_SECURE
    assert action.url is not None and action.url.startswith("http")
    assert action.sdk_data is not None and action.sdk_data["client_secret"]
    assert action.sdk_data["next_action"]["type"] == "redirect_to_url"
    assert "client_secret" not in (response.raw_response or {})

    fake_stripe.complete_3ds(action.psp_reference, succeed=True)
    confirmed = manager.confirm_payment(pay(psp_reference=response.psp_reference))

    assert confirmed.is_success and confirmed.kind is TransactionKind.AUTH


def test_failed_three_d_secure_is_declined(manager: PluginManager, fake_stripe: FakeStripe) -> None:
    response = manager.authorize(pay(token="pm_card_threeDSecure2Required"))
    assert response.psp_reference
    fake_stripe.complete_3ds(response.psp_reference, succeed=False)

    confirmed = manager.confirm_payment(pay(psp_reference=response.psp_reference))

    assert not confirmed.is_success and confirmed.error_code is ErrorCode.DECLINED
    assert confirmed.psp_error_code == "payment_intent_authentication_failure"


# -- Client tokens -----------------------------------------------------------------


def test_client_token_is_a_fresh_setup_intent_secret(manager: PluginManager) -> None:
    first, second = manager.get_client_token("stripe"), manager.get_client_token("stripe")

    assert first != second and first.startswith("seti_") and "_secret_" in first


def test_client_token_failure_is_typed(manager: PluginManager, fake_stripe: FakeStripe) -> None:
    fake_stripe.inject(Fault.STATUS_503, times=5)

    with pytest.raises(ClientTokenError, match="'stripe'"):
        manager.get_client_token("stripe")


# -- Faults --------------------------------------------------------------------------


@pytest.mark.parametrize("fault", [Fault.STATUS_500, Fault.STATUS_502, Fault.STATUS_503,
                                   Fault.STATUS_429, Fault.DROP_BEFORE_PROCESSING])  # fmt: skip
def test_transient_faults_are_retried_with_the_same_key(
    manager: PluginManager, fake_stripe: FakeStripe, fault: Fault
) -> None:
    fake_stripe.inject(fault, retry_after=0)

    response = manager.authorize(pay(token="pm_card_visa"))

    assert response.is_success
    keys = {r.idempotency_key for r in fake_stripe.requests}
    assert len(fake_stripe.requests) == 2 and len(keys) == 1
    assert len(fake_stripe.ledger.authorizations()) == 1


def test_a_dropped_reply_never_charges_twice(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    trials = 25
    for _ in range(trials):
        fake_stripe.inject(Fault.DROP_AFTER_PROCESSING, path="/v1/payment_intents")
        response = manager.process_payment(pay(token="pm_card_visa"))
        assert response.is_success, response

    charges = fake_stripe.ledger.charges()
    assert len(charges) == trials  # one charge per payment, none doubled
    assert len({reference for reference, _ in charges}) == trials
    assert sum(r.replayed for r in fake_stripe.requests) == trials


def test_a_slow_reply_on_every_try_is_an_unknown_outcome(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    fake_stripe.inject(Fault.SLOW, seconds=1.5, times=3, after_processing=True)
    payment = pay(token="pm_card_visa")

    response = manager.process_payment(payment)

    assert not response.is_success and response.psp_error_code == OUTCOME_UNKNOWN
    assert response.retry_advice is RetryAdvice.RETRY_LATER
    assert response.idempotency_key == payment.idempotency_key
    # The host retries the same PaymentData: Stripe replays, nothing is charged again.
    retried = manager.process_payment(payment)
    assert retried.is_success and len(fake_stripe.ledger.charges()) == 1


@pytest.mark.parametrize("fault", [Fault.MALFORMED_JSON, Fault.HTML_ERROR])
def test_an_unreadable_reply_is_an_unknown_outcome(
    manager: PluginManager, fake_stripe: FakeStripe, fault: Fault
) -> None:
    fake_stripe.inject(fault, times=3, after_processing=True)

    response = manager.process_payment(pay(token="pm_card_visa"))

    assert not response.is_success
    if fault is Fault.MALFORMED_JSON:  # a 200 we cannot read: the charge may have happened
        assert response.psp_error_code == OUTCOME_UNKNOWN
    else:  # a 502 page, after retries: a transient processing error
        assert response.retry_advice is RetryAdvice.RETRY_LATER


def test_a_reply_for_another_amount_is_flagged(fake_stripe: FakeStripe) -> None:
    class Tampering(StripeGatewayPlugin):
        """Stripe, but reporting one cent more than asked (a PSP bug, simulated)."""

        @hookimpl
        def authorize(self, payment_information: PaymentData, previous_value: Any) -> Any:
            real = super().authorize(payment_information, previous_value)
            return real.model_copy(update={"amount": real.amount + Decimal("0.01")})

    host = PluginManager(discover=False)
    host.register(Tampering(), "stripe")
    host.configure("stripe", config_for(fake_stripe))

    response = host.authorize(pay(token="pm_card_visa"))

    assert not response.is_success and response.psp_error_code == ECHO_MISMATCH


# -- Card data and secrets -----------------------------------------------------------


def test_no_secret_or_card_data_in_logs_or_responses(
    manager: PluginManager, fake_stripe: FakeStripe, caplog: pytest.LogCaptureFixture
) -> None:
    card = "4242424242424242"
    responses: list[GatewayResponse] = []
    with caplog.at_level(logging.DEBUG):
        responses.append(manager.authorize(pay(token="pm_card_visa", data={"number": card})))
        responses.append(manager.authorize(pay(token="pm_card_chargeDeclined")))
        fake_stripe.inject(Fault.DROP_AFTER_PROCESSING, times=3)
        responses.append(manager.authorize(pay(token="pm_card_visa")))

    assert "→ POST" in caplog.text  # the transcript was written
    for text in [caplog.text, *map(repr, responses), *(r.model_dump_json() for r in responses)]:
        assert fake_stripe.api_key not in text
        assert card not in text
    assert all("client_secret" not in (r.raw_response or {}) for r in responses)
