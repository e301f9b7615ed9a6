"""``main``: parse the command line, read the configuration file, run the command."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from ..conformance.cli import run_check
from .console import Console, secrets_in
from .gateways import ManagerFactory, UnreadableConfig, load_manager, read_config
from .listing import run_list
from .output import EXIT_USAGE
from .parser import build_parser
from .payments import run_money

#: A bug in the command or in a plugin the manager did not contain.
EXIT_INTERNAL = 4
#: Interrupted (Ctrl-C) outside a money call.
EXIT_INTERRUPTED = 130

log = logging.getLogger("gateway_plugins.cli")


def main(
    argv: Sequence[str] | None = None,
    *,
    manager_factory: ManagerFactory = load_manager,
) -> int:
    """Run the command with ``argv`` (``sys.argv[1:]`` by default); return the exit status.

    ``manager_factory`` builds the :class:`~gateway_plugins.PluginManager`; tests
    pass one that registers plugins in code instead of loading installed ones.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    console = Console(sys.stdout, sys.stderr, secrets_in(argv))
    try:
        args = build_parser(console).parse_args(argv)
    except SystemExit as exc:  # usage errors, --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    with console.logging_to_stderr(args.verbose):
        try:
            return _run(args, console, manager_factory)
        except KeyboardInterrupt:
            return EXIT_INTERRUPTED
        except Exception as exc:
            # One scrubbed line rather than a traceback; -v shows the traceback, scrubbed.
            log.info("the traceback", exc_info=True)
            console.error(
                f"internal error: {type(exc).__name__}: {exc} (a bug: please report it; "
                "-v shows the traceback)"
            )
            return EXIT_INTERNAL


def _run(args: argparse.Namespace, console: Console, manager_factory: ManagerFactory) -> int:
    if args.command == "check":
        return run_check(args)  # the kit configures the plugin with its own test inputs
    try:
        file = read_config(args.config, console)
    except UnreadableConfig as exc:
        console.error(str(exc))
        return EXIT_USAGE
    if args.command == "list":
        return run_list(file, manager_factory, args.json, console)
    return run_money(args, file, manager_factory, console)


__all__ = ["EXIT_INTERNAL", "EXIT_INTERRUPTED", "main"]
