"""Outcomes driven by inputs: declines, client tokens, idempotency."""

from __future__ import annotations

from ...exceptions import ClientTokenError
from ...interface import Capability, TransactionKind
from ..expect import describe_failure, expect_success, reference_of
from ..harness import Harness
from ..registry import CheckFailed, check
from ..session import Session

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
