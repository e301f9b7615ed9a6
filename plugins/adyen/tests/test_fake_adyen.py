"""The fake Adyen behaves like Adyen's test environment: plain ``requests`` over real HTTP."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from gateway_plugins_adyen.testing import FakeAdyen, Fault

from gateway_plugins.scrub import looks_like_pan
from plugins.adyen.tests.payments import card

TIMEOUT = 5.0


class Client:
    """A ``requests.Session`` with the fake's API key, as the plugin holds one."""

    def __init__(self, fake: FakeAdyen, session: requests.Session) -> None:
        self.fake = fake
        self.session = session
        session.headers["X-API-Key"] = fake.api_key

    def post(
        self, path: str, body: Any, *, key: str | None = None, timeout: float = TIMEOUT
    ) -> requests.Response:
        headers = {"Idempotency-Key": key} if key is not None else {}
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
        return self.session.post(self.fake.url + path, data=data, headers=headers, timeout=timeout)

    def payment_body(self, **changes: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "merchantAccount": self.fake.merchant_account,
            "amount": {"currency": "EUR", "value": 1000},
            "reference": "order-1",
            "returnUrl": "https://shop.example/return",
            "paymentMethod": card(),
            "additionalData": {"manualCapture": "true"},
        }
        body.update(changes)
        return body

    def pay(
        self, *, key: str | None = None, timeout: float = TIMEOUT, **changes: Any
    ) -> requests.Response:
        return self.post("/payments", self.payment_body(**changes), key=key, timeout=timeout)

    def authorised(self, **changes: Any) -> str:
        reply = self.pay(**changes)
        assert reply.status_code == 200 and reply.json()["resultCode"] == "Authorised", reply.text
        return str(reply.json()["pspReference"])

    def modify(
        self, reference: str, operation: str, value: int | None = None, **extra: Any
    ) -> requests.Response:
        body: dict[str, Any] = {"merchantAccount": self.fake.merchant_account, **extra}
        if value is not None:
            body["amount"] = {"currency": "EUR", "value": value}
        return self.post(f"/payments/{reference}/{operation}", body)


@pytest.fixture
def client(fake_adyen: FakeAdyen) -> Iterator[Client]:
    with requests.Session() as session:
        yield Client(fake_adyen, session)


def error_code(reply: requests.Response) -> str:
    return str(reply.json()["errorCode"])


