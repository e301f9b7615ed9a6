"""The Stripe gateway refuses connection parameters that would send payments astray."""

from __future__ import annotations

import math
from typing import Any

import pytest
from gateway_plugins_stripe import StripeGatewayPlugin
from gateway_plugins_stripe.settings import StripeSettings

from gateway_plugins import GatewayConfig, PluginManager
from gateway_plugins.http import Timeouts

PASSWORD = "pw-in-the-url-123"


def configure(**params: Any) -> None:
    host = PluginManager(discover=False)
    host.register(StripeGatewayPlugin(), "stripe")
    config = GatewayConfig(
        gateway_name="Stripe",
        supported_currencies="USD",
        connection_params={"secret_key": "sk_test_settings", **params},
    )
    host.configure("stripe", config)


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("ftp://api.stripe.com", "must be an https:// URL with a host"),
        ("file:///etc/passwd", "must be an https:// URL with a host"),
        ("gopher://api.stripe.com", "must be an https:// URL with a host"),
        ("", "must be an https:// URL"),
        ("api.stripe.com", "must be an https:// URL with a host"),
        ("http://api.stripe.com", "must use https://"),
        (f"https://user:{PASSWORD}@api.stripe.com", "must not contain user information"),
    ],
)
def test_a_bad_base_url_is_refused(url: str, rule: str) -> None:
    with pytest.raises(ValueError, match=f"connection_params.base_url {rule}") as info:
        configure(base_url=url)
    assert PASSWORD not in str(info.value)


@pytest.mark.parametrize("value", [0, -1, math.nan, math.inf, 1e9, "soon"])
@pytest.mark.parametrize("name", ["connect_timeout", "read_timeout", "total_timeout"])
def test_a_bad_timeout_is_refused(name: str, value: object) -> None:
    with pytest.raises(ValueError, match=f"connection_params.{name} must be"):
        configure(**{name: value})


@pytest.mark.parametrize("value", [0, "many", True])
def test_a_bad_pool_size_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="connection_params.pool_size must be a whole number"):
        configure(pool_size=value)


def test_good_parameters_are_read() -> None:
    config = GatewayConfig(
        gateway_name="Stripe",
        supported_currencies="USD",
        connection_params={
            "secret_key": "sk_test_settings",
            "base_url": "http://localhost:12111",
            "connect_timeout": "2",
            "read_timeout": 20,
            "total_timeout": 45,
            "pool_size": "4",
        },
    )

    settings = StripeSettings.from_config(config)

    assert settings.base_url == "http://localhost:12111" and settings.pool_size == 4
    assert settings.timeouts == Timeouts(connect=2.0, read=20.0, total=45.0)
    assert "sk_test_settings" not in repr(settings)
    default = StripeSettings.from_config(config.model_copy(update={"connection_params": {
        "secret_key": "sk_test_settings"}}))  # fmt: skip
    assert default.base_url == "https://api.stripe.com" and default.timeouts == Timeouts()
