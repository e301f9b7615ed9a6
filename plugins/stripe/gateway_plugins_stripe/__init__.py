"""Stripe (PaymentIntents) gateway for gateway-plugins (gateway id ``stripe``)."""

from .commands import COMMANDS, GATEWAY_ID
from .errors import ERROR_MAP, normalize
from .plugin import CAPABILITIES, DEFAULT_CONFIG, STRIPE_VERSION, StripeGatewayPlugin
from .wire import STRIPE_UNITS, form_encode

__all__ = [
    "CAPABILITIES",
    "COMMANDS",
    "DEFAULT_CONFIG",
    "ERROR_MAP",
    "GATEWAY_ID",
    "STRIPE_UNITS",
    "STRIPE_VERSION",
    "StripeGatewayPlugin",
    "form_encode",
    "normalize",
]
