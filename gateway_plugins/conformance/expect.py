"""Assertions on gateway responses that fail a check with a sentence saying what is wrong."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from ..interface import GatewayResponse, PaymentData, TransactionKind
from .registry import CheckFailed


def money(amount: Decimal, currency: str) -> str:
    """``10.00 USD``."""
    return f"{amount} {currency}"


def describe_failure(response: GatewayResponse) -> str:
    """A failed response in a few words: its code and the PSP's raw values."""
    code = response.error_code.value if response.error_code else "no error_code"
    details = [f"psp_error_code {response.psp_error_code!r}"] if response.psp_error_code else []
    if response.psp_error_message:
        details.append(repr(response.psp_error_message))
    return f"{code} ({', '.join(details)})" if details else code


def _kinds(kinds: Collection[TransactionKind]) -> str:
    return " or ".join(sorted(repr(kind.value) for kind in kinds))


def expect_success(
    response: GatewayResponse, what: str, kinds: Collection[TransactionKind] = ()
) -> GatewayResponse:
    """``response`` succeeded without asking for customer action, with one of ``kinds``."""
    if not response.is_success:
        raise CheckFailed(f"{what} failed: {describe_failure(response)}")
    if response.action_required:
        raise CheckFailed(f"{what} asked for customer action (action_required=True)")
    if kinds and response.kind not in kinds:
        raise CheckFailed(f"{what} answered kind {response.kind.value!r}, expected {_kinds(kinds)}")
    return response


def expect_rejected(response: GatewayResponse, what: str) -> GatewayResponse:
    """``response`` is a failure (it carries an ``ErrorCode`` by construction)."""
    if response.is_success:
        raise CheckFailed(
            f"{what} succeeded (kind {response.kind.value!r}); it must be rejected "
            "with is_success=False"
        )
    return response


def reference_of(response: GatewayResponse, what: str) -> str:
    """The PSP reference a follow-up operation names (``psp_reference`` or ``transaction_id``)."""
    reference = response.psp_reference or response.transaction_id
    if not reference:
        raise CheckFailed(
            f"{what} returned neither psp_reference nor transaction_id, so no capture, "
            "refund or void can name it"
        )
    return reference


def expect_echo(response: GatewayResponse, payment: PaymentData, what: str) -> None:
    """The response's amount and currency are those of the request."""
    if response.currency != payment.currency or response.amount != payment.amount:
        raise CheckFailed(
            f"{what} answered {money(response.amount, response.currency)} for a request of "
            f"{money(payment.amount, payment.currency)}: a response must echo the "
            "requested amount and currency"
        )
