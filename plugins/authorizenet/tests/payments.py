"""Payments for the Authorize.Net tests: the configuration and PaymentData builders."""

from __future__ import annotations

from typing import Any

from gateway_plugins_authorizenet import AuthorizeNetGatewayPlugin
from gateway_plugins_authorizenet.testing import FUTURE, SANDBOX_CARDS, FakeAuthorizeNet
from gateway_plugins_authorizenet.testing import SEQUENCES as FAKE_SEQUENCES

from gateway_plugins import GatewayConfig, PaymentData, PluginManager, TransactionKind

GATEWAY = "authorizenet"
VISA = SANDBOX_CARDS["visa"]


def config_for(fake: FakeAuthorizeNet, **params: Any) -> GatewayConfig:
    """The gateway pointed at ``fake``. The duplicate window is off unless a test sets it:
    the tests pay the same amount with the same test card many times a second."""
    return GatewayConfig(
        gateway_name="Authorize.Net",
        auto_capture=params.pop("auto_capture", True),
        supported_currencies=params.pop("currencies", "USD"),
        connection_params={
            "api_login_id": fake.api_login_id,
            "transaction_key": fake.transaction_key,
            "base_url": fake.url,
            "read_timeout": 1.0,
            "connect_timeout": 0.5,
            "duplicate_window": 0,
            **params,
        },
    )


def host_for(fake: FakeAuthorizeNet, **params: Any) -> PluginManager:
    host = PluginManager(discover=False)
    host.register(AuthorizeNetGatewayPlugin(), GATEWAY)
    host.configure(GATEWAY, config_for(fake, **params))
    return host


def assert_in_xsd_order(pairs: Any, name: str | None = None) -> None:
    if isinstance(pairs, list) and pairs and isinstance(pairs[0], tuple):
        keys = [key for key, _ in pairs]
        if name in FAKE_SEQUENCES:
            order = FAKE_SEQUENCES[name]
            assert keys == sorted(keys, key=order.index), f"{name} out of order: {keys}"
        for key, value in pairs:
            assert_in_xsd_order(value, key)
    elif isinstance(pairs, list):
        for item in pairs:
            assert_in_xsd_order(item, name)


def pay(amount: str = "10.00", currency: str = "USD", **fields: Any) -> PaymentData:
    fields.setdefault("token", "fake-nonce-visa")
    return PaymentData(gateway=GATEWAY, amount=amount, currency=currency, **fields)


def card(number: str = VISA, amount: str = "10.00", **data: Any) -> PaymentData:
    """A payment by card number (PCI merchants, sandbox testing)."""
    return pay(amount, token=number, data={"expiration_date": FUTURE, **data})


def follow(reference: str | None, amount: str = "10.00", **fields: Any) -> PaymentData:
    return pay(amount, token=None, psp_reference=reference, **fields)


def authorized(manager: PluginManager, amount: str = "10.00") -> str:
    response = manager.authorize(pay(amount))
    assert response.is_success and response.kind is TransactionKind.AUTH, response
    assert response.psp_reference
    return response.psp_reference


def sold(manager: PluginManager, amount: str = "10.00") -> str:
    response = manager.process_payment(pay(amount))
    assert response.is_success and response.kind is TransactionKind.CAPTURE, response
    assert response.psp_reference
    return response.psp_reference


def sent(fake: FakeAuthorizeNet, index: int = -1) -> dict[str, Any]:
    """The ``transactionRequest`` of a request the fake received."""
    return fake.requests[index].transaction_request
