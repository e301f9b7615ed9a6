"""The HTTP side: a stdlib server on 127.0.0.1 with keep-alive, auth, a request log and faults."""

from __future__ import annotations

import base64
import enum
import json
import socket
import sys
import threading
import time
import traceback
from contextlib import suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from plugins.stripe.tests.stripe_spec import parse_form

from .account import Account
from .cards import TEST_CARDS, Card
from .idempotency import IdempotencyStore
from .ledger import Ledger
from .objects import Reply, new_id
from .wire import API_VERSION, ApiError


class Fault(enum.Enum):
    """What can go wrong between the plugin and Stripe. See ``FakeStripe.inject``."""

    SLOW = "slow"
    DROP_BEFORE_PROCESSING = "drop_before_processing"
    DROP_AFTER_PROCESSING = "drop_after_processing"
    STATUS_500 = "status_500"
    STATUS_502 = "status_502"
    STATUS_503 = "status_503"
    STATUS_429 = "status_429"
    MALFORMED_JSON = "malformed_json"
    HTML_ERROR = "html_error"


#: Faults that replace the reply (before processing, or after it with ``after_processing``).
REPLY_FAULTS = frozenset(
    {Fault.STATUS_500, Fault.STATUS_502, Fault.STATUS_503, Fault.STATUS_429}
    | {Fault.MALFORMED_JSON, Fault.HTML_ERROR}
)


