"""Stripe's idempotency layer (Stripe docs: idempotent requests; psp-reference §3.1).

- The first request with an ``Idempotency-Key`` runs; its status and body are
  saved, success or failure alike (500s included).
- Same key, same endpoint and same params: the saved reply comes back with
  ``Idempotent-Replayed: true`` and nothing runs again.
- Same key with other params, or on another endpoint: 400 ``idempotency_error``.
- Same key while the first request still runs: 409 ``idempotency_key_in_use``.
- Nothing is saved when the params failed validation (no endpoint began to
  run): the key stays free.

Keys are scoped per API key. The fake keeps them forever (Stripe: at least 24 h).
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from typing import Any

from .objects import Reply
from .wire import ApiError

MAX_KEY_LENGTH = 255


@dataclass
class _Record:
    endpoint: str
    params: dict[str, Any]
    request_id: str
    reply: Reply | None = None  # None while the first request is in flight


class IdempotencyStore:
    """Claims keys before a request runs and keeps the replies worth replaying."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: dict[tuple[str, str], _Record] = {}

    def begin(
        self,
        api_key: str,
        key: str,
        endpoint: str,
        params: dict[str, Any],
        request_id: str,
    ) -> Reply | None:
        """Claim ``key`` and return ``None`` (run the request), or the reply to send instead."""
        if len(key) > MAX_KEY_LENGTH:
            return _error(
                ApiError(
                    400,
                    "invalid_request_error",
                    f"Invalid Idempotency-Key: keys may be at most {MAX_KEY_LENGTH} characters"
                    f" long, this one has {len(key)}.",
                    stored=False,
                )
            )
        with self._lock:
            record = self._records.get((api_key, key))
            if record is None:
                self._records[(api_key, key)] = _Record(endpoint, params, request_id)
                return None
        if record.reply is None:
            return _error(
                ApiError(
                    409,
                    "invalid_request_error",
                    "There is currently another in-progress request using this Idempotent Key"
                    " (that probably means you submitted twice, and the other request is still"
                    f" going through): {key}. Please try again later.",
                    code="idempotency_key_in_use",
                    headers={"Stripe-Should-Retry": "true"},
                )
            )
        if record.endpoint != endpoint:
            return _error(
                ApiError(
                    400,
                    "idempotency_error",
                    "Keys for idempotent requests can only be used for the same endpoint they"
                    f" were first used for ('{endpoint}' vs '{record.endpoint}'). Try using a"
                    f" key other than '{key}' if you meant to execute a different request.",
                )
            )
        if record.params != params:
            return _error(
                ApiError(
                    400,
                    "idempotency_error",
                    "Keys for idempotent requests can only be used with the same parameters"
                    f" they were first used with. Try using a key other than '{key}' if you"
                    " meant to execute a different request.",
                )
            )
        replay = record.reply
        headers = {**replay.headers, "Idempotent-Replayed": "true"}
        headers["Original-Request"] = record.request_id
        return Reply(replay.status, replay.body, headers, stored=True)

    def finish(self, api_key: str, key: str, reply: Reply) -> None:
        """Save ``reply`` for replays, or free the key when Stripe would not save it."""
        with self._lock:
            if reply.stored:
                # A snapshot: later changes to the objects must not leak into replays.
                snapshot = Reply(reply.status, copy.deepcopy(reply.body), dict(reply.headers))
                self._records[(api_key, key)].reply = snapshot
            else:
                del self._records[(api_key, key)]

    def in_flight(self, api_key: str, key: str) -> bool:
        with self._lock:
            record = self._records.get((api_key, key))
            return record is not None and record.reply is None


def _error(error: ApiError) -> Reply:
    """A refusal by the idempotency layer itself: never saved."""
    return Reply(error.status, error.body(), error.headers, stored=False)
