"""One deadline per call, seen by every layer below without being passed down.

The :class:`~gateway_plugins.PluginManager` sets a deadline around each money
call (``with deadline(seconds): ...``); whatever runs inside, the HTTP toolkit
or a plugin's own I/O, asks :func:`remaining` how much time is left and gives
up in time. A host thread that calls a gateway therefore comes back within the
deadline, whatever the PSP does.

Deadlines nest, and an inner one never outlives the outer one. The deadline
lives in a context variable: concurrent calls on other threads or asyncio
tasks each see their own, and work handed to another thread sees it only when
the context is copied (``contextvars.copy_context().run``).
"""

from __future__ import annotations

import contextvars
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generic, TypeVar

T = TypeVar("T")

#: ``time.monotonic()`` at which the current call's deadline passes; ``None``: no deadline.
_EXPIRES: ContextVar[float | None] = ContextVar("gateway_plugins_deadline", default=None)


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Run the ``with`` body under a deadline ``seconds`` from now.

    An enclosing deadline that passes sooner stays in force. ``ValueError``
    unless ``seconds`` is a finite number, 0 or more.
    """
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, int | float)
        or not math.isfinite(seconds)
        or seconds < 0
    ):
        raise ValueError("deadline: seconds must be a finite number of seconds, 0 or more")
    expires = time.monotonic() + seconds
    outer = _EXPIRES.get()
    if outer is not None and outer < expires:
        expires = outer
    token = _EXPIRES.set(expires)
    try:
        yield
    finally:
        _EXPIRES.reset(token)


def remaining() -> float | None:
    """Seconds left before the current deadline (``0.0`` once it has passed).

    ``None`` when no deadline is set: the caller's own timeouts are all there is.
    """
    expires = _EXPIRES.get()
    if expires is None:
        return None
    return max(expires - time.monotonic(), 0.0)


class Late(Generic[T]):
    """What :func:`call_within` gives back: ``done`` and the ``result`` if in time."""

    __slots__ = ("done", "result")

    def __init__(self, done: bool, result: T | None) -> None:
        self.done = done
        self.result = result


def call_within(seconds: float, function: Callable[[], T], *, name: str) -> Late[T]:
    """Call ``function`` under a deadline in a thread of its own; wait at most ``seconds``.

    The thread runs in a copy of the caller's context with :func:`deadline` set,
    so the layers below (the HTTP toolkit) give up in time too. It is a daemon:
    a call stuck for good must not keep the process from exiting, and nothing
    can stop it, so whatever it does after the deadline still happens. An
    exception ``function`` raises in time is raised here.
    """
    outcome: list[T] = []
    failure: list[BaseException] = []
    finished = threading.Event()
    context = contextvars.copy_context()

    def bounded() -> T:
        with deadline(seconds):
            return function()

    def run() -> None:
        try:
            outcome.append(context.run(bounded))
        except BaseException as exc:
            failure.append(exc)
        finally:
            finished.set()

    threading.Thread(target=run, name=name, daemon=True).start()
    if not finished.wait(seconds):
        return Late(False, None)
    if failure:
        raise failure[0]
    return Late(True, outcome[0])


__all__ = ["Late", "call_within", "deadline", "remaining"]
