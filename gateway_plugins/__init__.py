"""gateway-plugins: one contract and one set of error codes for payment gateways.

Hosts call a :class:`PluginManager`; plugins implement the hooks in
:mod:`gateway_plugins.hookspecs`, marked with :data:`hookimpl`.

The names below are imported on first use: pytest loads the conformance kit's
plugin in every run of any project that has gateway-plugins installed, and
that must not cost the import of pydantic and the whole framework.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .actions import ActionKind, CustomerAction
    from .errors import ErrorCode, ErrorMap, ErrorMapping, NormalizedError, RetryAdvice
    from .event_logs import SqliteEventLog
    from .exceptions import (
        ClientTokenError,
        GatewayPluginsError,
        GatewayUnavailableError,
        InactiveGatewayError,
        NotificationError,
        NotificationInProgress,
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
    from .money import (
        AmountPrecisionError,
        AmountRangeError,
        CurrencyError,
        MinorUnits,
        WireFormat,
    )
    from .notifications import (
        Claim,
        EventLog,
        MemoryEventLog,
        NotificationResult,
        TransactionUpdate,
    )
    from .webhooks import NotificationPolicy

#: Each public name and the module it lives in.
_EXPORTS = {
    "ActionKind": "actions",
    "AddressData": "interface",
    "AmountPrecisionError": "money",
    "AmountRangeError": "money",
    "Capability": "interface",
    "Claim": "notifications",
    "ClientTokenError": "exceptions",
    "CreditCardInfo": "interface",
    "CurrencyError": "money",
    "CustomerAction": "actions",
    "ENTRY_POINT_GROUP": "hookspecs",
    "ErrorCode": "errors",
    "ErrorMap": "errors",
    "ErrorMapping": "errors",
    "EventLog": "notifications",
    "GatewayConfig": "gateway_config",
    "GatewayInfo": "interface",
    "GatewayPluginsError": "exceptions",
    "GatewayResponse": "interface",
    "GatewayUnavailableError": "exceptions",
    "InactiveGatewayError": "exceptions",
    "MemoryEventLog": "notifications",
    "MinorUnits": "money",
    "NormalizedError": "errors",
    "NotificationError": "exceptions",
    "NotificationInProgress": "exceptions",
    "NotificationPolicy": "webhooks",
    "NotificationRejected": "exceptions",
    "NotificationResult": "notifications",
    "OperationNotSupportedError": "exceptions",
    "PaymentData": "interface",
    "PaymentGateway": "manager",
    "PluginManager": "manager",
    "PluginRegistrationError": "exceptions",
    "RetryAdvice": "errors",
    "SqliteEventLog": "event_logs",
    "TokenConfig": "interface",
    "TransactionKind": "interface",
    "TransactionUpdate": "notifications",
    "UnknownGatewayError": "exceptions",
    "UnsupportedCurrencyError": "exceptions",
    "WireFormat": "money",
    "hookimpl": "hookspecs",
}

__version__ = "0.1.0"

__all__ = [
    "ENTRY_POINT_GROUP",
    "ActionKind",
    "AddressData",
    "AmountPrecisionError",
    "AmountRangeError",
    "Capability",
    "Claim",
    "ClientTokenError",
    "CreditCardInfo",
    "CurrencyError",
    "CustomerAction",
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
    "NotificationInProgress",
    "NotificationPolicy",
    "NotificationRejected",
    "NotificationResult",
    "OperationNotSupportedError",
    "PaymentData",
    "PaymentGateway",
    "PluginManager",
    "PluginRegistrationError",
    "RetryAdvice",
    "SqliteEventLog",
    "TokenConfig",
    "TransactionKind",
    "TransactionUpdate",
    "UnknownGatewayError",
    "UnsupportedCurrencyError",
    "WireFormat",
    "hookimpl",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
