"""The ``gateway-plugins`` command: list installed plugins, try a payment.

::

    gateway-plugins list [--json]
    gateway-plugins pay --gateway dummy --amount 10.00 --currency USD --token 4111111111111111
    gateway-plugins check dummy [--inputs MODULE:CALLABLE] [--timeout S] [--json] [--report FILE]

Exit status: 0 on success (a payment needing 3-D Secure counts as success),
1 when the payment failed, 2 on bad input (one ``gateway-plugins: error: …``
line on stderr) and on usage errors.

The token may be a card number: it is never written anywhere, whether in
output, error messages or logs.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn, TextIO

from pydantic import ValidationError

from . import __version__
from .conformance.cli import add_check_parser, run_check
from .exceptions import (
    GatewayUnavailableError,
    OperationNotSupportedError,
    UnsupportedCurrencyError,
)
from .interface import GatewayResponse, PaymentData
from .manager import PluginManager
from .scrub import DEFAULT_SCRUBBER, Scrubber

PROG = "gateway-plugins"

#: What makes a payment impossible to attempt: the user's input, not a bug.
_INPUT_ERRORS = (GatewayUnavailableError, UnsupportedCurrencyError, OperationNotSupportedError)

#: Exit statuses.
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


# -- Keeping the token out of sight -------------------------------------------


def _redactor(tokens: Iterable[str]) -> Scrubber:
    """Hides the payment token, as typed and without spaces or dashes.

    Only the token, not every Luhn-valid number: a 16-digit PSP reference
    (Adyen's) must stay readable in the output.
    """
    variants = {v for t in tokens for v in (t, "".join(t.split()).replace("-", ""))}
    return Scrubber(variants, card_numbers=False)


class _RedactingFormatter(logging.Formatter):
    """A log formatter that hides the token (plugins may log it by mistake)."""

    def __init__(self, redactor: Scrubber) -> None:
        super().__init__("%(name)s: %(levelname)s: %(message)s")
        self._redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        return self._redactor.text(DEFAULT_SCRUBBER.text(super().format(record)))


@contextmanager
def _logging_to_stderr(verbose: bool, redactor: Scrubber) -> Iterator[None]:
    """Send log records to stderr while the command runs, then restore logging.

    A handler of our own is added and removed (rather than ``basicConfig``) so
    that ``main`` can run many times in one process, e.g. in tests.
    """
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_RedactingFormatter(redactor))
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)


# -- Argument parsing ---------------------------------------------------------


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, with card numbers and the token masked in usage errors.

    ``unrecognized arguments: --tokn 4111…`` would otherwise echo a card number.
    """

    def __init__(self, *args: Any, secrets: Scrubber, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._secrets = secrets

    def error(self, message: str) -> NoReturn:
        super().error(self._secrets.text(DEFAULT_SCRUBBER.text(message)))


def _tokens_in(argv: Sequence[str]) -> list[str]:
    """Every value given to ``--token`` (or an abbreviation of it), to mask in errors."""
    tokens = []
    for index, arg in enumerate(argv):
        option, equals, value = arg.partition("=")
        if len(option) >= 3 and "--token".startswith(option):
            if equals:
                tokens.append(value)
            elif index + 1 < len(argv):
                tokens.append(argv[index + 1])
    return tokens


def _parser(secrets: Scrubber) -> _ArgumentParser:
    parser = _ArgumentParser(
        prog=PROG, description="Inspect gateway plugins and run test payments.", secrets=secrets
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at INFO level to stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    # Subparsers are built by add_parser(**kwargs), so each gets the redactor too.
    listing = commands.add_parser(
        "list", help="list installed plugins and broken ones", secrets=secrets
    )
    listing.add_argument("--json", action="store_true", help="print one JSON object")

    pay = commands.add_parser("pay", help="run one payment through a gateway", secrets=secrets)
    pay.add_argument("--gateway", required=True, metavar="ID", help="gateway id, e.g. dummy")
    pay.add_argument("--amount", required=True, help="decimal amount, e.g. 10.50")
    pay.add_argument("--currency", required=True, help="ISO 4217 code, e.g. USD")
    pay.add_argument("--token", required=True, help="payment token (never printed)")
    pay.add_argument("--authorize-only", action="store_true", help="authorize without capturing")
    pay.add_argument("--json", action="store_true", help="print the response as JSON")

    add_check_parser(commands, secrets=secrets)
    return parser


# -- list -----------------------------------------------------------------------


def _plugin_rows(manager: PluginManager) -> list[dict[str, Any]]:
    rows = []
    for record in sorted(manager.plugins, key=lambda r: r.name):
        gateway, config = record.gateway, record.config
        rows.append(
            {
                "name": record.name,
                "distribution": record.distribution,
                "version": record.version,
                "gateway_id": gateway.id if gateway else None,
                "gateway_name": gateway.name if gateway else None,
                "currencies": list(config.supported_currencies) if config else [],
                "capabilities": sorted(c.value for c in gateway.capabilities) if gateway else [],
                "status": record.problem or "active",
            }
        )
    return rows


def _broken_rows(manager: PluginManager) -> list[dict[str, Any]]:
    return [
        {
            "name": broken.name,
            "distribution": broken.distribution,
            "version": broken.version,
            "stage": broken.stage,
            "reason": broken.reason,
        }
        for broken in sorted(manager.broken_plugins, key=lambda b: b.name)
    ]


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned columns; the last one unpadded so lines carry no trailing blanks."""
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [headers, *rows]
    ]


def _cell(value: str | list[str] | None) -> str:
    if isinstance(value, list):
        return ", ".join(value) or "-"
    return value or "-"


def _list(manager: PluginManager, as_json: bool, out: TextIO) -> int:
    plugins, broken = _plugin_rows(manager), _broken_rows(manager)
    if as_json:
        print(json.dumps({"plugins": plugins, "broken": broken}, indent=2), file=out)
        return EXIT_OK
    if plugins:
        columns = ["name", "distribution", "version", "gateway_id", "gateway_name",
                   "currencies", "capabilities", "status"]  # fmt: skip
        headers = ["PLUGIN", "DISTRIBUTION", "VERSION", "GATEWAY", "NAME",
                   "CURRENCIES", "CAPABILITIES", "STATUS"]  # fmt: skip
        rows = [[_cell(plugin[c]) for c in columns] for plugin in plugins]
        print("\n".join(_table(headers, rows)), file=out)
    else:
        print("No plugins installed.", file=out)
    if broken:
        columns = ["name", "distribution", "version", "stage", "reason"]
        rows = [[_cell(plugin[c]) for c in columns] for plugin in broken]
        print("\nBroken plugins:", file=out)
        print("\n".join(_table([c.upper() for c in columns], rows)), file=out)
    return EXIT_OK


# -- pay ------------------------------------------------------------------------


def _validation_message(exc: ValidationError) -> str:
    """The first error as ``field: message`` (the input itself is never shown)."""
    error = exc.errors()[0]
    # Our validators raise ValueError with a clear sentence; pydantic prefixes
    # it with "Value error, ", so take the original text when there is one.
    cause = error.get("ctx", {}).get("error")
    message = str(cause) if isinstance(cause, Exception) else error["msg"]
    field = ".".join(str(part) for part in error["loc"])
    return f"{field}: {message}" if field else message


def _status(response: GatewayResponse) -> str:
    if response.action_required:
        return "action required"
    return "approved" if response.is_success else "declined"


def _summary(response: GatewayResponse) -> list[str]:
    lines = [
        f"status: {_status(response)}",
        f"kind: {response.kind.value}",
        f"amount: {response.amount} {response.currency}",
        f"transaction_id: {response.transaction_id or '-'}",
    ]
    if not response.is_success:
        lines += [
            f"error_code: {response.error_code.value if response.error_code else '-'}",
            f"error: {response.error or '-'}",
            f"psp_error_code: {response.psp_error_code or '-'}",
            f"retry_advice: {response.retry_advice.value if response.retry_advice else '-'}",
        ]
    return lines


def _pay(
    manager_factory: Callable[[], PluginManager],
    args: argparse.Namespace,
    redactor: Scrubber,
    out: TextIO,
) -> int:
    try:
        payment = PaymentData(
            gateway=args.gateway, amount=args.amount, currency=args.currency, token=args.token
        )
    except ValidationError as exc:
        return _input_error(_validation_message(exc), redactor)
    # Discover plugins only once the input is known to be good: it is the slow part.
    manager = manager_factory()
    operation = manager.authorize if args.authorize_only else manager.process_payment
    try:
        response = operation(payment)
    except _INPUT_ERRORS as exc:
        return _input_error(str(exc), redactor)
    if args.json:
        data = redactor.data(response.model_dump(mode="json"))
        print(json.dumps(data, indent=2), file=out)
    else:
        print(redactor.text("\n".join(_summary(response))), file=out)
    return EXIT_OK if response.is_success else EXIT_FAILED


def _input_error(message: str, redactor: Scrubber) -> int:
    # One line, argparse's format, so scripts can show it as is.
    text = " ".join(redactor.text(message).split())
    print(f"{PROG}: error: {text}", file=sys.stderr)
    return EXIT_USAGE


# -- Entry point ----------------------------------------------------------------


def main(
    argv: Sequence[str] | None = None,
    *,
    manager_factory: Callable[[], PluginManager] = PluginManager,
) -> int:
    """Run the command with ``argv`` (``sys.argv[1:]`` by default); return the exit status.

    ``manager_factory`` builds the :class:`PluginManager`; tests pass one that
    registers plugins in code instead of discovering installed ones.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    redactor = _redactor(_tokens_in(argv))
    try:
        args = _parser(redactor).parse_args(argv)
    except SystemExit as exc:  # usage errors, --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    with _logging_to_stderr(args.verbose, redactor):
        if args.command == "list":
            return _list(manager_factory(), args.json, sys.stdout)
        if args.command == "check":
            return run_check(args)
        return _pay(manager_factory, args, redactor, sys.stdout)


if __name__ == "__main__":
    raise SystemExit(main())
