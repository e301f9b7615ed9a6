"""The dummy gateway plugin: a PSP in memory, for development, demos and tests.

Modelled on Saleor's Dummy and Dummy Credit Card gateways, and stricter: every
operation acts on the authorization it names, the outcome of an authorization
follows its token (see :mod:`.tokens`), 3-D Secure is simulated, and a retry
replays the first reply instead of charging twice (see :mod:`.replies`). It
remembers its last ``connection_params.max_records`` authorizations and replies
(see :mod:`.bounded`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from gateway_plugins import (
    ActionKind,
    Capability,
    CustomerAction,
    GatewayConfig,
    GatewayInfo,
    GatewayResponse,
    NotificationResult,
    PaymentData,
    RetryAdvice,
    TokenConfig,
    TransactionKind,
    hookimpl,
)
from gateway_plugins.contract import FAILURE_KINDS
from gateway_plugins.idempotency import operation_key

from . import tokens, webhooks
from .answers import card_info, raw_reply
from .bounded import max_records
from .errors import ERROR_MAP
from .ledger import Authorization, Ledger, LedgerError
from .replies import KeyReused, Replies
from .tokens import outcome

if TYPE_CHECKING:
    from gateway_plugins.conformance import ConformanceInputs

GATEWAY_ID = "dummy"

DEFAULT_CONFIG = GatewayConfig(
    gateway_name="Dummy",
    auto_capture=True,
    supported_currencies=("USD", "EUR", "GBP", "PLN", "JPY", "KWD"),
)

CAPABILITIES = frozenset(Capability)  # the dummy can do everything the contract knows


class DummyGatewayPlugin:
    """A gateway plugin with its own in-memory PSP (one ledger per instance).

    ``ledger`` holds the authorizations, ``replies`` the first reply to each
    request; each keeps the last ``connection_params.max_records`` (10000 by default).
    """

    def __init__(self) -> None:
        self.config = DEFAULT_CONFIG
        self.ledger = Ledger()
        self.replies = Replies()

    # -- Describing and configuring ------------------------------------------

    @hookimpl
    def gateway_info(self) -> GatewayInfo:
        return GatewayInfo(
            id=GATEWAY_ID,
            name="Dummy",
            default_config=DEFAULT_CONFIG,
            capabilities=CAPABILITIES,
            error_map=ERROR_MAP,
        )

    @hookimpl
    def configure_gateway(self, config: GatewayConfig) -> None:
        limit = max_records(config)  # refuses a bad bound before anything changes
        self.config = config
        # Resized, not replaced: a new configuration keeps the payments the PSP knows.
        self.ledger.resize(limit)
        self.replies.resize(limit)

    def conformance_inputs(self) -> ConformanceInputs:
        """The conformance kit's inputs: this gateway's magic tokens (see :mod:`.tokens`)."""
        from gateway_plugins.conformance import (
            ConformanceInputs,
            CustomerActionInput,
            DeclineInput,
            ThreeDSecureInput,
        )

        secret = f"whsec_dummy_{uuid.uuid4().hex}"
        config = GatewayConfig(
            **{**DEFAULT_CONFIG.model_dump(), "connection_params": {webhooks.SECRET_PARAM: secret}}
        )
        return ConformanceInputs(
            config=config,
            success_token=tokens.SUCCESS,
            decline_tokens={
                code: DeclineInput(token, tokens.TOKENS[token].psp_code)
                for code, token in tokens.DECLINE_TOKENS.items()
            },
            redirect=CustomerActionInput(
                tokens.REDIRECT,
                confirm_data=tokens.REDIRECT_PAID,
                failed_data=tokens.REDIRECT_FAILED,
            ),
            three_d_secure=ThreeDSecureInput(
                tokens.THREE_D_SECURE, failed_data=tokens.THREE_D_SECURE_FAILED
            ),
            notification=lambda: webhooks.notification(
                secret, TransactionKind.CAPTURE, "dummy_kit", Decimal("10.00"), "USD"
            ),
        )

    # -- Money operations ------------------------------------------------------

    @hookimpl
    def get_client_token(self, token_config: TokenConfig, previous_value: str | None) -> str:
        return f"dummy_client_{uuid.uuid4().hex}"

    @hookimpl
    def authorize(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self._once("authorize", payment_information, self._authorize)

    @hookimpl
    def capture(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self._once("capture", payment_information, self._capture)

    @hookimpl
    def refund(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        def refund(payment: PaymentData) -> GatewayResponse:
            record, refund_id = self.ledger.refund(
                payment.psp_reference, payment.amount, payment.currency
            )
            return self._success(payment, TransactionKind.REFUND, record, refund_id)

        return self._once("refund", payment_information, refund)

    @hookimpl
    def void(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        def void(payment: PaymentData) -> GatewayResponse:
            record = self.ledger.void(payment.psp_reference, payment.amount, payment.currency)
            # The whole authorization was released: report its amount, as authorized.
            voided = payment.model_copy(update={"amount": record.amount})
            return self._success(voided, TransactionKind.VOID, record)

        return self._once("void", payment_information, void)

    @hookimpl
    def process_payment(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        def process(payment: PaymentData) -> GatewayResponse:
            response = self._authorize(payment)
            if not response.is_success or response.action_required:
                return response
            if not self.config.auto_capture:
                return response
            return self._capture(
                payment.model_copy(update={"psp_reference": response.psp_reference})
            )

        return self._once("process_payment", payment_information, process)

    @hookimpl
    def confirm_payment(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        def confirm(payment: PaymentData) -> GatewayResponse:
            result = payment.data.get("redirect_result", payment.data.get("three_d_secure_result"))
            if result is None and self.ledger.get(payment.psp_reference).redirect:
                # The shopper has not come back from the hosted page: nothing is known yet.
                record = self.ledger.get(payment.psp_reference)
                return self._success(payment, TransactionKind.PENDING, record)
            failed = result == "failed"
            capture = self.config.auto_capture
            record = self.ledger.confirm(
                payment.psp_reference, payment.amount, payment.currency,
                authenticated=not failed, capture=capture,
            )  # fmt: skip
            if failed:
                why = "the shopper did not complete the payment"
                return self._failure(
                    payment, TransactionKind.AUTH, "authentication_failed", why, record
                )
            kind = TransactionKind.CAPTURE if capture else TransactionKind.AUTH
            return self._success(payment, kind, record)

        return self._once("confirm_payment", payment_information, confirm)

    # -- Notifications -----------------------------------------------------------

    @hookimpl
    def handle_notification(self, headers: Mapping[str, str], body: bytes) -> NotificationResult:
        return webhooks.verified_update(GATEWAY_ID, self.config, headers, body)

    # -- The dummy PSP -----------------------------------------------------------

    def _authorize(self, payment: PaymentData) -> GatewayResponse:
        token = outcome(payment.token)
        status = "requires_action" if token.three_d_secure or token.redirect else "authorized"
        if token.error_code is not None:
            status = "declined"
        record = self.ledger.open(
            payment.amount, payment.currency, status,
            card=card_info(payment.token), declines_capture=token.declines_capture,
            redirect=token.redirect,
        )  # fmt: skip
        if token.error_code is not None:
            assert token.psp_code is not None
            return self._failure(
                payment, TransactionKind.AUTH, token.psp_code, token.description, record,
                refused=True,
            )  # fmt: skip
        if token.three_d_secure or token.redirect:
            kind, page = (
                (ActionKind.THREE_D_SECURE, "3ds") if token.three_d_secure
                else (ActionKind.REDIRECT, "checkout")
            )  # fmt: skip
            return self._success(
                payment, TransactionKind.ACTION_TO_CONFIRM, record,
                action_required=True,
                action_required_data=CustomerAction(
                    kind=kind,
                    psp_reference=record.psp_reference,
                    url=f"https://dummy.invalid/{page}/{record.psp_reference}",
                ),
            )  # fmt: skip
        return self._success(payment, TransactionKind.AUTH, record)

    def _capture(self, payment: PaymentData) -> GatewayResponse:
        record = self.ledger.capture(payment.psp_reference, payment.amount, payment.currency)
        return self._success(payment, TransactionKind.CAPTURE, record)

    def _once(
        self,
        operation: str,
        payment: PaymentData,
        run: Callable[[PaymentData], GatewayResponse],
    ) -> GatewayResponse:
        """Run ``operation`` once per request; a retry replays the first reply.

        A request is known by :func:`operation_key`, as a real PSP knows it by the
        key the plugin sends: so a capture copied from the authorization's
        ``PaymentData`` is a request of its own.
        """
        kind = FAILURE_KINDS[operation]

        def attempt() -> GatewayResponse:
            try:
                return run(payment)
            except LedgerError as exc:
                return self._failure(payment, kind, exc.code, exc.message, exc.record)

        try:
            return self.replies.once(operation_key(payment, operation), payment, attempt)
        except KeyReused:
            return self._failure(
                payment, kind, "idempotency_key_reused",
                "the idempotency key was used for a different request (another card or data)",
            )  # fmt: skip

    def _success(
        self,
        payment: PaymentData,
        kind: TransactionKind,
        record: Authorization,
        transaction_id: str | None = None,
        **fields: Any,
    ) -> GatewayResponse:
        """A success about ``record``; ``transaction_id`` (a refund's own id) defaults to
        its PSP reference. Carries the card's displayable details when it has them."""
        transaction_id = transaction_id or record.psp_reference
        return GatewayResponse.success(
            payment,
            kind,
            transaction_id,
            psp_reference=record.psp_reference,
            card_info=record.card,
            raw_response=raw_reply(record, kind, payment, transaction_id),
            **fields,
        )

    def _failure(
        self,
        payment: PaymentData,
        kind: TransactionKind,
        psp_code: str,
        message: str,
        record: Authorization | None = None,
        *,
        refused: bool = False,
    ) -> GatewayResponse:
        reference = record.psp_reference if record else payment.psp_reference or ""
        reason = ERROR_MAP.normalize(psp_code, message, refused=refused)
        # A retry must reuse the request's key, so that it cannot charge twice.
        retry_key = payment.idempotency_key if reason.retry is RetryAdvice.RETRY_LATER else None
        return GatewayResponse.failure(
            payment,
            kind,
            reason,
            transaction_id=reference,
            psp_reference=reference or None,
            raw_response={"error": {"code": psp_code, "message": message}},
            idempotency_key=retry_key,
        )
