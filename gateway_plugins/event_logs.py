"""Durable event logs: which PSP events were applied, kept across restarts and processes.

:class:`SqliteEventLog` keeps the :class:`~gateway_plugins.notifications.EventLog`
in one SQLite file, with the standard library's ``sqlite3``: every process and
thread of the host that opens the same file shares it. A PostgreSQL log would
use the same table and statements.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from datetime import timedelta
from pathlib import Path

from .notifications import REPLAY_WINDOW, Claim

_SCHEMA = """
CREATE TABLE IF NOT EXISTS notification_events (
    key TEXT PRIMARY KEY,
    owner TEXT,          -- the claiming delivery; NULL once the event is processed
    until REAL NOT NULL  -- a claim: when its lease ends; processed: when (Unix seconds)
) WITHOUT ROWID
"""

# A free key, or one whose lease ran out, goes to the new owner; a processed one never does.
_CLAIM = """
INSERT INTO notification_events (key, owner, until) VALUES (:key, :owner, :until)
ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, until = excluded.until
WHERE notification_events.owner IS NOT NULL AND notification_events.until <= :now
"""
_HELD = "SELECT owner FROM notification_events WHERE key = :key"
_COMPLETE = """
INSERT INTO notification_events (key, owner, until) VALUES (:key, NULL, :now)
ON CONFLICT (key) DO UPDATE SET owner = NULL, until = excluded.until
"""
_RELEASE = "DELETE FROM notification_events WHERE key = :key AND owner = :owner"
# Processed keys past the retention, and claims whose lease ran out (free anyway).
_PRUNE = """
DELETE FROM notification_events
WHERE (owner IS NULL AND until < :forget_before) OR (owner IS NOT NULL AND until <= :now)
"""


class SqliteEventLog:
    """An :class:`~gateway_plugins.notifications.EventLog` in the SQLite file at ``path``.

    The file is created if missing, in WAL mode so that readers never wait for
    the writer. Each statement is one transaction, so two threads or two
    processes claiming one event cannot both get it; a writer busy elsewhere is
    waited for up to ``busy_timeout`` seconds. Processed keys are kept for
    ``retention`` (at least the manager's replay window, so that a replay
    inside the window is still recognised) and pruned about every
    ``prune_every`` seconds, by the process that writes then.

    Safe to share between threads; a process that forks gets its own
    connection. Needs the local file system: SQLite's locks do not work over
    NFS.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        retention: timedelta = REPLAY_WINDOW,
        busy_timeout: float = 10.0,
        prune_every: float = 3600.0,
    ) -> None:
        if not isinstance(retention, timedelta) or retention <= timedelta(0):
            raise ValueError("retention must be a positive timedelta")
        if not busy_timeout > 0:
            raise ValueError("busy_timeout must be more than 0 seconds")
        self.path = Path(path)
        self.retention = retention
        self.busy_timeout = float(busy_timeout)
        self.prune_every = float(prune_every)
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self._pruned_at = 0.0
        with self._lock:
            self._connect()

    def claim(self, key: str, owner: str, lease: float) -> Claim:
        now = time.time()
        with self._lock:
            connection = self._connect()
            claimed = connection.execute(
                _CLAIM, {"key": key, "owner": owner, "until": now + lease, "now": now}
            ).rowcount
            if claimed == 1:
                return Claim.CLAIMED
            row = connection.execute(_HELD, {"key": key}).fetchone()
        # No row: its holder released it in between; the PSP's next delivery will claim it.
        return Claim.PROCESSED if row is not None and row[0] is None else Claim.IN_PROGRESS

    def complete(self, key: str) -> None:
        now = time.time()
        with self._lock:
            connection = self._connect()
            connection.execute(_COMPLETE, {"key": key, "now": now})
            if now - self._pruned_at >= self.prune_every:
                self._pruned_at = now
                self._prune(connection, now)

    def release(self, key: str, owner: str) -> None:
        with self._lock:
            self._connect().execute(_RELEASE, {"key": key, "owner": owner})

    def prune(self) -> int:
        """Forget processed keys older than the retention now; the number of rows removed."""
        with self._lock:
            return self._prune(self._connect(), time.time())

    def close(self) -> None:
        """Close this process's connection (the next call opens another)."""
        with self._lock:
            if self._connection is not None and self._pid == os.getpid():
                self._connection.close()
            self._connection = None

    def __repr__(self) -> str:
        return f"SqliteEventLog({str(self.path)!r}, retention={self.retention!r})"

    def _prune(self, connection: sqlite3.Connection, now: float) -> int:
        forget_before = now - self.retention.total_seconds()
        cursor = connection.execute(_PRUNE, {"forget_before": forget_before, "now": now})
        return cursor.rowcount

    def _connect(self) -> sqlite3.Connection:
        """This process's connection, opened (and the table created) on first use."""
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        # A connection inherited through fork() belongs to the parent: never use it.
        connection = sqlite3.connect(
            self.path,
            timeout=self.busy_timeout,
            isolation_level=None,  # autocommit: each statement is its own transaction
            check_same_thread=False,  # shared under self._lock
        )
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(_SCHEMA)
        except BaseException:
            connection.close()
            raise
        self._connection, self._pid = connection, os.getpid()
        return connection


__all__ = ["SqliteEventLog"]
