"""The fake Stripe behaves like Stripe: plain ``requests`` against it over real HTTP."""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from gateway_plugins_stripe.testing import FakeStripe, Fault, parse_form, v1_signature
from jsonschema import Draft4Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4

from plugins.stripe.tests.stripe_spec import SPEC_FILE

TIMEOUT = 5.0


class Client:
    """A ``requests.Session`` with the fake's secret key, as a plugin would hold one."""

    def __init__(self, fake: FakeStripe, session: requests.Session) -> None:
        self.fake = fake
        self.session = session
        session.headers["Authorization"] = f"Bearer {fake.api_key}"

    def post(
        self,
        path: str,
        data: dict[str, Any] | str | None = None,
        *,
        key: str | None = None,
        timeout: float = TIMEOUT,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        headers = dict(headers or {})
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.session.post(self.fake.url + path, data=data, headers=headers, timeout=timeout)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.get(self.fake.url + path, timeout=TIMEOUT, **kwargs)

    def intent(
        self,
        payment_method: str = "pm_card_visa",
        amount: int | str = 1000,
        currency: str = "usd",
        *,
        capture_method: str = "manual",
        key: str | None = None,
        timeout: float = TIMEOUT,
        params: dict[str, str] | None = None,
        **extra: Any,
    ) -> requests.Response:
        """Create and confirm a PaymentIntent, as the plugin's authorize / sale do.

        Extra form fields come as keywords, or in ``params`` for bracket names.
        """
        data = {
            "amount": amount,
            "currency": currency,
            "payment_method": payment_method,
            "confirm": "true",
            "capture_method": capture_method,
            **extra,
            **(params or {}),
        }
        return self.post("/v1/payment_intents", data, key=key, timeout=timeout)

    def authorized(self, **kwargs: Any) -> dict[str, Any]:
        response = self.intent(**kwargs)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


@pytest.fixture
def client(fake_stripe: FakeStripe) -> Iterator[Client]:
    with requests.Session() as session:
        yield Client(fake_stripe, session)


def error_of(response: requests.Response) -> dict[str, Any]:
    return response.json()["error"]  # type: ignore[no-any-return]


def wait_for(condition: Callable[[], bool], seconds: float = 3.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


# -- authentication ------------------------------------------------------------------------


def test_a_request_without_api_key_is_401(fake_stripe: FakeStripe) -> None:
    response = requests.get(fake_stripe.url + "/v1/payment_intents/pi_x", timeout=TIMEOUT)
    assert response.status_code == 401
    assert error_of(response)["type"] == "invalid_request_error"
    assert error_of(response)["message"].startswith("You did not provide an API key.")


def test_a_wrong_api_key_is_401_and_masked_in_the_message(fake_stripe: FakeStripe) -> None:
    wrong = "sk_test_wrongwrongwrong1234"
    response = requests.get(
        fake_stripe.url + "/v1/payment_intents/pi_x",
        headers={"Authorization": f"Bearer {wrong}"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 401
    message = error_of(response)["message"]
    assert message.startswith("Invalid API Key provided: sk_test_")
    assert message.endswith("1234") and wrong not in message


def test_basic_auth_with_the_key_as_user_is_accepted(fake_stripe: FakeStripe) -> None:
    response = requests.get(
        fake_stripe.url + "/v1/payment_intents/pi_x", auth=(fake_stripe.api_key, ""), timeout=5
    )
    assert response.status_code == 404  # authenticated; the intent does not exist


# -- creating and confirming PaymentIntents -------------------------------------------------


def test_authorize_with_manual_capture(client: Client, fake_stripe: FakeStripe) -> None:
    response = client.intent(params={"metadata[order_id]": "42", "description": "order 42"})
    assert response.status_code == 200
    assert response.headers["Stripe-Version"] == "2020-08-27"
    intent = response.json()
    assert intent["object"] == "payment_intent"
    assert intent["status"] == "requires_capture"
    assert (intent["amount"], intent["amount_capturable"], intent["amount_received"]) == (
        1000,
        1000,
        0,
    )
    assert intent["currency"] == "usd" and intent["capture_method"] == "manual"
    assert intent["client_secret"].startswith(intent["id"] + "_secret_")
    assert intent["payment_method"].startswith("pm_") and intent["payment_method"] != "pm_card_visa"
    assert intent["metadata"] == {"order_id": "42"} and intent["description"] == "order 42"
    assert intent["next_action"] is None and intent["last_payment_error"] is None
    charges = intent["charges"]
    assert charges["object"] == "list" and charges["total_count"] == 1
    charge = charges["data"][0]
    assert (charge["status"], charge["captured"], charge["paid"]) == ("succeeded", False, True)
    card = charge["payment_method_details"]["card"]
    assert (card["brand"], card["last4"], card["checks"]["cvc_check"]) == ("visa", "4242", "pass")
    assert card["exp_year"] > time.gmtime().tm_year
    assert fake_stripe.ledger.authorizations() == [(intent["id"], 1000)]
    assert fake_stripe.ledger.charges() == []


def test_sale_with_automatic_capture(client: Client, fake_stripe: FakeStripe) -> None:
    intent = client.authorized(capture_method="automatic")
    assert intent["status"] == "succeeded"
    assert (intent["amount_capturable"], intent["amount_received"]) == (0, 1000)
    assert intent["charges"]["data"][0]["captured"] is True
    assert fake_stripe.ledger.charges() == [(intent["id"], 1000)]
    assert fake_stripe.ledger.authorizations() == []


@pytest.mark.parametrize(
    ("payment_method", "brand", "last4"),
    [("pm_card_mastercard", "mastercard", "4444"), ("pm_card_amex", "amex", "0005")],
)
def test_other_brands_succeed(client: Client, payment_method: str, brand: str, last4: str) -> None:
    card = client.authorized(payment_method=payment_method)["charges"]["data"][0]
    assert card["payment_method_details"]["card"]["brand"] == brand
    assert card["payment_method_details"]["card"]["last4"] == last4


@pytest.mark.parametrize(
    ("payment_method", "code", "decline_code", "param"),
    [
        ("pm_card_chargeDeclined", "card_declined", "generic_decline", None),
        ("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds", None),
        ("pm_card_chargeDeclinedLostCard", "card_declined", "lost_card", None),
        ("pm_card_chargeDeclinedStolenCard", "card_declined", "stolen_card", None),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card", "exp_month"),
        ("pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc", "incorrect_cvc", "cvc"),
        ("pm_card_chargeDeclinedProcessingError", "processing_error", "processing_error", None),
        ("pm_card_radarBlock", "card_declined", "fraudulent", None),
        (
            "pm_card_visa_chargeDeclinedVelocityLimitExceeded",
            "card_declined",
            "card_velocity_exceeded",
            None,
        ),
    ],
)
def test_decline_cards_answer_402_card_error_with_the_intent(
    client: Client,
    fake_stripe: FakeStripe,
    payment_method: str,
    code: str,
    decline_code: str,
    param: str | None,
) -> None:
    response = client.intent(payment_method)
    assert response.status_code == 402
    error = error_of(response)
    assert error["type"] == "card_error"
    assert (error["code"], error["decline_code"]) == (code, decline_code)
    assert error.get("param") == param
    assert error["message"] and error["charge"].startswith("ch_")
    assert error["payment_method"]["object"] == "payment_method"
    intent = error["payment_intent"]
    assert intent["status"] == "requires_payment_method"
    assert intent["last_payment_error"]["decline_code"] == decline_code
    assert "payment_intent" not in intent["last_payment_error"]
    failed = intent["charges"]["data"][0]
    assert (failed["status"], failed["paid"], failed["failure_code"]) == ("failed", False, code)
    assert client.get(f"/v1/payment_intents/{intent['id']}").json() == intent
    assert fake_stripe.ledger.declines() == [(intent["id"], 1000)]
    assert fake_stripe.ledger.authorizations() == []


def test_radar_block_never_reaches_the_network(client: Client) -> None:
    outcome = error_of(client.intent("pm_card_radarBlock"))["payment_intent"]["charges"]
    assert outcome["data"][0]["outcome"]["type"] == "blocked"
    assert outcome["data"][0]["outcome"]["network_status"] == "not_sent_to_network"


@pytest.mark.parametrize(
    ("payment_method", "checks"),
    [
        ("pm_card_cvcCheckFail", {"cvc_check": "fail"}),
        ("pm_card_avsZipFail", {"address_postal_code_check": "fail"}),
        ("pm_card_avsFail", {"address_postal_code_check": "fail", "address_line1_check": "fail"}),
    ],
)
def test_failed_checks_still_authorize(
    client: Client, payment_method: str, checks: dict[str, str]
) -> None:
    intent = client.authorized(payment_method=payment_method)
    assert intent["status"] == "requires_capture"
    got = intent["charges"]["data"][0]["payment_method_details"]["card"]["checks"]
    assert {name: got[name] for name in checks} == checks


@pytest.mark.parametrize(
    ("change", "code", "param"),
    [
        ({"amount": None}, "parameter_missing", "amount"),
        ({"amount": "20.00"}, "parameter_invalid_integer", "amount"),
        ({"currency": None}, "parameter_missing", "currency"),
        ({"currency": "xyz"}, None, "currency"),
        ({"amount": 49}, "amount_too_small", "amount"),
        ({"amount": 49, "currency": "jpy"}, "amount_too_small", "amount"),
        ({"amount": 100_000_000}, "amount_too_large", "amount"),
        ({"amount": 1005, "currency": "kwd"}, None, "amount"),  # last digit must be 0
        ({"amount": 150, "currency": "isk"}, None, "amount"),  # whole krónur, ×100
        ({"capture_method": "later"}, None, "capture_method"),
        ({"confirm": "yes"}, None, "confirm"),
        ({"foo": "bar"}, "parameter_unknown", "foo"),
        ({"payment_method": "pm_card_nope"}, "resource_missing", "payment_method"),
        (
            {"payment_method_options[card][request_three_d_secure]": "challenge"},
            None,
            "payment_method_options[card][request_three_d_secure]",
        ),
    ],
)
def test_invalid_requests_are_400_and_create_nothing(
    client: Client,
    fake_stripe: FakeStripe,
    change: dict[str, Any],
    code: str | None,
    param: str,
) -> None:
    data: dict[str, Any] = {
        "amount": 1000,
        "currency": "usd",
        "payment_method": "pm_card_visa",
        "confirm": "true",
        "capture_method": "manual",
    }
    data.update(change)
    response = client.post("/v1/payment_intents", {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 400
    error = error_of(response)
    assert error["type"] == "invalid_request_error"
    assert (error.get("code"), error["param"]) == (code, param)
    assert fake_stripe.account.intents == {}
    assert fake_stripe.ledger.entries == []


@pytest.mark.parametrize(
    ("amount", "currency"), [(50, "jpy"), (1000, "kwd"), (500, "isk"), (30, "gbp")]
)
def test_currency_rules_accept_valid_amounts(client: Client, amount: int, currency: str) -> None:
    intent = client.authorized(amount=amount, currency=currency.upper())
    assert (intent["amount"], intent["currency"]) == (amount, currency)


def test_the_minimum_message_names_the_amount(client: Client) -> None:
    assert error_of(client.intent(amount=10))["message"] == "Amount must be at least $0.50 usd"


def test_raw_card_numbers_are_refused(client: Client) -> None:
    response = client.post(
        "/v1/payment_intents",
        {"amount": 1000, "currency": "usd", "payment_method_data[type]": "card",
         "payment_method_data[card][number]": "4242424242424242"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Sending credit card numbers directly" in error_of(response)["message"]


def test_unknown_objects_and_urls_are_404(client: Client) -> None:
    response = client.get("/v1/payment_intents/pi_nope")
    assert response.status_code == 404
    assert error_of(response)["code"] == "resource_missing"
    assert error_of(response)["param"] == "intent"
    assert error_of(response)["message"] == "No such payment_intent: 'pi_nope'"
    response = client.post("/v1/charges", {"amount": 1})
    assert response.status_code == 404
    assert error_of(response)["message"].startswith("Unrecognized request URL (POST: /v1/charges)")


def test_retrieve_returns_the_current_intent(client: Client, fake_stripe: FakeStripe) -> None:
    intent = client.authorized()
    assert client.get(f"/v1/payment_intents/{intent['id']}").json() == intent
    assert fake_stripe.payment_intent(intent["id"]) == intent


def test_create_without_confirm_then_confirm(client: Client, fake_stripe: FakeStripe) -> None:
    created = client.post(
        "/v1/payment_intents",
        {"amount": 1000, "currency": "usd", "payment_method": "pm_card_visa",
         "capture_method": "manual"},
    ).json()  # fmt: skip
    assert created["status"] == "requires_confirmation" and created["charges"]["data"] == []
    confirmed = client.post(f"/v1/payment_intents/{created['id']}/confirm").json()
    assert confirmed["status"] == "requires_capture"
    assert fake_stripe.ledger.authorizations() == [(created["id"], 1000)]


# -- 3-D Secure -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payment_method", ["pm_card_threeDSecure2Required", "pm_card_authenticationRequired"]
)
def test_3ds_with_return_url_redirects(
    client: Client, fake_stripe: FakeStripe, payment_method: str
) -> None:
    intent = client.authorized(payment_method=payment_method, return_url="https://shop.test/back")
    assert intent["status"] == "requires_action"
    assert intent["amount_capturable"] == 0 and intent["charges"]["data"] == []
    assert intent["next_action"]["type"] == "redirect_to_url"
    redirect = intent["next_action"]["redirect_to_url"]
    assert redirect["return_url"] == "https://shop.test/back"
    assert redirect["url"].startswith("https://")
    assert fake_stripe.ledger.entries == []


def test_3ds_without_return_url_is_left_to_stripe_js(client: Client) -> None:
    intent = client.authorized(payment_method="pm_card_threeDSecure2Required")
    assert intent["status"] == "requires_action"
    assert intent["next_action"]["type"] == "use_stripe_sdk"


@pytest.mark.parametrize("flag", ["error_on_requires_action", "off_session"])
def test_3ds_turned_into_an_error(client: Client, fake_stripe: FakeStripe, flag: str) -> None:
    response = client.intent("pm_card_authenticationRequired", params={flag: "true"})
    assert response.status_code == 402
    error = error_of(response)
    assert (error["type"], error["code"]) == ("card_error", "authentication_required")
    assert error["payment_intent"]["status"] == "requires_payment_method"
    assert fake_stripe.ledger.declines() == [(error["payment_intent"]["id"], 1000)]


def test_3ds_on_request_for_cards_that_support_it(client: Client) -> None:
    option = "payment_method_options[card][request_three_d_secure]"
    assert client.authorized(params={option: "any"})["status"] == "requires_action"
    assert client.authorized(params={option: "automatic"})["status"] == "requires_capture"
    # A card without 3-D Secure support goes straight to the issuer.
    assert (
        client.intent("pm_card_chargeDeclinedExpiredCard", params={option: "any"}).status_code
        == 402
    )


def test_completed_3ds_authorizes_and_can_be_captured(
    client: Client, fake_stripe: FakeStripe
) -> None:
    intent = client.authorized(payment_method="pm_card_threeDSecure2Required")
    done = fake_stripe.complete_3ds(intent["id"])
    assert done["status"] == "requires_capture" and done["next_action"] is None
    three_d_secure = done["charges"]["data"][0]["payment_method_details"]["card"]["three_d_secure"]
    assert three_d_secure["result"] == "authenticated"
    assert client.get(f"/v1/payment_intents/{intent['id']}").json() == done
    assert fake_stripe.ledger.authorizations() == [(intent["id"], 1000)]
    captured = client.post(f"/v1/payment_intents/{intent['id']}/capture").json()
    assert captured["status"] == "succeeded"


def test_failed_3ds_needs_a_new_payment_method(client: Client, fake_stripe: FakeStripe) -> None:
    intent = client.authorized(payment_method="pm_card_threeDSecure2Required")
    failed = fake_stripe.complete_3ds(intent["id"], succeed=False)
    assert failed["status"] == "requires_payment_method"
    assert failed["last_payment_error"]["code"] == "payment_intent_authentication_failure"
    assert failed["last_payment_error"]["type"] == "invalid_request_error"
    retried = client.post(
        f"/v1/payment_intents/{intent['id']}/confirm", {"payment_method": "pm_card_visa"}
    )
    assert retried.json()["status"] == "requires_capture"
    assert retried.json()["last_payment_error"] is None


def test_3ds_then_decline(client: Client, fake_stripe: FakeStripe) -> None:
    intent = client.authorized(payment_method="pm_card_threeDSecureRequiredChargeDeclined")
    done = fake_stripe.complete_3ds(intent["id"])
    assert done["status"] == "requires_payment_method"
    assert done["last_payment_error"]["decline_code"] == "insufficient_funds"


def test_complete_3ds_needs_requires_action(client: Client, fake_stripe: FakeStripe) -> None:
    with pytest.raises(ValueError, match="not requires_action"):
        fake_stripe.complete_3ds(client.authorized()["id"])


# -- capture and cancel ---------------------------------------------------------------------


def test_full_capture_by_default(client: Client, fake_stripe: FakeStripe) -> None:
    pi = client.authorized()["id"]
    captured = client.post(f"/v1/payment_intents/{pi}/capture").json()
    assert (captured["status"], captured["amount_received"]) == ("succeeded", 1000)
    assert captured["charges"]["data"][0]["amount_captured"] == 1000
    assert fake_stripe.ledger.charges() == [(pi, 1000)]
    assert fake_stripe.ledger.voids() == []


def test_partial_capture_releases_the_rest_and_only_once(
    client: Client, fake_stripe: FakeStripe
) -> None:
    pi = client.authorized()["id"]
    captured = client.post(f"/v1/payment_intents/{pi}/capture", {"amount_to_capture": 600}).json()
    assert (captured["amount_received"], captured["amount_capturable"]) == (600, 0)
    assert fake_stripe.ledger.charges() == [(pi, 600)]
    assert fake_stripe.ledger.voids() == [(pi, 400)]
    again = client.post(f"/v1/payment_intents/{pi}/capture", {"amount_to_capture": 400})
    assert again.status_code == 400
    assert error_of(again)["code"] == "payment_intent_unexpected_state"
    assert error_of(again)["payment_intent"]["status"] == "succeeded"
    assert fake_stripe.ledger.captured(pi) == 600


def test_capture_more_than_capturable_is_refused(client: Client, fake_stripe: FakeStripe) -> None:
    pi = client.authorized()["id"]
    response = client.post(f"/v1/payment_intents/{pi}/capture", {"amount_to_capture": 1001})
    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["param"]) == ("amount_too_large", "amount_to_capture")
    assert fake_stripe.payment_intent(pi)["status"] == "requires_capture"
    assert fake_stripe.ledger.charges() == []


def test_capture_of_a_sale_or_a_missing_intent(client: Client) -> None:
    pi = client.authorized(capture_method="automatic")["id"]
    response = client.post(f"/v1/payment_intents/{pi}/capture")
    assert error_of(response)["code"] == "payment_intent_unexpected_state"
    assert "status of succeeded" in error_of(response)["message"]
    assert client.post("/v1/payment_intents/pi_nope/capture").status_code == 404


def test_cancel_releases_an_authorization(client: Client, fake_stripe: FakeStripe) -> None:
    pi = client.authorized()["id"]
    canceled = client.post(
        f"/v1/payment_intents/{pi}/cancel", {"cancellation_reason": "requested_by_customer"}
    ).json()
    assert canceled["status"] == "canceled" and canceled["amount_capturable"] == 0
    assert canceled["cancellation_reason"] == "requested_by_customer"
    assert canceled["canceled_at"] is not None
    assert canceled["charges"]["data"][0]["refunded"] is True
    assert fake_stripe.ledger.voids() == [(pi, 1000)]
    refund = client.post("/v1/refunds", {"payment_intent": pi})
    assert error_of(refund)["code"] == "charge_not_refundable"


def test_cancel_refusals(client: Client) -> None:
    pi = client.authorized(capture_method="automatic")["id"]
    response = client.post(f"/v1/payment_intents/{pi}/cancel")
    assert response.status_code == 400
    assert error_of(response)["code"] == "payment_intent_unexpected_state"
    pi = client.authorized()["id"]
    response = client.post(f"/v1/payment_intents/{pi}/cancel", {"cancellation_reason": "bored"})
    assert error_of(response)["param"] == "cancellation_reason"


def test_cancel_during_3ds_moves_no_money(client: Client, fake_stripe: FakeStripe) -> None:
    pi = client.authorized(payment_method="pm_card_threeDSecure2Required")["id"]
    assert client.post(f"/v1/payment_intents/{pi}/cancel").json()["status"] == "canceled"
    assert fake_stripe.ledger.entries == []


# -- refunds --------------------------------------------------------------------------------


def test_partial_refunds_until_nothing_is_left(client: Client, fake_stripe: FakeStripe) -> None:
    pi = client.authorized(capture_method="automatic")["id"]
    first = client.post("/v1/refunds", {"payment_intent": pi, "amount": 300, "reason": "duplicate"})
    assert first.status_code == 200
    refund = first.json()
    assert (refund["object"], refund["status"], refund["amount"]) == ("refund", "succeeded", 300)
    assert (refund["payment_intent"], refund["reason"]) == (pi, "duplicate")
    assert client.post("/v1/refunds", {"payment_intent": pi, "amount": 200}).status_code == 200
    too_much = client.post("/v1/refunds", {"payment_intent": pi, "amount": 600})
    assert too_much.status_code == 400
    assert error_of(too_much)["code"] == "amount_too_large"
    assert error_of(too_much)["message"] == (
        "Refund amount ($6.00) is greater than unrefunded amount on charge ($5.00)"
    )
    rest = client.post("/v1/refunds", {"payment_intent": pi}).json()
    assert rest["amount"] == 500
    again = client.post("/v1/refunds", {"payment_intent": pi})
    assert error_of(again)["code"] == "charge_already_refunded"
    charge = client.get(f"/v1/payment_intents/{pi}").json()["charges"]["data"][0]
    assert (charge["amount_refunded"], charge["refunded"]) == (1000, True)
    assert charge["refunds"]["total_count"] == 3
    assert fake_stripe.ledger.refunds() == [(pi, 300), (pi, 200), (pi, 500)]
    assert fake_stripe.ledger.refunded(pi) == 1000


def test_refund_after_partial_capture_is_limited_to_the_capture(client: Client) -> None:
    pi = client.authorized()["id"]
    client.post(f"/v1/payment_intents/{pi}/capture", {"amount_to_capture": 600})
    assert error_of(client.post("/v1/refunds", {"payment_intent": pi, "amount": 700}))["code"] == (
        "amount_too_large"
    )
    assert client.post("/v1/refunds", {"payment_intent": pi}).json()["amount"] == 600


def test_refund_by_charge_id(client: Client, fake_stripe: FakeStripe) -> None:
    intent = client.authorized(capture_method="automatic")
    charge = intent["charges"]["data"][0]["id"]
    refund = client.post("/v1/refunds", {"charge": charge, "amount": 100}).json()
    assert (refund["charge"], refund["payment_intent"]) == (charge, intent["id"])
    assert client.get(f"/v1/refunds/{refund['id']}").json() == refund


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        ({}, 400, "parameter_missing"),
        ({"payment_intent": "pi_x", "charge": "ch_x"}, 400, "parameters_exclusive"),
        ({"payment_intent": "pi_nope"}, 400, "resource_missing"),
        ({"charge": "ch_nope"}, 400, "resource_missing"),
    ],
)
def test_refund_request_errors(
    client: Client, data: dict[str, str], status: int, code: str
) -> None:
    response = client.post("/v1/refunds", data)
    assert (response.status_code, error_of(response)["code"]) == (status, code)


def test_refunds_need_a_captured_charge(client: Client) -> None:
    uncaptured = client.authorized()["id"]
    assert error_of(client.post("/v1/refunds", {"payment_intent": uncaptured}))["code"] == (
        "charge_not_refundable"
    )
    declined = error_of(client.intent("pm_card_chargeDeclined"))["payment_intent"]["id"]
    assert error_of(client.post("/v1/refunds", {"payment_intent": declined}))["code"] == (
        "charge_not_refundable"
    )
    sale = client.authorized(capture_method="automatic")["id"]
    bad_reason = client.post("/v1/refunds", {"payment_intent": sale, "reason": "changed_mind"})
    assert error_of(bad_reason)["param"] == "reason"
    assert error_of(client.post("/v1/refunds", {"payment_intent": sale, "amount": 0}))["param"] == (
        "amount"
    )
    assert client.get("/v1/refunds/re_nope").status_code == 404


def test_pending_refund_can_fail_later(client: Client, fake_stripe: FakeStripe) -> None:
    pi = client.authorized(payment_method="pm_card_pendingRefund", capture_method="automatic")
    refund = client.post("/v1/refunds", {"payment_intent": pi["id"]}).json()
    assert refund["status"] == "pending"
    assert fake_stripe.ledger.refunds() == [(pi["id"], 1000)]
    failed = fake_stripe.settle_refund(refund["id"], succeed=False)
    assert (failed["status"], failed["failure_reason"]) == ("failed", "expired_or_canceled_card")
    assert client.get(f"/v1/refunds/{refund['id']}").json() == failed
    assert fake_stripe.ledger.refunds() == []
    again = client.post("/v1/refunds", {"payment_intent": pi["id"]}).json()
    assert again["amount"] == 1000  # the failed refund's money is refundable again


def test_setup_intent_gives_a_client_secret(client: Client) -> None:
    response = client.post(
        "/v1/setup_intents", {"usage": "on_session", "payment_method_types[0]": "card"}
    )
    setup = response.json()
    assert (setup["object"], setup["status"], setup["usage"]) == (
        "setup_intent",
        "requires_payment_method",
        "on_session",
    )
    assert setup["client_secret"].startswith(setup["id"] + "_secret_")


# -- saved payment methods (setup_future_usage) ---------------------------------------------


def test_setup_future_usage_keeps_the_card_for_off_session_charges(
    client: Client, fake_stripe: FakeStripe
) -> None:
    first = client.authorized(
        capture_method="automatic", customer="cus_1", setup_future_usage="off_session"
    )
    kept = first["payment_method"]
    assert kept.startswith("pm_") and first["setup_future_usage"] == "off_session"

    again = client.authorized(
        payment_method=kept, customer="cus_1", capture_method="automatic", off_session="true"
    )

    assert (again["status"], again["payment_method"]) == ("succeeded", kept)
    assert fake_stripe.ledger.charges() == [(first["id"], 1000), (again["id"], 1000)]
    declined = client.intent("pm_card_chargeDeclined", customer="cus_1",
                             setup_future_usage="off_session").json()  # fmt: skip
    attempt = declined["error"]["payment_method"]["id"]
    assert client.intent(attempt, customer="cus_1").status_code == 400  # a decline keeps nothing


@pytest.mark.parametrize(
    ("first", "second", "param"),
    [
        ({"customer": "cus_1"}, {"customer": "cus_1"}, "payment_method"),  # not asked to keep
        ({"setup_future_usage": "off_session"}, {}, "payment_method"),  # kept, not attached
        ({"customer": "cus_1", "setup_future_usage": "on_session"}, {"customer": "cus_2"},
         "customer"),
        ({"customer": "cus_1", "setup_future_usage": "off_session"}, {}, "customer"),
    ],
)  # fmt: skip
def test_a_used_payment_method_is_charged_again_only_kept_for_its_customer(
    client: Client,
    fake_stripe: FakeStripe,
    first: dict[str, str],
    second: dict[str, str],
    param: str,
) -> None:
    used = client.authorized(**first)["payment_method"]

    refused = client.intent(used, **second)

    assert refused.status_code == 400 and error_of(refused)["param"] == param
    assert len(fake_stripe.ledger.authorizations()) == 1


# -- idempotency ----------------------------------------------------------------------------


def test_same_key_and_body_replays_without_a_second_charge(
    client: Client, fake_stripe: FakeStripe
) -> None:
    first = client.intent(key="order-1-auth")
    second = client.intent(key="order-1-auth")
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.content == first.content
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.headers["Original-Request"] == first.headers["Request-Id"]
    assert second.headers["Request-Id"] != first.headers["Request-Id"]
    assert fake_stripe.ledger.authorizations() == [(first.json()["id"], 1000)]
    assert len(fake_stripe.account.intents) == 1
    assert fake_stripe.ledger.executions("order-1-auth") == 1
    assert fake_stripe.ledger.replays("order-1-auth") == 1


def test_same_key_with_other_params_is_an_idempotency_error(
    client: Client, fake_stripe: FakeStripe
) -> None:
    client.intent(key="k")
    response = client.intent(amount=2000, key="k")
    assert response.status_code == 400
    error = error_of(response)
    assert error["type"] == "idempotency_error"
    assert error["message"].startswith(
        "Keys for idempotent requests can only be used with the same parameters"
    )
    assert len(fake_stripe.ledger.authorizations()) == 1


def test_same_key_on_another_endpoint_is_an_idempotency_error(client: Client) -> None:
    pi = client.authorized(key="k")["id"]
    response = client.post("/v1/refunds", {"payment_intent": pi}, key="k")
    assert error_of(response)["type"] == "idempotency_error"
    assert "same endpoint" in error_of(response)["message"]


def test_params_are_compared_not_bytes(client: Client, fake_stripe: FakeStripe) -> None:
    body = "amount=1000&currency=usd&payment_method=pm_card_visa&confirm=true"
    reordered = "confirm=true&payment_method=pm_card_visa&currency=usd&amount=1000"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    first = client.post("/v1/payment_intents", body, key="k", headers=form)
    second = client.post("/v1/payment_intents", reordered, key="k", headers=form)
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json()["id"] == first.json()["id"]


def test_a_decline_is_replayed_too(client: Client, fake_stripe: FakeStripe) -> None:
    first = client.intent("pm_card_chargeDeclined", key="k")
    second = client.intent("pm_card_chargeDeclined", key="k")
    assert (first.status_code, second.status_code) == (402, 402)
    assert second.content == first.content and second.headers["Idempotent-Replayed"] == "true"
    assert len(fake_stripe.ledger.declines()) == 1


def test_a_validation_error_does_not_use_up_the_key(
    client: Client, fake_stripe: FakeStripe
) -> None:
    assert client.intent(amount="ten", key="k").status_code == 400
    response = client.intent(key="k")
    assert response.status_code == 200 and "Idempotent-Replayed" not in response.headers
    assert fake_stripe.ledger.executions("k") == 2


def test_a_concurrent_request_with_the_key_in_flight_is_409(
    client: Client, fake_stripe: FakeStripe
) -> None:
    fake_stripe.inject(Fault.SLOW, seconds=0.5)
    first: list[requests.Response] = []
    thread = threading.Thread(target=lambda: first.append(client.intent(key="k")))
    thread.start()
    wait_for(lambda: fake_stripe.in_flight("k"))
    with requests.Session() as other:
        second = Client(fake_stripe, other).intent(key="k")
    thread.join()
    assert second.status_code == 409
    assert error_of(second)["code"] == "idempotency_key_in_use"
    assert second.headers["Stripe-Should-Retry"] == "true"
    assert first[0].status_code == 200
    assert client.intent(key="k").headers["Idempotent-Replayed"] == "true"
    assert len(fake_stripe.ledger.authorizations()) == 1


def test_keys_are_scoped_per_api_key(client: Client, fake_stripe: FakeStripe) -> None:
    client.intent(key="k")
    with requests.Session() as session:
        other = Client(fake_stripe, session)
        session.headers["Authorization"] = f"Bearer {fake_stripe.add_api_key()}"
        response = other.intent(key="k")
    assert "Idempotent-Replayed" not in response.headers
    assert len(fake_stripe.ledger.authorizations()) == 2


def test_idempotency_keys_only_apply_to_posts(client: Client) -> None:
    pi = client.authorized()["id"]
    response = client.get(f"/v1/payment_intents/{pi}", headers={"Idempotency-Key": "k"})
    again = client.get(f"/v1/payment_intents/{pi}", headers={"Idempotency-Key": "k"})
    assert "Idempotent-Replayed" not in again.headers and again.json() == response.json()


def test_overlong_keys_are_refused(client: Client, fake_stripe: FakeStripe) -> None:
    assert client.intent(key="k" * 256).status_code == 400
    assert client.intent(key="k" * 255).status_code == 200


# -- faults ---------------------------------------------------------------------------------


def test_slow_before_processing_times_out_then_the_retry_replays(
    client: Client, fake_stripe: FakeStripe
) -> None:
    fake_stripe.inject(Fault.SLOW, seconds=0.6)
    with pytest.raises(requests.ReadTimeout):
        client.intent(capture_method="automatic", key="k", timeout=0.2)
    # Stripe is still working on it: the key is in use.
    assert client.intent(capture_method="automatic", key="k").status_code == 409
    wait_for(lambda: not fake_stripe.in_flight("k"))
    retry = client.intent(capture_method="automatic", key="k")
    assert retry.status_code == 200 and retry.headers["Idempotent-Replayed"] == "true"
    assert fake_stripe.ledger.charges() == [(retry.json()["id"], 1000)]


def test_slow_after_processing_times_out_with_the_work_done(
    client: Client, fake_stripe: FakeStripe
) -> None:
    fake_stripe.inject(Fault.SLOW, seconds=0.5, after_processing=True)
    with pytest.raises(requests.ReadTimeout):
        client.intent(capture_method="automatic", key="k", timeout=0.2)
    assert len(fake_stripe.ledger.charges()) == 1
    retry = client.intent(capture_method="automatic", key="k")
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert len(fake_stripe.ledger.charges()) == 1


def test_drop_after_processing_then_retry_charges_once_over_many_trials(
    client: Client, fake_stripe: FakeStripe
) -> None:
    trials = 40
    for trial in range(trials):
        key = f"order-{trial}-sale"
        fake_stripe.inject(Fault.DROP_AFTER_PROCESSING)
        with pytest.raises(requests.ConnectionError):
            client.intent(capture_method="automatic", key=key)
        retry = client.intent(capture_method="automatic", key=key)
        assert retry.status_code == 200 and retry.headers["Idempotent-Replayed"] == "true"
        assert fake_stripe.ledger.executions(key) == 1
    charges = fake_stripe.ledger.charges()
    assert len(charges) == trials and len({pi for pi, _ in charges}) == trials


def test_drop_before_processing_changes_nothing(client: Client, fake_stripe: FakeStripe) -> None:
    fake_stripe.inject(Fault.DROP_BEFORE_PROCESSING)
    with pytest.raises(requests.ConnectionError):
        client.intent(key="k")
    assert fake_stripe.ledger.entries == [] and fake_stripe.ledger.executions("k") == 0
    retry = client.intent(key="k")
    assert retry.status_code == 200 and "Idempotent-Replayed" not in retry.headers


def test_500_before_processing_changes_nothing(client: Client, fake_stripe: FakeStripe) -> None:
    fake_stripe.inject(Fault.STATUS_500)
    response = client.intent(key="k")
    assert response.status_code == 500
    assert error_of(response)["type"] == "api_error"
    assert fake_stripe.ledger.entries == []
    assert "Idempotent-Replayed" not in client.intent(key="k").headers


def test_500_after_processing_hides_a_success_the_retry_finds(
    client: Client, fake_stripe: FakeStripe
) -> None:
    fake_stripe.inject(Fault.STATUS_500, after_processing=True)
    assert client.intent(key="k").status_code == 500
    assert len(fake_stripe.ledger.authorizations()) == 1
    retry = client.intent(key="k")
    assert retry.status_code == 200 and retry.headers["Idempotent-Replayed"] == "true"
    assert len(fake_stripe.ledger.authorizations()) == 1


@pytest.mark.parametrize(("fault", "status"), [(Fault.STATUS_502, 502), (Fault.STATUS_503, 503)])
def test_proxy_errors_are_plain_text(
    client: Client, fake_stripe: FakeStripe, fault: Fault, status: int
) -> None:
    fake_stripe.inject(fault)
    response = client.intent()
    assert response.status_code == status
    assert response.headers["Content-Type"] == "text/plain"
    with pytest.raises(ValueError):
        response.json()


def test_rate_limit(client: Client, fake_stripe: FakeStripe) -> None:
    fake_stripe.inject(Fault.STATUS_429, retry_after=2)
    response = client.intent()
    assert response.status_code == 429 and response.headers["Retry-After"] == "2"
    assert (error_of(response)["type"], error_of(response)["code"]) == (
        "invalid_request_error",
        "rate_limit",
    )
    assert fake_stripe.ledger.entries == []


def test_malformed_json(client: Client, fake_stripe: FakeStripe) -> None:
    fake_stripe.inject(Fault.MALFORMED_JSON, after_processing=True)
    response = client.intent()
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    with pytest.raises(ValueError):
        response.json()
    assert len(fake_stripe.ledger.authorizations()) == 1  # processed; only the reply is broken


def test_html_error_page(client: Client, fake_stripe: FakeStripe) -> None:
    fake_stripe.inject(Fault.HTML_ERROR)
    response = client.intent()
    assert response.status_code == 502
    assert response.headers["Content-Type"] == "text/html" and "<html>" in response.text


def test_faults_can_target_a_path_method_and_count(client: Client, fake_stripe: FakeStripe) -> None:
    injection = fake_stripe.inject(Fault.STATUS_503, path="/v1/refunds", times=2)
    pi = client.authorized(capture_method="automatic")["id"]
    assert client.post("/v1/refunds", {"payment_intent": pi, "amount": 100}).status_code == 503
    assert client.post("/v1/refunds", {"payment_intent": pi, "amount": 100}).status_code == 503
    assert client.post("/v1/refunds", {"payment_intent": pi, "amount": 100}).status_code == 200
    assert (injection.fired, injection.remaining) == (2, 0)
    fake_stripe.inject(Fault.STATUS_500, method="GET")
    assert client.authorized()["status"] == "requires_capture"
    assert client.get(f"/v1/payment_intents/{pi}").status_code == 500
    fake_stripe.inject(Fault.STATUS_500)
    fake_stripe.clear_faults()
    assert client.get(f"/v1/payment_intents/{pi}").status_code == 200


def test_inject_refuses_contradictions(fake_stripe: FakeStripe) -> None:
    with pytest.raises(ValueError):
        fake_stripe.inject(Fault.DROP_AFTER_PROCESSING, after_processing=True)
    with pytest.raises(ValueError):
        fake_stripe.inject(Fault.SLOW, times=0)


# -- connections and the request log --------------------------------------------------------


def test_keep_alive_uses_one_connection(client: Client, fake_stripe: FakeStripe) -> None:
    pi = client.authorized()["id"]
    for _ in range(50):
        assert client.get(f"/v1/payment_intents/{pi}").status_code == 200
    assert fake_stripe.connections_opened == 1
    assert {request.connection for request in fake_stripe.requests} == {1}


def test_a_dropped_connection_is_replaced(client: Client, fake_stripe: FakeStripe) -> None:
    fake_stripe.inject(Fault.DROP_BEFORE_PROCESSING)
    with pytest.raises(requests.ConnectionError):
        client.intent()
    client.intent()
    client.intent()
    assert fake_stripe.connections_opened == 2


def test_the_request_log(client: Client, fake_stripe: FakeStripe) -> None:
    client.intent(key="k", params={"metadata[order_id]": "42", "expand[0]": "charges"})
    client.intent(key="k", params={"metadata[order_id]": "42", "expand[0]": "charges"})
    first, second = fake_stripe.requests
    assert (first.method, first.path, first.status, first.replayed) == (
        "POST",
        "/v1/payment_intents",
        200,
        False,
    )
    assert second.replayed is True and first.idempotency_key == "k"
    assert first.headers["Authorization"] == "[redacted]"
    assert fake_stripe.api_key.encode() not in first.body
    assert b"metadata%5Border_id%5D=42" in first.body
    assert first.params["metadata"] == {"order_id": "42"}
    assert first.params["expand"] == ["charges"]


def test_parse_form() -> None:
    body = "a=1&b[c]=2&b[d][e]=3&expand[0]=x&expand[1]=y&list[]=p&list[]=q&empty="
    assert parse_form(body) == {
        "a": "1",
        "b": {"c": "2", "d": {"e": "3"}},
        "expand": ["x", "y"],
        "list": ["p", "q"],
        "empty": "",
    }
    with pytest.raises(ValueError):
        parse_form("a=1&a[b]=2")


# -- shapes: the fake's objects validate against Stripe's 2022 OpenAPI spec -----------------


def _nullable_to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 ``nullable: true`` means "or null"; JSON Schema needs it spelled out."""
    if isinstance(node, list):
        return [_nullable_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {k: _nullable_to_json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@pytest.fixture(scope="module")
def stripe_schema() -> Callable[[str], Any]:
    spec = _nullable_to_json_schema(json.loads(SPEC_FILE.read_text(encoding="utf-8")))
    registry: Registry[Any] = Registry().with_resource("urn:stripe", DRAFT4.create_resource(spec))

    def validator(schema: str) -> Any:
        ref = {"$ref": f"urn:stripe#/components/schemas/{schema}"}
        return Draft4Validator(ref, registry=registry)

    return validator


def test_objects_match_the_2020_08_27_schemas(
    client: Client, fake_stripe: FakeStripe, stripe_schema: Callable[[str], Any]
) -> None:
    intents = [
        client.authorized(params={"metadata[order_id]": "1"}),
        client.authorized(capture_method="automatic"),
        client.authorized(payment_method="pm_card_threeDSecure2Required", return_url="https://x"),
        client.authorized(payment_method="pm_card_threeDSecure2Required"),
    ]
    declined = client.intent("pm_card_radarBlock").json()
    intents.append(declined["error"]["payment_intent"])
    failed_3ds = client.authorized(payment_method="pm_card_authenticationRequired")
    intents.append(fake_stripe.complete_3ds(failed_3ds["id"], succeed=False))
    intents.append(fake_stripe.complete_3ds(intents[2]["id"]))
    refund = client.post("/v1/refunds", {"payment_intent": intents[1]["id"], "amount": 100})
    intents.append(client.get(f"/v1/payment_intents/{intents[1]['id']}").json())
    canceled = client.post(f"/v1/payment_intents/{intents[0]['id']}/cancel").json()
    intents.append(canceled)
    for intent in intents:
        stripe_schema("payment_intent").validate(intent)
    stripe_schema("refund").validate(refund.json())
    stripe_schema("error").validate(declined)
    stripe_schema("error").validate(client.post("/v1/refunds", {}).json())
    setup = client.post("/v1/setup_intents", {"usage": "off_session"}).json()
    stripe_schema("setup_intent").validate(setup)


def test_the_schema_check_would_catch_a_wrong_shape(
    client: Client, stripe_schema: Callable[[str], Any]
) -> None:
    intent = client.authorized()
    broken = copy.deepcopy(intent)
    broken["status"] = "authorized"
    with pytest.raises(Exception, match="is not one of"):
        stripe_schema("payment_intent").validate(broken)
    broken = copy.deepcopy(intent)
    del broken["charges"]["data"][0]["outcome"]["type"]  # deep inside: charge → outcome
    with pytest.raises(Exception, match=r"\['outcome'\]"):
        stripe_schema("payment_intent").validate(broken)


def test_lifecycle_and_counts_after_stop() -> None:
    fake = FakeStripe(api_key="sk_test_mine")
    with pytest.raises(RuntimeError):
        _ = fake.url
    with fake:
        assert fake.url.startswith("http://127.0.0.1:") and fake.api_key == "sk_test_mine"
        with requests.Session() as session:
            Client(fake, session).authorized()
    assert fake.connections_opened == 1 and len(fake.requests) == 1
    assert len(fake.ledger.authorizations()) == 1
    with pytest.raises(requests.ConnectionError):
        requests.get(fake.url, timeout=TIMEOUT)
    assert fake.server_errors == []


# -- webhooks: the events the fake queues -----------------------------------------------------


def test_state_changes_queue_the_events_stripe_sends(
    client: Client, fake_stripe: FakeStripe, stripe_schema: Callable[[str], Any]
) -> None:
    held = client.authorized()["id"]
    client.post(f"/v1/payment_intents/{held}/capture", {"amount_to_capture": 600})
    sale = client.authorized(capture_method="automatic")["id"]
    client.post("/v1/refunds", {"payment_intent": sale, "amount": 100})
    pending = client.authorized(payment_method="pm_card_pendingRefund", capture_method="automatic")
    refund = client.post("/v1/refunds", {"payment_intent": pending["id"]}).json()
    fake_stripe.settle_refund(refund["id"], succeed=False)
    client.intent("pm_card_chargeDeclined")
    challenged = client.authorized(payment_method="pm_card_threeDSecure2Required")["id"]
    fake_stripe.complete_3ds(challenged, succeed=False)
    canceled = client.authorized()["id"]
    client.post(f"/v1/payment_intents/{canceled}/cancel")

    webhooks = fake_stripe.take_webhooks()

    assert {w.type for w in webhooks} == {
        "payment_intent.created", "payment_intent.requires_action", "charge.succeeded",
        "charge.failed", "charge.captured", "payment_intent.amount_capturable_updated",
        "payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled",
        "charge.refunded", "charge.refund.updated",
    }  # fmt: skip
    for webhook in webhooks:
        stripe_schema("event").validate(webhook.event)
        stripe_schema(webhook.object["object"]).validate(webhook.object)
        assert webhook.event["api_version"] == "2020-08-27"
    assert fake_stripe.take_webhooks() == []
    [failed] = [w.object for w in webhooks if w.type == "charge.refund.updated"]
    assert (failed["status"], failed["failure_reason"]) == ("failed", "expired_or_canceled_card")


def test_an_event_names_the_request_that_caused_it(client: Client, fake_stripe: FakeStripe) -> None:
    response = client.intent(key="order-5-auth")
    [caused] = fake_stripe.take_webhooks("payment_intent.amount_capturable_updated")
    assert caused.event["request"] == {
        "id": response.headers["Request-Id"],
        "idempotency_key": "order-5-auth",
    }
    fake_stripe.take_webhooks()
    # A replay of the same key runs nothing, so it raises no event either.
    assert client.intent(key="order-5-auth").headers["Idempotent-Replayed"] == "true"
    assert fake_stripe.take_webhooks() == []
    # A test helper stands for the shopper: no API request caused its events.
    challenged = client.authorized(payment_method="pm_card_threeDSecure2Required")["id"]
    fake_stripe.take_webhooks()
    fake_stripe.complete_3ds(challenged)
    [automatic] = fake_stripe.take_webhooks("payment_intent.amount_capturable_updated")
    assert automatic.event["request"] == {"id": None, "idempotency_key": None}


def test_webhooks_are_signed_with_every_signing_secret(fake_stripe: FakeStripe) -> None:
    first = fake_stripe.webhook_secret
    assert first.startswith("whsec_") and first != FakeStripe().webhook_secret
    headers = fake_stripe.sign_webhook(b"{}", timestamp=1_700_000_000)
    assert headers["Stripe-Signature"].startswith("t=1700000000,v1=")
    assert headers["Stripe-Signature"].count("v1=") == 1
    second = fake_stripe.roll_webhook_secret()
    rolled = fake_stripe.sign_webhook(b"{}", timestamp=1_700_000_000)["Stripe-Signature"]
    v1s = [part[3:] for part in rolled.split(",") if part.startswith("v1=")]
    assert v1s == [
        v1_signature(second, 1_700_000_000, b"{}"),
        v1_signature(first, 1_700_000_000, b"{}"),
    ]
