"""The Adyen plugin through a real PluginManager against the fake Adyen on 127.0.0.1."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from gateway_plugins_adyen import AdyenGatewayPlugin
from gateway_plugins_adyen.testing import FakeAdyen, Fault

from gateway_plugins import (
    ActionKind,
    AddressData,
    ErrorCode,
    GatewayResponse,
    PaymentData,
    PluginManager,
    RetryAdvice,
    TransactionKind,
)
from gateway_plugins.contract import ECHO_MISMATCH
from gateway_plugins.http import INVALID_REQUEST, OUTCOME_UNKNOWN, PSP_UNREACHABLE
from gateway_plugins.idempotency import operation_key
from plugins.adyen.tests.payments import (
    RETURN_URL,
    THREE_DS_VISA,
    VISA,
    card,
    config_for,
    follow_up,
    manager_for,
    pay,
)

K = TransactionKind


@pytest.fixture
def manager(fake_adyen: FakeAdyen) -> Iterator[PluginManager]:
    yield manager_for(fake_adyen)


def authorized(manager: PluginManager, amount: str = "10.00", currency: str = "EUR") -> str:
    response = manager.authorize(pay(amount, currency))
    assert response.is_success and response.kind is K.AUTH, response
    assert response.psp_reference
    return response.psp_reference


def wait_for(condition: Callable[[], bool], seconds: float = 3.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def sent(fake: FakeAdyen, index: int = -1) -> dict[str, Any]:
    body: dict[str, Any] = fake.requests[index].json
    return body


# -- Authorisation and sale ---------------------------------------------------------------


def test_authorize_sends_a_manual_capture_payment(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    payment = pay(order_id="order-42", customer_email="shopper@example.com")

    response = manager.authorize(payment)

    assert response.is_success and response.kind is K.AUTH
    assert response.amount == Decimal("10.00") and response.currency == "EUR"
    assert (
        response.transaction_id == response.psp_reference
        and len(response.psp_reference or "") == 16
    )
    assert response.card_info is not None and response.card_info.last_4 == "1111"
    assert (response.card_info.exp_month, response.card_info.exp_year) == (3, 2030)
    assert response.raw_response == {
        "resultCode": "Authorised",
        "pspReference": response.psp_reference,
        "merchantReference": "order-42",
        "amount": {"currency": "EUR", "value": 1000},
    }
    request = fake_adyen.requests[0]
    body = request.json
    assert request.path == "/v71/payments"
    assert request.idempotency_key == operation_key(payment, "authorize")
    assert body["amount"] == {"currency": "EUR", "value": 1000}
    assert body["additionalData"] == {"manualCapture": "true"}
    assert body["merchantAccount"] == fake_adyen.merchant_account
    assert (body["reference"], body["returnUrl"]) == ("order-42", RETURN_URL)
    assert body["paymentMethod"] == card() and body["shopperEmail"] == "shopper@example.com"
    assert "captureDelayHours" not in body
    assert [entry.kind for entry in fake_adyen.ledger.entries] == ["authorisation"]


def test_process_payment_with_auto_capture_is_a_sale(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    response = manager.process_payment(pay(payment_id=7))

    assert response.is_success and response.kind is K.CAPTURE
    body = sent(fake_adyen)
    assert body["captureDelayHours"] == 0 and "additionalData" not in body
    assert body["reference"] == "7"
    assert fake_adyen.ledger.captured(response.psp_reference or "") == 1000


def test_process_payment_without_auto_capture_authorizes(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    manager.configure("adyen", config_for(fake_adyen, auto_capture=False))

    response = manager.process_payment(pay())

    assert response.is_success and response.kind is K.AUTH
    assert sent(fake_adyen)["additionalData"] == {"manualCapture": "true"}


def test_capture_without_a_reference_is_a_sale(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    response = manager.capture(pay())

    assert response.is_success and response.kind is K.CAPTURE
    assert sent(fake_adyen)["captureDelayHours"] == 0


def test_the_reference_falls_back_to_the_idempotency_key(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    payment = pay()

    manager.authorize(payment)

    assert sent(fake_adyen)["reference"] == payment.idempotency_key


def test_additional_data_and_browser_info_are_passed_on(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    browser = {"userAgent": "Mozilla/5.0", "acceptHeader": "text/html", "language": "nl-NL",
               "colorDepth": 24, "javaEnabled": False, "screenHeight": 900, "screenWidth": 1440,
               "timeZoneOffset": -60}  # fmt: skip
    payment = pay(data={"additional_data": {"manualCapture": "false", "riskdata.basket": "1"},
                        "browser_info": browser}, customer_ip_address="192.0.2.1")  # fmt: skip

    assert manager.authorize(payment).is_success

    body = sent(fake_adyen)
    # The plugin's own manualCapture wins: authorize never captures.
    assert body["additionalData"] == {"manualCapture": "true", "riskdata.basket": "1"}
    assert body["browserInfo"] == browser and body["shopperIP"] == "192.0.2.1"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"additional_data": {"riskScore": 5}}, "data['additional_data']['riskScore']"),
        ({"browser_info": "Mozilla"}, "data['browser_info']"),
        ({"payment_method": "scheme"}, "data['payment_method']"),
        ({"payment_method": {"encryptedCardNumber": "test_4111111111111111"}},
         "data['payment_method']['type']"),
        ({"return_url": None}, "return_url"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_before_sending(
    manager: PluginManager, fake_adyen: FakeAdyen, data: dict[str, Any], field: str
) -> None:
    payment = PaymentData(gateway="adyen", amount="10.00", currency="EUR",
                          data={"payment_method": card(), **data})  # fmt: skip

    response = manager.authorize(payment)

    assert not response.is_success and response.psp_error_code == INVALID_REQUEST
    assert response.retry_advice is RetryAdvice.DO_NOT_RETRY
    assert field in (response.psp_error_message or "")
    assert fake_adyen.requests == []


def test_a_payment_without_any_payment_method_names_the_token(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    response = manager.authorize(PaymentData(gateway="adyen", amount="1", currency="EUR"))

    assert response.psp_error_code == INVALID_REQUEST and "token" in (
        response.psp_error_message or ""
    )
    assert fake_adyen.requests == []


def test_a_billing_address_is_sent_whole(manager: PluginManager, fake_adyen: FakeAdyen) -> None:
    billing = AddressData(street_address_1="Simon Carmiggeltstraat 6", street_address_2="50",
                          city="Amsterdam", postal_code="1011 DJ", country="nl")  # fmt: skip

    assert manager.authorize(pay(billing=billing)).is_success

    assert sent(fake_adyen)["billingAddress"] == {
        "street": "Simon Carmiggeltstraat 6 50",
        "houseNumberOrName": "N/A",
        "city": "Amsterdam",
        "postalCode": "1011 DJ",
        "country": "NL",
    }


@pytest.mark.parametrize(
    "billing",
    [
        AddressData(street_address_1="Main Street", city="Springfield", postal_code="12345",
                    country="US", country_area="IL"),
        AddressData(city="Amsterdam", postal_code="1011 DJ", country="NL"),
        AddressData(street_address_1="Kerkstraat 1", postal_code="1011 DJ", country="NL"),
    ],
)  # fmt: skip
def test_an_address_without_a_house_number_street_or_city_is_paid(
    manager: PluginManager, fake_adyen: FakeAdyen, billing: AddressData
) -> None:
    # Adyen refuses an empty houseNumberOrName, street or city (422, 117); AddressData
    # has no house number, and a shop may not ask for the rest. Adyen's own plugins
    # send "N/A" for what they do not have (Magento's house number, SFCC's street, city).
    response = manager.authorize(pay(billing=billing))

    assert response.is_success, response.psp_error_message
    address = sent(fake_adyen)["billingAddress"]
    assert address["houseNumberOrName"] == "N/A"
    assert address["street"] == (billing.street_address_1 or "N/A")
    assert address["city"] == (billing.city or "N/A")


# -- Stored payment methods ------------------------------------------------------------------


def test_a_stored_card_is_paid_on_file(manager: PluginManager, fake_adyen: FakeAdyen) -> None:
    stored = fake_adyen.store_card("shopper-1")

    response = manager.authorize(pay(token=stored, customer_id="shopper-1"))

    assert response.is_success and response.kind is K.AUTH
    body = sent(fake_adyen)
    assert body["paymentMethod"] == {"type": "scheme", "storedPaymentMethodId": stored}
    assert body["shopperReference"] == "shopper-1"
    assert (body["shopperInteraction"], body["recurringProcessingModel"]) == (
        "ContAuth",
        "CardOnFile",
    )


def test_a_stored_card_needs_the_shopper(manager: PluginManager, fake_adyen: FakeAdyen) -> None:
    stored = fake_adyen.store_card("shopper-1")

    response = manager.authorize(pay(token=stored))

    assert response.psp_error_code == INVALID_REQUEST
    assert "customer_id" in (response.psp_error_message or "")
    assert fake_adyen.requests == []


def test_a_card_stored_for_another_shopper_is_not_found(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    stored = fake_adyen.store_card("shopper-1")

    response = manager.authorize(pay(token=stored, customer_id="shopper-2"))

    assert not response.is_success and response.error_code is ErrorCode.PROCESSING_ERROR
    assert response.psp_error_code == "803" and response.retry_advice is RetryAdvice.DO_NOT_RETRY


def test_reuse_source_stores_the_card_for_the_next_payment(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    first = manager.process_payment(pay(reuse_source=True, customer_id="shopper-9"))
    assert first.is_success
    body = sent(fake_adyen)
    assert body["storePaymentMethod"] is True and body["shopperReference"] == "shopper-9"
    stored = (first.raw_response or {}).get("storedPaymentMethodId")
    assert isinstance(stored, str) and len(stored) == 16

    again = manager.process_payment(pay(token=stored, customer_id="shopper-9"))

    assert again.is_success and again.card_info is not None and again.card_info.last_4 == "1111"


# -- Captures, refunds, cancels: received now, done by webhook -------------------------------


def test_a_capture_is_pending_until_adyen_settles_it(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    reference = authorized(manager)
    fake_adyen.take_webhooks()

    capture = manager.capture(follow_up(reference, order_id="order-1"))

    assert capture.is_success and capture.kind is K.PENDING
    assert capture.psp_reference == reference and capture.transaction_id != reference
    assert capture.amount == Decimal("10.00") and capture.currency == "EUR"
    assert capture.raw_response is not None and capture.raw_response["status"] == "received"
    request = fake_adyen.requests[-1]
    assert request.path == f"/v71/payments/{reference}/captures"
    assert request.json == {"merchantAccount": fake_adyen.merchant_account,
                            "amount": {"currency": "EUR", "value": 1000},
                            "reference": "order-1"}  # fmt: skip
    assert fake_adyen.ledger.captured(reference) == 0

    fake_adyen.settle()

    assert fake_adyen.ledger.captured(reference) == 1000
    [webhook] = fake_adyen.take_webhooks()
    assert webhook.items[0]["pspReference"] == capture.transaction_id


def test_partial_and_multiple_captures(manager: PluginManager, fake_adyen: FakeAdyen) -> None:
    reference = authorized(manager)

    first = manager.capture(follow_up(reference, "4.00"))
    second = manager.capture(follow_up(reference, "6.00"))
    fake_adyen.settle()

    assert (first.kind, second.kind) == (K.PENDING, K.PENDING)
    assert (first.amount, second.amount) == (Decimal("4.00"), Decimal("6.00"))
    assert first.transaction_id != second.transaction_id
    assert fake_adyen.ledger.captured(reference) == 1000


def test_an_over_capture_is_received_then_moves_nothing(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    reference = authorized(manager)

    over = manager.capture(follow_up(reference, "10.01"))
    [webhook] = fake_adyen.settle()

    # Adyen accepts every capture request and reports the refusal by webhook.
    assert over.is_success and over.kind is K.PENDING
    assert (webhook.event_code, webhook.items[0]["success"]) == ("CAPTURE", "false")
    assert fake_adyen.ledger.captured(reference) == 0


def test_refunds_partial_and_multiple(manager: PluginManager, fake_adyen: FakeAdyen) -> None:
    sale = manager.process_payment(pay())
    reference = sale.psp_reference

    first = manager.refund(follow_up(reference, "3.00"))
    second = manager.refund(follow_up(reference, "7.00"))
    fake_adyen.settle()

    assert (first.kind, second.kind) == (K.REFUND_ONGOING, K.REFUND_ONGOING)
    assert first.is_success and second.is_success and first.psp_reference == reference
    assert fake_adyen.requests[-1].path == f"/v71/payments/{reference}/refunds"
    assert fake_adyen.ledger.refunded(reference or "") == 1000


def test_void_is_pending_then_cancels(manager: PluginManager, fake_adyen: FakeAdyen) -> None:
    reference = authorized(manager)

    void = manager.void(follow_up(reference))
    fake_adyen.settle()

    assert void.is_success and void.kind is K.PENDING and void.amount == Decimal("10.00")
    assert fake_adyen.requests[-1].json == {"merchantAccount": fake_adyen.merchant_account}
    assert [entry.kind for entry in fake_adyen.ledger.entries] == ["authorisation", "cancellation"]


def test_an_unknown_payment_reference_is_refused(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    response = manager.capture(follow_up("not/a-reference"))

    assert not response.is_success and response.error_code is ErrorCode.PROCESSING_ERROR
    assert response.psp_error_code == "167" and response.kind is K.CAPTURE
    # The reference is one path segment, quoted: it cannot reach another endpoint.
    assert fake_adyen.requests[-1].path == "/v71/payments/not%2Fa-reference/captures"


@pytest.mark.parametrize("operation", ["refund", "void"])
def test_a_modification_needs_a_reference(
    manager: PluginManager, fake_adyen: FakeAdyen, operation: str
) -> None:
    response = getattr(manager, operation)(follow_up(None))

    assert response.psp_error_code == INVALID_REQUEST and "psp_reference" in (
        response.psp_error_message or ""
    )
    assert fake_adyen.requests == []


# -- 3-D Secure ---------------------------------------------------------------------------------


def test_three_d_secure_redirect_then_details(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    payment = pay(method=card(THREE_DS_VISA))

    response = manager.authorize(payment)

    assert response.is_success and response.action_required
    assert response.kind is K.ACTION_TO_CONFIRM
    action = response.action_required_data
    assert action is not None and action.kind is ActionKind.THREE_D_SECURE
    assert action.psp_reference == response.psp_reference
    assert (response.raw_response or {})["resultCode"] == "RedirectShopper"
    assert action.url is not None and action.url.startswith("https://")
    assert action.sdk_data is not None and action.sdk_data["type"] == "redirect"
    assert fake_adyen.ledger.authorisations() == []

    returned = fake_adyen.complete_3ds(action.psp_reference, passed=True)
    confirm = follow_up(response.psp_reference, data=returned)
    confirmed = manager.confirm_payment(confirm)

    assert confirmed.is_success and confirmed.kind is K.AUTH
    assert confirmed.psp_reference == response.psp_reference
    assert sent(fake_adyen) == returned and returned["details"]["redirectResult"]
    assert len(fake_adyen.ledger.authorisations()) == 1


def test_a_failed_challenge_is_declined(manager: PluginManager, fake_adyen: FakeAdyen) -> None:
    response = manager.authorize(pay(method=card(THREE_DS_VISA)))
    returned = fake_adyen.complete_3ds(response.psp_reference or "", passed=False)

    confirmed = manager.confirm_payment(follow_up(response.psp_reference, data=returned))

    assert not confirmed.is_success and confirmed.error_code is ErrorCode.DECLINED
    assert (confirmed.psp_error_code, confirmed.psp_error_message) == ("11", "3D Not Authenticated")


def test_a_refusal_after_the_challenge_is_reported(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    response = manager.authorize(pay(method=card(THREE_DS_VISA, holder="CARD_EXPIRED")))
    returned = fake_adyen.complete_3ds(response.psp_reference or "", passed=True)

    confirmed = manager.confirm_payment(follow_up(response.psp_reference, data=returned))

    assert confirmed.error_code is ErrorCode.EXPIRED and confirmed.psp_error_code == "6"


def test_native_three_d_secure_challenges_the_shopper(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    native = {"threeDSRequestData": {"nativeThreeDS": "preferred"}}
    response = manager.authorize(
        pay(method=card(THREE_DS_VISA), data={"authentication_data": native})
    )

    assert response.kind is K.ACTION_TO_CONFIRM
    action = response.action_required_data
    assert action is not None and action.kind is ActionKind.THREE_D_SECURE and action.sdk_data
    assert (action.sdk_data["type"], action.sdk_data["subtype"]) == ("threeDS2", "challenge")
    returned = fake_adyen.complete_3ds(response.psp_reference or "", passed=True)
    assert "threeDSResult" in returned["details"]

    assert manager.confirm_payment(follow_up(response.psp_reference, data=returned)).is_success


def test_require_3d_secure_asks_adyen_to_authenticate_any_card(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    manager.configure("adyen", config_for(fake_adyen, require_3d_secure=True))

    response = manager.authorize(pay())

    assert response.action_required
    assert sent(fake_adyen)["authenticationData"] == {"attemptAuthentication": "always"}


def test_confirm_without_details_is_refused_before_sending(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    response = manager.confirm_payment(follow_up("ANYREFERENCE0001"))

    assert response.psp_error_code == INVALID_REQUEST and "details" in (
        response.psp_error_message or ""
    )
    assert fake_adyen.requests == []


def test_details_nobody_issued_are_refused(manager: PluginManager, fake_adyen: FakeAdyen) -> None:
    made_up = {"details": {"redirectResult": "Ab02b4c0!made-up"}}

    response = manager.confirm_payment(follow_up(None, data=made_up))

    assert not response.is_success and response.error_code is ErrorCode.PROCESSING_ERROR


# -- Declines, result codes and validation errors -------------------------------------------------


@pytest.mark.parametrize(
    ("holder", "code", "psp_code", "retry"),
    [
        ("DECLINED", ErrorCode.DECLINED, "2", RetryAdvice.DO_NOT_RETRY),
        ("REFERRAL", ErrorCode.DECLINED, "3", RetryAdvice.DO_NOT_RETRY),
        ("BLOCK_CARD", ErrorCode.DECLINED, "5", RetryAdvice.DO_NOT_RETRY),
        ("CARD_EXPIRED", ErrorCode.EXPIRED, "6", RetryAdvice.DO_NOT_RETRY),
        ("INVALID_AMOUNT", ErrorCode.PROCESSING_ERROR, "7", RetryAdvice.DO_NOT_RETRY),
    ],
)
def test_holder_name_refusals(
    manager: PluginManager, holder: str, code: ErrorCode, psp_code: str, retry: RetryAdvice
) -> None:
    response = manager.authorize(pay(method=card(holder=holder)))

    assert not response.is_success and response.kind is K.AUTH
    assert (response.error_code, response.psp_error_code, response.retry_advice) == (
        code,
        psp_code,
        retry,
    )
    assert response.psp_error_message and response.raw_response is not None
    assert response.raw_response["resultCode"] == "Refused"
    assert response.amount == Decimal("10.00") and response.currency == "EUR"


@pytest.mark.parametrize(
    ("acquirer_code", "code", "retry"),
    [
        ("8", ErrorCode.INCORRECT_NUMBER, RetryAdvice.DO_NOT_RETRY),
        ("9", ErrorCode.PROCESSING_ERROR, RetryAdvice.TRY_ANOTHER_GATEWAY),
        ("12", ErrorCode.DECLINED, RetryAdvice.DO_NOT_RETRY),
        ("20", ErrorCode.DECLINED, RetryAdvice.DO_NOT_RETRY),
        ("24", ErrorCode.INCORRECT_CVV, RetryAdvice.DO_NOT_RETRY),
        ("32", ErrorCode.INCORRECT_ADDRESS, RetryAdvice.DO_NOT_RETRY),
        ("38", ErrorCode.DECLINED, RetryAdvice.AUTHENTICATE),
        ("46", ErrorCode.DECLINED, RetryAdvice.DO_NOT_RETRY),
        ("99", ErrorCode.DECLINED, RetryAdvice.DO_NOT_RETRY),  # unknown: refused is declined
    ],
)
def test_requested_acquirer_response_codes(
    manager: PluginManager, acquirer_code: str, code: ErrorCode, retry: RetryAdvice
) -> None:
    payment = pay(data={"additional_data": {"RequestedTestAcquirerResponseCode": acquirer_code}})

    response = manager.authorize(payment)

    assert (response.error_code, response.psp_error_code, response.retry_advice) == (
        code,
        acquirer_code,
        retry,
    )


def test_an_expired_card_is_refused_as_expired(manager: PluginManager) -> None:
    expired = card(encryptedExpiryYear="test_2020")

    response = manager.authorize(pay(method=expired))

    assert response.error_code is ErrorCode.EXPIRED and response.psp_error_message == "Expired Card"


@pytest.mark.parametrize(
    ("method", "result_code", "code", "psp_code"),
    [
        (card(holder="ERROR"), "Error", ErrorCode.PROCESSING_ERROR, "4"),
        (card(holder="UNKNOWN"), "Error", ErrorCode.PROCESSING_ERROR, "0"),
    ],
)
def test_error_results_are_processing_errors(
    manager: PluginManager, method: dict[str, str], result_code: str, code: ErrorCode, psp_code: str
) -> None:
    response = manager.authorize(pay(method=method))

    assert (response.error_code, response.psp_error_code) == (code, psp_code)
    assert response.retry_advice is RetryAdvice.RETRY_LATER
    assert (response.raw_response or {})["resultCode"] == result_code


def test_a_cancelled_result_is_declined(manager: PluginManager) -> None:
    payment = pay(data={"additional_data": {"RequestedTestAcquirerResponseCode": "22"}})

    response = manager.authorize(payment)

    assert (response.raw_response or {})["resultCode"] == "Cancelled"
    assert (response.error_code, response.psp_error_code) == (ErrorCode.DECLINED, "22")


@pytest.mark.parametrize("holder", ["PENDING", "RECEIVED"])
def test_pending_and_received_are_pending(manager: PluginManager, holder: str) -> None:
    response = manager.process_payment(pay(method=card(holder=holder)))

    assert response.is_success and response.kind is K.PENDING and not response.action_required


def test_every_success_that_names_the_card_says_which(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    stored = fake_adyen.store_card("shopper-1", "5555555555554444", expiry=(11, 2031))
    challenged = manager.authorize(pay(method=card(THREE_DS_VISA)))
    returned = fake_adyen.complete_3ds(challenged.psp_reference or "")

    successes = {
        "authorised": manager.authorize(pay()),
        "sale": manager.process_payment(pay()),
        "pending": manager.process_payment(pay(method=card(holder="PENDING"))),
        "received": manager.authorize(pay(method=card(holder="RECEIVED"))),
        "after 3-D Secure": manager.confirm_payment(
            follow_up(challenged.psp_reference, data=returned)
        ),
        "stored card": manager.authorize(pay(token=stored, customer_id="shopper-1")),
    }

    for name, response in successes.items():
        assert response.is_success, name
        assert response.card_info is not None, name
    named = {name: response.card_info for name, response in successes.items()}
    assert {(c.last_4, c.exp_month, c.exp_year, c.brand) for c in named.values() if c} == {
        ("1111", 3, 2030, "visa"),
        ("0000", 3, 2030, "visa"),
        ("4444", 11, 2031, "mc"),
    }


def test_a_partial_authorisation_is_not_taken_for_the_whole(manager: PluginManager) -> None:
    payment = pay(
        method=card(holder="PARTIAL"), data={"additional_data": {"allowPartialAuth": "true"}}
    )

    response = manager.authorize(payment)

    # The plugin reports the 5.00 Adyen authorised; the manager refuses to pass
    # that off as the 10.00 asked for, and keeps the transaction named.
    assert not response.is_success and response.psp_error_code == ECHO_MISMATCH
    assert "5.00 EUR" in (response.psp_error_message or "") and response.transaction_id
    assert (response.raw_response or {})["resultCode"] == "PartiallyAuthorised"


def test_without_partial_authorisation_a_short_card_is_refused(manager: PluginManager) -> None:
    response = manager.authorize(pay(method=card(holder="PARTIAL")))

    assert (response.error_code, response.psp_error_code) == (ErrorCode.DECLINED, "12")


@pytest.mark.parametrize(
    ("method", "code", "psp_code"),
    [
        (card("4111111111111112"), ErrorCode.INVALID_NUMBER, "101"),
        (card("9000000000000001"), ErrorCode.INVALID_NUMBER, "102"),
        (card(cvc="73"), ErrorCode.INVALID_CVV, "103"),
        (card(encryptedExpiryMonth="test_13"), ErrorCode.INVALID_EXPIRY_DATE, "129"),
        (
            card(encryptedCardNumber="adyenjs_0_1_25$not-test-data"),
            ErrorCode.PROCESSING_ERROR,
            "174",
        ),
    ],
)
def test_validation_errors_map_by_error_code(
    manager: PluginManager, method: dict[str, str], code: ErrorCode, psp_code: str
) -> None:
    response = manager.authorize(pay(method=method))

    assert not response.is_success
    assert (response.error_code, response.psp_error_code) == (code, psp_code)
    assert response.raw_response is not None and response.raw_response["http_status"] == 422
    assert response.psp_error_message  # Adyen's message is kept


def test_a_billing_address_problem_is_incorrect_address(manager: PluginManager) -> None:
    # AddressData refuses a country that is not ISO 3166-1 alpha-2; a missing postal code
    # is what Adyen still refuses with 104.
    billing = AddressData(street_address_1="Main St 1", city="X", postal_code="", country="NL")

    response = manager.authorize(pay(billing=billing))

    assert (response.error_code, response.psp_error_code) == (ErrorCode.INCORRECT_ADDRESS, "104")


def test_a_wrong_api_key_is_refused_without_showing_it(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    wrong = "AQE_wrong_key_0123456789"
    manager.configure("adyen", config_for(fake_adyen, api_key=wrong))

    response = manager.authorize(pay())

    assert response.error_code is ErrorCode.PROCESSING_ERROR and response.psp_error_code == "000"
    assert response.retry_advice is RetryAdvice.DO_NOT_RETRY
    assert wrong not in response.model_dump_json() and wrong not in repr(response)


def test_a_wrong_merchant_account_is_refused(manager: PluginManager, fake_adyen: FakeAdyen) -> None:
    manager.configure("adyen", config_for(fake_adyen, merchant_account="SomeoneElseECOM"))

    response = manager.authorize(pay())

    assert (response.error_code, response.psp_error_code) == (ErrorCode.PROCESSING_ERROR, "901")


# -- Currencies ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "value"),
    [
        ("10.50", "EUR", 1050),
        ("1000", "JPY", 1000),
        ("1.234", "KWD", 1234),
        ("1000", "CLP", 100000),  # Adyen: CLP has 2 decimals (ISO: 0)
        ("5", "ISK", 500),  # Adyen: ISK has 2 decimals (ISO: 0)
        ("12", "CVE", 12),  # Adyen: CVE has none (ISO: 2)
        ("12.00", "CVE", 12),
        ("1000", "IDR", 1000),  # Adyen: IDR has none (ISO: 2)
        ("15000.00", "IDR", 15000),
    ],
)
def test_adyen_minor_units(
    manager: PluginManager, fake_adyen: FakeAdyen, amount: str, currency: str, value: int
) -> None:
    manager.configure("adyen", config_for(fake_adyen, auto_capture=False))
    reference = authorized(manager, amount, currency)
    capture = manager.capture(follow_up(reference, amount, currency))
    fake_adyen.settle()

    assert sent(fake_adyen, 0)["amount"] == {"currency": currency, "value": value}
    assert sent(fake_adyen)["amount"] == {"currency": currency, "value": value}
    # Adyen charged what was asked, by its own table of decimals.
    assert fake_adyen.payment(reference).amount == Decimal(amount)
    assert capture.is_success and capture.amount == Decimal(amount) and capture.currency == currency
    assert fake_adyen.ledger.captured(reference) == value


@pytest.mark.parametrize(
    ("amount", "currency"), [("1000", "CLP"), ("5", "ISK"), ("12", "CVE"), ("1000", "IDR")]
)
def test_a_deviation_comes_back_from_the_reply_and_the_webhook(
    manager: PluginManager, fake_adyen: FakeAdyen, amount: str, currency: str
) -> None:
    response = manager.authorize(pay(amount, currency))
    [webhook] = fake_adyen.take_webhooks()
    with manager.notification("adyen", *webhook) as result:
        [update] = result.updates

    # What Adyen authorised, read by Adyen's own table, is what the host hears, twice.
    charged = fake_adyen.payment(response.psp_reference or "").amount
    assert (
        (response.amount, response.currency) == (charged, currency) == (Decimal(amount), currency)
    )
    assert update.kind is K.AUTH and (update.amount, update.currency) == (charged, currency)


@pytest.mark.parametrize(("amount", "currency"), [("10.50", "CVE"), ("1000.50", "IDR")])
def test_an_amount_adyen_cannot_carry_is_refused_before_sending(
    manager: PluginManager, fake_adyen: FakeAdyen, amount: str, currency: str
) -> None:
    response = manager.authorize(pay(amount, currency))

    assert not response.is_success and response.psp_error_code == INVALID_REQUEST
    assert currency in (response.psp_error_message or "")
    assert fake_adyen.requests == []


def test_a_currency_adyen_does_not_take_is_refused_by_adyen(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    manager.configure("adyen", config_for(fake_adyen, currencies="BIF"))

    response = manager.authorize(pay("100", "BIF"))

    assert not response.is_success and response.psp_error_code == "138"
    assert fake_adyen.ledger.entries == []


# -- Faults, retries and idempotency ------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        Fault.STATUS_500,
        Fault.STATUS_502,
        Fault.STATUS_503,
        Fault.STATUS_429,
        Fault.DROP_BEFORE_PROCESSING,
    ],
)
def test_transient_faults_are_retried_with_the_same_key(
    manager: PluginManager, fake_adyen: FakeAdyen, fault: Fault
) -> None:
    fake_adyen.inject(fault, retry_after=0)

    response = manager.authorize(pay())

    assert response.is_success
    assert (
        len(fake_adyen.requests) == 2 and len({r.idempotency_key for r in fake_adyen.requests}) == 1
    )
    assert len(fake_adyen.ledger.authorisations()) == 1


def test_a_dropped_reply_never_charges_twice(manager: PluginManager, fake_adyen: FakeAdyen) -> None:
    trials = 10
    for _ in range(trials):
        fake_adyen.inject(Fault.DROP_AFTER_PROCESSING, path="/payments")
        response = manager.process_payment(pay())
        assert response.is_success, response
        assert fake_adyen.charges_for(response.psp_reference or "") == 1

    assert len(fake_adyen.ledger.authorisations()) == trials
    assert sum(request.replayed for request in fake_adyen.requests) == trials


def test_a_dropped_capture_reply_captures_once(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    reference = authorized(manager)
    fake_adyen.inject(Fault.DROP_AFTER_PROCESSING, path=f"/payments/{reference}/captures")

    capture = manager.capture(follow_up(reference))
    fake_adyen.settle()

    assert capture.is_success and capture.kind is K.PENDING
    assert fake_adyen.ledger.captured(reference) == 1000
    assert [e.kind for e in fake_adyen.ledger.entries] == ["authorisation", "capture"]


def test_a_slow_reply_is_an_unknown_outcome_and_the_retry_charges_once(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    manager.configure("adyen", config_for(fake_adyen, read_timeout=0.2))
    fake_adyen.inject(Fault.SLOW, seconds=0.4, times=3, after_processing=True)
    payment = pay()

    response = manager.process_payment(payment)

    assert not response.is_success and response.psp_error_code == OUTCOME_UNKNOWN
    assert response.error_code is ErrorCode.PROCESSING_ERROR
    assert response.retry_advice is RetryAdvice.RETRY_LATER
    assert response.idempotency_key == payment.idempotency_key
    retried = manager.process_payment(payment)  # the host retries the same PaymentData
    assert retried.is_success
    assert fake_adyen.charges_for(retried.psp_reference or "") == 1
    assert len(fake_adyen.ledger.authorisations()) == 1


@pytest.mark.parametrize("fault", [Fault.MALFORMED_JSON, Fault.HTML_ERROR])
def test_an_unreadable_reply_is_an_unknown_outcome(
    manager: PluginManager, fake_adyen: FakeAdyen, fault: Fault
) -> None:
    fake_adyen.inject(fault, times=3, after_processing=True)

    response = manager.process_payment(pay())

    assert not response.is_success and response.psp_error_code == OUTCOME_UNKNOWN
    assert response.retry_advice is RetryAdvice.RETRY_LATER


def test_a_server_error_after_every_retry_says_retry_later(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    fake_adyen.inject(Fault.STATUS_500, times=3)
    payment = pay()

    response = manager.authorize(payment)

    assert response.error_code is ErrorCode.PROCESSING_ERROR and response.psp_error_code == "000"
    assert response.retry_advice is RetryAdvice.RETRY_LATER
    assert response.idempotency_key == payment.idempotency_key
    assert fake_adyen.ledger.entries == []


def test_the_same_key_for_another_payment_is_refused(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    first = pay()
    assert manager.authorize(first).is_success

    # The host reused a key for another card: same operation, amount and key, other body.
    other = pay(method=card("5555555555554444"), idempotency_key=first.idempotency_key)
    response = manager.authorize(other)

    assert not response.is_success and response.psp_error_code == "704"
    assert response.retry_advice is RetryAdvice.RETRY_LATER
    assert response.idempotency_key == other.idempotency_key
    assert len(fake_adyen.ledger.authorisations()) == 1


def test_retry_advice_names_the_key_whatever_the_status(fake_adyen: FakeAdyen) -> None:
    # Straight from the plugin, before the manager could fill the key in.
    plugin = AdyenGatewayPlugin()
    plugin.configure_gateway(config_for(fake_adyen))
    first = pay()
    assert plugin.authorize(first, None).is_success
    fake_adyen.inject(Fault.SLOW, path="/payments", seconds=0.5)
    in_progress = pay()
    worker = threading.Thread(target=plugin.authorize, args=(in_progress, None))
    worker.start()
    wait_for(lambda: fake_adyen.in_flight(operation_key(in_progress, "authorize")))
    answers = {"422 704, in progress": plugin.authorize(in_progress, None)}
    worker.join()
    another_body = pay(method=card("5555555555554444"), idempotency_key=first.idempotency_key)
    answers["422 704, another body"] = plugin.authorize(another_body, None)
    fake_adyen.inject(Fault.STATUS_500, path="/payments", times=3)
    answers["500"] = plugin.authorize(pay(), None)
    answers["200 Error"] = plugin.authorize(pay(method=card(holder="ERROR")), None)

    for status, response in answers.items():
        assert response.retry_advice is RetryAdvice.RETRY_LATER, status
        assert response.idempotency_key is not None, status
    assert answers["422 704, in progress"].psp_error_code == "704"
    assert answers["422 704, in progress"].idempotency_key == in_progress.idempotency_key
    assert answers["422 704, another body"].psp_error_code == "704"
    assert (answers["500"].raw_response or {}).get("http_status") == 500


def test_every_operation_sends_its_own_key(manager: PluginManager, fake_adyen: FakeAdyen) -> None:
    manager.configure("adyen", config_for(fake_adyen, auto_capture=False))
    authorization = pay("25.00", order_id="order-7")
    reference = manager.authorize(authorization).psp_reference
    follow = authorization.model_copy(update={"psp_reference": reference})

    manager.capture(follow)
    fake_adyen.settle()
    manager.refund(follow)
    manager.void(follow)
    manager.capture(authorization.model_copy(update={"psp_reference": None}))  # a sale

    sent_keys = [request.idempotency_key for request in fake_adyen.requests]
    assert sent_keys == [
        operation_key(authorization, "authorize"),
        operation_key(follow, "capture"),
        operation_key(follow, "refund"),
        operation_key(follow, "void"),
        operation_key(authorization, "sale"),
    ]
    assert len(set(sent_keys)) == 5


def test_the_natural_host_code_charges_captures_and_refunds_once(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    """Authorize, then capture and refund with copies of the authorization's PaymentData,
    every reply lost three times over and the host retrying the same PaymentData."""
    manager.configure("adyen", config_for(fake_adyen, auto_capture=False))

    def lost_then_retried(operation: str, payment: PaymentData, path: str) -> GatewayResponse:
        fake_adyen.inject(Fault.DROP_AFTER_PROCESSING, path=path, times=3)
        lost = getattr(manager, operation)(payment)
        assert lost.psp_error_code == OUTCOME_UNKNOWN and lost.outcome_unknown, lost
        assert lost.retry_advice is RetryAdvice.RETRY_LATER
        assert lost.idempotency_key == payment.idempotency_key
        again: GatewayResponse = getattr(manager, operation)(payment)  # the host's retry
        assert again.is_success, again.psp_error_message
        return again

    authorization = pay("25.00", order_id="order-7")
    auth = lost_then_retried("authorize", authorization, "/payments")
    reference = auth.psp_reference or ""
    capture = authorization.model_copy(update={"psp_reference": reference})
    assert lost_then_retried("capture", capture, f"/payments/{reference}/captures").kind is (
        K.PENDING
    )
    fake_adyen.settle()
    refund = authorization.model_copy(update={"psp_reference": reference})
    assert lost_then_retried("refund", refund, f"/payments/{reference}/refunds").kind is (
        K.REFUND_ONGOING
    )
    fake_adyen.settle()

    assert fake_adyen.charges_for(reference) == 1
    assert fake_adyen.ledger.captured(reference) == fake_adyen.ledger.refunded(reference) == 2500
    assert [e.kind for e in fake_adyen.ledger.entries] == ["authorisation", "capture", "refund"]
    assert len({request.idempotency_key for request in fake_adyen.requests}) == 3


def test_an_unreachable_adyen_is_another_gateways_job(fake_adyen: FakeAdyen) -> None:
    host = PluginManager(discover=False)
    host.register(AdyenGatewayPlugin(), "adyen")
    # A port nothing listens on: the connection is refused before anything is sent.
    url = fake_adyen.url
    fake_adyen.stop()
    host.configure("adyen", config_for(fake_adyen, base_url=url, connect_timeout=0.5))

    response = host.authorize(pay())

    assert response.psp_error_code == PSP_UNREACHABLE
    assert response.retry_advice is RetryAdvice.TRY_ANOTHER_GATEWAY


# -- Configuration --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"api_key": None}, "api_key is required"),
        ({"api_key": "  "}, "api_key must not be empty"),
        ({"merchant_account": None}, "merchant_account is required"),
        ({"hmac_key": "not-hex-at-all"}, "hmac_key must be the HMAC key"),
        ({"base_url": "checkout-test.adyen.com"}, "base_url must be an http"),
        ({"read_timeout": "soon"}, "read_timeout must be a number"),
        ({"connect_timeout": 0}, "connect_timeout must be more than 0 seconds"),
        ({"pool_size": 0}, "pool_size must be a whole number"),
    ],
)
def test_a_bad_configuration_is_refused_naming_the_field(
    fake_adyen: FakeAdyen, params: dict[str, Any], message: str
) -> None:
    config = config_for(fake_adyen, **params)
    cleaned = {k: v for k, v in config.connection_params.items() if v is not None}
    host = PluginManager(discover=False)
    host.register(AdyenGatewayPlugin(), "adyen")

    with pytest.raises(ValueError, match=message) as caught:
        host.configure("adyen", config.model_copy(update={"connection_params": cleaned}))

    assert "not-hex-at-all" not in str(caught.value) and fake_adyen.api_key not in str(caught.value)


def test_the_default_configuration_is_refused_for_want_of_credentials() -> None:
    host = PluginManager(discover=False)
    host.register(AdyenGatewayPlugin(), "adyen")

    [record] = host.plugins
    assert record.problem is not None and "api_key is required" in record.problem


# -- Card data and secrets --------------------------------------------------------------------


def test_no_card_data_or_secret_in_logs_reprs_or_responses(
    manager: PluginManager, fake_adyen: FakeAdyen, caplog: pytest.LogCaptureFixture
) -> None:
    invalid_number = "4111111111111112"  # not Luhn-valid: no scrubber would spot it as a PAN
    plugin = AdyenGatewayPlugin()
    responses: list[GatewayResponse] = []
    with caplog.at_level(logging.DEBUG):
        responses.append(manager.authorize(pay(method=card(cvc="7373", holder="x"))))
        responses.append(manager.authorize(pay(method=card(holder="DECLINED"))))
        responses.append(manager.authorize(pay(method=card(invalid_number))))
        responses.append(manager.authorize(pay(method=card(THREE_DS_VISA))))
        fake_adyen.inject(Fault.DROP_AFTER_PROCESSING, times=3)
        responses.append(manager.authorize(pay()))
        plugin.configure_gateway(config_for(fake_adyen))

    assert "→ POST" in caplog.text  # the transcript was written
    texts = [caplog.text, repr(plugin), str(plugin)]
    texts += [repr(r) for r in responses] + [r.model_dump_json() for r in responses]
    for text in texts:
        for needle in (VISA, invalid_number, THREE_DS_VISA, "test_7373", "test_737",
                       fake_adyen.api_key, fake_adyen.hmac_key):  # fmt: skip
            assert needle not in text
    for response in responses:
        assert "additionalData" not in (response.raw_response or {})
        assert "paymentMethod" not in (response.raw_response or {})
