"""Deliberately broken gateway plugins: each breaks the contract in one way.

Each is the dummy gateway with one fault and its own gateway id; the kit must
catch every fault with a message naming the check and what is wrong. Their
inputs come from the dummy's token table, as the dummy's own do.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from gateway_plugins_dummy import TOKENS, DummyGatewayPlugin, tokens
from gateway_plugins_dummy.plugin import CAPABILITIES

from gateway_plugins import (
    Capability,
    ErrorCode,
    GatewayInfo,
    GatewayResponse,
    NotificationResult,
    PaymentData,
    TransactionKind,
    TransactionUpdate,
    hookimpl,
)
from gateway_plugins.conformance import ConformanceInputs, DeclineInput, ThreeDSecureInput


def dummy_inputs(plugin: object, **changes: Any) -> ConformanceInputs:
    """The kit's inputs for a dummy-based plugin, built from the dummy's token table."""
    values: dict[str, Any] = {
        "plugin": plugin,
        "success_token": tokens.SUCCESS,
        "decline_tokens": {
            code: DeclineInput(token, TOKENS[token].psp_code)
            for code, token in tokens.DECLINE_TOKENS.items()
        },
        "three_d_secure": ThreeDSecureInput(
            tokens.THREE_D_SECURE, failed_data=tokens.THREE_D_SECURE_FAILED
        ),
    }
    return ConformanceInputs(**{**values, **changes})


log = logging.getLogger(__name__)


class _Broken(DummyGatewayPlugin):
    """The dummy under another gateway id (ids must be unique among installed plugins)."""

    gateway_id = "broken"
    capabilities = CAPABILITIES

    @hookimpl
    def gateway_info(self) -> GatewayInfo:
        info = super().gateway_info()
        return info.model_copy(update={"id": self.gateway_id, "capabilities": self.capabilities})


class LeaksCardNumber(_Broken):
    """Copies the card number into raw_response (the manager scrubs it; the kit must see it)."""

    gateway_id = "broken-leaks-card-number"

    @hookimpl
    def authorize(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        response = super().authorize(payment_information, previous_value)
        raw = {**(response.raw_response or {}), "card": {"number": payment_information.token}}
        return response.model_copy(update={"raw_response": raw})


class WrongDeclineCode(_Broken):
    """Maps the PSP's expired-card decline to ``declined`` instead of ``expired``."""

    gateway_id = "broken-wrong-decline-code"

    @hookimpl
    def authorize(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        response = super().authorize(payment_information, previous_value)
        if response.error_code is ErrorCode.EXPIRED:
            return response.model_copy(update={"error_code": ErrorCode.DECLINED})
        return response


class Raises(_Broken):
    """Lets a transport error escape from capture."""

    gateway_id = "broken-raises"

    @hookimpl
    def capture(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        raise ConnectionResetError("PSP connection reset by peer")


class WrongType(_Broken):
    """Returns the PSP's reply as a dict from refund instead of a GatewayResponse."""

    gateway_id = "broken-wrong-type"

    @hookimpl
    def refund(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> Any:
        return super().refund(payment_information, previous_value).model_dump()


class RejectsPartialCapture(_Broken):
    """Declares partial capture, then refuses any capture of less than the authorization."""

    gateway_id = "broken-rejects-partial-capture"

    @hookimpl
    def capture(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        record = self.ledger._authorizations.get(payment_information.psp_reference or "")
        if record is not None and payment_information.amount < record.amount:
            return self._failure(
                payment_information, TransactionKind.CAPTURE, "processing_error",
                "partial capture is not supported",
            )  # fmt: skip
        return super().capture(payment_information, previous_value)


class UndeclaredVoid(_Broken):
    """Implements void but leaves it out of its capabilities."""

    gateway_id = "broken-undeclared-void"
    capabilities = CAPABILITIES - {Capability.VOID}


class WrongAmount(_Broken):
    """Answers one unit more than was asked, for authorizations and payments."""

    gateway_id = "broken-wrong-amount"

    @staticmethod
    def _inflated(response: GatewayResponse) -> GatewayResponse:
        return response.model_copy(update={"amount": response.amount + 1})

    @hookimpl
    def authorize(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self._inflated(super().authorize(payment_information, previous_value))

    @hookimpl
    def process_payment(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self._inflated(super().process_payment(payment_information, previous_value))


class LogsCardNumber(_Broken):
    """Logs the payment token, a card number, at INFO."""

    gateway_id = "broken-logs-card-number"

    @hookimpl
    def authorize(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        log.info("authorizing card %s", payment_information.token)
        return super().authorize(payment_information, previous_value)


class LeaksApiKey(_Broken):
    """Echoes its configured API key in raw_response."""

    gateway_id = "broken-leaks-api-key"

    @hookimpl
    def authorize(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        response = super().authorize(payment_information, previous_value)
        key = self.config.secret("api_key") if "api_key" in self.config.connection_params else ""
        raw = {**(response.raw_response or {}), "request": {"merchant": key}}
        return response.model_copy(update={"raw_response": raw})


class RaisesWithCardNumber(_Broken):
    """Puts the card number in the message of an exception it raises."""

    gateway_id = "broken-raises-with-card-number"

    @hookimpl
    def process_payment(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        if payment_information.token is None:
            raise ValueError(f"card {payment_information.data.get('number')} has no token")
        return super().process_payment(payment_information, previous_value)


class MisspeltHook(_Broken):
    """Implements ``refnud``: no such hook, so the manager would never call it."""

    gateway_id = "broken-misspelt-hook"

    @hookimpl
    def refnud(self, payment_information: PaymentData) -> None:
        """Meant to be ``refund``."""


class TrustsNotifications(_Broken):
    """Takes every notification at its word, signed or not."""

    gateway_id = "broken-trusts-notifications"

    @hookimpl
    def handle_notification(self, headers: Mapping[str, str], body: bytes) -> NotificationResult:
        update = TransactionUpdate(
            event_id="evt", event_code="capture", kind=TransactionKind.CAPTURE,
            is_success=True, psp_reference="dummy_1",
        )  # fmt: skip
        return NotificationResult(updates=(update,))


class CrashesOnNotifications(_Broken):
    """Raises on a notification it cannot read, instead of rejecting it."""

    gateway_id = "broken-crashes-on-notifications"

    @hookimpl
    def handle_notification(self, headers: Mapping[str, str], body: bytes) -> NotificationResult:
        return NotificationResult(updates=(json.loads(body),))


class WithoutOptionalHooks(_Broken):
    """Not broken: no void, 3-D Secure or client tokens, and declares none of them.

    The kit must skip the checks of those capabilities and pass the rest.
    """

    gateway_id = "correct-without-optional-hooks"
    capabilities = CAPABILITIES - {
        Capability.VOID, Capability.THREE_D_SECURE, Capability.REDIRECT,
        Capability.CLIENT_TOKEN, Capability.NOTIFICATIONS,
    }  # fmt: skip
    void = None  # type: ignore[assignment]
    handle_notification = None  # type: ignore[assignment]
    confirm_payment = None  # type: ignore[assignment]
    get_client_token = None  # type: ignore[assignment]


#: Each broken plugin, the check that must catch it, and words its message must contain.
BROKEN: list[tuple[type[_Broken], str, tuple[str, ...]]] = [
    (LeaksCardNumber, "scrubbing", ("card number", "raw_response", "authorize")),
    (WrongDeclineCode, "declines", ("'expired' decline input", "error_code 'declined'",
                                    "expected 'expired'")),
    (Raises, "errors_contained", ("capture", "raised ConnectionResetError",
                                  "PSP connection reset")),
    (WrongType, "errors_contained", ("refund", "returned dict, not a GatewayResponse")),
    (RejectsPartialCapture, "partial_capture", ("partial capture of 4.00 USD of 10.00 USD",
                                                "failed", "processing_error")),
    (UndeclaredVoid, "capabilities", ("implements 'void' but does not declare 'void'",)),
    (WrongAmount, "amount_echo", ("13.34 USD for a request of 12.34 USD",)),
    # More ways to leak, each through another channel.
    (LogsCardNumber, "scrubbing", ("card number", "log record", "tests.conformance")),
    (LeaksApiKey, "scrubbing", ("the API key appears in raw_response",)),
    (RaisesWithCardNumber, "scrubbing", ("card number appears in an exception message",
                                         "process_payment without a payment token")),
    (MisspeltHook, "hook_signatures", ("hook 'refnud' is not in the contract",)),
    (TrustsNotifications, "notifications", ("an empty body without headers was accepted",)),
    (CrashesOnNotifications, "notifications", ("the plugin failed instead of answering",
                                               "JSONDecodeError")),
]  # fmt: skip
