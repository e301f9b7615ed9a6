"""Money flows through the manager: authorize, capture, refund, void, process_payment.

Amounts are in minor units of the first currency to try: 1000 is 10.00 USD,
1000 JPY or 1.000 KWD. A gateway without ``authorize`` is authorized through
``process_payment`` with ``auto_capture`` off.
"""

from __future__ import annotations

from ...interface import Capability, TransactionKind
from ..expect import expect_echo, expect_rejected, expect_success, money
from ..harness import Harness
from ..registry import CheckFailed, check
from ..session import Session

K = TransactionKind
CAPTURED = frozenset({K.CAPTURE, K.PENDING})
REFUNDED = frozenset({K.REFUND, K.REFUND_ONGOING, K.PENDING})
VOIDED = frozenset({K.VOID, K.CANCEL, K.PENDING})


def _of(s: Session, part: int, whole: int) -> str:
    """``4.00 USD of 10.00 USD``, from minor units of the session's currency."""
    currency = s.currency
    part_text = money(s.amount(part, currency), currency)
    return f"{part_text} of {money(s.amount(whole, currency), currency)}"


@check(
    "authorize_capture",
    "authorize, then capture the full amount: both succeed (kinds auth, then capture)",
    hooks=("capture",),
)
def authorize_capture(h: Harness) -> str | None:
    s = h.session(auto_capture=False)
    payment, authorization = s.authorized()
    capture = s.follow_up(payment, authorization, 1000)
    expect_success(s.call("capture", capture), "capture of the full amount", CAPTURED)
    return None


@check(
    "partial_capture",
    "capture 4.00 of an authorized 10.00: it succeeds for 4.00; without 'multiple_captures' "
    "a second capture of the rest is rejected",
    capability=Capability.PARTIAL_CAPTURE,
    hooks=("capture",),
)
def partial_capture(h: Harness) -> str | None:
    s = h.session(auto_capture=False)
    payment, authorization = s.authorized(1000)
    first = s.follow_up(payment, authorization, 400)
    what = f"partial capture of {_of(s, 400, 1000)}"
    expect_echo(expect_success(s.call("capture", first), what, CAPTURED), first, what)
    if Capability.MULTIPLE_CAPTURES not in h.info.capabilities:
        second = s.call("capture", s.follow_up(payment, authorization, 600))
        expect_rejected(
            second, "a second capture (the gateway does not declare 'multiple_captures')"
        )
    return None


@check(
    "multiple_captures",
    "capture 4.00 then 6.00 of an authorized 10.00: both succeed; a further capture is rejected",
    capability=Capability.MULTIPLE_CAPTURES,
    hooks=("capture",),
)
def multiple_captures(h: Harness) -> str | None:
    s = h.session(auto_capture=False)
    payment, authorization = s.authorized(1000)
    for part, what in ((400, "first"), (600, "second")):
        request = s.follow_up(payment, authorization, part)
        label = f"{what} capture ({_of(s, part, 1000)})"
        expect_echo(expect_success(s.call("capture", request), label, CAPTURED), request, label)
    extra = s.call("capture", s.follow_up(payment, authorization, 1))
    expect_rejected(extra, "a capture beyond the authorized amount (after two captures)")
    return None


@check(
    "refund",
    "refund the full amount of a captured payment: it succeeds (kind refund or refund_ongoing)",
    hooks=("refund",),
)
def refund(h: Harness) -> str | None:
    s = h.session(auto_capture=True)
    payment, captured = s.captured(1000)
    request = s.follow_up(payment, captured, 1000)
    what = "refund of the full amount"
    expect_echo(expect_success(s.call("refund", request), what, REFUNDED), request, what)
    return None


@check(
    "partial_refund",
    "refund 4.00 of a captured 10.00: it succeeds for 4.00; without 'multiple_refunds' a "
    "second refund is rejected",
    capability=Capability.PARTIAL_REFUND,
    hooks=("refund",),
)
def partial_refund(h: Harness) -> str | None:
    s = h.session(auto_capture=True)
    payment, captured = s.captured(1000)
    request = s.follow_up(payment, captured, 400)
    what = f"partial refund of {_of(s, 400, 1000)}"
    expect_echo(expect_success(s.call("refund", request), what, REFUNDED), request, what)
    if Capability.MULTIPLE_REFUNDS not in h.info.capabilities:
        second = s.call("refund", s.follow_up(payment, captured, 600))
        expect_rejected(second, "a second refund (the gateway does not declare 'multiple_refunds')")
    return None


@check(
    "multiple_refunds",
    "refund 4.00 then 6.00 of a captured 10.00: both succeed; a further refund is rejected",
    capability=Capability.MULTIPLE_REFUNDS,
    hooks=("refund",),
)
def multiple_refunds(h: Harness) -> str | None:
    s = h.session(auto_capture=True)
    payment, captured = s.captured(1000)
    for part, what in ((400, "first"), (600, "second")):
        request = s.follow_up(payment, captured, part)
        label = f"{what} refund ({_of(s, part, 1000)})"
        expect_echo(expect_success(s.call("refund", request), label, REFUNDED), request, label)
    extra = s.call("refund", s.follow_up(payment, captured, 1))
    expect_rejected(extra, "a refund beyond the captured amount (after two refunds)")
    return None


