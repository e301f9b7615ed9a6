"""What the manager checks in every gateway answer before the host sees it.

Untrusted responses are validated again, retry advice is made true and complete,
slow gateways are bounded by a deadline, and nothing a plugin does escapes as an
exception.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from typing import Any

import pytest

from gateway_plugins import (
    ActionKind,
    Capability,
    CustomerAction,
    ErrorCode,
    GatewayResponse,
    PaymentData,
    PluginManager,
    PluginRegistrationError,
    RetryAdvice,
    TransactionKind,
    deadlines,
    hookimpl,
)
from gateway_plugins.errors import NormalizedError
from gateway_plugins.manager import DEADLINE_EXCEEDED
from tests.plugins import FakeGateway

K = TransactionKind


def pay(**fields: Any) -> PaymentData:
    return PaymentData(gateway="fake", **{"amount": "10.00", "currency": "USD", **fields})


def manager_with(gateway: FakeGateway, **options: Any) -> PluginManager:
    manager = PluginManager(discover=False, **options)
    manager.register(gateway, "fake")
    return manager


# -- Responses validation did not build ------------------------------------------


@pytest.mark.parametrize(
    ("answer", "rule"),
    [
        # A float amount smuggled in after validation.
        (
            lambda p: GatewayResponse.success(p, K.AUTH, "t1").model_copy(update={"amount": 10.0}),
            "amount",
        ),
        # A failure without an error code, built without validation.
        (
            lambda p: GatewayResponse.model_construct(
                is_success=False, kind=K.AUTH, amount=p.amount, currency=p.currency
            ),
            "error_code",
        ),
        # An error code that is not an ErrorCode.
        (
            lambda p: GatewayResponse.model_construct(
                is_success=False,
                kind=K.AUTH,
                amount=p.amount,
                currency=p.currency,
                error_code="card_declined",
                retry_advice=RetryAdvice.DO_NOT_RETRY,
            ),
            "error_code",
        ),
        # A success that also carries an error code.
        (
            lambda p: GatewayResponse.success(p, K.AUTH, "t1").model_copy(
                update={"error_code": ErrorCode.DECLINED}
            ),
            "error_code",
        ),
    ],
)
def test_a_response_built_without_validation_is_validated_again(answer: Any, rule: str) -> None:
    manager = manager_with(FakeGateway(authorize=answer))

    response = manager.authorize(pay())

    assert not response.is_success
    assert response.error_code is ErrorCode.PROCESSING_ERROR
    assert isinstance(response.amount, Decimal)
    message = response.psp_error_message or ""
    assert "does not validate" in message and rule in message and "model_construct" in message
    assert response.outcome_unknown  # the gateway may have moved money before answering so


def test_a_valid_copy_passes_and_comes_back_validated() -> None:
    def copied(payment: PaymentData) -> GatewayResponse:
        first = GatewayResponse.success(payment, K.AUTH, "t1")
        return first.model_copy(update={"psp_reference": "ref-1"})

    response = manager_with(FakeGateway(authorize=copied)).authorize(pay())

    assert response.is_success and response.psp_reference == "ref-1"
    assert type(response.amount) is Decimal


# -- Retry advice ------------------------------------------------------------------


def failing(retry: RetryAdvice, **fields: Any) -> Any:
    def answer(payment: PaymentData) -> GatewayResponse:
        error = NormalizedError(ErrorCode.PROCESSING_ERROR, retry, "psp_500", "PSP failed")
        return GatewayResponse.failure(payment, K.AUTH, error, **fields)

    return answer


def test_every_retry_advice_carries_the_key_to_retry_with() -> None:
    manager = manager_with(FakeGateway(authorize=failing(RetryAdvice.RETRY_LATER)))
    payment = pay()

    response = manager.authorize(payment)

    assert response.retry_advice is RetryAdvice.RETRY_LATER  # a known failure: retry is safe
    assert response.idempotency_key == payment.idempotency_key


def test_advice_that_is_no_retry_gets_no_key() -> None:
    manager = manager_with(FakeGateway(authorize=failing(RetryAdvice.TRY_ANOTHER_GATEWAY)))

    assert manager.authorize(pay()).idempotency_key is None


@pytest.mark.parametrize(
    ("capabilities", "advice"),
    [
        (frozenset(), RetryAdvice.CHECK_STATUS),
        (frozenset({Capability.IDEMPOTENCY}), RetryAdvice.RETRY_LATER),
    ],
)
def test_an_unknown_outcome_advises_a_blind_retry_only_where_retries_are_deduplicated(
    capabilities: frozenset[Capability], advice: RetryAdvice
) -> None:
    gateway = FakeGateway(
        capabilities=capabilities,
        authorize=failing(RetryAdvice.RETRY_LATER, outcome_unknown=True),
    )

    response = manager_with(gateway).authorize(pay())

    assert response.outcome_unknown and response.retry_advice is advice


def test_an_unknown_outcome_must_be_a_processing_error() -> None:
    with pytest.raises(ValueError, match="outcome_unknown"):
        GatewayResponse.failure(pay(), K.AUTH, ErrorCode.DECLINED, outcome_unknown=True)


# -- Deadlines ---------------------------------------------------------------------


def test_a_gateway_past_its_deadline_gives_an_unknown_outcome_in_time() -> None:
    release = threading.Event()

    def stuck(payment: PaymentData) -> GatewayResponse:
        release.wait(10)
        return GatewayResponse.success(payment, K.AUTH, "late")

    manager = manager_with(FakeGateway(authorize=stuck), deadlines={"fake": 0.2})
    payment = pay()
    started = time.monotonic()
    try:
        response = manager.authorize(payment)
    finally:
        release.set()

    assert time.monotonic() - started < 2
    assert not response.is_success and response.outcome_unknown
    assert response.psp_error_code == DEADLINE_EXCEEDED
    assert response.retry_advice is RetryAdvice.CHECK_STATUS  # the fake is not idempotent
    assert response.idempotency_key == payment.idempotency_key


def test_a_gateway_within_its_deadline_answers_as_usual() -> None:
    manager = manager_with(FakeGateway(), deadline=5)

    response = manager.authorize(pay())

    assert response.is_success and response.transaction_id == "auth-1"


def test_raise_plugin_errors_still_raises_under_a_deadline() -> None:
    def explode(payment: PaymentData) -> None:
        raise LookupError("boom")

    manager = manager_with(FakeGateway(authorize=explode), deadline=5, raise_plugin_errors=True)

    with pytest.raises(LookupError, match="boom"):
        manager.authorize(pay())


@pytest.mark.parametrize("seconds", [0, -1, float("nan"), float("inf"), 10**9, True, "5"])
def test_a_deadline_must_be_a_sane_number_of_seconds(seconds: Any) -> None:
    with pytest.raises((ValueError, TypeError), match="deadline"):
        PluginManager(discover=False, deadline=seconds)


# -- Nothing escapes -----------------------------------------------------------------


class Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("cannot print me")


def test_an_exception_that_cannot_be_printed_is_contained() -> None:
    def explode(payment: PaymentData) -> None:
        raise Unprintable()

    response = manager_with(FakeGateway(authorize=explode)).authorize(pay())

    assert response.error_code is ErrorCode.PROCESSING_ERROR
    assert "Unprintable" in (response.psp_error_message or "")


class UnprintableInfo:
    @hookimpl
    def gateway_info(self) -> Any:
        raise Unprintable()

    @hookimpl
    def process_payment(self, payment_information: PaymentData, previous_value: Any) -> Any:
        return previous_value


def test_an_unprintable_exception_at_registration_is_a_registration_error() -> None:
    with pytest.raises(PluginRegistrationError, match="Unprintable"):
        PluginManager(discover=False).register(UnprintableInfo(), "broken")


def test_raw_response_that_cannot_be_scrubbed_never_reaches_the_host() -> None:
    def huge(payment: PaymentData) -> GatewayResponse:
        return GatewayResponse.success(payment, K.AUTH, "t1", raw_response={"n": 10**5000})

    response = manager_with(FakeGateway(authorize=huge)).authorize(pay())

    assert response.is_success  # the money facts survive
    assert response.raw_response is None or response.raw_response["n"] != 10**5000


def test_an_unknown_outcome_does_not_invite_the_shopper_to_pay_again() -> None:
    def explode(payment: PaymentData) -> None:
        raise TimeoutError("the PSP went quiet")

    manager = manager_with(FakeGateway(authorize=explode))

    english = manager.authorize(pay())
    german = manager.authorize(pay(language_code="de"))

    assert (
        english.error
        == "We could not confirm your payment. Please check your order before you pay again."
    )
    assert german.error is not None and german.error.startswith("Wir konnten Ihre Zahlung nicht")


def test_the_deadline_reaches_the_layers_below() -> None:
    seen: list[float | None] = []

    def look(payment: PaymentData) -> GatewayResponse:
        seen.append(deadlines.remaining())  # what the HTTP toolkit asks before each try
        return GatewayResponse.success(payment, K.AUTH, "t1")

    manager_with(FakeGateway(authorize=look), deadline=2).authorize(pay())
    manager_with(FakeGateway(authorize=look)).authorize(pay())

    assert seen[0] is not None and 0 < seen[0] <= 2
    assert seen[1] is None  # no deadline configured: the toolkit's own timeouts apply


def test_a_customer_action_built_without_validation_never_reaches_the_host() -> None:
    def sneaky(payment: PaymentData) -> GatewayResponse:
        action = CustomerAction.model_construct(
            kind=ActionKind.REDIRECT, psp_reference="t1", url="javascript:alert(1)"
        )
        return GatewayResponse.success(
            payment, K.ACTION_TO_CONFIRM, "t1", action_required=True, action_required_data=action
        )

    response = manager_with(FakeGateway(authorize=sneaky)).authorize(pay())

    assert not response.is_success and response.error_code is ErrorCode.PROCESSING_ERROR
    assert response.action_required_data is None


def test_equal_responses_are_equal_whatever_their_inspection_mark() -> None:
    first = GatewayResponse.success(pay(), K.AUTH, "t1", raw_response={"id": "t1"})
    copy = first.model_copy()  # no mark of its own

    assert first == copy
    assert first != first.model_copy(update={"transaction_id": "t2"})
