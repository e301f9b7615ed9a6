"""A real HTTP server on 127.0.0.1 that answers from a script, for transport tests."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """Answer with ``status`` and ``body`` (JSON unless bytes), after ``delay`` seconds."""

    status: int = 200
    body: Any = field(default_factory=lambda: {"ok": True})
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Drop:
    """Close the connection without answering, after recording the request or before."""

    after_processing: bool = True


@dataclass(frozen=True)
class Drip:
    """Answer ``body`` with status 200 one byte every ``interval`` seconds.

    With ``headers_too`` the status line and headers drip as well; otherwise
    they arrive at once and only the body drips.
    """

    body: bytes = b'{"ok": true}'
    interval: float = 0.05
    headers_too: bool = False


@dataclass(frozen=True)
class Flood:
    """Answer ``size`` bytes of spaces, declared in ``Content-Length`` or sent chunked."""

    size: int
    declare_length: bool = False


Step = Reply | Drop | Drip | Flood


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Loopback:
    """Scripted answers, then ``default``; records what it processed and connections."""

    def __init__(self) -> None:
        self.script: deque[Step] = deque()
        self.default: Step = Reply()
        self.processed: list[Received] = []
        self.connections = 0
        self.flooded = 0
        """Bytes of :class:`Flood` bodies written before the client stopped reading."""
        self._lock = threading.Lock()
        loopback = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with loopback._lock:
                    step = loopback.script.popleft() if loopback.script else loopback.default
                received = Received(self.command, self.path, dict(self.headers), body)
                if isinstance(step, Drop):
                    if step.after_processing:
                        loopback.processed.append(received)
                    self.close_connection = True
                    self.connection.close()
                    return
                loopback.processed.append(received)
                if isinstance(step, Drip):
                    self._drip(step)
                    return
                if isinstance(step, Flood):
                    self._flood(step)
                    return
                time.sleep(step.delay)
                payload = (
                    step.body if isinstance(step.body, bytes) else json.dumps(step.body).encode()
                )
                self.send_response(step.status)
                for name, value in step.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            def _drip(self, step: Drip) -> None:
                head = (
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n" % len(step.body)
                )
                if not step.headers_too:
                    self.wfile.write(head)
                    head = b""
                wire = head + step.body
                for index in range(len(wire)):
                    self.wfile.write(wire[index : index + 1])
                    time.sleep(step.interval)

            def _flood(self, step: Flood) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                if step.declare_length:
                    self.send_header("Content-Length", str(step.size))
                else:
                    self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                piece = b" " * 65536
                left = step.size
                while left > 0:
                    data = piece[: min(left, len(piece))]
                    framed = (
                        b"%x\r\n%s\r\n" % (len(data), data) if not step.declare_length else data
                    )
                    self.wfile.write(framed)
                    left -= len(data)
                    loopback.flooded += len(data)
                if not step.declare_length:
                    self.wfile.write(b"0\r\n\r\n")

            do_GET = do_POST = do_HEAD = _serve

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client giving up on a slow reply is part of the tests

            def get_request(self) -> Any:
                accepted = super().get_request()
                loopback.connections += 1
                return accepted

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def queue(self, *steps: Step) -> None:
        self.script.extend(steps)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
