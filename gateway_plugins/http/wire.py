"""Reading a reply against a deadline and a size limit: no socket read waits past the time left.

A socket timeout bounds each read, not the reply: a PSP, or a proxy in front
of it, that sends one byte a second never trips a 30-second read timeout, and
``http.client`` reads the status line and headers in as many reads as they
take. :class:`DeadlineAdapter` mounts connections whose replies are read
through :class:`_DeadlineReader`: before every read of the socket it shortens
the timeout to what is left of the call, and once nothing is left it raises
``TimeoutError``, which urllib3 reports as a read timeout. The deadline is the
one :func:`reading_until` sets for the current call, in a context variable, so
calls on other threads keep their own. Outside :func:`reading_until` the
connections behave as urllib3's own. :func:`read_body` reads the body in
chunks, stopping at the size limit and at the deadline.
"""

from __future__ import annotations

import http.client
import io
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, PoolManager, ProxyManager
from urllib3.connection import HTTPConnection, HTTPSConnection

#: Bytes asked of the connection at a time while reading a body.
CHUNK = 64 * 1024

#: (``time.monotonic()`` deadline, read timeout) of the call reading a reply now.
_LIMIT: ContextVar[tuple[float, float] | None] = ContextVar(
    "gateway_plugins_http_read_limit", default=None
)


@contextmanager
def reading_until(end: float, read_timeout: float) -> Iterator[None]:
    """Replies received inside the ``with`` body are read by ``end`` (``time.monotonic()``),
    each socket read waiting at most ``read_timeout``."""
    token = _LIMIT.set((end, read_timeout))
    try:
        yield
    finally:
        _LIMIT.reset(token)


class _DeadlineReader(io.RawIOBase):
    """The socket's own reader, with the timeout of each read cut to the time left."""

    def __init__(self, sock: socket.socket, end: float, read_timeout: float) -> None:
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)  # counts as a reference to the socket
        self._end = end
        self._read_timeout = read_timeout
        self._timeout = sock.gettimeout()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        left = self._end - time.monotonic()
        if left <= 0:
            raise TimeoutError("the deadline passed while reading the reply")
        timeout = min(self._read_timeout, left)
        # Only shorten: settimeout() releases the GIL, which costs a fast reply dearly.
        if self._timeout is None or timeout < self._timeout:
            self._sock.settimeout(timeout)
            self._timeout = timeout
        return self._raw.readinto(buffer)

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _DeadlineSocket:
    """All that ``http.client.HTTPResponse`` asks of its socket: a reader."""

    def __init__(self, sock: socket.socket, end: float, read_timeout: float) -> None:
        self._sock = sock
        self._limit = (end, read_timeout)

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, *self._limit))


class _DeadlineResponse(http.client.HTTPResponse):
    def __init__(
        self,
        sock: socket.socket,
        debuglevel: int = 0,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        limit = _LIMIT.get()
        if limit is not None:
            sock = cast(socket.socket, _DeadlineSocket(sock, *limit))
        super().__init__(sock, debuglevel, method, url)


class _HTTPConnection(HTTPConnection):
    response_class = _DeadlineResponse


class _HTTPSConnection(HTTPSConnection):
    response_class = _DeadlineResponse


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class DeadlineAdapter(HTTPAdapter):
    """``requests``' adapter, its replies read against :func:`reading_until`'s deadline.

    Direct connections and HTTP(S) proxies are covered; a SOCKS proxy keeps
    urllib3's own connections (and the toolkit's checks between chunks).
    """

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, ProxyManager):
            manager.pool_classes_by_scheme = _POOLS
        return manager


class ReplyTooLarge(Exception):
    """The reply is longer than the limit; it was not read."""


def read_body(raw: urllib3.BaseHTTPResponse, end: float, limit: int) -> bytes:
    """The whole body of ``raw``, decoded, read by ``end`` and at most ``limit`` bytes long.

    :class:`ReplyTooLarge` when it is longer (before reading, when its
    ``Content-Length`` says so). A body cut off, by the PSP or by the deadline,
    is a lost reply: ``requests.ReadTimeout`` or ``requests.ConnectionError``.
    """
    declared = raw.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ReplyTooLarge
    body = bytearray()
    try:
        while chunk := raw.read(CHUNK, decode_content=True):
            body += chunk
            if len(body) > limit:
                raise ReplyTooLarge
            # Also checked here for connections not mounted by DeadlineAdapter (SOCKS).
            if time.monotonic() >= end and not raw.closed:
                raise requests.ReadTimeout("the deadline passed while reading the reply")
    except urllib3.exceptions.ReadTimeoutError as exc:
        raise requests.ReadTimeout(exc) from None
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise requests.ConnectionError(exc) from None
    return bytes(body)


__all__ = ["CHUNK", "DeadlineAdapter", "ReplyTooLarge", "read_body", "reading_until"]
