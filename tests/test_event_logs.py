"""The SQLite event log: durable across restarts, shared by threads and processes, pruned."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from gateway_plugins import Claim, SqliteEventLog


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "events.sqlite3"


def test_a_key_goes_from_free_to_claimed_to_processed(path: Path) -> None:
    log = SqliteEventLog(path)

    assert log.claim("adyen:e1", "delivery-1", 60) is Claim.CLAIMED
    assert log.claim("adyen:e1", "delivery-2", 60) is Claim.IN_PROGRESS
    log.complete("adyen:e1")

    assert log.claim("adyen:e1", "delivery-3", 60) is Claim.PROCESSED


def test_a_released_key_is_free_again_but_only_its_owner_releases_it(path: Path) -> None:
    log = SqliteEventLog(path)
    log.claim("k", "first", 60)

    log.release("k", "someone-else")
    assert log.claim("k", "second", 60) is Claim.IN_PROGRESS
    log.release("k", "first")

    assert log.claim("k", "second", 60) is Claim.CLAIMED


def test_a_claim_whose_lease_ran_out_goes_to_the_next_delivery(path: Path) -> None:
    log = SqliteEventLog(path)
    log.claim("k", "crashed", 0.05)
    time.sleep(0.1)

    assert log.claim("k", "next", 60) is Claim.CLAIMED
    log.release("k", "crashed")  # the late one's release leaves the new claim alone
    assert log.claim("k", "third", 60) is Claim.IN_PROGRESS


def test_processed_keys_survive_a_restart(path: Path) -> None:
    log = SqliteEventLog(path)
    log.claim("k", "o", 60)
    log.complete("k")
    log.close()

    assert SqliteEventLog(path).claim("k", "o2", 60) is Claim.PROCESSED
    journal = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert journal == "wal"


def test_keys_older_than_the_retention_are_pruned(path: Path) -> None:
    log = SqliteEventLog(path, retention=timedelta(seconds=0.05))
    for key in ("old", "claimed-and-lapsed"):
        log.claim(key, "o", 0.01)
    log.complete("old")
    time.sleep(0.1)
    log.claim("kept", "o", 60)
    log.complete("kept")

    assert log.prune() == 2
    assert log.claim("old", "o", 60) is Claim.CLAIMED
    assert log.claim("kept", "o", 60) is Claim.PROCESSED


def test_completing_prunes_now_and_then(path: Path) -> None:
    log = SqliteEventLog(path, retention=timedelta(seconds=0.05), prune_every=0.0)
    log.complete("old")
    time.sleep(0.1)

    log.complete("new")  # prunes on the way

    rows = sqlite3.connect(path).execute("SELECT key FROM notification_events").fetchall()
    assert rows == [("new",)]


def test_bad_settings_are_refused(path: Path) -> None:
    with pytest.raises(ValueError, match="retention"):
        SqliteEventLog(path, retention=timedelta(0))
    with pytest.raises(ValueError, match="busy_timeout"):
        SqliteEventLog(path, busy_timeout=0)


def test_threads_sharing_one_log_never_both_claim_a_key(path: Path) -> None:
    log = SqliteEventLog(path)
    won: list[tuple[str, str]] = []
    barrier = threading.Barrier(6)

    def deliver(owner: str) -> None:
        barrier.wait()
        for number in range(50):
            key = f"k{number}"
            if log.claim(key, owner, 60) is Claim.CLAIMED:
                won.append((key, owner))
                log.complete(key)

    threads = [threading.Thread(target=deliver, args=(f"t{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(key for key, _ in won) == sorted(f"k{n}" for n in range(50))


# Claims every key it can, in an order of its own, from the same start time as its twin,
# pausing between keys so that the two runs overlap even on a busy machine.
_WORKER = textwrap.dedent(
    """
    import json, random, sys, time
    from gateway_plugins import Claim, SqliteEventLog

    path, owner, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
    log = SqliteEventLog(path)
    keys = [f"stripe:evt_{number}" for number in range(300)]
    random.Random(owner).shuffle(keys)
    time.sleep(max(0.0, start - time.time()))
    won = []
    for key in keys:
        if log.claim(key, owner, 60) is Claim.CLAIMED:
            won.append(key)
            log.complete(key)
        time.sleep(0.002)
    print(json.dumps(won))
    """
)


def test_two_processes_never_both_claim_a_key(path: Path) -> None:
    SqliteEventLog(path)  # the file and table exist before the race
    start = time.time() + 1.5  # both interpreters are up by then
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(path), owner, str(start)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for owner in ("process-a", "process-b")
    ]
    outputs = [worker.communicate(timeout=60)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0]
    a, b = (set(json.loads(output)) for output in outputs)

    assert not a & b, "an event was claimed by both processes"
    assert a | b == {f"stripe:evt_{n}" for n in range(300)}
    # Both took part: the test would prove nothing if one ran after the other.
    assert a and b


def test_a_connection_is_not_shared_across_fork(path: Path) -> None:
    log = SqliteEventLog(path)
    log.claim("k", "parent", 60)
    script = textwrap.dedent(
        """
        import os, sys
        from gateway_plugins import Claim, SqliteEventLog
        log = SqliteEventLog(sys.argv[1])
        log.claim("before", "parent", 60)
        pid = os.fork()
        if pid == 0:
            ok = log.claim("child", "child", 60) is Claim.CLAIMED
            os._exit(0 if ok else 1)
        _, status = os.waitpid(pid, 0)
        sys.exit(os.waitstatus_to_exitcode(status))
        """
    )

    done = subprocess.run([sys.executable, "-c", script, str(path)], timeout=60, check=False)

    assert done.returncode == 0
    assert log.claim("child", "parent", 60) is Claim.IN_PROGRESS
