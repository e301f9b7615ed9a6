"""gateway_plugins.testing: the shared fake PSP server, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from gateway_plugins.testing import (
    Answer,
    FakePSPServer,
    Fault,
    Incoming,
    Injection,
    Ledger,
    RecordedRequest,
)

TIMEOUT = 5.0


class FakeEcho(FakePSPServer[RecordedRequest]):
    """A PSP that echoes what it got; ``/crash`` crashes; ``processed`` lists what it did."""

    redacted_headers = frozenset({"x-secret"})

    def __init__(self) -> None:
        super().__init__()
        self.processed: list[str] = []
        self.secrets_seen: list[str | None] = []

    def handle(self, request: Incoming) -> Answer:
        if request.path == "/crash":
            raise RuntimeError("boom")
        time.sleep(request.delay)
        self.processed.append(request.path)
        self.secrets_seen.append(request.headers.get("X-Secret"))
        body = json.dumps({"path": request.path, "delay": request.delay}).encode()
        status = 201 if request.method == "POST" else 200
        return Answer(status, {"Content-Type": "application/json", "X-Echo": "1"}, body)


class FakeJsonErrors(FakeEcho):
    """Its PSP answers 500 with a JSON error of its own and runs behind another server."""

    server_header = "acme-edge"

    def fault_answer(self, injection: Injection, real: Answer | None) -> Answer:
        if injection.fault is Fault.STATUS_500:
            return Answer(500, {"Content-Type": "application/json"}, b'{"error": "internal"}')
        return super().fault_answer(injection, real)


@pytest.fixture
def fake() -> Iterator[FakeEcho]:
    with FakeEcho() as fake:
        yield fake


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def post(session: requests.Session, fake: FakeEcho, path: str = "/pay", **kwargs: Any) -> Any:
    return session.post(fake.url + path, timeout=kwargs.pop("timeout", TIMEOUT), **kwargs)


def test_the_request_log_redacts_secrets_and_keeps_the_outcome(
    fake: FakeEcho, session: requests.Session
) -> None:
    session.get(fake.url + "/status?verbose=1", headers={"X-Secret": "s3cret"}, timeout=TIMEOUT)
    post(session, fake, data=b"amount=10", headers={"Idempotency-Key": "k", "X-Secret": "s3cret"})

    first, second = fake.requests
    assert (first.method, first.path, first.query, first.status) == (
        "GET",
        "/status",
        "verbose=1",
        200,
    )
    assert first.idempotency_key is None and first.body == b""
    assert (second.method, second.body, second.status, second.fault) == (
        "POST",
        b"amount=10",
        201,
        None,
    )
    assert second.headers["X-Secret"] == "[redacted]" and second.idempotency_key == "k"
    assert second.headers["Content-Length"] == "9" and second.replayed is False
    assert fake.secrets_seen == ["s3cret", "s3cret"]  # handle() gets the headers as sent
    assert fake.server_errors == []


def test_keep_alive_and_connection_numbers(fake: FakeEcho, session: requests.Session) -> None:
    for _ in range(20):
        assert post(session, fake).status_code == 201
    fake.inject(Fault.DROP_BEFORE_PROCESSING)
    with pytest.raises(requests.ConnectionError):
        post(session, fake)
    post(session, fake)

    assert fake.connections_opened == 2
    assert [r.connection for r in fake.requests] == [1] * 21 + [2]


@pytest.mark.parametrize(
    ("fault", "processed"),
    [(Fault.DROP_BEFORE_PROCESSING, []), (Fault.DROP_AFTER_PROCESSING, ["/pay"])],
)
def test_drops_close_without_a_reply(
    fake: FakeEcho, session: requests.Session, fault: Fault, processed: list[str]
) -> None:
    fake.inject(fault)

    with pytest.raises(requests.ConnectionError):
        post(session, fake)

    assert fake.processed == processed
    [record] = fake.requests
    assert (record.status, record.fault) == (None, fault)


@pytest.mark.parametrize(
    ("fault", "status", "content_type", "body"),
    [
        (Fault.STATUS_500, 500, "text/plain", b"Internal Server Error\n"),
        (Fault.STATUS_502, 502, "text/plain", b"Bad Gateway\n"),
        (Fault.STATUS_503, 503, "text/plain", b"Service Unavailable\n"),
        (Fault.STATUS_429, 429, "text/plain", b"Too Many Requests\n"),
        (Fault.MALFORMED_JSON, 200, "application/json", b'{\n  "ok"'),
    ],
)
def test_reply_faults_replace_the_reply_and_nothing_is_processed(
    fake: FakeEcho,
    session: requests.Session,
    fault: Fault,
    status: int,
    content_type: str,
    body: bytes,
) -> None:
    fake.inject(fault, retry_after=3)

    response = post(session, fake)

    assert (response.status_code, response.headers["Content-Type"]) == (status, content_type)
    assert response.content == body and fake.processed == []
    assert response.headers.get("Retry-After") == ("3" if fault is Fault.STATUS_429 else None)
    assert fake.requests[0].status == status and fake.requests[0].fault is fault
    assert post(session, fake).status_code == 201  # fired once; the connection still works


def test_the_html_error_page(fake: FakeEcho, session: requests.Session) -> None:
    fake.inject(Fault.HTML_ERROR)

    response = post(session, fake)

    assert (response.status_code, response.headers["Content-Type"]) == (502, "text/html")
    assert "<h1>502 Bad Gateway</h1>" in response.text and fake.processed == []


def test_reply_faults_after_processing_hide_the_real_reply(
    fake: FakeEcho, session: requests.Session
) -> None:
    fake.inject(Fault.STATUS_503, after_processing=True)
    fake.inject(Fault.MALFORMED_JSON, after_processing=True)

    hidden = post(session, fake)
    cut = post(session, fake)

    assert hidden.status_code == 503 and fake.processed == ["/pay", "/pay"]
    whole = json.dumps({"path": "/pay", "delay": 0.0}).encode()
    assert (cut.status_code, cut.headers["X-Echo"]) == (201, "1")  # the real status and headers
    assert cut.content == whole[: len(whole) // 2]


def test_slow_before_processing_hands_the_wait_to_handle(
    fake: FakeEcho, session: requests.Session
) -> None:
    fake.inject(Fault.SLOW, seconds=0.2)

    started = time.monotonic()
    response = post(session, fake)

    assert response.json()["delay"] == 0.2 and time.monotonic() - started >= 0.2


def test_slow_after_processing_delays_the_reply_only(
    fake: FakeEcho, session: requests.Session
) -> None:
    fake.inject(Fault.SLOW, seconds=0.4, after_processing=True)

    with pytest.raises(requests.ReadTimeout):
        post(session, fake, timeout=0.1)

    assert fake.processed == ["/pay"]  # done at once; only the reply was late


def test_faults_target_a_path_a_method_and_a_count(
    fake: FakeEcho, session: requests.Session
) -> None:
    injection = fake.inject(Fault.STATUS_503, path="/refunds", method="POST", times=2)

    statuses = [
        post(session, fake, "/pay").status_code,
        session.get(fake.url + "/refunds/1", timeout=TIMEOUT).status_code,
        post(session, fake, "/refunds/1").status_code,
        post(session, fake, "/refunds/2").status_code,
        post(session, fake, "/refunds/3").status_code,
    ]

    assert statuses == [201, 200, 503, 503, 201]
    assert (injection.fired, injection.remaining) == (2, 0)
    fake.inject(Fault.STATUS_500)
    fake.clear_faults()
    assert post(session, fake).status_code == 201


def test_injections_fire_in_the_order_armed(fake: FakeEcho, session: requests.Session) -> None:
    fake.inject(Fault.STATUS_502)
    fake.inject(Fault.STATUS_503)

    assert [post(session, fake).status_code for _ in range(3)] == [502, 503, 201]


def test_inject_refuses_contradictions(fake: FakeEcho) -> None:
    with pytest.raises(ValueError):
        fake.inject(Fault.DROP_AFTER_PROCESSING, after_processing=True)
    with pytest.raises(ValueError):
        fake.inject(Fault.SLOW, times=0)
    with pytest.raises(ValueError):
        fake.inject(Fault.SLOW, seconds=-1)


def test_a_crash_is_kept_and_answered_as_a_500(fake: FakeEcho, session: requests.Session) -> None:
    response = post(session, fake, "/crash")

    assert response.status_code == 500 and response.content == b"Internal Server Error\n"
    [error] = fake.server_errors
    assert "RuntimeError: boom" in error
    assert post(session, fake).status_code == 201  # the connection survived


def test_a_subclass_shapes_the_500_and_the_server_header(session: requests.Session) -> None:
    with FakeJsonErrors() as fake:
        fake.inject(Fault.STATUS_500)
        fake.inject(Fault.STATUS_502)

        error = post(session, fake)
        proxy = post(session, fake)
        crash = post(session, fake, "/crash")

    assert error.json() == {"error": "internal"} and crash.json() == {"error": "internal"}
    assert proxy.content == b"Bad Gateway\n"
    assert error.headers["Server"] == "acme-edge"
    assert len(fake.server_errors) == 1


def test_lifecycle_and_counts_after_stop(session: requests.Session) -> None:
    fake = FakeEcho()
    with pytest.raises(RuntimeError, match="FakeEcho was never started"):
        _ = fake.url
    with fake:
        assert fake.start() is fake  # starting again changes nothing
        assert fake.url.startswith("http://127.0.0.1:")
        assert post(session, fake).headers["Server"].startswith("BaseHTTP/")
    assert fake.connections_opened == 1 and len(fake.requests) == 1
    with pytest.raises(requests.ConnectionError):
        requests.get(fake.url, timeout=TIMEOUT)
    fake.stop()  # stopping again changes nothing


def test_the_ledger_keeps_entries_and_counts_per_key() -> None:
    ledger = Ledger[str]()
    ledger.record("capture")
    ledger.count_execution("k")
    ledger.count_replay("k")
    ledger.count_replay("k")

    assert ledger.entries == ["capture"]
    assert (ledger.executions("k"), ledger.replays("k"), ledger.executions("other")) == (1, 2, 0)


def test_importing_gateway_plugins_does_not_import_the_testing_tools() -> None:
    code = "import sys, gateway_plugins; print('gateway_plugins.testing' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"
