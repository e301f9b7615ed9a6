"""The HTTP side: a stdlib server on 127.0.0.1 with keep-alive, a request log and faults."""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
import socket
import sys
import threading
import time
import traceback
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from .account import Account, Request, Transaction
from .ledger import Ledger
from .schema import METHODS, Pairs, SchemaError, parse, validate
from .wire import (
    CONTENT_TYPE,
    ApiError,
    bad_credentials,
    encode,
    error_body,
    invalid_method,
    messages,
    schema_error,
)

#: The one endpoint of the API, below the host.
API_PATH = "/xml/v1/request.api"


class Fault(enum.Enum):
    """What can go wrong between the plugin and Authorize.Net. See ``FakeAuthorizeNet.inject``."""

    SLOW = "slow"
    DROP_BEFORE_PROCESSING = "drop_before_processing"
    DROP_AFTER_PROCESSING = "drop_after_processing"
    STATUS_500 = "status_500"
    STATUS_502 = "status_502"
    STATUS_503 = "status_503"
    MALFORMED_JSON = "malformed_json"
    HTML_ERROR = "html_error"


#: Faults that replace the reply (instead of processing, or after it with ``after_processing``).
REPLY_FAULTS = frozenset(
    {Fault.STATUS_500, Fault.STATUS_502, Fault.STATUS_503, Fault.MALFORMED_JSON, Fault.HTML_ERROR}
)


@dataclass
class Injection:
    """A fault armed for the next ``times`` requests; ``fired`` counts its uses."""

    fault: Fault
    times: int = 1
    seconds: float = 0.0
    after_processing: bool = False
    fired: int = 0


@dataclass
class RecordedRequest:
    """One request as received, and what became of it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    connection: int  # which accepted TCP connection carried it (1, 2, …)
    status: int | None = None  # None when the connection was dropped
    fault: Fault | None = None

    @property
    def pairs(self) -> Pairs:
        """The JSON body as ordered ``(key, value)`` pairs, exactly as sent."""
        return parse(self.body)

    @property
    def json(self) -> dict[str, Any]:
        """The JSON body as plain dicts."""
        return self.pairs.to_dict()

    @property
    def method_name(self) -> str:
        """The API method: the body's root key (``createTransactionRequest`` …)."""
        return self.pairs.keys()[0]

    @property
    def transaction_request(self) -> dict[str, Any]:
        return dict(self.json["createTransactionRequest"]["transactionRequest"])


@dataclass
class _Answer:
    """Bytes to send back; ``None`` status means: close the connection without a reply."""

    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


_HTML_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)


def _json_answer(body: dict[str, Any]) -> _Answer:
    return _Answer(200, {"Content-Type": CONTENT_TYPE}, encode(body))


