"""Containment: hooks answer with responses, never exceptions or other types."""

from __future__ import annotations

from ...errors import ErrorCode
from ...interface import GatewayResponse
from ..harness import Harness
from ..registry import CheckFailed, check
from .direct import ODD, Call, drive_directly


def _contained(h: Harness, calls: list[Call]) -> list[str]:
    """Replay the odd calls that went wrong through the manager: each must be contained."""
    s = h.session(auto_capture=False)
    problems = []
    for call in calls:
        if call.what not in ODD or call.payment is None or call.problem() is None:
            continue
        try:
            response = s.call(call.hook, call.payment)
        except CheckFailed as exc:
            problems.append(f"through the manager, {exc}")
            continue
        except Exception as exc:
            problems.append(f"through the manager, {call.name} raised {type(exc).__name__}")
            continue
        if response.is_success or response.error_code is not ErrorCode.PROCESSING_ERROR:
            problems.append(f"through the manager, {call.name} did not become processing_error")
    return problems


@check(
    "errors_contained",
    "every hook, called directly with good and odd inputs (unknown psp_reference, no token), "
    "answers a GatewayResponse of a kind that fits the operation and never raises; through "
    "the manager what a hook does wrong reaches the host as processing_error",
)
def errors_contained(h: Harness) -> str | None:
    run = drive_directly(h, h.session(auto_capture=False))
    problems = [p for p in (call.problem() for call in run.calls) if p]
    if not problems:
        return f"{len(run.calls)} direct calls"
    uncontained = _contained(h, run.calls)
    shown = "; ".join(problems[:3])
    more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
    if uncontained:
        raise CheckFailed(f"{shown}{more}; and it was not contained: {'; '.join(uncontained)}")
    crashed = any(
        call.error is not None or not isinstance(call.result, GatewayResponse | str)
        for call in run.calls
    )
    if crashed:
        more += (
            " (through the manager the host gets processing_error, but a gateway must answer "
            "every call with a GatewayResponse, a failed one if need be)"
        )
    raise CheckFailed(f"{shown}{more}")