def wait_for(condition: Callable[[], bool], seconds: float = 3.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


# -- authentication and routing ---------------------------------------------------------------


def test_a_request_without_or_with_a_wrong_key_is_401(fake_adyen: FakeAdyen) -> None:
    for headers in ({}, {"X-API-Key": "AQE_wrong"}):
        reply = requests.post(
            fake_adyen.url + "/payments", json={}, headers=headers, timeout=TIMEOUT
        )
        assert reply.status_code == 401
        assert reply.json() == {
            "status": 401,
            "errorCode": "000",
            "message": "HTTP Status Response - Unauthorized",
            "errorType": "security",
        }


def test_another_merchant_account_is_403(client: Client) -> None:
    reply = client.pay(merchantAccount="SomeoneElseECOM")

    assert (reply.status_code, error_code(reply)) == (403, "901")


def test_unknown_paths_and_methods(client: Client, fake_adyen: FakeAdyen) -> None:
    assert client.post("/refunds", {}).status_code == 404
    assert client.session.get(fake_adyen.url + "/payments", timeout=TIMEOUT).status_code == 405


def test_a_body_that_is_not_json_is_400_and_keeps_the_key_free(
    client: Client, fake_adyen: FakeAdyen
) -> None:
    reply = client.post("/payments", b"{not json", key="k")

    assert (reply.status_code, error_code(reply)) == (400, "702")
    assert client.pay(key="k").status_code == 200
    assert fake_adyen.ledger.executions("k") == 1


def test_an_off_spec_body_is_422_with_every_problem(client: Client, fake_adyen: FakeAdyen) -> None:
    body = client.payment_body(amount={"currency": "EUR", "value": "1000"}, captureMode="manual")
    del body["reference"]

    reply = client.post("/payments", body)

    assert (reply.status_code, error_code(reply)) == (422, "702")
    [violation] = fake_adyen.take_spec_violations()
    assert len(violation.errors) == 3 and all(
        line in reply.json()["message"] for line in violation.errors
    )


def test_a_request_check_of_its_own_refuses_what_it_finds(fake_adyen: FakeAdyen) -> None:
    def no_orders_of_7(method: str, path: str, document: Any) -> tuple[str, list[str]] | None:
        if path == "/payments" and document.get("reference") == "order-7":
            return "PaymentRequest", ["reference: order 7 is cursed"]
        return None

    with FakeAdyen(request_check=no_orders_of_7) as fake, requests.Session() as session:
        client = Client(fake, session)
        refused, taken = client.pay(reference="order-7"), client.pay(reference="order-8")

        assert fake.validate_requests
        assert (refused.status_code, error_code(refused)) == (422, "702")
        assert refused.json()["message"] == (
            "Structure of PaymentRequest does not match the API: reference: order 7 is cursed"
        )
        assert taken.status_code == 200
        [violation] = fake.take_spec_violations()
        assert (violation.path, violation.schema) == ("/payments", "PaymentRequest")
    assert FakeAdyen().request_check is fake_adyen.request_check  # the installed one, if any


# -- payments --------------------------------------------------------------------------------


def test_an_authorisation(client: Client, fake_adyen: FakeAdyen) -> None:
    reply = client.pay().json()

    assert reply["resultCode"] == "Authorised" and reply["merchantReference"] == "order-1"
    assert reply["amount"] == {"currency": "EUR", "value": 1000}
    assert reply["additionalData"]["cardSummary"] == "1111"
    assert "4111111111111111" not in json.dumps(reply)
    [entry] = fake_adyen.ledger.entries
    assert (entry.kind, entry.payment, entry.value) == (
        "authorisation",
        reply["pspReference"],
        1000,
    )


def test_references_look_like_adyens_and_never_like_a_card(client: Client) -> None:
    references = [client.authorised() for _ in range(200)]

    assert len(set(references)) == 200
    for reference in references:
        assert len(reference) == 16 and reference[0].isalpha()
        assert reference.isalnum() and reference == reference.upper()
        assert not looks_like_pan(reference) and not looks_like_pan(f"x {reference}:CAPTURE")


def test_a_sale_is_captured_at_once(client: Client, fake_adyen: FakeAdyen) -> None:
    reference = client.authorised(additionalData={}, captureDelayHours=0)

    assert fake_adyen.ledger.captured(reference) == 1000
    assert [entry.kind for entry in fake_adyen.ledger.entries] == ["sale"]


@pytest.mark.parametrize(
    ("method", "code"),
    [
        (card("4111111111111112"), "101"),
        (card("9000000000000001"), "102"),
        (card(cvc="7373"), "103"),  # a Visa CVC has three digits
        (card("370000000000002", cvc="737"), "103"),  # an Amex one four
        (card(encryptedExpiryYear="test_30"), "129"),
        (card(encryptedSecurityCode="adyenjs_0_1_25$abc"), "174"),
        ({"type": "scheme", "number": "4111111111111111"}, "000"),
    ],
)
def test_card_format_errors_are_422(client: Client, method: dict[str, str], code: str) -> None:
    reply = client.pay(paymentMethod=method)

    assert (reply.status_code, error_code(reply)) == (422, code)


@pytest.mark.parametrize("name", ["houseNumberOrName", "street", "city"])
def test_an_empty_billing_address_field_is_117(client: Client, name: str) -> None:
    address = {"street": "Kerkstraat", "houseNumberOrName": "1", "city": "Amsterdam",
               "postalCode": "1011 DJ", "country": "NL", name: " "}  # fmt: skip

    reply = client.pay(billingAddress=address)

    assert (reply.status_code, error_code(reply)) == (422, "117")
    assert name in reply.json()["message"]


def test_raw_card_fields_are_accepted(client: Client) -> None:
    raw = {"type": "scheme", "number": "370000000000002", "expiryMonth": "3", "expiryYear": "2030",
           "cvc": "7373", "holderName": "J. Smith"}  # fmt: skip

    assert client.pay(paymentMethod=raw).json()["additionalData"]["paymentMethod"] == "amex"


def test_other_payment_methods_are_not_supported(client: Client) -> None:
    reply = client.pay(paymentMethod={"type": "ideal"})

    assert (reply.status_code, error_code(reply)) == (500, "905")


@pytest.mark.parametrize(
    ("holder", "result", "code"),
    [
        ("APPROVED", "Authorised", None),
        ("DECLINED", "Refused", "2"),
        ("REFERRAL", "Refused", "3"),
        ("BLOCK_CARD", "Refused", "5"),
        ("CARD_EXPIRED", "Refused", "6"),
        ("INVALID_AMOUNT", "Refused", "7"),
        ("ERROR", "Error", "4"),
        ("UNKNOWN", "Error", "0"),
        ("PENDING", "Pending", None),
        ("RECEIVED", "Received", None),
        ("PARTIAL", "Refused", "12"),  # partial authorisation not allowed by the payment
    ],
)
def test_holder_name_triggers(client: Client, holder: str, result: str, code: str | None) -> None:
    reply = client.pay(paymentMethod=card(holder=holder)).json()

    assert (reply["resultCode"], reply.get("refusalReasonCode")) == (result, code)


def test_requested_acquirer_codes(client: Client) -> None:
    results = {
        code: client.pay(additionalData={"RequestedTestAcquirerResponseCode": code}).json()
        for code in ("1", "4", "22", "24")
    }

    assert [(r["resultCode"], r.get("refusalReason")) for r in results.values()] == [
        ("Authorised", None),
        ("Error", "Acquirer Error"),
        ("Cancelled", "FRAUD-CANCELLED"),
        ("Refused", "CVC Declined"),
    ]


def test_three_d_secure_redirect(client: Client, fake_adyen: FakeAdyen) -> None:
    reply = client.pay(paymentMethod=card("4917610000000000")).json()
    reference = reply["pspReference"]

    assert reply["resultCode"] == "RedirectShopper" and reply["action"]["type"] == "redirect"
    assert fake_adyen.take_webhooks() == [] and fake_adyen.ledger.entries == []
    assert (
        client.post("/payments/details", {"details": {"redirectResult": "made-up"}}).status_code
        == 422
    )

    returned = fake_adyen.complete_3ds(reference, passed=True)
    first = client.post("/payments/details", returned).json()
    again = client.post("/payments/details", returned).json()

    assert first["resultCode"] == "Authorised" and first["pspReference"] == reference
    assert again == first  # submitting the same result again changes nothing
    assert len(fake_adyen.ledger.authorisations()) == 1
    assert [webhook.event_code for webhook in fake_adyen.take_webhooks()] == ["AUTHORISATION"]


def test_three_d_secure_can_be_skipped_or_forced(client: Client) -> None:
    never = {"attemptAuthentication": "never"}
    always = {"attemptAuthentication": "always"}

    assert (
        client.pay(paymentMethod=card("4917610000000000"), authenticationData=never).json()[
            "resultCode"
        ]
        == "Authorised"
    )
    assert client.pay(authenticationData=always).json()["resultCode"] == "RedirectShopper"


def test_complete_3ds_needs_a_waiting_payment(client: Client, fake_adyen: FakeAdyen) -> None:
    with pytest.raises(ValueError, match="not waiting for 3-D Secure"):
        fake_adyen.complete_3ds(client.authorised())


# -- stored payment methods ------------------------------------------------------------------


def test_cards_are_stored_per_shopper(client: Client) -> None:
    store = {"merchantAccount": client.fake.merchant_account, "shopperReference": "shopper-1",
             "paymentMethod": card(), "recurringProcessingModel": "CardOnFile"}  # fmt: skip
    resource = client.post("/storedPaymentMethods", store).json()
    on_file = {"type": "scheme", "storedPaymentMethodId": resource["id"]}
    recurring: dict[str, Any] = {
        "shopperInteraction": "ContAuth",
        "recurringProcessingModel": "CardOnFile",
    }

    mine = client.pay(paymentMethod=on_file, shopperReference="shopper-1", **recurring)
    theirs = client.pay(paymentMethod=on_file, shopperReference="shopper-2", **recurring)
    nobody = client.pay(paymentMethod=on_file, **recurring)

    assert resource["lastFour"] == "1111" and resource["shopperReference"] == "shopper-1"
    assert mine.json()["resultCode"] == "Authorised"
    assert (theirs.status_code, error_code(theirs)) == (422, "803")
    assert (nobody.status_code, error_code(nobody)) == (422, "000")


# -- modifications and settling -------------------------------------------------------------


def test_modifications_are_received_then_settled_in_order(
    client: Client, fake_adyen: FakeAdyen
) -> None:
    reference = client.authorised()
    fake_adyen.take_webhooks()

    replies = [
        client.modify(reference, "captures", 600),
        client.modify(reference, "captures", 400),
        client.modify(reference, "refunds", 1000),  # after both captures: all of it
        client.modify(reference, "refunds", 1),  # nothing left
    ]
    assert {reply.status_code for reply in replies} == {201}
    assert {reply.json()["status"] for reply in replies} == {"received"}
    assert fake_adyen.ledger.entries[1:] == []  # nothing happens before Adyen settles
    webhooks = fake_adyen.settle()

    assert [(w.event_code, w.items[0]["success"]) for w in webhooks] == [
        ("CAPTURE", "true"),
        ("CAPTURE", "true"),
        ("REFUND", "true"),
        ("REFUND", "false"),
    ]
    assert [w.items[0]["pspReference"] for w in webhooks] == [
        r.json()["pspReference"] for r in replies
    ]
    assert {w.items[0]["originalReference"] for w in webhooks} == {reference}
    assert fake_adyen.ledger.captured(reference) == fake_adyen.ledger.refunded(reference) == 1000
    assert fake_adyen.settle() == []  # the queue is empty
    assert len(fake_adyen.take_webhooks()) == 4


@pytest.mark.parametrize(
    ("first", "then", "reason"),
    [
        (("cancels", None), ("captures", 1000), "Insufficient balance on payment"),
        (("captures", 1000), ("cancels", None), "Transaction already captured, refund it instead"),
        (("cancels", None), ("cancels", None), "Transaction already cancelled"),
        (("captures", 500), ("captures", 501), "Insufficient balance on payment"),
    ],
)
def test_settling_refuses_what_adyen_refuses(
    client: Client,
    fake_adyen: FakeAdyen,
    first: tuple[str, int | None],
    then: tuple[str, int | None],
    reason: str,
) -> None:
    reference = client.authorised()
    client.modify(reference, *first)
    client.modify(reference, *then)

    last = fake_adyen.settle()[-1].items[0]

    assert (last["success"], last["reason"]) == ("false", reason)


def test_a_modification_in_another_currency_fails(client: Client, fake_adyen: FakeAdyen) -> None:
    reference = client.authorised()
    body = {
        "merchantAccount": fake_adyen.merchant_account,
        "amount": {"currency": "USD", "value": 1000},
    }
    client.post(f"/payments/{reference}/captures", body)

    [webhook] = fake_adyen.settle()

    assert webhook.items[0]["reason"] == "Modification in different currency than authorisation"


def test_modifications_of_unknown_or_refused_payments(
    client: Client, fake_adyen: FakeAdyen
) -> None:
    unknown = client.modify("UNKNOWN000000001", "captures", 100)
    zero = client.modify(client.authorised(), "captures", 0)
    refused = client.pay(paymentMethod=card(holder="DECLINED")).json()["pspReference"]
    client.modify(refused, "captures", 100)

    assert (unknown.status_code, error_code(unknown)) == (422, "167")
    assert (zero.status_code, error_code(zero)) == (422, "137")
    [webhook] = fake_adyen.settle()
    assert webhook.items[0]["success"] == "false"


def test_cancel_or_refund_picks_what_fits(client: Client, fake_adyen: FakeAdyen) -> None:
    authorised = client.authorised()
    sold = client.authorised(additionalData={})
    client.modify(authorised, "reversals")
    client.modify(sold, "reversals")

    cancelled, refunded = (w.items[0] for w in fake_adyen.settle())

    assert cancelled["additionalData"]["modification.action"] == "cancel"
    assert refunded["additionalData"]["modification.action"] == "refund"
    assert fake_adyen.ledger.refunded(sold) == 1000


def test_a_scheme_rejection_undoes_the_capture(client: Client, fake_adyen: FakeAdyen) -> None:
    reference = client.authorised()
    fake_adyen.scheme_rejects(reference)
    client.modify(reference, "captures", 1000)

    webhooks = fake_adyen.settle()

    assert [w.event_code for w in webhooks] == ["CAPTURE", "CAPTURE_FAILED"]
    assert fake_adyen.ledger.captured(reference) == 0


def test_a_sample_webhook_is_fresh_and_leaves_the_outbox_alone(fake_adyen: FakeAdyen) -> None:
    first, second = fake_adyen.sample_webhook(), fake_adyen.sample_webhook()

    assert first.event_code == second.event_code == "AUTHORISATION"
    assert first.items[0]["pspReference"] != second.items[0]["pspReference"]
    assert fake_adyen.take_webhooks() == []


# -- idempotency -----------------------------------------------------------------------------


def test_the_same_key_and_body_replays_the_reply(client: Client, fake_adyen: FakeAdyen) -> None:
    body = client.payment_body()
    reordered = dict(reversed(list(body.items())))

    first = client.post("/payments", body, key="k")
    second = client.post("/payments", reordered, key="k")

    assert second.json() == first.json() and second.headers["Idempotency-Key"] == "k"
    assert (fake_adyen.ledger.executions("k"), fake_adyen.ledger.replays("k")) == (1, 1)
    assert [r.replayed for r in fake_adyen.requests] == [False, True]
    assert len(fake_adyen.ledger.authorisations()) == 1


def test_the_same_key_with_another_body_is_refused(client: Client, fake_adyen: FakeAdyen) -> None:
    client.pay(key="k")

    other = client.pay(key="k", amount={"currency": "EUR", "value": 2000})
    elsewhere = client.post("/payments/details", {"details": {"redirectResult": "x"}}, key="k")

    assert (other.status_code, error_code(other)) == (422, "704")
    assert (elsewhere.status_code, error_code(elsewhere)) == (422, "704")
    assert len(fake_adyen.ledger.authorisations()) == 1


def test_a_key_in_use_is_refused_until_the_first_request_ends(
    client: Client, fake_adyen: FakeAdyen
) -> None:
    fake_adyen.inject(Fault.SLOW, seconds=0.4)
    first: list[requests.Response] = []
    thread = threading.Thread(target=lambda: first.append(client.pay(key="k")))
    thread.start()
    wait_for(lambda: fake_adyen.in_flight("k"))
    with requests.Session() as other:
        meanwhile = Client(fake_adyen, other).pay(key="k")
    thread.join()

    assert (meanwhile.status_code, error_code(meanwhile)) == (422, "704")
    assert first[0].status_code == 200 and client.pay(key="k").json() == first[0].json()
    assert len(fake_adyen.ledger.authorisations()) == 1


def test_keys_longer_than_64_characters_are_refused(client: Client) -> None:
    assert client.pay(key="k" * 65).status_code == 422
    assert client.pay(key="k" * 64).status_code == 200


def test_a_server_error_is_not_kept(client: Client, fake_adyen: FakeAdyen) -> None:
    fake_adyen.inject(Fault.STATUS_500)

    assert client.pay(key="k").status_code == 500
    assert client.pay(key="k").status_code == 200 and fake_adyen.ledger.replays("k") == 0


# -- faults ----------------------------------------------------------------------------------


def test_slow_before_processing_holds_the_key_then_the_retry_replays(
    client: Client, fake_adyen: FakeAdyen
) -> None:
    fake_adyen.inject(Fault.SLOW, seconds=0.4)
    with pytest.raises(requests.ReadTimeout):
        client.pay(key="k", timeout=0.1)
    wait_for(lambda: not fake_adyen.in_flight("k"))

    retry = client.pay(key="k")

    assert retry.status_code == 200 and fake_adyen.requests[-1].replayed
    assert len(fake_adyen.ledger.authorisations()) == 1


def test_drop_after_processing_then_the_retry_replays(
    client: Client, fake_adyen: FakeAdyen
) -> None:
    fake_adyen.inject(Fault.DROP_AFTER_PROCESSING)
    with pytest.raises(requests.ConnectionError):
        client.pay(key="k")

    retry = client.pay(key="k")

    assert retry.status_code == 200 and fake_adyen.ledger.replays("k") == 1
    assert len(fake_adyen.ledger.authorisations()) == 1


def test_drop_before_processing_changes_nothing(client: Client, fake_adyen: FakeAdyen) -> None:
    fake_adyen.inject(Fault.DROP_BEFORE_PROCESSING)
    with pytest.raises(requests.ConnectionError):
        client.pay(key="k")

    assert fake_adyen.ledger.entries == [] and fake_adyen.ledger.executions("k") == 0


def test_500_after_processing_hides_a_success_the_retry_finds(
    client: Client, fake_adyen: FakeAdyen
) -> None:
    fake_adyen.inject(Fault.STATUS_500, after_processing=True)

    hidden = client.pay(key="k")
    retry = client.pay(key="k")

    assert (hidden.status_code, hidden.json()["errorType"]) == (500, "internal")
    assert retry.json()["resultCode"] == "Authorised" and fake_adyen.ledger.replays("k") == 1


@pytest.mark.parametrize(
    ("fault", "status", "content_type"),
    [
        (Fault.STATUS_502, 502, "text/plain"),
        (Fault.STATUS_503, 503, "text/plain"),
        (Fault.STATUS_429, 429, "text/plain"),
        (Fault.HTML_ERROR, 502, "text/html"),
    ],
)
def test_edge_errors_are_not_json(
    client: Client, fake_adyen: FakeAdyen, fault: Fault, status: int, content_type: str
) -> None:
    fake_adyen.inject(fault, retry_after=2)

    reply = client.pay()

    assert reply.status_code == status and reply.headers["Content-Type"] == content_type
    with pytest.raises(ValueError):
        reply.json()
    assert fake_adyen.ledger.entries == []
    if fault is Fault.STATUS_429:
        assert reply.headers["Retry-After"] == "2"


def test_malformed_json_after_processing(client: Client, fake_adyen: FakeAdyen) -> None:
    fake_adyen.inject(Fault.MALFORMED_JSON, after_processing=True)

    reply = client.pay()

    assert reply.status_code == 200
    with pytest.raises(ValueError):
        reply.json()
    assert len(fake_adyen.ledger.authorisations()) == 1


def test_faults_target_a_path_and_count(client: Client, fake_adyen: FakeAdyen) -> None:
    reference = client.authorised()
    injection = fake_adyen.inject(Fault.STATUS_503, path=f"/payments/{reference}/captures", times=2)

    statuses = [client.modify(reference, "captures", 100).status_code for _ in range(3)]

    assert statuses == [503, 503, 201] and (injection.fired, injection.remaining) == (2, 0)
    assert client.pay().status_code == 200
    fake_adyen.inject(Fault.STATUS_500)
    fake_adyen.clear_faults()
    assert client.pay().status_code == 200


def test_inject_refuses_contradictions(fake_adyen: FakeAdyen) -> None:
    with pytest.raises(ValueError):
        fake_adyen.inject(Fault.DROP_AFTER_PROCESSING, after_processing=True)
    with pytest.raises(ValueError):
        fake_adyen.inject(Fault.SLOW, times=0)


# -- connections, the request log, lifecycle -------------------------------------------------


def test_keep_alive_uses_one_connection(client: Client, fake_adyen: FakeAdyen) -> None:
    for _ in range(20):
        client.authorised()

    assert fake_adyen.connections_opened == 1


def test_the_request_log_hides_the_api_key(client: Client, fake_adyen: FakeAdyen) -> None:
    client.pay(key="k")

    [request] = fake_adyen.requests
    assert request.headers["X-API-Key"] == "[redacted]" and request.idempotency_key == "k"
    assert request.json["reference"] == "order-1" and request.status == 200


def test_lifecycle() -> None:
    fake = FakeAdyen(api_key="AQE_mine")
    with pytest.raises(RuntimeError):
        _ = fake.url
    with fake:
        assert fake.url.startswith("http://127.0.0.1:") and fake.url.endswith("/v71")
        assert len(bytes.fromhex(fake.hmac_key)) == 32
    with pytest.raises(requests.ConnectionError):
        requests.get(fake.url, timeout=TIMEOUT)
    assert fake.server_errors == [] and FakeAdyen().hmac_key != fake.hmac_key
