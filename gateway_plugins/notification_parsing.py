"""Reading a notification body nobody has verified yet: bounded JSON, and PSP dates.

Anyone can POST to a webhook URL, and some PSPs (Adyen) sign fields inside the
body, so a plugin must parse before it can verify. :func:`load_json` parses
such a body without letting it raise anything but
:class:`~gateway_plugins.exceptions.NotificationRejected`: not UTF-8, not
JSON, ``NaN``, a number of absurd length, or nesting deeper than a PSP ever
writes (which would otherwise exhaust the recursion limit here or in the code
that walks the result). :func:`event_date` reads the date a PSP gives an event.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, NoReturn

from .exceptions import NotificationRejected

#: Deepest nesting of arrays and objects accepted; PSP events nest under ten levels.
MAX_DEPTH = 64
#: Longest number accepted, in characters; amounts and timestamps need under twenty.
MAX_NUMBER_LENGTH = 64


def load_json(gateway_id: str, body: bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """``body`` parsed as JSON, any number with a fraction or exponent as a ``Decimal``.

    A leading byte order mark is ignored. Raises :class:`NotificationRejected`
    naming the rule the body breaks; never another exception.
    """
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        _reject(gateway_id, "the body is not UTF-8 text")
    try:
        document = json.loads(
            text, parse_float=_decimal, parse_int=_integer, parse_constant=_constant
        )
    except RecursionError:
        _reject(gateway_id, f"the body's JSON nests more than {max_depth} levels deep")
    except _Refused as exc:
        _reject(gateway_id, f"the body is not acceptable JSON: {exc}")
    except ValueError:
        _reject(gateway_id, "the body is not JSON")
    # Fewer brackets than levels allowed cannot nest too deep: the walk is for the rest.
    brackets = text.count("{") + text.count("[")
    if brackets > max_depth and _deeper_than(document, max_depth):
        _reject(gateway_id, f"the body's JSON nests more than {max_depth} levels deep")
    return document


def event_date(value: object) -> datetime | None:
    """The timezone-aware date a PSP gives an event, or ``None`` if it gives none we can read.

    Takes Unix seconds (Stripe's ``created``) or ISO 8601 text with a zone
    (Adyen's ``2026-11-22T10:00:00+01:00``, Authorize.Net's
    ``2026-11-22T09:00:00.1234567Z``; digits past microseconds are dropped). A
    date without a zone is ``None``, not a guess: a wrong guess could refuse a
    genuine event as a replay.
    """
    try:
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return datetime.fromtimestamp(float(value), timezone.utc)
        if isinstance(value, str):
            return _iso_date(value)
    except (ValueError, OverflowError, OSError):
        pass
    return None


_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,12}))?"
    r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))"
)


def _iso_date(text: str) -> datetime | None:
    match = _ISO.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, utc, sign, zh, zm = match.groups()
    offset = timedelta(0) if utc else timedelta(hours=int(zh), minutes=int(zm))
    zone = timezone(-offset if sign == "-" else offset)
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    return datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=zone
    )


class _Refused(ValueError):
    """JSON that parses, but not as a PSP writes it; the message names the rule."""


def _decimal(text: str) -> Decimal:
    if len(text) > MAX_NUMBER_LENGTH:
        raise _Refused(f"a number longer than {MAX_NUMBER_LENGTH} characters")
    return Decimal(text)


def _integer(text: str) -> int:
    if len(text) > MAX_NUMBER_LENGTH:
        raise _Refused(f"a number longer than {MAX_NUMBER_LENGTH} characters")
    return int(text)


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON number")


def _deeper_than(document: Any, max_depth: int) -> bool:
    """Whether arrays and objects nest more than ``max_depth`` levels; walked without recursion."""
    pending = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > max_depth:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


def _reject(gateway_id: str, reason: str) -> NoReturn:
    raise NotificationRejected(gateway_id, reason) from None


__all__ = ["MAX_DEPTH", "MAX_NUMBER_LENGTH", "event_date", "load_json"]
