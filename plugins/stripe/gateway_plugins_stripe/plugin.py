"""The Stripe gateway plugin: PaymentIntents over HTTP with the gateway toolkit, and webhooks."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from gateway_plugins import (
    Capability,
    ClientTokenError,
    GatewayConfig,
    GatewayInfo,
    GatewayResponse,
    NotificationRejected,
    NotificationResult,
    PaymentData,
    TokenConfig,
    hookimpl,
)
from gateway_plugins.http import (
    CommandHooks,
    Connection,
    ConnectionSlot,
    HttpClient,
    MalformedReply,
    TransportError,
)

from .commands import COMMANDS, GATEWAY_ID, client_token_request
from .errors import ERROR_MAP
from .settings import BASE_URL, StripeSettings
from .voids import void
from .webhooks import WebhookSettings, handle

if TYPE_CHECKING:
    from gateway_plugins.conformance import ConformanceInputs

#: The API version our requests and the bundled spec describe.
STRIPE_VERSION = "2020-08-27"

DEFAULT_CONFIG = GatewayConfig(
    gateway_name="Stripe",
    auto_capture=True,
    supported_currencies=("USD", "EUR", "GBP", "PLN", "JPY", "KWD"),
    connection_params={"base_url": BASE_URL},
)

CAPABILITIES = frozenset(
    {
        Capability.PARTIAL_CAPTURE,  # one capture per PaymentIntent; the rest is released
        Capability.PARTIAL_REFUND,
        Capability.MULTIPLE_REFUNDS,
        Capability.VOID,
        Capability.THREE_D_SECURE,
        Capability.CLIENT_TOKEN,
        Capability.IDEMPOTENCY,
        Capability.NOTIFICATIONS,
    }
)


class StripeGatewayPlugin(CommandHooks):
    """Stripe through PaymentIntents.

    ``connection_params``: ``secret_key`` (required, ``sk_test_…``/``sk_live_…``),
    ``base_url`` (default ``https://api.stripe.com``), ``connect_timeout``,
    ``read_timeout`` and ``total_timeout`` in seconds, ``pool_size``,
    ``return_url`` (where Stripe sends the shopper back after a 3-D Secure
    redirect), ``webhook_secret`` (the webhook endpoint's signing secret,
    ``whsec_…``; without it every notification is rejected) and
    ``webhook_tolerance`` (how far, in seconds, a webhook's signed timestamp may
    be from now; default 300). See :class:`~.settings.StripeSettings` for the
    rules the connection parameters are checked by.

    Webhooks: hand ``handle_notification`` the request's headers and its body
    bytes exactly as received (the signature covers the bytes, so JSON parsed
    and serialised again no longer verifies). ``clock`` gives the current Unix
    time for the tolerance check; tests replace it.
    """

    # authorize, capture, refund and process_payment come from CommandHooks: each runs
    # the command of the same name in commands.py. A void reads the PaymentIntent first.

    def __init__(self) -> None:
        self.slot: ConnectionSlot[WebhookSettings] = ConnectionSlot("Stripe")
        self.clock: Callable[[], float] = time.time

    def conformance_inputs(self) -> ConformanceInputs:
        """The conformance kit's inputs, against a fake Stripe on 127.0.0.1 (one per process)."""
        from .testing.conformance import conformance_inputs  # the fake loads only now

        return conformance_inputs()

    @hookimpl
    def gateway_info(self) -> GatewayInfo:
        return GatewayInfo(
            id=GATEWAY_ID,
            name="Stripe",
            default_config=DEFAULT_CONFIG,
            capabilities=CAPABILITIES,
            error_map=ERROR_MAP,
        )

    @hookimpl
    def configure_gateway(self, config: GatewayConfig) -> None:
        settings = StripeSettings.from_config(config)
        webhooks = WebhookSettings.from_config(config)
        client = HttpClient(
            settings.base_url,
            headers={
                "Authorization": f"Bearer {settings.secret_key}",
                "Stripe-Version": STRIPE_VERSION,
            },
            timeouts=settings.timeouts,
            pool_size=settings.pool_size,
            secrets=config.secret_values(),
            name=GATEWAY_ID,
        )
        self.slot.replace(Connection(config, client, COMMANDS, webhooks))

    @hookimpl
    def void(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return void(self.slot.get(), payment_information)

    @hookimpl
    def confirm_payment(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self.slot.get().execute("confirm_payment", payment_information)

    @hookimpl
    def get_client_token(self, token_config: TokenConfig, previous_value: str | None) -> str:
        connection = self.slot.get()
        try:
            reply = connection.client.send(client_token_request(token_config.customer_id))
            body = reply.json()
        except (TransportError, MalformedReply) as exc:
            raise ClientTokenError(GATEWAY_ID, str(exc)) from None
        if reply.status >= 400 or not isinstance(body.get("client_secret"), str):
            message = (body.get("error") or {}).get("message", f"HTTP {reply.status}")
            raise ClientTokenError(GATEWAY_ID, message)
        return str(body["client_secret"])

    @hookimpl
    def handle_notification(self, headers: Mapping[str, str], body: bytes) -> NotificationResult:
        if not self.slot.configured:
            raise NotificationRejected(GATEWAY_ID, "the Stripe gateway is not configured")
        return handle(self.slot.get().settings, headers, body, self.clock())
