"""Stripe (PaymentIntents) gateway for gateway-plugins (gateway id ``stripe``)."""

from .commands import COMMANDS, GATEWAY_ID
from .errors import ERROR_MAP, normalize
from .plugin import CAPABILITIES, DEFAULT_CONFIG, STRIPE_VERSION, StripeGatewayPlugin
from .signature import DEFAULT_TOLERANCE, SIGNATURE_HEADER, compute_signature
from .webhooks import ACKNOWLEDGEMENT, EVENTS, REFUND_STATUSES, WebhookSettings
from .wire import STRIPE_UNITS, form_encode

__all__ = [
    "ACKNOWLEDGEMENT",
    "CAPABILITIES",
    "COMMANDS",
    "DEFAULT_CONFIG",
    "DEFAULT_TOLERANCE",
    "ERROR_MAP",
    "EVENTS",
    "GATEWAY_ID",
    "REFUND_STATUSES",
    "SIGNATURE_HEADER",
    "STRIPE_UNITS",
    "STRIPE_VERSION",
    "StripeGatewayPlugin",
    "WebhookSettings",
    "compute_signature",
    "form_encode",
    "normalize",
]
