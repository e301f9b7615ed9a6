"""The Authorize.Net gateway refuses connection parameters that would send payments astray."""

from __future__ import annotations

import math
from typing import Any

import pytest
from gateway_plugins_authorizenet import AuthorizeNetGatewayPlugin
from gateway_plugins_authorizenet.settings import Settings

from gateway_plugins import GatewayConfig, PluginManager
from gateway_plugins.http import Timeouts

PASSWORD = "pw-in-the-url-123"


def config(**params: Any) -> GatewayConfig:
    return GatewayConfig(
        gateway_name="Authorize.Net",
        supported_currencies="USD",
        connection_params={"api_login_id": "login", "transaction_key": "key-123", **params},
    )


def configure(**params: Any) -> None:
    host = PluginManager(discover=False)
    host.register(AuthorizeNetGatewayPlugin(), "authorizenet")
    host.configure("authorizenet", config(**params))


@pytest.mark.parametrize("field", ["endpoint", "base_url"])
@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("ftp://api2.authorize.net", "must be an https:// URL with a host"),
        ("", "must be an https:// URL"),
        ("api2.authorize.net", "must be an https:// URL with a host"),
        ("http://api2.authorize.net", "must use https://"),
        (f"https://u:{PASSWORD}@api2.authorize.net", "must not contain user information"),
    ],
)
def test_a_bad_url_is_refused(field: str, url: str, rule: str) -> None:
    with pytest.raises(ValueError, match=f"connection_params.{field} {rule}") as info:
        configure(**{field: url})
    assert PASSWORD not in str(info.value)


@pytest.mark.parametrize("value", [0, -1, math.nan, math.inf, 1e9, "inf"])
@pytest.mark.parametrize("name", ["connect_timeout", "read_timeout", "total_timeout"])
def test_a_bad_timeout_is_refused(name: str, value: object) -> None:
    with pytest.raises(ValueError, match=f"connection_params.{name} must be"):
        configure(**{name: value})


def test_good_parameters_are_read() -> None:
    settings = Settings.from_config(
        config(base_url="http://localhost:8080/", connect_timeout="1.5", total_timeout=30)
    )

    assert settings.endpoint == "http://localhost:8080/xml/v1/request.api"
    assert settings.timeouts == Timeouts(connect=1.5, total=30.0)
