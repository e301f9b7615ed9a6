"""The HTTP side: a stdlib server on 127.0.0.1 with keep-alive, API keys, spec checks and faults."""

from __future__ import annotations

import enum
import json
import secrets
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

from plugins.adyen.tests import adyen_spec

from .cards import Card
from .idempotency import IdempotencyStore
from .ledger import Ledger, Payment
from .merchant import Merchant
from .webhooks import Webhook, body_of, hmac_signature, signed
from .wire import Reply, ServiceError, unauthorized


class Fault(enum.Enum):
    """What can go wrong between the plugin and Adyen. See :meth:`FakeAdyen.inject`."""

    SLOW = "slow"
    DROP_BEFORE_PROCESSING = "drop_before_processing"
    DROP_AFTER_PROCESSING = "drop_after_processing"
    STATUS_500 = "status_500"
    STATUS_502 = "status_502"
    STATUS_503 = "status_503"
    STATUS_429 = "status_429"
    MALFORMED_JSON = "malformed_json"
    HTML_ERROR = "html_error"


#: Faults that replace the reply (instead of processing, or after it with ``after_processing``).
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
    seconds: float = 0.0
    after_processing: bool = False
    retry_after: int | None = None
    fired: int = 0

    @property
    def remaining(self) -> int:
        return self.times - self.fired

    def matches(self, path: str) -> bool:
        return self.remaining > 0 and (self.path is None or path.startswith(self.path))


@dataclass
class RecordedRequest:
    """One request as received (``X-API-Key`` redacted), and what became of it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    connection: int
    status: int | None = None  # None when the connection was dropped
    replayed: bool = False
    fault: Fault | None = None

    @property
    def idempotency_key(self) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == "idempotency-key"), None)

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class SpecViolation:
    """A request body that does not match Adyen's spec (the fake answered 422)."""

    method: str
    path: str
    schema: str
    errors: list[str]


@dataclass
class _Answer:
    """Bytes to send back; ``None`` status means: close the connection without a reply."""

    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def _json_answer(reply: Reply) -> _Answer:
    headers = {"Content-Type": "application/json;charset=UTF-8", **reply.headers}
    return _Answer(reply.status, headers, json.dumps(reply.body, indent=2).encode())


_HTML_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)
_SOME_PAYMENT = b'{\n  "resultCode": "Authorised",\n  "pspReference": "TRUNCATED0000001"\n}'


