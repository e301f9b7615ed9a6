"""Deliberately broken gateway plugins: each breaks the contract in one way.

Each is the dummy gateway with one fault and its own gateway id; the kit must
catch every fault with a message naming the check and what is wrong. Their
inputs come from the dummy's token table, as the dummy's own do.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Mapping
from decimal import Decimal
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
from gateway_plugins.conformance import (
    ConformanceInputs,
    CustomerActionInput,
    DeclineInput,
    ThreeDSecureInput,
)


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
        "redirect": CustomerActionInput(
            tokens.REDIRECT, confirm_data=tokens.REDIRECT_PAID, failed_data=tokens.REDIRECT_FAILED
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


class CapturesAfterVoid(_Broken):
    """Answers a void without releasing the authorization, so a later capture takes the money."""

    gateway_id = "broken-captures-after-void"

    @hookimpl
    def void(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        reference = payment_information.psp_reference or ""
        return GatewayResponse.success(
            payment_information, TransactionKind.VOID, reference, psp_reference=reference
        )


class RefundsUncaptured(_Broken):
    """Refunds an authorization that was never captured: money that was never taken."""

    gateway_id = "broken-refunds-uncaptured"

    @hookimpl
    def refund(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        record = self.ledger._authorizations.get(payment_information.psp_reference or "")
        if record is not None and record.captured == 0:
            return GatewayResponse.success(
                payment_information, TransactionKind.REFUND, record.psp_reference,
                psp_reference=record.psp_reference,
            )  # fmt: skip
        return super().refund(payment_information, previous_value)


class FloatAmount(_Broken):
    """Reports amounts as ``float`` where the float is exact (10.00 as 10.0), with
    ``model_copy``, which skips validation: values compare equal, types do not."""

    gateway_id = "broken-float-amount"

    @staticmethod
    def _floated(response: GatewayResponse) -> GatewayResponse:
        amount = float(response.amount)
        if Decimal(amount) != response.amount:
            return response  # 12.34 would show; only exact values slip through
        return response.model_copy(update={"amount": amount})

    @hookimpl
    def process_payment(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self._floated(super().process_payment(payment_information, previous_value))


class _Unvalidated(_Broken):
    """Answers declines with ``model_construct``, which skips validation."""

    error_code: object = None

    @hookimpl
    def authorize(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        response = super().authorize(payment_information, previous_value)
        if response.is_success:
            return response
        return GatewayResponse.model_construct(
            is_success=False, kind=response.kind, amount=response.amount,
            currency=response.currency, transaction_id=response.transaction_id,
            psp_error_code=response.psp_error_code, error_code=self.error_code,
        )  # fmt: skip


class DeclinesWithoutErrorCode(_Unvalidated):
    """A decline without an error code."""

    gateway_id = "broken-declines-without-error-code"


class DeclinesWithForeignErrorCode(_Unvalidated):
    """A decline whose error code is the PSP's string, not an ``ErrorCode``."""

    gateway_id = "broken-declines-with-foreign-error-code"
    error_code = "card_declined"


class RetryLaterWithoutKey(_Broken):
    """Advises ``retry_later`` without saying which idempotency key to retry with."""

    gateway_id = "broken-retry-later-without-key"

    @hookimpl
    def authorize(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        response = super().authorize(payment_information, previous_value)
        return response.model_copy(update={"idempotency_key": None})


class ChargesTwice(_Broken):
    """Declares 'idempotency' but sends every call with a fresh key: a retry charges again."""

    gateway_id = "broken-charges-twice"

    @staticmethod
    def _fresh_key(payment: PaymentData) -> PaymentData:
        return payment.model_copy(update={"idempotency_key": uuid.uuid4().hex})

    @hookimpl
    def authorize(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return super().authorize(self._fresh_key(payment_information), previous_value)

    @hookimpl
    def process_payment(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return super().process_payment(self._fresh_key(payment_information), previous_value)


class ChargesTwiceUndeclared(ChargesTwice):
    """Not broken: charges twice for one key, and does not declare 'idempotency'."""

    gateway_id = "correct-charges-twice-undeclared"
    capabilities = CAPABILITIES - {Capability.IDEMPOTENCY}


class IdempotentUndeclared(_Broken):
    """Not broken, but modest: charges once per key without declaring 'idempotency'."""

    gateway_id = "correct-idempotent-undeclared"
    capabilities = CAPABILITIES - {Capability.IDEMPOTENCY}


class BlocksInAuthorize(_Broken):
    """Its authorize hangs (a PSP call without a timeout): 20 s, or until ``release`` is set."""

    gateway_id = "broken-blocks-in-authorize"
    release = threading.Event()

    @hookimpl
    def authorize(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        type(self).release.wait(20)
        return super().authorize(payment_information, previous_value)


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
    # Money that was released or never taken moves anyway.
    (CapturesAfterVoid, "capture_after_void", ("capture after a successful void succeeded",
                                               "reject the capture")),
    (RefundsUncaptured, "refund_before_capture", ("refund of an authorization that was never "
                                                  "captured", "must be rejected")),
    # Responses that skipped validation, caught on the direct calls.
    (FloatAmount, "errors_contained", ("process_payment of the success token returned a "
                                       "GatewayResponse that does not validate",
                                       "amount: must be a Decimal", "not a float")),
    (DeclinesWithoutErrorCode, "errors_contained", ("decline input returned a GatewayResponse "
                                                    "that does not validate",
                                                    "a failed response must carry an "
                                                    "ErrorCode")),
    (DeclinesWithForeignErrorCode, "errors_contained", ("'card_declined' is not an ErrorCode",
                                                        "model_construct() and model_copy")),
    (RetryLaterWithoutKey, "errors_contained", ("'processing_error' decline input advises "
                                                "retry_later without idempotency_key",)),
    (ChargesTwice, "idempotency", ("authorize sent twice with one idempotency key answered "
                                   "transaction", "it charged twice")),
]  # fmt: skip
