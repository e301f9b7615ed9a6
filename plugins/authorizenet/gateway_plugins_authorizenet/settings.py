"""The gateway's ``connection_params``, checked once at configuration time.

Authorize.Net authenticates in the request body (``merchantAuthentication``),
so credentials are not HTTP headers here: they are kept as ``SecretStr`` and
read only when a body is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from gateway_plugins import GatewayConfig
from gateway_plugins.http import Timeouts, check_base_url

from .wire import API_PATH, SANDBOX_ENDPOINT

#: Authorize.Net's own default duplicate window, in seconds, and the largest it takes.
DEFAULT_DUPLICATE_WINDOW = 120
MAX_DUPLICATE_WINDOW = 28_800

#: Every parameter the gateway reads; any other key is refused (a typo such as
#: ``transactionKey`` would otherwise be ignored until the first payment fails).
KNOWN_PARAMS = frozenset(
    {
        "api_login_id",
        "transaction_key",
        "signature_key",
        "endpoint",
        "base_url",
        "connect_timeout",
        "read_timeout",
        "total_timeout",
        "pool_size",
        "duplicate_window",
    }
)


@dataclass(frozen=True)
class Settings:
    """What one configuration of the gateway says, validated.

    ``duplicate_window`` is sent with every new payment and refund: besides
    setting the window, sending it makes a duplicate's reply name the
    original transaction (see the README, "Duplicate window").
    """

    api_login_id: str
    transaction_key: SecretStr
    endpoint: str
    timeouts: Timeouts
    pool_size: int
    duplicate_window: int
    signature_key: SecretStr | None = None

    @classmethod
    def from_config(cls, config: GatewayConfig) -> Settings:
        """Read ``config.connection_params``; ``ValueError`` naming the field if one is wrong."""
        params = config.connection_params
        unknown = sorted(set(params) - KNOWN_PARAMS)
        if unknown:
            raise ValueError(
                f"connection_params.{unknown[0]} is not a setting of the Authorize.Net gateway "
                f"(known: {', '.join(sorted(KNOWN_PARAMS))})"
            )
        login = params.get("api_login_id")
        if isinstance(login, SecretStr):  # not a secret, but a cautious host may hide it
            login = login.get_secret_value()
        if not isinstance(login, str) or not login.strip():
            raise ValueError("connection_params.api_login_id is required (the API Login ID)")
        if len(login.strip()) > 25:
            raise ValueError("connection_params.api_login_id is at most 25 characters")
        if "transaction_key" not in params or not config.secret_text("transaction_key").strip():
            raise ValueError("connection_params.transaction_key is required (the Transaction Key)")
        if len(config.secret_text("transaction_key").strip()) > 16:
            # The XSD's limit; Authorize.Net's keys have 16 characters.
            raise ValueError("connection_params.transaction_key is at most 16 characters")
        signature = params.get("signature_key")
        return cls(
            api_login_id=login.strip(),
            transaction_key=SecretStr(config.secret_text("transaction_key").strip()),
            endpoint=_endpoint(params),
            timeouts=Timeouts.from_params(params),
            pool_size=_integer(params, "pool_size", 10, low=1, high=1000),
            duplicate_window=_integer(
                params,
                "duplicate_window",
                DEFAULT_DUPLICATE_WINDOW,
                low=0,
                high=MAX_DUPLICATE_WINDOW,
            ),
            signature_key=None
            if signature is None
            else SecretStr(config.secret_text("signature_key")),
        )

    def authentication(self) -> dict[str, str]:
        """``merchantAuthentication`` (name, then transactionKey: XSD order)."""
        return {
            "name": self.api_login_id,
            "transactionKey": self.transaction_key.get_secret_value(),
        }


def _endpoint(params: Mapping[str, Any]) -> str:
    # ``endpoint`` is the whole URL; ``base_url`` a host root, as other gateways take it.
    if "endpoint" in params and "base_url" in params:
        raise ValueError("connection_params.endpoint and .base_url: give one of them, not both")
    if "base_url" in params:
        url = _url(params, "base_url").rstrip("/") + API_PATH
    else:
        url = _url(params, "endpoint") if "endpoint" in params else SANDBOX_ENDPOINT
    return url


def _url(params: Mapping[str, Any], name: str) -> str:
    return check_base_url(params[name], f"connection_params.{name}")


def _integer(params: Mapping[str, Any], name: str, default: int, *, low: int, high: int) -> int:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"connection_params.{name} must be a whole number")
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"connection_params.{name} must be a whole number") from None
    if not low <= number <= high:
        raise ValueError(f"connection_params.{name} must be between {low} and {high}")
    return number
