"""Everything the command writes, with card numbers and secrets kept out of it.

The command line may carry card data anywhere: ``--token 4111…`` on purpose,
``--gateway=4111…`` by mistake. Every value on it that looks like a card number
(12–19 digits passing the Luhn check, even inside other text) and the token
are hidden in all output, logs and error messages, and so are the secrets of a
configuration file. Messages on stderr are also scrubbed of any card number.
On stdout, PSP references (``transaction_id``, ``psp_reference``) are scrubbed
by the library's rule for references, so that Adyen's 16-digit ones stay
readable (they pass the Luhn check one time in ten), unless they hold a hidden
value.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, TextIO

from ..scrub import Scrubber, luhn_valid

PROG = "gateway-plugins"

#: Digits in groups split by single spaces or dashes, wherever they stand.
_DIGIT_GROUPS = re.compile(r"\d+(?:[ -]\d+)*")

#: What the registry logs when a configuration is refused; the command reports
#: refusals of a configuration file's entries itself, once, naming the file.
_REFUSAL_LOG = "gateway %r is not configured: %s"


def card_numbers_in(values: Iterable[str]) -> set[str]:
    """Every card-number-like stretch of ``values``: as typed, and as bare digits."""
    found: set[str] = set()
    for value in values:
        for match in _DIGIT_GROUPS.finditer(value):
            typed = match.group()
            digits = typed.replace(" ", "").replace("-", "")
            hits = {
                digits[start : start + length]
                for start in range(len(digits) - 11)
                for length in range(12, min(19, len(digits) - start) + 1)
                if luhn_valid(digits[start : start + length])
            }
            if hits:
                found |= hits | {typed}
    return found


def tokens_in(argv: Sequence[str]) -> list[str]:
    """Every value given to ``--token`` (or an abbreviation of it)."""
    tokens = []
    for index, arg in enumerate(argv):
        option, equals, value = arg.partition("=")
        if len(option) >= 3 and "--token".startswith(option):
            if equals:
                tokens.append(value)
            elif index + 1 < len(argv):
                tokens.append(argv[index + 1])
    return tokens


def secrets_in(argv: Sequence[str]) -> set[str]:
    """What must never be printed from ``argv``: card numbers, and the token as typed
    and without spaces or dashes."""
    tokens = tokens_in(argv)
    variants = {v for t in tokens for v in (t, "".join(t.split()).replace("-", ""))}
    return card_numbers_in(argv) | variants


class Console:
    """stdout and stderr for one run of the command, scrubbed."""

    def __init__(self, out: TextIO, err: TextIO, secrets: Iterable[str] = ()) -> None:
        self.out = out
        self.err = err
        self._secrets: set[str] = set(secrets)
        self.scrubber = Scrubber(self._secrets)
        #: Gateways whose refused configuration the command reports itself.
        self.reported_refusals: set[str] = set()

    def hide(self, values: Iterable[str]) -> None:
        """Hide ``values`` too, from now on (a configuration's secrets)."""
        self._secrets |= set(values)
        self.scrubber = Scrubber(self._secrets)

    def text(self, text: str) -> str:
        """``text`` without card numbers or hidden values."""
        return self.scrubber.text(text)

    def print(self, text: str) -> None:
        """Write ``text``, already scrubbed by the caller, to stdout."""
        try:
            print(text, file=self.out, flush=True)
        except BrokenPipeError:
            # The reader left (gateway-plugins list | head): the rest goes nowhere, quietly,
            # and the exit status still says what happened to the payment.
            with suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), self.out.fileno())

    def print_json(self, data: Any) -> None:
        """Write ``data`` as JSON to stdout, scrubbed (references stay readable)."""
        self.print(json.dumps(self.scrubber.data(self._numbers_out(data)), indent=2))

    def _numbers_out(self, value: Any) -> Any:
        # The scrubber reads numbers for card numbers only: 411111111111111100 (a card
        # number given as an amount, in minor units) holds a hidden value too.
        if isinstance(value, dict):
            return {key: self._numbers_out(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._numbers_out(item) for item in value]
        if isinstance(value, int) and not isinstance(value, bool):
            digits = str(value)
            if any(secret in digits for secret in self._secrets):
                return self.scrubber.text(digits)  # a string now: "[REDACTED]00"
        return value

    def error(self, message: str) -> None:
        """One ``gateway-plugins: error: …`` line on stderr (argparse's format)."""
        self._say("error", message)

    def warning(self, message: str) -> None:
        """One ``gateway-plugins: warning: …`` line on stderr."""
        self._say("warning", message)

    def note(self, message: str) -> None:
        """One ``gateway-plugins: note: …`` line on stderr."""
        self._say("note", message)

    def _say(self, level: str, message: str) -> None:
        text = " ".join(self.text(message).split())
        print(f"{PROG}: {level}: {text}", file=self.err)

    @contextmanager
    def logging_to_stderr(self, verbose: bool) -> Iterator[None]:
        """Send log records to stderr, scrubbed, while the command runs; then restore logging.

        A handler of our own is added and removed (rather than ``basicConfig``)
        so that ``main`` can run many times in one process, e.g. in tests.
        """
        root = logging.getLogger()
        handler = logging.StreamHandler(self.err)
        handler.setFormatter(_ScrubbingFormatter(self))
        handler.addFilter(self._not_reported)
        previous_level = root.level
        root.addHandler(handler)
        root.setLevel(logging.INFO if verbose else logging.WARNING)
        try:
            yield
        finally:
            root.removeHandler(handler)
            root.setLevel(previous_level)

    def _not_reported(self, record: logging.LogRecord) -> bool:
        return not (
            record.msg == _REFUSAL_LOG
            and isinstance(record.args, tuple)
            and record.args[:1] in {(gateway,) for gateway in self.reported_refusals}
        )


class _ScrubbingFormatter(logging.Formatter):
    """Log records with card numbers and hidden values removed (plugins may log them)."""

    def __init__(self, console: Console) -> None:
        super().__init__("%(name)s: %(levelname)s: %(message)s")
        self._console = console

    def format(self, record: logging.LogRecord) -> str:
        return self._console.text(super().format(record))


__all__ = ["PROG", "Console", "card_numbers_in", "secrets_in", "tokens_in"]
