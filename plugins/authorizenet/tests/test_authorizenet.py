"""The Authorize.Net plugin against a fake Authorize.Net on 127.0.0.1, through the PluginManager."""

from __future__ import annotations

import importlib.metadata
import json
import re
from decimal import Decimal
from typing import Any

import pytest
import requests
from gateway_plugins_authorizenet import (
    ERROR_MAP,
    SEQUENCES,
    AuthorizeNetGatewayPlugin,
    Settings,
    command_pool,
    format_amount,
)
from gateway_plugins_authorizenet.refunds import LOOKUP_FAILED
from gateway_plugins_authorizenet.replies import transaction_handler
from gateway_plugins_authorizenet.testing import (
    FUTURE,
    REASONS,
    SANDBOX_CARDS,
    TRIGGER_CARD,
    FakeAuthorizeNet,
    Fault,
)
from gateway_plugins_authorizenet.testing import SEQUENCES as FAKE_SEQUENCES
from pydantic import SecretStr

from gateway_plugins import (
    AddressData,
    AmountPrecisionError,
    Capability,
    ErrorCode,
    PaymentData,
    PluginManager,
    RetryAdvice,
    TransactionKind,
)
from gateway_plugins.http import INVALID_REQUEST, OUTCOME_UNKNOWN, PSP_UNREACHABLE, HttpReply
from plugins.authorizenet.tests.payments import (
    GATEWAY,
    VISA,
    authorized,
    card,
    config_for,
    follow,
    host_for,
    pay,
    sent,
    sold,
)

# -- Describing and configuring ----------------------------------------------------------


def test_the_entry_point_names_the_plugin() -> None:
    points = importlib.metadata.entry_points(group="gateway_plugins.gateways")
    (point,) = [p for p in points if p.name == GATEWAY]
    assert point.load() is AuthorizeNetGatewayPlugin


def test_gateway_info(manager: PluginManager) -> None:
    (gateway,) = manager.list_gateways()
    assert gateway.id == GATEWAY
    assert gateway.capabilities == {
        Capability.PARTIAL_CAPTURE, Capability.PARTIAL_REFUND, Capability.MULTIPLE_REFUNDS,
        Capability.VOID, Capability.NOTIFICATIONS,
    }  # fmt: skip
    assert AuthorizeNetGatewayPlugin().gateway_info().default_config.supported_currencies == (
        "USD",
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"api_login_id": None}, "api_login_id"),
        ({"api_login_id": " "}, "api_login_id"),
        ({"transaction_key": None}, "transaction_key"),
        ({"transactionKey": "x"}, "transactionKey"),
        ({"endpoint": "http://127.0.0.1:1/xml/v1/request.api"}, "endpoint"),
        ({"duplicate_window": 28_801}, "duplicate_window"),
        ({"transaction_key": "k" * 17}, "transaction_key"),
        ({"read_timeout": 0}, "read_timeout"),
        ({"pool_size": "many"}, "pool_size"),
    ],
)
def test_a_bad_configuration_is_refused_naming_the_field(
    fake_authorizenet: FakeAuthorizeNet, params: dict[str, Any], field: str
) -> None:
    config = config_for(fake_authorizenet, **params)
    connection = {k: v for k, v in config.connection_params.items() if v is not None}
    config = config.model_copy(update={"connection_params": connection})
    host = PluginManager(discover=False)
    host.register(AuthorizeNetGatewayPlugin(), GATEWAY)

    with pytest.raises(ValueError, match=f"connection_params.{field}"):
        host.configure(GATEWAY, config)


def test_the_transaction_key_is_a_secret(fake_authorizenet: FakeAuthorizeNet) -> None:
    config = config_for(fake_authorizenet)

    assert isinstance(config.connection_params["transaction_key"], SecretStr)
    assert fake_authorizenet.transaction_key not in repr(config)


def test_the_login_may_be_given_as_a_secret(fake_authorizenet: FakeAuthorizeNet) -> None:
    host = host_for(fake_authorizenet, api_login_id=SecretStr(fake_authorizenet.api_login_id))

    assert host.authorize(pay()).is_success


def test_the_endpoint_may_be_given_whole(fake_authorizenet: FakeAuthorizeNet) -> None:
    config = config_for(fake_authorizenet)
    params = {**config.connection_params, "endpoint": fake_authorizenet.endpoint}
    del params["base_url"]
    host = PluginManager(discover=False)
    host.register(AuthorizeNetGatewayPlugin(), GATEWAY)
    host.configure(GATEWAY, config.model_copy(update={"connection_params": params}))

    assert host.authorize(pay()).is_success


# -- Flows ----------------------------------------------------------------------------


