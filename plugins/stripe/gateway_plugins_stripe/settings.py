"""The Stripe gateway's connection parameters, read and checked once per configuration.

Every refusal names the parameter and the rule, never the value (it may be a
key): a base URL must pass the toolkit's ``check_base_url`` and the timeouts
its ``Timeouts`` rules. Webhook settings are read by ``webhooks.WebhookSettings``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gateway_plugins import GatewayConfig
from gateway_plugins.http import Timeouts, check_base_url

#: Stripe's API root.
BASE_URL = "https://api.stripe.com"


@dataclass(frozen=True)
class StripeSettings:
    """What the HTTP client needs from one :class:`GatewayConfig`."""

    secret_key: str = field(repr=False)
    base_url: str = BASE_URL
    timeouts: Timeouts = field(default_factory=Timeouts)
    pool_size: int = 10

    @classmethod
    def from_config(cls, config: GatewayConfig) -> StripeSettings:
        """Read ``config.connection_params``; ``ValueError`` naming the field when one is wrong."""
        params = config.connection_params
        if "secret_key" not in params:
            raise ValueError("connection_params.secret_key is required (sk_test_… or sk_live_…)")
        return cls(
            secret_key=config.secret_text("secret_key"),
            base_url=check_base_url(_base_url(params), "connection_params.base_url"),
            timeouts=Timeouts.from_params(params),
            pool_size=_pool_size(params),
        )


def _base_url(params: Mapping[str, Any]) -> Any:
    value = params.get("base_url")
    return BASE_URL if value is None else value


def _pool_size(params: Mapping[str, Any]) -> int:
    value = params.get("pool_size", 10)
    if isinstance(value, str) and value.isdigit():
        value = int(value)  # configuration often arrives as text
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("connection_params.pool_size must be a whole number of at least 1")
    return value
