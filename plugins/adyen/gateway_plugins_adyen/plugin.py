"""The Adyen gateway plugin: Checkout API v71 over the HTTP toolkit, and verified webhooks."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

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
from gateway_plugins.http import CommandPool, HttpClient

from . import notifications
from .commands import GATEWAY_ID, command_pool
from .errors import ERROR_MAP
from .settings import TEST_BASE_URL, AdyenSettings

DEFAULT_CONFIG = GatewayConfig(
    gateway_name="Adyen",
    auto_capture=True,
    supported_currencies=("EUR", "USD", "GBP", "PLN", "JPY", "KWD"),
    connection_params={"base_url": TEST_BASE_URL},
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


@dataclass(frozen=True)
class _Connection:
    """One configuration, its HTTP client and its commands, swapped as one."""

    config: GatewayConfig
    settings: AdyenSettings
    client: HttpClient
    commands: CommandPool


class AdyenGatewayPlugin:
    """Adyen through the Checkout API v71.

    ``connection_params``: ``api_key`` (required), ``merchant_account``
    (required), ``hmac_key`` (hex, to verify webhooks), ``base_url`` (default
    ``https://checkout-test.adyen.com/v71``), ``return_url``,
    ``connect_timeout`` and ``read_timeout`` in seconds, ``pool_size``.
    """

    def __init__(self) -> None:
        self._connection: _Connection | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        configured = self._connection is not None
        return f"<AdyenGatewayPlugin {'configured' if configured else 'not configured'}>"

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
        connection = _Connection(config, settings, client, command_pool(settings))
        with self._lock:  # swap, then close the old pool: calls in flight keep theirs
            old, self._connection = self._connection, connection
        if old is not None:
            old.client.close()

    def _configured(self) -> _Connection:
        connection = self._connection
        if connection is None:
            raise RuntimeError("the Adyen gateway is not configured")
        return connection

    def _run(self, operation: str, payment: PaymentData) -> GatewayResponse:
        connection = self._configured()
        return connection.commands.execute(operation, payment, connection.client, connection.config)

    @hookimpl
    def authorize(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self._run("authorize", payment_information)

    @hookimpl
    def capture(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self._run("capture", payment_information)

    @hookimpl
    def refund(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self._run("refund", payment_information)

    @hookimpl
    def void(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self._run("void", payment_information)

    @hookimpl
    def process_payment(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        auto = self._configured().config.auto_capture
        return self._run("sale" if auto else "authorize", payment_information)

    @hookimpl
    def confirm_payment(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self._run("confirm_payment", payment_information)

    @hookimpl
    def handle_notification(self, headers: Mapping[str, str], body: bytes) -> NotificationResult:
        connection = self._connection
        if connection is None:
            raise NotificationRejected(GATEWAY_ID, "the Adyen gateway is not configured")
        return notifications.handle(body, connection.settings.hmac_key)
