"""The fake Authorize.Net behaves like the sandbox: plain ``requests`` against it over real HTTP."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
import requests
from gateway_plugins_authorizenet.testing import (
    AVS_BY_ZIP,
    BOM,
    CVV_BY_CODE,
    FUTURE,
    NONCES,
    SANDBOX_CARDS,
    TRIGGER_CARD,
    FakeAuthorizeNet,
    Fault,
    decimal_of,
)

from gateway_plugins.scrub import looks_like_pan

TIMEOUT = 5.0
Body = dict[str, Any]


class Client:
    """Posts JSON bodies to the fake as a plugin would, and reads the BOM replies."""

    def __init__(self, fake: FakeAuthorizeNet, session: requests.Session) -> None:
        self.fake = fake
        self.session = session

    def auth(self, **overrides: str) -> Body:
        return {"name": self.fake.api_login_id, "transactionKey": self.fake.transaction_key,
                **overrides}  # fmt: skip

    def post_raw(self, body: bytes | str, *, timeout: float = TIMEOUT) -> requests.Response:
        data = body.encode() if isinstance(body, str) else body
        headers = {"Content-Type": "application/json"}
        return self.session.post(self.fake.endpoint, data=data, headers=headers, timeout=timeout)

    def post(self, body: Body, *, timeout: float = TIMEOUT) -> Body:
        response = self.post_raw(json.dumps(body), timeout=timeout)
        assert response.status_code == 200, response.text
        return reply_of(response)

    def transaction(
        self, request: Body, ref_id: str | None = "ref-1", *, timeout: float = TIMEOUT
    ) -> Body:
        body: Body = {"merchantAuthentication": self.auth()}
        if ref_id:
            body["refId"] = ref_id
        body["transactionRequest"] = request
        return self.post({"createTransactionRequest": body}, timeout=timeout)

    def pay(
        self,
        kind: str = "authOnlyTransaction",
        amount: str = "10.00",
        *,
        card: Body | None = None,
        nonce: str | None = None,
        zip_code: str | None = None,
        window: int | None = 0,
        currency: str | None = None,
        timeout: float = TIMEOUT,
        **extra: Any,
    ) -> Body:
        """A new payment: card number (default the sandbox Visa) or a nonce; ``extra``
        elements go after ``payment`` (in the caller's order)."""
        payment: Body
        if nonce is not None:
            payment = {"opaqueData": {"dataDescriptor": "COMMON.ACCEPT.INAPP.PAYMENT",
                                      "dataValue": nonce}}  # fmt: skip
        else:
            payment = {"creditCard": card or {"cardNumber": SANDBOX_CARDS["visa"],
                                              "expirationDate": FUTURE}}  # fmt: skip
        request: Body = {"transactionType": kind, "amount": amount}
        if currency is not None:
            request["currencyCode"] = currency
        request.update(payment=payment, **extra)
        if zip_code is not None:
            request["billTo"] = {"firstName": "Ada", "zip": zip_code}
        if window is not None:
            request["transactionSettings"] = {
                "setting": [{"settingName": "duplicateWindow", "settingValue": str(window)}]
            }
        return self.transaction(request, timeout=timeout)

    def follow_up(self, kind: str, trans_id: str, amount: str | None = None, **extra: Any) -> Body:
        request: Body = {"transactionType": kind}
        if amount is not None:
            request["amount"] = amount
        request.update(extra)
        request["refTransId"] = trans_id
        return self.transaction(request)

    def refund(self, trans_id: str, amount: str, last4: str = "1111", window: int = 0) -> Body:
        request = {
            "transactionType": "refundTransaction",
            "amount": amount,
            "payment": {"creditCard": {"cardNumber": last4, "expirationDate": "XXXX"}},
            "refTransId": trans_id,
            "transactionSettings": {
                "setting": [{"settingName": "duplicateWindow", "settingValue": str(window)}]
            },
        }
        return self.transaction(request)

    def details(self, trans_id: str) -> Body:
        request = {"merchantAuthentication": self.auth(), "transId": trans_id}
        return self.post({"getTransactionDetailsRequest": request})


def reply_of(response: requests.Response) -> Body:
    assert response.content.startswith(BOM.encode()), "replies start with a UTF-8 BOM"
    return json.loads(response.content.decode("utf-8-sig"))  # type: ignore[no-any-return]


def outcome(reply: Body) -> tuple[str, str]:
    """``(responseCode, reason code)`` of a transaction reply."""
    response = reply["transactionResponse"]
    entries = response.get("errors") or response.get("messages")
    first = entries[0]
    return response["responseCode"], first.get("errorCode") or first["code"]


def api_code(reply: Body) -> str:
    assert "transactionResponse" not in reply
    assert reply["messages"]["resultCode"] == "Error"
    return reply["messages"]["message"][0]["code"]  # type: ignore[no-any-return]


@pytest.fixture
def client(fake_authorizenet: FakeAuthorizeNet) -> Iterator[Client]:
    with requests.Session() as session:
        yield Client(fake_authorizenet, session)


# -- transport, parsing, authentication ----------------------------------------------------


def test_replies_are_json_behind_a_byte_order_mark(client: Client) -> None:
    response = client.post_raw(json.dumps({"createTransactionRequest": {}}))

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.content[:3] == b"\xef\xbb\xbf"
    with pytest.raises(ValueError):
        json.loads(response.content.decode("utf-8"))  # what requests' .json() trips over


def test_wrong_credentials_are_E00007(client: Client) -> None:
    body = {"createTransactionRequest": {
        "merchantAuthentication": client.auth(transactionKey="wrong-key-0000"),
        "transactionRequest": {"transactionType": "authOnlyTransaction", "amount": "1.00"},
    }}  # fmt: skip

    reply = client.post(body)

    assert api_code(reply) == "E00007"
    assert "wrong-key-0000" not in json.dumps(reply)


def test_an_element_out_of_xsd_order_is_E00003(client: Client) -> None:
    swapped = client.transaction({"amount": "10.00", "transactionType": "authOnlyTransaction"})
    late = client.transaction({"transactionType": "authOnlyTransaction", "currencyCode": "USD",
                               "amount": "10.00"})  # fmt: skip

    assert api_code(swapped) == api_code(late) == "E00003"
    text = swapped["messages"]["message"][0]["text"]
    assert "The element 'transactionRequest'" in text
    assert "has invalid child element 'amount'" in text
    assert "List of possible elements expected: 'transactionType'" in text
    assert "has invalid child element 'amount'" in late["messages"]["message"][0]["text"]


@pytest.mark.parametrize(
    ("where", "body"),
    [
        ("root", {"createTransactionRequest": {"refId": "r", "merchantAuthentication": {}}}),
        ("creditCard", None),
        ("billTo", None),
        ("merchantAuthentication", None),
    ],
)
def test_out_of_order_children_are_refused_at_every_level(
    client: Client, where: str, body: Body | None
) -> None:
    request: Body = {"transactionType": "authOnlyTransaction", "amount": "1.00"}
    auth: Body = client.auth()
    if where == "creditCard":
        request["payment"] = {"creditCard": {"expirationDate": FUTURE,
                                             "cardNumber": SANDBOX_CARDS["visa"]}}  # fmt: skip
    elif where == "billTo":
        request["payment"] = {"creditCard": {"cardNumber": SANDBOX_CARDS["visa"],
                                             "expirationDate": FUTURE}}  # fmt: skip
        request["billTo"] = {"zip": "46201", "firstName": "Ada"}
    elif where == "merchantAuthentication":
        auth = {"transactionKey": client.fake.transaction_key, "name": client.fake.api_login_id}
    body = body or {"createTransactionRequest": {"merchantAuthentication": auth,
                                                 "transactionRequest": request}}  # fmt: skip

    reply = client.post(body)

    assert api_code(reply) == "E00003"
    expected = "createTransactionRequest" if where == "root" else where
    assert f"The element '{expected}'" in reply["messages"]["message"][0]["text"]


def test_unknown_repeated_and_missing_elements_are_E00003(client: Client) -> None:
    unknown = client.transaction({"transactionType": "authOnlyTransaction", "colour": "red"})
    repeated = client.post_raw(
        '{"createTransactionRequest": {"merchantAuthentication": {"name": "a", "name": "b"}}}'
    )
    missing = client.transaction({})
    two_payments = client.pay(card={"cardNumber": SANDBOX_CARDS["visa"], "expirationDate": FUTURE})
    both = {
        "creditCard": {"cardNumber": SANDBOX_CARDS["visa"], "expirationDate": FUTURE},
        "opaqueData": {"dataDescriptor": "COMMON.ACCEPT.INAPP.PAYMENT", "dataValue": "x"},
    }
    body = {"transactionType": "authOnlyTransaction", "amount": "1.00", "payment": both}

    assert api_code(unknown) == "E00003"
    assert api_code(reply_of(repeated)) == "E00003"
    assert api_code(missing) == "E00003"
    assert "incomplete content" in missing["messages"]["message"][0]["text"]
    assert outcome(two_payments) == ("1", "1")
    assert api_code(client.transaction(body)) == "E00003"


def _card(**fields: str) -> Body:
    return {"card": {"cardNumber": SANDBOX_CARDS["visa"], "expirationDate": FUTURE, **fields}}


#: Elements the XSD limits, as ``client.pay`` arguments holding a value of ``n`` characters.
LIMITED: list[tuple[str, int, Callable[[int], Body]]] = [
    ("invoiceNumber", 20, lambda n: {"order": {"invoiceNumber": "i" * n}}),
    ("description", 255, lambda n: {"order": {"description": "d" * n}}),
    ("poNumber", 25, lambda n: {"poNumber": "p" * n}),
    ("id", 20, lambda n: {"customer": {"id": "c" * n}}),
    ("email", 255, lambda n: {"customer": {"email": "e" * n}}),
    ("firstName", 50, lambda n: {"billTo": {"firstName": "f" * n}}),
    ("address", 60, lambda n: {"billTo": {"address": "1" + "a" * (n - 1)}}),
    ("state", 40, lambda n: {"billTo": {"state": "s" * n}}),
    ("zip", 20, lambda n: {"billTo": {"zip": "9" * n}}),
    ("phoneNumber", 25, lambda n: {"billTo": {"phoneNumber": "5" * n}}),
    ("city", 40, lambda n: {"shipTo": {"city": "c" * n}}),
    ("cardNumber", 16, lambda n: _card(cardNumber="4" * n)),
    ("expirationDate", 7, lambda n: _card(expirationDate=FUTURE + "-31"[: n - 7])),
    ("cardCode", 4, lambda n: _card(cardCode="9" * n)),
]


@pytest.mark.parametrize(("element", "limit", "given"), LIMITED, ids=[e for e, _, _ in LIMITED])
def test_a_value_over_its_xsd_length_is_E00003(
    client: Client, element: str, limit: int, given: Callable[[int], Body]
) -> None:
    at_limit = client.pay(**given(limit))
    over = client.pay(**given(limit + 1))

    assert "transactionResponse" in at_limit  # became a transaction (approved or not)
    assert api_code(over) == "E00003"
    text = over["messages"]["message"][0]["text"]
    assert f"AnetApiSchema.xsd:{element}' element is invalid" in text
    assert "greater than the MaxLength value" in text


def test_a_ref_id_over_20_characters_and_a_short_card_code_are_E00003(client: Client) -> None:
    request: Body = {"transactionType": "authOnlyTransaction", "amount": "1.00"}
    assert api_code(client.transaction(request, ref_id="r" * 21)) == "E00003"
    short = client.pay(**_card(cardCode="12"))
    assert "less than the MinLength value" in short["messages"]["message"][0]["text"]


def test_an_unknown_method_or_unparsable_body_is_refused(client: Client) -> None:
    assert api_code(client.post({"chargeCardRequest": {}})) == "E00004"
    assert api_code(reply_of(client.post_raw(b"{not json"))) == "E00003"


def test_only_the_api_path_answers(fake_authorizenet: FakeAuthorizeNet) -> None:
    assert requests.post(fake_authorizenet.url + "/v1/charges", timeout=TIMEOUT).status_code == 404
    assert requests.get(fake_authorizenet.endpoint, timeout=TIMEOUT).status_code == 405


# -- payments --------------------------------------------------------------------------------


def test_an_authorization_is_approved_with_an_eleven_digit_trans_id(client: Client) -> None:
    reply = client.pay(zip_code="46250")

    response = reply["transactionResponse"]
    assert outcome(reply) == ("1", "1") and reply["messages"]["resultCode"] == "Ok"
    assert re.fullmatch(r"[0-9]{11}", response["transId"])
    assert not looks_like_pan(response["transId"])
    assert re.fullmatch(r"[A-Z0-9]{6}", response["authCode"])
    assert response["accountNumber"] == "XXXX1111" and response["accountType"] == "Visa"
    assert response["avsResultCode"] == "Y" and reply["refId"] == "ref-1"
    assert client.fake.ledger.authorizations() == [(response["transId"], Decimal("10.00"))]


@pytest.mark.parametrize("nonce", sorted(NONCES))
def test_every_fake_nonce_stands_for_a_sandbox_card(client: Client, nonce: str) -> None:
    reply = client.pay(nonce=nonce, amount="1.00")

    card = NONCES[nonce]
    response = reply["transactionResponse"]
    if response.get("accountNumber"):
        assert response["accountNumber"] == "XXXX" + card.number[-4:]
    else:
        assert outcome(reply)[0] == "3"  # refused before a transaction (the expired card)


def test_an_unknown_nonce_or_descriptor_is_E00114(client: Client) -> None:
    assert api_code(client.pay(nonce="eyJjb2RlIjoiNTBfMl8wNjAw")) == "E00114"
    request = {"transactionType": "authOnlyTransaction", "amount": "1.00", "payment": {
        "opaqueData": {"dataDescriptor": "COMMON.APPLE.INAPP.PAYMENT",
                       "dataValue": "fake-nonce-visa"}}}  # fmt: skip
    assert api_code(client.transaction(request)) == "E00114"


@pytest.mark.parametrize(
    ("card", "reason"),
    [
        ({"cardNumber": "4111111111111112", "expirationDate": FUTURE}, "6"),
        ({"cardNumber": "41111111", "expirationDate": FUTURE}, "6"),
        ({"cardNumber": SANDBOX_CARDS["visa"], "expirationDate": "2039-13"}, "7"),
        ({"cardNumber": SANDBOX_CARDS["visa"], "expirationDate": "soon"}, "7"),
        ({"cardNumber": SANDBOX_CARDS["visa"], "expirationDate": "2020-01"}, "8"),
        ({"cardNumber": SANDBOX_CARDS["visa"], "expirationDate": "0120"}, "8"),
        ({"cardNumber": SANDBOX_CARDS["visa"], "expirationDate": FUTURE, "cardCode": "1234"}, "78"),
        ({"cardNumber": SANDBOX_CARDS["amex"], "expirationDate": FUTURE, "cardCode": "123"}, "78"),
    ],
)
def test_card_validation_reasons(client: Client, card: Body, reason: str) -> None:
    reply = client.pay(card=card)

    assert outcome(reply) == ("3", reason)
    assert reply["transactionResponse"]["transId"] == "0"
    assert client.fake.ledger.entries == []


@pytest.mark.parametrize("amount", ["0.00", "-1.00", "10.001", "1e3", "ten", "", " 10.00"])
def test_invalid_amounts_are_reason_5(client: Client, amount: str) -> None:
    assert outcome(client.pay(amount=amount)) == ("3", "5")


def test_a_json_number_amount_is_refused(client: Client) -> None:
    request = {"transactionType": "authOnlyTransaction", "amount": 10.5, "payment": {
        "creditCard": {"cardNumber": SANDBOX_CARDS["visa"], "expirationDate": FUTURE}}}  # fmt: skip
    assert outcome(client.transaction(request)) == ("3", "5")


def test_one_currency_per_account() -> None:
    with FakeAuthorizeNet(currency="JPY") as fake, requests.Session() as session:
        client = Client(fake, session)
        assert outcome(client.pay(amount="1000")) == ("1", "1")
        assert outcome(client.pay(amount="1000.50")) == ("3", "5")
        assert outcome(client.pay(amount="900", currency="USD")) == ("3", "39")
        assert outcome(client.pay(amount="800", currency="JPY")) == ("1", "1")


# -- sandbox triggers ------------------------------------------------------------------------


def test_billing_zip_46282_is_declined(client: Client) -> None:
    reply = client.pay(zip_code="46282")

    assert outcome(reply) == ("2", "2") and reply["messages"]["resultCode"] == "Error"
    assert reply["messages"]["message"][0]["code"] == "E00027"
    assert client.fake.ledger.declines() == [(reply["transactionResponse"]["transId"],
                                              Decimal("10.00"))]  # fmt: skip


@pytest.mark.parametrize(("zip_code", "avs"), sorted(AVS_BY_ZIP.items()))
def test_avs_result_by_zip_and_the_avs_filter(client: Client, zip_code: str, avs: str) -> None:
    reply = client.pay(zip_code=zip_code)

    assert reply["transactionResponse"]["avsResultCode"] == avs
    expected = ("2", "27") if avs in ("A", "N") else ("1", "1")  # the default AVS filter
    assert outcome(reply) == expected


@pytest.mark.parametrize(("code", "cvv"), sorted(CVV_BY_CODE.items()))
def test_cvv_result_by_card_code_and_the_card_code_filter(
    client: Client, code: str, cvv: str
) -> None:
    card = {"cardNumber": SANDBOX_CARDS["visa"], "expirationDate": FUTURE, "cardCode": code}
    reply = client.pay(card=card)

    assert reply["transactionResponse"]["cvvResultCode"] == cvv
    assert outcome(reply) == (("2", "65") if cvv == "N" else ("1", "1"))


def test_avs_and_card_code_failing_together_is_reason_45(client: Client) -> None:
    card = {"cardNumber": SANDBOX_CARDS["visa"], "expirationDate": FUTURE, "cardCode": "901"}
    assert outcome(client.pay(card=card, zip_code="46205")) == ("2", "45")


def test_filters_are_the_merchants_choice() -> None:
    with FakeAuthorizeNet(avs_filter=frozenset(), card_code_filter=frozenset()) as fake:
        with requests.Session() as session:
            client = Client(fake, session)
            card = {"cardNumber": SANDBOX_CARDS["visa"], "expirationDate": FUTURE,
                    "cardCode": "901"}  # fmt: skip
            reply = client.pay(card=card, zip_code="46205")
    assert outcome(reply) == ("1", "1")
    assert reply["transactionResponse"]["avsResultCode"] == "N"


@pytest.mark.parametrize(
    ("reason", "response_code"), [(2, "2"), (19, "3"), (27, "2"), (44, "2"), (252, "4"), (253, "4")]
)
def test_the_trigger_card_answers_the_reason_code_of_its_amount(
    client: Client, reason: int, response_code: str
) -> None:
    card = {"cardNumber": TRIGGER_CARD, "expirationDate": FUTURE}
    reply = client.pay(card=card, amount=f"{reason}.00")

    assert outcome(reply) == (response_code, str(reason))
    assert reply["messages"]["resultCode"] == ("Ok" if response_code == "4" else "Error")


def test_the_trigger_card_with_other_amounts_is_approved(client: Client) -> None:
    card = {"cardNumber": TRIGGER_CARD, "expirationDate": FUTURE}
    assert outcome(client.pay(card=card, amount="27.50")) == ("1", "1")
    assert outcome(client.pay(card=card, amount="9999.00")) == ("1", "1")


def test_held_for_review_is_decided_by_the_merchant(client: Client) -> None:
    card = {"cardNumber": TRIGGER_CARD, "expirationDate": FUTURE}
    held = client.pay(card=card, amount="253.00")["transactionResponse"]["transId"]
    declined = client.pay(card=card, amount="252.00")["transactionResponse"]["transId"]

    assert client.follow_up("priorAuthCaptureTransaction", held)["transactionResponse"][
        "errors"][0]["errorCode"] == "16"  # fmt: skip
    client.fake.review(held, approve=True)
    client.fake.review(declined, approve=False)

    assert outcome(client.follow_up("priorAuthCaptureTransaction", held)) == ("1", "1")
    assert client.fake.transaction(declined).status == "declined"
    with pytest.raises(ValueError, match="not held"):
        client.fake.review(held)


# -- follow-ups and their states -------------------------------------------------------------


def authorized(client: Client, amount: str = "10.00", **kwargs: Any) -> str:
    reply = client.pay(amount=amount, **kwargs)
    assert outcome(reply) == ("1", "1"), reply
    return str(reply["transactionResponse"]["transId"])


def test_capture_partial_once_then_311(client: Client) -> None:
    trans_id = authorized(client)

    first = client.follow_up("priorAuthCaptureTransaction", trans_id, "4.00")
    second = client.follow_up("priorAuthCaptureTransaction", trans_id, "6.00")

    assert outcome(first) == ("1", "1")
    assert first["transactionResponse"]["transId"] == trans_id
    assert first["transactionResponse"]["refTransID"] == trans_id
    assert outcome(second) == ("3", "311")
    assert client.fake.ledger.captured(trans_id) == Decimal("4.00")


def test_capture_without_amount_takes_all(client: Client) -> None:
    trans_id = authorized(client)
    assert outcome(client.follow_up("priorAuthCaptureTransaction", trans_id)) == ("1", "1")
    assert client.fake.ledger.captured(trans_id) == Decimal("10.00")


@pytest.mark.parametrize(
    ("setup", "reference", "reason"),
    [
        ("none", "40000000001", "16"),
        ("none", "not-a-number", "15"),
        ("over", None, "47"),
        ("voided", None, "310"),
        ("sale", None, "16"),
    ],
)
def test_capture_refusals(client: Client, setup: str, reference: str | None, reason: str) -> None:
    trans_id = reference or authorized(
        client, kind="authCaptureTransaction" if setup == "sale" else "authOnlyTransaction"
    )
    if setup == "voided":
        client.follow_up("voidTransaction", trans_id)
    amount = "10.01" if setup == "over" else "10.00"

    assert outcome(client.follow_up("priorAuthCaptureTransaction", trans_id, amount)) == (
        "3",
        reason,
    )


def test_void_of_an_authorization_then_310(client: Client) -> None:
    trans_id = authorized(client)

    assert outcome(client.follow_up("voidTransaction", trans_id)) == ("1", "1")
    assert outcome(client.follow_up("voidTransaction", trans_id)) == ("3", "310")
    assert client.fake.ledger.voids() == [(trans_id, Decimal("10.00"))]


def test_a_settled_sale_cannot_be_voided_but_an_unsettled_one_can() -> None:
    with FakeAuthorizeNet(auto_settle=False) as fake, requests.Session() as session:
        client = Client(fake, session)
        unsettled = authorized(client, kind="authCaptureTransaction")
        settled = authorized(client, amount="11.00", kind="authCaptureTransaction")
        assert fake.settle() == [unsettled, settled]
        later = authorized(client, amount="12.00", kind="authCaptureTransaction")

        assert outcome(client.follow_up("voidTransaction", settled)) == ("3", "16")
        assert outcome(client.follow_up("voidTransaction", later)) == ("1", "1")
        assert fake.transaction(later).status == "voided"


def test_refunds_partial_multiple_and_not_above_the_capture(client: Client) -> None:
    trans_id = authorized(client, kind="authCaptureTransaction")

    first = client.refund(trans_id, "3.00")
    second = client.refund(trans_id, "7.00")
    beyond = client.refund(trans_id, "0.01")

    assert outcome(first) == ("1", "1") and outcome(second) == ("1", "1")
    assert first["transactionResponse"]["transId"] != trans_id
    assert first["transactionResponse"]["refTransID"] == trans_id
    assert outcome(beyond) == ("3", "55")
    assert client.fake.ledger.refunded(trans_id) == Decimal("10.00")


@pytest.mark.parametrize(("last4", "reason"), [("4242", "54"), ("XXXX1111", "1")])
def test_a_refund_must_name_the_card_that_paid(client: Client, last4: str, reason: str) -> None:
    trans_id = authorized(client, kind="authCaptureTransaction")
    assert outcome(client.refund(trans_id, "1.00", last4=last4))[1] == reason


def test_refunds_wait_for_settlement_without_auto_settle() -> None:
    with FakeAuthorizeNet(auto_settle=False) as fake, requests.Session() as session:
        client = Client(fake, session)
        trans_id = authorized(client, kind="authCaptureTransaction")

        assert outcome(client.refund(trans_id, "1.00")) == ("3", "54")
        fake.settle()
        assert outcome(client.refund(trans_id, "1.00")) == ("1", "1")


def test_a_voided_refund_gives_the_amount_back() -> None:
    with FakeAuthorizeNet(auto_settle=False) as fake, requests.Session() as session:
        client = Client(fake, session)
        trans_id = authorized(client, kind="authCaptureTransaction")
        fake.settle()
        refund = client.refund(trans_id, "10.00")["transactionResponse"]["transId"]

        assert outcome(client.follow_up("voidTransaction", refund)) == ("1", "1")
        assert outcome(client.refund(trans_id, "10.00")) == ("1", "1")
        assert fake.ledger.refunded(trans_id) == Decimal("10.00")


def test_transaction_details_show_the_masked_card(client: Client) -> None:
    trans_id = authorized(client, kind="authCaptureTransaction", amount="10.10")

    reply = client.details(trans_id)
    unknown = client.details("40000000000")
    malformed = client.details("abc")

    transaction = reply["transaction"]
    assert transaction["payment"]["creditCard"]["cardNumber"] == "XXXX1111"
    assert transaction["transactionStatus"] == "settledSuccessfully"
    assert decimal_of(json.dumps(reply).encode(), "transaction", "authAmount") == Decimal("10.10")
    assert api_code(unknown) == "E00040" and api_code(malformed) == "E00003"


# -- the duplicate window --------------------------------------------------------------------


def test_a_duplicate_inside_the_window_names_the_original(client: Client) -> None:
    first = client.pay(window=120)["transactionResponse"]
    again = client.pay(window=120)

    assert outcome(again) == ("3", "11")
    assert again["transactionResponse"]["transId"] == first["transId"]
    assert again["transactionResponse"]["authCode"] == first["authCode"]
    client.fake.advance_clock(121)
    assert outcome(client.pay(window=120)) == ("1", "1")


def test_without_a_window_setting_the_default_applies_and_names_nothing(client: Client) -> None:
    client.pay(window=None)
    again = client.pay(window=None)

    assert outcome(again) == ("3", "11") and again["transactionResponse"]["transId"] == "0"


def test_a_different_invoice_or_amount_is_no_duplicate(client: Client) -> None:
    client.pay(window=120, order={"invoiceNumber": "A-1"})
    assert outcome(client.pay(window=120, order={"invoiceNumber": "A-2"})) == ("1", "1")
    assert outcome(client.pay(window=120, amount="10.01")) == ("1", "1")
    assert outcome(client.pay(window=0, order={"invoiceNumber": "A-1"})) == ("1", "1")


def test_the_po_number_is_compared(client: Client) -> None:
    client.pay(window=120, poNumber="attempt-1")
    assert outcome(client.pay(window=120, poNumber="attempt-2")) == ("1", "1")
    assert outcome(client.pay(window=120, poNumber="attempt-1")) == ("3", "11")


def test_a_repeated_refund_is_a_duplicate_before_anything_else(client: Client) -> None:
    trans_id = authorized(client, kind="authCaptureTransaction")
    first = client.refund(trans_id, "10.00", window=120)["transactionResponse"]

    # Nothing is left to refund (55), but the repeat is answered as a duplicate first.
    again = client.refund(trans_id, "10.00", window=120)

    assert outcome(again) == ("3", "11")
    assert again["transactionResponse"]["transId"] == first["transId"]
    assert client.fake.ledger.refunded(trans_id) == Decimal("10.00")


# -- faults and webhooks ---------------------------------------------------------------------


def test_a_dropped_reply_still_charged(client: Client) -> None:
    client.fake.inject(Fault.DROP_AFTER_PROCESSING)

    with pytest.raises(requests.ConnectionError):
        client.pay(kind="authCaptureTransaction")

    assert len(client.fake.ledger.charges()) == 1
    assert client.fake.requests[0].status is None


@pytest.mark.parametrize(
    ("fault", "status"),
    [(Fault.STATUS_500, 500), (Fault.STATUS_502, 502), (Fault.STATUS_503, 503),
     (Fault.HTML_ERROR, 502), (Fault.MALFORMED_JSON, 200)],
)  # fmt: skip
def test_reply_faults_replace_the_reply(client: Client, fault: Fault, status: int) -> None:
    client.fake.inject(fault)

    response = client.post_raw(json.dumps({"createTransactionRequest": {}}))

    assert response.status_code == status
    with pytest.raises(ValueError):
        json.loads(response.content.decode("utf-8-sig"))


def test_a_slow_reply_times_out_after_processing(client: Client) -> None:
    client.fake.inject(Fault.SLOW, seconds=0.5, after_processing=True)

    with pytest.raises(requests.ReadTimeout):
        client.pay(kind="authCaptureTransaction", timeout=0.2)

    assert len(client.fake.ledger.charges()) == 1


def test_a_fault_can_target_one_kind_of_call(client: Client) -> None:
    trans_id = authorized(client)
    client.fake.inject_for("voidTransaction", Fault.DROP_AFTER_PROCESSING)

    assert (
        client.details(trans_id)["transaction"]["transactionStatus"] == "authorizedPendingCapture"
    )
    with pytest.raises(requests.ConnectionError):
        client.follow_up("voidTransaction", trans_id)

    assert client.fake.transaction(trans_id).status == "voided"  # processed, reply lost
    assert [r.fault for r in client.fake.requests] == [None, None, Fault.DROP_AFTER_PROCESSING]
    assert outcome(client.follow_up("voidTransaction", trans_id)) == ("3", "310")  # once only


def test_a_fault_for_a_call_may_come_instead_of_processing(client: Client) -> None:
    trans_id = authorized(client)
    client.fake.inject_for("getTransactionDetailsRequest", Fault.STATUS_503, times=2)

    assert [client.post_raw(json.dumps({"getTransactionDetailsRequest": {
        "merchantAuthentication": client.auth(), "transId": trans_id}})).status_code
        for _ in range(3)] == [503, 503, 200]  # fmt: skip
    with pytest.raises(ValueError, match="SLOW"):
        client.fake.inject_for("voidTransaction", Fault.SLOW)


def test_without_the_transaction_details_api_lookups_are_E00011() -> None:
    with FakeAuthorizeNet(transaction_details_api=False) as fake, requests.Session() as session:
        client = Client(fake, session)
        trans_id = authorized(client)

        assert api_code(client.details(trans_id)) == "E00011"


def test_webhooks_are_signed_with_the_signature_key(client: Client) -> None:
    trans_id = authorized(client, kind="authCaptureTransaction", amount="10.10")
    client.refund(trans_id, "1.00")

    events = client.fake.notifications()

    assert len(events) == 2
    for headers, body in events:
        digest = hmac.new(client.fake.signature_key.encode(), body, hashlib.sha512).hexdigest()
        assert headers["X-ANET-Signature"] == "sha512=" + digest.upper()
        assert not body.startswith(b"\xef\xbb\xbf")
    sale = json.loads(events[0][1])
    assert sale["eventType"] == "net.authorize.payment.authcapture.created"
    assert sale["payload"]["id"] == trans_id and sale["payload"]["entityName"] == "transaction"
    assert b'"authAmount":10.10' in events[0][1]  # a JSON number, written exactly
    assert json.loads(events[1][1])["eventType"] == "net.authorize.payment.refund.created"
