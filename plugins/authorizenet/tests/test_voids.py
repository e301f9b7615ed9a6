"""Voids: the whole authorization or nothing, checked against Authorize.Net's record first."""

from __future__ import annotations

from decimal import Decimal

import pytest
from gateway_plugins_authorizenet import LOOKUP_FAILED
from gateway_plugins_authorizenet.testing import FakeAuthorizeNet, Fault

from gateway_plugins import ErrorCode, PluginManager, RetryAdvice, TransactionKind
from gateway_plugins.http import INVALID_REQUEST
from plugins.authorizenet.tests.payments import authorized, follow, host_for, pay


def voids_sent(fake: FakeAuthorizeNet) -> int:
    return sum(
        1
        for request in fake.requests
        if request.method_name == "createTransactionRequest"
        and request.transaction_request["transactionType"] == "voidTransaction"
    )


@pytest.mark.parametrize("amount", ["3.00", "25.01"])
def test_a_void_for_another_amount_is_refused_before_sending(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet, amount: str
) -> None:
    reference = authorized(manager, "25.00")

    response = manager.void(follow(reference, amount))

    assert not response.is_success and response.kind is TransactionKind.VOID
    assert (response.psp_error_code, response.retry_advice) == (
        INVALID_REQUEST,
        RetryAdvice.DO_NOT_RETRY,
    )
    message = str(response.psp_error_message)
    assert message.startswith("amount:") and "25.00" in message and amount in message
    assert voids_sent(fake_authorizenet) == 0 and fake_authorizenet.ledger.voids() == []
    assert manager.capture(follow(reference, "25.00")).is_success  # the authorization stands


def test_a_void_reports_the_whole_authorization(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    reference = authorized(manager, "25.00")

    response = manager.void(follow(reference, "25.00"))

    assert response.is_success and response.amount == Decimal("25.00")
    assert not response.transaction_already_processed
    assert fake_authorizenet.ledger.voids() == [(reference, Decimal("25.00"))]


def test_a_partly_captured_authorization_is_voided_whole() -> None:
    # Captured 4.00 of 10.00, not yet settled: the void cancels the whole transaction.
    with FakeAuthorizeNet(auto_settle=False) as fake:
        host = host_for(fake)
        reference = authorized(host)
        assert host.capture(follow(reference, "4.00")).is_success

        partial = host.void(follow(reference, "4.00"))
        whole = host.void(follow(reference, "10.00"))

    assert not partial.is_success and partial.psp_error_code == INVALID_REQUEST
    assert whole.is_success and whole.amount == Decimal("10.00")
    assert fake.transaction(reference).status == "voided"


def test_a_retried_void_is_the_void_that_went_through(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    reference = authorized(manager)
    void = follow(reference)
    fake_authorizenet.inject_for("voidTransaction", Fault.DROP_AFTER_PROCESSING)

    first = manager.void(void)  # the lookup is answered; the void is processed, its reply lost
    retried = manager.void(void)

    assert first.outcome_unknown and first.retry_advice is RetryAdvice.CHECK_STATUS
    assert retried.is_success and retried.transaction_already_processed
    assert retried.transaction_id == retried.psp_reference == reference
    assert retried.amount == Decimal("10.00")
    assert fake_authorizenet.ledger.voids() == [(reference, Decimal("10.00"))]
    assert voids_sent(fake_authorizenet) == 1  # the retry read "voided" and sent nothing


def test_a_failed_lookup_voids_nothing(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    reference = authorized(manager)
    fake_authorizenet.inject(Fault.STATUS_503, times=3)  # every try of the lookup

    response = manager.void(follow(reference))

    assert (response.psp_error_code, response.retry_advice) == (
        LOOKUP_FAILED,
        RetryAdvice.RETRY_LATER,
    )
    assert not response.outcome_unknown and voids_sent(fake_authorizenet) == 0
    assert manager.void(follow(reference)).is_success  # once Authorize.Net answers


def test_without_the_transaction_details_api_nothing_is_voided(
    fake_authorizenet: FakeAuthorizeNet,
) -> None:
    fake_authorizenet.account.transaction_details_api = False
    host = host_for(fake_authorizenet)
    reference = host.authorize(pay()).psp_reference

    response = host.void(follow(reference))

    assert (response.error_code, response.psp_error_code) == (ErrorCode.PROCESSING_ERROR, "E00011")
    assert voids_sent(fake_authorizenet) == 0


def test_an_unknown_authorization_is_not_voided(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    response = manager.void(follow("40000000000"))

    assert response.psp_error_code == "E00040" and voids_sent(fake_authorizenet) == 0
