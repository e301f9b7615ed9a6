"""Playing the shopper: a customer action completed, then confirmed, as a host does it.

A gateway that needs the shopper answers ``action_required`` with a
:class:`~gateway_plugins.actions.CustomerAction`. A host sends the shopper
there and, once they are back, calls ``confirm_payment`` naming
``action.psp_reference`` with what came back. The kit does the same with a
:class:`~gateway_plugins.conformance.inputs.CustomerActionInput`: its
``complete`` plays the shopper at the test PSP, its ``confirm_data`` and
``failed_data`` (and what ``complete`` returns) are what came back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ..actions import ActionKind, CustomerAction
from ..contract import error_texts
from ..interface import GatewayResponse, PaymentData, TransactionKind
from .inputs import ConformanceInputs, CustomerActionInput
from .registry import CheckFailed

#: The input field that completes each kind of action.
INPUT_FIELDS = {ActionKind.THREE_D_SECURE: "three_d_secure", ActionKind.REDIRECT: "redirect"}


def action_problems(action: object) -> list[str]:
    """What is wrong with ``action`` as a host would get it (empty when nothing is).

    An action built with ``model_construct()`` skipped validation, so a
    ``javascript:`` URL could reach the shop's page: it is validated again here.
    """
    if not isinstance(action, CustomerAction):
        return [f"action_required_data is {type(action).__name__}, not a CustomerAction"]
    values = {name: getattr(action, name) for name in CustomerAction.model_fields
              if hasattr(action, name)}  # fmt: skip
    try:
        CustomerAction.model_validate(values)
    except ValidationError as exc:
        return error_texts(exc)
    return []


def customer_action(response: GatewayResponse, what: str) -> CustomerAction:
    """The action of a response asking for the shopper (``CheckFailed`` unless it is sound)."""
    if not response.is_success or not response.action_required:
        raise CheckFailed(
            f"{what} answered is_success={response.is_success}, action_required="
            f"{response.action_required}; expected a success asking for customer action"
        )
    if response.kind is not TransactionKind.ACTION_TO_CONFIRM:
        raise CheckFailed(
            f"{what} asked for customer action with kind {response.kind.value!r}; "
            "expected 'action_to_confirm'"
        )
    action = response.action_required_data
    if action is None:
        raise CheckFailed(
            f"{what} gave no action_required_data: the storefront needs a CustomerAction "
            "to know where to send the shopper"
        )
    problems = action_problems(action)
    if problems:
        raise CheckFailed(
            f"{what} gave a CustomerAction that does not validate ({'; '.join(problems)}): "
            "build it with CustomerAction(...), never model_construct()"
        )
    return action


def brought_back(action_input: CustomerActionInput, reference: str, passed: bool) -> dict[str, Any]:
    """Play the shopper (``complete``) and return what ``confirm_payment`` gets as ``data``."""
    data = dict(action_input.confirm_data if passed else (action_input.failed_data or {}))
    if action_input.complete is None:
        return data
    returned = action_input.complete(reference, passed)
    if returned is None:
        return data
    if not isinstance(returned, Mapping):
        raise CheckFailed(
            f"CustomerActionInput.complete returned {type(returned).__name__}; it must return "
            "None or a mapping of PaymentData.data for confirm_payment"
        )
    return {**data, **returned}


def confirmation(
    payment: PaymentData, action: CustomerAction, data: Mapping[str, Any], step: str = "confirm"
) -> PaymentData:
    """The ``confirm_payment`` request a host sends once the shopper is back.

    Its idempotency key derives from the authorization's, one per ``step``: a
    host retrying the whole flow with the same ``PaymentData`` confirms with the
    same key, and a second confirmation of another step does not replay the first.
    """
    key = f"{payment.idempotency_key[:50]}:{step[:13]}"
    return PaymentData.model_validate(
        {**dict(payment), "psp_reference": action.psp_reference, "data": dict(data),
         "idempotency_key": key}
    )  # fmt: skip


def input_for(inputs: ConformanceInputs, action: CustomerAction, what: str) -> CustomerActionInput:
    """The input that plays the shopper for ``action`` (``CheckFailed`` naming the field)."""
    field = INPUT_FIELDS.get(action.kind)
    if field is None:
        raise CheckFailed(
            f"{what} asked for a customer action of kind {action.kind.value!r}; the kit "
            "completes only 'three_d_secure' and 'redirect' actions"
        )
    found = inputs.action_input(action.kind)
    if found is None:
        raise CheckFailed(
            f"{what} asked for a {action.kind.value!r} action and the inputs give no "
            f"ConformanceInputs.{field} to play the shopper with (completes_by_action is set)"
        )
    return found
