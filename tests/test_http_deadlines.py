"""HttpClient against a real loopback PSP: the total deadline and the reply size limit."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator

import pytest

from gateway_plugins import GatewayConfig, PaymentData, RetryAdvice, TransactionKind
from gateway_plugins.deadlines import deadline
from gateway_plugins.http import (
    MAX_REPLY_BYTES,
    OUTCOME_UNKNOWN,
    Command,
    HttpClient,
    HttpReply,
    HttpRequest,
    RetryPolicy,
    Timeouts,
    TransportError,
)
from tests.loopback import Drip, Drop, Flood, Loopback, Reply

CONFIG = GatewayConfig(gateway_name="Loop", supported_currencies="USD")
#: Slack for a loaded machine on top of a deadline.
SLACK = 0.6

GET = HttpRequest("GET", "/v1/charges/ch_1")
POST = HttpRequest("POST", "/v1/charges", form=[("amount", "1000")])
POST_WITH_KEY = HttpRequest("POST", "/v1/charges", form=[("amount", "1000")], idempotency_key="k")


@pytest.fixture
def psp() -> Iterator[Loopback]:
    server = Loopback()
    yield server
    server.close()


def client_for(psp: Loopback, **options: object) -> HttpClient:
    options.setdefault("timeouts", Timeouts(connect=1.0, read=1.0, total=1.0))
    return HttpClient(psp.url, **options)  # type: ignore[arg-type]


def timed_failure(client: HttpClient, request: HttpRequest) -> tuple[TransportError, float]:
    start = time.monotonic()
    with pytest.raises(TransportError) as info:
        client.send(request)
    return info.value, time.monotonic() - start


# -- The total deadline ---------------------------------------------------------------


def test_the_timeouts_have_a_total_with_a_documented_default() -> None:
    assert Timeouts() == Timeouts(connect=3.05, read=30.0, total=60.0)


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "status-and-headers"])
def test_a_dripped_reply_cannot_stretch_the_deadline(psp: Loopback, headers_too: bool) -> None:
    # One byte every 50 ms never trips the 1 s read timeout: only the total stops it.
    psp.queue(Drip(body=b'{"ok": true, "pad": "' + b"x" * 120 + b'"}', headers_too=headers_too))
    client = client_for(psp, retry=RetryPolicy(attempts=1))

    error, elapsed = timed_failure(client, GET)

    assert elapsed < 1.0 + SLACK
    assert error.outcome_unknown and "deadline" in str(error)


def test_a_dripped_reply_to_a_post_is_an_unknown_outcome_and_not_repeated(
    psp: Loopback,
) -> None:
    psp.queue(Drip(body=b" " * 100))
    client = client_for(psp, timeouts=Timeouts(connect=1.0, read=1.0, total=0.8))

    error, elapsed = timed_failure(client, POST)

    assert error.outcome_unknown and elapsed < 0.8 + SLACK
    assert len(psp.processed) == 1


def test_the_deadline_bounds_every_try_of_a_blocked_psp(psp: Loopback) -> None:
    # Three tries of a 0.7 s read timeout would hold the thread for 2.1 s.
    psp.default = Reply(delay=3.0)
    client = client_for(psp, timeouts=Timeouts(connect=1.0, read=0.7, total=1.0),
                        retry=RetryPolicy(attempts=3, backoff=0.01))  # fmt: skip

    error, elapsed = timed_failure(client, POST_WITH_KEY)

    assert error.outcome_unknown and elapsed < 1.0 + SLACK
    assert len(psp.processed) == 2


def test_the_deadline_bounds_backoff_sleeps(psp: Loopback) -> None:
    psp.default = Reply(503)
    client = client_for(psp, retry=RetryPolicy(attempts=10, backoff=0.4, max_backoff=0.4))

    start = time.monotonic()
    try:
        reply = client.send(POST_WITH_KEY)
    except TransportError as exc:
        # On a slow machine the last try may still be reading when the deadline passes.
        assert exc.outcome_unknown
    else:
        assert reply.status == 503 and reply.attempts < 10
    assert time.monotonic() - start < 1.0 + SLACK


def test_no_wait_starts_that_the_deadline_leaves_no_time_for(psp: Loopback) -> None:
    sleeps: list[float] = []
    psp.queue(Reply(503, headers={"Retry-After": "3"}))
    client = client_for(psp, retry=RetryPolicy(max_backoff=5.0), sleep=sleeps.append)

    reply = client.send(POST_WITH_KEY)

    assert (reply.status, reply.attempts, sleeps) == (503, 1, [])


def test_a_lost_reply_with_no_time_left_for_a_retry_is_an_unknown_outcome(psp: Loopback) -> None:
    sleeps: list[float] = []
    psp.queue(Drop(after_processing=True))
    client = client_for(psp, retry=RetryPolicy(backoff=5.0, max_backoff=5.0), sleep=sleeps.append)

    error, _ = timed_failure(client, POST_WITH_KEY)

    assert error.outcome_unknown and "no time left" in str(error)
    assert sleeps == [] and len(psp.processed) == 1


def test_the_ambient_deadline_wins_when_it_is_sooner(psp: Loopback) -> None:
    psp.default = Reply(delay=3.0)
    client = client_for(psp, timeouts=Timeouts())  # 30 s reads, 60 s in all

    with deadline(0.5):
        error, elapsed = timed_failure(client, POST_WITH_KEY)

    assert error.outcome_unknown and elapsed < 0.5 + SLACK


def test_the_clients_total_wins_when_it_is_sooner(psp: Loopback) -> None:
    psp.default = Reply(delay=3.0)
    client = client_for(psp, timeouts=Timeouts(connect=0.5, read=0.5, total=0.5))

    with deadline(30):
        _, elapsed = timed_failure(client, GET)

    assert elapsed < 0.5 + SLACK


def test_a_deadline_passed_before_sending_is_not_sent(psp: Loopback) -> None:
    client = client_for(psp)

    with deadline(0):
        error, _ = timed_failure(client, POST)

    assert not error.outcome_unknown and "before the request was sent" in str(error)
    assert psp.processed == []


def test_a_reply_within_the_deadline_is_read_whole(psp: Loopback) -> None:
    psp.queue(Drip(body=b'{"id": "ch_1"}', interval=0.01))
    client = client_for(psp)

    with deadline(5):
        reply = client.send(GET)

    assert reply.json() == {"id": "ch_1"}


def test_a_deadline_in_a_command_is_an_unknown_outcome(psp: Loopback) -> None:
    def build(payment: PaymentData, config: GatewayConfig) -> HttpRequest:
        return HttpRequest("POST", "/v1/charges", idempotency_key=payment.idempotency_key)

    def handle(reply: HttpReply, payment: PaymentData) -> None:
        raise AssertionError("no reply is read")

    psp.default = Reply(delay=3.0)
    payment = PaymentData(gateway="loop", amount="10.00", currency="USD")
    command = Command(TransactionKind.AUTH, build, handle)  # type: ignore[arg-type]

    with deadline(0.3):
        response = command.execute(client_for(psp), payment, CONFIG)

    assert response.outcome_unknown and response.psp_error_code == OUTCOME_UNKNOWN
    assert response.retry_advice is RetryAdvice.RETRY_LATER
    assert response.idempotency_key == payment.idempotency_key


def test_connections_survive_replies_read_under_a_deadline(psp: Loopback) -> None:
    client = client_for(psp)

    for _ in range(20):
        with deadline(5):
            assert client.send(POST).status == 200

    assert psp.connections == 1


# -- The reply size limit -------------------------------------------------------------


def test_the_default_reply_limit_is_4_mib(psp: Loopback) -> None:
    assert HttpClient(psp.url).max_reply_bytes == MAX_REPLY_BYTES == 4 * 1024 * 1024


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "chunked"])
def test_a_reply_over_the_limit_is_not_read_and_its_outcome_is_unknown(
    psp: Loopback, declare_length: bool
) -> None:
    psp.queue(Flood(64 * 1024 * 1024, declare_length=declare_length))
    client = client_for(psp, timeouts=Timeouts(connect=1, read=5, total=10))

    tracemalloc.start()
    try:
        error, _ = timed_failure(client, POST)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert error.outcome_unknown and "larger than 4194304 bytes" in str(error)
    assert peak < 3 * MAX_REPLY_BYTES  # it was 135 MB, twice the reply, before the limit
    assert len(psp.processed) == 1  # never asked again


def test_the_reply_limit_is_configurable(psp: Loopback) -> None:
    client = client_for(psp, max_reply_bytes=100)
    psp.queue(Reply(body=b"x" * 100), Reply(body=b"x" * 101))

    assert len(client.send(GET).body) == 100
    with pytest.raises(TransportError, match="larger than 100 bytes") as info:
        client.send(GET)
    assert info.value.outcome_unknown


def test_the_limit_does_not_apply_to_the_length_a_head_reply_announces(psp: Loopback) -> None:
    client = client_for(psp, max_reply_bytes=100)
    psp.queue(Reply(body=b"x" * 1000))

    reply = client.send(HttpRequest("HEAD", "/v1/files/f_1"))

    assert (reply.status, reply.headers["Content-Length"], reply.body) == (200, "1000", b"")


def test_a_connection_with_an_unread_reply_is_not_reused(psp: Loopback) -> None:
    client = client_for(psp, max_reply_bytes=1000)
    psp.queue(Flood(1024 * 1024), Reply(body={"id": "ch_2"}))

    with pytest.raises(TransportError):
        client.send(GET)

    assert client.send(GET).json() == {"id": "ch_2"}  # not the rest of the flood
    assert psp.connections == 2


@pytest.mark.parametrize("value", [0, -1, 2.5, True])
def test_a_bad_reply_limit_is_refused(psp: Loopback, value: object) -> None:
    with pytest.raises(ValueError, match="max_reply_bytes"):
        HttpClient(psp.url, max_reply_bytes=value)  # type: ignore[arg-type]
