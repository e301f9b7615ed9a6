"""Standard webhooks as Adyen sends them, signed with the fake's own HMAC code.

This signer is written apart from the plugin's verifier on purpose: the tests
pass only if two implementations of Adyen's algorithm agree (psp-reference §4.6).
Each item is signed on its own: HMAC-SHA256, keyed with the hex key decoded to
bytes, over ``pspReference:originalReference:merchantAccountCode:merchantReference:
value:currency:eventCode:success`` (missing fields empty, nothing escaped), base64.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


def signing_text(item: dict[str, Any]) -> str:
    """The text Adyen signs for one ``NotificationRequestItem``."""
    amount = item.get("amount") or {}
    values = [
        item.get("pspReference"),
        item.get("originalReference"),
        item.get("merchantAccountCode"),
        item.get("merchantReference"),
        amount.get("value"),
        amount.get("currency"),
        item.get("eventCode"),
        item.get("success"),
    ]
    return ":".join("" if value is None else f"{value}" for value in values)


def hmac_signature(item: dict[str, Any], hex_key: str) -> str:
    """``additionalData.hmacSignature`` for ``item`` under the Customer Area's hex key."""
    mac = hmac.HMAC(binascii.unhexlify(hex_key), digestmod="sha256")
    mac.update(signing_text(item).encode("utf-8"))
    return base64.standard_b64encode(mac.digest()).decode("ascii")


def signed(item: dict[str, Any], hex_key: str) -> dict[str, Any]:
    """A copy of ``item`` carrying its signature."""
    item = copy.deepcopy(item)
    item.setdefault("additionalData", {})["hmacSignature"] = hmac_signature(item, hex_key)
    return item


def body_of(items: list[dict[str, Any]]) -> bytes:
    """A JSON webhook body holding ``items`` (Adyen sends one per body; tests may send more)."""
    document = {
        "live": "false",
        "notificationItems": [{"NotificationRequestItem": item} for item in items],
    }
    return json.dumps(document, indent=2).encode("utf-8")


@dataclass(frozen=True)
class Webhook:
    """One delivery: the HTTP headers and body the host's endpoint receives."""

    headers: dict[str, str]
    body: bytes

    @property
    def items(self) -> list[dict[str, Any]]:
        document = json.loads(self.body)
        return [entry["NotificationRequestItem"] for entry in document["notificationItems"]]

    @property
    def event_code(self) -> str:
        return str(self.items[0]["eventCode"])

    def __iter__(self) -> Iterator[Any]:
        # ``headers, body = webhook``: what ``manager.handle_notification`` takes.
        return iter((self.headers, self.body))


class Outbox:
    """Webhooks waiting for the test to deliver them, oldest first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[Webhook] = []

    def post(self, item: dict[str, Any], hex_key: str) -> Webhook:
        webhook = Webhook(
            {"content-type": "application/json", "user-agent": "Adyen HttpClient 1.0"},
            body_of([signed(item, hex_key)]),
        )
        with self._lock:
            self._waiting.append(webhook)
        return webhook

    def take(self) -> list[Webhook]:
        with self._lock:
            waiting, self._waiting = self._waiting, []
        return waiting

    def peek(self) -> list[Webhook]:
        with self._lock:
            return list(self._waiting)
