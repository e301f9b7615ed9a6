"""Void releases the whole authorization: the dummy refuses a void of another amount."""

from __future__ import annotations

from decimal import Decimal

import pytest
from gateway_plugins_dummy import DummyGatewayPlugin, tokens

from gateway_plugins import PluginManager, RetryAdvice, TransactionKind
from plugins.dummy.tests.payments import assert_rejected, authorized, follow_up, pay


@pytest.mark.parametrize("amount", ["3.00", "24.99", "25.01"])
def test_void_of_another_amount_than_authorized_is_refused_and_changes_nothing(
    manager: PluginManager, plugin: DummyGatewayPlugin, amount: str
) -> None:
    reference = authorized(manager, "25.00")

    response = manager.void(pay(amount, psp_reference=reference))

    assert_rejected(response, "amount_mismatch")
    assert response.retry_advice is RetryAdvice.DO_NOT_RETRY
    assert response.psp_error_message is not None
    assert "25.00 USD" in response.psp_error_message
    assert f"not {amount}" in response.psp_error_message
    assert plugin.ledger.get(reference).status == "authorized"


def test_void_of_the_whole_authorization_after_a_refused_partial_void(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    reference = authorized(manager, "25.00")
    assert not manager.void(pay("3.00", psp_reference=reference)).is_success

    response = manager.void(pay("25.00", psp_reference=reference))

    assert response.is_success
    assert response.kind is TransactionKind.VOID
    assert plugin.ledger.get(reference).status == "voided"


def test_void_reports_the_whole_authorized_amount(manager: PluginManager) -> None:
    payment = pay("25.00", token=tokens.SUCCESS)
    authorization = manager.authorize(payment)

    response = manager.void(follow_up(payment, authorization, amount=Decimal("25")))

    assert response.is_success
    assert (str(response.amount), response.currency) == ("25.00", "USD")  # as authorized
    assert response.raw_response is not None
    assert response.raw_response["amount"] == 2500  # minor units released
    assert response.raw_response["status"] == "voided"


def test_void_of_a_captured_payment_names_the_capture_not_the_amount(
    manager: PluginManager,
) -> None:
    reference = authorized(manager, "25.00")
    assert manager.capture(pay("5.00", psp_reference=reference)).is_success

    response = manager.void(pay("3.00", psp_reference=reference))

    assert_rejected(response, "unexpected_state")
