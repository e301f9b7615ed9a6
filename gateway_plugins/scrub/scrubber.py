"""The full scrub: a copy of a value with card data and known secrets hidden."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from .cards import REDACTED, SHORT, finds_pan, hide_pans, number_text
from .inspection import MAX_DEPTH, Inspection, inspect
from .keys import KEY_ROLES, REFERENCE, SENSITIVE, key_role

UNREADABLE = "[UNREADABLE]"


class Scrubber:
    """Removes card numbers, sensitive keys and known secret values.

    ``secrets`` are exact strings to hide wherever they appear (shorter than four
    characters they are ignored: hiding every "123" would shred the text). With
    ``card_numbers=False`` only the secrets and sensitive keys are hidden, for
    output where a numeric PSP reference must stay readable.
    """

    def __init__(self, secrets: Iterable[str] = (), *, card_numbers: bool = True) -> None:
        if isinstance(secrets, str):
            raise TypeError("secrets must be a collection of strings, not one string")
        # Longest first, so a secret that contains another is replaced whole.
        unique = {s for s in secrets if isinstance(s, str) and len(s) >= 4}
        self._secrets = tuple(sorted(unique, key=len, reverse=True))
        self._card_numbers = card_numbers

    def text(self, text: object) -> str:
        """``text`` with card numbers and known secrets replaced by ``[REDACTED]``.

        Not a string, it is shown first: bytes as UTF-8, anything else by ``str()``;
        what cannot be shown comes back as ``[UNREADABLE]``. Never raises.
        """
        try:
            if not isinstance(text, str):
                text = bytes(text).decode() if isinstance(text, bytes | bytearray) else str(text)
            return self._text(text, cards_only=False)
        except Exception:
            return UNREADABLE

    def _text(self, text: str, cards_only: bool) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return hide_pans(text, cards_only) if self._card_numbers else text

    def data(self, value: Any) -> Any:
        """A scrubbed deep copy of JSON-like ``value``. Never raises.

        Mappings become dicts; lists, tuples and sets keep their kind. Strings are
        scrubbed as by :meth:`text`, numbers and bytes hidden whole when they print
        a card number, other objects kept unless their ``repr`` or ``str`` shows
        something to hide. What cannot be read becomes ``[UNREADABLE]``.
        """
        return _Copy(self).value(value, 0, False)

    def might_leak(self, value: Any) -> bool:
        """A fast check: ``False`` guarantees :meth:`data` would hide nothing in ``value``.

        ``True`` means "look closer" (:meth:`leaks`).
        """
        return self.needs_scrubbing(inspect(value))

    def needs_scrubbing(self, inspection: Inspection) -> bool:
        """``False`` guarantees that :meth:`data` hides nothing in the inspected value.

        One substring search per secret.
        """
        if inspection.suspicious:
            return True
        text = inspection.text
        for secret in self._secrets:
            if secret in text:
                return True
        return False

    def leaks(self, value: Any) -> bool:
        """True when :meth:`data` would hide something in ``value``: it holds something toxic."""
        if not self.might_leak(value):
            return False
        copy = _Copy(self)
        copy.value(value, 0, False)
        return copy.changed


class _Copy:
    """One walk of :meth:`Scrubber.data`: the copy, and whether it hid anything."""

    def __init__(self, scrubber: Scrubber) -> None:
        self.changed = False
        self._text = scrubber._text
        self._card_numbers = scrubber._card_numbers
        self._open: set[int] = set()  # containers on the path: met again, a cycle
        self._copies: dict[int, tuple[Any, Any]] = {}  # shared parts are copied once

    def value(self, value: Any, depth: int, reference: bool) -> Any:
        kind = type(value)
        if kind is str:
            scrubbed = self._text(value, reference)
            if scrubbed != value:
                self.changed = True
            return scrubbed
        if value is None or kind is bool or (kind is int and -SHORT < value < SHORT):
            return value
        try:
            return self._other(value, depth, reference)
        except Exception:  # items() raises, repr() raises, bytes not UTF-8 …
            self.changed = True
            return UNREADABLE

    def _other(self, value: Any, depth: int, reference: bool) -> Any:
        if type(value) is dict or isinstance(value, Mapping | list | tuple | set | frozenset):
            return self._container(value, depth)
        if isinstance(value, str):  # a str subclass (an enum member …): its plain text
            return self.value(str.__str__(value), depth, reference)
        if isinstance(value, int | float | Decimal):
            shown = number_text(value)
            if shown is None:
                return self._hidden(UNREADABLE)
            hide = self._card_numbers and finds_pan(shown, reference)
            return self._hidden(REDACTED) if hide else value
        if isinstance(value, bytes | bytearray):
            text = bytes(value).decode()
            scrubbed = self._text(text, False)
            return value if scrubbed == text else self._hidden(type(value)(scrubbed.encode()))
        # Any other object: kept, unless it shows something when printed.
        shown, plain = repr(value), str(value)
        scrubbed = self._text(shown, False)
        if scrubbed == shown and self._text(plain, False) == plain:
            return value
        return self._hidden(scrubbed)

    def _hidden(self, scrubbed: Any) -> Any:
        self.changed = True
        return scrubbed

    def _container(self, value: Any, depth: int) -> Any:
        key = id(value)
        if key in self._copies:
            return self._copies[key][1]
        if key in self._open or depth >= MAX_DEPTH:
            return self._hidden(UNREADABLE)
        self._open.add(key)
        try:
            copy = self._copy(value, depth + 1)
        finally:
            self._open.discard(key)
        self._copies[key] = (value, copy)  # holding value keeps its id unique meanwhile
        return copy

    def _copy(self, value: Any, depth: int) -> Any:
        if type(value) is dict or isinstance(value, Mapping):
            copy: dict[Any, Any] = {}
            for key, item in value.items():
                role = KEY_ROLES.get(key) if type(key) is str else None
                if role is None:
                    role = key_role(key)
                scrubbed_key = self.value(key, depth, False)
                if role == SENSITIVE:
                    if not (type(item) is str and item == REDACTED):
                        self.changed = True
                    copy[scrubbed_key] = REDACTED
                else:
                    copy[scrubbed_key] = self.value(item, depth, role == REFERENCE)
            return copy
        items = [self.value(item, depth, False) for item in value]
        if isinstance(value, tuple):
            return tuple(items)
        if isinstance(value, frozenset):
            return frozenset(items)
        return set(items) if isinstance(value, set) else items


#: A scrubber that knows no secrets: PANs and sensitive keys only.
DEFAULT_SCRUBBER = Scrubber()


def scrub(value: Any, secrets: Iterable[str] = ()) -> Any:
    """Scrub a string or JSON-like value; see :class:`Scrubber`."""
    return Scrubber(secrets).data(value) if secrets else DEFAULT_SCRUBBER.data(value)
