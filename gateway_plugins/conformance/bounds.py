"""Time bounds: each check runs in a thread the kit can stop waiting for.

A hook that never returns (a PSP call without a timeout, a deadlock) must not
hang the kit. The check runs in a thread; while it runs, the kit looks at that
thread's stack now and then, so that when the bound is reached it can say
which hook of the plugin was running, and since when.

A Python thread cannot be killed: the abandoned one is a daemon that keeps
running in the background until its hook returns or the process ends. Its
result is thrown away.
"""

from __future__ import annotations

import sys
import sysconfig
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import CodeType, FrameType
from typing import TypeVar

T = TypeVar("T")

#: How often the running check's stack is looked at, in seconds.
SAMPLE_INTERVAL = 0.05
_STDLIB = sysconfig.get_paths()["stdlib"]


class Overran(Exception):
    """The function did not finish within its time bound; the message says where it was."""

    def __init__(self, seconds: float, hook: str | None, running_for: float, where: str) -> None:
        self.seconds = seconds
        self.hook = hook
        self.running_for = running_for
        self.where = where
        if hook is not None:
            text = f"hook {hook!r} did not return within {_seconds(running_for)} s ({where})"
        else:
            text = f"did not finish within {_seconds(seconds)} s ({where})"
        super().__init__(text)


def _seconds(value: float) -> str:
    """``5``, ``0.5``, ``12.3``: seconds as a person writes them."""
    return f"{max(value, 0.1):.1f}".removesuffix(".0")


def bounded(function: Callable[[], T], seconds: float, hooks: Mapping[CodeType, str]) -> T:
    """``function()``, run in a daemon thread; raise :class:`Overran` after ``seconds``.

    ``hooks`` names the code objects of the plugin's hook implementations, so
    that an overrun can say which hook was running. What ``function`` raises is
    raised here.
    """
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(function())
        except BaseException as exc:  # handed to the caller's thread as it is
            errors.append(exc)

    thread = threading.Thread(target=run, name="gateway-plugins-conformance-check", daemon=True)
    start = time.monotonic()
    watch = _Watch(hooks, start)
    thread.start()
    deadline = start + seconds
    while thread.is_alive():
        left = deadline - time.monotonic()
        if left <= 0:
            break
        thread.join(min(SAMPLE_INTERVAL, left))
        watch.sample(thread)
    if errors:
        raise errors[0]
    if not results:
        raise watch.overrun(thread, seconds)
    return results[0]


class _Watch:
    """Which hook a thread is in, and since when, from samples of its stack."""

    def __init__(self, hooks: Mapping[CodeType, str], start: float) -> None:
        self.hooks = hooks
        self.frame: FrameType | None = None
        self.since = start
        self.last_sample = start

    def sample(self, thread: threading.Thread) -> None:
        now = time.monotonic()
        frame = _hook_frame(_stack(thread), self.hooks)
        if frame is not self.frame:
            # It began between the last sample and this one: count from the last.
            self.frame, self.since = frame, self.last_sample
        self.last_sample = now

    def overrun(self, thread: threading.Thread, seconds: float) -> Overran:
        stack = _stack(thread)
        frame = _hook_frame(stack, self.hooks)
        if frame is None:
            # The innermost frame of code of its own, not the stdlib's ``Event.wait``.
            own = [f for f in stack if not f.f_code.co_filename.startswith(_STDLIB)]
            where = _where((own or stack)[-1]) if stack else "it had just finished"
            return Overran(seconds, None, seconds, where)
        since = self.since if frame is self.frame else self.last_sample
        running_for = min(time.monotonic() - since, seconds)  # a late wake-up is not the hook's
        return Overran(seconds, self.hooks[frame.f_code], running_for, _where(frame))


def _stack(thread: threading.Thread) -> list[FrameType]:
    """``thread``'s frames, outermost first."""
    frame = sys._current_frames().get(thread.ident or -1)
    frames = []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames[::-1]


def _hook_frame(stack: list[FrameType], hooks: Mapping[CodeType, str]) -> FrameType | None:
    """The outermost frame of a hook implementation (a hook calling ``super()`` is one call)."""
    return next((frame for frame in stack if frame.f_code in hooks), None)


def _where(frame: FrameType) -> str:
    code = frame.f_code
    return f"at {code.co_name} in {Path(code.co_filename).name}:{frame.f_lineno}"
