"""The HMAC signature of one standard notification item (psp-reference §4.6).

Adyen signs each ``NotificationRequestItem`` on its own: HMAC-SHA256 over eight
fields joined by ``:`` (a missing one is the empty string, nothing is escaped),
with the hex key from the Customer Area decoded to bytes, base64-encoded into
``additionalData.hmacSignature``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

#: The signed fields, in order; a pair means a field of a nested object.
SIGNED_FIELDS: tuple[str | tuple[str, str], ...] = (
    "pspReference",
    "originalReference",
    "merchantAccountCode",
    "merchantReference",
    ("amount", "value"),
    ("amount", "currency"),
    "eventCode",
    "success",
)


class UnsignableItem(ValueError):
    """A signed field holds something Adyen never sends (a boolean, an object …)."""


def signing_string(item: Mapping[str, Any]) -> str:
    """The text Adyen signs for ``item``.

    For example ``"QFQTPCQ8HXSKGK82::MyMerchant:order-1:1130:EUR:AUTHORISATION:true"``.
    """
    return ":".join(_field(item, name) for name in SIGNED_FIELDS)


def sign(item: Mapping[str, Any], key: bytes) -> str:
    """The base64 HMAC-SHA256 of ``item``'s signing string under ``key``."""
    digest = hmac.new(key, signing_string(item).encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def is_signed(item: Mapping[str, Any], key: bytes) -> bool:
    """Whether ``item`` carries a valid ``additionalData.hmacSignature`` for ``key``.

    ``UnsignableItem`` when a signed field has a type Adyen never sends.
    """
    additional = item.get("additionalData")
    given = additional.get("hmacSignature") if isinstance(additional, Mapping) else None
    if not isinstance(given, str) or not given:
        return False
    # Compared as bytes: compare_digest refuses non-ASCII text, which a forger may send.
    return hmac.compare_digest(sign(item, key).encode("ascii"), given.encode("utf-8"))


def _field(item: Mapping[str, Any], name: str | tuple[str, str]) -> str:
    if isinstance(name, tuple):
        parent, child = name
        container = item.get(parent)
        if container is None:
            return ""
        if not isinstance(container, Mapping):
            raise UnsignableItem(f"{parent} must be an object")
        value = container.get(child)
        label = f"{parent}.{child}"
    else:
        value, label = item.get(name), name
    if value is None:
        return ""
    # ``success`` is the string "true"/"false": str(True) would be "True".
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise UnsignableItem(f"{label} must be a string")
    return str(value)
