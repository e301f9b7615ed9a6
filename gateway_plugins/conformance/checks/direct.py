"""Calling a plugin's hooks directly, bypassing the manager, every outcome kept.

The manager contains a plugin's exceptions and scrubs its ``raw_response``; the
checks that must see what the plugin itself does (``errors_contained``,
``scrubbing``) drive it through here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ...actions import CustomerAction
from ...contract import error_texts, response_problem
from ...errors import RetryAdvice
from ...interface import GatewayResponse, PaymentData, TokenConfig
from ..harness import Harness, call_hook
from ..session import Session
from ..shopper import action_problems, brought_back, confirmation

UNKNOWN_REFERENCE = "conformance-kit-unknown-reference"
FIELDS = frozenset(GatewayResponse.model_fields)


@dataclass
class Call:
    """One direct call of a hook implementation and what came of it."""

    hook: str
    what: str
    payment: PaymentData | None = None
    result: object = None
    error: BaseException | None = None

    @property
    def name(self) -> str:
        return f"{self.hook} {self.what}".strip()

    def problem(self) -> str | None:
        """What the plugin did wrong in this call, if anything."""
        if self.error is not None:
            return f"{self.name} raised {type(self.error).__name__}: {self.error}"
        if self.hook == "get_client_token":
            if isinstance(self.result, str) and self.result:
                return None
            return f"{self.name} returned {type(self.result).__name__}, not a non-empty str"
        if isinstance(self.result, GatewayResponse) and self.result.inspection() is None:
            invalid = validation_problems(self.result)
            if invalid:
                return (
                    f"{self.name} returned a GatewayResponse that does not validate "
                    f"({'; '.join(invalid)}): build responses with GatewayResponse.success()/"
                    "failure(); model_construct() and model_copy(update=...) skip validation"
                )
        problem = response_problem(self.hook, self.result)
        if problem:
            return f"{self.name} {problem}"
        assert isinstance(self.result, GatewayResponse)
        return self._retry_problem(self.result)

    def _retry_problem(self, response: GatewayResponse) -> str | None:
        """A failure that advises ``retry_later`` must name the key to retry with."""
        if response.is_success or response.retry_advice is not RetryAdvice.RETRY_LATER:
            return None
        key = self.payment.idempotency_key if self.payment is not None else None
        if not response.idempotency_key:
            return (
                f"{self.name} advises retry_later without idempotency_key: set it to the "
                "request's PaymentData.idempotency_key, the key a retry must reuse"
            )
        if key is not None and response.idempotency_key != key:
            return (
                f"{self.name} advises retry_later with idempotency_key "
                f"{response.idempotency_key!r}, not the request's {key!r}: a retry with "
                "another key may charge twice"
            )
        return None


def validation_problems(response: GatewayResponse) -> list[str]:
    """What strict validation finds wrong in a response built without it (empty if nothing).

    Strict: a field must already hold its type (an ``ErrorCode``, not the string
    ``"declined"``), since the host gets this very object.
    """
    values = {name: value for name, value in vars(response).items() if name in FIELDS}
    try:
        GatewayResponse.model_validate(values, strict=True)
    except ValidationError as exc:
        return error_texts(exc)
    return []


#: What the odd calls are named; these need no earlier transaction, so they can be replayed.
ODD = ("without a payment token", "of an unknown psp_reference", "without a psp_reference")


@dataclass
class DirectRun:
    """Direct calls of one plugin instance's hooks, every outcome kept."""

    session: Session
    calls: list[Call] = field(default_factory=list)

    def call(
        self, hook: str, what: str, payment: PaymentData | None = None, **arguments: Any
    ) -> object:
        record = Call(hook, what, payment)
        self.calls.append(record)
        if payment is not None:
            arguments["payment_information"] = payment
        try:
            record.result = call_hook(self.session.impls[hook], previous_value=None, **arguments)
        except Exception as exc:
            record.error = exc
        return record.result

    def money(self, hook: str, what: str, payment: PaymentData) -> GatewayResponse | None:
        """Call ``hook`` if implemented; the response when it succeeded.

        With ``completes_by_action``, an authorization or payment asking for the
        shopper is completed and confirmed, and the confirmation is the response.
        """
        if hook not in self.session.impls:
            return None
        result = self.call(hook, what, payment)
        if (
            hook in ("authorize", "process_payment")
            and self.session.harness.inputs.completes_by_action
            and _asks_for_shopper(result)
        ):
            assert isinstance(result, GatewayResponse)
            result = self.confirm_after(f"{hook} {what}", payment, result)
        return result if isinstance(result, GatewayResponse) and _succeeded(result) else None

    def confirm_after(
        self, what: str, payment: PaymentData, response: GatewayResponse, *, passed: bool = True
    ) -> object:
        """``confirm_payment`` called directly once the shopper acted on ``response``'s action.

        ``response`` itself when there is nothing the kit can complete: no
        ``confirm_payment``, an unsound action (the action checks report it) or
        no input for its kind.
        """
        action = response.action_required_data
        if "confirm_payment" not in self.session.impls or action_problems(action):
            return response
        assert isinstance(action, CustomerAction)
        action_input = self.session.harness.inputs.action_input(action.kind)
        if action_input is None:
            return response
        data = {**payment.data, **brought_back(action_input, action.psp_reference, passed)}
        confirm = confirmation(payment, action, data)
        return self.call("confirm_payment", f"after the customer action of {what}", confirm)


