"""A configured gateway's HTTP client and commands, replaced as one on reconfiguration.

``configure_gateway`` may run while other threads are in money hooks (see the
hookspec). A plugin therefore builds a new :class:`Connection` for each
configuration and swaps it into its :class:`ConnectionSlot`: a call in flight
keeps the connection it started with, the next call gets the new one, and the
old connection pool is closed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..interface import GatewayConfig, GatewayResponse, PaymentData
from .commands import CommandPool
from .transport import HttpClient

Settings = TypeVar("Settings")


@dataclass(frozen=True)
class Connection(Generic[Settings]):
    """One configuration and what the plugin built from it."""

    config: GatewayConfig
    client: HttpClient
    commands: CommandPool
    settings: Settings
    """The plugin's own reading of ``config.connection_params`` (``None`` if it has none)."""

    def execute(self, operation: str, payment: PaymentData) -> GatewayResponse:
        """Run the pool's ``operation`` for ``payment`` with this configuration."""
        return self.commands.execute(operation, payment, self.client, self.config)


class ConnectionSlot(Generic[Settings]):
    """Holds a plugin's current :class:`Connection`."""

    def __init__(self, gateway_name: str) -> None:
        self.gateway_name = gateway_name
        self._connection: Connection[Settings] | None = None
        self._lock = threading.Lock()

    @property
    def configured(self) -> bool:
        """Whether a connection has been installed."""
        return self._connection is not None

    def replace(self, connection: Connection[Settings]) -> None:
        """Install ``connection`` and close the previous one's pool."""
        with self._lock:
            old, self._connection = self._connection, connection
        if old is not None:
            old.client.close()

    def get(self) -> Connection[Settings]:
        """The current connection; ``RuntimeError`` before the first configuration."""
        connection = self._connection
        if connection is None:
            raise RuntimeError(f"the {self.gateway_name} gateway is not configured")
        return connection


__all__ = ["Connection", "ConnectionSlot"]
