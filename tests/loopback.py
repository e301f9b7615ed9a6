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
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Loopback:
    """Scripted answers, then ``default``; records what it processed and connections."""

    def __init__(self) -> None:
        self.script: deque[Reply | Drop] = deque()
        self.default = Reply()
        self.processed: list[Received] = []
        self.connections = 0
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
                time.sleep(step.delay)
                payload = (
                    step.body if isinstance(step.body, bytes) else json.dumps(step.body).encode()
                )
                self.send_response(step.status)
                for name, value in step.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _serve

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

    def queue(self, *steps: Reply | Drop) -> None:
        self.script.extend(steps)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
