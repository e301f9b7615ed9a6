"""The HTTP toolkit against a real loopback server: retries, faults, pooling, commands."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from decimal import Decimal

import pytest

from gateway_plugins import (
    Capability,
    ErrorCode,
    GatewayConfig,
    GatewayInfo,
    GatewayResponse,
    OperationNotSupportedError,
    PaymentData,
    PluginManager,
    RetryAdvice,
    TransactionKind,
    hookimpl,
)
from gateway_plugins.http import (
    INVALID_REQUEST,
    OUTCOME_UNKNOWN,
    PSP_UNREACHABLE,
    Command,
    CommandHooks,
    CommandPool,
    Connection,
    ConnectionSlot,
    HttpClient,
    HttpReply,
    HttpRequest,
    MalformedReply,
    ReplyHandler,
    RetryPolicy,
    Timeouts,
    TransportError,
)
from tests.loopback import Drop, Loopback, Reply

CARD = "4242424242424242"
API_KEY = "sk_test_loopback_secret"


@pytest.fixture
def psp() -> Iterator[Loopback]:
    server = Loopback()
    yield server
    server.close()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(psp: Loopback, sleeps: list[float]) -> Iterator[HttpClient]:
    http = HttpClient(
        psp.url,
        headers={"Authorization": f"Bearer {API_KEY}"},
        timeouts=Timeouts(connect=1.0, read=0.5),
        retry=RetryPolicy(attempts=3, backoff=0.01),
        secrets=[API_KEY],
        sleep=sleeps.append,
    )
    yield http
    http.close()


POST = HttpRequest("POST", "/v1/charges", form=[("amount", "1000")])
POST_WITH_KEY = HttpRequest("POST", "/v1/charges", form=[("amount", "1000")], idempotency_key="k-1")


# -- Retries: only what is safe --------------------------------------------------


def test_a_get_is_retried_after_a_server_error(client: HttpClient, psp: Loopback) -> None:
    psp.queue(Reply(503))

    reply = client.send(HttpRequest("GET", "/v1/charges/ch_1"))

    assert (reply.status, reply.attempts, len(psp.processed)) == (200, 2, 2)


def test_a_post_without_a_key_is_never_repeated(client: HttpClient, psp: Loopback) -> None:
    psp.queue(Reply(503))

    reply = client.send(POST)

    assert reply.status == 503 and len(psp.processed) == 1


def test_a_read_only_post_is_retried_like_a_get(client: HttpClient, psp: Loopback) -> None:
    psp.queue(Reply(503))

    reply = client.send(HttpRequest("POST", "/v1/lookup", json={"id": "1"}, read_only=True))

    assert (reply.status, reply.attempts, len(psp.processed)) == (200, 2, 2)


def test_a_post_with_a_key_is_retried_with_the_same_key(client: HttpClient, psp: Loopback) -> None:
    psp.queue(Reply(500), Reply(429))

    reply = client.send(POST_WITH_KEY)

    assert reply.status == 200 and reply.attempts == 3
    assert {r.headers["Idempotency-Key"] for r in psp.processed} == {"k-1"}


def test_retries_stop_after_the_policy_attempts(client: HttpClient, psp: Loopback) -> None:
    psp.queue(Reply(503), Reply(503), Reply(503), Reply(200))

    reply = client.send(POST_WITH_KEY)

    assert reply.status == 503 and len(psp.processed) == 3


def test_retry_after_is_honoured_up_to_the_cap(
    client: HttpClient, psp: Loopback, sleeps: list[float]
) -> None:
    psp.queue(Reply(429, headers={"Retry-After": "2"}), Reply(429, headers={"Retry-After": "99"}))

    client.send(POST_WITH_KEY)

    assert sleeps == [2.0, client.retry.max_backoff]


@pytest.mark.parametrize(
    "fault", [Reply(delay=1.0), Drop(after_processing=True)], ids=["slow", "drop"]
)
def test_a_lost_reply_to_a_post_without_a_key_is_an_unknown_outcome(
    client: HttpClient, psp: Loopback, fault: Reply | Drop
) -> None:
    psp.queue(fault)

    with pytest.raises(TransportError) as info:
        client.send(POST)

    assert info.value.outcome_unknown
    assert len(psp.processed) == 1  # processed once, never repeated


@pytest.mark.parametrize(
    "fault", [Reply(delay=1.0), Drop(after_processing=True)], ids=["slow", "drop"]
)
def test_a_lost_reply_to_a_post_with_a_key_is_retried(
    client: HttpClient, psp: Loopback, fault: Reply | Drop
) -> None:
    psp.queue(fault)

    reply = client.send(POST_WITH_KEY)

    assert reply.status == 200 and reply.attempts == 2


def test_a_refused_connection_is_retried_and_reported_as_not_sent(sleeps: list[float]) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    http = HttpClient(
        f"http://127.0.0.1:{port}", retry=RetryPolicy(attempts=2), sleep=sleeps.append
    )

    with pytest.raises(TransportError) as info:
        http.send(POST)  # even a POST without a key: nothing reached the PSP

    assert not info.value.outcome_unknown
    assert len(sleeps) == 1


def test_a_retry_that_cannot_connect_keeps_the_first_tries_outcome_unknown(
    psp: Loopback,
) -> None:
    # The first try reached the PSP and its reply was lost; the PSP then goes away, so
    # the retry is refused. The charge may exist: this is not "never sent".
    psp.queue(Drop(after_processing=True))
    http = HttpClient(psp.url, retry=RetryPolicy(attempts=2), sleep=lambda _: psp.close())

    with pytest.raises(TransportError) as info:
        http.send(POST_WITH_KEY)

    assert info.value.outcome_unknown
    assert len(psp.processed) == 1


def test_the_read_timeout_bounds_a_slow_psp(client: HttpClient, psp: Loopback) -> None:
    psp.default = Reply(delay=2.0)

    with pytest.raises(TransportError, match="read timeout"):
        client.send(HttpRequest("GET", "/slow"))

    assert len(psp.processed) == client.retry.attempts


# -- Pooling and replies -------------------------------------------------------------


def test_connections_are_kept_alive_and_pooled(client: HttpClient, psp: Loopback) -> None:
    for _ in range(50):
        assert client.send(POST).status == 200

    assert psp.connections == 1


def test_a_reply_that_is_not_json_is_malformed(client: HttpClient, psp: Loopback) -> None:
    psp.queue(
        Reply(502, body=b"<html><h1>Bad Gateway</h1></html>", headers={"Content-Type": "text/html"})
    )

    reply = client.send(POST)

    with pytest.raises(MalformedReply, match="HTTP 502 reply is not JSON \\(text/html"):
        reply.json()


def test_the_idempotency_header_name_is_configurable(psp: Loopback) -> None:
    http = HttpClient(psp.url, idempotency_header="X-Request-Key")

    http.send(POST_WITH_KEY)

    assert psp.processed[0].headers["X-Request-Key"] == "k-1"


# -- The transcript ------------------------------------------------------------------


def test_the_transcript_hides_card_data_and_secrets(
    client: HttpClient, psp: Loopback, caplog: pytest.LogCaptureFixture
) -> None:
    psp.queue(Reply(body={"source": {"number": CARD}, "echo": API_KEY}))
    request = HttpRequest(
        "POST",
        "/v1/payment_methods",
        form=[("card[number]", CARD), ("card[cvc]", "314"), ("metadata[order]", "42")],
    )

    with caplog.at_level(logging.DEBUG, logger="gateway_plugins.http"):
        client.send(request)

    assert "→ POST" in caplog.text and "← 200" in caplog.text
    assert "metadata[order]" in caplog.text  # what is harmless stays readable
    logged = caplog.text.replace(psp.url, "")  # the port number may contain "314"
    assert CARD not in logged and "314" not in logged and API_KEY not in logged


# -- Commands ------------------------------------------------------------------------

CONFIG = GatewayConfig(gateway_name="Loop", supported_currencies="USD")


def pay(**fields: object) -> PaymentData:
    return PaymentData(**{"gateway": "loop", "amount": "10.00", "currency": "USD", **fields})


def build(payment: PaymentData, config: GatewayConfig) -> HttpRequest:
    return HttpRequest(
        "POST", "/v1/charges", form=[("amount", str(payment.amount))],
        idempotency_key=payment.idempotency_key,
    )  # fmt: skip


def handle(reply: HttpReply, payment: PaymentData) -> GatewayResponse:
    body = reply.json()
    return GatewayResponse(
        is_success=True, kind=TransactionKind.AUTH, amount=Decimal(body["amount"]),
        currency=body["currency"], transaction_id=body["id"],
    )  # fmt: skip


AUTHORIZE = Command(TransactionKind.AUTH, build, handle)
APPROVED = {"id": "ch_1", "amount": "10.00", "currency": "USD"}


def test_a_command_builds_sends_and_handles(client: HttpClient, psp: Loopback) -> None:
    psp.queue(Reply(body=APPROVED))

    response = AUTHORIZE.execute(client, pay(), CONFIG)

    assert response.is_success and response.transaction_id == "ch_1"
    assert psp.processed[0].body == b"amount=10.00"


def test_an_unknown_outcome_says_retry_with_the_same_key(psp: Loopback) -> None:
    no_retries = HttpClient(psp.url, timeouts=Timeouts(read=0.3), retry=RetryPolicy(attempts=1))
    psp.queue(Drop(after_processing=True))
    payment = pay()

    response = AUTHORIZE.execute(no_retries, payment, CONFIG)

    assert not response.is_success and response.outcome_unknown
    assert response.error_code is ErrorCode.PROCESSING_ERROR
    assert response.psp_error_code == OUTCOME_UNKNOWN
    assert response.retry_advice is RetryAdvice.RETRY_LATER
    assert response.idempotency_key == payment.idempotency_key
    assert "retry with the same PaymentData" in (response.psp_error_message or "")


def test_an_unknown_outcome_without_idempotency_says_check_status(psp: Loopback) -> None:
    # Authorize.Net's way: no idempotency header, so a repeated POST is a new payment.
    no_keys = HttpClient(psp.url, idempotency_header=None, retry=RetryPolicy(attempts=1))
    psp.queue(Drop(after_processing=True))
    payment = pay()

    response = AUTHORIZE.execute(no_keys, payment, CONFIG)

    assert not response.is_success and response.outcome_unknown
    assert response.psp_error_code == OUTCOME_UNKNOWN
    assert response.retry_advice is RetryAdvice.CHECK_STATUS
    assert response.idempotency_key == payment.idempotency_key
    message = response.psp_error_message or ""
    assert "look the transaction up" in message and "cannot charge twice" not in message
    assert len(psp.processed) == 1


def test_an_unreadable_reply_from_a_psp_without_idempotency_says_check_status(
    psp: Loopback,
) -> None:
    no_keys = HttpClient(psp.url, idempotency_header=None)
    psp.queue(Reply(body=b"<html>oops</html>"))

    response = AUTHORIZE.execute(no_keys, pay(), CONFIG)

    assert response.outcome_unknown and response.retry_advice is RetryAdvice.CHECK_STATUS


def test_a_psp_that_cannot_be_reached_suggests_another_gateway() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    http = HttpClient(f"http://127.0.0.1:{port}", retry=RetryPolicy(attempts=1))

    response = AUTHORIZE.execute(http, pay(), CONFIG)

    assert response.psp_error_code == PSP_UNREACHABLE
    assert response.retry_advice is RetryAdvice.TRY_ANOTHER_GATEWAY


@pytest.mark.parametrize(
    "body", [b"<html>oops</html>", b'{"id": "ch_1", "amou'], ids=["html", "truncated-json"]
)
def test_an_unreadable_reply_is_an_unknown_outcome(
    client: HttpClient, psp: Loopback, body: bytes
) -> None:
    psp.queue(Reply(body=body))

    response = AUTHORIZE.execute(client, pay(), CONFIG)

    assert response.psp_error_code == OUTCOME_UNKNOWN and not response.is_success


def test_capture_without_an_authorization_is_a_sale() -> None:
    sale = Command(TransactionKind.CAPTURE, build, handle)
    settle = Command(TransactionKind.CAPTURE, build, handle)
    pool = CommandPool("loop", {"sale": sale, "capture": settle})

    assert pool.command_for("capture", pay()) is sale
    assert pool.command_for("capture", pay(psp_reference="ch_1")) is settle


def test_a_missing_command_is_a_typed_error() -> None:
    pool = CommandPool("loop", {"capture": AUTHORIZE})

    with pytest.raises(OperationNotSupportedError, match="'loop' does not implement 'sale'"):
        pool.command_for("capture", pay())


def test_a_payment_the_psp_cannot_express_fails_before_sending(
    client: HttpClient, psp: Loopback
) -> None:
    def too_precise(payment: PaymentData, config: GatewayConfig) -> HttpRequest:
        raise ValueError("amount 1.234 KWD has 3 decimal places; at most 2 allowed")

    response = Command(TransactionKind.AUTH, too_precise, handle).execute(client, pay(), CONFIG)

    assert response.psp_error_code == INVALID_REQUEST
    assert response.retry_advice is RetryAdvice.DO_NOT_RETRY
    assert psp.processed == []


def test_a_connection_slot_swaps_connections_and_closes_the_old_pool(psp: Loopback) -> None:
    slot: ConnectionSlot[str] = ConnectionSlot("Loop")
    with pytest.raises(RuntimeError, match="the Loop gateway is not configured"):
        slot.get()
    pool = CommandPool("loop", {"authorize": AUTHORIZE})
    first = Connection(CONFIG, HttpClient(psp.url), pool, "first settings")
    slot.replace(first)
    psp.queue(Reply(body=APPROVED), Reply(body=APPROVED))
    in_flight = slot.get()
    assert in_flight.execute("authorize", pay()).is_success
    first_pool = first.client.session.get_adapter(psp.url).poolmanager

    slot.replace(Connection(CONFIG, HttpClient(psp.url), pool, "second settings"))

    assert slot.configured and slot.get().settings == "second settings"
    assert in_flight.settings == "first settings", "a call in flight keeps its connection"
    assert len(first_pool.pools) == 0, "the old connection pool was closed"
    assert slot.get().execute("authorize", pay()).is_success


class LoopPlugin(CommandHooks):
    """A whole gateway in a few lines: the money hooks come from CommandHooks."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.slot: ConnectionSlot[None] = ConnectionSlot("Loop")

    @hookimpl
    def gateway_info(self) -> GatewayInfo:
        return GatewayInfo(
            id="loop", name="Loop", default_config=CONFIG, capabilities=frozenset({Capability.VOID})
        )

    @hookimpl
    def configure_gateway(self, config: GatewayConfig) -> None:
        sale = Command(TransactionKind.CAPTURE, build, handle_as(TransactionKind.CAPTURE))
        pool = CommandPool("loop", {"authorize": AUTHORIZE, "sale": sale})
        self.slot.replace(Connection(config, HttpClient(self.url), pool, None))


def handle_as(kind: TransactionKind) -> ReplyHandler:
    return lambda reply, payment: handle(reply, payment).model_copy(update={"kind": kind})


@pytest.mark.parametrize(("auto_capture", "kind"), [(True, "capture"), (False, "auth")])
def test_command_hooks_run_the_pools_commands_through_the_manager(
    psp: Loopback, auto_capture: bool, kind: str
) -> None:
    manager = PluginManager(
        discover=False, configs={"loop": CONFIG.model_copy(update={"auto_capture": auto_capture})}
    )
    manager.register(LoopPlugin(psp.url), "loop")
    psp.queue(Reply(body=APPROVED))

    response = manager.process_payment(pay())

    assert response.is_success and response.kind.value == kind
    assert len(psp.processed) == 1
    # The pool has no "void" command: the plugin's error reaches the host as a failure.
    void = manager.void(pay(psp_reference="ch_1"))
    assert void.error_code is ErrorCode.PROCESSING_ERROR
    assert "does not implement 'void'" in (void.psp_error_message or "")
