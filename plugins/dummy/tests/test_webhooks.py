"""The dummy's signed notifications, through the manager as a host receives them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from gateway_plugins_dummy import webhooks

from gateway_plugins import (
    ErrorCode,
    GatewayConfig,
    NotificationRejected,
    NotificationResult,
    PluginManager,
    TransactionKind,
)

SECRET = "whsec_dummy_test_1c9e"


def deliver(manager: PluginManager, headers: Mapping[str, str], body: bytes) -> NotificationResult:
    """Deliver a notification as a host does: its updates are recorded once the block ends."""
    with manager.notification("dummy", headers, body) as result:
        return result


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

    result = deliver(notified, headers, body)

    (update,) = result.updates
    assert (update.event_id, update.kind, update.is_success) == (
        "evt_1", TransactionKind.CAPTURE, True,
    )  # fmt: skip
    assert (update.psp_reference, update.amount, update.currency) == (
        "dummy_1", Decimal("10.00"), "USD",
    )  # fmt: skip
    assert deliver(notified, headers, body).duplicates == (update,)


def test_a_failed_event_carries_its_error_code(notified: PluginManager) -> None:
    headers, body = webhooks.notification(
        SECRET, TransactionKind.REFUND_FAILED, "dummy_1", Decimal("5"), "JPY", success=False
    )

    (update,) = deliver(notified, headers, body).updates

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


def test_the_signed_event_date_is_read(notified: PluginManager) -> None:
    occurred = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1)
    headers, body = webhooks.notification(
        SECRET, TransactionKind.CAPTURE, "dummy_1", Decimal("1"), "USD", occurred=occurred
    )

    (update,) = deliver(notified, headers, body).updates

    assert update.event_date == occurred


def test_an_event_older_than_the_replay_window_is_stale(notified: PluginManager) -> None:
    headers, body = webhooks.notification(
        SECRET, TransactionKind.CAPTURE, "dummy_1", Decimal("1"), "USD",
        occurred=datetime.now(timezone.utc) - timedelta(days=36),
    )  # fmt: skip

    result = deliver(notified, headers, body)

    assert result.updates == () and len(result.stale) == 1


@pytest.mark.parametrize(
    "body",
    [b"[" * 100_000 + b"]" * 100_000, b'{"event_id": NaN}', b'"just text"', b"[]"],
    ids=["deeper than the recursion limit", "NaN", "a string", "a list"],
)
def test_a_signed_body_that_is_no_event_is_rejected(notified: PluginManager, body: bytes) -> None:
    headers = {"X-Dummy-Signature": webhooks.sign(body, SECRET)}

    with pytest.raises(NotificationRejected):
        notified.handle_notification("dummy", headers, body)
