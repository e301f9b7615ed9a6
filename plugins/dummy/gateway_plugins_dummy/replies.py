"""The dummy PSP's idempotency: the first reply to each request, replayed to its retries.

Replies are keyed by :func:`gateway_plugins.idempotency.operation_key`, the key a
real plugin sends its PSP: the host's key mixed with the operation, the
transaction, the amount and the currency. So a capture copied from the
authorization's ``PaymentData`` is a new request, while a retry of the same
request gets the first reply again and changes nothing. The key says nothing of
the card or ``data``: the same key with another card is refused
(:class:`KeyReused`), as Stripe refuses a key reused with other parameters.

The store keeps the last ``limit`` replies (see :mod:`.bounded`): a retry
arriving after that many newer requests runs again, as a retry after a PSP's
idempotency window does (Stripe keeps keys for 24 hours).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from gateway_plugins import GatewayResponse, PaymentData

from .bounded import DEFAULT_MAX_RECORDS, Recent


class KeyReused(Exception):
    """The key came before with another request; nothing ran."""


def request_digest(payment: PaymentData) -> int:
    """What the operation key does not cover (the card, ``data``), as a hash: no card
    number is kept in memory for it. Python's hash is the same only within one
    process, which is all the store lives in."""
    return hash((payment.token, repr(payment.data)))


class Replies:
    """The first reply to each request, by operation key; the last ``limit`` of them."""

    def __init__(self, limit: int = DEFAULT_MAX_RECORDS) -> None:
        # One lock spans check, run and store, so two concurrent calls with one key
        # cannot both charge.
        self._lock = threading.Lock()
        self._replies: Recent[str, tuple[int, GatewayResponse]] = Recent(limit)

    def __len__(self) -> int:
        """How many replies the store holds."""
        with self._lock:
            return len(self._replies)

    def resize(self, limit: int) -> None:
        """Keep the last ``limit`` replies, forgetting older ones now."""
        with self._lock:
            self._replies.resize(limit)

    def once(
        self, key: str, payment: PaymentData, run: Callable[[], GatewayResponse]
    ) -> GatewayResponse:
        """``run()``'s reply the first time ``key`` comes; that reply again for a retry.

        Raises :class:`KeyReused`, running nothing, when ``key`` came before with
        another card or ``data``.
        """
        digest = request_digest(payment)
        with self._lock:
            seen = self._replies.get(key)
            if seen is not None:
                if seen[0] != digest:
                    raise KeyReused(key)
                return seen[1]
            response = run()
            self._replies[key] = (digest, response)
            return response
