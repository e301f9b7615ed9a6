"""``pay``, ``capture``, ``refund``, ``void`` and ``confirm``: one money call through a gateway."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..exceptions import (
    GatewayUnavailableError,
    InactiveGatewayError,
    OperationNotSupportedError,
    UnsupportedCurrencyError,
)
from ..interface import GatewayResponse, PaymentData
from ..manager import PluginManager
from .console import Console
from .gateways import ManagerFactory, entry_problems, needs
from .output import EXIT_UNKNOWN, EXIT_USAGE, show

if TYPE_CHECKING:
    from ..config_file import GatewaysFile, Problem

#: What makes a call impossible to attempt: the user's input, not a bug.
_INPUT_ERRORS = (GatewayUnavailableError, UnsupportedCurrencyError, OperationNotSupportedError)

#: A number with an exponent: Decimal takes it, and prints it back as 1E+3.
_EXPONENT = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+\s*")


class InputError(ValueError):
    """Bad input: one line for the user, naming the option or field and the rule."""


def validation_message(exc: ValidationError) -> str:
    """The first error as ``field: message`` (the input itself is never shown)."""
    error = exc.errors()[0]
    # Our validators raise ValueError with a clear sentence; pydantic prefixes
    # it with "Value error, ", so take the original text when there is one.
    cause = error.get("ctx", {}).get("error")
    message = str(cause) if isinstance(cause, Exception) else error["msg"]
    field = ".".join(str(part) for part in error["loc"])
    return f"{field}: {message}" if field else message


def payment_from(args: argparse.Namespace) -> PaymentData:
    """The :class:`PaymentData` the command's options describe; raises :class:`InputError`."""
    if _EXPONENT.fullmatch(args.amount):
        raise InputError(
            "amount: write it in plain decimal notation such as 1000 or 10.50, "
            "without an exponent (1e3)"
        )
    fields: dict[str, Any] = {
        "gateway": args.gateway,
        "amount": args.amount,
        "currency": args.currency,
    }
    if args.command == "pay":
        if not args.token.strip():
            raise InputError("--token: must not be empty")
        fields["token"] = args.token
    else:
        if not args.reference.strip():
            raise InputError("--reference: must not be empty")
        fields["psp_reference"] = args.reference.strip()
    if args.command == "confirm":
        fields["data"] = _shopper_data(args.data, args.data_json)
    if args.idempotency_key is not None:
        fields["idempotency_key"] = args.idempotency_key
    try:
        return PaymentData(**fields)
    except ValidationError as exc:
        raise InputError(validation_message(exc)) from None


def _shopper_data(pairs: list[str], as_json: str | None) -> dict[str, Any]:
    """``--data KEY=VALUE`` … or ``--data-json JSON`` as the ``PaymentData.data`` dict."""
    if as_json is not None:
        try:
            data = json.loads(as_json)
        except json.JSONDecodeError as exc:
            raise InputError(f"--data-json: not valid JSON ({exc.msg} at {exc.pos})") from None
        if not isinstance(data, dict):
            raise InputError("--data-json: must be a JSON object ({...})")
        return data
    data = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key.strip():
            raise InputError("--data: must be KEY=VALUE, with a key before the '='")
        data[key.strip()] = value
    return data


def run_money(
    args: argparse.Namespace,
    file: GatewaysFile | None,
    manager_factory: ManagerFactory,
    console: Console,
) -> int:
    """Run one money command; return its exit status."""
    try:
        payment = payment_from(args)
    except InputError as exc:
        console.error(str(exc))
        return EXIT_USAGE
    gateway = payment.gateway
    if file is not None and gateway in file.broken:
        _report(file.problems, gateway, console)
        return EXIT_USAGE
    # Load plugins only once the input is known to be good: it is the slow part.
    manager = manager_factory(
        configs=file.configs() if file else {},
        plugin=file.plugin_for(gateway) if file else gateway,
        gateway=gateway,
    )
    if file is not None:
        problems = [*file.problems, *entry_problems(file, manager)]
        if _report(problems, gateway, console):
            return EXIT_USAGE
    try:
        response = _call(manager, args.command, payment, getattr(args, "authorize_only", False))
    except InactiveGatewayError as exc:
        console.error(_inactive(exc))
        return EXIT_USAGE
    except _INPUT_ERRORS as exc:
        console.error(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        console.error(
            "interrupted while the gateway was working: the outcome is unknown; look the "
            f"transaction up, or run the same command with --idempotency-key "
            f"{payment.idempotency_key}"
        )
        return EXIT_UNKNOWN
    status = show(response, gateway, args.json, console)
    if _lost_by_the_dummy(args.command, gateway, response):
        console.note(
            f"unknown authorization {payment.psp_reference!r}: the dummy gateway keeps its "
            "payments in memory, in one process, so a capture, refund, void or confirm in a "
            "new gateway-plugins process cannot find a payment made by an earlier one"
        )
    return status


def _call(
    manager: PluginManager, command: str, payment: PaymentData, authorize_only: bool
) -> GatewayResponse:
    if command == "pay":
        return manager.authorize(payment) if authorize_only else manager.process_payment(payment)
    operations = {
        "capture": manager.capture,
        "refund": manager.refund,
        "void": manager.void,
        "confirm": manager.confirm_payment,
    }
    return operations[command](payment)


def _report(problems: Sequence[Problem], gateway: str, console: Console) -> bool:
    """Print the file's problems, errors for ``gateway``; whether it had any."""
    failed = False
    for problem in problems:
        if problem.gateway == gateway:
            console.error(str(problem))
            failed = True
        else:
            console.warning(str(problem))
    return failed


def _inactive(exc: InactiveGatewayError) -> str:
    lacking = needs(exc.reason)
    if lacking is None:
        return str(exc)
    return (
        f"gateway {exc.gateway_id!r} needs configuration: {lacking} "
        "(give it in a configuration file: --config FILE)"
    )


def _lost_by_the_dummy(command: str, gateway: str, response: GatewayResponse) -> bool:
    # The dummy's ledger lives in the process: the usual reason for a missing reference.
    return (
        command != "pay"
        and gateway == "dummy"
        and not response.is_success
        and response.psp_error_code == "resource_missing"
    )


__all__ = ["InputError", "payment_from", "run_money", "validation_message"]
