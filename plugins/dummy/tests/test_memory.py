"""The dummy's memory is bounded: the last N authorizations and the last N replies."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
from gateway_plugins_dummy import DEFAULT_MAX_RECORDS, DummyGatewayPlugin, tokens

from gateway_plugins import GatewayConfig, PluginManager
from plugins.dummy.tests.payments import assert_rejected, authorized, pay


def keeping(manager: PluginManager, max_records: Any) -> None:
    """Configure the dummy to keep ``max_records`` (given as is, valid or not)."""
    config = GatewayConfig(
        gateway_name="Dummy",
        supported_currencies="USD",
        connection_params={"max_records": max_records},
    )
    manager.configure("dummy", config)


def test_the_default_bound_is_documented() -> None:
    assert DEFAULT_MAX_RECORDS == 10_000


def test_the_dummy_keeps_the_last_authorizations_and_replies(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    keeping(manager, 5)

    references = [authorized(manager) for _ in range(20)]
    for reference in references[-3:]:
        manager.capture(pay("1.00", psp_reference=reference))

    assert len(plugin.ledger) == 5
    assert len(plugin.replies) == 5
    assert plugin.ledger.get(references[-1]).captured == Decimal("1.00")


def test_the_default_bound_holds(manager: PluginManager, plugin: DummyGatewayPlugin) -> None:
    for _ in range(DEFAULT_MAX_RECORDS + 10):
        manager.authorize(pay(token=tokens.SUCCESS))

    assert len(plugin.ledger) == DEFAULT_MAX_RECORDS
    assert len(plugin.replies) == DEFAULT_MAX_RECORDS


def test_an_evicted_authorization_is_unknown(manager: PluginManager) -> None:
    keeping(manager, 2)
    oldest = authorized(manager)
    authorized(manager)
    newest = authorized(manager)

    forgotten = manager.capture(pay(psp_reference=oldest))

    assert_rejected(forgotten, "resource_missing")
    assert forgotten.psp_error_message is not None
    assert forgotten.psp_error_message.startswith(f"unknown authorization {oldest!r}")
    assert "last 2" in forgotten.psp_error_message
    assert manager.capture(pay(psp_reference=newest)).is_success


def test_refused_requests_are_bounded_too(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    keeping(manager, 3)

    for _ in range(10):
        manager.capture(pay(psp_reference="dummy_unknown"))

    assert len(plugin.replies) == 3


def test_a_smaller_bound_applies_at_once(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    references = [authorized(manager) for _ in range(6)]

    keeping(manager, 2)

    assert (len(plugin.ledger), len(plugin.replies)) == (2, 2)
    assert manager.capture(pay(psp_reference=references[-1])).is_success


def test_reconfiguring_keeps_what_the_dummy_knows(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    reference = authorized(manager)

    manager.configure(
        "dummy", GatewayConfig(gateway_name="Dummy", auto_capture=False, supported_currencies="USD")
    )

    assert manager.capture(pay(psp_reference=reference)).is_success


@pytest.mark.parametrize("value", [0, -1, True, 2.5, "100", None], ids=repr)
def test_a_bad_bound_is_refused_naming_the_parameter_and_the_rule(
    manager: PluginManager, plugin: DummyGatewayPlugin, value: Any
) -> None:
    keeping(manager, 4)

    with pytest.raises(ValueError, match=r"connection_params\.max_records must be an int") as info:
        keeping(manager, value)

    assert "at least 1" in str(info.value)
    for _ in range(6):
        authorized(manager)
    assert len(plugin.ledger) == 4  # the previous configuration stays in force


def test_concurrent_authorizations_stay_within_the_bound(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    threads, each = 8, 50
    keeping(manager, 16)
    start = threading.Barrier(threads)

    def authorize_many(_: int) -> list[bool]:
        start.wait()
        return [manager.authorize(pay(token=tokens.SUCCESS)).is_success for _ in range(each)]

    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = [ok for batch in pool.map(authorize_many, range(threads)) for ok in batch]

    assert results == [True] * threads * each
    assert (len(plugin.ledger), len(plugin.replies)) == (16, 16)
