"""Operations out of order: money that was released or never taken cannot move.

A capture after a void would take money the shopper was told is released; a
refund of an authorization that was never captured would pay back money that
was never taken. Both must be rejected.
"""

from __future__ import annotations

from ...interface import Capability, TransactionKind
from ..expect import expect_rejected, expect_success
from ..harness import Harness
from ..registry import CheckFailed, CheckSkipped, check
from .flows import VOIDED

#: A success that is not one yet: the PSP decides later (settled when the inputs can).
_NOT_YET = frozenset({TransactionKind.PENDING, TransactionKind.REFUND_ONGOING})


@check(
    "capture_after_void",
    "capture an authorization after voiding it: the void succeeds, the capture is rejected",
    capability=Capability.VOID,
    hooks=("void",),
)
def capture_after_void(h: Harness) -> str | None:
    if "capture" not in h.implemented:
        raise CheckSkipped("the plugin does not implement capture")
    s = h.session(auto_capture=False)
    payment, authorization = s.authorized()
    expect_success(s.call("void", s.follow_up(payment, authorization, 1000)), "void", VOIDED)
    response = s.call("capture", s.follow_up(payment, authorization, 1000))
    if response.is_success and response.kind is TransactionKind.PENDING:
        return "the capture answered 'pending' and the kit cannot settle the test PSP to see more"
    if response.is_success:
        raise CheckFailed(
            f"capture after a successful void succeeded (kind {response.kind.value!r}): a "
            "voided authorization holds no money; reject the capture with is_success=False"
        )
    return None


@check(
    "refund_before_capture",
    "refund an authorization that was never captured: it is rejected (no money was taken, "
    "so none can go back)",
    hooks=("refund",),
)
def refund_before_capture(h: Harness) -> str | None:
    s = h.session(auto_capture=False)
    payment, authorization = s.authorized()
    response = s.call("refund", s.follow_up(payment, authorization, 1000))
    if response.is_success and response.kind in _NOT_YET:
        return (
            f"the refund answered {response.kind.value!r} and the kit cannot settle the "
            "test PSP to see more"
        )
    expect_rejected(
        response,
        "refund of an authorization that was never captured (release it with void instead)",
    )
    return None
