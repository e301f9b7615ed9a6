"""Fixtures: a fresh dummy gateway behind a fresh PluginManager for every test."""

from __future__ import annotations

import pytest
from gateway_plugins_dummy import DummyGatewayPlugin

from gateway_plugins import GatewayConfig, PluginManager


@pytest.fixture
def plugin() -> DummyGatewayPlugin:
    """The dummy gateway instance; its ``ledger`` is the PSP's memory."""
    return DummyGatewayPlugin()


@pytest.fixture
def manager(plugin: DummyGatewayPlugin) -> PluginManager:
    """A host's manager with only the dummy gateway, registered in code."""
    manager = PluginManager(discover=False)
    manager.register(plugin, "dummy")
    return manager


@pytest.fixture
def manual_capture(manager: PluginManager) -> PluginManager:
    """The manager with ``auto_capture`` switched off (USD only)."""
    manager.configure(
        "dummy", GatewayConfig(gateway_name="Dummy", auto_capture=False, supported_currencies="USD")
    )
    return manager
