"""Idempotency: one replay key per operation, as hosts naturally write their calls.

Hosts build a capture, refund or void by copying the authorization's PaymentData
(``model_copy(update={"psp_reference": …})``), so every follow-up carries the
authorization's idempotency key. The dummy keys its replies by
``gateway_plugins.idempotency.operation_key``, as a real PSP plugin sends it: a
retry of the same request replays the first reply, a different operation runs.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from gateway_plugins_dummy import DummyGatewayPlugin, tokens

from gateway_plugins import GatewayResponse, PluginManager, TransactionKind
from plugins.dummy.tests.payments import assert_rejected, authorized, follow_up, pay

# -- A retry of the same request replays the first reply ----------------------------


def test_repeated_authorization_replays_the_first_reply(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    payment = pay(token=tokens.SUCCESS)

    first = manager.authorize(payment)
    second = manager.authorize(payment)

    assert second == first
    assert plugin.ledger.get(first.psp_reference).amount == payment.amount
    assert len(plugin.ledger) == 1


def test_repeated_capture_captures_once(manager: PluginManager, plugin: DummyGatewayPlugin) -> None:
    reference = authorized(manager, "10.00")
    capture = pay("4.00", psp_reference=reference)

    assert manager.capture(capture) == manager.capture(capture)

    assert plugin.ledger.get(reference).captured == Decimal("4.00")


def test_capture_of_the_rest_succeeds_after_a_repeated_capture(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    reference = authorized(manager, "10.00")
    capture = pay("4.00", psp_reference=reference)
    manager.capture(capture)
    manager.capture(capture)

    response = manager.capture(pay("6.00", psp_reference=reference))

    assert response.is_success
    assert plugin.ledger.get(reference).captured == Decimal("10.00")


def test_repeated_refusal_replays_the_refusal(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    reference = authorized(manager, "10.00")
    over_capture = pay("10.01", psp_reference=reference)

    first = manager.capture(over_capture)

    assert_rejected(first, "amount_too_large")
    assert manager.capture(over_capture) == first
    assert plugin.ledger.get(reference).captured == 0


def test_concurrent_captures_with_one_key_capture_once(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    threads = 20
    reference = authorized(manager, "100.00")
    capture = pay("1.00", psp_reference=reference)
    start = threading.Barrier(threads)

    def capture_at_once(_: int) -> GatewayResponse:
        start.wait()
        return manager.capture(capture)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        responses = list(pool.map(capture_at_once, range(threads)))

    assert all(response == responses[0] for response in responses)
    assert responses[0].is_success
    assert plugin.ledger.get(reference).captured == Decimal("1.00")


# -- Follow-ups copied from the authorization's PaymentData --------------------------


def test_capture_copied_from_the_authorization_captures_once(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    payment = pay("25.00", token=tokens.SUCCESS)
    authorization = manager.authorize(payment)
    capture = follow_up(payment, authorization)

    first = manager.capture(capture)
    retry = manager.capture(capture)

    assert first.is_success, first.psp_error_message
    assert first.kind is TransactionKind.CAPTURE
    assert retry == first
    assert plugin.ledger.get(authorization.psp_reference).captured == Decimal("25.00")


def test_partial_captures_copied_from_the_authorization_capture_once_each(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    payment = pay("25.00", token=tokens.SUCCESS)
    authorization = manager.authorize(payment)
    captures = [follow_up(payment, authorization, amount=Decimal(part)) for part in ("10", "15")]

    first = [manager.capture(capture) for capture in captures]
    retries = [manager.capture(capture) for capture in captures]

    assert [response.is_success for response in first] == [True, True]
    assert retries == first
    assert plugin.ledger.get(authorization.psp_reference).captured == Decimal("25.00")


def test_partial_captures_of_one_amount_with_their_own_keys_capture_twice(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    payment = pay("25.00", token=tokens.SUCCESS)
    authorization = manager.authorize(payment)
    captures = [
        follow_up(payment, authorization, amount=Decimal("5.00"), idempotency_key=key)
        for key in ("capture-1-of-order-42", "capture-2-of-order-42")
    ]

    first = [manager.capture(capture) for capture in captures]
    retries = [manager.capture(capture) for capture in captures]

    assert [response.is_success for response in first] == [True, True]
    assert retries == first
    assert plugin.ledger.get(authorization.psp_reference).captured == Decimal("10.00")


def test_refunds_copied_from_the_payment_refund_once_each(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    payment = pay("10.00", token=tokens.SUCCESS)
    paid = manager.process_payment(payment)
    refunds = [follow_up(payment, paid, amount=Decimal(part)) for part in ("4.00", "6.00")]

    first = [manager.refund(refund) for refund in refunds]
    retries = [manager.refund(refund) for refund in refunds]

    assert [(r.is_success, r.kind) for r in first] == [(True, TransactionKind.REFUND)] * 2
    assert retries == first
    assert plugin.ledger.get(paid.psp_reference).refunded == Decimal("10.00")


def test_void_copied_from_the_authorization_voids_and_its_retry_replays(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    payment = pay("25.00", token=tokens.SUCCESS)
    authorization = manager.authorize(payment)
    void = follow_up(payment, authorization)

    first = manager.void(void)
    retry = manager.void(void)

    assert first.is_success, first.psp_error_message
    assert first.kind is TransactionKind.VOID
    assert retry == first  # the first answer again, not "the payment is voided"
    assert plugin.ledger.get(authorization.psp_reference).status == "voided"


def test_confirm_copied_from_the_authorization_confirms_once(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    payment = pay("10.00", token=tokens.THREE_D_SECURE)
    challenge = manager.authorize(payment)
    confirm = follow_up(payment, challenge)

    first = manager.confirm_payment(confirm)
    retry = manager.confirm_payment(confirm)

    assert first.is_success, first.psp_error_message
    assert first.kind is TransactionKind.CAPTURE
    assert retry == first
    assert plugin.ledger.get(challenge.psp_reference).captured == Decimal("10.00")


def test_a_whole_order_from_one_payment_data(
    manual_capture: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    payment = pay("25.00", token=tokens.SUCCESS)
    authorization = manual_capture.authorize(payment)
    capture = follow_up(payment, authorization, amount=Decimal("20.00"))
    refund = follow_up(payment, authorization, amount=Decimal("5.00"))

    responses = [manual_capture.capture(capture), manual_capture.refund(refund)]

    assert [(r.is_success, r.kind) for r in responses] == [
        (True, TransactionKind.CAPTURE),
        (True, TransactionKind.REFUND),
    ]
    record = plugin.ledger.get(authorization.psp_reference)
    assert (record.captured, record.refunded) == (Decimal("20.00"), Decimal("5.00"))


# -- What the key does not tell apart --------------------------------------------------


def test_one_key_for_another_amount_is_another_authorization(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    # The operation_key rule: another amount is another request, even under one host key.
    payment = pay("10.00", token=tokens.SUCCESS)
    first = manager.authorize(payment)

    second = manager.authorize(follow_up(payment, first, psp_reference=None,
                                         amount=Decimal("20.00")))  # fmt: skip

    assert second.is_success
    assert second.psp_reference != first.psp_reference
    assert len(plugin.ledger) == 2


def test_one_key_with_another_card_is_rejected_and_changes_nothing(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    payment = pay("10.00", token=tokens.SUCCESS)
    assert manager.authorize(payment).is_success

    response = manager.authorize(payment.model_copy(update={"token": tokens.SUCCESS_ALT}))

    assert_rejected(response, "idempotency_key_reused")
    assert len(plugin.ledger) == 1
