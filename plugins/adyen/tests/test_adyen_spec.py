"""The spec validator itself (psp-reference §9), the plugin's requests and the fake's replies."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from gateway_plugins_adyen import AdyenSettings
from gateway_plugins_adyen.builders import (
    cancel_request,
    capture_request,
    details_request,
    payment_request,
    refund_request,
)
from gateway_plugins_adyen.testing import FakeAdyen

from gateway_plugins import AddressData, ErrorCode, GatewayConfig, PaymentData
from plugins.adyen.tests.adyen_spec import (
    REQUEST_SCHEMAS,
    SPEC_FILE,
    AdyenSpecError,
    schema_errors,
    template_of,
    validate,
)
from plugins.adyen.tests.payments import card, manager_for, pay

TIMEOUT = 5.0
ONE_EURO = {"currency": "EUR", "value": 100}


def a_payment(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "merchantAccount": "GatewayPluginsTestECOM",
        "amount": {"currency": "EUR", "value": 1000},
        "reference": "order-1",
        "returnUrl": "https://shop.example/return",
        "paymentMethod": card(),
        "additionalData": {"manualCapture": "true"},
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


# -- the validator ----------------------------------------------------------------------------


def test_a_valid_payment_request_passes() -> None:
    assert schema_errors("PaymentRequest", a_payment()) == []
    validate("PaymentRequest", a_payment())


@pytest.mark.parametrize(
    ("schema", "instance", "expected"),
    [
        ("PaymentRequest", a_payment(merchantAccount=None),
         "'merchantAccount' is a required property"),
        ("PaymentRequest", a_payment(amount={"currency": "EUR", "value": 10.5}),
         "amount.value: value is not of type 'integer'"),
        ("PaymentRequest", a_payment(additionalData={"manualCapture": True}),
         "additionalData.manualCapture: value is not of type 'string'"),
        ("PaymentRequest", a_payment(amount={"currency": "EURO", "value": 1}),
         "amount.currency"),
        ("PaymentCaptureRequest", {"merchantAccount": "M", "amount": ONE_EURO, "captureAmount": 1},
         "Additional properties are not allowed"),
        ("PaymentCancelRequest", {}, "'merchantAccount' is a required property"),
        ("PaymentRefundRequest", {"merchantAccount": "M", "amount": ONE_EURO,
                                  "merchantRefundReason": "CHANGED MIND"}, "is not one of"),
        ("PaymentDetailsRequest", {"details": {"redirectResult": 7}}, "details.redirectResult"),
        ("PaymentResponse", {"resultCode": "Declined"}, "resultCode: value is not one of"),
    ],
)  # fmt: skip
def test_expected_failures(schema: str, instance: dict[str, Any], expected: str) -> None:
    with pytest.raises(AdyenSpecError) as caught:
        validate(schema, instance)

    assert any(expected in line for line in caught.value.errors), caught.value.errors


def test_a_payment_method_of_no_known_shape_is_refused() -> None:
    odd = card(cardNumber="4111111111111111")

    errors = schema_errors("PaymentRequest", a_payment(paymentMethod=odd))

    assert errors and errors[0].startswith("paymentMethod:")


def test_messages_never_repeat_card_data() -> None:
    typed_wrong = {"type": "scheme", "encryptedCardNumber": 4111111111111111, "cvc": 737}

    errors = schema_errors("PaymentRequest", a_payment(paymentMethod=typed_wrong))

    assert errors and not any("4111111111111111" in line or "737" in line for line in errors)


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/payments", "/payments"),
        ("/payments/details", "/payments/details"),
        ("/payments/ABC/captures", "/payments/{paymentPspReference}/captures"),
        ("/payments/details/captures", "/payments/{paymentPspReference}/captures"),
        ("/payments/ABC/unknown", None),
        ("/storedPaymentMethods", "/storedPaymentMethods"),
    ],
)
def test_template_of(path: str, template: str | None) -> None:
    assert template_of(path) == template


# -- the subset of the spec in the repository ------------------------------------------------


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from [value] if key == "$ref" else _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_every_ref_in_the_subset_resolves_inside_it() -> None:
    spec = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    refs = set(_refs(spec))
    unresolved = []
    for ref in refs:
        node = spec
        for part in ref.removeprefix("#/").split("/"):
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            unresolved.append(ref)

    assert len(refs) > 100 and unresolved == []


def test_the_fakes_request_schemas_are_the_specs() -> None:
    spec = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    bodies = {
        (method.upper(), path): operation["requestBody"]["content"]["application/json"]["schema"]
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    }

    assert bodies == {
        operation: {"$ref": f"#/components/schemas/{schema}"}
        for operation, schema in REQUEST_SCHEMAS.items()
    }


# -- the plugin's requests, built offline ------------------------------------------------------

SETTINGS = AdyenSettings(api_key="k", merchant_account="GatewayPluginsTestECOM",
                         return_url="https://shop.example/return")  # fmt: skip
CONFIG = GatewayConfig(gateway_name="Adyen", supported_currencies="EUR", require_3d_secure=True)


@pytest.mark.parametrize(
    ("build", "schema", "payment"),
    [
        (lambda p: payment_request(p, CONFIG, settings=SETTINGS, manual_capture=True),
         "PaymentRequest",
         pay(order_id="o-1", customer_email="a@example.com", customer_ip_address="192.0.2.1",
             billing=AddressData(street_address_1="Main St 1", city="Amsterdam",
                                 postal_code="1011 DJ", country="NL"),
             data={"additional_data": {"riskdata.basket": "1"}})),
        (lambda p: payment_request(p, CONFIG, settings=SETTINGS, manual_capture=False),
         "PaymentRequest", pay(token="STOREDCARD000001", customer_id="shopper-1")),
        (lambda p: payment_request(p, CONFIG, settings=SETTINGS, manual_capture=False),
         "PaymentRequest", pay(reuse_source=True, customer_id="shopper-1")),
        (lambda p: capture_request(p, CONFIG, settings=SETTINGS), "PaymentCaptureRequest",
         PaymentData(gateway="adyen", amount="1.234", currency="KWD", psp_reference="P",
                     order_id="o-1")),
        (lambda p: refund_request(p, CONFIG, settings=SETTINGS), "PaymentRefundRequest",
         PaymentData(gateway="adyen", amount="5", currency="ISK", psp_reference="P")),
        (lambda p: cancel_request(p, CONFIG, settings=SETTINGS), "PaymentCancelRequest",
         PaymentData(gateway="adyen", amount="5", currency="EUR", psp_reference="P")),
        (lambda p: details_request(p, CONFIG, settings=SETTINGS), "PaymentDetailsRequest",
         PaymentData(gateway="adyen", amount="5", currency="EUR",
                     data={"details": {"redirectResult": "Ab02b4c0!x"}})),
    ],
)  # fmt: skip
def test_the_plugins_requests_match_the_spec(
    build: Callable[[PaymentData], Any], schema: str, payment: PaymentData
) -> None:
    validate(schema, build(payment).json)


def test_a_wrong_request_fails_loudly(fake_adyen: FakeAdyen) -> None:
    manager = manager_for(fake_adyen)
    # A field Adyen does not know, smuggled in through the storefront's payment method.
    odd = pay(method=card(cardNumber="4111111111111111"))

    response = manager.authorize(odd)

    assert not response.is_success and response.error_code is ErrorCode.PROCESSING_ERROR
    assert response.psp_error_code == "702"
    [violation] = fake_adyen.take_spec_violations()
    assert violation.schema == "PaymentRequest" and violation.path == "/payments"
    assert "4111111111111111" not in (response.psp_error_message or "")


# -- the fake's replies ---------------------------------------------------------------------------


class Client:
    """Plain HTTP against the fake, to read its replies as they are."""

    def __init__(self, fake: FakeAdyen, session: requests.Session) -> None:
        self.fake = fake
        self.session = session
        session.headers["X-API-Key"] = fake.api_key

    def post(self, path: str, body: dict[str, Any]) -> requests.Response:
        return self.session.post(self.fake.url + path, json=body, timeout=TIMEOUT)

    def pay(self, **changes: Any) -> dict[str, Any]:
        body = a_payment(merchantAccount=self.fake.merchant_account, **changes)
        reply = self.post("/payments", body)
        assert reply.status_code == 200, reply.text
        result: dict[str, Any] = reply.json()
        return result


@pytest.fixture
def client(fake_adyen: FakeAdyen) -> Iterator[Client]:
    with requests.Session() as session:
        yield Client(fake_adyen, session)


def test_payment_replies_match_payment_response(client: Client, fake_adyen: FakeAdyen) -> None:
    replies = [
        client.pay(),
        client.pay(paymentMethod=card(holder="DECLINED")),
        client.pay(paymentMethod=card(holder="ERROR")),
        client.pay(paymentMethod=card(holder="PENDING")),
        client.pay(paymentMethod=card(holder="PARTIAL"),
                   additionalData={"allowPartialAuth": "true"}),
        client.pay(additionalData={"RequestedTestAcquirerResponseCode": "22"}),
        client.pay(paymentMethod=card("4917610000000000")),
        client.pay(paymentMethod=card("5454545454545454"),
                   authenticationData={"threeDSRequestData": {"nativeThreeDS": "preferred"}}),
        client.pay(paymentMethod=card(), storePaymentMethod=True, shopperReference="shopper-1",
                   recurringProcessingModel="CardOnFile", shopperInteraction="Ecommerce"),
    ]  # fmt: skip

    assert [reply["resultCode"] for reply in replies] == [
        "Authorised", "Refused", "Error", "Pending", "PartiallyAuthorised", "Cancelled",
        "RedirectShopper", "ChallengeShopper", "Authorised",
    ]  # fmt: skip
    for reply in replies:
        validate("PaymentResponse", reply)
    returned = fake_adyen.complete_3ds(replies[6]["pspReference"], passed=True)
    details = client.post("/payments/details", returned)
    assert details.status_code == 200
    validate("PaymentDetailsResponse", details.json())


def test_modification_replies_match_their_schemas(client: Client, fake_adyen: FakeAdyen) -> None:
    reference = client.pay()["pspReference"]
    account: dict[str, Any] = {"merchantAccount": fake_adyen.merchant_account}
    amount: dict[str, Any] = {"amount": {"currency": "EUR", "value": 500}}
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("captures", {**account, **amount, "reference": "c-1"}, "PaymentCaptureResponse"),
        ("refunds", {**account, **amount}, "PaymentRefundResponse"),
        ("cancels", account, "PaymentCancelResponse"),
        ("reversals", account, "PaymentReversalResponse"),
    ]
    for operation, body, schema in cases:
        reply = client.post(f"/payments/{reference}/{operation}", body)
        assert reply.status_code == 201, reply.text
        validate(schema, reply.json())


def test_stored_payment_method_reply_matches(client: Client, fake_adyen: FakeAdyen) -> None:
    body = {
        "merchantAccount": fake_adyen.merchant_account,
        "shopperReference": "shopper-1",
        "paymentMethod": card(),
        "recurringProcessingModel": "CardOnFile",
    }

    reply = client.post("/storedPaymentMethods", body)

    assert reply.status_code == 201
    validate("StoredPaymentMethodResource", reply.json())


def test_error_replies_match_service_error(client: Client, fake_adyen: FakeAdyen) -> None:
    errors = [
        client.post("/payments", a_payment(merchantAccount=fake_adyen.merchant_account,
                                           paymentMethod=card("4111111111111112"))),
        client.post("/payments", a_payment(merchantAccount="SomeoneElseECOM")),
        client.post("/payments/UNKNOWN/captures", {"merchantAccount": fake_adyen.merchant_account,
                                                   "amount": {"currency": "EUR", "value": 1}}),
        requests.post(fake_adyen.url + "/payments", json=a_payment(), timeout=TIMEOUT),  # no key
    ]  # fmt: skip

    assert [reply.status_code for reply in errors] == [422, 403, 422, 401]
    for reply in errors:
        validate("ServiceError", reply.json())
