"""How a :class:`GatewayResponse` is shown: ``key: value`` lines, or JSON.

Exit statuses follow from the response: 0 approved or waiting for the shopper,
1 failed, 3 outcome unknown (the PSP may or may not have acted: neither approved
nor declined).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..errors import ErrorCode, RetryAdvice
from ..interface import GatewayResponse
from .console import PROG, Console

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNKNOWN = 0, 1, 2, 3

#: ``gateway_plugins.http.OUTCOME_UNKNOWN``, the HTTP toolkit's code for a lost reply
#: (not imported: that would import ``requests`` for every command).
OUTCOME_UNKNOWN_CODE = "outcome_unknown"


def plain(amount: Decimal) -> str:
    """``amount`` in plain notation: ``1000``, never ``1E+3``."""
    return format(amount, "f")


def outcome_unknown(response: GatewayResponse) -> bool:
    """Whether the PSP may or may not have acted: the flag, or the HTTP toolkit's code."""
    return response.outcome_unknown or response.psp_error_code == OUTCOME_UNKNOWN_CODE


def exit_status(response: GatewayResponse) -> int:
    """0 approved or action required, 1 failed, 3 outcome unknown."""
    if outcome_unknown(response):
        return EXIT_UNKNOWN
    return EXIT_OK if response.is_success else EXIT_FAILED


def _status(response: GatewayResponse) -> str:
    if outcome_unknown(response):
        return "outcome unknown (neither approved nor declined)"
    if response.action_required:
        return "action required"
    if response.is_success:
        return "approved"
    return "failed" if response.error_code is ErrorCode.PROCESSING_ERROR else "declined"


def summary(response: GatewayResponse) -> dict[str, Any]:
    """The fields worth a line each, in reading order (nested: ``action.url``)."""
    fields: dict[str, Any] = {
        "status": _status(response),
        "kind": response.kind.value,
        "amount": f"{plain(response.amount)} {response.currency}",
        "transaction_id": response.transaction_id or "-",
    }
    if response.psp_reference and response.psp_reference != response.transaction_id:
        fields["psp_reference"] = response.psp_reference
    if not response.is_success:
        fields["error_code"] = response.error_code.value if response.error_code else "-"
        fields["error"] = response.error or "-"
        fields["psp_error_code"] = response.psp_error_code or "-"
        if response.psp_error_message:
            fields["psp_error_message"] = response.psp_error_message
        fields["retry_advice"] = response.retry_advice.value if response.retry_advice else "-"
    if response.idempotency_key:
        fields["idempotency_key"] = response.idempotency_key
    action = response.action_required_data
    if action is not None:
        shown: dict[str, Any] = {"kind": action.kind.value}
        if action.url:
            shown["url"] = action.url
            shown["method"] = action.method
        if action.form_fields:
            shown["form_fields"] = ", ".join(action.form_fields) + " (values in --json)"
        for name in ("mobile_url", "qr_code", "voucher_url"):
            if getattr(action, name):
                shown[name] = getattr(action, name)
        if action.expires_at:
            shown["expires_at"] = action.expires_at.isoformat()
        if action.sdk_data:
            shown["sdk_data"] = "for the PSP's own SDK (in --json)"
        shown["psp_reference"] = action.psp_reference
        fields["action"] = shown
    return fields


def next_step(response: GatewayResponse, gateway: str) -> str | None:
    """What to do next, as a line, when the response calls for something."""
    action = response.action_required_data
    amount = f"--amount {plain(response.amount)} --currency {response.currency}"
    if response.action_required and action is not None:
        where = "send the shopper to action.url" if action.url else "hand action to the PSP's SDK"
        return (
            f"{where}, then: {PROG} confirm --gateway {gateway} "
            f"--reference {action.psp_reference} {amount}"
        )
    key = response.idempotency_key
    if outcome_unknown(response):
        if response.retry_advice is RetryAdvice.RETRY_LATER and key:
            return (
                "the gateway may or may not have acted; it deduplicates retries, so run the "
                f"same command again with --idempotency-key {key}"
            )
        return (
            "the gateway may or may not have acted; look the transaction up at the PSP "
            "before trying again (a blind retry may charge twice)"
        )
    if response.retry_advice is RetryAdvice.RETRY_LATER and key:
        return f"retry later: the same command with --idempotency-key {key}"
    return None


def show(response: GatewayResponse, gateway: str, as_json: bool, console: Console) -> int:
    """Print ``response`` and return the command's exit status."""
    if as_json:
        data = response.model_dump(mode="json")
        data["amount"] = plain(response.amount)
        console.print_json(data)
        return exit_status(response)
    fields = console.scrubber.data(summary(response))  # references stay readable
    lines = []
    for key, value in fields.items():
        if isinstance(value, dict):
            lines += [f"{key}.{name}: {item}" for name, item in value.items()]
        else:
            lines.append(f"{key}: {value}")
    step = next_step(response, gateway)
    if step is not None:
        lines.append(f"next: {_scrubbed_step(step, response, console)}")
    console.print("\n".join(lines))
    return exit_status(response)


def _scrubbed_step(step: str, response: GatewayResponse, console: Console) -> str:
    # The reference in the step is a reference: scrubbed as one, not as free text.
    action = response.action_required_data
    reference = action.psp_reference if action is not None else None
    if reference is None or reference not in step:
        return console.text(step)
    shown = console.scrubber.data({"psp_reference": reference})["psp_reference"]
    return str(shown).join(console.text(part) for part in step.split(reference))


__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_UNKNOWN",
    "EXIT_USAGE",
    "OUTCOME_UNKNOWN_CODE",
    "exit_status",
    "next_step",
    "outcome_unknown",
    "plain",
    "show",
    "summary",
]
