"""Assertions on gateway responses that fail a check with a sentence saying what is wrong.

A plugin can hand back a response that skipped validation
(``GatewayResponse.model_construct(...)``, ``model_copy(update=...)``): fields may
be missing or of the wrong type. :func:`well_formed` judges what the kit reads
before anything else reads it, and the messages here never assume more than
it guarantees.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from ..actions import CustomerAction
from ..errors import ErrorCode
from ..interface import GatewayResponse, PaymentData, TransactionKind
from .registry import CheckFailed

_MISSING: Any = object()

#: The fields the kit reads, each with the type it must have (``None`` allowed for the second).
_REQUIRED: dict[str, type] = {
    "is_success": bool,
    "action_required": bool,
    "kind": TransactionKind,
    "currency": str,
    "transaction_id": str,
}
_OPTIONAL: dict[str, type] = {
    "error_code": ErrorCode,
    "psp_reference": str,
    "psp_error_code": str,
    "psp_error_message": str,
    "action_required_data": CustomerAction,
}


def money(amount: object, currency: object) -> str:
    """``10.00 USD``."""
    return f"{amount} {currency}"


def field_problems(response: GatewayResponse) -> list[str]:
    """Fields the kit reads that are missing or of the wrong type (empty for a valid response)."""
    values = vars(response)
    problems = []
    for name, kind in [*_REQUIRED.items(), *_OPTIONAL.items()]:
        value = values.get(name, _MISSING)
        if value is _MISSING:
            problems.append(f"{name} is missing")
        elif not isinstance(value, kind) and not (name in _OPTIONAL and value is None):
            article = "an" if kind.__name__[0] in "AEIOU" else "a"
            problems.append(
                f"{name} is {value!r} ({type(value).__name__}), not {article} {kind.__name__}"
            )
    if not problems and values["is_success"] is False and values["error_code"] is None:
        problems.append("it failed without an error_code")
    return problems


def well_formed(response: object, what: str) -> GatewayResponse:
    """``response``, a :class:`GatewayResponse` whose fields the kit reads have their types.

    The amount is left to :func:`expect_echo`, which shows its type.
    """
    if not isinstance(response, GatewayResponse):
        raise CheckFailed(f"{what} returned {type(response).__name__}, not a GatewayResponse")
    if response.inspection() is not None:
        return response  # built by validation
    problems = field_problems(response)
    if problems:
        raise CheckFailed(
            f"{what} answered a GatewayResponse that does not validate: {'; '.join(problems)}. "
            "Build responses with GatewayResponse.success()/failure(); model_construct() and "
            "model_copy(update=...) skip validation"
        )
    return response


def describe_failure(response: GatewayResponse) -> str:
    """A failed response in a few words: its code and the PSP's raw values."""
    code = getattr(response, "error_code", None)
    if isinstance(code, ErrorCode):
        text = code.value
    elif code is None:
        text = "no error_code"
    else:
        text = f"error_code {code!r} ({type(code).__name__}, not an ErrorCode)"
    psp_code = getattr(response, "psp_error_code", None)
    psp_message = getattr(response, "psp_error_message", None)
    details = [f"psp_error_code {psp_code!r}"] if psp_code else []
    if psp_message:
        details.append(repr(psp_message))
    return f"{text} ({', '.join(details)})" if details else text


def _kinds(kinds: Collection[TransactionKind]) -> str:
    return " or ".join(sorted(repr(kind.value) for kind in kinds))


def expect_success(
    response: GatewayResponse, what: str, kinds: Collection[TransactionKind] = ()
) -> GatewayResponse:
    """``response`` succeeded without asking for customer action, with one of ``kinds``."""
    response = well_formed(response, what)
    if not response.is_success:
        raise CheckFailed(f"{what} failed: {describe_failure(response)}")
    if response.action_required:
        raise CheckFailed(
            f"{what} asked for customer action (action_required=True); if every payment of "
            "this gateway needs the shopper, set ConformanceInputs.completes_by_action"
        )
    if kinds and response.kind not in kinds:
        raise CheckFailed(f"{what} answered kind {response.kind.value!r}, expected {_kinds(kinds)}")
    return response


def expect_rejected(response: GatewayResponse, what: str) -> GatewayResponse:
    """``response`` is a failure (it carries an ``ErrorCode`` by construction)."""
    response = well_formed(response, what)
    if response.is_success:
        raise CheckFailed(
            f"{what} succeeded (kind {response.kind.value!r}); it must be rejected "
            "with is_success=False"
        )
    return response


def reference_of(response: GatewayResponse, what: str) -> str:
    """The PSP reference a follow-up operation names (``psp_reference`` or ``transaction_id``)."""
    reference = getattr(response, "psp_reference", None) or getattr(
        response, "transaction_id", None
    )
    if not isinstance(reference, str) or not reference:
        raise CheckFailed(
            f"{what} returned neither psp_reference nor transaction_id, so no capture, "
            "refund or void can name it"
        )
    return reference


def _typed(amount: object) -> str:
    return f"{amount} ({type(amount).__name__})"


def expect_echo(response: GatewayResponse, payment: PaymentData, what: str) -> None:
    """The response's amount is a ``Decimal`` equal to the request's, in its currency.

    Types count: a float that happens to equal the request (``10.0``) is still
    binary money, and a host doing arithmetic on it gets float errors.
    """
    amount = getattr(response, "amount", _MISSING)
    currency = getattr(response, "currency", _MISSING)
    if amount is _MISSING or currency is _MISSING:
        raise CheckFailed(f"{what} answered a response without amount or currency")
    exact = isinstance(amount, Decimal) and amount == payment.amount
    if exact and currency == payment.currency:
        return
    if isinstance(amount, Decimal):
        reported, requested = money(amount, currency), money(payment.amount, payment.currency)
    else:  # show the types: "12.34 (float)" reads the same as the request otherwise
        reported = money(_typed(amount), currency)
        requested = money(_typed(payment.amount), payment.currency)
    raise CheckFailed(
        f"{what} reported {reported} for a request of {requested}: a response must echo "
        "the requested amount (a Decimal) and currency"
    )