@dataclass
class Injection:
    """A fault armed for the next ``times`` matching requests; ``fired`` counts its uses."""

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
    """One request as received (``Authorization`` redacted), and what became of it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    connection: int  # which accepted TCP connection carried it (1, 2, …)
    status: int | None = None  # None when the connection was dropped
    replayed: bool = False
    fault: Fault | None = None

    @property
    def idempotency_key(self) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == "idempotency-key"), None)

    @property
    def params(self) -> dict[str, Any]:
        """The form body (query string for GET) as nested params, as Stripe reads them."""
        return parse_form(self.body if self.method == "POST" else self.query)


@dataclass
class _Answer:
    """Bytes to send back; ``None`` status means: close the connection without a reply."""

    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def _json_answer(reply: Reply) -> _Answer:
    body = json.dumps(reply.body, indent=2).encode()
    return _Answer(reply.status, {"Content-Type": "application/json", **reply.headers}, body)


_SOME_INTENT = b'{\n  "id": "pi_truncated",\n  "object": "payment_intent",\n  "amount": 1000\n}'
_HTML_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


def _fault_answer(injection: Injection, real: _Answer | None) -> _Answer:
    """The reply a fault puts on the wire instead of ``real`` (``None``: nothing processed)."""
    fault = injection.fault
    if fault is Fault.STATUS_500:
        error = ApiError(500, "api_error", "An unknown error occurred")
        return _json_answer(Reply(500, error.body()))
    if fault is Fault.STATUS_429:
        error = ApiError(
            429,
            "invalid_request_error",
            "Request rate limit exceeded. Learn more about rate limits here"
            " https://stripe.com/docs/rate-limits.",
            code="rate_limit",
        )
        retry_after = injection.retry_after
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        return _json_answer(Reply(429, error.body(), headers))
    if fault in (Fault.STATUS_502, Fault.STATUS_503):
        # What a load balancer in front of the API says: plain text, not Stripe's JSON.
        status = 502 if fault is Fault.STATUS_502 else 503
        text = b"Bad Gateway\n" if status == 502 else b"Service Unavailable\n"
        return _Answer(status, {"Content-Type": "text/plain"}, text)
    if fault is Fault.HTML_ERROR:
        return _Answer(502, {"Content-Type": "text/html"}, _HTML_502)
    assert fault is Fault.MALFORMED_JSON
    body = real.body if real is not None else _SOME_INTENT
    headers = {"Content-Type": "application/json", **(real.headers if real else {})}
    return _Answer(200, headers, body[: len(body) // 2])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every reply carries Content-Length
    disable_nagle_algorithm = True  # else the body waits for the client's delayed ACK
    server: _Server

    def version_string(self) -> str:
        return "nginx"  # what Stripe's API answers with

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log is FakeStripe.requests

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
        try:
            answer = fake._handle(self.command, self.path, dict(self.headers.items()), body, number)
        except Exception:
            fake._server_error(traceback.format_exc())
            answer = _json_answer(Reply(500, ApiError(500, "api_error", "fake crashed").body()))
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

    def __init__(self, fake: FakeStripe, host: str) -> None:
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
        self.fake._server_error(traceback.format_exc())


class FakeStripe:
    """A Stripe lookalike on 127.0.0.1 for tests: real HTTP, real state, faults on demand.

    Use as a context manager (or ``start()`` / ``stop()``); point the client at
    ``url`` with ``Authorization: Bearer <api_key>``. See the package docstring
    for what is simulated and what is simplified.
    """

    def __init__(self, api_key: str | None = None, *, host: str = "127.0.0.1") -> None:
        self.api_key = api_key or "sk_test_fake_" + new_id("k", 24)[2:]
        self.host = host
        #: The test PaymentMethods the account knows; tests may add their own ``Card``.
        self.cards: dict[str, Card] = dict(TEST_CARDS)
        self.ledger = Ledger()
        self.account = Account(self.ledger, self.cards)
        self._api_keys = {self.api_key}
        self._idempotency = IdempotencyStore()
        self._lock = threading.Lock()
        self._injections: list[Injection] = []
        self._requests: list[RecordedRequest] = []
        self.server_errors: list[str] = []
        self._server: _Server | None = None  # kept after stop(): its counts stay readable
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeStripe:
        if self._thread is None:
            self._server = _Server(self, self.host)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.01},  # stop() waits for one poll
                name="fake-stripe",
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

    def __enter__(self) -> FakeStripe:
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
        """``http://127.0.0.1:<port>``, the base URL to give the client."""
        if self._server is None:
            raise RuntimeError("FakeStripe was never started")
        return f"http://{self.host}:{self._server.server_address[1]}"

    # -- observation -----------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def connections_opened(self) -> int:
        """TCP connections accepted since start: 1 for any number of keep-alive requests."""
        return self._server.connections_opened if self._server else 0

    def payment_intent(self, pi_id: str) -> dict[str, Any]:
        """A PaymentIntent as ``GET /v1/payment_intents/{id}`` would return it."""
        with self.account.lock:
            return self.account.intent_json(self.account.intents[pi_id])

    def refund(self, refund_id: str) -> dict[str, Any]:
        with self.account.lock:
            return self.account.refund_json(self.account.refunds[refund_id])

    def in_flight(self, idempotency_key: str, api_key: str | None = None) -> bool:
        """Whether a request with this key is being processed right now."""
        return self._idempotency.in_flight(api_key or self.api_key, idempotency_key)

    # -- control ---------------------------------------------------------------------------

    def add_api_key(self, api_key: str | None = None) -> str:
        """Accept another secret key for the same account (own idempotency-key scope)."""
        api_key = api_key or "sk_test_fake_" + new_id("k", 24)[2:]
        self._api_keys.add(api_key)
        return api_key

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

        - ``SLOW``: wait ``seconds``. Before processing (default) the wait holds
          the idempotency key, so a retry meanwhile gets 409 as at Stripe, and the
          request still runs after the wait even if the client gave up; with
          ``after_processing`` the request runs first and only the reply is late.
        - ``DROP_BEFORE_PROCESSING``: close the connection; nothing happened.
        - ``DROP_AFTER_PROCESSING``: run the request fully (state changed, reply
          saved for the idempotency key), then close without answering.
        - ``STATUS_500`` (Stripe's ``api_error`` JSON), ``STATUS_502`` /
          ``STATUS_503`` (plain text from a proxy), ``STATUS_429`` (``rate_limit``,
          with ``Retry-After`` if given), ``MALFORMED_JSON`` (200 with half a JSON
          body), ``HTML_ERROR`` (502 HTML page): by default instead of processing,
          so nothing changes; with ``after_processing`` the request runs (and its
          real reply is what the idempotency key replays) and the fault replaces
          only the reply on the wire.

        Several armed injections fire in the order they were armed.
        """
        drops = (Fault.DROP_BEFORE_PROCESSING, Fault.DROP_AFTER_PROCESSING)
        if fault in drops and after_processing:
            raise ValueError(f"{fault.name} says when it happens; drop after_processing")
        if times < 1 or seconds < 0:
            raise ValueError("times must be ≥ 1 and seconds ≥ 0")
        injection = Injection(fault, times, path, method, seconds, after_processing, retry_after)
        with self._lock:
            self._injections.append(injection)
        return injection

    def clear_faults(self) -> None:
        with self._lock:
            self._injections.clear()

    def complete_3ds(self, pi_id: str, succeed: bool = True) -> dict[str, Any]:
        """The shopper finishes the 3-D Secure challenge of a ``requires_action`` intent.

        Success authorises (``requires_capture`` / ``succeeded``), or declines
        for cards that decline after authentication; failure puts the intent back
        in ``requires_payment_method`` with ``last_payment_error.code =
        payment_intent_authentication_failure``. Returns the intent.
        """
        with self.account.lock:
            return self.account.complete_3ds(pi_id, succeed)

    def settle_refund(self, refund_id: str, succeed: bool = True) -> dict[str, Any]:
        """A ``pending`` refund succeeds, or fails (``failure_reason``); returns the refund."""
        with self.account.lock:
            return self.account.settle_refund(refund_id, succeed)

    # -- request processing (handler threads) ----------------------------------------------

    def _server_error(self, text: str) -> None:
        with self._lock:
            self.server_errors.append(text)

    def _take_fault(self, method: str, path: str) -> Injection | None:
        with self._lock:
            for injection in self._injections:
                if injection.matches(method, path):
                    injection.fired += 1
                    return injection
        return None

    def _handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes, connection: int
    ) -> _Answer:
        url = urlsplit(target)
        shown = {k: "[redacted]" if k.lower() == "authorization" else v for k, v in headers.items()}
        record = RecordedRequest(method, url.path, url.query, shown, body, connection)
        injection = self._take_fault(method, url.path)
        record.fault = injection.fault if injection else None
        with self._lock:
            self._requests.append(record)
        answer = self._respond(method, url.path, url.query, headers, body, record, injection)
        record.status = answer.status
        return answer

    def _respond(
        self,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
        record: RecordedRequest,
        injection: Injection | None,
    ) -> _Answer:
        fault = injection.fault if injection else None
        after = injection is not None and injection.after_processing
        if fault is Fault.DROP_BEFORE_PROCESSING:
            return _Answer(None)
        if injection is not None and fault in REPLY_FAULTS and not after:
            return _fault_answer(injection, None)
        delay = injection.seconds if injection and fault is Fault.SLOW and not after else 0.0
        reply = self._process(method, path, query, headers, body, delay)
        record.replayed = reply.headers.get("Idempotent-Replayed") == "true"
        answer = _json_answer(reply)
        if fault is Fault.DROP_AFTER_PROCESSING:
            return _Answer(None)
        if injection is not None and fault is Fault.SLOW:
            time.sleep(injection.seconds if after else 0.0)
        if injection is not None and fault in REPLY_FAULTS:
            return _fault_answer(injection, answer)
        return answer

    def _process(
        self,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
        delay: float,
    ) -> Reply:
        """Auth, routing, idempotency, then the endpoint: what Stripe's API does with a request."""
        lowered = {k.lower(): v for k, v in headers.items()}
        request_id = new_id("req", 14)
        common = {
            "Request-Id": request_id,
            "Stripe-Version": lowered.get("stripe-version", API_VERSION),
        }
        key = lowered.get("idempotency-key") if method == "POST" else None
        if key is not None:
            common["Idempotency-Key"] = key
        reply = self._dispatch(method, path, query, lowered, body, delay, key, request_id)
        return Reply(reply.status, reply.body, {**reply.headers, **common}, reply.stored)

    def _dispatch(
        self,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
        delay: float,
        key: str | None,
        request_id: str,
    ) -> Reply:
        api_key = self._authenticate(headers.get("authorization"))
        if isinstance(api_key, ApiError):
            return Reply(api_key.status, api_key.body(), api_key.headers, stored=False)
        route = Account.route(method, path)
        if route is None:
            error = ApiError(
                404,
                "invalid_request_error",
                f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs"
                " or we can help at https://support.stripe.com/.",
            )
            return Reply(404, error.body())
        endpoint, object_id = route
        try:
            params = parse_form(body if method == "POST" else query)
        except (ValueError, UnicodeDecodeError) as exc:
            error = ApiError(400, "invalid_request_error", f"Invalid request body: {exc}")
            return Reply(400, error.body())
        if key is not None:
            early = self._idempotency.begin(api_key, key, f"{method} {path}", params, request_id)
            if early is not None:
                if early.headers.get("Idempotent-Replayed"):
                    self.ledger.count_replay(key)
                return early
            self.ledger.count_execution(key)
        reply = Reply(500, {}, stored=False)
        try:
            if delay:
                time.sleep(delay)
            reply = self.account.call(endpoint, object_id, params, key)
        except Exception:
            self._server_error(traceback.format_exc())
            error = ApiError(500, "api_error", "The fake crashed; see FakeStripe.server_errors.")
            reply = Reply(500, error.body(), stored=False)
        finally:
            if key is not None:
                self._idempotency.finish(api_key, key, reply)
        return reply

    def _authenticate(self, authorization: str | None) -> str | ApiError:
        """The API key from ``Bearer sk_…`` (or Basic ``sk_…:``), or Stripe's 401."""
        scheme, _, credential = (authorization or "").partition(" ")
        if scheme.lower() == "basic":
            with suppress(ValueError):
                credential = base64.b64decode(credential).decode().partition(":")[0]
        elif scheme.lower() != "bearer":
            credential = ""
        if credential in self._api_keys:
            return credential
        challenge = {"WWW-Authenticate": 'Bearer realm="Stripe"'}
        if not credential:
            return ApiError(
                401,
                "invalid_request_error",
                "You did not provide an API key. You need to provide your API key in the"
                " Authorization header, using Bearer auth (e.g. 'Authorization: Bearer"
                " YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details,"
                " or we can help at https://support.stripe.com/.",
                headers=challenge,
            )
        masked = credential[:8] + "*" * max(len(credential) - 12, 0) + credential[-4:]
        return ApiError(
            401,
            "invalid_request_error",
            f"Invalid API Key provided: {masked}",
            headers=challenge,
        )
