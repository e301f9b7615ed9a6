"""Retries after a lost reply: Authorize.Net's duplicate window answers them with the first answer.

Every test loses a reply at the fake Authorize.Net (the request is processed, the
connection closes unanswered), then retries the same ``PaymentData`` as a host
would, and checks what the host hears and what the fake's ledger holds.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from gateway_plugins_authorizenet.testing import TRIGGER_CARD, FakeAuthorizeNet, Fault

from gateway_plugins import (
    AddressData,
    Capability,
    ErrorCode,
    PaymentData,
    PluginManager,
    RetryAdvice,
    TransactionKind,
)
from gateway_plugins.http import OUTCOME_UNKNOWN
from plugins.authorizenet.tests.payments import card, follow, host_for, pay, sold

WINDOW = 120


@pytest.fixture
def host(fake_authorizenet: FakeAuthorizeNet) -> PluginManager:
    """The gateway with Authorize.Net's default duplicate window, as a shop runs it."""
    return host_for(fake_authorizenet, duplicate_window=WINDOW)


def lost(fake: FakeAuthorizeNet, call: Any, payment: PaymentData) -> None:
    """``call(payment)`` whose reply is lost after Authorize.Net processed it."""
    fake.inject(Fault.DROP_AFTER_PROCESSING)
    response = call(payment)
    assert response.outcome_unknown and response.psp_error_code == OUTCOME_UNKNOWN, response
    assert response.retry_advice is RetryAdvice.CHECK_STATUS  # no idempotency key


def methods(fake: FakeAuthorizeNet) -> list[str]:
    return [request.method_name for request in fake.requests]


@pytest.mark.parametrize("operation", ["process_payment", "authorize"])
def test_a_retried_payment_is_the_original_transaction(
    host: PluginManager, fake_authorizenet: FakeAuthorizeNet, operation: str
) -> None:
    payment = card()
    lost(fake_authorizenet, getattr(host, operation), payment)

    retried = getattr(host, operation)(payment)

    ledger = fake_authorizenet.ledger
    moved = ledger.charges() if operation == "process_payment" else ledger.authorizations()
    assert moved == [(retried.transaction_id, Decimal("10.00"))]  # one charge, the original
    assert retried.is_success and retried.transaction_already_processed
    sale = operation == "process_payment"  # auto_capture is on
    assert retried.kind is (TransactionKind.CAPTURE if sale else TransactionKind.AUTH)
    assert retried.psp_reference == retried.transaction_id
    assert retried.amount == Decimal("10.00") and retried.error_code is None
    original = fake_authorizenet.transaction(retried.transaction_id)
    raw = retried.raw_response or {}
    assert raw["authCode"] == original.auth_code != ""
    assert raw["duplicateOf"]["transactionStatus"] == original.status
    assert retried.card_info is not None and retried.card_info.last_4 == "1111"
    # The retry was answered as a duplicate, then the original read: nothing else was sent.
    assert methods(fake_authorizenet) == ["createTransactionRequest"] * 2 + [
        "getTransactionDetailsRequest"
    ]


