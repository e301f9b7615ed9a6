"""Routing: a call addressed to another gateway never reaches the plugin under test."""

from __future__ import annotations

from ...hookspecs import hookimpl
from ...interface import (
    Capability,
    GatewayConfig,
    GatewayInfo,
    GatewayResponse,
    PaymentData,
    TokenConfig,
    TransactionKind,
)
from ..harness import MONEY_HOOKS, Harness
from ..registry import CheckFailed, check

K = TransactionKind

_KINDS = {
    "authorize": K.AUTH,
    "capture": K.CAPTURE,
    "refund": K.REFUND,
    "void": K.VOID,
    "process_payment": K.CAPTURE,
    "confirm_payment": K.AUTH,
}


class _OtherGateway:
    """A second gateway, so that the kit can address calls elsewhere."""

    def __init__(self, gateway_id: str, currencies: tuple[str, ...]) -> None:
        self.id = gateway_id
        self.currencies = currencies
        self.answers: list[GatewayResponse] = []

    @hookimpl
    def gateway_info(self) -> GatewayInfo:
        config = GatewayConfig(gateway_name="Other", supported_currencies=self.currencies)
        capabilities = frozenset(
            {Capability.VOID, Capability.THREE_D_SECURE, Capability.CLIENT_TOKEN}
        )
        return GatewayInfo(
            id=self.id, name="Other", default_config=config, capabilities=capabilities
        )

    def _answer(self, operation: str, payment: PaymentData) -> GatewayResponse:
        answer = GatewayResponse.success(
            payment,
            _KINDS[operation],
            f"other-{len(self.answers)}",
            psp_reference=f"other-{len(self.answers)}",
        )
        self.answers.append(answer)
        return answer

    @hookimpl
    def get_client_token(self, token_config: TokenConfig, previous_value: str | None) -> str:
        return f"other-token-{len(self.answers)}"

    @hookimpl
    def authorize(self, payment_information: PaymentData) -> GatewayResponse:
        return self._answer("authorize", payment_information)

    @hookimpl
    def capture(self, payment_information: PaymentData) -> GatewayResponse:
        return self._answer("capture", payment_information)

    @hookimpl
    def refund(self, payment_information: PaymentData) -> GatewayResponse:
        return self._answer("refund", payment_information)

    @hookimpl
    def void(self, payment_information: PaymentData) -> GatewayResponse:
        return self._answer("void", payment_information)

    @hookimpl
    def process_payment(self, payment_information: PaymentData) -> GatewayResponse:
        return self._answer("process_payment", payment_information)

    @hookimpl
    def confirm_payment(self, payment_information: PaymentData) -> GatewayResponse:
        return self._answer("confirm_payment", payment_information)


class _Observer:
    """A plugin after every gateway, recording the previous_value it is handed."""

    def __init__(self) -> None:
        self.seen: list[object] = []

    def _see(self, previous_value: object) -> object:
        self.seen.append(previous_value)
        return previous_value

    @hookimpl(trylast=True)
    def authorize(self, previous_value: object) -> object:
        return self._see(previous_value)

    @hookimpl(trylast=True)
    def capture(self, previous_value: object) -> object:
        return self._see(previous_value)

    @hookimpl(trylast=True)
    def refund(self, previous_value: object) -> object:
        return self._see(previous_value)

    @hookimpl(trylast=True)
    def void(self, previous_value: object) -> object:
        return self._see(previous_value)

    @hookimpl(trylast=True)
    def process_payment(self, previous_value: object) -> object:
        return self._see(previous_value)

    @hookimpl(trylast=True)
    def confirm_payment(self, previous_value: object) -> object:
        return self._see(previous_value)


@check(
    "routing",
    "a call addressed to another gateway never reaches this plugin and the other gateway's "
    "answer reaches the host, and the plugins after it, untouched. The manager routes by "
    "PaymentData.gateway, so the contract does not ask a gateway to check that field itself; "
    "this checks the routing with the plugin registered next to another gateway",
)
def routing(h: Harness) -> str | None:
    other_id = "conformance-kit-other" if h.info.id != "conformance-kit-other" else "kit-other-2"
    other = _OtherGateway(other_id, h.currencies)
    observer = _Observer()
    s = h.session(
        spy=True, others=[("conformance-kit-other", other), ("conformance-kit-observer", observer)]
    )
    for operation in MONEY_HOOKS:
        payment = PaymentData(
            gateway=other_id,
            currency=s.currency,
            amount=s.amount(1000, s.currency),
            psp_reference="other-0",
            token=h.inputs.success_token,
        )
        received = s.call(operation, payment)
        sent = other.answers[-1]
        if received != sent:
            raise CheckFailed(
                f"{operation} addressed to gateway {other_id!r}: the host did not get that "
                "gateway's answer unchanged"
            )
        if not observer.seen or observer.seen[-1] != sent:
            raise CheckFailed(
                f"{operation} addressed to gateway {other_id!r}: the plugin after it was not "
                "handed that gateway's answer as previous_value"
            )
    token = s.manager.get_client_token(other_id)
    if not token.startswith("other-token"):
        raise CheckFailed("get_client_token addressed to another gateway returned another token")
    assert s.spy is not None
    if s.spy.money_calls():
        hooks = ", ".join(sorted({c.hook for c in s.spy.money_calls()}))
        raise CheckFailed(
            f"the plugin was called ({hooks}) for calls addressed to gateway {other_id!r}"
        )
    return None