def _succeeded(result: object) -> bool:
    return isinstance(result, GatewayResponse) and getattr(result, "is_success", None) is True


def _asks_for_shopper(result: object) -> bool:
    return _succeeded(result) and getattr(result, "action_required", None) is True


def _reference(response: object) -> str | None:
    if not isinstance(response, GatewayResponse):
        return None
    reference = getattr(response, "psp_reference", None) or getattr(
        response, "transaction_id", None
    )
    return reference if isinstance(reference, str) and reference else None


def drive_directly(h: Harness, s: Session, data: dict[str, Any] | None = None) -> DirectRun:
    """Call every implemented hook of ``s``'s plugin directly: good calls, then odd ones.

    ``s`` must have ``auto_capture`` off, so that ``process_payment`` can stand in
    for a missing ``authorize``.
    """
    run, impls = DirectRun(s), s.impls
    extra: dict[str, Any] = {"data": data} if data is not None else {}
    first = "authorize" if "authorize" in impls else "process_payment"
    reference = _reference(run.money(first, "of the success token", s.payment(**extra)))
    if reference is not None:
        captured = run.money(
            "capture", "of an authorized payment", s.payment(psp_reference=reference, **extra)
        )
        if _reference(captured) is not None:
            run.money(
                "refund",
                "of a captured payment",
                s.payment(psp_reference=_reference(captured), **extra),
            )
    second = _reference(run.money(first, "of the success token", s.payment(**extra)))
    if second is not None:
        run.money("void", "of an authorization", s.payment(psp_reference=second, **extra))
    run.money("process_payment", "of the success token", s.payment(**extra))
    for code, decline in h.inputs.declines().items():
        run.money(
            first,
            f"of the {code.value!r} decline input",
            s.payment(token=decline.token, data={**decline.data, **(data or {})}),
        )
    for name, action_input in (
        ("3-D Secure", h.inputs.three_d_secure),
        ("redirect", h.inputs.redirect),
    ):
        if action_input is None or "confirm_payment" not in impls:
            continue
        what = f"of the {name} input"
        payment = s.payment(token=action_input.token, **extra)
        challenge = run.call(first, what, payment)
        if _asks_for_shopper(challenge):
            assert isinstance(challenge, GatewayResponse)
            run.confirm_after(f"{first} {what}", payment, challenge)
    for hook in ("authorize", "process_payment"):
        run.money(hook, ODD[0], s.payment(token=None, **extra))
    for hook in ("capture", "refund", "void", "confirm_payment"):
        run.money(hook, ODD[1], s.payment(psp_reference=UNKNOWN_REFERENCE, **extra))
        run.money(hook, ODD[2], s.payment(psp_reference=None, **extra))
    if "get_client_token" in impls:
        run.call("get_client_token", "", token_config=TokenConfig())
    return run
