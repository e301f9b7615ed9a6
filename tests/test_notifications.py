"""Notifications: the manager verifies through the gateway, drops repeats, contains faults.

Nothing lost: an event is recorded only once the host applied it. Nothing
applied twice: concurrent deliveries never both get it. Nothing replayed: an
event older than the replay window is refused. Hostile bodies are rejected,
never a crash.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from gateway_plugins import (
    Capability,
    Claim,
    ErrorCode,
    GatewayConfig,
    InactiveGatewayError,
    MemoryEventLog,
    NotificationError,
    NotificationInProgress,
    NotificationPolicy,
    NotificationRejected,
    NotificationResult,
    OperationNotSupportedError,
    PluginManager,
    PluginRegistrationError,
    SqliteEventLog,
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
    """Trusts the body: one update per event id listed in it (signature checked elsewhere).

    ``"dates"`` maps an event id to its ``event_date`` (ISO 8601).
    """
    if headers.get("x-signature") != "good":
        raise NotificationRejected("notifying", "bad signature")
    document = json.loads(body)
    dates = document.get("dates", {})
    return NotificationResult(
        updates=tuple(update(i, event_date=dates.get(i)) for i in document["events"]),
        acknowledgement="[accepted]",
    )


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


def body_of(*events: str, dates: Mapping[str, datetime] | None = None) -> bytes:
    iso = {event: date.isoformat() for event, date in (dates or {}).items()}
    return json.dumps({"events": list(events), "dates": iso}).encode()


def deliver(manager: PluginManager, *events: str, signature: str = "good") -> NotificationResult:
    """A delivery the host applies: the block ends normally, so its updates are recorded."""
    with manager.notification("notifying", {"X-Signature": signature}, body_of(*events)) as result:
        return result


class HostFailure(Exception):
    """The host could not apply the updates (its database was down …)."""


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

    with manager.notification("notifying", {"X-Signature": "good"}, '{"events": []}'):
        pass

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

    with manager.notification("other", {}, b"") as result:
        pass

    assert len(result.updates) == 1, "another gateway's evt_1 is another event"
    assert log.claim("notifying:evt_1", "test", 60) is Claim.PROCESSED
    assert log.claim("other:evt_1", "test", 60) is Claim.PROCESSED


def test_the_host_can_give_its_own_event_log() -> None:
    class SharedLog:
        """The protocol over a dict, as a table or Redis would hold it."""

        def __init__(self) -> None:
            self.rows: dict[str, str | None] = {}  # key -> owner, None once processed

        def claim(self, key: str, owner: str, lease: float) -> Claim:
            if key not in self.rows:
                self.rows[key] = owner
                return Claim.CLAIMED
            return Claim.PROCESSED if self.rows[key] is None else Claim.IN_PROGRESS

        def complete(self, key: str) -> None:
            self.rows[key] = None

        def release(self, key: str, owner: str) -> None:
            if self.rows.get(key) == owner:
                del self.rows[key]

    shared = SharedLog()
    deliver(manager_with(NotifyingGateway(), event_log=shared), "evt_1")

    # A second process with the same shared log sees the repeat.
    again = deliver(manager_with(NotifyingGateway(), event_log=shared), "evt_1")

    assert shared.rows == {"notifying:evt_1": None}
    assert again.updates == ()
    assert len(again.duplicates) == 1


def test_an_event_log_of_the_former_protocol_is_refused() -> None:
    class SeenOnce:
        def first_time(self, key: str) -> bool:
            return True

    with pytest.raises(TypeError, match="has no claim, complete, release"):
        PluginManager(discover=False, event_log=SeenOnce())  # type: ignore[arg-type]


# -- Nothing lost: recorded only once applied -------------------------------------


def test_an_update_the_host_failed_to_apply_is_applied_at_the_next_delivery() -> None:
    manager = manager_with(NotifyingGateway())

    with (
        pytest.raises(HostFailure),
        manager.notification("notifying", {"X-Signature": "good"}, body_of("evt_1")) as first,
    ):
        assert [u.event_id for u in first.updates] == ["evt_1"]
        raise HostFailure  # the host answers 500 and the PSP delivers again

    again = deliver(manager, "evt_1")

    assert [u.event_id for u in again.updates] == ["evt_1"], "the event was lost"
    assert deliver(manager, "evt_1").duplicates == again.updates


def test_handle_notification_records_nothing_until_acknowledged() -> None:
    manager = manager_with(NotifyingGateway())
    headers, body = {"X-Signature": "good"}, body_of("evt_1", "evt_2")

    first = manager.handle_notification("notifying", headers, body)
    # The host fails before acknowledging; meanwhile a redelivery must wait.
    with pytest.raises(NotificationInProgress, match="evt_1") as caught:
        manager.handle_notification("notifying", headers, body)
    assert caught.value.event_ids == ("evt_1",)
    assert isinstance(caught.value, NotificationError), "a host answering 500 stays right"

    manager.acknowledge_notification("notifying", first)

    again = manager.handle_notification("notifying", headers, body)
    assert again.updates == () and again.duplicates == first.updates


def test_an_unacknowledged_claim_lapses_after_its_lease() -> None:
    manager = manager_with(NotifyingGateway(), notification_policy=NotificationPolicy(lease=0.05))
    headers, body = {"X-Signature": "good"}, body_of("evt_1")
    manager.handle_notification("notifying", headers, body)  # the host crashed: never acknowledged

    time.sleep(0.1)
    again = manager.handle_notification("notifying", headers, body)

    assert [u.event_id for u in again.updates] == ["evt_1"], "the event was lost"


def test_a_delivery_waiting_for_one_event_leaves_the_others_free() -> None:
    manager = manager_with(NotifyingGateway())
    manager.handle_notification("notifying", {"X-Signature": "good"}, body_of("evt_2"))

    with pytest.raises(NotificationInProgress):
        deliver(manager, "evt_1", "evt_2")

    assert [u.event_id for u in deliver(manager, "evt_1").updates] == ["evt_1"]


def test_a_failing_event_log_is_a_notification_error_and_frees_what_was_claimed() -> None:
    class Flaky(MemoryEventLog):
        def claim(self, key: str, owner: str, lease: float) -> Claim:
            if key.endswith("evt_2"):
                raise OSError("disk full")
            return super().claim(key, owner, lease)

    log = Flaky()
    manager = manager_with(NotifyingGateway(), event_log=log)

    with pytest.raises(NotificationError, match="the event log failed: OSError") as caught:
        deliver(manager, "evt_1", "evt_2")

    assert not isinstance(caught.value, (NotificationRejected, NotificationInProgress))
    assert log.claim("notifying:evt_1", "next", 60) is Claim.CLAIMED, "evt_1 was left claimed"


def test_an_event_log_answering_a_bool_is_a_notification_error() -> None:
    class Boolean(MemoryEventLog):
        def claim(self, key: str, owner: str, lease: float) -> Claim:
            return True  # type: ignore[return-value]

    manager = manager_with(NotifyingGateway(), event_log=Boolean())

    with pytest.raises(NotificationError, match="the event log failed: TypeError"):
        deliver(manager, "evt_1")


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_concurrent_deliveries_of_one_event_apply_it_once(kind: str, tmp_path: Path) -> None:
    log = MemoryEventLog() if kind == "memory" else SqliteEventLog(tmp_path / "events.sqlite3")
    manager = manager_with(NotifyingGateway(), event_log=log)
    applied: list[str] = []
    answers: list[str] = []
    barrier = threading.Barrier(8)

    def webhook() -> None:
        barrier.wait()
        try:
            with manager.notification("notifying", {"X-Signature": "good"}, body_of("evt_1")) as r:
                time.sleep(0.05)  # the host's transaction
                applied.extend(u.event_id for u in r.updates)
            answers.append("200 duplicate" if r.duplicates else "200 applied")
        except NotificationInProgress:
            answers.append("500 in progress")

    threads = [threading.Thread(target=webhook) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert applied == ["evt_1"]
    assert answers.count("200 applied") == 1
    assert len(answers) == 8


# -- Nothing replayed: the replay window -------------------------------------------


def test_events_older_than_the_replay_window_are_stale_not_applied() -> None:
    manager = manager_with(NotifyingGateway())
    now = datetime.now(timezone.utc)
    old, recent = now - timedelta(days=36), now - timedelta(days=34)
    body = body_of("evt_old", "evt_recent", dates={"evt_old": old, "evt_recent": recent})

    with manager.notification("notifying", {"X-Signature": "good"}, body) as result:
        pass

    assert [u.event_id for u in result.updates] == ["evt_recent"]
    assert [u.event_id for u in result.stale] == ["evt_old"]
    assert result.acknowledgement == "[accepted]", "the PSP is answered 200: it stops sending"
    assert manager.event_log.claim("notifying:evt_old", "o", 60) is Claim.CLAIMED, "not recorded"


def test_the_replay_window_is_configurable() -> None:
    policy = NotificationPolicy(replay_window=timedelta(hours=1))
    manager = manager_with(NotifyingGateway(), notification_policy=policy)
    earlier = datetime.now(timezone(timedelta(hours=-5))) - timedelta(hours=2)

    body = body_of("evt_1", dates={"evt_1": earlier})
    with manager.notification("notifying", {"X-Signature": "good"}, body) as result:
        pass

    assert [u.event_id for u in result.stale] == ["evt_1"]


def test_an_event_log_forgetting_within_the_replay_window_is_refused(tmp_path: Path) -> None:
    short = SqliteEventLog(tmp_path / "events.sqlite3", retention=timedelta(days=7))

    with pytest.raises(ValueError, match="less than the replay window"):
        PluginManager(discover=False, event_log=short)
    policy = NotificationPolicy(replay_window=timedelta(days=7))
    assert PluginManager(discover=False, event_log=short, notification_policy=policy)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"max_body_size": 0}, "max_body_size"),
        ({"max_body_size": 1.5}, "max_body_size"),
        ({"replay_window": timedelta(0)}, "replay_window"),
        ({"replay_window": 30}, "replay_window"),
        ({"lease": 0}, "lease"),
        ({"lease": "300"}, "lease"),
    ],
)
def test_a_bad_policy_is_refused_naming_the_field(fields: dict[str, Any], error: str) -> None:
    with pytest.raises((TypeError, ValueError), match=error):
        NotificationPolicy(**fields)


# -- Hostile bodies ----------------------------------------------------------------


def test_a_body_over_the_size_limit_is_rejected_before_the_plugin_reads_it() -> None:
    gateway = NotifyingGateway()
    manager = manager_with(gateway, notification_policy=NotificationPolicy(max_body_size=100))

    with pytest.raises(NotificationRejected, match="longer than 100 bytes"):
        manager.handle_notification("notifying", {"X-Signature": "good"}, b"x" * 101)
    with pytest.raises(NotificationRejected, match="longer than 100 bytes"):
        manager.handle_notification("notifying", {"X-Signature": "good"}, "é" * 51)

    assert gateway.received == []
    manager.handle_notification("notifying", {"X-Signature": "good"}, b" " * 87 + b'{"events":[]}')


def test_the_default_size_limit_is_one_mebibyte() -> None:
    gateway = NotifyingGateway()
    manager = manager_with(gateway)

    with pytest.raises(NotificationRejected, match="longer than 1048576 bytes"):
        manager.handle_notification("notifying", {}, b" " * (1024 * 1024 + 1))
    assert gateway.received == []


def test_text_that_is_not_unicode_is_rejected_cleanly() -> None:
    gateway = NotifyingGateway()
    manager = manager_with(gateway)

    with pytest.raises(NotificationRejected, match="cannot be encoded"):
        manager.handle_notification("notifying", {"X-Signature": "good"}, '{"events": ["\ud800"]}')
    with pytest.raises(NotificationRejected, match="header"):
        manager.handle_notification("notifying", {"X-Signature": "\udcff"}, b"{}")
    assert gateway.received == []


def test_a_body_that_exhausts_the_plugins_recursion_is_rejected_not_an_error() -> None:
    def naive(headers: Mapping[str, str], body: bytes) -> NotificationResult:
        json.loads(body)  # a third-party plugin without the bounded parser
        raise AssertionError("unreachable")

    manager = manager_with(NotifyingGateway(naive))

    with pytest.raises(NotificationRejected, match="nests too deep"):
        manager.handle_notification("notifying", {}, b"[" * 100_000 + b"]" * 100_000)


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
    for key in ("a", "b"):
        assert log.claim(key, "o", 60) is Claim.CLAIMED
        log.complete(key)
    assert log.claim("a", "o", 60) is Claim.PROCESSED  # a is now the most recently used
    assert log.claim("c", "o", 60) is Claim.CLAIMED

    assert log.claim("b", "o", 60) is Claim.CLAIMED, "b was the least recently used: forgotten"
    with pytest.raises(ValueError, match="capacity"):
        MemoryEventLog(capacity=0)


def test_the_memory_event_log_lets_one_thread_win_a_race() -> None:
    log = MemoryEventLog()
    results: list[Claim] = []
    barrier = threading.Barrier(8)

    def record(owner: str) -> None:
        barrier.wait()
        results.append(log.claim("evt", owner, 60))

    threads = [threading.Thread(target=record, args=(f"o{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(r.value for r in results) == ["claimed"] + ["in_progress"] * 7
