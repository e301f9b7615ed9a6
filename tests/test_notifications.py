"""Notifications: the manager verifies through the gateway, drops repeats, contains faults."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from gateway_plugins import (
    Capability,
    ErrorCode,
    GatewayConfig,
    InactiveGatewayError,
    MemoryEventLog,
    NotificationError,
    NotificationRejected,
    NotificationResult,
    OperationNotSupportedError,
    PluginManager,
    PluginRegistrationError,
    TransactionKind,
    TransactionUpdate,
    UnknownGatewayError,
    hookimpl,
)
from tests.plugins import FakeGateway

CARD = "4111111111111111"
SECRET = "whsec_test_5b1f0c2a"

Handler = Callable[[Mapping[str, str], bytes], Any]


def update(event_id: str = "evt_1", **fields: Any) -> TransactionUpdate:
    values: dict[str, Any] = {
        "event_id": event_id,
        "event_code": "CAPTURE",
        "kind": TransactionKind.CAPTURE,
        "is_success": True,
        "psp_reference": "pay_1",
        "transaction_id": "cap_1",
        "amount": "10.00",
        "currency": "USD",
        **fields,
    }
    return TransactionUpdate(**values)


def from_body(headers: Mapping[str, str], body: bytes) -> NotificationResult:
    """Trusts the body: one update per event id listed in it (signature checked elsewhere)."""
    if headers.get("x-signature") != "good":
        raise NotificationRejected("notifying", "bad signature")
    ids = json.loads(body)["events"]
    return NotificationResult(updates=tuple(update(i) for i in ids), acknowledgement="[accepted]")


class NotifyingGateway(FakeGateway):
    """A gateway whose notification handling is set by the test."""

    def __init__(self, handler: Handler = from_body, **kwargs: Any) -> None:
        super().__init__("notifying", capabilities=frozenset({Capability.NOTIFICATIONS}), **kwargs)
        self.handler = handler
        self.received: list[tuple[Mapping[str, str], bytes]] = []

    @hookimpl
    def handle_notification(self, headers: Mapping[str, str], body: bytes) -> Any:
        self.received.append((headers, body))
        return self.handler(headers, body)


def manager_with(gateway: object, **kwargs: Any) -> PluginManager:
    manager = PluginManager(discover=False, **kwargs)
    manager.register(gateway, "notifying")
    return manager


def deliver(manager: PluginManager, *events: str, signature: str = "good") -> NotificationResult:
    body = json.dumps({"events": list(events)}).encode()
    return manager.handle_notification("notifying", {"X-Signature": signature}, body)


# -- Delivery and repeats -------------------------------------------------------


def test_a_verified_notification_gives_its_updates_and_acknowledgement() -> None:
    result = deliver(manager_with(NotifyingGateway()), "evt_1", "evt_2")

    assert [u.event_id for u in result.updates] == ["evt_1", "evt_2"]
    assert result.duplicates == ()
    assert result.acknowledgement == "[accepted]"
    assert result.updates[0].amount == Decimal("10.00")


def test_the_plugin_gets_lower_case_headers_and_the_body_as_bytes() -> None:
    gateway = NotifyingGateway()
    manager = manager_with(gateway)

    manager.handle_notification("notifying", {"X-Signature": "good"}, '{"events": []}')

    headers, body = gateway.received[0]
    assert headers == {"x-signature": "good"}
    assert body == b'{"events": []}'


def test_a_repeated_event_comes_back_as_a_duplicate() -> None:
    manager = manager_with(NotifyingGateway())
    deliver(manager, "evt_1")

    again = deliver(manager, "evt_1", "evt_2")

    assert [u.event_id for u in again.updates] == ["evt_2"]
    assert [u.event_id for u in again.duplicates] == ["evt_1"]


def test_a_repeat_inside_one_batch_is_a_duplicate() -> None:
    result = deliver(manager_with(NotifyingGateway()), "evt_1", "evt_1")

    assert len(result.updates) == 1
    assert len(result.duplicates) == 1


def test_event_ids_are_kept_apart_per_gateway() -> None:
    log = MemoryEventLog()
    manager = manager_with(NotifyingGateway(), event_log=log)
    other = FakeGateway("other", capabilities=frozenset({Capability.NOTIFICATIONS}))
    other.handle_notification = hookimpl(  # type: ignore[attr-defined]
        lambda headers, body: NotificationResult(updates=(update("evt_1"),))
    )
    manager.register(other, "other")
    deliver(manager, "evt_1")

    result = manager.handle_notification("other", {}, b"")

    assert len(result.updates) == 1, "another gateway's evt_1 is another event"
    assert not log.first_time("notifying:evt_1")
    assert not log.first_time("other:evt_1")


def test_the_host_can_give_its_own_event_log() -> None:
    class SharedLog:
        def __init__(self) -> None:
            self.keys: set[str] = set()

        def first_time(self, key: str) -> bool:
            new = key not in self.keys
            self.keys.add(key)
            return new

    shared = SharedLog()
    deliver(manager_with(NotifyingGateway(), event_log=shared), "evt_1")

    # A second process with the same shared log sees the repeat.
    again = deliver(manager_with(NotifyingGateway(), event_log=shared), "evt_1")

    assert shared.keys == {"notifying:evt_1"}
    assert again.updates == ()
    assert len(again.duplicates) == 1


# -- Rejections and faults ------------------------------------------------------


def test_a_rejected_notification_raises_and_records_nothing() -> None:
    manager = manager_with(NotifyingGateway())

    with pytest.raises(NotificationRejected, match="bad signature") as caught:
        deliver(manager, "evt_1", signature="forged")

    assert caught.value.gateway_id == "notifying"
    assert len(deliver(manager, "evt_1").updates) == 1, "the forged copy was not recorded"


def test_a_rejection_message_never_carries_a_secret() -> None:
    def leaky(headers: Mapping[str, str], body: bytes) -> NotificationResult:
        raise NotificationRejected("notifying", f"expected a signature made with {SECRET}")

    manager = manager_with(NotifyingGateway(leaky))
    manager.configure(
        "notifying",
        GatewayConfig(gateway_name="N", supported_currencies="USD",
                      connection_params={"hmac_key": SECRET}),
    )  # fmt: skip

    with pytest.raises(NotificationRejected) as caught:
        deliver(manager, "evt_1")

    assert SECRET not in str(caught.value)
    assert SECRET not in caught.value.reason


def test_a_plugin_crash_is_a_notification_error_with_a_scrubbed_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def crash(headers: Mapping[str, str], body: bytes) -> NotificationResult:
        raise KeyError(f"card {CARD}")

    manager = manager_with(NotifyingGateway(crash))

    with caplog.at_level(logging.ERROR), pytest.raises(NotificationError) as caught:
        deliver(manager, "evt_1")

    assert not isinstance(caught.value, NotificationRejected)
    assert "KeyError" in str(caught.value)
    assert "handle_notification" in caplog.text
    assert CARD not in caplog.text and CARD not in str(caught.value)


def test_raise_plugin_errors_re_raises_a_crash() -> None:
    def crash(headers: Mapping[str, str], body: bytes) -> NotificationResult:
        raise KeyError("boom")

    manager = manager_with(NotifyingGateway(crash), raise_plugin_errors=True)

    with pytest.raises(KeyError):
        deliver(manager, "evt_1")


def test_a_plugin_returning_the_wrong_type_is_a_notification_error() -> None:
    manager = manager_with(NotifyingGateway(lambda headers, body: [update()]))

    with pytest.raises(NotificationError, match="returned list, not a NotificationResult"):
        deliver(manager, "evt_1")


def test_card_data_in_an_update_is_scrubbed() -> None:
    def leaky(headers: Mapping[str, str], body: bytes) -> NotificationResult:
        raw = {"card": CARD, "pspReference": "8815329842815468"}
        return NotificationResult(
            updates=(update(raw_response=raw, psp_error_message=f"card {CARD}"),)
        )

    result = deliver(manager_with(NotifyingGateway(leaky)), "evt_1")

    assert CARD not in repr(result)
    assert result.updates[0].raw_response is not None
    assert result.updates[0].raw_response["pspReference"] == "8815329842815468"


# -- Which gateways take notifications -------------------------------------------


def test_errors_for_unknown_inactive_and_non_notifying_gateways() -> None:
    manager = manager_with(NotifyingGateway())
    manager.register(FakeGateway("plain"), "plain")

    with pytest.raises(UnknownGatewayError):
        manager.handle_notification("nope", {}, b"")
    with pytest.raises(OperationNotSupportedError, match="handle_notification"):
        manager.handle_notification("plain", {}, b"")
    manager.configure(
        "notifying", GatewayConfig(gateway_name="N", supported_currencies="USD", active=False)
    )
    with pytest.raises(InactiveGatewayError):
        deliver(manager, "evt_1")


def test_the_capability_and_the_hook_go_together() -> None:
    declares_only = FakeGateway("a", capabilities=frozenset({Capability.NOTIFICATIONS}))
    implements_only = NotifyingGateway()
    implements_only.capabilities = frozenset()

    with pytest.raises(PluginRegistrationError, match="does not implement 'handle_notification'"):
        PluginManager(discover=False).register(declares_only, "a")
    with pytest.raises(PluginRegistrationError, match="does not declare 'notifications'"):
        PluginManager(discover=False).register(implements_only, "b")


# -- The data types ---------------------------------------------------------------


def test_a_failed_update_needs_an_error_code_and_failure_fills_it() -> None:
    with pytest.raises(ValidationError, match="error_code"):
        update(is_success=False)

    failed = TransactionUpdate.failure(
        TransactionKind.CAPTURE_FAILED, ErrorCode.PROCESSING_ERROR,
        event_id="e", event_code="CAPTURE_FAILED", psp_reference="pay_1", psp_error_code="X",
    )  # fmt: skip

    assert failed.is_success is False
    assert failed.error_code is ErrorCode.PROCESSING_ERROR
    assert failed.psp_error_code == "X"


def test_update_money_follows_the_payment_rules() -> None:
    with pytest.raises(ValidationError, match="currency"):
        update(currency=None)
    with pytest.raises(ValidationError, match="decimal places"):
        update(amount="10.5", currency="JPY")
    with pytest.raises(ValidationError, match="float"):
        update(amount=10.5)
    with pytest.raises(ValidationError, match="error_code"):
        update(error_code=ErrorCode.DECLINED)
    assert update(amount=None, currency=None).amount is None


def test_updates_are_immutable() -> None:
    with pytest.raises(AttributeError, match="immutable"):
        update().kind = TransactionKind.REFUND  # type: ignore[misc]


def test_the_memory_event_log_forgets_the_oldest_beyond_its_capacity() -> None:
    log = MemoryEventLog(capacity=2)
    assert [log.first_time(k) for k in ("a", "b", "a", "c")] == [True, True, False, True]

    assert log.first_time("b") is True, "b was the least recently seen, so it was forgotten"
    assert log.first_time("c") is False, "c was seen since"
    with pytest.raises(ValueError, match="capacity"):
        MemoryEventLog(capacity=0)


def test_the_memory_event_log_lets_one_thread_win_a_race() -> None:
    log = MemoryEventLog()
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def record() -> None:
        barrier.wait()
        results.append(log.first_time("evt"))

    threads = [threading.Thread(target=record) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False] * 7 + [True]
