"""A fake PSP for a plugin's own tests: real HTTP on 127.0.0.1, a request log, faults on demand.

A plugin's tests should talk HTTP to something that behaves like its PSP, not
to a patched client. :class:`FakePSPServer` is what every such fake shares: a
stdlib ``ThreadingHTTPServer`` on a free port with keep-alive, the TCP
connections counted and numbered, every request kept (secret headers
redacted), crashes of the fake kept for the test to fail on, and the faults of
:class:`Fault` armed with :meth:`FakePSPServer.inject`. A subclass adds what is
its PSP's own: :meth:`FakePSPServer.handle` (auth, routing, bodies, state) and,
for the PSP's own error bodies, :meth:`FakePSPServer.fault_answer`.
"""

from __future__ import annotations

import enum
import socket
import sys
import threading
import time
import traceback
from abc import ABC, abstractmethod
from contextlib import suppress
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar, Generic, TypeVar
from urllib.parse import urlsplit


class Fault(enum.Enum):
    """What can go wrong between a plugin and its PSP, armed by :meth:`FakePSPServer.inject`.

    ``SLOW`` waits; the two drops close the connection without a byte of
    reply, before the request is processed or after; the others replace the
    reply (see :meth:`FakePSPServer.fault_answer`).
    """

    SLOW = "slow"
    DROP_BEFORE_PROCESSING = "drop_before_processing"
    DROP_AFTER_PROCESSING = "drop_after_processing"
    STATUS_500 = "status_500"
    STATUS_502 = "status_502"
    STATUS_503 = "status_503"
    STATUS_429 = "status_429"
    MALFORMED_JSON = "malformed_json"
    HTML_ERROR = "html_error"


_DROPS = frozenset({Fault.DROP_BEFORE_PROCESSING, Fault.DROP_AFTER_PROCESSING})
_REPLY_FAULTS = frozenset(Fault) - _DROPS - {Fault.SLOW}

#: What a proxy in front of the API answers for the plain-text faults.
_PLAIN_TEXT = {
    Fault.STATUS_500: (500, b"Internal Server Error\n"),
    Fault.STATUS_502: (502, b"Bad Gateway\n"),
    Fault.STATUS_503: (503, b"Service Unavailable\n"),
    Fault.STATUS_429: (429, b"Too Many Requests\n"),
}
_HTML_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)


@dataclass
class Injection:
    """A fault armed for the next ``times`` matching requests; ``fired`` counts its uses.

    A request matches when its path starts with ``path`` and its method is
    ``method`` (``None``: any). ``seconds`` is how long ``SLOW`` waits;
    ``retry_after`` goes into the ``Retry-After`` header of ``STATUS_429``.
    """

    fault: Fault
    times: int = 1
    path: str | None = None
    method: str | None = None
    seconds: float = 0.0
    after_processing: bool = False
    retry_after: int | None = None
    fired: int = 0

    @property
    def remaining(self) -> int:
        return self.times - self.fired

    def matches(self, method: str, path: str) -> bool:
        return (
            self.remaining > 0
            and (self.method is None or self.method == method)
            and (self.path is None or path.startswith(self.path))
        )


@dataclass
class RecordedRequest:
    """One request as received, secret headers redacted, and what became of it.

    A fake may subclass it to read the body its PSP's way (set
    :attr:`FakePSPServer.record_type`).
    """

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    connection: int
    """Which accepted TCP connection carried it: 1, 2, … in the order accepted."""
    status: int | None = None
    """The status sent back; ``None`` when the connection was dropped instead."""
    fault: Fault | None = None
    replayed: bool = False
    """Answered from the PSP's idempotency store (set by :meth:`FakePSPServer.handle`)."""

    @property
    def idempotency_key(self) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == "idempotency-key"), None)


