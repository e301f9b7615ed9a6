"""The table of checks: each an id, the capability it needs, a description and a function.

A check function takes the :class:`~gateway_plugins.conformance.harness.Harness`
and returns nothing (or a short note) when the plugin passes. It raises
:class:`CheckFailed` saying what is wrong, or :class:`CheckSkipped` when it does
not apply. The runner adds the check id to every message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..interface import Capability

if TYPE_CHECKING:
    from .harness import Harness

CheckFunction = Callable[["Harness"], "str | None"]


class CheckFailed(Exception):
    """The plugin does not honour the contract; the message says what is wrong."""


class CheckSkipped(Exception):
    """The check does not apply to this plugin; the message says why."""


@dataclass(frozen=True)
class Check:
    """One conformance check."""

    id: str
    description: str
    capability: Capability | None
    """Run only when the gateway declares this capability (skipped otherwise)."""
    hooks: tuple[str, ...]
    """Hooks the check needs: skipped when one is missing, failed when the
    capability is declared and the hook is missing."""
    structural: bool
    """Structural checks look at declarations; the others drive the plugin."""
    function: CheckFunction


_CHECKS: dict[str, Check] = {}


def check(
    check_id: str,
    description: str,
    *,
    capability: Capability | None = None,
    hooks: tuple[str, ...] = (),
    structural: bool = False,
) -> Callable[[CheckFunction], CheckFunction]:
    """Register the decorated function as the check ``check_id``."""

    def register(function: CheckFunction) -> CheckFunction:
        if check_id in _CHECKS:
            raise ValueError(f"check {check_id!r} is registered twice")
        _CHECKS[check_id] = Check(check_id, description, capability, hooks, structural, function)
        return function

    return register


def all_checks() -> dict[str, Check]:
    """Every check by id, structural ones first, in the order they are reported."""
    from . import checks  # noqa: F401  (importing the modules registers their checks)

    return dict(_CHECKS)
