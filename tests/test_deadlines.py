"""gateway_plugins.deadlines: one deadline per call, nested, per thread."""

from __future__ import annotations

import contextvars
import math
import threading
import time

import pytest

from gateway_plugins.deadlines import deadline, remaining


def test_there_is_no_deadline_outside_one() -> None:
    assert remaining() is None


def test_remaining_counts_down_and_stops_at_zero() -> None:
    with deadline(0.2):
        first = remaining()
        assert first is not None and 0.1 < first <= 0.2
        time.sleep(0.25)
        assert remaining() == 0.0
    assert remaining() is None


def test_an_inner_deadline_never_outlives_the_outer_one() -> None:
    with deadline(0.5):
        with deadline(100):
            inner = remaining()
            assert inner is not None and inner <= 0.5
        with deadline(0.1):
            shorter = remaining()
            assert shorter is not None and shorter <= 0.1
        outer = remaining()
        assert outer is not None and 0.1 < outer <= 0.5


def test_the_deadline_is_restored_when_the_body_raises() -> None:
    with pytest.raises(RuntimeError), deadline(1):
        raise RuntimeError("boom")
    assert remaining() is None


def test_another_thread_has_its_own_deadline_unless_the_context_is_copied() -> None:
    seen: dict[str, float | None] = {}
    with deadline(5):
        plain = threading.Thread(target=lambda: seen.update(plain=remaining()))
        context = contextvars.copy_context()
        copied = threading.Thread(
            target=context.run, args=(lambda: seen.update(copied=remaining()),)
        )
        for thread in (plain, copied):
            thread.start()
            thread.join()
    assert seen["plain"] is None
    assert seen["copied"] is not None and seen["copied"] > 4


@pytest.mark.parametrize("seconds", [-1, math.nan, math.inf, True, "5"])
def test_a_bad_deadline_is_refused(seconds: object) -> None:
    with pytest.raises(ValueError, match="finite number of seconds"), deadline(seconds):  # type: ignore[arg-type]
        pass
