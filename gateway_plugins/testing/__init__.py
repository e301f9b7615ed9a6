"""Test tooling for plugin authors: the shared parts of a fake PSP.

:class:`FakePSPServer` is a real HTTP server on 127.0.0.1 with keep-alive, a
request log and faults on demand; a fake subclasses it with what its PSP does
(:mod:`gateway_plugins.testing.psp_server`). :class:`Ledger` records what
really happened there (:mod:`gateway_plugins.testing.ledger`).

Standard library only, and never imported by ``import gateway_plugins``.
"""

from .ledger import Ledger
from .psp_server import Answer, FakePSPServer, Fault, Incoming, Injection, RecordedRequest

__all__ = [
    "Answer",
    "FakePSPServer",
    "Fault",
    "Incoming",
    "Injection",
    "Ledger",
    "RecordedRequest",
]
