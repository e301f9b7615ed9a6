"""Adyen (Checkout API v71) gateway for gateway-plugins (gateway id ``adyen``)."""

from .commands import GATEWAY_ID, command_pool
from .errors import ERROR_MAP, REFUSALS, SERVICE_ERRORS
from .notifications import ACKNOWLEDGEMENT, EVENTS
from .plugin import CAPABILITIES, DEFAULT_CONFIG, AdyenGatewayPlugin
from .settings import LIVE_BASE_URL, TEST_BASE_URL, AdyenSettings
from .signature import sign, signing_string
from .wire import ADYEN_UNITS

__all__ = [
    "ACKNOWLEDGEMENT",
    "ADYEN_UNITS",
    "CAPABILITIES",
    "DEFAULT_CONFIG",
    "ERROR_MAP",
    "EVENTS",
    "GATEWAY_ID",
    "LIVE_BASE_URL",
    "REFUSALS",
    "SERVICE_ERRORS",
    "TEST_BASE_URL",
    "AdyenGatewayPlugin",
    "AdyenSettings",
    "command_pool",
    "sign",
    "signing_string",
]
