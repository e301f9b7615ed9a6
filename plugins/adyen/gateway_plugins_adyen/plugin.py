"""The Adyen gateway plugin: Checkout API v71 over the HTTP toolkit, and verified webhooks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from gateway_plugins import (
    Capability,
    GatewayConfig,
    GatewayInfo,
    GatewayResponse,
    NotificationRejected,
    NotificationResult,
    PaymentData,
    hookimpl,
)
from gateway_plugins.http import CommandHooks, Connection, ConnectionSlot, HttpClient

from . import notifications
from .commands import GATEWAY_ID, command_pool
from .errors import ERROR_MAP
from .settings import AdyenSettings

if TYPE_CHECKING:
    from gateway_plugins.conformance import ConformanceInputs

DEFAULT_CONFIG = GatewayConfig(
    gateway_name="Adyen",
    auto_capture=True,
    supported_currencies=("EUR", "USD", "GBP", "PLN", "JPY", "KWD"),
    connection_params={"environment": "test"},
)

CAPABILITIES = frozenset(
    {
        Capability.PARTIAL_CAPTURE,
        Capability.MULTIPLE_CAPTURES,
        Capability.PARTIAL_REFUND,
        Capability.MULTIPLE_REFUNDS,
        Capability.VOID,
        Capability.THREE_D_SECURE,
        Capability.IDEMPOTENCY,
        Capability.NOTIFICATIONS,
    }
)


class AdyenGatewayPlugin(CommandHooks):
    """Adyen through the Checkout API v71.

    ``connection_params``: ``api_key`` (required), ``merchant_account``
    (required), ``hmac_key`` (hex, to verify webhooks), ``environment``
    (``"test"``, the default, or ``"live"``), ``live_url_prefix`` (required
    live), ``base_url`` (test only; default ``https://checkout-test.adyen.com/v71``),
    ``return_url``, ``connect_timeout``, ``read_timeout`` and ``total_timeout``
    in seconds, ``pool_size``.
    """

    # authorize, capture, refund, void and process_payment come from CommandHooks:
    # each runs the command of the same name in commands.py.

    def __init__(self) -> None:
        self.slot: ConnectionSlot[AdyenSettings] = ConnectionSlot("Adyen")

    def __repr__(self) -> str:
        configured = self.slot.configured
        return f"<AdyenGatewayPlugin {'configured' if configured else 'not configured'}>"

    def conformance_inputs(self) -> ConformanceInputs:
        """The conformance kit's inputs, against a fake Adyen on 127.0.0.1 (one per process)."""
        from .testing.conformance import conformance_inputs  # the fake loads only now

        return conformance_inputs()

    @hookimpl
    def gateway_info(self) -> GatewayInfo:
        return GatewayInfo(
            id=GATEWAY_ID,
            name="Adyen",
            default_config=DEFAULT_CONFIG,
            capabilities=CAPABILITIES,
            error_map=ERROR_MAP,
        )

    @hookimpl
    def configure_gateway(self, config: GatewayConfig) -> None:
        settings = AdyenSettings.from_config(config)
        client = HttpClient(
            settings.base_url,
            headers={"X-API-Key": settings.api_key},
            timeouts=settings.timeouts,
            pool_size=settings.pool_size,
            secrets=config.secret_values(),
            name=GATEWAY_ID,
        )
        self.slot.replace(Connection(config, client, command_pool(settings), settings))

    @hookimpl
    def confirm_payment(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self.slot.get().execute("confirm_payment", payment_information)

    @hookimpl
    def handle_notification(self, headers: Mapping[str, str], body: bytes) -> NotificationResult:
        if not self.slot.configured:
            raise NotificationRejected(GATEWAY_ID, "the Adyen gateway is not configured")
        return notifications.handle(body, self.slot.get().settings.hmac_key)
