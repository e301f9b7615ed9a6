"""``gateway-plugins check NAME [--json] [--report FILE]``: the kit on an installed plugin.

The main ``gateway-plugins`` command adds this subcommand with
:func:`add_check_parser` and runs it with :func:`run_check`. The plugin is
loaded by its entry point name and checked with the inputs it offers through
``conformance_inputs()``; without them only the structural checks can pass.

Exit status: 0 when no check failed (skipped and expected failures are fine),
1 when one did, 2 when NAME is not installed or the plugin's inputs are invalid.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO, TypeVar

from .loading import find_entry_point

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

P = TypeVar("P", bound=argparse.ArgumentParser)


def add_check_parser(subparsers: argparse._SubParsersAction[P], **parser_kwargs: Any) -> P:
    """Add the ``check`` subcommand; ``parser_kwargs`` go to ``add_parser``."""
    parser = subparsers.add_parser(
        "check",
        help="run the conformance kit on an installed plugin",
        description="Run every conformance check on the plugin installed under the entry "
        "point NAME and print the matrix. Exit status 1 when a check fails.",
        **parser_kwargs,
    )
    parser.add_argument("name", metavar="NAME", help="entry point name, as 'list' shows it")
    parser.add_argument("--json", action="store_true", help="print the JSON report instead")
    parser.add_argument("--report", metavar="FILE", help="also write the JSON report to FILE")
    return parser


def run_check(
    args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the ``check`` subcommand parsed into ``args``; return the exit status."""
    from .inputs import ConformanceInputs  # the kit loads only when the command runs
    from .report import to_json
    from .runner import run_conformance

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        find_entry_point(args.name)
        report = run_conformance(ConformanceInputs(entry_point=args.name))
    except (LookupError, ValueError) as exc:
        print(f"gateway-plugins: error: {' '.join(str(exc).split())}", file=err)
        return EXIT_USAGE
    text = to_json([report])
    if args.report:
        try:
            Path(args.report).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            print(f"gateway-plugins: error: cannot write {args.report}: {exc}", file=err)
            return EXIT_USAGE
    print(text if args.json else report.matrix(), file=out)
    return EXIT_OK if report.ok else EXIT_FAILED
