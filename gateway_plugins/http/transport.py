"""Talking HTTP to a PSP: pooling, timeouts, safe retries and a scrubbed transcript.

This module knows nothing of payments, only of requests that move money: a
request that may have reached the PSP is never repeated unless repeating is
safe (a ``GET``, or a ``POST`` carrying an idempotency key the PSP honours).
When the outcome of a money-moving call cannot be known (a read timeout, a
connection dropped after sending, a reply that cannot be read), the caller gets
a :class:`TransportError` with ``outcome_unknown=True``, never a guess.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

from ..scrub import Scrubber

log = logging.getLogger("gateway_plugins.http")

#: Statuses worth another try when the request is safe to repeat.
RETRY_STATUSES = frozenset({409, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for a connection and then for each read of the reply.

    The read timeout is generous because a card authorization may wait on the
    issuer; the connect timeout is short because nothing is sent before it.
    """

    connect: float = 3.05
    read: float = 30.0


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


@dataclass(frozen=True)
class HttpRequest:
    """One call to a PSP, before it is sent."""

    method: str
    path: str
    """Appended to the client's base URL."""
    form: Sequence[tuple[str, str]] | None = None
    """Form-encoded body (``application/x-www-form-urlencoded``), in order."""
    json: Any = None
    """JSON body, when ``form`` is not used."""
    headers: Mapping[str, str] = field(default_factory=dict)
    idempotency_key: str | None = None
    """Sent as the idempotency header; makes a ``POST`` safe to retry."""
    read_only: bool = False
    """The call changes nothing at the PSP (a lookup sent as ``POST``, as some
    APIs do), so it is safe to retry like a ``GET``."""


@dataclass(frozen=True)
class HttpReply:
    """A PSP's answer."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    attempts: int = 1
    """How many tries it took."""

    def json(self, encoding: str = "utf-8") -> Any:
        """The body as JSON; :class:`MalformedReply` if it is not JSON."""
        try:
            return json.loads(self.body.decode(encoding))
        except (UnicodeDecodeError, ValueError) as exc:
            kind = self.headers.get("Content-Type", "unknown content type")
            raise MalformedReply(f"HTTP {self.status} reply is not JSON ({kind}): {exc}") from None


class TransportError(Exception):
    """The PSP could not be reached, or its answer was lost.

    ``outcome_unknown`` is true when the request may have reached the PSP: the
    payment may or may not have happened. Retry with the same idempotency key.
    """

    def __init__(self, message: str, *, outcome_unknown: bool) -> None:
        super().__init__(message)
        self.outcome_unknown = outcome_unknown


class MalformedReply(ValueError):
    """The PSP answered something that cannot be read."""


class HttpClient:
    """One PSP endpoint: a pooled ``requests.Session`` with the rules above.

    Make one per configured gateway and keep it: the pool keeps connections
    alive across calls. Thread-safe as ``requests`` sessions are for sending.
    ``idempotency_header`` names the header the PSP reads the key from; set it
    to ``None`` for a PSP without idempotency, and every ``POST`` becomes unsafe
    to retry. ``secrets`` are hidden from the transcript.
    """

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeouts: Timeouts = Timeouts(),
        retry: RetryPolicy = RetryPolicy(),
        pool_size: int = 10,
        idempotency_header: str | None = "Idempotency-Key",
        secrets: Sequence[str] = (),
        name: str = "psp",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeouts = timeouts
        self.retry = retry
        self.idempotency_header = idempotency_header
        self._scrubber = Scrubber(secrets)
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
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        """Close pooled connections."""
        self.session.close()

    def send(self, request: HttpRequest) -> HttpReply:
        """Send ``request``, retrying only what is safe; see the module docstring."""
        headers = dict(request.headers)
        safe = request.read_only or request.method in ("GET", "HEAD")
        if request.idempotency_key is not None and self.idempotency_header:
            headers[self.idempotency_header] = request.idempotency_key
            safe = True
        url = self.base_url + request.path
        body = urlencode(request.form) if request.form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        attempts = self.retry.attempts
        for attempt in range(1, attempts + 1):
            self._transcribe_request(request, url, headers, body, attempt)
            try:
                response = self.session.request(
                    request.method,
                    url,
                    data=body,
                    json=request.json if body is None else None,
                    headers=headers,
                    timeout=(self.timeouts.connect, self.timeouts.read),
                    allow_redirects=False,
                )
                content = response.content  # read it all: a cut-off body is a lost reply
            except requests.RequestException as exc:
                sent = _may_have_been_sent(exc)
                if attempt < attempts and (safe or not sent):
                    self._log.info("%s %s: %s; retrying", request.method, url, _describe(exc))
                    self._sleep(self.retry.delay(attempt))
                    continue
                raise TransportError(
                    f"{request.method} {request.path}: {_describe(exc)}", outcome_unknown=sent
                ) from None
            reply = HttpReply(response.status_code, response.headers, content, attempt)
            self._transcribe_reply(reply, url)
            if reply.status in self.retry.statuses and safe and attempt < attempts:
                self._sleep(self.retry.delay(attempt, response.headers.get("Retry-After")))
                continue
            return reply
        raise AssertionError("unreachable: the last attempt returns or raises")

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
            url,
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
        self._log.debug("← %s %s body=%s", reply.status, url, self._scrubber.data(shown))


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


def _describe(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.ReadTimeout):
        return "no reply before the read timeout"
    if isinstance(exc, requests.ConnectTimeout):
        return "could not connect before the connect timeout"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed or dropped"
    return type(exc).__name__
