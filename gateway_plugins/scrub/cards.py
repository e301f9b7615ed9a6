"""The card-number rule (see the package docstring): finding, hiding, reading numbers."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

REDACTED = "[REDACTED]"

_SEPARATOR = r"(?:[\s\-./+]|%20)"
_DIGIT = r"(?:\d|\\u[0-9A-Fa-f]{4})"
#: Digit groups joined by separators: the stretch of text hidden when it holds a card.
_RUN = re.compile(rf"{_DIGIT}+(?:{_SEPARATOR}{{1,4}}{_DIGIT}+)*")
_SEPARATORS = re.compile(rf"{_SEPARATOR}+")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})")
#: First digits of the card issuer ranges (ISO/IEC 7812 major industries 2 to 6).
_CARD_IIN = frozenset("23456")

#: Digits map to "1", separators are deleted, all else maps to "0": an ASCII text
#: holds a card number only if thirteen "1"s follow each other in its translation.
_DIGIT_BYTES = bytes(49 if 48 <= byte <= 57 else 48 for byte in range(256))
_SEPARATOR_BYTES = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f-./+%"
_THIRTEEN = b"1" * 13
#: Ints this short cannot hold a card number; this long, they print as one run
#: of 20 or more digits, which is not one either.
SHORT, LONG = 10**12, 10**19
#: About 600 digits: longer numbers are not read (Python refuses to print ints
#: over its limit, 4,300 digits by default and never under 640).
MAX_NUMBER_BITS, _MAX_NUMBER_DIGITS = 2000, 600


def may_hold_pan(text: str) -> bool:
    """A quick test: ``False`` guarantees ``text`` holds no card number."""
    # Non-ASCII digits and JSON escapes (rare in replies) are left to the full search.
    # bytes.find, not ``in``: ``in`` first tries the needle as an int, and is slower.
    return (
        not text.isascii()
        or "\\" in text
        or text.encode().translate(_DIGIT_BYTES, _SEPARATOR_BYTES).find(_THIRTEEN) >= 0
    )


def _ascii(digits: str) -> str:
    if digits.isascii():
        return digits
    return "".join(str(unicodedata.decimal(char)) for char in digits)


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _is_pan(digits: str, cards_only: bool) -> bool:
    if not 13 <= len(digits) <= 19:
        return False
    if not digits.isascii():
        digits = _ascii(digits)
    return (not cards_only or digits[0] in _CARD_IIN) and _luhn(digits)


def _unescape(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    if char.isdecimal() or char.isspace() or char in "-./+":
        return char
    return "\x00"  # an escaped letter ends the number


def _holds_pan(run: str, cards_only: bool) -> bool:
    """True when a run of digit groups holds a card number (see the package docstring)."""
    if len(run) < 13:
        return False
    if run.isdecimal():  # one number, unseparated: the common case
        return _is_pan(run, cards_only)
    if "\\u" in run:
        run = _ESCAPE.sub(_unescape, run)
    for segment in run.split("\x00"):
        groups = [_ascii(group) for group in _SEPARATORS.split(segment) if group]
        if len(groups) == 1:
            if _is_pan(groups[0], cards_only):
                return True
            continue
        for start, first in enumerate(groups):
            if cards_only and first[0] not in _CARD_IIN:
                continue
            digits = ""
            for index in range(start, len(groups)):
                digits += groups[index]
                if len(digits) > 19:
                    break
                if len(digits) >= 13 and _luhn(digits):
                    return True
    return False


def finds_pan(text: str, cards_only: bool = False) -> bool:
    """True when ``text`` holds a card number; with ``cards_only``, one whose first
    digit is 2 to 6 (the rule for values under reference keys)."""
    if text.isdigit() and text.isascii():
        return _is_pan(text, cards_only)
    return may_hold_pan(text) and any(
        _holds_pan(match.group(), cards_only) for match in _RUN.finditer(text)
    )


def _mask_pan(match: re.Match[str]) -> str:
    return REDACTED if _holds_pan(match.group(), False) else match.group()


def _mask_card(match: re.Match[str]) -> str:
    return REDACTED if _holds_pan(match.group(), True) else match.group()


def hide_pans(text: str, cards_only: bool) -> str:
    """``text`` with each run of digits that holds a card number replaced by ``[REDACTED]``."""
    if len(text) < 13 or not may_hold_pan(text):
        return text
    return _RUN.sub(_mask_card if cards_only else _mask_pan, text)


def number_text(value: int | float | Decimal) -> str | None:
    """How a number prints, digit by digit; ``None`` when it is too long to read."""
    if isinstance(value, int):
        return str(value) if value.bit_length() <= MAX_NUMBER_BITS else None
    if isinstance(value, float):
        return repr(value)
    _, digits, exponent = value.as_tuple()
    if isinstance(exponent, int) and len(digits) + abs(exponent) > _MAX_NUMBER_DIGITS:
        return None
    return format(value, "f")


def luhn_valid(digits: object) -> bool:
    """True when ``digits`` (decimal digits only, any script) passes the Luhn check."""
    return isinstance(digits, str) and digits.isdecimal() and _luhn(_ascii(digits))


def looks_like_pan(text: object) -> bool:
    """True when the string ``text`` holds something that could be a card number."""
    return isinstance(text, str) and finds_pan(text)
