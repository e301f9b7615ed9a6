"""Payments for the Adyen tests: the configuration, card inputs and PaymentData builders."""

from __future__ import annotations

from typing import Any

from gateway_plugins_adyen import AdyenGatewayPlugin
from gateway_plugins_adyen.testing import FakeAdyen

from gateway_plugins import GatewayConfig, PaymentData, PluginManager, TransactionKind

K = TransactionKind
VISA = "4111111111111111"
THREE_DS_VISA = "4917610000000000"
RETURN_URL = "https://shop.example/checkout/return"


def config_for(fake: FakeAdyen, **params: Any) -> GatewayConfig:
    return GatewayConfig(
        gateway_name="Adyen",
        auto_capture=params.pop("auto_capture", True),
        require_3d_secure=params.pop("require_3d_secure", False),
        supported_currencies=params.pop("currencies", "EUR, USD, JPY, KWD, CLP, ISK, CVE, IDR"),
        connection_params={
            "api_key": fake.api_key,
            "merchant_account": fake.merchant_account,
            "hmac_key": fake.hmac_key,
            "base_url": fake.url,
            "return_url": RETURN_URL,
            "read_timeout": 2.0,
            **params,
        },
    )


def manager_for(fake: FakeAdyen, **params: Any) -> PluginManager:
    """A host's manager with only the Adyen gateway, configured for ``fake``."""
    host = PluginManager(discover=False)
    host.register(AdyenGatewayPlugin(), "adyen")
    host.configure("adyen", config_for(fake, **params))
    return host


def card(
    number: str = VISA, *, holder: str = "J. Smith", cvc: str = "737", **extra: str
) -> dict[str, str]:
    """What Adyen's Components give as state.data.paymentMethod, with test encryption."""
    return {
        "type": "scheme",
        "encryptedCardNumber": f"test_{number}",
        "encryptedExpiryMonth": "test_03",
        "encryptedExpiryYear": "test_2030",
        "encryptedSecurityCode": f"test_{cvc}",
        "holderName": holder,
        **extra,
    }


def pay(amount: str = "10.00", currency: str = "EUR", *, method: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None, **fields: Any) -> PaymentData:  # fmt: skip
    payment_data = {"payment_method": method or card(), **(data or {})}
    if "token" in fields:
        payment_data.pop("payment_method")
    return PaymentData(
        gateway="adyen", amount=amount, currency=currency, data=payment_data, **fields
    )


def follow_up(
    reference: str | None, amount: str = "10.00", currency: str = "EUR", **fields: Any
) -> PaymentData:
    return PaymentData(
        gateway="adyen", amount=amount, currency=currency, psp_reference=reference, **fields
    )
