"""What really happened at a fake PSP, for tests to assert on: "charged exactly once"."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Generic, TypeVar

EntryT = TypeVar("EntryT")


class Ledger(Generic[EntryT]):
    """Append-only record of a fake PSP's state changes, and of its idempotency keys.

    A fake subclasses it with its own entry type and the questions its tests
    ask (``charges()``, ``captured(payment)`` …). For a PSP with idempotency
    keys the fake counts, per key, the requests that reached their endpoint
    (:meth:`count_execution`) and the stored replies it replayed
    (:meth:`count_replay`): after a dropped reply and a retry with the same
    key, ``executions(key) == 1`` and ``replays(key) == 1``, and a replay adds
    no entry.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[EntryT] = []
        self._executions: Counter[str] = Counter()
        self._replays: Counter[str] = Counter()

    def record(self, entry: EntryT) -> None:
        with self._lock:
            self._entries.append(entry)

    @property
    def entries(self) -> list[EntryT]:
        """Every entry, oldest first (a copy)."""
        with self._lock:
            return list(self._entries)

    def count_execution(self, idempotency_key: str) -> None:
        with self._lock:
            self._executions[idempotency_key] += 1

    def count_replay(self, idempotency_key: str) -> None:
        with self._lock:
            self._replays[idempotency_key] += 1

    def executions(self, idempotency_key: str) -> int:
        """How often a request with this key reached its endpoint."""
        with self._lock:
            return self._executions[idempotency_key]

    def replays(self, idempotency_key: str) -> int:
        """How often a stored reply was replayed for this key."""
        with self._lock:
            return self._replays[idempotency_key]
