"""Stripe's events and their signed webhook deliveries, as the fake sends them.

An event (API version 2020-08-27) wraps a snapshot of the object that changed::

    {"id": "evt_…", "object": "event", "api_version": "2020-08-27", "created": 1700000000,
     "data": {"object": {…}}, "livemode": false, "pending_webhooks": 1,
     "request": {"id": "req_…", "idempotency_key": "…"}, "type": "payment_intent.succeeded"}

Each delivery is signed (psp-reference §3.7): ``Stripe-Signature:
t=<unix>,v1=<hex>`` with one ``v1`` per signing secret (two while a secret is
rolled), plus a ``v0`` as Stripe adds in test mode, which does not verify.
This signer is written apart from the plugin's verifier on purpose: a shared
mistake would otherwise pass both.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .fields import complete
from .objects import new_id
from .wire import API_VERSION

#: What Stripe's webhook requests carry besides the signature.
DELIVERY_HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
    "Cache-Control": "no-cache",
    "Accept": "*/*; q=0.5, application/xml",
}


def v1_signature(secret: str, timestamp: int, payload: bytes) -> str:
    """Stripe's ``v1``: hex HMAC-SHA256 over ``"<timestamp>.<payload>"``, keyed with ``secret``.

    The key is the secret's text itself (``whsec_`` and all), as UTF-8 bytes.
    """
    signed_text = str(timestamp) + "." + payload.decode("utf-8")
    mac = hmac.new(bytes(secret, "utf-8"), digestmod=hashlib.sha256)
    mac.update(bytes(signed_text, "utf-8"))
    return mac.hexdigest()


def signature_header(signing_secrets: Sequence[str], timestamp: int, payload: bytes) -> str:
    """The ``Stripe-Signature`` value: ``t``, a ``v1`` per secret, and a test-mode ``v0``."""
    parts = [f"t={timestamp}"]
    parts += [f"v1={v1_signature(secret, timestamp, payload)}" for secret in signing_secrets]
    # Test-mode deliveries also carry a v0 under a key the endpoint never sees.
    parts.append(f"v0={v1_signature('whsec_v0_' + secrets.token_hex(8), timestamp, payload)}")
    return ",".join(parts)


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(24)


def event_json(
    event_type: str, obj: dict[str, Any], created: int, request: dict[str, Any] | None
) -> dict[str, Any]:
    """An event around ``obj``; ``request`` is the API request that caused it (``None``: none)."""
    return complete(
        "event",
        {
            "id": new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": created,
            "data": complete("notification_event_data", {"object": obj}),
            "livemode": False,
            "pending_webhooks": 1,
            "request": complete("notification_event_request", request or {}),
            "type": event_type,
        },
    )


def encode(event: dict[str, Any]) -> bytes:
    """Stripe's body: pretty-printed JSON in UTF-8, so a re-serialised body would not verify."""
    return json.dumps(event, indent=2, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class Webhook:
    """One delivery: the HTTP headers and body the host's endpoint receives."""

    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)  # type: ignore[no-any-return]

    @property
    def type(self) -> str:
        return str(self.event["type"])

    @property
    def object(self) -> dict[str, Any]:
        """The event's ``data.object``."""
        return self.event["data"]["object"]  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[Any]:
        # ``headers, body = webhook``: what ``manager.handle_notification`` takes.
        return iter((self.headers, self.body))


class Outbox:
    """Webhooks waiting for the test to deliver them, oldest first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[Webhook] = []

    def put(self, webhook: Webhook) -> None:
        with self._lock:
            self._waiting.append(webhook)

    def take(self, event_type: str | None = None) -> list[Webhook]:
        """Remove and return the waiting webhooks (only those of ``event_type`` if given)."""
        taken: list[Webhook] = []
        kept: list[Webhook] = []
        with self._lock:
            for webhook in self._waiting:
                (taken if event_type in (None, webhook.type) else kept).append(webhook)
            self._waiting = kept
        return taken

    def peek(self) -> list[Webhook]:
        with self._lock:
            return list(self._waiting)
