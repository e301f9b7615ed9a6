"""A stand-in for a plugin that records every call of its hooks.

Used where a check must prove the plugin was *not* called (the manager routes
around it), which no response can show.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pluggy import HookImpl

from ..hookspecs import PROJECT_NAME

_MARKER = PROJECT_NAME + "_impl"


@dataclass(frozen=True)
class HookCall:
    """One call of one hook of the spied plugin."""

    hook: str
    arguments: Mapping[str, Any]


class Spy:
    """The same hook implementations as the spied plugin (same options), each call recorded."""

    def __init__(self, implementations: Mapping[str, HookImpl]) -> None:
        self.calls: list[HookCall] = []
        for hook, impl in implementations.items():
            setattr(self, hook, self._recording(hook, impl))

    def money_calls(self) -> list[HookCall]:
        """Calls of any hook but ``gateway_info`` and ``configure_gateway``."""
        return [c for c in self.calls if c.hook not in ("gateway_info", "configure_gateway")]

    def _recording(self, hook: str, impl: HookImpl) -> Callable[..., Any]:
        function = impl.function

        @functools.wraps(function)  # keeps the signature pluggy reads
        def recorded(**arguments: Any) -> Any:
            self.calls.append(HookCall(hook, dict(arguments)))
            return function(**arguments)

        setattr(recorded, _MARKER, {**impl.opts, "specname": None})
        return recorded
