"""``main``: parse the command line, read the configuration file, run the command."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..conformance.cli import run_check
from .console import Console, secrets_in
from .gateways import ManagerFactory, UnreadableConfig, load_manager, read_config
from .listing import run_list
from .output import EXIT_USAGE
from .parser import build_parser
from .payments import run_money

if TYPE_CHECKING:
    from ..config_file import GatewaysFile
    from ..interface import GatewayConfig

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
    if args.command == "check" and args.config is None:
        # Not the file of $GATEWAY_PLUGINS_CONFIG: the kit takes real payments, so it
        # uses a configuration only when named on its command line.
        return run_check(args)  # the plugin's own test inputs
    try:
        file = read_config(args.config, console)
    except UnreadableConfig as exc:
        console.error(str(exc))
        return EXIT_USAGE
    if args.command == "check":
        return run_check(args, config=_check_config(file, args.name, console))
    if args.command == "list":
        return run_list(file, manager_factory, args.json, console)
    return run_money(args, file, manager_factory, console)


def _check_config(file: GatewaysFile | None, name: str, console: Console) -> GatewayConfig | None:
    """The configuration ``--config`` gives the plugin installed as ``name``, if any."""
    if file is None:
        return None
    for gateway_id, entry in file.gateways.items():
        if file.plugin_for(gateway_id) == name and entry.configuration is not None:
            return entry.configuration
    console.warning(f"{file.path}: no gateway configured for plugin {name!r}; the kit uses its own")
    return None


__all__ = ["EXIT_INTERNAL", "EXIT_INTERRUPTED", "main"]
