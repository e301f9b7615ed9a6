"""The connection settings every HTTP gateway shares, checked by one set of rules.

A plugin reads its ``connection_params`` with :func:`check_base_url` and
:meth:`Timeouts.from_params`, so that ``configure_gateway`` refuses a bad
value at once, with a ``ValueError`` naming the parameter and the rule (never
the value: it may hold a key), instead of a payment failing later with "outcome
unknown" although nothing was sent.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from pydantic import SecretStr

#: The longest any timeout may be. A payment call that holds a host's thread
#: longer than five minutes is a fault, whatever the PSP is doing.
MAX_TIMEOUT = 300.0

#: Hosts that may be reached over plain ``http://``: this machine only (fake PSPs in tests).
LOOPBACK_NAMES = frozenset({"localhost"})


def check_seconds(value: object, field: str, *, maximum: float = MAX_TIMEOUT) -> float:
    """``value`` as a number of seconds: finite, more than 0 and at most ``maximum``.

    Numbers and numeric strings are taken (configuration often arrives as
    text); ``ValueError`` naming ``field`` otherwise.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(f"{field} must be a number of seconds")
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"{field} must be a number of seconds") from None
    if not math.isfinite(seconds):
        raise ValueError(f"{field} must be a finite number of seconds")
    if seconds <= 0:
        raise ValueError(f"{field} must be more than 0 seconds")
    if seconds > maximum:
        raise ValueError(f"{field} must be at most {maximum:g} seconds")
    return seconds


def check_base_url(value: object, field: str) -> str:
    """``value`` if it is a URL the toolkit may send payments to; ``ValueError`` otherwise.

    The rules: ``https://`` and a host, or ``http://`` to a loopback host
    (127.0.0.0/8, ``::1``, ``localhost``: fake PSPs in tests); no user
    information (``user:password@``: credentials are connection parameters of
    their own, and a URL ends up in logs); no query or fragment (paths are
    appended); no spaces or control characters. ``field`` names the parameter.
    """
    if isinstance(value, SecretStr):  # GatewayConfig hides a URL with credentials in it
        value = value.get_secret_value()
    if not isinstance(value, str) or not value:
        raise ValueError(f"{field} must be an https:// URL")
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in value):
        raise ValueError(f"{field} must not contain spaces or control characters")
    try:
        parts = urlsplit(value)
    except ValueError:  # an unclosed "[" of an IPv6 address
        raise ValueError(f"{field} must be an https:// URL with a host") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not parts.netloc:
        raise ValueError(f"{field} must be an https:// URL with a host")
    if "@" in parts.netloc:
        raise ValueError(
            f"{field} must not contain user information (user:password@); "
            "give credentials as their own connection parameters"
        )
    if not parts.hostname:
        raise ValueError(f"{field} must name a host")
    try:
        parts.port  # noqa: B018 (parsing the port is the check)
    except ValueError:
        raise ValueError(f"{field} must have a port number from 0 to 65535") from None
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        raise ValueError(f"{field} must not have a query or fragment: paths are appended to it")
    if scheme == "http" and not is_loopback(parts.hostname):
        raise ValueError(
            f"{field} must use https:// (http:// only for loopback hosts: "
            "127.0.0.0/8, ::1, localhost)"
        )
    return value


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ``::1``)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for a connection, for each read of the reply, and for the whole call.

    The read timeout is generous because a card authorization may wait on the
    issuer; the connect timeout is short because nothing is sent before it.
    ``total`` bounds everything one :meth:`HttpClient.send
    <gateway_plugins.http.HttpClient.send>` does: connecting, every try, the
    waits between tries and reading the whole reply, however slowly it comes.
    Each is finite, more than 0 and at most :data:`MAX_TIMEOUT`. A connect or
    read timeout longer than ``total`` never fires: the total comes first.
    """

    connect: float = 3.05
    read: float = 30.0
    total: float = 60.0

    def __post_init__(self) -> None:
        for name in ("connect", "read", "total"):
            object.__setattr__(self, name, check_seconds(getattr(self, name), f"Timeouts.{name}"))

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Timeouts:
        """Read ``connect_timeout``, ``read_timeout`` and ``total_timeout`` from a gateway's
        ``connection_params`` (each optional); ``ValueError`` names the parameter."""

        def seconds(name: str, default: float) -> float:
            return check_seconds(params.get(name, default), f"connection_params.{name}")

        return cls(
            connect=seconds("connect_timeout", cls.connect),
            read=seconds("read_timeout", cls.read),
            total=seconds("total_timeout", cls.total),
        )


__all__ = ["MAX_TIMEOUT", "Timeouts", "check_base_url", "check_seconds", "is_loopback"]
