"""The gateways the command line tests run against, built in code.

``CliGateway`` answers by token, as a sandbox does: approved, declined, 3-D
Secure, unknown outcome, or a careless echo of the token into everything.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from gateway_plugins import (
    ActionKind,
    Capability,
    CustomerAction,
    ErrorCode,
    GatewayConfig,
    GatewayInfo,
    GatewayResponse,
    NormalizedError,
    PaymentData,
    PluginManager,
    RetryAdvice,
    TransactionKind,
    hookimpl,
)
from gateway_plugins.discovery import BrokenPlugin

CARD_OK = "4111111111111111"
CARD_DECLINED = "4000000000000002"
CARD_3DS = "4000000000003220"
#: Magic tokens of the test gateway (not card numbers).
TOKEN_UNKNOWN = "tok_outcome_unknown"
TOKEN_UNKNOWN_NO_KEY = "tok_outcome_unknown_no_key"
TOKEN_EXPONENT = "tok_exponent"
TOKEN_INTERRUPT = "tok_ctrl_c"
#: Not a card number, so only the CLI's own redaction can hide it.
ECHOED_TOKEN = "tok_secret_echo_me"

plugin_log = logging.getLogger("cli_test_plugin")


def _respond(payment: PaymentData, kind: TransactionKind) -> GatewayResponse:
    """What the test gateway answers, chosen by the token like a sandbox does."""
    token = payment.token or payment.psp_reference or ""
    plugin_log.info("charging %s", payment.amount)
    if token == CARD_DECLINED:
        error = NormalizedError(ErrorCode.DECLINED, RetryAdvice.DO_NOT_RETRY, "card_declined", None)
        return GatewayResponse.failure(payment, kind, error)
    if token == CARD_3DS:
        return GatewayResponse.success(
            payment,
            TransactionKind.ACTION_TO_CONFIRM,
            "t-3ds",
            action_required=True,
            action_required_data=CustomerAction(
                kind=ActionKind.THREE_D_SECURE, psp_reference="t-3ds", url="https://acs.example/3ds"
            ),
        )
    if token in (TOKEN_UNKNOWN, TOKEN_UNKNOWN_NO_KEY):
        # A lost reply: retry with the same key if the gateway deduplicates, else look first.
        dedupes = token == TOKEN_UNKNOWN
        advice = RetryAdvice.RETRY_LATER if dedupes else RetryAdvice.CHECK_STATUS
        error = NormalizedError(ErrorCode.PROCESSING_ERROR, advice, "timeout", None)
        return GatewayResponse.failure(
            payment, kind, error, outcome_unknown=True,
            idempotency_key=payment.idempotency_key if dedupes else None,
        )  # fmt: skip
    if token == TOKEN_EXPONENT:
        # The same amount, written the way Decimal prints 1000 scaled: 1E+3.
        amount = payment.amount.normalize()
        return GatewayResponse(is_success=True, kind=kind, amount=amount,
                               currency=payment.currency, transaction_id="t-e")  # fmt: skip
    if token == TOKEN_INTERRUPT:
        raise KeyboardInterrupt
    if token == ECHOED_TOKEN:
        # A careless plugin: puts the token into everything the CLI prints or logs.
        plugin_log.warning("got token %s", token)
        return GatewayResponse.success(
            payment, kind, f"t-{token}", raw_response={"token": token, token: "key"}
        )
    return GatewayResponse.success(payment, kind, "t-1")


class CliGateway:
    """A gateway with every money hook; a capture, refund, void or confirm answers by the
    reference as a payment does by its token."""

    @hookimpl
    def gateway_info(self) -> GatewayInfo:
        return GatewayInfo(
            id="cli",
            name="CLI Test Gateway",
            default_config=GatewayConfig(gateway_name="CLI", supported_currencies="USD, JPY"),
            capabilities=frozenset(
                {Capability.IDEMPOTENCY, Capability.VOID, Capability.THREE_D_SECURE}
            ),
        )

    @hookimpl
    def process_payment(self, payment_information: PaymentData) -> GatewayResponse:
        return _respond(payment_information, TransactionKind.CAPTURE)

    @hookimpl
    def authorize(self, payment_information: PaymentData) -> GatewayResponse:
        return _respond(payment_information, TransactionKind.AUTH)

    @hookimpl
    def capture(self, payment_information: PaymentData) -> GatewayResponse:
        return _respond(payment_information, TransactionKind.CAPTURE)

    @hookimpl
    def refund(self, payment_information: PaymentData) -> GatewayResponse:
        return _respond(payment_information, TransactionKind.REFUND)

    @hookimpl
    def void(self, payment_information: PaymentData) -> GatewayResponse:
        return _respond(payment_information, TransactionKind.VOID)

    @hookimpl
    def confirm_payment(self, payment_information: PaymentData) -> GatewayResponse:
        return _respond(payment_information, TransactionKind.CAPTURE)


class MinimalGateway:
    """A gateway with only the required hooks: no authorize."""

    @hookimpl
    def gateway_info(self) -> GatewayInfo:
        return GatewayInfo(
            id="minimal",
            name="Minimal",
            default_config=GatewayConfig(gateway_name="Minimal", supported_currencies="EUR"),
        )

    @hookimpl
    def process_payment(self, payment_information: PaymentData) -> GatewayResponse:
        return _respond(payment_information, TransactionKind.CAPTURE)


class InactiveGateway(MinimalGateway):
    """A gateway switched off in its configuration."""

    @hookimpl
    def gateway_info(self) -> GatewayInfo:
        config = GatewayConfig(gateway_name="Off", supported_currencies="USD", active=False)
        return GatewayInfo(id="off", name="Switched Off", default_config=config)


class Audit:
    """A non-gateway plugin watching payments."""

    @hookimpl(trylast=True)
    def process_payment(self, previous_value: GatewayResponse | None) -> GatewayResponse | None:
        return previous_value


class _ManagerWithBroken(PluginManager):
    """A manager reporting a broken plugin without having to install one."""

    @property
    def broken_plugins(self) -> list[BrokenPlugin]:
        return [BrokenPlugin("ghost", "ghost-dist", "0.9", "import", "ModuleNotFoundError: ghost")]


def make_manager(
    *,
    configs: Mapping[str, GatewayConfig] | None = None,
    plugin: str | None = None,
    gateway: str | None = None,
) -> PluginManager:
    """The manager the in-process tests use instead of discovering installed plugins."""
    manager = _ManagerWithBroken(discover=False, configs=configs)
    manager.register(CliGateway(), "cli-plugin", distribution=("cli-test-dist", "1.2.3"))
    manager.register(MinimalGateway(), "minimal-plugin")
    manager.register(InactiveGateway(), "off-plugin")
    manager.register(Audit(), "audit")
    return manager
