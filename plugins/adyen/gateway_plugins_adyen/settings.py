"""The Adyen gateway's ``connection_params``, read and checked once per configuration.

Every refusal names the parameter and the rule, never the value (it may be a
key). ``base_url`` and the timeouts follow the toolkit's rules
(``check_base_url``, ``Timeouts.from_params``); ``return_url`` is the shop's
page the shopper comes back to, any http(s) URL. Secrets stay out of ``repr``:
a settings object may end up in a log.

The endpoint: ``environment`` ``"test"`` (the default) is Adyen's test endpoint,
or ``base_url`` when one is given (a fake on 127.0.0.1); ``"live"`` is built
from the merchant's ``live_url_prefix`` (Customer Area, Developers > API URLs),
as Adyen's SDKs build it, and takes no ``base_url``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gateway_plugins import GatewayConfig
from gateway_plugins.http import Timeouts, check_base_url

#: Adyen's Checkout API v71 test endpoint.
TEST_BASE_URL = "https://checkout-test.adyen.com/v71"
#: Adyen's Checkout API v71 live endpoint for a merchant's live URL prefix
#: (``1797a841fbb37ca7-AdyenDemo``): Adyen's SDKs' ``-checkout-live.adyenpayments.com/checkout``.
LIVE_BASE_URL = "https://{prefix}-checkout-live.adyenpayments.com/checkout/v71"
ENVIRONMENTS = ("test", "live")
#: Letters, digits and inner dashes: one host-name label with ``-checkout-live`` (63 at most).
_PREFIX = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,47}[A-Za-z0-9])?")


@dataclass(frozen=True)
class AdyenSettings:
    """What the plugin needs from one :class:`GatewayConfig`."""

    api_key: str = field(repr=False)
    merchant_account: str
    base_url: str = TEST_BASE_URL
    environment: str = "test"
    return_url: str | None = None
    timeouts: Timeouts = field(default_factory=Timeouts)
    pool_size: int = 10
    hmac_key: bytes | None = field(default=None, repr=False)
    """The webhook HMAC key as bytes (the Customer Area shows it as hex)."""

    @classmethod
    def from_config(cls, config: GatewayConfig) -> AdyenSettings:
        """Read ``config.connection_params``; ``ValueError`` naming the field when one is wrong."""
        params = config.connection_params
        environment = _environment(params)
        return cls(
            api_key=_required_secret(config, "api_key"),
            merchant_account=_required_text(params, "merchant_account"),
            base_url=_base_url(params, environment),
            environment=environment,
            return_url=_url(params, "return_url"),
            timeouts=Timeouts.from_params(params),
            pool_size=_pool_size(params),
            hmac_key=_hmac_key(config),
        )


def _required_secret(config: GatewayConfig, name: str) -> str:
    if name not in config.connection_params:
        raise ValueError(f"connection_params.{name} is required (Adyen API key, X-API-Key)")
    value = config.secret_text(name).strip()
    if not value:
        raise ValueError(f"connection_params.{name} must not be empty")
    return value


def _required_text(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(
            f"connection_params.{name} is required: the Adyen merchant account code "
            "payments are processed for"
        )
    return value.strip()


def _environment(params: Mapping[str, Any]) -> str:
    value = params.get("environment")
    if value is None:
        return "test"
    if not isinstance(value, str) or value.strip().lower() not in ENVIRONMENTS:
        raise ValueError("connection_params.environment must be 'test' or 'live'")
    return value.strip().lower()


def _base_url(params: Mapping[str, Any], environment: str) -> str:
    prefix = _live_url_prefix(params)  # checked in test mode too: it will be used one day
    given = params.get("base_url")
    if environment == "test":
        url = TEST_BASE_URL if given is None else given
        return check_base_url(url, "connection_params.base_url")
    if given is not None:
        # Two sources for the live endpoint would leave it to a guess which one wins.
        raise ValueError(
            "connection_params.base_url is not taken with environment 'live': the live "
            "endpoint is built from connection_params.live_url_prefix"
        )
    if prefix is None:
        raise ValueError(
            "connection_params.live_url_prefix is required with environment 'live': the "
            "prefix of your live endpoints (Customer Area, Developers > API URLs)"
        )
    return LIVE_BASE_URL.format(prefix=prefix)


def _live_url_prefix(params: Mapping[str, Any]) -> str | None:
    value = params.get("live_url_prefix")
    if value is None:
        return None
    if not isinstance(value, str) or not _PREFIX.fullmatch(value):
        # Never repeated: a prefix goes into the host name, so refuse what is not one.
        raise ValueError(
            "connection_params.live_url_prefix must be letters, digits and dashes, "
            "not starting or ending with a dash, at most 49 characters "
            "(e.g. '1797a841fbb37ca7-AdyenDemo')"
        )
    return value


def _url(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise ValueError(f"connection_params.{name} must be an http:// or https:// URL")
    return value


def _pool_size(params: Mapping[str, Any]) -> int:
    value = params.get("pool_size", 10)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("connection_params.pool_size must be a whole number of at least 1")
    return value


def _hmac_key(config: GatewayConfig) -> bytes | None:
    if "hmac_key" not in config.connection_params:
        return None
    text = config.secret_text("hmac_key").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if not key:
        # Never repeat the value: it is the key that proves webhooks genuine.
        raise ValueError(
            "connection_params.hmac_key must be the HMAC key from the Customer Area, in hex "
            "(an even number of 0-9 a-f characters)"
        )
    return key
