"""gateway-plugins: one contract and one set of error codes for payment gateways.

Hosts call a :class:`PluginManager`; plugins implement the hooks in
:mod:`gateway_plugins.hookspecs`, marked with :data:`hookimpl`.
"""

from .errors import ErrorCode, ErrorMap, ErrorMapping, NormalizedError, RetryAdvice
from .exceptions import (
    ClientTokenError,
    GatewayPluginsError,
    GatewayUnavailableError,
    InactiveGatewayError,
    NotificationError,
    NotificationRejected,
    OperationNotSupportedError,
    PluginRegistrationError,
    UnknownGatewayError,
    UnsupportedCurrencyError,
)
from .hookspecs import ENTRY_POINT_GROUP, hookimpl
from .interface import (
    AddressData,
    Capability,
    CreditCardInfo,
    GatewayConfig,
    GatewayInfo,
    GatewayResponse,
    PaymentData,
    TokenConfig,
    TransactionKind,
)
from .manager import PaymentGateway, PluginManager
from .money import AmountPrecisionError, CurrencyError, MinorUnits, WireFormat
from .notifications import EventLog, MemoryEventLog, NotificationResult, TransactionUpdate

__version__ = "0.1.0"

__all__ = [
    "ENTRY_POINT_GROUP",
    "AddressData",
    "AmountPrecisionError",
    "Capability",
    "ClientTokenError",
    "CreditCardInfo",
    "CurrencyError",
    "ErrorCode",
    "ErrorMap",
    "ErrorMapping",
    "EventLog",
    "GatewayConfig",
    "GatewayInfo",
    "GatewayPluginsError",
    "GatewayResponse",
    "GatewayUnavailableError",
    "InactiveGatewayError",
    "MemoryEventLog",
    "MinorUnits",
    "NormalizedError",
    "NotificationError",
    "NotificationRejected",
    "NotificationResult",
    "OperationNotSupportedError",
    "PaymentData",
    "PaymentGateway",
    "PluginManager",
    "PluginRegistrationError",
    "RetryAdvice",
    "TokenConfig",
    "TransactionKind",
    "TransactionUpdate",
    "UnknownGatewayError",
    "UnsupportedCurrencyError",
    "WireFormat",
    "hookimpl",
]