def _fault_answer(fault: Fault, real: _Answer | None) -> _Answer:
    """The reply a fault puts on the wire instead of ``real`` (``None``: nothing processed)."""
    if fault is Fault.STATUS_500:
        return _Answer(500, {"Content-Type": "text/plain"}, b"Internal Server Error\n")
    if fault in (Fault.STATUS_502, Fault.STATUS_503):
        status = 502 if fault is Fault.STATUS_502 else 503
        text = b"Bad Gateway\n" if status == 502 else b"Service Unavailable\n"
        return _Answer(status, {"Content-Type": "text/plain"}, text)
    if fault is Fault.HTML_ERROR:
        return _Answer(502, {"Content-Type": "text/html"}, _HTML_502)
    assert fault is Fault.MALFORMED_JSON
    body = real.body if real is not None else encode({"messages": messages(True)})
    return _Answer(200, {"Content-Type": CONTENT_TYPE}, body[: len(body) // 2])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every reply carries Content-Length
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log is FakeAuthorizeNet.requests

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
            answer = _Answer(500, {"Content-Type": "text/plain"}, b"the fake crashed\n")
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

    def __init__(self, fake: FakeAuthorizeNet, host: str) -> None:
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
            return
        self.fake._server_error(traceback.format_exc())


class FakeAuthorizeNet:
    """An Authorize.Net lookalike on 127.0.0.1 for tests: real HTTP, real state, faults on demand.

    ``api_login_id`` / ``transaction_key`` are the credentials it accepts;
    ``signature_key`` signs its webhooks. For the account's behaviour
    (``currency``, ``auto_settle``, filters, duplicate window) see ``account``.
    """

    def __init__(
        self,
        *,
        currency: str = "USD",
        auto_settle: bool = True,
        avs_filter: frozenset[str] = frozenset({"A", "N"}),
        card_code_filter: frozenset[str] = frozenset({"N"}),
        api_login_id: str = "fake-api-login",
        transaction_key: str = "fakeTransKey7Q2x",
        signature_key: str = "56E3C6C9A1B2D4F0" * 8,
        host: str = "127.0.0.1",
    ) -> None:
        self.api_login_id = api_login_id
        self.transaction_key = transaction_key
        self.signature_key = signature_key
        self.host = host
        self._clock_offset = 0.0
        self.account = Account(
            currency=currency,
            auto_settle=auto_settle,
            avs_filter=avs_filter,
            card_code_filter=card_code_filter,
            clock=self._now,
        )
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._injections: list[Injection] = []
        self.server_errors: list[str] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> FakeAuthorizeNet:
        self._server = _Server(self, self.host)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        thread.join(timeout=5)

    def __enter__(self) -> FakeAuthorizeNet:
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
        """``http://127.0.0.1:<port>``: a plugin's ``base_url``."""
        if self._server is None:
            raise RuntimeError("FakeAuthorizeNet was never started")
        return f"http://{self.host}:{self._server.server_address[1]}"

    @property
    def endpoint(self) -> str:
        """The API URL: a plugin's ``endpoint``."""
        return self.url + API_PATH

    # -- observation ------------------------------------------------------------------------

    @property
    def ledger(self) -> Ledger:
        return self.account.ledger

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def connections_opened(self) -> int:
        return self._server.connections_opened if self._server else 0

    def transaction(self, trans_id: str) -> Transaction:
        with self.account.lock:
            return self.account.transactions[trans_id]

    def notifications(self) -> list[tuple[dict[str, str], bytes]]:
        """Every webhook event so far, as Authorize.Net would POST it: ``(headers, body)``."""
        with self.account.lock:
            events = list(self.account.events)
        return [self.signed(event) for event in events]

    def signed(self, event: dict[str, Any]) -> tuple[dict[str, str], bytes]:
        """``event`` as a webhook request signed with :attr:`signature_key`."""
        body = encode(event).removeprefix(b"\xef\xbb\xbf")  # webhooks carry no BOM
        digest = hmac.new(self.signature_key.encode("utf-8"), body, hashlib.sha512).hexdigest()
        headers = {
            "Content-Type": "application/json",
            "X-ANET-Signature": "sha512=" + digest.upper(),
        }
        return headers, body

    # -- control ----------------------------------------------------------------------------

    def settle(self) -> list[str]:
        """Run the settlement batch now (see ``Account.settle``)."""
        with self.account.lock:
            return self.account.settle()

    def review(self, trans_id: str, approve: bool = True) -> None:
        """The merchant approves or declines a transaction held for review."""
        with self.account.lock:
            self.account.review(trans_id, approve)

    def sale(self, amount: str = "10.00", nonce: str = "fake-nonce-visa") -> str:
        """Make a sale at the account as another client of the merchant would; its transId.

        For tests that need a transaction (and its webhook) without going through the
        plugin. The duplicate window is off for it.
        """
        request = {
            "transactionType": "authCaptureTransaction",
            "amount": amount,
            "payment": {"opaqueData": {"dataDescriptor": "COMMON.ACCEPT.INAPP.PAYMENT",
                                       "dataValue": nonce}},
            "transactionSettings": {"setting": [{"settingName": "duplicateWindow",
                                                 "settingValue": "0"}]},
        }  # fmt: skip
        with self.account.lock:
            reply = self.account.create_transaction(Request(request))
        response = reply["transactionResponse"]
        if response["responseCode"] != "1":
            raise ValueError(f"the sale was not approved: {response}")
        return str(response["transId"])

    def advance_clock(self, seconds: float) -> None:
        """Let ``seconds`` pass for the duplicate window."""
        self._clock_offset += seconds

    def inject(
        self,
        fault: Fault,
        *,
        times: int = 1,
        seconds: float = 1.0,
        after_processing: bool = False,
    ) -> Injection:
        """Arm ``fault`` for the next ``times`` requests.

        - ``SLOW``: wait ``seconds`` before processing (default), or process first
          and only send the reply late (``after_processing``).
        - ``DROP_BEFORE_PROCESSING``: close the connection; nothing happened.
        - ``DROP_AFTER_PROCESSING``: process fully, then close without answering.
        - ``STATUS_500`` / ``STATUS_502`` / ``STATUS_503`` (plain text from the
          front end), ``MALFORMED_JSON`` (200 with half a body), ``HTML_ERROR``
          (502 HTML page): instead of processing, or with ``after_processing``
          after it, replacing only the reply.
        """
        drops = (Fault.DROP_BEFORE_PROCESSING, Fault.DROP_AFTER_PROCESSING)
        if fault in drops and after_processing:
            raise ValueError(f"{fault.name} says when it happens; drop after_processing")
        if times < 1 or seconds < 0:
            raise ValueError("times must be ≥ 1 and seconds ≥ 0")
        injection = Injection(fault, times, seconds, after_processing)
        with self._lock:
            self._injections.append(injection)
        return injection

    # -- request processing (handler threads) -----------------------------------------------

    def _now(self) -> float:
        return time.monotonic() + self._clock_offset

    def _server_error(self, text: str) -> None:
        with self._lock:
            self.server_errors.append(text)

    def _take_fault(self) -> Injection | None:
        with self._lock:
            for injection in self._injections:
                if injection.fired < injection.times:
                    injection.fired += 1
                    return injection
        return None

    def _handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes, connection: int
    ) -> _Answer:
        record = RecordedRequest(method, path, headers, body, connection)
        injection = self._take_fault()
        record.fault = injection.fault if injection else None
        with self._lock:
            self._requests.append(record)
        answer = self._respond(method, path, body, injection)
        record.status = answer.status
        return answer

    def _respond(self, method: str, path: str, body: bytes, injection: Injection | None) -> _Answer:
        fault = injection.fault if injection else None
        after = injection is not None and injection.after_processing
        if fault is Fault.DROP_BEFORE_PROCESSING:
            return _Answer(None)
        if fault in REPLY_FAULTS and not after:
            assert fault is not None
            return _fault_answer(fault, None)
        if fault is Fault.SLOW and not after:
            assert injection is not None
            time.sleep(injection.seconds)
        answer = self._process(method, path, body)
        if fault is Fault.DROP_AFTER_PROCESSING:
            return _Answer(None)
        if fault is Fault.SLOW:
            assert injection is not None
            time.sleep(injection.seconds)
        if fault in REPLY_FAULTS:
            assert fault is not None
            return _fault_answer(fault, answer)
        return answer

    def _process(self, method: str, path: str, body: bytes) -> _Answer:
        """What the API does with a request: route, parse, validate, authenticate, execute."""
        if path.split("?")[0] != API_PATH:
            return _Answer(404, {"Content-Type": "text/html"}, b"<html>404 Not Found</html>")
        if method != "POST":
            return _Answer(405, {"Content-Type": "text/plain", "Allow": "POST"}, b"")
        ref_id = None
        try:
            pairs = parse(body)
            keys = pairs.keys()
            if len(keys) != 1:
                raise SchemaError("The request must have exactly one root element.")
            root, element = pairs[0]
            if root not in METHODS:
                raise invalid_method()
            if not isinstance(element, Pairs):
                raise SchemaError(f"The element '{root}' must be an object.")
            validate(root, element)
            request = element.to_dict()
            ref_id = request.get("refId")
            self._authenticate(request.get("merchantAuthentication"))
            with self.account.lock:
                return _json_answer(self._execute(root, request, ref_id))
        except SchemaError as exc:
            return _json_answer(error_body(schema_error(str(exc)), ref_id))
        except ApiError as exc:
            return _json_answer(error_body(exc, ref_id))

    def _authenticate(self, given: object) -> None:
        if not isinstance(given, dict):
            raise bad_credentials()
        name, key = given.get("name"), given.get("transactionKey")
        if not (
            isinstance(name, str)
            and isinstance(key, str)
            and hmac.compare_digest(name.encode(), self.api_login_id.encode())
            and hmac.compare_digest(key.encode(), self.transaction_key.encode())
        ):
            raise bad_credentials()

    def _execute(self, root: str, request: dict[str, Any], ref_id: str | None) -> dict[str, Any]:
        if root == "getTransactionDetailsRequest":
            transaction = self.account.transaction_details(str(request["transId"]))
            reply: dict[str, Any] = {"transaction": transaction}
            if ref_id:
                reply["refId"] = ref_id
            reply["messages"] = messages(True)
            return reply
        body = request["transactionRequest"]  # required by the schema, checked above
        return self.account.create_transaction(Request(body, ref_id))


def decimal_of(body: bytes, *path: str) -> Decimal:
    """A JSON number from a reply or webhook body, read exactly (for tests)."""
    value: Any = json.loads(body.decode("utf-8-sig"), parse_float=Decimal)
    for key in path:
        value = value[key]
    return Decimal(value)
