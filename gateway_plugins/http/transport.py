"""Talking HTTP to a PSP: pooling, a deadline, safe retries, bounded replies, a clean transcript.

This module knows nothing of payments, only of requests that move money: a
request that may have reached the PSP is never repeated unless repeating is
safe (a ``GET``, or a ``POST`` carrying an idempotency key the PSP honours).
When the outcome of a money-moving call cannot be known (a read timeout, a
connection dropped after sending, a reply that cannot be read, the deadline
passing while the PSP may be at work), the caller gets a
:class:`TransportError` with ``outcome_unknown=True``, never a guess.

Every :meth:`HttpClient.send` ends by its deadline: ``Timeouts.total`` or the
caller's :func:`~gateway_plugins.deadlines.deadline`, whichever comes first.
Replies are read in chunks up to ``max_reply_bytes``.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

import requests
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

from .. import deadlines
from ..scrub import Scrubber
from .logs import guard_urllib3_logs, scrub_url
from .messages import HttpReply, HttpRequest, MalformedReply, TransportError
from .settings import Timeouts, check_base_url
from .wire import DeadlineAdapter, ReplyTooLarge, read_body, reading_until

log = logging.getLogger("gateway_plugins.http")

#: Statuses worth another try when the request is safe to repeat.
RETRY_STATUSES = frozenset({409, 429, 500, 502, 503, 504})

#: The largest reply read by default: PSPs answer a payment call in kilobytes, and
#: a reply of megabytes is a fault (a proxy's error page, a runaway stream).
MAX_REPLY_BYTES = 4 * 1024 * 1024
#: Connect 3.05 s, each read 30 s, the whole call 60 s.
DEFAULT_TIMEOUTS = Timeouts()


@dataclass(frozen=True)
class RetryPolicy:
    """How often, and how patiently, a safe request is tried."""

    attempts: int = 3
    """Tries in all, the first included."""
    backoff: float = 0.25
    """Seconds before the second try; doubled for each later one, with jitter."""
    max_backoff: float = 4.0
    """Upper bound of a wait, also for a PSP's ``Retry-After``."""
    statuses: frozenset[int] = RETRY_STATUSES

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait after failed try number ``attempt`` (1-based)."""
        if retry_after is not None:
            try:
                return min(max(float(retry_after), 0.0), self.max_backoff)
            except ValueError:
                pass  # an HTTP date: fall back to our own backoff
        base = min(self.backoff * 2 ** (attempt - 1), self.max_backoff)
        return float(base * random.uniform(0.5, 1.0))  # noqa: S311 (jitter, not cryptography)


class HttpClient:
    """One PSP endpoint: a pooled ``requests.Session`` with the rules above.

    Make one per configured gateway and keep it: the pool keeps connections
    alive across calls. Thread-safe as ``requests`` sessions are for sending.
    ``base_url`` must pass :func:`~gateway_plugins.http.check_base_url`.
    ``idempotency_header`` names the header the PSP reads the key from; set it
    to ``None`` for a PSP without idempotency, and every ``POST`` becomes unsafe
    to retry. ``secrets`` are hidden from the transcript and from urllib3's log
    lines. A reply larger than ``max_reply_bytes`` (after decompression) is not
    read: :class:`TransportError` with an unknown outcome.
    """

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        retry: RetryPolicy = RetryPolicy(),
        pool_size: int = 10,
        idempotency_header: str | None = "Idempotency-Key",
        secrets: Sequence[str] = (),
        name: str = "psp",
        max_reply_bytes: int = MAX_REPLY_BYTES,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if isinstance(max_reply_bytes, bool) or not isinstance(max_reply_bytes, int):
            raise ValueError("max_reply_bytes must be a whole number of bytes")
        if max_reply_bytes < 1:
            raise ValueError("max_reply_bytes must be at least 1")
        self.base_url = check_base_url(base_url, "base_url").rstrip("/")
        self.timeouts = timeouts
        self.retry = retry
        self.idempotency_header = idempotency_header
        self.max_reply_bytes = max_reply_bytes
        self._scrubber = Scrubber(secrets)
        guard_urllib3_logs(self._scrubber)
        self._log = log.getChild(name)
        self._sleep = sleep
        self.session = requests.Session()
        self.session.headers.update(headers or {})
        # Read proxy and CA-bundle settings from the environment once, here:
        # requests would rescan the environment on every call (~90 µs each).
        settings = self.session.merge_environment_settings(self.base_url, {}, None, None, None)
        self.session.proxies.update(settings["proxies"])
        self.session.verify = settings["verify"]
        self.session.cert = settings["cert"]
        self.session.trust_env = False
        # Retries are ours (they depend on idempotency), so urllib3 makes none.
        adapter = DeadlineAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        """Close pooled connections."""
        self.session.close()

    def repeatable(self, request: HttpRequest) -> bool:
        """Whether sending ``request`` twice does what sending it once does: a ``GET`` or
        ``HEAD``, a read-only call, or one whose idempotency key this client sends."""
        if request.read_only or request.method in ("GET", "HEAD"):
            return True
        return request.idempotency_key is not None and bool(self.idempotency_header)

    def send(self, request: HttpRequest) -> HttpReply:
        """Send ``request``, retrying only what is safe, and return by the deadline.

        The deadline is ``timeouts.total`` from now, or the ambient
        :func:`~gateway_plugins.deadlines.deadline` if that passes sooner. No try
        starts, and no wait before one, that the deadline leaves no time for.
        """
        now = time.monotonic()
        ambient = deadlines.remaining()
        end = now + (self.timeouts.total if ambient is None else min(self.timeouts.total, ambient))
        headers = dict(request.headers)
        safe = self.repeatable(request)
        if request.idempotency_key is not None and self.idempotency_header:
            headers[self.idempotency_header] = request.idempotency_key
        url = self.base_url + request.path
        body = urlencode(request.form) if request.form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        reached = False  # a try may have reached the PSP: its outcome is unknown
        last: HttpReply | None = None
        attempts = self.retry.attempts
        for attempt in range(1, attempts + 1):
            left = end - time.monotonic()
            if left <= 0:
                if last is not None:
                    return last
                again = " again" if reached else ""  # an earlier try may have reached it
                problem = f"the deadline passed before the request was sent{again}"
                raise self._error(request, problem, outcome_unknown=reached)
            self._transcribe_request(request, url, headers, body, attempt)
            try:
                status, reply_headers, content = self._exchange(
                    request, url, headers, body, end, left
                )
            except ReplyTooLarge:
                raise self._error(
                    request,
                    f"the reply is larger than {self.max_reply_bytes} bytes (max_reply_bytes); "
                    "not read",
                    outcome_unknown=True,
                ) from None
            except requests.RequestException as exc:
                sent = _may_have_been_sent(exc)
                reached = reached or sent
                late = time.monotonic() >= end
                problem = _describe(exc, late=late)
                if attempt < attempts and (safe or not sent) and not late:
                    delay = self.retry.delay(attempt)
                    if time.monotonic() + delay < end:
                        self._log.info("%s %s: %s; retrying", request.method, self._shown(url),
                                       problem)  # fmt: skip
                        self._sleep(delay)
                        continue
                    problem += "; no time left to try again before the deadline"
                raise self._error(request, problem, outcome_unknown=reached) from None
            reply = HttpReply(status, reply_headers, content, attempt)
            self._transcribe_reply(reply, url)
            if reply.status in self.retry.statuses and safe and attempt < attempts:
                reached, last = True, reply
                delay = self.retry.delay(attempt, reply.headers.get("Retry-After"))
                if time.monotonic() + delay < end:
                    self._sleep(delay)
                    continue
            return reply
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _exchange(
        self,
        request: HttpRequest,
        url: str,
        headers: Mapping[str, str],
        body: str | None,
        end: float,
        left: float,
    ) -> tuple[int, Mapping[str, str], bytes]:
        """One try: status, headers and the whole body, read by ``end``."""
        with reading_until(end, self.timeouts.read):
            response = self.session.request(
                request.method,
                url,
                data=body,
                json=request.json if body is None else None,
                headers=headers,
                timeout=(min(self.timeouts.connect, left), min(self.timeouts.read, left)),
                allow_redirects=False,
                stream=True,
            )
            try:
                content = b""
                if request.method != "HEAD":  # its Content-Length is that of a GET's body
                    content = read_body(response.raw, end, self.max_reply_bytes)
            finally:
                # A reply read to its end has gone back to the pool; this drops
                # the connection of one that was not, so it cannot be reused.
                response.close()
        return response.status_code, response.headers, content

    def _error(
        self, request: HttpRequest, problem: str, *, outcome_unknown: bool
    ) -> TransportError:
        path = self._shown(request.path)
        return TransportError(
            f"{request.method} {path}: {problem}", outcome_unknown=outcome_unknown
        )

    def _shown(self, url: str) -> str:
        """``url`` as it may be logged or told: see :func:`~gateway_plugins.http.logs.scrub_url`."""
        return scrub_url(url, self._scrubber)

    def _transcribe_request(
        self,
        request: HttpRequest,
        url: str,
        headers: Mapping[str, str],
        body: str | None,
        attempt: int,
    ) -> None:
        if not self._log.isEnabledFor(logging.DEBUG):
            return
        shown: Any = request.json
        if body is not None:
            shown = dict(parse_qsl(body, keep_blank_values=True))
        self._log.debug(
            "→ %s %s (try %d) headers=%s body=%s",
            request.method,
            self._shown(url),
            attempt,
            self._scrubber.data({**self.session.headers, **headers}),
            self._scrubber.data(shown),
        )

    def _transcribe_reply(self, reply: HttpReply, url: str) -> None:
        if not self._log.isEnabledFor(logging.DEBUG):
            return
        try:
            shown: Any = reply.json("utf-8-sig")  # the same as UTF-8, less a leading BOM
        except MalformedReply:
            shown = reply.body[:500].decode("utf-8", "replace")
        self._log.debug(
            "← %s %s body=%s", reply.status, self._shown(url), self._scrubber.data(shown)
        )


def _may_have_been_sent(exc: requests.RequestException) -> bool:
    """False only when the connection was never made, so the PSP saw nothing."""
    if isinstance(exc, requests.ConnectTimeout):
        return False
    if isinstance(exc, requests.ConnectionError) and exc.args:
        reason = exc.args[0]
        if isinstance(reason, MaxRetryError):
            reason = reason.reason
        if isinstance(reason, NewConnectionError | ConnectTimeoutError):
            return False
    return True


def _describe(exc: requests.RequestException, *, late: bool) -> str:
    if isinstance(exc, requests.ConnectTimeout):
        if late:
            return "could not connect before the deadline"
        return "could not connect before the connect timeout"
    if late:
        return "the deadline passed before the reply was read"
    if isinstance(exc, requests.ReadTimeout):
        return "no reply before the read timeout"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed or dropped"
    return type(exc).__name__


__all__ = [
    "DEFAULT_TIMEOUTS",
    "MAX_REPLY_BYTES",
    "RETRY_STATUSES",
    "HttpClient",
    "HttpReply",
    "HttpRequest",
    "MalformedReply",
    "RetryPolicy",
    "Timeouts",
    "TransportError",
]
