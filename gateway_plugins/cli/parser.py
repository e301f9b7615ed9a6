"""The command's arguments: global options and one subparser per command."""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from .. import __version__
from ..conformance.cli import add_check_parser
from .console import PROG, Console
from .gateways import CONFIG_VARIABLE

#: The commands acting on an earlier transaction, named by its PSP reference.
REFERENCE_COMMANDS = {
    "capture": "capture authorized money",
    "refund": "refund captured money",
    "void": "release an authorization",
    "confirm": "complete a payment after 3-D Secure or a redirect",
}


class ArgumentParser(argparse.ArgumentParser):
    """argparse, with card numbers and the token masked in usage errors.

    ``unrecognized arguments: --tokn 4111…`` would otherwise echo a card number.
    """

    def __init__(self, *args: Any, console: Console, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._console = console

    def error(self, message: str) -> NoReturn:
        super().error(self._console.text(message))


def build_parser(console: Console) -> ArgumentParser:
    """The ``gateway-plugins`` parser; its errors are scrubbed through ``console``."""
    parser = ArgumentParser(
        prog=PROG, description="Inspect gateway plugins and run payments.", console=console
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at INFO level to stderr")
    config_help = f"gateway configuration file (TOML); default: ${CONFIG_VARIABLE}"
    parser.add_argument("--config", metavar="FILE", help=config_help)
    # The same options after the command name; SUPPRESS keeps the global value when absent.
    common = ArgumentParser(add_help=False, console=console)
    common.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help=config_help)
    common.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # Subparsers are built by add_parser(**kwargs), so each gets the console too.
    listing = commands.add_parser(
        "list", help="list installed plugins and broken ones", console=console, parents=[common]
    )
    listing.add_argument("--json", action="store_true", help="print everything as one JSON object")

    pay = commands.add_parser(
        "pay", help="run one payment through a gateway", console=console, parents=[common]
    )
    _money_options(pay)
    pay.add_argument("--token", required=True, help="payment token (never printed)")
    pay.add_argument("--authorize-only", action="store_true", help="authorize without capturing")
    _output_options(pay)

    for name, help_text in REFERENCE_COMMANDS.items():
        command = commands.add_parser(name, help=help_text, console=console, parents=[common])
        _money_options(command)
        command.add_argument(
            "--reference", required=True, metavar="REF", help="the PSP reference to act on"
        )
        if name == "confirm":
            data = command.add_mutually_exclusive_group()
            data.add_argument(
                "--data",
                action="append",
                default=[],
                metavar="KEY=VALUE",
                help="what the shopper's browser brought back (repeatable)",
            )
            data.add_argument("--data-json", metavar="JSON", help="the same, as one JSON object")
        _output_options(command)

    add_check_parser(commands, console=console)
    return parser


def _money_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gateway", required=True, metavar="ID", help="gateway id, e.g. dummy")
    parser.add_argument("--amount", required=True, help="decimal amount, e.g. 10.50")
    parser.add_argument("--currency", required=True, help="ISO 4217 code, e.g. USD")


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--idempotency-key",
        metavar="KEY",
        help="retry an earlier call with the key it printed (default: a new key)",
    )
    parser.add_argument("--json", action="store_true", help="print the response as JSON")


__all__ = ["REFERENCE_COMMANDS", "ArgumentParser", "build_parser"]