@check(
    "void",
    "void an authorization: it succeeds (kind void or cancel)",
    capability=Capability.VOID,
    hooks=("void",),
)
def void(h: Harness) -> str | None:
    s = h.session(auto_capture=False)
    payment, authorization = s.authorized()
    expect_success(s.call("void", s.follow_up(payment, authorization, 1000)), "void", VOIDED)
    return None


@check(
    "void_after_capture",
    "void a captured payment: it is rejected (is_success=False) or reported as pending, "
    "never claimed as a void of captured money",
    capability=Capability.VOID,
    hooks=("void",),
)
def void_after_capture(h: Harness) -> str | None:
    s = h.session(auto_capture=True)
    payment, captured = s.captured()
    response = s.call("void", s.follow_up(payment, captured, 1000))
    if response.is_success and response.kind is not K.PENDING:
        raise CheckFailed(
            f"void of a captured payment succeeded with kind {response.kind.value!r}: it must "
            "be rejected (is_success=False) or answered 'pending'"
        )
    return None


@check(
    "process_payment_auto_capture",
    "process_payment with auto_capture on takes the money in one call (kind capture)",
)
def process_payment_auto_capture(h: Harness) -> str | None:
    s = h.session(auto_capture=True)
    request = s.payment()
    what = "process_payment with auto_capture on"
    expect_echo(expect_success(s.call("process_payment", request), what, CAPTURED), request, what)
    return None


@check(
    "process_payment_manual_capture",
    "process_payment with auto_capture off only authorizes (kind auth), and the "
    "authorization can then be captured",
)
def process_payment_manual_capture(h: Harness) -> str | None:
    s = h.session(auto_capture=False)
    request = s.payment()
    what = "process_payment with auto_capture off"
    response = expect_success(s.call("process_payment", request), what, {K.AUTH, K.PENDING})
    if "capture" in s.impls and response.kind is K.AUTH:
        capture = s.call("capture", s.follow_up(request, response, 1000))
        expect_success(capture, "capture after process_payment with auto_capture off", CAPTURED)
    return None


@check(
    "over_capture",
    "capturing more than was authorized is rejected and leaves the authorization intact",
    hooks=("capture",),
)
def over_capture(h: Harness) -> str | None:
    s = h.session(auto_capture=False)
    payment, authorization = s.authorized(1000)
    over = s.call("capture", s.follow_up(payment, authorization, 1001))
    expect_rejected(over, f"capture of {_of(s, 1001, 1000)} authorized")
    full = s.call("capture", s.follow_up(payment, authorization, 1000))
    expect_success(full, "capture of the full amount after a rejected over-capture", CAPTURED)
    return None


@check(
    "over_refund",
    "refunding more than was captured is rejected and leaves the payment refundable",
    hooks=("refund",),
)
def over_refund(h: Harness) -> str | None:
    s = h.session(auto_capture=True)
    payment, captured = s.captured(1000)
    over = s.call("refund", s.follow_up(payment, captured, 1001))
    expect_rejected(over, f"refund of {_of(s, 1001, 1000)} captured")
    full = s.call("refund", s.follow_up(payment, captured, 1000))
    expect_success(full, "refund of the full amount after a rejected over-refund", REFUNDED)
    return None


@check(
    "undeclared_capabilities",
    "what the gateway does not declare, it does not do: without 'partial_capture' a partial "
    "capture is rejected, without 'partial_refund' a partial refund is rejected",
)
def undeclared_capabilities(h: Harness) -> str | None:
    declared, probed = h.info.capabilities, []
    if Capability.PARTIAL_CAPTURE not in declared and "capture" in h.implemented:
        s = h.session(auto_capture=False)
        payment, authorization = s.authorized(1000)
        response = s.call("capture", s.follow_up(payment, authorization, 400))
        if response.is_success:
            raise CheckFailed(
                "accepted a partial capture but does not declare 'partial_capture': declare it "
                "(hosts only offer what is declared) or reject partial amounts"
            )
        probed.append("partial_capture")
    if Capability.PARTIAL_REFUND not in declared and "refund" in h.implemented:
        s = h.session(auto_capture=True)
        payment, captured = s.captured(1000)
        response = s.call("refund", s.follow_up(payment, captured, 400))
        if response.is_success:
            raise CheckFailed(
                "accepted a partial refund but does not declare 'partial_refund': declare it "
                "or reject partial amounts"
            )
        probed.append("partial_refund")
    return f"probed {', '.join(probed)}" if probed else "nothing undeclared to probe"
