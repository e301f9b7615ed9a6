"""The Authorize.Net gateway plugin: the JSON API over the gateway toolkit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from gateway_plugins import (
    Capability,
    GatewayConfig,
    GatewayInfo,
    NotificationResult,
    hookimpl,
)
from gateway_plugins.http import CommandHooks, Connection, ConnectionSlot, HttpClient

from . import notifications
from .commands import GATEWAY_ID, command_pool
from .errors import ERROR_MAP
from .settings import Settings

if TYPE_CHECKING:
    from gateway_plugins.conformance import ConformanceInputs

DEFAULT_CONFIG = GatewayConfig(
    gateway_name="Authorize.Net",
    auto_capture=True,
    # An Authorize.Net account settles in one currency; list yours if it is not USD.
    supported_currencies=("USD",),
)

#: No ``idempotency``: Authorize.Net has no idempotency key. Its duplicate window
#: answers a retry of the same PaymentData with the first answer (``duplicates``),
#: but only for up to 8 hours (120 s by default), and an Accept.js nonce is used
#: once, so a retry cannot be promised the first answer (see the README,
#: "Duplicate window"). No ``three_d_secure`` (no redirect flow in this API), no
#: ``client_token`` (Accept.js's publicClientKey is per account, not per call),
#: no ``multiple_captures`` (a priorAuthCapture settles the authorization once).
CAPABILITIES = frozenset(
    {
        Capability.PARTIAL_CAPTURE,
        Capability.PARTIAL_REFUND,
        Capability.MULTIPLE_REFUNDS,
        Capability.VOID,
        Capability.NOTIFICATIONS,
    }
)


class AuthorizeNetGatewayPlugin(CommandHooks):
    """Authorize.Net through ``createTransactionRequest`` (JSON API).

    ``connection_params``: ``api_login_id`` and ``transaction_key`` (required),
    ``endpoint`` (the whole API URL, default the sandbox) or ``base_url`` (a
    host, ``/xml/v1/request.api`` appended), ``connect_timeout``,
    ``read_timeout`` and ``total_timeout`` in seconds, ``pool_size``,
    ``duplicate_window`` (seconds, default 120) and ``signature_key`` (for
    webhooks). See the README.
    """

    # authorize, capture, refund, void and process_payment come from CommandHooks:
    # each runs the command of the same name in commands.py.

    def __init__(self) -> None:
        self.slot: ConnectionSlot[Settings] = ConnectionSlot("Authorize.Net")

    def conformance_inputs(self) -> ConformanceInputs:
        """The conformance kit's inputs, against a fake Authorize.Net (one per process)."""
        from .testing.conformance import conformance_inputs  # the fake loads only now

        return conformance_inputs()

    @hookimpl
    def gateway_info(self) -> GatewayInfo:
        return GatewayInfo(
            id=GATEWAY_ID,
            name="Authorize.Net",
            default_config=DEFAULT_CONFIG,
            capabilities=CAPABILITIES,
            error_map=ERROR_MAP,
        )

    @hookimpl
    def configure_gateway(self, config: GatewayConfig) -> None:
        settings = Settings.from_config(config)
        client = HttpClient(
            settings.endpoint,
            timeouts=settings.timeouts,
            pool_size=settings.pool_size,
            # No idempotency at Authorize.Net: a POST that may have arrived is never resent.
            idempotency_header=None,
            secrets=config.secret_values(),
            name=GATEWAY_ID,
        )
        self.slot.replace(Connection(config, client, command_pool(settings), settings))

    @hookimpl
    def handle_notification(self, headers: Mapping[str, str], body: bytes) -> NotificationResult:
        connection = self.slot.get()
        key = connection.settings.signature_key
        return notifications.translate(
            GATEWAY_ID,
            None if key is None else key.get_secret_value(),
            connection.config,
            headers,
            body,
        )
