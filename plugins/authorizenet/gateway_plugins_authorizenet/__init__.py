"""Authorize.Net (JSON API) gateway for gateway-plugins (gateway id ``authorizenet``)."""

from .commands import GATEWAY_ID, command_pool
from .errors import AVS_REFINEMENTS, ERROR_MAP, normalize
from .identifiers import duplicate_key, fit_identifier, invoice_number
from .lookup import LOOKUP_FAILED
from .notifications import EVENT_KINDS, SIGNATURE_HEADER, sign
from .payment import DEFAULT_DATA_DESCRIPTOR, is_card_number
from .plugin import CAPABILITIES, DEFAULT_CONFIG, AuthorizeNetGatewayPlugin
from .replies import RESPONSE_CODES, Outcome
from .settings import DEFAULT_DUPLICATE_WINDOW, Settings
from .wire import (
    API_PATH,
    PRODUCTION_ENDPOINT,
    SANDBOX_ENDPOINT,
    SEQUENCES,
    element,
    format_amount,
)

__all__ = [
    "API_PATH",
    "AVS_REFINEMENTS",
    "CAPABILITIES",
    "DEFAULT_CONFIG",
    "DEFAULT_DATA_DESCRIPTOR",
    "DEFAULT_DUPLICATE_WINDOW",
    "ERROR_MAP",
    "EVENT_KINDS",
    "GATEWAY_ID",
    "LOOKUP_FAILED",
    "PRODUCTION_ENDPOINT",
    "RESPONSE_CODES",
    "SANDBOX_ENDPOINT",
    "SEQUENCES",
    "SIGNATURE_HEADER",
    "AuthorizeNetGatewayPlugin",
    "Outcome",
    "Settings",
    "command_pool",
    "duplicate_key",
    "element",
    "fit_identifier",
    "format_amount",
    "invoice_number",
    "is_card_number",
    "normalize",
    "sign",
]
