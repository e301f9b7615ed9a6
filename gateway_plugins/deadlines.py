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

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

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


__all__ = ["deadline", "remaining"]