def _fault_answer(injection: Injection, real: _Answer | None) -> _Answer:
    """The reply a fault puts on the wire instead of ``real`` (``None``: nothing processed)."""
    fault = injection.fault
    if fault is Fault.STATUS_500:
        error = ServiceError(500, "000", "An unexpected error occurred", "internal")
        return _json_answer(error.reply())
    if fault is Fault.STATUS_429:
        headers = (
            {} if injection.retry_after is None else {"Retry-After": str(injection.retry_after)}
        )
        return _Answer(429, {"Content-Type": "text/plain", **headers}, b"Too Many Requests\n")
    if fault in (Fault.STATUS_502, Fault.STATUS_503):
        # What a load balancer in front of the API says: plain text, not a ServiceError.
        status = 502 if fault is Fault.STATUS_502 else 503
        text = b"Bad Gateway\n" if status == 502 else b"Service Unavailable\n"
        return _Answer(status, {"Content-Type": "text/plain"}, text)
    if fault is Fault.HTML_ERROR:
        return _Answer(502, {"Content-Type": "text/html"}, _HTML_502)
    assert fault is Fault.MALFORMED_JSON
    body = real.body if real is not None else _SOME_PAYMENT
    headers = {"Content-Type": "application/json", **(real.headers if real else {})}
    return _Answer(200 if real is None else real.status or 200, headers, body[: len(body) // 2])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every reply carries Content-Length
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log is FakeAdyen.requests

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = self.rfile.read(length) if length else b""
        except OSError:
            self.close_connection = True
            return
        number = self.server.connection_number(self.connection)
        try:
            answer = fake._handle(self.command, self.path, dict(self.headers.items()), body, number)
        except Exception:
            fake._server_error(traceback.format_exc())
            answer = _json_answer(ServiceError(500, "000", "fake crashed", "internal").reply())
        if answer.status is None:
            self.close_connection = True
            with suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
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


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, fake: FakeAdyen, host: str) -> None:
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


class FakeAdyen:
    """An Adyen Checkout v71 lookalike on 127.0.0.1: real HTTP, real state, webhooks, faults.

    Use as a context manager (or ``start()`` / ``stop()``). Point the client at
    :attr:`url` with ``X-API-Key: <api_key>`` and ``merchantAccount``
    :attr:`merchant_account`; verify its webhooks with :attr:`hmac_key` (hex,
    random per instance). See the package docstring for what is simulated.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        merchant_account: str = "GatewayPluginsTestECOM",
        host: str = "127.0.0.1",
        validate_requests: bool | None = None,
    ) -> None:
        self.api_key = api_key or "AQE_fake_" + secrets.token_urlsafe(24)
        self.merchant_account = merchant_account
        self.hmac_key = secrets.token_hex(32).upper()
        self.host = host
        #: Requests are checked against Adyen's spec when it is available (or when told to).
        self.validate_requests = (
            adyen_spec.spec_available() if validate_requests is None else validate_requests
        )
        self.ledger = Ledger()
        self.merchant = Merchant(merchant_account, self.hmac_key, self.ledger)
        self._api_keys = {self.api_key}
        self._idempotency = IdempotencyStore()
        self._lock = threading.Lock()
        self._injections: list[Injection] = []
        self._requests: list[RecordedRequest] = []
        self._violations: list[SpecViolation] = []
        self.server_errors: list[str] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeAdyen:
        if self._thread is None:
            self._server = _Server(self, self.host)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.01},
                name="fake-adyen",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None or self._server is None:
            return
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        thread.join(timeout=5)

    def __enter__(self) -> FakeAdyen:
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
        """``http://127.0.0.1:<port>/v71``, the base URL to configure."""
        if self._server is None:
            raise RuntimeError("FakeAdyen was never started")
        return f"http://{self.host}:{self._server.server_address[1]}/v71"

    # -- observation ---------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def connections_opened(self) -> int:
        return self._server.connections_opened if self._server else 0

    def take_spec_violations(self) -> list[SpecViolation]:
        """Requests refused for not matching Adyen's spec, since the last call."""
        with self._lock:
            taken, self._violations = self._violations, []
        return taken

    def payment(self, psp_reference: str) -> Payment:
        """The fake's record of one payment (read it, do not change it)."""
        with self.merchant.lock:
            return self.merchant.payments[psp_reference]

    def charges_for(self, psp_reference: str) -> int:
        """Authorised payments with this payment's merchant reference (1 unless charged twice)."""
        with self.merchant.lock:
            return self.merchant.charges_for(psp_reference)

    def in_flight(self, idempotency_key: str) -> bool:
        return self._idempotency.in_flight(self.api_key, idempotency_key)

    # -- control ------------------------------------------------------------------------------

    def inject(
        self,
        fault: Fault,
        *,
        times: int = 1,
        path: str | None = None,
        seconds: float = 1.0,
        after_processing: bool = False,
        retry_after: int | None = None,
    ) -> Injection:
        """Arm ``fault`` for the next ``times`` requests under ``path`` (``/payments`` …).

        - ``SLOW``: wait ``seconds`` before processing (holding the idempotency key,
          so a retry meanwhile gets 422 ``704``), or with ``after_processing`` after it.
        - ``DROP_BEFORE_PROCESSING``: close the connection; nothing happened.
        - ``DROP_AFTER_PROCESSING``: process fully (reply kept for the key), then close.
        - ``STATUS_500`` (a ServiceError), ``STATUS_502`` / ``STATUS_503`` (plain text),
          ``STATUS_429`` (with ``Retry-After`` if given), ``MALFORMED_JSON`` (half a
          body), ``HTML_ERROR`` (a 502 page): instead of processing; with
          ``after_processing`` the request runs and only the reply is replaced.
        """
        drops = (Fault.DROP_BEFORE_PROCESSING, Fault.DROP_AFTER_PROCESSING)
        if fault in drops and after_processing:
            raise ValueError(f"{fault.name} says when it happens; drop after_processing")
        if times < 1 or seconds < 0:
            raise ValueError("times must be ≥ 1 and seconds ≥ 0")
        if path is not None:
            path = "/v71" + path if not path.startswith("/v71") else path
        injection = Injection(fault, times, path, seconds, after_processing, retry_after)
        with self._lock:
            self._injections.append(injection)
        return injection

    def clear_faults(self) -> None:
        with self._lock:
            self._injections.clear()

    def complete_3ds(self, psp_reference: str, passed: bool = True) -> dict[str, Any]:
        """The shopper finishes 3-D Secure: the ``{"details": …}`` to post to /payments/details."""
        with self.merchant.lock:
            return self.merchant.complete_3ds(psp_reference, passed)

    def settle(self) -> list[Webhook]:
        """Process every received capture, refund and cancel; returns the webhooks this queued."""
        with self.merchant.lock:
            return self.merchant.settle()

    def take_webhooks(self) -> list[Webhook]:
        """The webhooks waiting for delivery, oldest first; the outbox is emptied."""
        return self.merchant.outbox.take()

    def scheme_rejects(self, psp_reference: str) -> None:
        """Captures and refunds of this payment are accepted, then rejected by the card scheme."""
        with self.merchant.lock:
            self.merchant.scheme_rejects(psp_reference)

    def store_card(
        self,
        shopper_reference: str,
        number: str = "4111111111111111",
        *,
        holder_name: str = "J. Smith",
        expiry: tuple[int, int] = (3, 2030),
    ) -> str:
        """Keep a card for ``shopper_reference`` (as ``POST /storedPaymentMethods``); its id."""
        card = Card(number, expiry[0], expiry[1], holder_name)
        with self.merchant.lock:
            return self.merchant.store_card(shopper_reference, card).id

    def sign(self, item: dict[str, Any], hex_key: str | None = None) -> dict[str, Any]:
        """``item`` with its ``hmacSignature`` (under this fake's key unless told otherwise)."""
        return signed(item, hex_key or self.hmac_key)

    def signature(self, item: dict[str, Any]) -> str:
        return hmac_signature(item, self.hmac_key)

    @staticmethod
    def webhook_body(items: list[dict[str, Any]]) -> bytes:
        """A JSON webhook body holding ``items`` as they are (signed or not)."""
        return body_of(items)

    def sample_webhook(self) -> Webhook:
        """A fresh genuine webhook: a new payment authorised, and its AUTHORISATION item."""
        body = {
            "merchantAccount": self.merchant_account,
            "amount": {"currency": "EUR", "value": 1000},
            "reference": "sample-" + secrets.token_hex(6),
            "returnUrl": "https://shop.example/return",
            "paymentMethod": {"type": "scheme", "number": "4111111111111111",
                              "expiryMonth": "03", "expiryYear": "2030", "cvc": "737"},
        }  # fmt: skip
        with self.merchant.lock:
            before = len(self.merchant.outbox.peek())
            self.merchant.call(self.merchant.payments_endpoint, body)
            webhook = self.merchant.outbox.peek()[before]
        self.merchant.outbox.take()  # the sample is handed over, not left in the outbox
        return webhook

    # -- request processing (handler threads) ------------------------------------------------

    def _server_error(self, text: str) -> None:
        with self._lock:
            self.server_errors.append(text)

    def _take_fault(self, path: str) -> Injection | None:
        with self._lock:
            for injection in self._injections:
                if injection.matches(path):
                    injection.fired += 1
                    return injection
        return None

    def _handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes, connection: int
    ) -> _Answer:
        path = urlsplit(target).path
        shown = {k: "[redacted]" if k.lower() == "x-api-key" else v for k, v in headers.items()}
        record = RecordedRequest(method, path, shown, body, connection)
        injection = self._take_fault(path)
        record.fault = injection.fault if injection else None
        with self._lock:
            self._requests.append(record)
        answer = self._respond(method, path, headers, body, record, injection)
        record.status = answer.status
        return answer

    def _respond(
        self,
        method: str,
        path: str,
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
        reply = self._process(method, path, headers, body, delay, record)
        answer = _json_answer(reply)
        if fault is Fault.DROP_AFTER_PROCESSING:
            return _Answer(None)
        if injection is not None and fault is Fault.SLOW and after:
            time.sleep(injection.seconds)
        if injection is not None and fault in REPLY_FAULTS:
            return _fault_answer(injection, answer)
        return answer

    def _process(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        body: bytes,
        delay: float,
        record: RecordedRequest,
    ) -> Reply:
        """Auth, routing, body checks, idempotency, then the endpoint."""
        lowered = {k.lower(): v for k, v in headers.items()}
        key = lowered.get("idempotency-key")
        reply = self._dispatch(method, path, lowered, body, delay, key, record)
        if key is not None:
            reply.headers["Idempotency-Key"] = key
        return reply

    def _dispatch(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        body: bytes,
        delay: float,
        key: str | None,
        record: RecordedRequest,
    ) -> Reply:
        if headers.get("x-api-key") not in self._api_keys:
            return unauthorized().reply()
        local = path.removeprefix("/v71")
        endpoint = self.merchant.route(local) if path.startswith("/v71/") else None
        if endpoint is None or method != "POST":
            status, message = (
                (404, "Not Found") if endpoint is None else (405, "Method Not Allowed")
            )
            return ServiceError(status, "000", message, stored=False, reference=False).reply()
        try:
            document = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            error = ServiceError(400, "702", "Unexpected input: the body is not JSON", stored=False)
            return error.reply()
        violation = self._check_spec(method, local, document)
        if violation is not None:
            return violation
        if key is not None:
            early = self._idempotency.begin(self.api_key, key, local, document)
            if early is not None:
                if early.stored:
                    record.replayed = True
                    self.ledger.count_replay(key)
                return early
            self.ledger.count_execution(key)
        reply = Reply(500, {}, stored=False)
        try:
            if delay:
                time.sleep(delay)
            reply = self.merchant.call(endpoint, document)
        except Exception:
            self._server_error(traceback.format_exc())
            reply = ServiceError(
                500, "000", "The fake crashed; see server_errors", "internal"
            ).reply()
        finally:
            if key is not None:
                self._idempotency.finish(self.api_key, key, reply)
        return reply

    def _check_spec(self, method: str, path: str, document: Any) -> Reply | None:
        """A 422 naming every way ``document`` misses Adyen's spec, or ``None`` if it fits."""
        if not self.validate_requests:
            return None
        template = adyen_spec.template_of(path)
        schema = adyen_spec.REQUEST_SCHEMAS.get((method, template or ""))
        if schema is None:
            return None
        errors = adyen_spec.schema_errors(schema, document)
        if not errors:
            return None
        with self._lock:
            self._violations.append(SpecViolation(method, path, schema, errors))
        message = f"Structure of {schema} does not match the API: " + "; ".join(errors)
        return ServiceError(422, "702", message, stored=False).reply()
