"""Customer actions: a 3-D Secure challenge, a redirect to the PSP's or the bank's page.

Each check authorizes its input's token, expects a sound
:class:`~gateway_plugins.actions.CustomerAction` of its kind, plays the shopper
passing (the confirmation completes the payment) and then failing (the
confirmation declines it). A redirect is also confirmed before the shopper
acted: a shopper coming back to the shop proves nothing, only the PSP knows
whether they paid.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...actions import ActionKind, CustomerAction
from ...errors import ErrorCode
from ...interface import Capability, PaymentData, TransactionKind
from ..expect import describe_failure, expect_echo, expect_success
from ..harness import Harness
from ..inputs import CustomerActionInput
from ..registry import CheckFailed, CheckSkipped, check
from ..session import Session
from ..shopper import brought_back, confirmation, customer_action

K = TransactionKind
#: What a confirmation may answer once the shopper passed.
_DONE = frozenset({K.AUTH, K.CAPTURE, K.CONFIRM, K.PENDING})
#: What a confirmation may answer before the shopper acted (a failure is fine too).
_NOT_YET = frozenset({K.ACTION_TO_CONFIRM, K.PENDING})


@dataclass(frozen=True)
class _Words:
    """How the messages of one check name its input and the shopper's two outcomes."""

    name: str
    passed: str
    failed: str


_WORDS = {
    ActionKind.THREE_D_SECURE: _Words(
        "the 3-D Secure input", "a passed challenge", "a failed challenge"
    ),
    ActionKind.REDIRECT: _Words(
        "the redirect input", "the shopper paid", "the shopper failed to pay"
    ),
}


def _act(s: Session, action_input: CustomerActionInput, kind: ActionKind, what: str) -> tuple[
    PaymentData, CustomerAction
]:  # fmt: skip
    """Authorize the input's token: the request, and the action it asks for."""
    operation = "authorize" if "authorize" in s.impls else "process_payment"
    request = s.payment(token=action_input.token)
    label = f"{operation} of {_WORDS[kind].name} ({what})"
    response = s.call(operation, request, follow=False)
    if not response.is_success:
        raise CheckFailed(f"{label} failed: {describe_failure(response)}")
    action = customer_action(response, label)
    if action.kind is not kind:
        raise CheckFailed(
            f"{label} asked for a customer action of kind {action.kind.value!r}, expected "
            f"{kind.value!r}"
        )
    expect_echo(response, request, label)
    return request, action


def _passes(s: Session, action_input: CustomerActionInput, kind: ActionKind) -> None:
    request, action = _act(s, action_input, kind, "the shopper passes")
    data = brought_back(action_input, action.psp_reference, True)
    confirm = confirmation(request, action, data)
    what = f"confirm_payment after {_WORDS[kind].passed}"
    done = expect_success(s.call("confirm_payment", confirm), what, _DONE)
    expect_echo(done, confirm, what)


def _too_early(
    s: Session, request: PaymentData, action: CustomerAction, action_input: CustomerActionInput
) -> None:
    """A confirmation before the shopper acted must not report the payment as made."""
    early = confirmation(request, action, action_input.confirm_data, step="early")
    response = s.call("confirm_payment", early, follow=False)
    if response.is_success and response.kind not in _NOT_YET:
        raise CheckFailed(
            f"confirm_payment before the shopper acted succeeded (kind {response.kind.value!r}): "
            "the shopper's return to the shop proves nothing; ask the PSP whether the "
            "payment was made, and answer 'action_to_confirm' or 'pending' while it was not"
        )


def _fails(
    s: Session, action_input: CustomerActionInput, kind: ActionKind, *, early: bool
) -> str | None:
    if action_input.failed_data is None and action_input.complete is None:
        return f"{_WORDS[kind].failed} not tried (no failed_data or complete in the inputs)"
    request, action = _act(s, action_input, kind, "the shopper fails")
    if early and action_input.complete is not None:
        _too_early(s, request, action, action_input)
    data = brought_back(action_input, action.psp_reference, False)
    what = f"confirm_payment after {_WORDS[kind].failed}"
    response = s.call("confirm_payment", confirmation(request, action, data))
    if response.is_success or response.error_code is None:
        raise CheckFailed(f"{what} succeeded (kind {response.kind.value!r}); it must decline")
    if response.error_code is not ErrorCode.DECLINED:
        raise CheckFailed(
            f"{what} gave error_code {response.error_code.value!r}, expected 'declined'"
        )
    return None


@check(
    "three_d_secure",
    "the 3-D Secure input answers action_required with a CustomerAction of kind "
    "three_d_secure; confirm_payment after a passed challenge completes it, after a failed "
    "one declines it",
    capability=Capability.THREE_D_SECURE,
    hooks=("confirm_payment",),
)
def three_d_secure(h: Harness) -> str | None:
    action_input = h.inputs.three_d_secure
    if action_input is None:
        raise CheckFailed(
            "the gateway declares 'three_d_secure' but the inputs give no 3-D Secure input "
            "(ConformanceInputs.three_d_secure)"
        )
    s = h.session()
    _passes(s, action_input, ActionKind.THREE_D_SECURE)
    return _fails(s, action_input, ActionKind.THREE_D_SECURE, early=False)


@check(
    "redirect",
    "the redirect input answers action_required with a CustomerAction of kind redirect (an "
    "http(s) url, a psp_reference, form fields only for a POST); confirm_payment after the "
    "shopper paid completes it, before the shopper acted does not, after the shopper failed "
    "declines it",
    capability=Capability.REDIRECT,
    hooks=("confirm_payment",),
)
def redirect(h: Harness) -> str | None:
    action_input = h.inputs.redirect
    if action_input is None:
        raise CheckSkipped(
            "the gateway declares 'redirect' but the inputs give no redirect input "
            "(ConformanceInputs.redirect): the redirect flow was not tried"
        )
    s = h.session()
    _passes(s, action_input, ActionKind.REDIRECT)
    return _fails(s, action_input, ActionKind.REDIRECT, early=True)
