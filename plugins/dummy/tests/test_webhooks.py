"""The dummy's signed notifications, through the manager as a host receives them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from gateway_plugins_dummy import webhooks

from gateway_plugins import (
    ErrorCode,
    GatewayConfig,
    NotificationRejected,
    PluginManager,
    TransactionKind,
)

SECRET = "whsec_dummy_test_1c9e"


@pytest.fixture
def notified(manager: PluginManager) -> PluginManager:
    manager.configure(
        "dummy",
        GatewayConfig(gateway_name="Dummy", supported_currencies="USD, JPY",
                      connection_params={"webhook_secret": SECRET}),
    )  # fmt: skip
    return manager


def test_a_signed_capture_becomes_a_capture_update(notified: PluginManager) -> None:
    headers, body = webhooks.notification(
        SECRET, TransactionKind.CAPTURE, "dummy_1", Decimal("10.00"), "USD", event_id="evt_1"
    )

    result = notified.handle_notification("dummy", headers, body)

    (update,) = result.updates
    assert (update.event_id, update.kind, update.is_success) == (
        "evt_1", TransactionKind.CAPTURE, True,
    )  # fmt: skip
    assert (update.psp_reference, update.amount, update.currency) == (
        "dummy_1", Decimal("10.00"), "USD",
    )  # fmt: skip
    assert notified.handle_notification("dummy", headers, body).duplicates == (update,)


def test_a_failed_event_carries_its_error_code(notified: PluginManager) -> None:
    headers, body = webhooks.notification(
        SECRET, TransactionKind.REFUND_FAILED, "dummy_1", Decimal("5"), "JPY", success=False
    )

    (update,) = notified.handle_notification("dummy", headers, body).updates

    assert update.is_success is False
    assert update.error_code is ErrorCode.PROCESSING_ERROR


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda h, b: (h, b.replace(b"10.00", b"99.00")), "does not match"),
        (lambda h, b: ({"X-Dummy-Signature": webhooks.sign(b, "other")}, b), "does not match"),
        (lambda h, b: ({}, b), "header is missing"),
    ],
    ids=["tampered body", "wrong secret", "no signature"],
)
def test_forged_notifications_are_rejected(notified: PluginManager, change, reason) -> None:  # type: ignore[no-untyped-def]
    headers, body = change(*webhooks.notification(
        SECRET, TransactionKind.CAPTURE, "dummy_1", Decimal("10.00"), "USD"
    ))  # fmt: skip

    with pytest.raises(NotificationRejected, match=reason) as caught:
        notified.handle_notification("dummy", headers, body)

    assert SECRET not in str(caught.value)


def test_without_a_secret_every_notification_is_rejected(manager: PluginManager) -> None:
    headers, body = webhooks.notification(
        SECRET, TransactionKind.CAPTURE, "dummy_1", Decimal("10.00"), "USD"
    )

    with pytest.raises(NotificationRejected, match="webhook_secret is not set"):
        manager.handle_notification("dummy", headers, body)
