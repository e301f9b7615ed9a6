"""The toolkit's rules for base URLs and timeouts, and HttpClient refusing bad ones."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from gateway_plugins.http import MAX_TIMEOUT, HttpClient, Timeouts, check_base_url

SECRET = "hunter2-secret"


@pytest.mark.parametrize(
    "url",
    [
        "https://api.stripe.com",
        "https://checkout-test.adyen.com/v71",
        "HTTPS://API.STRIPE.COM:443/",
        "http://127.0.0.1:8080",
        "http://127.8.9.10",
        "http://[::1]:9000/api",
        "http://localhost:5000",
        "http://LOCALHOST",
    ],
)
def test_a_good_base_url_is_taken_as_it_is(url: str) -> None:
    assert check_base_url(url, "connection_params.base_url") == url


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("", "must be an https:// URL"),
        (None, "must be an https:// URL"),
        (42, "must be an https:// URL"),
        ("api.stripe.com", "must be an https:// URL with a host"),
        ("//api.stripe.com", "must be an https:// URL with a host"),
        ("ftp://api.stripe.com", "must be an https:// URL with a host"),
        ("file:///etc/passwd", "must be an https:// URL with a host"),
        ("gopher://api.stripe.com", "must be an https:// URL with a host"),
        ("https://", "must be an https:// URL with a host"),
        ("https://[::1", "must be an https:// URL with a host"),
        ("http://api.stripe.com", r"must use https:// \(http:// only for loopback hosts"),
        ("http://10.0.0.1", "must use https://"),
        ("http://localhost.example.com", "must use https://"),
        ("http://127.0.0.1.nip.io", "must use https://"),
        (f"https://user:{SECRET}@api.stripe.com", "must not contain user information"),
        (f"https://{SECRET}@api.stripe.com", "must not contain user information"),
        ("https://api.stripe.com:99999", "must have a port number"),
        ("https://api.stripe.com:abc", "must have a port number"),
        ("https://api.stripe.com/?x=1", "must not have a query or fragment"),
        ("https://api.stripe.com/#top", "must not have a query or fragment"),
        (" https://api.stripe.com", "must not contain spaces or control characters"),
        ("https://api.stripe.com/\n", "must not contain spaces or control characters"),
    ],
)
def test_a_bad_base_url_is_refused_naming_the_field_and_the_rule(url: object, rule: str) -> None:
    with pytest.raises(ValueError, match=rule) as info:
        check_base_url(url, "connection_params.base_url")

    assert str(info.value).startswith("connection_params.base_url ")
    assert SECRET not in str(info.value)  # the value is never repeated


def test_an_http_client_refuses_a_bad_base_url() -> None:
    with pytest.raises(ValueError, match="base_url must use https://"):
        HttpClient("http://api.example.com")


def test_timeouts_default_and_accept_numbers_and_numeric_text() -> None:
    assert Timeouts(connect=1, read="2.5", total=Decimal("3")) == Timeouts(1.0, 2.5, 3.0)  # type: ignore[arg-type]
    assert Timeouts(total=MAX_TIMEOUT).total == 300.0


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        (0, "must be more than 0 seconds"),
        (-1, "must be more than 0 seconds"),
        (math.nan, "must be a finite number of seconds"),
        (math.inf, "must be a finite number of seconds"),
        ("inf", "must be a finite number of seconds"),
        (1e9, "must be at most 300 seconds"),
        ("soon", "must be a number of seconds"),
        (True, "must be a number of seconds"),
        (None, "must be a number of seconds"),
    ],
)
@pytest.mark.parametrize("field", ["connect", "read", "total"])
def test_a_bad_timeout_is_refused_naming_it_and_the_rule(
    field: str, value: object, rule: str
) -> None:
    with pytest.raises(ValueError, match=f"^Timeouts.{field} {rule}"):
        Timeouts(**{field: value})  # type: ignore[arg-type]


def test_timeouts_from_connection_params_name_the_parameter() -> None:
    assert Timeouts.from_params({}) == Timeouts()
    read = {"read_timeout": "2", "total_timeout": 9}
    assert Timeouts.from_params(read) == Timeouts(read=2.0, total=9.0)

    with pytest.raises(ValueError, match="^connection_params.total_timeout must be more than 0"):
        Timeouts.from_params({"total_timeout": 0})
    with pytest.raises(ValueError, match="^connection_params.connect_timeout must be a finite"):
        Timeouts.from_params({"connect_timeout": math.nan})
