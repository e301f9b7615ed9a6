"""Payments for the dummy's tests: PaymentData builders and the flows a host runs."""

from __future__ import annotations

from gateway_plugins_dummy import GATEWAY_ID, tokens

from gateway_plugins import ErrorCode, GatewayResponse, PaymentData, PluginManager


def pay(amount: str = "10.00", currency: str = "USD", **fields: object) -> PaymentData:
    """The PaymentData a host sends to the dummy gateway (a fresh idempotency key each)."""
    return PaymentData(gateway=GATEWAY_ID, amount=amount, currency=currency, **fields)


def authorized(
    manager: PluginManager,
    amount: str = "10.00",
    currency: str = "USD",
    token: str = tokens.SUCCESS,
) -> str:
    """Authorize a payment and return its psp_reference."""
    response = manager.authorize(pay(amount, currency, token=token))
    assert response.is_success, response
    assert response.psp_reference is not None
    return response.psp_reference


def captured(manager: PluginManager, amount: str = "10.00", currency: str = "USD") -> str:
    """Authorize and fully capture a payment; return its psp_reference."""
    reference = authorized(manager, amount, currency)
    assert manager.capture(pay(amount, currency, psp_reference=reference)).is_success
    return reference


def awaiting_3ds(manager: PluginManager, amount: str = "10.00", currency: str = "USD") -> str:
    """Authorize with the 3-D Secure token; return the reference awaiting confirmation."""
    response = manager.authorize(pay(amount, currency, token=tokens.THREE_D_SECURE))
    assert response.action_required, response
    assert response.psp_reference is not None
    return response.psp_reference


def follow_up(first: PaymentData, response: GatewayResponse, **changes: object) -> PaymentData:
    """A capture, refund or void as hosts naturally write it: a copy of the first payment
    naming the transaction ``response`` made (so it carries the first payment's key)."""
    return first.model_copy(update={"psp_reference": response.psp_reference, **changes})


def assert_rejected(response: GatewayResponse, psp_code: str) -> None:
    """The dummy refused the request as a ``processing_error`` with PSP code ``psp_code``."""
    assert not response.is_success
    assert response.error_code is ErrorCode.PROCESSING_ERROR
    assert response.psp_error_code == psp_code
