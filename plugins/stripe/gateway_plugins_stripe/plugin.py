"""The Stripe gateway plugin: PaymentIntents over HTTP with the gateway toolkit."""

from __future__ import annotations

from gateway_plugins import (
    Capability,
    ClientTokenError,
    GatewayConfig,
    GatewayInfo,
    GatewayResponse,
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
    Timeouts,
    TransportError,
)

from .commands import COMMANDS, GATEWAY_ID, client_token_request
from .errors import ERROR_MAP

#: The API version our requests and the bundled spec describe.
STRIPE_VERSION = "2020-08-27"

DEFAULT_CONFIG = GatewayConfig(
    gateway_name="Stripe",
    auto_capture=True,
    supported_currencies=("USD", "EUR", "GBP", "PLN", "JPY", "KWD"),
    connection_params={"base_url": "https://api.stripe.com"},
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
    }
)


class StripeGatewayPlugin(CommandHooks):
    """Stripe through PaymentIntents.

    ``connection_params``: ``secret_key`` (required, ``sk_test_…``/``sk_live_…``),
    ``base_url`` (default ``https://api.stripe.com``), ``connect_timeout`` and
    ``read_timeout`` in seconds, ``pool_size``, ``return_url`` (where Stripe sends
    the shopper back after a 3-D Secure redirect).
    """

    # authorize, capture, refund, void and process_payment come from CommandHooks:
    # each runs the command of the same name in commands.py.

    def __init__(self) -> None:
        self.slot: ConnectionSlot[None] = ConnectionSlot("Stripe")

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
        params = config.connection_params
        if "secret_key" not in params:
            raise ValueError("connection_params.secret_key is required (sk_test_… or sk_live_…)")
        secret = config.secret("secret_key")
        client = HttpClient(
            str(params.get("base_url", "https://api.stripe.com")),
            headers={"Authorization": f"Bearer {secret}", "Stripe-Version": STRIPE_VERSION},
            timeouts=Timeouts(
                connect=float(params.get("connect_timeout", Timeouts.connect)),
                read=float(params.get("read_timeout", Timeouts.read)),
            ),
            pool_size=int(params.get("pool_size", 10)),
            secrets=config.secret_values(),
            name=GATEWAY_ID,
        )
        self.slot.replace(Connection(config, client, COMMANDS, None))

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
