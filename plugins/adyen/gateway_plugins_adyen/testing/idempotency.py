"""Adyen's idempotency layer as the fake models it (Adyen docs: API idempotency).

- ``Idempotency-Key`` (at most 64 characters) on a POST: the first request runs
  and its reply is kept; the same key with the same endpoint and body (compared
  as JSON, so key order and spacing do not matter) gets the kept reply again,
  and nothing runs twice.
- The same key with another endpoint or body, or while the first request is
  still running: HTTP 422, ``errorCode`` ``704`` "request already processed or
  in progress", and nothing runs. Adyen's docs do not say what a key reused on
  another request gets; 704 is what integrations report for a repeated key
  (odoo/odoo#287020, Adyen/adyen-magento2#2211), and Adyen/adyen-magento2#537
  saw the first reply replayed instead. Either way the second request is never
  carried out, which is what the fake enforces.
- Not kept: replies to requests refused before an endpoint ran (unreadable or
  off-spec bodies, bad credentials) and 5xx replies; the key stays usable.

Keys are scoped per API key and never expire in the fake (Adyen: at least 31 days).
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from typing import Any

from .wire import Reply, ServiceError

MAX_KEY_LENGTH = 64


@dataclass
class _Record:
    endpoint: str
    body: Any
    reply: Reply | None = None  # None while the first request runs


class IdempotencyStore:
    """Claims keys before a request runs and keeps the replies worth replaying."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: dict[tuple[str, str], _Record] = {}

    def begin(self, scope: str, key: str, endpoint: str, body: Any) -> Reply | None:
        """Claim ``key``: ``None`` means run the request; otherwise send this reply instead."""
        if len(key) > MAX_KEY_LENGTH:
            error = ServiceError(
                422,
                "702",
                f"Idempotency-Key is longer than {MAX_KEY_LENGTH} characters",
                stored=False,
            )
            return error.reply()
        with self._lock:
            record = self._records.get((scope, key))
            if record is None:
                self._records[(scope, key)] = _Record(endpoint, copy.deepcopy(body))
                return None
        if record.reply is None or record.endpoint != endpoint or record.body != body:
            error = ServiceError(
                422, "704", "request already processed or in progress", stored=False
            )
            return error.reply()
        kept = record.reply
        return Reply(kept.status, copy.deepcopy(kept.body), dict(kept.headers), stored=True)

    def finish(self, scope: str, key: str, reply: Reply) -> None:
        """Keep ``reply`` for replays, or free the key when Adyen would not keep it."""
        with self._lock:
            if reply.stored and reply.status < 500:
                snapshot = Reply(reply.status, copy.deepcopy(reply.body), dict(reply.headers))
                self._records[(scope, key)].reply = snapshot
            else:
                del self._records[(scope, key)]

    def in_flight(self, scope: str, key: str) -> bool:
        with self._lock:
            record = self._records.get((scope, key))
            return record is not None and record.reply is None
