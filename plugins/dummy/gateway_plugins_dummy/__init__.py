"""A dummy payment gateway for gateway-plugins (gateway id ``dummy``)."""

from . import tokens
from .errors import ERROR_MAP
from .plugin import CAPABILITIES, DEFAULT_CONFIG, GATEWAY_ID, DummyGatewayPlugin
from .tokens import TOKENS, DummyToken

__all__ = [
    "CAPABILITIES",
    "DEFAULT_CONFIG",
    "ERROR_MAP",
    "GATEWAY_ID",
    "TOKENS",
    "DummyGatewayPlugin",
    "DummyToken",
    "tokens",
]
