"""Test PSP servers shared by a whole process: started on first use, stopped at exit.

A plugin's ``conformance_inputs()`` is asked once per run of the kit (and, in
pytest, once per check): an HTTP plugin points its inputs at one fake PSP that
lives as long as the process, rather than starting one each time::

    def conformance_inputs(self) -> ConformanceInputs:
        from gateway_plugins.conformance import shared_server

        from .testing import FakeAcmePay, inputs_for

        return inputs_for(shared_server(FakeAcmePay))
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar


class Startable(Protocol):
    """A server with ``start()`` and ``stop()``, like ``gateway_plugins.testing.FakePSPServer``."""

    def start(self) -> Any: ...

    def stop(self) -> Any: ...


S = TypeVar("S", bound=Startable)

_lock = threading.Lock()
_running: dict[Callable[[], Any], Any] = {}


def shared_server(factory: Callable[[], S]) -> S:
    """The one server ``factory`` makes in this process, started; it is stopped at exit."""
    with _lock:
        server: S | None = _running.get(factory)
        if server is None:
            server = factory()
            server.start()
            atexit.register(server.stop)
            _running[factory] = server
        return server
