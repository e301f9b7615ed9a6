"""The conformance kit: prove that a gateway plugin honours the whole contract.

Three ways to run it, all on the same checks:

* pytest: subclass :class:`GatewayConformanceTests` and set ``inputs``;
* the command line: ``gateway-plugins check NAME [--json] [--report FILE]``;
* code: :func:`run_conformance` returns a :class:`Report`.

This package imports its parts lazily: it is reached from the pytest plugin,
which every pytest run loads.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .inputs import ConformanceInputs, CustomerActionInput, DeclineInput, ThreeDSecureInput
    from .pytest_plugin import GatewayConformanceTests
    from .registry import Check, all_checks
    from .report import CheckResult, Outcome, Report
    from .runner import run_conformance
    from .servers import shared_server

_EXPORTS = {
    "Check": "registry",
    "CheckResult": "report",
    "ConformanceInputs": "inputs",
    "CustomerActionInput": "inputs",
    "DeclineInput": "inputs",
    "GatewayConformanceTests": "pytest_plugin",
    "Outcome": "report",
    "Report": "report",
    "ThreeDSecureInput": "inputs",
    "all_checks": "registry",
    "run_conformance": "runner",
    "shared_server": "servers",
}

__all__ = [
    "Check",
    "CheckResult",
    "ConformanceInputs",
    "CustomerActionInput",
    "DeclineInput",
    "GatewayConformanceTests",
    "Outcome",
    "Report",
    "ThreeDSecureInput",
    "all_checks",
    "run_conformance",
    "shared_server",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