@dataclass(frozen=True)
class Incoming:
    """A request as :meth:`FakePSPServer.handle` gets it: its headers as sent, unredacted."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    record: RecordedRequest
    """Its entry in the request log (to mark it ``replayed``, say)."""
    delay: float = 0.0
    """Seconds a ``SLOW`` fault wants it to take before acting: sleep them where
    the PSP is busy with it (holding its idempotency key, say)."""


@dataclass(frozen=True)
class Answer:
    """Bytes to send back; a ``None`` status closes the connection without a reply."""

    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


RecordT = TypeVar("RecordT", bound=RecordedRequest)
_FakeT = TypeVar("_FakeT", bound="FakePSPServer[Any]")


class FakePSPServer(ABC, Generic[RecordT]):
    """The HTTP side of a fake PSP; a subclass implements :meth:`handle`.

    Use it as a context manager (or ``start()`` / ``stop()``) and point the
    plugin at :attr:`url`. After ``stop()`` the request log and the counts
    stay readable. A test should fail when :attr:`server_errors` is not empty.
    """

    #: Header names, in lower case, whose values the request log shows as ``[redacted]``.
    redacted_headers: ClassVar[frozenset[str]] = frozenset()
    #: What the ``Server`` header says; ``None`` leaves Python's own.
    server_header: ClassVar[str | None] = None
    #: What ``MALFORMED_JSON`` cuts in half when the request was not processed.
    sample_reply: ClassVar[Answer] = Answer(
        200, {"Content-Type": "application/json"}, b'{\n  "ok": true\n}'
    )
    #: The type of the request log's entries: set it with the type parameter when a
    #: subclass of :class:`RecordedRequest` adds ways to read the body.
    record_type: type[RecordT] = RecordedRequest  # type: ignore[assignment]  # the default

    def __init__(self, *, host: str = "127.0.0.1") -> None:
        self.host = host
        #: Tracebacks of what crashed in the fake, oldest first.
        self.server_errors: list[str] = []
        self._lock = threading.Lock()
        self._injections: list[Injection] = []
        self._requests: list[RecordT] = []
        self._server: _Server | None = None  # kept after stop(): its counts stay readable
        self._thread: threading.Thread | None = None

    # -- what a subclass provides ----------------------------------------------------------

    @abstractmethod
    def handle(self, request: Incoming) -> Answer:
        """What the PSP does with ``request``: auth, routing, body checks, state, its reply.

        Runs on the connection's own thread, so concurrently with other
        requests. An exception it raises is kept in :attr:`server_errors` and
        answered like ``STATUS_500``.
        """

    def fault_answer(self, injection: Injection, real: Answer | None) -> Answer:
        """What a reply fault sends instead of ``real`` (``None``: nothing was processed).

        By default what a proxy in front of an API says: plain text for
        ``STATUS_500``, ``_502``, ``_503`` and ``_429`` (with ``Retry-After`` when
        the injection has one), a 502 HTML page for ``HTML_ERROR``, and for
        ``MALFORMED_JSON`` the first half of the body of ``real`` (or of
        :attr:`sample_reply`) with its status and headers. Override it for the
        PSP's own error bodies and leave the rest to ``super()``.
        """
        fault = injection.fault
        if fault is Fault.MALFORMED_JSON:
            whole = real if real is not None else self.sample_reply
            return Answer(whole.status, whole.headers, whole.body[: len(whole.body) // 2])
        if fault is Fault.HTML_ERROR:
            return Answer(502, {"Content-Type": "text/html"}, _HTML_502)
        status, text = _PLAIN_TEXT[fault]
        headers = {"Content-Type": "text/plain"}
        if fault is Fault.STATUS_429 and injection.retry_after is not None:
            headers["Retry-After"] = str(injection.retry_after)
        return Answer(status, headers, text)

    def record_crash(self) -> None:
        """Keep the exception being handled in :attr:`server_errors`.

        For :meth:`handle` code that catches a crash to answer it as the PSP would.
        """
        with self._lock:
            self.server_errors.append(traceback.format_exc())

    # -- lifecycle -------------------------------------------------------------------------

    def start(self: _FakeT) -> _FakeT:
        if self._thread is None:
            self._server = _Server(self, self.host)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.01},  # stop() waits for one poll
                name=type(self).__name__,
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None or self._server is None:
            return
        self._server.shutdown()
        self._server.close_connections()  # ends the handler threads parked on keep-alive
        self._server.server_close()
        thread.join(timeout=5)

    def __enter__(self: _FakeT) -> _FakeT:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``: where the fake listens."""
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} was never started")
        return f"http://{self.host}:{self._server.server_address[1]}"

    # -- observation and control -----------------------------------------------------------

    @property
    def requests(self) -> list[RecordT]:
        """Every request received, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def connections_opened(self) -> int:
        """TCP connections accepted since start: 1 for any number of keep-alive requests."""
        return self._server.connections_opened if self._server else 0

    def inject(
        self,
        fault: Fault,
        *,
        times: int = 1,
        path: str | None = None,
        method: str | None = None,
        seconds: float = 1.0,
        after_processing: bool = False,
        retry_after: int | None = None,
    ) -> Injection:
        """Arm ``fault`` for the next ``times`` requests (only those under ``path`` / ``method``).

        - ``SLOW``: the request waits ``seconds`` before acting (see
          :attr:`Incoming.delay`), or with ``after_processing`` acts at once and
          its reply waits.
        - ``DROP_BEFORE_PROCESSING``: close the connection; nothing happened.
        - ``DROP_AFTER_PROCESSING``: process the request fully, then close the
          connection without answering.
        - The others: answer :meth:`fault_answer` instead of processing, so
          nothing changes; with ``after_processing`` the request is processed
          and the fault replaces only its reply.

        Several armed injections fire in the order they were armed.
        """
        if fault in _DROPS and after_processing:
            raise ValueError(f"{fault.name} says when it happens; drop after_processing")
        if times < 1 or seconds < 0:
            raise ValueError("times must be ≥ 1 and seconds ≥ 0")
        injection = Injection(fault, times, path, method, seconds, after_processing, retry_after)
        with self._lock:
            self._injections.append(injection)
        return injection

    def clear_faults(self) -> None:
        """Disarm every injection."""
        with self._lock:
            self._injections.clear()

    # -- request processing (handler threads) ----------------------------------------------

    def _exchange(
        self, method: str, target: str, headers: dict[str, str], body: bytes, connection: int
    ) -> Answer:
        """Record the request, then answer it with the fault armed for it, if any."""
        url = urlsplit(target)
        shown = {
            name: "[redacted]" if name.lower() in self.redacted_headers else value
            for name, value in headers.items()
        }
        record = self.record_type(method, url.path, url.query, shown, body, connection)
        with self._lock:
            injection = next((i for i in self._injections if i.matches(method, url.path)), None)
            if injection is not None:
                injection.fired += 1
                record.fault = injection.fault
            self._requests.append(record)
        request = Incoming(method, url.path, url.query, headers, body, record)
        answer = self._respond(request, injection)
        record.status = answer.status
        return answer

    def _respond(self, request: Incoming, injection: Injection | None) -> Answer:
        if injection is None:
            return self.handle(request)
        fault, after = injection.fault, injection.after_processing
        if fault is Fault.DROP_BEFORE_PROCESSING:
            return Answer(None)
        if fault in _REPLY_FAULTS and not after:
            return self.fault_answer(injection, None)
        if fault is Fault.SLOW and not after:
            request = replace(request, delay=injection.seconds)
        answer = self.handle(request)
        if fault is Fault.DROP_AFTER_PROCESSING:
            return Answer(None)
        if fault is Fault.SLOW and after:
            time.sleep(injection.seconds)
        if fault in _REPLY_FAULTS:
            return self.fault_answer(injection, answer)
        return answer

    def _crash_answer(self) -> Answer:
        self.record_crash()
        return self.fault_answer(Injection(Fault.STATUS_500), None)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every reply carries Content-Length
    disable_nagle_algorithm = True  # else the body waits for the client's delayed ACK
    server: _Server

    def version_string(self) -> str:
        return self.server.fake.server_header or super().version_string()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log is FakePSPServer.requests

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = self.rfile.read(length) if length else b""
        except OSError:
            self.close_connection = True  # the client hung up mid-request
            return
        number = self.server.connection_number(self.connection)
        headers = dict(self.headers.items())
        try:
            answer = fake._exchange(self.command, self.path, headers, body, number)
        except Exception:
            answer = fake._crash_answer()
        if answer.status is None:
            self._drop()
            return
        try:
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)
        except OSError:
            self.close_connection = True  # the client gave up (read timeout) meanwhile

    def _drop(self) -> None:
        """Close the socket without a byte of reply, as a lost connection looks to the client."""
        self.close_connection = True
        with suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # keep-alive handler threads end when stop() closes their sockets

    def __init__(self, fake: FakePSPServer[Any], host: str) -> None:
        self.fake = fake
        self._sockets: dict[socket.socket, int] = {}
        self._sockets_lock = threading.Lock()
        self.connections_opened = 0
        super().__init__((host, 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._sockets_lock:
            self.connections_opened += 1
            self._sockets[request] = self.connections_opened
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._sockets_lock:
            self._sockets.pop(request, None)
        super().shutdown_request(request)

    def connection_number(self, request: socket.socket) -> int:
        with self._sockets_lock:
            return self._sockets.get(request, 0)

    def close_connections(self) -> None:
        with self._sockets_lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return  # a client hanging up (after a read timeout, say) is part of the tests
        self.fake.record_crash()