def test_a_retried_decline_stays_the_same_decline(
    host: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    payment = card().model_copy(update={"billing": AddressData(postal_code="46282")})
    lost(fake_authorizenet, host.process_payment, payment)

    retried = host.process_payment(payment)

    (decline,) = fake_authorizenet.ledger.declines()
    assert not retried.is_success and retried.error_code is ErrorCode.DECLINED
    assert retried.psp_error_code == "2"  # the original's reason, not "duplicate"
    assert retried.transaction_id == decline.trans_id and retried.transaction_already_processed
    assert fake_authorizenet.ledger.charges() == []


def test_a_retried_payment_held_for_review_is_pending(
    host: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    payment = card(TRIGGER_CARD, amount="252.00")
    lost(fake_authorizenet, host.process_payment, payment)

    retried = host.process_payment(payment)

    assert retried.is_success and retried.kind is TransactionKind.PENDING
    assert retried.transaction_already_processed
    assert fake_authorizenet.transaction(retried.transaction_id).status == "FDSPendingReview"


@pytest.mark.parametrize("amount", ["10.00", "4.00"])
def test_a_retried_capture_is_the_capture_that_went_through(
    host: PluginManager, fake_authorizenet: FakeAuthorizeNet, amount: str
) -> None:
    reference = host.authorize(pay()).psp_reference
    capture = follow(reference, amount)
    lost(fake_authorizenet, host.capture, capture)

    retried = host.capture(capture)
    another = host.capture(follow(reference, "6.00"))  # a second, different capture

    assert retried.is_success and retried.kind is TransactionKind.CAPTURE
    assert retried.transaction_already_processed
    assert retried.transaction_id == retried.psp_reference == reference
    assert fake_authorizenet.ledger.captured(str(reference)) == Decimal(amount)
    # Authorize.Net captures an authorization once: any other capture is still refused.
    assert (another.is_success, another.psp_error_code) == (False, "311")


@pytest.mark.parametrize("amount", ["10.00", "3.00"])
def test_a_retried_refund_is_the_refund_that_went_through(
    host: PluginManager, fake_authorizenet: FakeAuthorizeNet, amount: str
) -> None:
    reference = sold(host)
    refund = follow(reference, amount, data={"card_last4": "1111"})
    lost(fake_authorizenet, host.refund, refund)

    retried = host.refund(refund)

    (made,) = fake_authorizenet.ledger.refunds()
    assert made == (reference, Decimal(amount))
    assert retried.is_success and retried.kind is TransactionKind.REFUND
    assert retried.transaction_already_processed and retried.psp_reference == reference
    refund_id = fake_authorizenet.ledger.entries[-1].object_id
    assert retried.transaction_id == refund_id != reference


def test_two_refunds_of_one_amount_are_two_refunds(
    host: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    # Two PaymentData, two keys: two refunds, though the amount and card are the same.
    reference = sold(host)

    first = host.refund(follow(reference, "3.00", data={"card_last4": "1111"}))
    second = host.refund(follow(reference, "3.00", data={"card_last4": "1111"}))

    assert first.is_success and second.is_success
    assert first.transaction_id != second.transaction_id
    assert not second.transaction_already_processed
    assert fake_authorizenet.ledger.refunded(reference) == Decimal("6.00")


def test_two_payments_of_one_order_are_two_charges(
    host: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    # Same order, card and amount inside the window: only a resend of the *same*
    # PaymentData is a duplicate (its poNumber is the request's own), so a second
    # payment is never answered with the first one's charge.
    first = host.process_payment(card().model_copy(update={"order_id": "order-7"}))
    second = host.process_payment(card().model_copy(update={"order_id": "order-7"}))

    assert first.is_success and second.is_success
    assert first.transaction_id != second.transaction_id
    assert not second.transaction_already_processed
    assert len(fake_authorizenet.ledger.charges()) == 2
    pos = [request.transaction_request["poNumber"] for request in fake_authorizenet.requests]
    assert pos[0] != pos[1] and all(len(po) <= 25 for po in pos)


def test_the_same_payment_data_sends_the_same_request(
    fake_authorizenet: FakeAuthorizeNet,
) -> None:
    host = host_for(fake_authorizenet)  # duplicate window off: both are processed
    payment = card().model_copy(update={"order_id": "order-8"})

    host.process_payment(payment)
    host.process_payment(payment)

    first, second = (request.json for request in fake_authorizenet.requests)
    assert first == second  # what Authorize.Net compares is the same: a retry is a duplicate


def test_a_retry_after_the_window_is_a_new_payment(
    host: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    # Why the gateway does not declare idempotency: the window ends (at most 8 hours).
    payment = card()
    lost(fake_authorizenet, host.process_payment, payment)
    fake_authorizenet.advance_clock(WINDOW + 1)

    retried = host.process_payment(payment)

    assert retried.is_success and not retried.transaction_already_processed
    assert len(fake_authorizenet.ledger.charges()) == 2
    (gateway,) = host.list_gateways()
    assert Capability.IDEMPOTENCY not in gateway.capabilities


def test_a_duplicate_whose_original_cannot_be_read_stays_unknown(
    host: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    payment = card()
    lost(fake_authorizenet, host.process_payment, payment)
    fake_authorizenet.account.transaction_details_api = False  # the lookup: E00011

    retried = host.process_payment(payment)

    (charge,) = fake_authorizenet.ledger.charges()
    assert not retried.is_success and retried.outcome_unknown
    assert retried.error_code is ErrorCode.PROCESSING_ERROR  # never a decline
    assert retried.retry_advice is RetryAdvice.CHECK_STATUS
    assert retried.transaction_id == retried.psp_reference == charge.trans_id
    assert "E00011" in str(retried.psp_error_message)
    assert charge.trans_id in str(retried.psp_error_message)


def test_a_capture_whose_authorization_cannot_be_read_stays_unknown(
    host: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    reference = host.authorize(pay()).psp_reference
    capture = follow(reference)
    lost(fake_authorizenet, host.capture, capture)
    fake_authorizenet.account.transaction_details_api = False  # the lookup: E00011

    retried = host.capture(capture)

    assert not retried.is_success and retried.outcome_unknown
    assert retried.retry_advice is RetryAdvice.CHECK_STATUS
    assert fake_authorizenet.ledger.captured(str(reference)) == Decimal("10.00")
