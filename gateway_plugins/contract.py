"""Static checks of a plugin against the contract, shared by the manager and the kit.

These look at what a plugin *declares* (hook signatures, capabilities) without
calling any money hook. The manager refuses a plugin that fails them; the
conformance kit reports the same findings.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from decimal import Decimal

from pluggy import HookImpl
from pydantic import ValidationError

from .errors import ErrorCode, NormalizedError, RetryAdvice
from .interface import Capability, GatewayResponse, PaymentData, TransactionKind

#: ``psp_error_code`` of a response that failed the echo check.
ECHO_MISMATCH = "echo_mismatch"

#: Money operations, each with the response kinds that fit it.
OPERATION_KINDS: dict[str, frozenset[TransactionKind]] = {
    "authorize": frozenset({TransactionKind.AUTH, TransactionKind.ACTION_TO_CONFIRM,
                            TransactionKind.PENDING}),
    "capture": frozenset({TransactionKind.CAPTURE, TransactionKind.CAPTURE_FAILED,
                          TransactionKind.PENDING}),
    "refund": frozenset({TransactionKind.REFUND, TransactionKind.REFUND_ONGOING,
                         TransactionKind.REFUND_FAILED, TransactionKind.PENDING}),
    "void": frozenset({TransactionKind.VOID, TransactionKind.CANCEL, TransactionKind.PENDING}),
    "process_payment": frozenset({TransactionKind.AUTH, TransactionKind.CAPTURE,
                                  TransactionKind.ACTION_TO_CONFIRM, TransactionKind.PENDING}),
    "confirm_payment": frozenset({TransactionKind.AUTH, TransactionKind.CAPTURE,
                                  TransactionKind.CONFIRM, TransactionKind.ACTION_TO_CONFIRM,
                                  TransactionKind.PENDING}),
}  # fmt: skip

#: The kind of a failed response to each operation, when nothing more specific applies.
FAILURE_KINDS: dict[str, TransactionKind] = {
    "authorize": TransactionKind.AUTH,
    "capture": TransactionKind.CAPTURE,
    "refund": TransactionKind.REFUND,
    "void": TransactionKind.VOID,
    "process_payment": TransactionKind.CAPTURE,
    "confirm_payment": TransactionKind.CONFIRM,
}

#: Hooks every gateway must implement; the others are optional and the manager
#: answers a call of a missing one with ``OperationNotSupportedError``.
REQUIRED_GATEWAY_HOOKS = ("gateway_info", "process_payment")

#: Capabilities that exist exactly when a hook is implemented.
CAPABILITY_HOOKS: dict[Capability, str] = {
    Capability.VOID: "void",
    Capability.CLIENT_TOKEN: "get_client_token",
    Capability.NOTIFICATIONS: "handle_notification",
}
#: Capabilities of which at least one exists exactly when ``confirm_payment`` does.
CONFIRM_CAPABILITIES = frozenset({Capability.THREE_D_SECURE, Capability.REDIRECT})


def default_problems(hookimpls: Iterable[HookImpl]) -> list[str]:
    """Hook parameters with default values (pluggy 1.6 and 1.7 disagree on them)."""
    return [
        f"hook {impl.function.__name__!r}: parameter(s) {', '.join(impl.kwargnames)} "
        "must not have default values"
        for impl in hookimpls
        if impl.kwargnames
    ]


def capability_problems(
    capabilities: Collection[Capability], implemented: Collection[str]
) -> list[str]:
    """Declared capabilities and implemented hooks must agree, both ways."""
    problems = [
        f"gateways must implement hook {hook!r}"
        for hook in REQUIRED_GATEWAY_HOOKS
        if hook not in implemented
    ]
    for capability, hook in CAPABILITY_HOOKS.items():
        if capability in capabilities and hook not in implemented:
            problems.append(f"declares {capability.value!r} but does not implement {hook!r}")
        if hook in implemented and capability not in capabilities:
            problems.append(f"implements {hook!r} but does not declare {capability.value!r}")
    confirming = sorted(c.value for c in CONFIRM_CAPABILITIES & frozenset(capabilities))
    if confirming and "confirm_payment" not in implemented:
        problems.append(f"declares {confirming[0]!r} but does not implement 'confirm_payment'")
    if "confirm_payment" in implemented and not confirming:
        problems.append(
            "implements 'confirm_payment' but declares neither 'three_d_secure' nor 'redirect'"
        )
    for capability, hook in (
        (Capability.PARTIAL_CAPTURE, "capture"),
        (Capability.MULTIPLE_CAPTURES, "capture"),
        (Capability.PARTIAL_REFUND, "refund"),
        (Capability.MULTIPLE_REFUNDS, "refund"),
    ):
        if capability in capabilities and hook not in implemented:
            problems.append(f"declares {capability.value!r} but does not implement {hook!r}")
    if Capability.MULTIPLE_CAPTURES in capabilities and (
        Capability.PARTIAL_CAPTURE not in capabilities
    ):
        problems.append("declares 'multiple_captures' without 'partial_capture'")
    if Capability.MULTIPLE_REFUNDS in capabilities and (
        Capability.PARTIAL_REFUND not in capabilities
    ):
        problems.append("declares 'multiple_refunds' without 'partial_refund'")
    return problems


def response_problem(operation: str, value: object) -> str | None:
    """Why ``value`` is not an acceptable answer of a gateway to ``operation``, if it is not."""
    return trusted_response(operation, value)[1]


def trusted_response(operation: str, value: object) -> tuple[GatewayResponse | None, str | None]:
    """``value`` as a response a host can trust, or ``None`` and why it cannot be one.

    A ``GatewayResponse`` that validation did not build (``model_construct``, or
    ``model_copy`` with new values) may hold anything, say a ``float`` amount or a
    failure without an ``ErrorCode``: it is validated again, and the validated copy
    is returned.
    """
    if not isinstance(value, GatewayResponse):
        return None, f"returned {type(value).__name__}, not a GatewayResponse"
    try:
        value = value.validated()
    except ValidationError as exc:
        return None, (
            f"returned a GatewayResponse that does not validate ({error_texts(exc)[0]}); "
            "build responses with GatewayResponse(...), .success() or .failure(), "
            "never model_construct() or model_copy(update=...)"
        )
    except Exception as exc:
        return None, f"returned a GatewayResponse that cannot be read ({type(exc).__name__})"
    if value.kind not in OPERATION_KINDS[operation]:
        allowed = ", ".join(sorted(kind.value for kind in OPERATION_KINDS[operation]))
        return None, f"returned kind {value.kind.value!r} for {operation!r} (allowed: {allowed})"
    return value, None


def error_texts(exc: ValidationError) -> list[str]:
    """Each error of ``exc`` as ``field: rule``, without pydantic's "Value error, " prefix."""
    texts = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        texts.append(
            message if not where or message.startswith(f"{where}:") else f"{where}: {message}"
        )
    return texts


