"""Outcomes driven by inputs: declines, 3-D Secure, client tokens, idempotency."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...exceptions import ClientTokenError
from ...interface import Capability, GatewayResponse, TransactionKind
from ..expect import describe_failure, expect_echo, expect_success, reference_of
from ..harness import Harness, Session
from ..inputs import ThreeDSecureInput
from ..registry import CheckFailed, check

K = TransactionKind


def _first_operation(s: Session) -> str:
    return "authorize" if "authorize" in s.impls else "process_payment"


@check(
    "declines",
    "each decline input fails (is_success=False) with its expected ErrorCode and keeps the "
    "PSP's raw code in psp_error_code; where the error table lists that code, it agrees",
)
def declines(h: Harness) -> str | None:
    inputs = h.inputs.declines()
    if not inputs:
        raise CheckFailed(
            "the inputs give no decline tokens: set ConformanceInputs.decline_tokens, one per "
            "decline reason the PSP can produce"
        )
    s = h.session(auto_capture=False)
    operation = _first_operation(s)
    table = h.info.error_map.table if h.info.error_map is not None else {}
    problems = []
    for code, decline in inputs.items():
        label = f"the {code.value!r} decline input"
        response = s.call(operation, s.payment(token=decline.token, data=dict(decline.data)))
        if response.is_success:
            problems.append(f"{operation} of {label} succeeded (kind {response.kind.value!r})")
            continue
        if response.error_code is not code:
            got = response.error_code.value if response.error_code else None
            problems.append(
                f"{operation} of {label} gave error_code {got!r}, expected "
                f"{code.value!r} ({describe_failure(response)})"
            )
        if not response.psp_error_code:
            problems.append(f"{label}: psp_error_code is empty; keep the PSP's raw code")
        elif decline.psp_code and response.psp_error_code != decline.psp_code:
            problems.append(
                f"{label}: psp_error_code {response.psp_error_code!r}, expected "
                f"{decline.psp_code!r}"
            )
        row = table.get(decline.psp_code) if decline.psp_code else None
        if row is not None and row.code is not code:
            problems.append(
                f"the error table maps {decline.psp_code!r} to {row.code.value!r}, "
                f"but {label} expects {code.value!r}"
            )
    if problems:
        raise CheckFailed("; ".join(problems))
    return f"{len(inputs)} decline inputs"


def _challenge(s: Session, token: str, what: str) -> tuple[GatewayResponse, str]:
    operation = _first_operation(s)
    request = s.payment(token=token)
    response = s.call(operation, request)
    label = f"{operation} of the 3-D Secure input ({what})"
    if not response.is_success:
        raise CheckFailed(f"{label} failed: {describe_failure(response)}")
    if not response.action_required or response.kind is not K.ACTION_TO_CONFIRM:
        raise CheckFailed(
            f"{label} answered action_required={response.action_required}, kind "
            f"{response.kind.value!r}; expected action_required=True, kind 'action_to_confirm'"
        )
    if not response.action_required_data:
        raise CheckFailed(f"{label} gave no action_required_data for the storefront")
    reference = response.action_required_data.psp_reference or response.psp_reference
    if not isinstance(reference, str) or not reference:
        reference = reference_of(response, label)
    return response, reference


def _completed(three_ds: ThreeDSecureInput, reference: str, passed: bool) -> dict[str, Any]:
    """What the shopper's browser brought back from the PSP's challenge page, if anything."""
    if three_ds.complete is None:
        return {}
    returned = three_ds.complete(reference, passed)
    if returned is None:
        return {}
    if not isinstance(returned, Mapping):
        raise CheckFailed(
            f"ThreeDSecureInput.complete returned {type(returned).__name__}; it must return "
            "None or a mapping of PaymentData.data for confirm_payment"
        )
    return dict(returned)


@check(
    "three_d_secure",
    "the 3-D Secure input answers action_required with action data; confirm_payment with "
    "the passed-challenge data completes it, with the failed-challenge data declines it",
    capability=Capability.THREE_D_SECURE,
    hooks=("confirm_payment",),
)
def three_d_secure(h: Harness) -> str | None:
    three_ds = h.inputs.three_d_secure
    if three_ds is None:
        raise CheckFailed(
            "the gateway declares 'three_d_secure' but the inputs give no 3-D Secure input "
            "(ConformanceInputs.three_d_secure)"
        )
    s = h.session()
    _, reference = _challenge(s, three_ds.token, "challenge passed")
    confirm = s.payment(
        token=three_ds.token,
        psp_reference=reference,
        data={**three_ds.confirm_data, **_completed(three_ds, reference, True)},
    )
    what = "confirm_payment after a passed challenge"
    done = expect_success(
        s.call("confirm_payment", confirm), what, {K.AUTH, K.CAPTURE, K.CONFIRM, K.PENDING}
    )
    expect_echo(done, confirm, what)
    if three_ds.failed_data is None and three_ds.complete is None:
        return "failed challenge not tried (no failed_data in the inputs)"
    _, reference = _challenge(s, three_ds.token, "challenge failed")
    failed = s.payment(
        token=three_ds.token,
        psp_reference=reference,
        data={**(three_ds.failed_data or {}), **_completed(three_ds, reference, False)},
    )
    response = s.call("confirm_payment", failed)
    if response.is_success or response.error_code is None:
        raise CheckFailed("confirm_payment after a failed challenge succeeded; it must decline")
    if response.error_code.value != "declined":
        raise CheckFailed(
            f"confirm_payment after a failed challenge gave error_code "
            f"{response.error_code.value!r}, expected 'declined'"
        )
    return None


@check(
    "client_token",
    "get_client_token gives a non-empty token, a fresh one on each call",
    capability=Capability.CLIENT_TOKEN,
    hooks=("get_client_token",),
)
def client_token(h: Harness) -> str | None:
    s = h.session()
    try:
        first = s.manager.get_client_token(s.gateway_id)
        second = s.manager.get_client_token(s.gateway_id)
    except ClientTokenError as exc:
        raise CheckFailed(str(exc)) from None
    if first == second:
        raise CheckFailed("get_client_token gave the same token twice; each call needs a new one")
    return None


@check(
    "idempotency",
    "the same PaymentData (same idempotency key) sent twice: a gateway declaring "
    "'idempotency' charges once (the same transaction comes back or, with charges_for, the "
    "PSP counts one charge); any other gateway is probed too, and told what it does",
)
def idempotency(h: Harness) -> str | None:
    declared = Capability.IDEMPOTENCY in h.info.capabilities
    s = h.session(auto_capture=True)
    twice = []
    for operation in dict.fromkeys([_first_operation(s), "process_payment"]):
        charged_twice = _charged_twice(h, s, operation, declared)
        if charged_twice and declared:
            raise CheckFailed(f"{operation} sent twice with one idempotency key {charged_twice}")
        if charged_twice:
            twice.append(f"{operation} {charged_twice}")
    if declared:
        return None
    if not twice:
        return (
            "the same PaymentData sent twice charged once, but the gateway does not declare "
            "'idempotency': declare it, so that hosts may retry an unknown outcome with the "
            "same key (retry_later) instead of looking the transaction up (check_status)"
        )
    return (
        f"sent twice with one idempotency key, {'; '.join(twice)}: allowed, as the gateway "
        "does not declare 'idempotency'; the manager advises hosts to check_status, not "
        "retry_later, when an outcome is unknown"
    )


def _charged_twice(h: Harness, s: Session, operation: str, declared: bool) -> str | None:
    """How ``operation`` went wrong when sent twice with one key; ``None`` if it charged once."""
    request = s.payment()
    first = expect_success(s.call(operation, request), f"{operation} (first send)")
    again = s.call(operation, request.model_copy())  # a host's retry: same key
    reference = reference_of(first, f"{operation} (first send)")
    if not again.is_success:
        if not declared:
            return None  # refused as a repeat: charged once
        return (
            f"was refused the second time ({describe_failure(again)}): a gateway declaring "
            "'idempotency' answers a retry with the first answer"
        )
    if (again.transaction_id, again.psp_reference) != (first.transaction_id, first.psp_reference):
        return (
            f"answered transaction {first.transaction_id!r}, then {again.transaction_id!r}: "
            "it charged twice"
        )
    if h.inputs.charges_for is not None:
        charges = h.inputs.charges_for(reference)
        if charges != 1:
            return f"charged twice: the PSP counts {charges} charges for {reference!r}, expected 1"
    return None
