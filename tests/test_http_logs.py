"""URLs in log lines and errors: the toolkit's own and urllib3's, over real loopback HTTP."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator

import pytest

from gateway_plugins.http import HttpClient, HttpRequest, RetryPolicy, TransportError, scrub_url
from gateway_plugins.http.logs import URL_FILTER, URLLIB3_LOGGERS
from gateway_plugins.scrub import Scrubber
from tests.loopback import Drop, Loopback

CARD = "4242424242424242"
SECRET = "sk_test_in_the_query_123"
#: A PSP lookup that carries toxic data in the URL, as some APIs do.
TOXIC = HttpRequest("GET", f"/v1/cards/{CARD}?api_key={SECRET}&cvc=314&expand=source")


@pytest.fixture
def psp() -> Iterator[Loopback]:
    server = Loopback()
    yield server
    server.close()


@pytest.fixture
def client(psp: Loopback) -> Iterator[HttpClient]:
    http = HttpClient(psp.url, secrets=[SECRET], retry=RetryPolicy(backoff=0.01))
    yield http
    http.close()


def assert_clean(text: str) -> None:
    assert CARD not in text and SECRET not in text and "cvc=314" not in text


def test_the_toolkits_own_lines_hide_card_data_and_secrets_in_urls(
    client: HttpClient, psp: Loopback, caplog: pytest.LogCaptureFixture
) -> None:
    psp.queue(Drop(after_processing=True))  # a lost reply to a GET: retried, logged at INFO

    with caplog.at_level(logging.DEBUG, logger="gateway_plugins.http"):
        client.send(TOXIC)

    assert "retrying" in caplog.text and "→ GET" in caplog.text and "← 200" in caplog.text
    assert "/v1/cards/[REDACTED]?api_key=[REDACTED]&cvc=[REDACTED]&expand=source" in caplog.text
    assert_clean(caplog.text)


def test_urllib3s_request_line_is_scrubbed(
    client: HttpClient, psp: Loopback, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="urllib3"):
        client.send(TOXIC)

    lines = [r.getMessage() for r in caplog.records if r.name == "urllib3.connectionpool"]
    assert any('"GET /v1/cards/[REDACTED]?api_key=[REDACTED]' in line for line in lines), lines
    assert_clean(caplog.text)


def test_an_error_names_the_path_without_card_data() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    http = HttpClient(f"http://127.0.0.1:{port}", secrets=[SECRET], retry=RetryPolicy(attempts=1))

    with pytest.raises(TransportError) as info:
        http.send(TOXIC)

    assert str(info.value).startswith("GET /v1/cards/[REDACTED]?")
    assert_clean(str(info.value))


def test_the_filter_is_installed_once_on_urllib3s_loggers_only(psp: Loopback) -> None:
    HttpClient(psp.url)
    HttpClient(psp.url)

    for name in URLLIB3_LOGGERS:
        assert logging.getLogger(name).filters.count(URL_FILTER) == 1, name
    assert URL_FILTER not in logging.getLogger().filters
    assert URL_FILTER not in logging.getLogger("gateway_plugins.http").filters


def test_the_filter_leaves_a_harmless_record_untouched(psp: Loopback) -> None:
    HttpClient(psp.url)
    args = ("https", "api.example.com", 443, "GET", "/v1/charges/ch_1?expand=source")
    record = logging.LogRecord(
        "urllib3.connectionpool", logging.DEBUG, __file__, 1, '%s://%s:%s "%s %s"', args, None
    )

    assert URL_FILTER.filter(record)
    assert record.msg == '%s://%s:%s "%s %s"' and record.args is args


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:pw@api.example.com/v1", "https://[REDACTED]@api.example.com/v1"),
        (f"/v1/cards/{CARD}", "/v1/cards/[REDACTED]"),
        ("/v1/x?card%5Bnumber%5D=1&b=2", "/v1/x?card%5Bnumber%5D=[REDACTED]&b=2"),
        ("/v1/x?q=4242%204242%204242%204242&b=2", "/v1/x?q=[REDACTED]&b=2"),
        ("/v1/x?q=4242+4242+4242+4242", "/v1/x?q=[REDACTED]"),
        (f"/v1/x?token={SECRET}", "/v1/x?token=[REDACTED]"),
        ("/v1/charges/ch_1?expand=source&limit=10", "/v1/charges/ch_1?expand=source&limit=10"),
        ("/v1/charges?created=1700000000", "/v1/charges?created=1700000000"),
    ],
)
def test_scrub_url(url: str, shown: str) -> None:
    assert scrub_url(url, Scrubber([SECRET])) == shown
