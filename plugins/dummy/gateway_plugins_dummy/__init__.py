"""A dummy payment gateway for gateway-plugins (gateway id ``dummy``)."""

from . import tokens
from .bounded import DEFAULT_MAX_RECORDS, MAX_RECORDS_PARAM
from .errors import ERROR_MAP
from .plugin import CAPABILITIES, DEFAULT_CONFIG, GATEWAY_ID, DummyGatewayPlugin
from .tokens import TOKENS, DummyToken

__all__ = [
    "CAPABILITIES",
    "DEFAULT_CONFIG",
    "DEFAULT_MAX_RECORDS",
    "ERROR_MAP",
    "GATEWAY_ID",
    "MAX_RECORDS_PARAM",
    "TOKENS",
    "DummyGatewayPlugin",
    "DummyToken",
    "tokens",
]
