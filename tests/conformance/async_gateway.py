"""A dummy that confirms captures, refunds and voids later, by webhook, as Adyen does.

Each answers ``pending`` (``refund_ongoing`` for a refund) at once; the real
outcome, decided by the dummy's ledger, waits in :data:`OUTBOX` as a signed
notification until the kit's ``settle`` takes it.
"""

from __future__ import annotations

import uuid

from gateway_plugins_dummy import DummyGatewayPlugin, webhooks
from gateway_plugins_dummy.plugin import DEFAULT_CONFIG

from gateway_plugins import (
    GatewayConfig,
    GatewayInfo,
    GatewayResponse,
    PaymentData,
    TransactionKind,
    hookimpl,
)
from gateway_plugins.conformance import ConformanceInputs
from tests.conformance.broken_plugins import dummy_inputs

SECRET = "whsec_async_dummy_8d2f"
#: Notifications waiting for ``settle()``; shared, as the kit makes a plugin per check.
OUTBOX: list[tuple[dict[str, str], bytes]] = []

_FINAL = {
    "capture": (TransactionKind.PENDING, TransactionKind.CAPTURE, TransactionKind.CAPTURE_FAILED),
    "refund": (TransactionKind.REFUND_ONGOING, TransactionKind.REFUND,
               TransactionKind.REFUND_FAILED),
    "void": (TransactionKind.PENDING, TransactionKind.VOID, TransactionKind.VOID),
}  # fmt: skip


class AsyncDummy(DummyGatewayPlugin):
    gateway_id = "async-dummy"
    #: Set to confirm every modification by webhook, even one the ledger refused.
    confirms_everything = False

    @hookimpl
    def gateway_info(self) -> GatewayInfo:
        return super().gateway_info().model_copy(update={"id": self.gateway_id})

    def _later(
        self, operation: str, payment: PaymentData, outcome: GatewayResponse
    ) -> GatewayResponse:
        pending_kind, done_kind, failed_kind = _FINAL[operation]
        reference = f"mod_{uuid.uuid4().hex}"
        success = outcome.is_success or self.confirms_everything
        OUTBOX.append(
            webhooks.notification(
                SECRET, done_kind if success else failed_kind,
                outcome.psp_reference or payment.psp_reference or "unknown",
                outcome.amount, outcome.currency,
                success=success, transaction_id=reference,
            )
        )  # fmt: skip
        return outcome.model_copy(
            update={"is_success": True, "kind": pending_kind, "transaction_id": reference,
                    "error_code": None, "retry_advice": None, "error": None,
                    "psp_error_code": None, "psp_error_message": None}
        )  # fmt: skip

    @hookimpl
    def capture(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        answer = super().capture(payment_information, previous_value)
        return self._later("capture", payment_information, answer)

    @hookimpl
    def refund(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        answer = super().refund(payment_information, previous_value)
        return self._later("refund", payment_information, answer)

    @hookimpl
    def void(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        answer = super().void(payment_information, previous_value)
        return self._later("void", payment_information, answer)


class ConfirmsEverything(AsyncDummy):
    """Accepts an over-capture and later confirms it by webhook: money that never moved."""

    gateway_id = "broken-confirms-everything"
    confirms_everything = True


class NeverConfirms(AsyncDummy):
    """Answers pending and never sends the notification that would finish it."""

    gateway_id = "broken-never-confirms"

    def _later(
        self, operation: str, payment: PaymentData, outcome: GatewayResponse
    ) -> GatewayResponse:
        answer = super()._later(operation, payment, outcome)
        OUTBOX.pop()
        return answer


def settle() -> list[tuple[dict[str, str], bytes]]:
    taken = list(OUTBOX)
    OUTBOX.clear()
    return taken


def async_inputs(plugin: type[AsyncDummy], **changes: object) -> ConformanceInputs:
    """The dummy's inputs, with the webhook secret configured and ``settle`` given."""
    OUTBOX.clear()
    config = GatewayConfig(
        **{**DEFAULT_CONFIG.model_dump(), "connection_params": {webhooks.SECRET_PARAM: SECRET}}
    )
    return dummy_inputs(plugin, **{"config": config, "settle": settle, **changes})
