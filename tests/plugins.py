"""Small plugins for the framework's tests, built in code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateway_plugins import (
    Capability,
    GatewayConfig,
    GatewayInfo,
    GatewayResponse,
    PaymentData,
    TransactionKind,
    hookimpl,
)

Behaviour = Callable[[PaymentData], Any]


def approve(kind: TransactionKind) -> Behaviour:
    """A behaviour answering every payment with a success of ``kind``."""
    return lambda payment: GatewayResponse.success(payment, kind, f"{kind.value}-1")


class FakeGateway:
    """A gateway whose answers are set by the test; it records every call.

    ``behaviour`` maps an operation to a function of the payment: whatever it
    returns (or raises) is the plugin's answer.
    """

    def __init__(
        self,
        gateway_id: str = "fake",
        currencies: str = "USD, EUR",
        capabilities: frozenset[Capability] = frozenset(),
        **behaviour: Behaviour,
    ) -> None:
        self.gateway_id = gateway_id
        self.currencies = currencies
        self.capabilities = capabilities
        self.behaviour: dict[str, Behaviour] = {
            "authorize": approve(TransactionKind.AUTH),
            "process_payment": approve(TransactionKind.CAPTURE),
            **behaviour,
        }
        self.calls: list[tuple[str, PaymentData, object]] = []
        self.config: GatewayConfig | None = None

    def _answer(self, operation: str, payment: PaymentData, previous_value: object) -> Any:
        self.calls.append((operation, payment, previous_value))
        return self.behaviour[operation](payment)

    @hookimpl
    def gateway_info(self) -> GatewayInfo:
        return GatewayInfo(
            id=self.gateway_id,
            name=self.gateway_id.title(),
            default_config=GatewayConfig(
                gateway_name=self.gateway_id.title(), supported_currencies=self.currencies
            ),
            capabilities=self.capabilities,
        )

    @hookimpl
    def configure_gateway(self, config: GatewayConfig) -> None:
        if config.connection_params.get("refuse"):
            raise ValueError("connection_params.refuse is set")
        self.config = config

    @hookimpl
    def authorize(self, payment_information: PaymentData, previous_value: object) -> Any:
        return self._answer("authorize", payment_information, previous_value)

    @hookimpl
    def process_payment(self, payment_information: PaymentData, previous_value: object) -> Any:
        return self._answer("process_payment", payment_information, previous_value)


class Observer:
    """A non-gateway plugin (audit, risk …) that records what it sees.

    ``answer`` decides what it returns; by default ``previous_value`` unchanged.
    """

    def __init__(self, answer: Callable[[PaymentData, Any], Any] | None = None) -> None:
        self.seen: list[Any] = []
        self.answer = answer or (lambda payment, previous: previous)

    @hookimpl
    def authorize(self, payment_information: PaymentData, previous_value: Any) -> Any:
        self.seen.append(previous_value)
        return self.answer(payment_information, previous_value)


class FirstObserver(Observer):
    """An :class:`Observer` that runs before the gateway."""

    @hookimpl(tryfirst=True)
    def authorize(self, payment_information: PaymentData, previous_value: Any) -> Any:
        self.seen.append(previous_value)
        return self.answer(payment_information, previous_value)


class LastObserver(Observer):
    """An :class:`Observer` that runs after the gateway."""

    @hookimpl(trylast=True)
    def authorize(self, payment_information: PaymentData, previous_value: Any) -> Any:
        self.seen.append(previous_value)
        return self.answer(payment_information, previous_value)
