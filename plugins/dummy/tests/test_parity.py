"""Saleor parity: card details on every success, a decline at capture, one id per refund."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from gateway_plugins_dummy import TOKENS, DummyGatewayPlugin, tokens

from gateway_plugins import (
    CreditCardInfo,
    ErrorCode,
    GatewayResponse,
    PluginManager,
    TransactionKind,
)
from gateway_plugins.scrub import luhn_valid
from plugins.dummy.tests.payments import authorized, awaiting_3ds, captured, pay

# -- card_info -------------------------------------------------------------------------


def _authorize(manager: PluginManager) -> GatewayResponse:
    return manager.authorize(pay(token=tokens.SUCCESS_ALT))


def _process(manager: PluginManager) -> GatewayResponse:
    return manager.process_payment(pay(token=tokens.SUCCESS_ALT))


def _capture(manager: PluginManager) -> GatewayResponse:
    # As hosts write it: the capture names the authorization and carries no card.
    reference = authorized(manager, token=tokens.SUCCESS_ALT)
    return manager.capture(pay(psp_reference=reference))


def _partial_capture(manager: PluginManager) -> GatewayResponse:
    reference = authorized(manager, token=tokens.SUCCESS_ALT)
    assert manager.capture(pay("4.00", psp_reference=reference)).is_success
    return manager.capture(pay("6.00", psp_reference=reference))


def _refund(manager: PluginManager) -> GatewayResponse:
    reference = authorized(manager, token=tokens.SUCCESS_ALT)
    assert manager.capture(pay(psp_reference=reference)).is_success
    return manager.refund(pay(psp_reference=reference))


def _void(manager: PluginManager) -> GatewayResponse:
    return manager.void(pay(psp_reference=authorized(manager, token=tokens.SUCCESS_ALT)))


def _confirm(manager: PluginManager) -> GatewayResponse:
    return manager.confirm_payment(pay(psp_reference=awaiting_3ds(manager)))


CARD_OPERATIONS: dict[str, Callable[[PluginManager], GatewayResponse]] = {
    "authorize": _authorize,
    "process_payment": _process,
    "capture": _capture,
    "second-partial-capture": _partial_capture,
    "refund": _refund,
    "void": _void,
    "confirm_payment": _confirm,
}


@pytest.mark.parametrize("operation", CARD_OPERATIONS.values(), ids=CARD_OPERATIONS.keys())
def test_every_success_on_a_card_carries_its_card_info(
    manager: PluginManager, operation: Callable[[PluginManager], GatewayResponse]
) -> None:
    response = operation(manager)

    assert response.is_success, response.psp_error_message
    assert isinstance(response.card_info, CreditCardInfo)
    assert response.card_info.brand == "dummy_visa"


def test_card_info_of_a_capture_is_the_authorized_card(manager: PluginManager) -> None:
    reference = authorized(manager, token=tokens.SUCCESS_ALT)

    response = manager.capture(pay(psp_reference=reference, token=tokens.SUCCESS))

    assert response.card_info is not None
    assert response.card_info.last_4 == tokens.SUCCESS_ALT[-4:]


def test_a_token_that_is_no_card_number_gives_no_card_info(manager: PluginManager) -> None:
    response = manager.process_payment(pay(token="tok_unlisted_visa"))

    assert response.is_success
    assert response.card_info is None


# -- Declined at capture (Saleor's pre-authorization decline) ---------------------------


def test_capture_declined_token_is_a_documented_luhn_valid_card_number() -> None:
    row = TOKENS[tokens.CAPTURE_DECLINED]

    assert luhn_valid(row.token)
    assert row.error_code is None  # the authorization succeeds
    assert row.declines_capture


def test_capture_declined_token_authorizes(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    response = manager.authorize(pay("10.00", token=tokens.CAPTURE_DECLINED))

    assert response.is_success
    assert response.kind is TransactionKind.AUTH
    assert response.card_info is not None
    assert response.card_info.last_4 == tokens.CAPTURE_DECLINED[-4:]


def test_capture_of_a_capture_declined_card_is_declined_and_changes_nothing(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    reference = authorized(manager, "10.00", token=tokens.CAPTURE_DECLINED)

    response = manager.capture(pay("10.00", psp_reference=reference))

    assert not response.is_success
    assert response.kind is TransactionKind.CAPTURE
    assert response.error_code is ErrorCode.DECLINED
    assert response.psp_error_code == "card_declined"
    assert response.psp_reference == reference
    record = plugin.ledger.get(reference)
    assert (record.status, record.captured) == ("authorized", 0)


def test_a_capture_declined_authorization_can_be_voided(manager: PluginManager) -> None:
    reference = authorized(manager, "10.00", token=tokens.CAPTURE_DECLINED)
    assert not manager.capture(pay("10.00", psp_reference=reference)).is_success

    response = manager.void(pay("10.00", psp_reference=reference))

    assert response.is_success


def test_process_payment_of_a_capture_declined_card_is_declined_at_capture(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    response = manager.process_payment(pay("10.00", token=tokens.CAPTURE_DECLINED))

    assert not response.is_success
    assert response.kind is TransactionKind.CAPTURE
    assert response.error_code is ErrorCode.DECLINED
    assert response.psp_reference is not None  # the authorization left open, to void
    assert plugin.ledger.get(response.psp_reference).captured == 0


def test_process_payment_of_a_capture_declined_card_without_auto_capture_authorizes(
    manual_capture: PluginManager,
) -> None:
    response = manual_capture.process_payment(pay("10.00", token=tokens.CAPTURE_DECLINED))

    assert response.is_success
    assert response.kind is TransactionKind.AUTH


# -- One transaction id per refund -------------------------------------------------------


def test_every_refund_has_its_own_transaction_id(manager: PluginManager) -> None:
    reference = captured(manager, "10.00")

    refunds = [manager.refund(pay(part, psp_reference=reference)) for part in ("3.00", "3.00")]

    assert all(refund.is_success for refund in refunds)
    ids = {refund.transaction_id for refund in refunds}
    assert len(ids) == 2 and reference not in ids
    assert all(refund.psp_reference == reference for refund in refunds)
    assert all(refund.raw_response and refund.raw_response["id"] == refund.transaction_id
               for refund in refunds)  # fmt: skip


def test_a_retried_refund_keeps_its_transaction_id(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    reference = captured(manager, "10.00")
    refund = pay("3.00", psp_reference=reference)

    first, again = manager.refund(refund), manager.refund(refund)

    assert again.transaction_id == first.transaction_id
    assert plugin.ledger.get(reference).refunded == Decimal("3.00")


def test_refund_ids_cannot_pass_for_card_numbers(manager: PluginManager) -> None:
    reference = captured(manager, "10.00")

    refund = manager.refund(pay(psp_reference=reference))

    assert refund.transaction_id.startswith("dummy_")
    assert not any(char.isdigit() for char in refund.transaction_id)
