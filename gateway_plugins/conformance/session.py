"""One check's plugin instance behind one ``PluginManager``, and payments for it.

A :class:`Session` calls the plugin as a host does, through the manager. It
follows an answer to its outcome when the inputs say how: a capture, refund or
void the PSP confirms later through the notifications ``settle`` brings, and
(with ``completes_by_action``) an authorization that needs the shopper through
the customer action and ``confirm_payment`` (see :mod:`.shopper`).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import NormalizedError
from ..exceptions import NotificationError, PluginRegistrationError
from ..interface import GatewayConfig, GatewayResponse, PaymentData, TransactionKind
from ..manager import PluginManager
from ..money import from_minor_units
from ..notifications import TransactionUpdate
from .expect import expect_success, reference_of, well_formed
from .registry import CheckFailed
from .shopper import brought_back, confirmation, customer_action, input_for
from .spy import Spy

if TYPE_CHECKING:
    from .harness import Harness

_USE_SUCCESS_TOKEN: Any = object()
#: Operations a PSP may confirm later, and the kinds of such a "not yet" answer.
_SETTLED_OPERATIONS = frozenset({"capture", "refund", "void"})
_PENDING_KINDS = frozenset({TransactionKind.PENDING, TransactionKind.REFUND_ONGOING})
#: Operations that may need the shopper, and how many actions in a row the kit plays.
_ACTION_OPERATIONS = frozenset({"authorize", "process_payment"})
_MAX_ACTIONS = 3


class Session:
    """One plugin instance behind one ``PluginManager``, and payments for it."""

    def __init__(
        self,
        harness: Harness,
        config: GatewayConfig,
        *,
        spy: bool,
        others: Iterable[tuple[str, object]],
    ) -> None:
        self.harness = harness
        self.gateway_id = harness.info.id
        self.config = config
        self.plugin = harness.new_plugin()
        self.impls = harness.implementations(self.plugin)
        self.spy = Spy(self.impls) if spy else None
        self.manager = PluginManager(discover=False, configs={self.gateway_id: config})
        self._outcomes: dict[str, TransactionUpdate] = {}
        for name, other in others:
            self.manager.register(other, name)
        try:
            self.manager.register(self.spy or self.plugin, harness.label)
        except PluginRegistrationError as exc:
            raise CheckFailed(
                f"not run: the manager refuses to register the plugin: {exc.reason}"
            ) from exc
        record = next(r for r in self.manager.plugins if r.name == harness.label)
        if record.problem is not None:
            raise CheckFailed(f"not run: the gateway cannot take calls: {record.problem}")

    @property
    def currency(self) -> str:
        """The first currency to try."""
        return self.harness.currencies[0]

    def payment(
        self,
        minor: int = 1000,
        *,
        currency: str | None = None,
        token: str | None = _USE_SUCCESS_TOKEN,
        **fields: Any,
    ) -> PaymentData:
        """A payment of ``minor`` minor units to this gateway (the success token by default)."""
        currency = currency or self.currency
        if token is _USE_SUCCESS_TOKEN:
            token = self.harness.success_token
        values = {
            **self.harness.inputs.payment_fields,
            "gateway": self.gateway_id,
            "currency": currency,
            "amount": self.amount(minor, currency),
            "token": token,
            **fields,
        }
        return PaymentData(**values)

    @staticmethod
    def amount(minor: int, currency: str) -> Decimal:
        """``minor`` minor units of ``currency`` as a Decimal (1000 → 10.00 USD, 1000 JPY)."""
        return from_minor_units(minor, currency)

    def follow_up(self, first: PaymentData, response: GatewayResponse, minor: int) -> PaymentData:
        """A capture, refund or void of ``minor`` units naming the transaction of ``response``."""
        reference = reference_of(response, "the first operation")
        return self.payment(
            minor, currency=first.currency, token=first.token, psp_reference=reference
        )

    def call(self, operation: str, payment: PaymentData, *, follow: bool = True) -> GatewayResponse:
        """Run ``operation`` through the manager, as a host does.

        A capture, refund or void the PSP will confirm later is followed to its
        outcome when the inputs can ``settle`` the test PSP (see :meth:`settled`);
        with ``completes_by_action``, an authorization or payment that needs the
        shopper is completed and confirmed (see :meth:`completed`). ``follow=False``
        gives the first answer as it is.
        """
        answer = getattr(self.manager, operation)(payment)
        result = well_formed(answer, f"{operation} (through the manager)")
        if not follow:
            return result
        if (
            operation in _ACTION_OPERATIONS
            and result.is_success
            and result.action_required
            and self.harness.inputs.completes_by_action
        ):
            return self.completed(operation, payment, result)
        if (
            operation in _SETTLED_OPERATIONS
            and result.is_success
            and result.kind in _PENDING_KINDS
            and self.harness.inputs.settle is not None
            and "handle_notification" in self.impls
        ):
            return self.settled(payment, result)
        return result

    def completed(
        self, operation: str, payment: PaymentData, response: GatewayResponse
    ) -> GatewayResponse:
        """What ``confirm_payment`` answers once the shopper completed ``response``'s action.

        The shopper passes (the action input's ``complete``); a confirmation that
        asks for the shopper again is completed again, a few times at most.
        """
        if "confirm_payment" not in self.impls:
            raise CheckFailed(
                f"{operation} asked for customer action and the plugin does not implement "
                "confirm_payment, so the payment can never complete"
            )
        what = f"{operation} of {_amount_text(payment)} (through the manager)"
        for step in ("confirm", *(f"confirm-{n}" for n in range(2, _MAX_ACTIONS + 1))):
            action = customer_action(response, what)
            action_input = input_for(self.harness.inputs, action, what)
            data = brought_back(action_input, action.psp_reference, True)
            answer = self.manager.confirm_payment(confirmation(payment, action, data, step))
            what = f"confirm_payment after the shopper completed the {action.kind.value} action"
            response = well_formed(answer, what)
            if not (response.is_success and response.action_required):
                return response
        raise CheckFailed(f"{what} asked for customer action again, {_MAX_ACTIONS} times in a row")

    def settled(self, payment: PaymentData, pending: GatewayResponse) -> GatewayResponse:
        """``pending`` as its notification turned out: a success of the final kind, or a failure.

        Settles the test PSP, delivers what it sends through the manager, and
        looks for the update of ``pending``'s ``transaction_id``.
        """
        settle = self.harness.inputs.settle
        assert settle is not None
        reference = pending.transaction_id
        if reference not in self._outcomes:
            for headers, body in settle():
                try:
                    with self.manager.notification(self.gateway_id, headers, body) as result:
                        pass  # the harness only reads its updates, below
                except NotificationError as exc:
                    raise CheckFailed(
                        f"a notification the test PSP sent when settled was not taken: {exc}"
                    ) from None
                for each in (*result.updates, *result.duplicates):
                    self._outcomes.setdefault(each.transaction_id, each)
        update = self._outcomes.get(reference)
        if update is None:
            raise CheckFailed(
                f"a {pending.kind.value!r} answer (transaction {reference!r}) got no "
                "TransactionUpdate with that transaction_id from the notifications the test "
                "PSP sent when settled"
            )
        if update.is_success:
            return pending.model_copy(update={"kind": update.kind})
        assert update.error_code is not None
        return GatewayResponse.failure(
            payment,
            update.kind,
            NormalizedError(update.error_code, update.error_code.default_retry,
                            update.psp_error_code, update.psp_error_message),
            transaction_id=reference,
            psp_reference=pending.psp_reference,
        )  # fmt: skip

    def authorized(self, minor: int = 1000) -> tuple[PaymentData, GatewayResponse]:
        """An authorization of the success token (``process_payment`` without a capture
        when the plugin has no ``authorize``)."""
        payment = self.payment(minor)
        if "authorize" in self.impls:
            what = "authorize of the success token"
            response = self.call("authorize", payment)
        else:
            assert not self.config.auto_capture, "the session needs auto_capture off"
            what = "process_payment of the success token (auto_capture off)"
            response = self.call("process_payment", payment)
        return payment, expect_success(response, what, {TransactionKind.AUTH})

    def captured(self, minor: int = 1000) -> tuple[PaymentData, GatewayResponse]:
        """A captured payment of the success token."""
        if self.config.auto_capture:
            payment = self.payment(minor)
            response = self.call("process_payment", payment)
            what = "process_payment of the success token (auto_capture on)"
            return payment, expect_success(response, what, {TransactionKind.CAPTURE})
        payment, authorization = self.authorized(minor)
        response = self.call("capture", self.follow_up(payment, authorization, minor))
        return payment, expect_success(
            response, "capture of the full amount", {TransactionKind.CAPTURE}
        )


def _amount_text(payment: PaymentData) -> str:
    return f"{payment.amount} {payment.currency}"
