"""A redirect-only gateway plugin for the hosted-checkout PSP (:mod:`.hosted_psp`).

Every payment answers ``action_required`` with a ``redirect`` action: there is
no token that authorizes without the shopper, so the kit runs every flow with
``completes_by_action``. The gateway declares ``redirect``, never
``three_d_secure``. Its notifications are verified by fetching the payment:
the body names an id, the plugin asks the PSP's API and reports what it says.

:func:`inputs_for` gives the kit's inputs; the broken variants at the end each
break one rule of redirects or of fetch-verified notifications.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import parse_qs

from gateway_plugins import (
    ActionKind,
    Capability,
    CustomerAction,
    ErrorCode,
    ErrorMap,
    GatewayConfig,
    GatewayInfo,
    GatewayResponse,
    NotificationRejected,
    NotificationResult,
    PaymentData,
    RetryAdvice,
    TransactionKind,
    TransactionUpdate,
    hookimpl,
)
from gateway_plugins.conformance import ConformanceInputs, CustomerActionInput, DeclineInput
from gateway_plugins.contract import FAILURE_KINDS
from gateway_plugins.idempotency import operation_key
from gateway_plugins.money import ISO_MINOR_UNITS
from tests.conformance import hosted_psp
from tests.conformance.hosted_psp import PSPS, HostedCheckoutPSP, Reply

K = TransactionKind
ERRORS = ErrorMap({
    "failed": ErrorCode.DECLINED,
    "insufficient_funds": ErrorCode.DECLINED,
    "expired_card": ErrorCode.EXPIRED,
    "method_unavailable": ErrorCode.PROCESSING_ERROR,
    "not_found": ErrorCode.PROCESSING_ERROR,
    "unauthorized": ErrorCode.PROCESSING_ERROR,
})  # fmt: skip
DEFAULT_CONFIG = GatewayConfig(
    gateway_name="Hosted checkout", auto_capture=True, supported_currencies="EUR, USD, JPY, KWD"
)
#: The kind of a confirmed payment, by the PSP's status.
_DONE = {"authorized": K.AUTH, "paid": K.CAPTURE}


class HostedCheckoutGateway:
    """Takes every payment on the PSP's hosted checkout page."""

    gateway_id = "hosted-checkout"

    def __init__(self) -> None:
        self.config = DEFAULT_CONFIG

    @hookimpl
    def gateway_info(self) -> GatewayInfo:
        capabilities = frozenset({
            Capability.REDIRECT, Capability.PARTIAL_CAPTURE, Capability.PARTIAL_REFUND,
            Capability.MULTIPLE_REFUNDS, Capability.VOID, Capability.IDEMPOTENCY,
            Capability.NOTIFICATIONS,
        })  # fmt: skip
        return GatewayInfo(
            id=self.gateway_id, name="Hosted checkout", default_config=DEFAULT_CONFIG,
            capabilities=capabilities, error_map=ERRORS,
        )  # fmt: skip

    @hookimpl
    def configure_gateway(self, config: GatewayConfig) -> None:
        self.config = config

    # -- Talking to the PSP ------------------------------------------------------------

    def _api(
        self, operation: str, payment: PaymentData | None = None, hook: str = "", **params: Any
    ) -> Reply:
        """One PSP call; with ``payment``, keyed for ``hook`` (a retry repeats the key)."""
        psp = PSPS.get(str(self.config.connection_params.get("base_url", "")))
        if psp is None:
            return {"error": {"code": "unreachable", "message": "no PSP at base_url"}}
        params_given = self.config.connection_params
        api_key = self.config.secret("api_key") if "api_key" in params_given else ""
        key = operation_key(payment, hook or operation) if payment is not None else None
        return psp.call(api_key, operation, key, **params)

    @staticmethod
    def _minor(payment: PaymentData) -> int:
        return ISO_MINOR_UNITS.to_minor(payment.amount, payment.currency)

    def _failure(
        self, payment: PaymentData, kind: K, reply: Reply, **fields: Any
    ) -> GatewayResponse:
        """A failure from the PSP's error, or from the failure of a payment it refused."""
        failed = {"code": reply.get("failure"), "message": "the payment failed"}
        error = reply.get("error", failed)
        reason = ERRORS.normalize(error["code"], error["message"], refused="error" not in reply)
        reference = reply.get("id") or payment.psp_reference or ""
        retry_key = payment.idempotency_key if reason.retry is RetryAdvice.RETRY_LATER else None
        return GatewayResponse.failure(
            payment, kind, reason, transaction_id=reference, psp_reference=reference or None,
            idempotency_key=retry_key, **fields,
        )  # fmt: skip

    def _redirect(self, reply: Reply) -> CustomerAction:
        return CustomerAction(
            kind=ActionKind.REDIRECT, psp_reference=reply["id"], url=reply["checkout_url"]
        )

    # -- Money operations --------------------------------------------------------------

    def _start(self, operation: str, payment: PaymentData, capture: bool) -> GatewayResponse:
        reply = self._api(
            "create", payment, operation, amount=self._minor(payment), currency=payment.currency,
            method=payment.token or "", capture=capture,
        )  # fmt: skip
        if "error" in reply:
            return self._failure(payment, FAILURE_KINDS[operation], reply)
        return GatewayResponse.success(
            payment, K.ACTION_TO_CONFIRM, reply["id"], psp_reference=reply["id"],
            action_required=True, action_required_data=self._redirect(reply), raw_response=reply,
        )  # fmt: skip

    @hookimpl
    def authorize(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self._start("authorize", payment_information, capture=False)

    @hookimpl
    def process_payment(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self._start("process_payment", payment_information, self.config.auto_capture)

    @hookimpl
    def confirm_payment(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        # The shopper's return proves nothing: ask the PSP what became of the payment.
        payment = payment_information
        reply = self._api("get", payment_id=payment.psp_reference)
        if "error" in reply:
            return self._failure(payment, K.CONFIRM, reply)
        if (reply["amount"], reply["currency"]) != (self._minor(payment), payment.currency):
            mismatch = {"error": {"code": "amount_mismatch", "message": "another amount"}}
            return self._failure(payment, K.CONFIRM, {**reply, **mismatch})
        return self._confirmed(payment, reply)

    def _confirmed(self, payment: PaymentData, reply: Reply) -> GatewayResponse:
        status = reply["status"]
        if status == "open":  # not paid yet: send the shopper again
            return GatewayResponse.success(
                payment, K.ACTION_TO_CONFIRM, reply["id"], psp_reference=reply["id"],
                action_required=True, action_required_data=self._redirect(reply),
            )  # fmt: skip
        if status in _DONE:
            return GatewayResponse.success(
                payment, _DONE[status], reply["id"], psp_reference=reply["id"], raw_response=reply
            )
        return self._failure(payment, K.CONFIRM, reply)

    def _modify(self, operation: str, payment: PaymentData, kind: K) -> GatewayResponse:
        psp_operation = {"capture": "capture", "refund": "refund", "void": "cancel"}[operation]
        reply = self._api(
            psp_operation, payment, payment_id=payment.psp_reference, amount=self._minor(payment)
        )
        if "error" in reply:
            return self._failure(payment, FAILURE_KINDS[operation], reply)
        return GatewayResponse.success(
            payment, kind, reply["id"], psp_reference=reply["id"], raw_response=reply
        )

    @hookimpl
    def capture(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self._modify("capture", payment_information, K.CAPTURE)

    @hookimpl
    def refund(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self._modify("refund", payment_information, K.REFUND)

    @hookimpl
    def void(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self._modify("void", payment_information, K.VOID)

    # -- Notifications: verified by fetching the payment --------------------------------

    @hookimpl
    def handle_notification(self, headers: Mapping[str, str], body: bytes) -> NotificationResult:
        fields = self._fields(body)
        [payment_id] = fields.get("id") or [""]
        reply = self._api("get", payment_id=payment_id)
        if "error" in reply:
            if reply["error"]["code"] == "not_found":
                raise NotificationRejected(self.gateway_id, "the PSP knows no such payment")
            raise RuntimeError(f"the PSP could not be asked: {reply['error']['code']}")
        return NotificationResult(updates=self._updates(reply, fields))

    def _fields(self, body: bytes) -> dict[str, list[str]]:
        try:
            fields = parse_qs(body.decode("ascii"), strict_parsing=True)
        except (UnicodeDecodeError, ValueError):
            raise NotificationRejected(self.gateway_id, "the body is not a form") from None
        if len(fields.get("id", [])) != 1:
            raise NotificationRejected(self.gateway_id, "the body names no payment")
        return fields

    def _updates(
        self, reply: Reply, fields: Mapping[str, list[str]]
    ) -> tuple[TransactionUpdate, ...]:
        """The payment's status as the PSP gives it (``fields``, the body, are not trusted)."""
        status = reply["status"]
        common: dict[str, Any] = {
            "event_id": f"{reply['id']}:{status}:{reply['captured']}:{reply['refunded']}",
            "event_code": status,
            "psp_reference": reply["id"],
            "transaction_id": reply["id"],
            "currency": reply["currency"],
            "amount": ISO_MINOR_UNITS.from_minor(reply["amount"], reply["currency"]),
            "event_date": reply["changed_at"],
        }
        kinds = {"authorized": K.AUTH, "paid": K.CAPTURE, "canceled": K.VOID}
        if status in kinds:
            return (TransactionUpdate(kind=kinds[status], is_success=True, **common),)
        if status == "failed":
            reason = ERRORS.normalize(reply["failure"], "the payment failed", refused=True)
            return (TransactionUpdate.failure(K.AUTH, reason, **common),)
        return ()  # open: nothing happened yet


def inputs_for(psp: HostedCheckoutPSP, plugin: object = HostedCheckoutGateway,
               **changes: Any) -> ConformanceInputs:  # fmt: skip
    """The kit's inputs for a redirect-only gateway against ``psp``."""
    config = DEFAULT_CONFIG.model_copy(
        update={"connection_params": {"api_key": psp.api_key, "base_url": psp.url}}
    )
    values: dict[str, Any] = {
        "plugin": plugin,
        "config": GatewayConfig.model_validate(config.model_dump()),
        "success_token": hosted_psp.IDEAL,
        "completes_by_action": True,
        "redirect": CustomerActionInput(hosted_psp.IDEAL, complete=psp.shopper_acts),
        "decline_tokens": {
            ErrorCode.DECLINED: DeclineInput(hosted_psp.IDEAL_INSUFFICIENT_FUNDS,
                                             "insufficient_funds"),
            ErrorCode.EXPIRED: DeclineInput(hosted_psp.CARD_EXPIRED, "expired_card"),
            ErrorCode.PROCESSING_ERROR: DeclineInput(hosted_psp.UNAVAILABLE_METHOD,
                                                     "method_unavailable"),
        },
        "notification": psp.paid_payment_notification,
        "forged_notification": psp.forge,
    }  # fmt: skip
    return ConformanceInputs(**{**values, **changes})


# -- Broken variants: each breaks one rule ------------------------------------------------


class _Broken(HostedCheckoutGateway):
    gateway_id = "broken-hosted-checkout"


class ConfirmsOnReturn(_Broken):
    """Takes the shopper's return as proof of payment, without asking the PSP."""

    @hookimpl
    def confirm_payment(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        reference = payment_information.psp_reference or ""
        kind = K.CAPTURE if self.config.auto_capture else K.AUTH
        return GatewayResponse.success(payment_information, kind, reference,
                                       psp_reference=reference)  # fmt: skip


class PaysFailedPayments(_Broken):
    """Asks the PSP, but answers a failed payment as if the shopper had paid."""

    def _confirmed(self, payment: PaymentData, reply: Reply) -> GatewayResponse:
        if reply["status"] == "failed":
            reply = {**reply, "status": "authorized"}
        return super()._confirmed(payment, reply)


class CallsItThreeDSecure(_Broken):
    """Sends the shopper to a hosted checkout, but calls it a 3-D Secure challenge."""

    def _redirect(self, reply: Reply) -> CustomerAction:
        return CustomerAction(
            kind=ActionKind.THREE_D_SECURE, psp_reference=reply["id"], url=reply["checkout_url"]
        )


class JavascriptRedirect(_Broken):
    """Builds its action with model_construct(), so a ``javascript:`` URL slips through."""

    def _redirect(self, reply: Reply) -> CustomerAction:
        return CustomerAction.model_construct(
            kind=ActionKind.REDIRECT, psp_reference=reply["id"], url="javascript:alert(1)",
            method="GET", form_fields={},
        )  # fmt: skip


class NeverFetches(_Broken):
    """Believes the body: the payment it names and the status it claims."""

    @hookimpl
    def handle_notification(self, headers: Mapping[str, str], body: bytes) -> NotificationResult:
        fields = self._fields(body)
        status = (fields.get("status") or ["paid"])[0]
        reply = {
            "id": fields["id"][0], "status": status, "captured": 0, "refunded": 0,
            "currency": "EUR", "amount": 1000, "changed_at": None, "failure": "failed",
        }  # fmt: skip
        return NotificationResult(updates=self._updates(reply, fields))


class BelievesClaimedStatus(_Broken):
    """Fetches the payment, then prefers the status the body claims to the PSP's."""

    def _updates(
        self, reply: Reply, fields: Mapping[str, list[str]]
    ) -> tuple[TransactionUpdate, ...]:
        claimed = fields.get("status")
        return super()._updates({**reply, "status": claimed[0]} if claimed else reply, fields)


class AlwaysSendsBack(_Broken):
    """Sends the shopper back to the checkout page however often they pay."""

    def _confirmed(self, payment: PaymentData, reply: Reply) -> GatewayResponse:
        return super()._confirmed(payment, {**reply, "status": "open"})


class AsksTwice(HostedCheckoutGateway):
    """Not broken: the first confirmation of each payment asks for the shopper again
    (a second step, as a bank may ask for), the next one answers."""

    gateway_id = "hosted-checkout-two-steps"
    asked: ClassVar[set[str]] = set()  # the kit makes a plugin per check

    def _confirmed(self, payment: PaymentData, reply: Reply) -> GatewayResponse:
        if reply["status"] != "open" and reply["id"] not in self.asked:
            self.asked.add(reply["id"])
            return super()._confirmed(payment, {**reply, "status": "open"})
        return super()._confirmed(payment, reply)
