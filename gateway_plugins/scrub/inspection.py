"""The fast check: one walk over a reply says whether a scrub could change it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from .cards import LONG, MAX_NUMBER_BITS, SHORT, finds_pan, may_hold_pan
from .keys import KEY_ROLES, REFERENCE, key_role

#: Deeper than this, a value is not a PSP reply: :func:`inspect` calls it
#: suspicious and :meth:`~gateway_plugins.scrub.Scrubber.data` cuts it there.
MAX_DEPTH = 32


class Inspection(NamedTuple):
    """What one walk over a JSON-like value found; see :func:`inspect`."""

    suspicious: bool
    """Something in it may need hiding whatever the secrets: a sensitive key, a card
    number, a value of a type the walk does not read."""
    text: str
    """Every string in the value, joined, to search for known secrets (``""`` when
    ``suspicious``: the full scrub runs then anyway)."""


#: Nothing to hide, nothing to search.
CLEAN = Inspection(False, "")
_SUSPICIOUS = Inspection(True, "")
_new_inspection = tuple.__new__
#: More containers than this, and a value is not a PSP reply.
_MAX_CONTAINERS = 10_000


def inspect(value: Any) -> Inspection:
    """Walk ``value`` once, at C speed where possible, and say whether it needs a scrub.

    Not suspicious, with none of a scrubber's secrets in its ``text``, guarantees that
    :meth:`~gateway_plugins.scrub.Scrubber.data` hides nothing in ``value``. Never raises.
    """
    if value is None:
        return CLEAN
    strings: list[str] = []
    references: list[str] = []
    try:
        if not _gather(value, strings, references, 0, [_MAX_CONTAINERS]):
            return _SUSPICIOUS
        text = "\x00".join(strings)
        if may_hold_pan(text) and finds_pan(text):
            return _SUSPICIOUS
        if references:
            for reference in references:
                if len(reference) >= 13 and finds_pan(reference, cards_only=True):
                    return _SUSPICIOUS
            text = "\x00".join([text, *references])
    except Exception:  # a mapping whose items() raises, and other oddities
        return _SUSPICIOUS
    return _new_inspection(Inspection, (False, text))  # Inspection(False, text), faster


def _gather(
    value: Any, strings: list[str], references: list[str], depth: int, budget: list[int]
) -> bool:
    """Collect the strings of JSON-like ``value``; False if anything needs the full scrub."""
    kind = type(value)
    if kind is str:
        strings.append(value)
        return True
    if kind is not dict and kind is not list and kind is not tuple:
        return _clean_scalar(value, strings)
    budget[0] -= 1
    if depth >= MAX_DEPTH or budget[0] < 0:
        return False
    depth += 1
    append = strings.append
    if kind is not dict:
        for item in value:
            kind = type(item)
            if kind is str:
                append(item)
            elif (kind is int and -SHORT < item < SHORT) or item is None or kind is bool:
                continue
            elif not _gather(item, strings, references, depth, budget):
                return False
        return True
    roles = KEY_ROLES
    for key, item in value.items():
        role = roles.get(key)
        if role is None:
            role = key_role(key)
        if role:
            if role != REFERENCE:
                return False  # a sensitive key, or one that is not a string
            append(key)
            kind = type(item)
            if kind is str:
                references.append(item)
                continue
            if kind is int:
                if not _clean_int(item, cards_only=True):
                    return False
                continue
        else:
            append(key)
            kind = type(item)
        if kind is str:
            append(item)
        elif kind is int:
            if not -SHORT < item < SHORT and not _clean_int(item, cards_only=False):
                return False
        elif item is not None and kind is not bool:
            if not _gather(item, strings, references, depth, budget):
                return False
    return True


def _clean_scalar(value: Any, strings: list[str]) -> bool:
    kind = type(value)
    if kind is int:
        return _clean_int(value, cards_only=False)
    if value is None or kind is bool:
        return True
    if kind is float:
        strings.append(repr(value))  # read as it prints, like the full scrub does
        return True
    if kind is Decimal:
        _, digits, exponent = value.as_tuple()
        return isinstance(exponent, int) and len(digits) + abs(exponent) < 13
    return False


def _clean_int(value: int, cards_only: bool) -> bool:
    if -SHORT < value < SHORT:
        return True
    if value.bit_length() > MAX_NUMBER_BITS:
        return False  # too long to print: the full scrub replaces it
    return abs(value) >= LONG or not finds_pan(str(abs(value)), cards_only)
