"""The Adyen gateway refuses connection parameters that would send payments astray."""

from __future__ import annotations

import math
from typing import Any

import pytest
from gateway_plugins_adyen import AdyenGatewayPlugin
from gateway_plugins_adyen.settings import TEST_BASE_URL, AdyenSettings

from gateway_plugins import GatewayConfig, PluginManager
from gateway_plugins.http import Timeouts

PASSWORD = "pw-in-the-url-123"


def config(**params: Any) -> GatewayConfig:
    return GatewayConfig(
        gateway_name="Adyen",
        supported_currencies="EUR",
        connection_params={"api_key": "AQE-settings", "merchant_account": "Shop", **params},
    )


def configure(**params: Any) -> None:
    host = PluginManager(discover=False)
    host.register(AdyenGatewayPlugin(), "adyen")
    host.configure("adyen", config(**params))


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("ftp://checkout-test.adyen.com/v71", "must be an https:// URL with a host"),
        ("file:///etc/passwd", "must be an https:// URL with a host"),
        ("", "must be an https:// URL"),
        ("checkout-test.adyen.com/v71", "must be an https:// URL with a host"),
        ("http://checkout-test.adyen.com/v71", "must use https://"),
        (f"https://ws:{PASSWORD}@checkout-test.adyen.com/v71", "must not contain user information"),
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


def test_good_parameters_are_read() -> None:
    settings = AdyenSettings.from_config(
        config(base_url="http://127.0.0.1:8080/v71", read_timeout=5, total_timeout="20")
    )

    assert settings.base_url == "http://127.0.0.1:8080/v71"
    assert settings.timeouts == Timeouts(read=5.0, total=20.0)
    default = AdyenSettings.from_config(config(base_url=None))
    assert default.base_url == TEST_BASE_URL and default.timeouts == Timeouts()


# -- test and live endpoints ----------------------------------------------------------------

PREFIX = "1797a841fbb37ca7-AdyenDemo"


def test_live_is_built_from_the_merchants_prefix() -> None:
    settings = AdyenSettings.from_config(config(environment="live", live_url_prefix=PREFIX))

    live = "https://1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com/checkout/v71"
    assert (settings.environment, settings.base_url) == ("live", live)
    plugin = AdyenGatewayPlugin()
    plugin.configure_gateway(config(environment="live", live_url_prefix=PREFIX))
    assert plugin.slot.get().client.base_url == live  # where every request goes


@pytest.mark.parametrize(
    "params",
    [{}, {"environment": "test"}, {"environment": "TEST"}, {"live_url_prefix": PREFIX}],
)
def test_test_mode_keeps_the_test_endpoint(params: dict[str, Any]) -> None:
    settings = AdyenSettings.from_config(config(**params))

    assert (settings.environment, settings.base_url) == ("test", TEST_BASE_URL)


def test_an_explicit_base_url_still_serves_tests() -> None:
    settings = AdyenSettings.from_config(config(base_url="http://127.0.0.1:9/v71"))

    assert settings.base_url == "http://127.0.0.1:9/v71"


def test_live_needs_the_prefix() -> None:
    with pytest.raises(ValueError, match="connection_params.live_url_prefix is required"):
        configure(environment="live")


@pytest.mark.parametrize(
    "prefix",
    ["evil.example/x", "evil.example#", "a b", "-abc", "abc-", "", "a" * 50, "x@evil", 7,
     "ab\u00e7d"],
)  # fmt: skip
def test_a_prefix_that_is_not_letters_digits_and_dashes_is_refused(prefix: object) -> None:
    with pytest.raises(ValueError, match="connection_params.live_url_prefix must be") as info:
        configure(environment="live", live_url_prefix=prefix)
    if isinstance(prefix, str) and prefix:
        assert prefix not in str(info.value)


def test_live_with_a_base_url_as_well_is_refused() -> None:
    with pytest.raises(ValueError, match="connection_params.base_url") as info:
        configure(environment="live", live_url_prefix=PREFIX, base_url=TEST_BASE_URL)
    assert "live_url_prefix" in str(info.value)


@pytest.mark.parametrize("environment", ["production", "", 1])
def test_an_unknown_environment_is_refused(environment: object) -> None:
    with pytest.raises(ValueError, match="connection_params.environment must be 'test' or 'live'"):
        configure(environment=environment)