def test_authorize_then_capture(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    reference = authorized(manager)

    capture = manager.capture(follow(reference))

    assert capture.is_success and capture.kind is TransactionKind.CAPTURE
    assert capture.psp_reference == capture.transaction_id == reference
    assert fake_authorizenet.ledger.captured(reference) == Decimal("10.00")
    auth, settle = sent(fake_authorizenet, 0), sent(fake_authorizenet, 1)
    assert auth["transactionType"] == "authOnlyTransaction"
    assert auth["amount"] == "10.00" and auth["currencyCode"] == "USD"
    assert auth["payment"] == {"opaqueData": {"dataDescriptor": "COMMON.ACCEPT.INAPP.PAYMENT",
                                              "dataValue": "fake-nonce-visa"}}  # fmt: skip
    assert settle == {"transactionType": "priorAuthCaptureTransaction", "amount": "10.00",
                      "refTransId": reference}  # fmt: skip


def test_a_partial_capture_is_allowed_once(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    reference = authorized(manager)

    first = manager.capture(follow(reference, "4.00"))
    second = manager.capture(follow(reference, "6.00"))

    assert first.is_success and first.amount == Decimal("4.00")
    assert not second.is_success and second.error_code is ErrorCode.PROCESSING_ERROR
    assert (second.psp_error_code, second.retry_advice) == ("311", RetryAdvice.DO_NOT_RETRY)
    assert fake_authorizenet.ledger.captured(reference) == Decimal("4.00")


def test_an_over_capture_is_refused_and_the_authorization_stays(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    reference = authorized(manager)

    over = manager.capture(follow(reference, "10.01"))
    full = manager.capture(follow(reference))

    assert not over.is_success and over.psp_error_code == "47"
    assert full.is_success and fake_authorizenet.ledger.captured(reference) == Decimal("10.00")


def test_capture_without_an_authorization_is_a_sale(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    response = manager.capture(pay())

    assert response.is_success and response.kind is TransactionKind.CAPTURE
    assert sent(fake_authorizenet)["transactionType"] == "authCaptureTransaction"


def test_process_payment_follows_auto_capture(fake_authorizenet: FakeAuthorizeNet) -> None:
    sale = host_for(fake_authorizenet).process_payment(pay())
    auth = host_for(fake_authorizenet, auto_capture=False).process_payment(pay("11.00"))

    assert sale.kind is TransactionKind.CAPTURE and auth.kind is TransactionKind.AUTH
    kinds = [r.transaction_request["transactionType"] for r in fake_authorizenet.requests]
    assert kinds == ["authCaptureTransaction", "authOnlyTransaction"]


def test_refunds_partial_multiple_and_not_beyond(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    reference = sold(manager)

    first = manager.refund(follow(reference, "3.00"))
    second = manager.refund(follow(reference, "7.00"))
    beyond = manager.refund(follow(reference, "0.01"))

    assert first.is_success and second.is_success and first.kind is TransactionKind.REFUND
    assert first.psp_reference == reference and first.transaction_id != reference
    assert not beyond.is_success and beyond.psp_error_code == "55"
    assert fake_authorizenet.ledger.refunded(reference) == Decimal("10.00")
    refund = sent(fake_authorizenet, 2)
    assert refund["payment"] == {"creditCard": {"cardNumber": "1111", "expirationDate": "XXXX"}}
    assert refund["refTransId"] == reference
    # Without data["card_last4"] the plugin looked the card up first.
    assert fake_authorizenet.requests[1].method_name == "getTransactionDetailsRequest"


def test_a_refund_with_the_last4_given_needs_no_lookup(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    reference = sold(manager)

    response = manager.refund(follow(reference, data={"card_last4": "1111"}))

    assert response.is_success
    assert [r.method_name for r in fake_authorizenet.requests] == ["createTransactionRequest"] * 2


def test_a_refund_to_another_card_is_refused(manager: PluginManager) -> None:
    response = manager.refund(follow(sold(manager), data={"card_last4": "4242"}))

    assert not response.is_success and response.psp_error_code == "54"


@pytest.mark.parametrize("last4", ["42", "4111111111111111", 1111])
def test_a_malformed_last4_is_refused_before_sending(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet, last4: object
) -> None:
    reference = sold(manager)

    response = manager.refund(follow(reference, data={"card_last4": last4}))

    assert response.psp_error_code == INVALID_REQUEST and "card_last4" in str(
        response.psp_error_message
    )
    assert len(fake_authorizenet.requests) == 1
    assert "4111111111111111" not in response.model_dump_json()


def test_a_failed_card_lookup_refunds_nothing(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    reference = sold(manager)
    fake_authorizenet.inject(Fault.STATUS_503, times=3)  # every try of the lookup

    lost = manager.refund(follow(reference))
    unknown = manager.refund(follow("40000000000"))

    assert (lost.psp_error_code, lost.retry_advice) == (LOOKUP_FAILED, RetryAdvice.RETRY_LATER)
    assert not lost.outcome_unknown  # nothing was sent to refund
    assert lost.idempotency_key is not None  # every retry advice carries the key to retry with
    assert unknown.psp_error_code == "E00040" and unknown.kind is TransactionKind.REFUND
    assert fake_authorizenet.ledger.refunds() == []


def test_the_card_lookup_is_retried_as_it_changes_nothing(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    reference = sold(manager)
    fake_authorizenet.inject(Fault.DROP_AFTER_PROCESSING)  # the lookup's reply is lost

    response = manager.refund(follow(reference))

    assert response.is_success, response.psp_error_message
    names = [r.method_name for r in fake_authorizenet.requests]
    assert names == ["createTransactionRequest", "getTransactionDetailsRequest",
                     "getTransactionDetailsRequest", "createTransactionRequest"]  # fmt: skip
    assert fake_authorizenet.ledger.refunded(reference) == Decimal("10.00")


def test_refunds_wait_for_settlement() -> None:
    with FakeAuthorizeNet(auto_settle=False) as fake:
        host = host_for(fake)
        reference = sold(host)

        early = host.refund(follow(reference, "1.00"))
        fake.settle()
        late = host.refund(follow(reference, "1.00"))

    assert not early.is_success and early.psp_error_code == "54"
    assert early.retry_advice is RetryAdvice.RETRY_LATER  # it may pass after the batch
    assert late.is_success


def test_void_of_an_authorization(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    reference = authorized(manager)

    voided = manager.void(follow(reference))
    capture = manager.capture(follow(reference))

    assert voided.is_success and voided.kind is TransactionKind.VOID
    assert voided.psp_reference == reference and not voided.transaction_already_processed
    names = [r.method_name for r in fake_authorizenet.requests]
    # The authorization is read first (its amount), then voided.
    assert names[1:3] == ["getTransactionDetailsRequest", "createTransactionRequest"]
    assert sent(fake_authorizenet, 2) == {"transactionType": "voidTransaction",
                                          "refTransId": reference}  # fmt: skip
    assert (capture.is_success, capture.psp_error_code) == (False, "310")
    assert fake_authorizenet.ledger.voids() == [(reference, Decimal("10.00"))]


def test_a_settled_sale_cannot_be_voided(manager: PluginManager) -> None:
    response = manager.void(follow(sold(manager)))

    assert not response.is_success and response.error_code is ErrorCode.PROCESSING_ERROR


def test_an_unsettled_sale_can_be_voided() -> None:
    with FakeAuthorizeNet(auto_settle=False) as fake:
        host = host_for(fake)
        reference = sold(host)

        response = host.void(follow(reference))

    assert response.is_success and response.kind is TransactionKind.VOID
    assert fake.ledger.voids() == [(reference, Decimal("10.00"))]


@pytest.mark.parametrize("operation", ["capture", "void", "refund"])
@pytest.mark.parametrize("reference", ["ch_123", "4111111111111111x"])
def test_a_reference_that_is_no_trans_id_is_refused_before_sending(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet, operation: str, reference: str
) -> None:
    response = getattr(manager, operation)(follow(reference))

    assert response.psp_error_code == INVALID_REQUEST
    assert "psp_reference must be an Authorize.Net transId" in str(response.psp_error_message)
    assert fake_authorizenet.requests == []


@pytest.mark.parametrize("operation", ["void", "refund"])
def test_void_and_refund_need_a_reference(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet, operation: str
) -> None:
    response = getattr(manager, operation)(follow(None))

    assert response.psp_error_code == INVALID_REQUEST and fake_authorizenet.requests == []


# -- Payment input ------------------------------------------------------------------------


def test_a_card_number_token_is_sent_as_a_credit_card(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    response = manager.authorize(card(card_code="900"))

    assert response.is_success
    assert sent(fake_authorizenet)["payment"] == {
        "creditCard": {"cardNumber": VISA, "expirationDate": FUTURE, "cardCode": "900"}
    }
    assert response.card_info is not None
    assert (response.card_info.last_4, response.card_info.brand) == ("1111", "Visa")
    assert (response.card_info.exp_year, response.card_info.exp_month) == (2039, 12)
    assert (response.raw_response or {})["cvvResultCode"] == "M"


@pytest.mark.parametrize("expiry", ["2039-12", "1239", "12/39", "12-2039", "122039"])
def test_card_info_reads_every_expiry_form_authorize_net_takes(
    manager: PluginManager, expiry: str
) -> None:
    response = manager.authorize(card(SANDBOX_CARDS["mastercard"], expiration_date=expiry))

    assert response.is_success and response.card_info is not None
    info = response.card_info
    assert (info.last_4, info.exp_year, info.exp_month, info.brand) == (
        "0015",
        2039,
        12,
        "MasterCard",
    )


def test_an_accept_js_payment_has_no_card_info(manager: PluginManager) -> None:
    # CreditCardInfo needs the expiry, which neither the reply nor the nonce shows: the
    # masked number and brand are in raw_response, and no expiry is made up.
    response = manager.authorize(pay(token="fake-nonce-discover"))

    assert response.is_success and response.card_info is None
    raw = response.raw_response or {}
    assert (raw["accountNumber"], raw["accountType"]) == ("XXXX0012", "Discover")


def test_13_digits_are_a_card_number(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    manager.authorize(card(SANDBOX_CARDS["visa_13"]))
    assert "creditCard" in sent(fake_authorizenet)["payment"]


@pytest.mark.parametrize("number", ["41111111111111111", "4111111111111111111"])
def test_a_card_number_over_16_digits_is_refused_before_sending(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet, number: str
) -> None:
    # 17-19 digits are a card number, not opaque data; the XSD takes at most 16, and
    # Authorize.Net's E00003 would repeat the number in its message.
    response = manager.authorize(card(number))

    assert response.psp_error_code == INVALID_REQUEST
    assert "at most 16 digits" in str(response.psp_error_message)
    assert number not in response.model_dump_json()
    assert fake_authorizenet.requests == []


@pytest.mark.parametrize(
    ("data", "field"),
    [({"card_code": "12"}, "data.card_code"), ({"card_code": "12345"}, "data.card_code"),
     ({"card_code": "1a3"}, "data.card_code"), ({"card_code": 123}, "data.card_code"),
     ({"expiration_date": "2039-12-31"}, "data.expiration_date"),
     ({"expiration_date": "123"}, "data.expiration_date")],
)  # fmt: skip
def test_what_the_xsd_refuses_is_refused_before_sending(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet, data: dict[str, Any], field: str
) -> None:
    response = manager.authorize(card(**data))

    assert response.psp_error_code == INVALID_REQUEST
    assert field in str(response.psp_error_message)
    assert fake_authorizenet.requests == []


@pytest.mark.parametrize("data", [{}, {"expiration_date": " "}, {"expiration_date": 2039}])
def test_a_card_number_needs_an_expiration_date(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet, data: dict[str, Any]
) -> None:
    response = manager.authorize(pay(token=VISA, data=data))

    assert response.psp_error_code == INVALID_REQUEST
    assert "data.expiration_date is required" in str(response.psp_error_message)
    assert fake_authorizenet.requests == []


def test_no_token_is_refused_before_sending(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    response = manager.authorize(pay(token=None))

    assert response.psp_error_code == INVALID_REQUEST and fake_authorizenet.requests == []


def test_the_data_descriptor_can_be_given(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    response = manager.authorize(pay(data={"data_descriptor": "COMMON.APPLE.INAPP.PAYMENT"}))

    opaque = sent(fake_authorizenet)["payment"]["opaqueData"]
    assert opaque["dataDescriptor"] == "COMMON.APPLE.INAPP.PAYMENT"
    assert response.psp_error_code == "E00114"  # the fake knows only Accept.js nonces


def test_payer_and_order_fields(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    billing = AddressData(
        first_name="Ada", last_name="Lovelace " + "x" * 60, company_name="Analytical Engines",
        street_address_1="12 St James's Square", street_address_2="Flat 2", city="London",
        country_area="Westminster", postal_code="46250", country="GB", phone="+44 20 7946 0000",
    )  # fmt: skip
    shipping = AddressData(first_name="Charles", last_name="Babbage", postal_code="SW1Y 4JH")

    response = manager.authorize(
        pay(billing=billing, shipping=shipping, order_id="order-2024-42",
            customer_id="cust-42", customer_email="ada@example.com",
            customer_ip_address="192.0.2.10", idempotency_key="retry-key-42")
    )  # fmt: skip

    assert response.is_success
    request = fake_authorizenet.requests[0].json["createTransactionRequest"]
    # Identifiers that fit are sent as given (longer ones: test_identifiers.py).
    assert request["refId"] == "retry-key-42"
    body = request["transactionRequest"]
    assert body["order"] == {"invoiceNumber": "order-2024-42", "description": "order-2024-42"}
    assert body["customer"] == {"id": "cust-42", "email": "ada@example.com"}
    # The request's own value in Authorize.Net's duplicate check (test_duplicates.py).
    assert len(body["poNumber"]) == 25 and body["poNumber"].startswith("retry-key-42")
    assert body["billTo"] == {
        "firstName": "Ada", "lastName": ("Lovelace " + "x" * 60)[:50],
        "company": "Analytical Engines", "address": "12 St James's Square Flat 2",
        "city": "London", "state": "Westminster", "zip": "46250", "country": "GB",
        "phoneNumber": "+44 20 7946 0000",
    }  # fmt: skip
    assert body["shipTo"] == {"firstName": "Charles", "lastName": "Babbage", "zip": "SW1Y 4JH"}
    assert body["customerIP"] == "192.0.2.10"


# -- Element order and replies ---------------------------------------------------------------


def test_the_plugin_and_the_fake_agree_on_the_xsd_order() -> None:
    # Two copies written separately: any difference is a bug in one of them.
    for name, order in SEQUENCES.items():
        if name in FAKE_SEQUENCES:
            theirs = [element for element in FAKE_SEQUENCES[name] if element in order]
            assert [element for element in order if element in theirs] == theirs, name


def test_the_fake_refuses_what_the_plugin_never_sends(fake_authorizenet: FakeAuthorizeNet) -> None:
    assert host_for(fake_authorizenet).authorize(pay()).is_success
    sent_body = fake_authorizenet.requests[0].json
    request = sent_body["createTransactionRequest"]["transactionRequest"]
    # The same body with two elements swapped, as a dict-built client might send it.
    rest = {k: v for k, v in request.items() if k not in ("amount", "transactionType")}
    reordered = {"amount": request["amount"], "transactionType": request["transactionType"], **rest}
    sent_body["createTransactionRequest"]["transactionRequest"] = reordered

    reply = requests.post(fake_authorizenet.endpoint, json=sent_body, timeout=5)
    response = transaction_handler(TransactionKind.AUTH)(
        HttpReply(reply.status_code, reply.headers, reply.content), pay()
    )

    assert response.error_code is ErrorCode.PROCESSING_ERROR
    assert (response.psp_error_code, response.retry_advice) == ("E00003", RetryAdvice.DO_NOT_RETRY)
    assert "has invalid child element 'amount'" in str(response.psp_error_message)


def test_replies_behind_a_byte_order_mark_are_read(manager: PluginManager) -> None:
    body = b'\xef\xbb\xbf{"messages": {"resultCode": "Error", "message": [{"code": "E00001", ' \
        b'"text": "An error occurred during processing. Please try again."}]}}'  # fmt: skip
    reply = HttpReply(200, {"Content-Type": "application/json"}, body)

    response = transaction_handler(TransactionKind.AUTH)(reply, pay())

    assert (response.psp_error_code, response.retry_advice) == ("E00001", RetryAdvice.RETRY_LATER)
    with pytest.raises(ValueError):
        reply.json()  # plain UTF-8 trips over the BOM: why the plugin reads utf-8-sig


# -- Response codes and the reason table ---------------------------------------------------


def test_approved_is_a_success(manager: PluginManager) -> None:
    response = manager.authorize(pay())

    assert response.is_success and response.raw_response is not None
    raw = response.raw_response
    assert (raw["responseCode"], raw["transactionMessages"]) == ("1", ["1"])
    assert raw["accountNumber"] == "XXXX1111"


def test_declined_is_a_refusal(manager: PluginManager) -> None:
    response = manager.authorize(pay(token="fake-nonce-declined"))

    assert not response.is_success
    assert (response.error_code, response.psp_error_code) == (ErrorCode.DECLINED, "2")
    assert response.psp_error_message == "This transaction has been declined."
    assert response.transaction_id and response.psp_reference == response.transaction_id
    assert not response.transaction_already_processed


def test_an_error_response_is_a_processing_error(manager: PluginManager) -> None:
    response = manager.authorize(card(TRIGGER_CARD, amount="19.00"))

    assert (response.error_code, response.psp_error_code) == (ErrorCode.PROCESSING_ERROR, "19")
    assert response.retry_advice is RetryAdvice.RETRY_LATER
    assert response.transaction_id == "" and response.psp_reference is None


@pytest.mark.parametrize("reason", ["252", "253"])
def test_held_for_review_is_a_pending_success(
    fake_authorizenet: FakeAuthorizeNet, reason: str
) -> None:
    host = host_for(fake_authorizenet, auto_capture=False)

    response = host.process_payment(card(TRIGGER_CARD, amount=f"{reason}.00"))

    assert response.is_success and response.kind is TransactionKind.PENDING
    assert response.error_code is None and response.psp_reference
    assert (response.raw_response or {})["transactionMessages"] == [reason]
    # The merchant approves it: the authorization can then be captured.
    fake_authorizenet.review(response.psp_reference, approve=True)
    capture = host.capture(follow(response.psp_reference, f"{reason}.00"))
    assert capture.is_success


def _triggerable() -> list[str]:
    """Rows of the error table the sandbox's amount trigger can produce as a failure."""
    return sorted(
        (code for code in ERROR_MAP.table
         if code.isdigit() and int(code) in REASONS and REASONS[int(code)].response_code in "23"),
        key=int,
    )  # fmt: skip


@pytest.mark.parametrize("reason", _triggerable())
def test_every_triggerable_row_of_the_reason_table(manager: PluginManager, reason: str) -> None:
    # Card 4222222222222 with an amount equal to a reason code answers that code.
    response = manager.authorize(card(TRIGGER_CARD, amount=f"{reason}.00"))

    row = ERROR_MAP.table[reason]
    assert not response.is_success
    assert (response.error_code, response.psp_error_code) == (row.code, reason)
    assert response.retry_advice is (row.retry or row.code.default_retry)
    assert response.psp_error_message == REASONS[int(reason)].text


def test_the_reason_table_has_every_row_of_the_reference() -> None:
    # psp-reference §8, Authorize.Net rows, code by code.
    D, P = ErrorCode.DECLINED, ErrorCode.PROCESSING_ERROR
    expected = {
        **dict.fromkeys(["2", "3", "4"], D),
        "6": ErrorCode.INVALID_NUMBER,
        **dict.fromkeys(["37", "200", "315"], ErrorCode.INCORRECT_NUMBER),
        **dict.fromkeys(["7", "201", "316"], ErrorCode.INVALID_EXPIRY_DATE),
        **dict.fromkeys(["8", "317"], ErrorCode.EXPIRED),
        **dict.fromkeys(["27", "127"], ErrorCode.INCORRECT_ADDRESS),
        **dict.fromkeys(["44", "65", "165", "45", "145"], ErrorCode.INCORRECT_CVV),
        "78": ErrorCode.INVALID_CVV,
        **dict.fromkeys(["11", "318", "17", "28", "41", "250", "251", "254"], D),
        **dict.fromkeys([str(c) for c in (209, *range(214, 225))], D),
        **dict.fromkeys([str(c) for c in (*range(202, 209), *range(210, 214))], P),
        **dict.fromkeys(["5", "13", "19", "20", "21", "22", "23", "25", "26", "52"], P),
        **dict.fromkeys([str(c) for c in (*range(57, 64), 261, *range(30, 36), 38, 43, 39)], P),
        **dict.fromkeys(["47", "50", "51", "54", "55", "310", "311", "319"], P),
        **dict.fromkeys(["E00007", "E00003"], P),
    }  # fmt: skip
    table = ERROR_MAP.table
    assert {code: table[code].code for code in expected} == expected
    assert "252" not in table and "253" not in table  # held for review is no error


@pytest.mark.parametrize(
    ("reason", "code"), [("141", ErrorCode.DECLINED), ("9", ErrorCode.PROCESSING_ERROR)]
)
def test_unknown_reasons_follow_the_response_code(
    manager: PluginManager, reason: str, code: ErrorCode
) -> None:
    assert reason not in ERROR_MAP.table
    response = manager.authorize(card(TRIGGER_CARD, amount=f"{reason}.00"))

    assert (response.error_code, response.psp_error_code) == (code, reason)


@pytest.mark.parametrize(
    ("payment", "code", "reason"),
    [
        (pay(token="fake-nonce-declined"), ErrorCode.DECLINED, "2"),
        (pay(token="fake-nonce-expired"), ErrorCode.EXPIRED, "8"),
        (pay(token="fake-nonce-cvv-mismatch"), ErrorCode.INCORRECT_CVV, "65"),
        (pay(token="fake-nonce-avs-mismatch"), ErrorCode.INCORRECT_ADDRESS, "27"),
        (pay(token="fake-nonce-zip-mismatch"), ErrorCode.INCORRECT_ZIP, "27"),
        (card("4111111111111112"), ErrorCode.INVALID_NUMBER, "6"),
        (card(expiration_date="2039-13"), ErrorCode.INVALID_EXPIRY_DATE, "7"),
        (card(SANDBOX_CARDS["amex"], card_code="123"), ErrorCode.INVALID_CVV, "78"),
        (card(card_code="901", amount="10.01", ).model_copy(
            update={"billing": AddressData(postal_code="46205")}), ErrorCode.INCORRECT_CVV, "45"),
        (card(amount="10.02").model_copy(
            update={"billing": AddressData(postal_code="46201")}), ErrorCode.INCORRECT_ZIP, "27"),
        (card(amount="10.03").model_copy(
            update={"billing": AddressData(postal_code="46282")}), ErrorCode.DECLINED, "2"),
    ],
)  # fmt: skip
def test_sandbox_triggers_map_to_shared_codes(
    manager: PluginManager, payment: PaymentData, code: ErrorCode, reason: str
) -> None:
    response = manager.authorize(payment)

    assert not response.is_success
    assert (response.error_code, response.psp_error_code) == (code, reason)
    assert response.amount == payment.amount and response.currency == "USD"


def test_an_avs_mismatch_keeps_the_avs_result(manager: PluginManager) -> None:
    response = manager.authorize(pay(token="fake-nonce-zip-mismatch"))

    assert (response.raw_response or {})["avsResultCode"] == "A"


def test_wrong_credentials_are_E00007(fake_authorizenet: FakeAuthorizeNet) -> None:
    host = host_for(fake_authorizenet, transaction_key="wrongTransKey123")

    response = host.authorize(pay())

    assert (response.error_code, response.psp_error_code) == (ErrorCode.PROCESSING_ERROR, "E00007")
    assert response.retry_advice is RetryAdvice.TRY_ANOTHER_GATEWAY
    assert "wrongTransKey123" not in response.model_dump_json()


def test_an_unknown_nonce_is_E00114(manager: PluginManager) -> None:
    response = manager.authorize(pay(token="eyJjb2RlIjoiNTBfMl8wNjAw"))

    assert (response.error_code, response.psp_error_code) == (ErrorCode.PROCESSING_ERROR, "E00114")
    assert response.psp_error_message == "Invalid OTS Token."


# -- Amounts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "wire"),
    [("10.5", "USD", "10.50"), ("10", "USD", "10.00"), ("1000", "JPY", "1000"),
     ("1000.00", "JPY", "1000"), ("1.234", "KWD", "1.234"), ("0.1", "KWD", "0.100")],
)  # fmt: skip
def test_amounts_take_the_currency_exponent(amount: str, currency: str, wire: str) -> None:
    assert format_amount(Decimal(amount), currency) == wire


@pytest.mark.parametrize(("amount", "currency"), [("10.005", "USD"), ("10.5", "JPY")])
def test_an_over_precise_amount_is_refused_not_rounded(amount: str, currency: str) -> None:
    with pytest.raises(AmountPrecisionError):
        format_amount(Decimal(amount), currency)


def test_an_over_precise_amount_never_becomes_a_request(
    fake_authorizenet: FakeAuthorizeNet,
) -> None:
    # PaymentData itself refuses 10.005 USD, and Authorize.Net uses the ISO exponents, so
    # no valid payment reaches this; the builder still refuses rather than round (the
    # toolkit turns its ValueError into invalid_request, nothing sent).
    settings = Settings.from_config(config_for(fake_authorizenet))
    payment = pay().model_copy(update={"amount": Decimal("10.005")})

    for operation in ("authorize", "sale", "capture", "refund"):
        build = command_pool(settings).commands[operation].build
        with pytest.raises(AmountPrecisionError):
            build(payment.model_copy(update={"psp_reference": "40000000001",
                                             "data": {"card_last4": "1111"}}), config_for(
                fake_authorizenet))  # fmt: skip


@pytest.mark.parametrize(("currency", "amount"), [("JPY", "1000"), ("KWD", "1.234")])
def test_an_account_in_another_currency(currency: str, amount: str) -> None:
    with FakeAuthorizeNet(currency=currency) as fake:
        host = host_for(fake, currencies=currency)
        response = host.process_payment(pay(amount, currency))
        refund = host.refund(follow(response.psp_reference, amount, currency=currency))

    assert response.is_success and response.amount == Decimal(amount)
    assert refund.is_success
    assert fake.requests[0].transaction_request["amount"] == amount
    assert fake.ledger.refunded(str(response.psp_reference)) == Decimal(amount)


def test_a_currency_the_account_does_not_settle_in_is_reason_39(
    fake_authorizenet: FakeAuthorizeNet,
) -> None:
    # The host lists EUR by mistake: Authorize.Net refuses it rather than charge 10.00 USD.
    host = host_for(fake_authorizenet, currencies="USD, EUR")

    response = host.authorize(pay(currency="EUR"))

    assert (response.psp_error_code, response.retry_advice) == (
        "39",
        RetryAdvice.TRY_ANOTHER_GATEWAY,
    )
    assert fake_authorizenet.ledger.entries == []


# -- Faults and the duplicate window --------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "processed"),
    [
        (Fault.DROP_BEFORE_PROCESSING, False),
        (Fault.DROP_AFTER_PROCESSING, True),
        (Fault.STATUS_500, False),
        (Fault.STATUS_502, False),
        (Fault.STATUS_503, False),
        (Fault.HTML_ERROR, False),
        (Fault.MALFORMED_JSON, True),
        (Fault.SLOW, True),
    ],
)
def test_a_lost_reply_is_an_unknown_outcome_and_never_resent(
    fake_authorizenet: FakeAuthorizeNet, fault: Fault, processed: bool
) -> None:
    host = host_for(fake_authorizenet, duplicate_window=120, read_timeout=0.3)
    after = fault in (Fault.MALFORMED_JSON, Fault.SLOW)
    fake_authorizenet.inject(fault, seconds=0.6, after_processing=after)
    payment = card()  # a card number: an Accept.js nonce is good for one use only

    response = host.process_payment(payment)

    assert not response.is_success and response.psp_error_code == OUTCOME_UNKNOWN
    # No idempotency key: look the transaction up before any retry.
    assert response.outcome_unknown and response.retry_advice is RetryAdvice.CHECK_STATUS
    assert response.idempotency_key == payment.idempotency_key
    assert len(fake_authorizenet.requests) == 1  # no idempotency key: never sent twice
    assert len(fake_authorizenet.ledger.charges()) == int(processed)
    # The host retries the same payment inside the duplicate window.
    retried = host.process_payment(payment)
    charges = fake_authorizenet.ledger.charges()
    assert len(charges) == 1  # never charged twice
    assert retried.is_success and retried.psp_reference == charges[0].trans_id
    # A repeat is answered with the charge that went through (test_duplicates.py).
    assert retried.transaction_already_processed is processed


def test_an_unreachable_gateway_is_not_an_unknown_outcome() -> None:
    with FakeAuthorizeNet() as fake:
        host = host_for(fake)
    # The fake has stopped: nothing listens on its port, so nothing was sent.
    response = host.authorize(pay())

    assert (response.psp_error_code, response.retry_advice) == (
        PSP_UNREACHABLE,
        RetryAdvice.TRY_ANOTHER_GATEWAY,
    )


def test_the_duplicate_window_is_sent_with_new_payments_and_refunds(
    fake_authorizenet: FakeAuthorizeNet,
) -> None:
    host = host_for(fake_authorizenet, duplicate_window=300)
    reference = sold(host)
    host.refund(follow(reference, data={"card_last4": "1111"}))

    window = {"setting": [{"settingName": "duplicateWindow", "settingValue": "300"}]}
    assert sent(fake_authorizenet, 0)["transactionSettings"] == window
    assert sent(fake_authorizenet, 1)["transactionSettings"] == window


# -- Card data and secrets --------------------------------------------------------------------


def test_no_secret_or_card_data_in_logs_reprs_or_responses(
    fake_authorizenet: FakeAuthorizeNet, caplog: pytest.LogCaptureFixture
) -> None:
    signature_key = SecretStr(fake_authorizenet.signature_key)
    plugin = AuthorizeNetGatewayPlugin()
    host = PluginManager(discover=False)
    host.register(plugin, GATEWAY)
    config = config_for(fake_authorizenet, signature_key=signature_key)
    number, code = SANDBOX_CARDS["mastercard"], "7391"
    responses = []
    errors = []
    with caplog.at_level("DEBUG"):
        host.configure(GATEWAY, config)
        sale = host.process_payment(card(number, card_code="739"))
        responses.append(sale)
        responses.append(host.refund(follow(sale.psp_reference, "1.00")))
        responses.append(host.authorize(card(number, amount="2.00", card_code="901")))
        kit_style = {"expiration_date": FUTURE, "cvc": code, "number": number}
        responses.append(host.authorize(pay("3.00", token=number, data=kit_style)))
        responses.append(host.authorize(pay(token=number, data={"card_code": code})))
        fake_authorizenet.inject(Fault.DROP_AFTER_PROCESSING)
        responses.append(host.authorize(card(number, amount="4.00")))
        responses.append(plugin.capture(follow("x" + number), None))
        bad = config_for(fake_authorizenet, signature_key=signature_key, pool_size="x" + number)
        with pytest.raises(ValueError) as refused:
            plugin.configure_gateway(bad)
        errors.append(str(refused.value))

    assert "→ POST" in caplog.text  # the transcript was written
    texts = [caplog.text, repr(plugin), repr(config), *errors]
    texts += [repr(r) for r in responses] + [r.model_dump_json() for r in responses]
    alone = r"(?<![0-9A-Za-z]){}(?![0-9A-Za-z])"
    needles = [
        re.escape(fake_authorizenet.transaction_key),
        re.escape(fake_authorizenet.signature_key),
        number,
        alone.format(code),
        alone.format("739"),
    ]
    for text in texts:
        for needle in needles:
            assert not re.search(needle, text), needle
    for response in responses:
        account = (response.raw_response or {}).get("accountNumber", "XXXX")
        assert account.startswith("XXXX")


def test_raw_response_keeps_only_the_safe_subset(manager: PluginManager) -> None:
    response = manager.authorize(card(card_code="900"))

    assert set(response.raw_response or {}) <= {
        "resultCode", "messages", "refId", "responseCode", "authCode", "avsResultCode",
        "cvvResultCode", "cavvResultCode", "transId", "refTransID", "accountNumber",
        "accountType", "transactionMessages", "errors",
    }  # fmt: skip
    raw = response.raw_response or {}
    assert raw["accountNumber"] == "XXXX1111"  # the masked number only
    # No other value carries the card's digits (transId is random and may hold "1111").
    others = {key: value for key, value in raw.items() if key not in ("accountNumber", "transId")}
    assert "1111" not in json.dumps(others)
