"""``gateway-plugins check NAME [--inputs MODULE:CALLABLE] [--timeout S] [--json] [--report FILE]``.

The kit on an installed plugin. The main ``gateway-plugins`` command adds
this subcommand with :func:`add_check_parser` and runs it with
:func:`run_check`. The plugin is loaded by its entry point name and checked
with the inputs it offers through ``conformance_inputs()`` or, with
``--inputs``, those a callable of the plugin author's returns (fields it leaves
at their default still come from the plugin). Without either, only the
structural checks can pass.

Only the matrix (or the JSON) is printed: what the checks log on the way (the
transcript of the scrubbing check, the warnings forged webhooks cause) is kept
back unless ``-v`` is given.

Exit status: 0 when no check failed (skipped and expected failures are fine),
1 when one did, 2 when NAME is not installed or the inputs are invalid.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import logging
import math
import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from .loading import find_entry_point

if TYPE_CHECKING:
    from ..interface import GatewayConfig
    from .inputs import ConformanceInputs

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

P = TypeVar("P", bound=argparse.ArgumentParser)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text!r}")
    return value


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
    parser.add_argument(
        "--inputs",
        metavar="MODULE:CALLABLE",
        help="the test inputs: CALLABLE in MODULE (importable from here) returns a "
        "ConformanceInputs; fields it leaves at their default come from the plugin's own "
        "conformance_inputs()",
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="how long each check may take before the kit gives up on it and names the "
        "hook that was running (default: the inputs' timeout, 30)",
    )
    parser.add_argument("--json", action="store_true", help="print the JSON report instead")
    parser.add_argument("--report", metavar="FILE", help="also write the JSON report to FILE")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,  # keeps what ``gateway-plugins -v check`` set
        help="also show what the checks log (HTTP transcripts, expected warnings)",
    )
    return parser


def load_inputs(spec: str) -> ConformanceInputs:
    """The inputs ``MODULE:CALLABLE`` gives: a callable returning them, or the inputs themselves.

    Raises ``ValueError`` saying what is wrong (never a traceback on the command line).
    """
    from .inputs import ConformanceInputs

    module_name, colon, attribute = spec.partition(":")
    if not colon or not module_name.strip() or not attribute.strip():
        raise ValueError(f"--inputs {spec!r}: expected MODULE:CALLABLE, e.g. acme_tests.kit:inputs")
    if os.getcwd() not in sys.path:  # a console script's path lacks the current directory
        sys.path.insert(0, os.getcwd())
    try:
        target: Any = importlib.import_module(module_name)
    except Exception as exc:
        raise ValueError(
            f"--inputs {spec!r}: cannot import {module_name!r}: {type(exc).__name__}: {exc}"
        ) from None
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise ValueError(f"--inputs {spec!r}: {module_name!r} has no {attribute!r}")
        target = getattr(target, part)
    if callable(target) and not isinstance(target, ConformanceInputs):
        try:
            target = target()
        except Exception as exc:
            raise ValueError(
                f"--inputs {spec!r}: {attribute}() raised {type(exc).__name__}: {exc}"
            ) from None
    if not isinstance(target, ConformanceInputs):
        raise ValueError(f"--inputs {spec!r} gave {type(target).__name__}, not a ConformanceInputs")
    return target


def _given_inputs(args: argparse.Namespace, config: GatewayConfig | None) -> ConformanceInputs:
    from .inputs import ConformanceInputs

    given = load_inputs(args.inputs) if args.inputs else ConformanceInputs(entry_point=args.name)
    changes: dict[str, Any] = {"plugin": None, "entry_point": args.name}
    if args.timeout is not None:
        changes["timeout"] = args.timeout
    if config is not None:  # from --config: it wins over the plugin's own test configuration
        changes["config"] = config
    return dataclasses.replace(given, **changes)


class _Kept(logging.Handler):
    """Keeps the records of a run instead of printing them."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def kept_back(verbose: bool) -> Iterator[list[logging.LogRecord]]:
    """While the kit runs, hold back log records and warnings (unless ``verbose``).

    The root logger's handlers are set aside and one that keeps the records
    takes their place (without any handler, Python would print warnings itself).
    """
    if verbose:
        yield []
        return
    root, kept = logging.getLogger(), _Kept()
    handlers = list(root.handlers)
    for handler in handlers:
        root.removeHandler(handler)
    root.addHandler(kept)
    try:
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            yield kept.records
    finally:
        root.removeHandler(kept)
        for handler in handlers:
            root.addHandler(handler)


def run_check(
    args: argparse.Namespace,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    config: GatewayConfig | None = None,
) -> int:
    """Run the ``check`` subcommand parsed into ``args``; return the exit status.

    ``config`` (from ``--config FILE``) is the configuration the checks use
    instead of the one the plugin's inputs give, e.g. a PSP's sandbox account.
    """
    from .report import to_json  # the kit loads only when the command runs
    from .runner import run_conformance

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        find_entry_point(args.name)
        with kept_back(getattr(args, "verbose", False)):
            report = run_conformance(_given_inputs(args, config))
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