def money_facts(
    response: GatewayResponse,
) -> tuple[bool, TransactionKind, Decimal, str, str, str | None]:
    """The fields a plugin after the gateway may not change."""
    return (
        response.is_success,
        response.kind,
        response.amount,
        response.currency,
        response.transaction_id,
        response.psp_reference,
    )


def echo_checked(response: GatewayResponse, payment: PaymentData) -> GatewayResponse:
    """``response``, or a failure when it reports success for another amount or currency.

    A gateway that says "approved" for 9.00 when asked for 10.00 (or in another
    currency) must not look like a success: the host would record money that did
    not move as asked. The transaction stays named, so someone can look into it.
    """
    if not response.is_success or (response.amount, response.currency) == (
        payment.amount,
        payment.currency,
    ):
        return response
    return GatewayResponse.failure(
        payment,
        response.kind,
        NormalizedError(
            ErrorCode.PROCESSING_ERROR,
            RetryAdvice.DO_NOT_RETRY,
            ECHO_MISMATCH,
            f"the PSP reported {response.amount} {response.currency} for a request of "
            f"{payment.amount} {payment.currency}; check transaction "
            f"{response.transaction_id!r} by hand",
        ),
        transaction_id=response.transaction_id,
        psp_reference=response.psp_reference,
        raw_response=response.raw_response,
    )
