"""How one gateway is configured: :class:`GatewayConfig`."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from .amounts import check_currency
from .fields import Name
from .models import _check_free_form, _Model
from .secret_params import SecretValue, hide_secrets, plain, secret_values


class GatewayConfig(_Model):
    """How one gateway is configured.

    ``supported_currencies`` accepts a list or Saleor's comma-separated string
    (``"USD, PLN"``); it may not be empty, since a gateway with no currency can
    take no payment. Values in ``connection_params`` whose key names a secret
    (``api_key``, ``secret_key``, ``password``, ``hmac_key``, ``bearer`` …), at
    any depth and of any type, are wrapped in ``SecretStr``, ``SecretBytes`` or
    ``Secret`` (see :mod:`gateway_plugins.secret_params`), and so is a URL with
    credentials in it (``https://user:pw@host``) under any key; pass a
    ``SecretStr`` yourself for any other key. Secrets show as ``**********`` in
    ``repr``, ``str`` and JSON; read one with :meth:`secret` or
    :meth:`secret_text`.
    """

    gateway_name: Name
    auto_capture: bool = True
    supported_currencies: tuple[str, ...]
    connection_params: dict[str, Any] = Field(default_factory=dict)
    store_customer: bool = False
    require_3d_secure: bool = False
    active: bool = True

    @field_validator("supported_currencies", mode="before")
    @classmethod
    def _split_currencies(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part for part in value.split(",") if part.strip()]
        if isinstance(value, list | tuple | set | frozenset):
            codes = tuple(dict.fromkeys(check_currency(code) for code in value))
            if not codes:
                raise ValueError("must name at least one ISO 4217 currency")
            return codes
        return value

    _check_free_form = field_validator("connection_params", mode="before")(_check_free_form)

    @field_validator("connection_params", mode="after")
    @classmethod
    def _hide_secrets(cls, value: dict[str, Any]) -> dict[str, Any]:
        return hide_secrets(value)

    def secret(self, name: str) -> SecretValue:
        """The plain value of connection parameter ``name``, hidden or not (``KeyError`` if absent).

        Text for a ``str`` or a number, ``bytes`` for bytes, a tuple for a list
        or tuple (e.g. rotated webhook secrets), a dict for a dict.
        """
        return plain(self.connection_params[name])

    def secret_text(self, name: str) -> str:
        """:meth:`secret` as text (``bytes`` decoded as UTF-8).

        ``KeyError`` if absent; ``ValueError`` naming the parameter, never its
        value, if it is a list, a dict or bytes that are not UTF-8.
        """
        value = self.secret(name)
        if isinstance(value, bytes):
            try:
                return value.decode("utf-8")
            except UnicodeDecodeError:
                raise ValueError(f"connection_params.{name} must be UTF-8 text") from None
        if not isinstance(value, str):
            raise ValueError(f"connection_params.{name} must be text, not a {type(value).__name__}")
        return value

    def secret_values(self) -> list[str]:
        """Every secret value as text (lists flattened, bytes decoded), for scrubbers."""
        return secret_values(self.connection_params)


__all__ = ["GatewayConfig"]
