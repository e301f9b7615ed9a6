"""Keep card data and secrets out of logs, exception texts and ``raw_response``.

Card data is toxic: a card number (PAN), a CVV or an API key must never be
written anywhere a human or a log shipper can read it. This module finds them
three ways (the idea of ActiveMerchant's ``scrub()``, done once for everyone):

* **card numbers**: 13 to 19 decimal digits that pass the Luhn check. A digit is
  ASCII or any Unicode decimal digit (Arabic-Indic ``٤``, Devanagari, fullwidth …),
  or its JSON escape (``\\u0034``) in a raw JSON text. Between two digits may
  stand up to four common separators: whitespace (space, no-break space, tab,
  newline), ``-``, ``.``, ``/``, ``+`` or ``%20``. Letters may touch the number
  (``card4242…``). In a run of digit groups joined by separators, any stretch of
  whole groups may be the card (``4242 4242 4242 4242 12/26``) and then the whole
  run is hidden; a run without separators is one number (a 20-digit order id is
  not a card). Numbers in data (``int``, ``Decimal``, ``float``) are read as they
  print, bytes as UTF-8;
* **sensitive keys**: any value under a key that names card data or a secret
  (``cvc``, ``number``, ``api_key``, ``authorization`` …);
* **known secrets**: any exact string the caller knows is secret (the configured
  API key, the token of the payment at hand).

Values under reference keys (``pspReference``, ``transId`` …) stay readable,
although Adyen's older all-digit references pass the Luhn check one time in ten,
unless they look like a payment card: a card number as above whose first digit is
2 to 6, the issuer ranges of Mastercard, Visa, Amex, Discover, JCB and UnionPay.
Adyen's numeric references start with 8 or 9 and Authorize.Net's transIds have
10 to 12 digits, so neither is hidden; a card number typed into a reference is.

Nothing here raises. What cannot be read (a cycle, a value deeper than
:data:`MAX_DEPTH`, a mapping whose ``items()`` raises, an int too long to print,
bytes that are not UTF-8, an object whose ``str`` or ``repr`` raises) is replaced
by ``[UNREADABLE]``.

Speed: :func:`inspect` walks a reply once, when a ``GatewayResponse`` is
validated; :meth:`Scrubber.needs_scrubbing` then only searches the joined text for
the gateway's secrets, and the full :meth:`Scrubber.data` runs only when one of
them says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, NamedTuple

REDACTED = "[REDACTED]"
UNREADABLE = "[UNREADABLE]"
#: Deeper than this, a value is not a PSP reply: :func:`inspect` calls it
#: suspicious and :meth:`Scrubber.data` cuts it there.
MAX_DEPTH = 32

# -- Card numbers ----------------------------------------------------------------

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
_SHORT, _LONG = 10**12, 10**19
#: About 600 digits: longer numbers are not read (Python refuses to print ints
#: over its limit, 4,300 digits by default and never under 640).
_MAX_NUMBER_BITS, _MAX_NUMBER_DIGITS = 2000, 600


def _may_hold_pan(text: str) -> bool:
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
    """True when a run of digit groups holds a card number (see the module docstring)."""
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


def _finds_pan(text: str, cards_only: bool = False) -> bool:
    if text.isdigit() and text.isascii():
        return _is_pan(text, cards_only)
    return _may_hold_pan(text) and any(
        _holds_pan(match.group(), cards_only) for match in _RUN.finditer(text)
    )


def _mask_pan(match: re.Match[str]) -> str:
    return REDACTED if _holds_pan(match.group(), False) else match.group()


def _mask_card(match: re.Match[str]) -> str:
    return REDACTED if _holds_pan(match.group(), True) else match.group()


def _hide_pans(text: str, cards_only: bool) -> str:
    if len(text) < 13 or not _may_hold_pan(text):
        return text
    return _RUN.sub(_mask_card if cards_only else _mask_pan, text)


def _number_text(value: int | float | Decimal) -> str | None:
    """How a number prints, digit by digit; ``None`` when it is too long to read."""
    if isinstance(value, int):
        return str(value) if value.bit_length() <= _MAX_NUMBER_BITS else None
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
    return isinstance(text, str) and _finds_pan(text)


# -- Keys ------------------------------------------------------------------------

#: Keys whose values are always hidden, matched case-insensitively on the whole
#: key once ``-`` is read as ``_``. Kept narrow on purpose: ``token`` or ``key``
#: alone would also hide harmless PSP references.
SENSITIVE_KEYS = frozenset(
    {
        "number", "card_number", "cardnumber", "pan", "account_number",
        "cvc", "cvv", "cvv2", "cvc2", "cid", "security_code", "card_code", "cardcode",
        "encrypted_card_number", "encrypted_security_code",
        "encryptedcardnumber", "encryptedsecuritycode",  # Adyen's camelCase fields
        "encryptedexpirymonth", "encryptedexpiryyear",
        "datavalue",  # Authorize.Net's Accept.js token: a card for its 15 minutes
        "api_key", "apikey", "x_api_key", "secret", "secret_key", "secretkey",
        "client_secret", "password", "passwd", "transaction_key", "transactionkey",
        "private_key", "privatekey", "hmac_key", "hmackey", "signature_key",
        "signaturekey", "authorization", "proxy_authorization", "cookie",
    }
)  # fmt: skip

#: Keys whose values are PSP transaction references: readable unless they look
#: like a payment card (see the module docstring).
REFERENCE_KEYS = frozenset(
    {"psp_reference", "pspreference", "original_reference", "originalreference",
     "transaction_id", "trans_id", "transid", "ref_trans_id", "reftransid",
     "paymentpspreference"}
)  # fmt: skip

_PLAIN, _SENSITIVE, _REFERENCE, _UNREAD = 0, 1, 2, 3
#: Roles of string keys already seen: a PSP's replies reuse few keys.
_KEY_ROLES: dict[str, int] = {}


def _key_name(key: str) -> str:
    # Form keys in bracket notation are judged by their last part.
    if key.endswith("]"):
        key = key[key.rfind("[") + 1 : -1]
    return key.lower().replace("-", "_")


def is_sensitive_key(key: object) -> bool:
    """True when a mapping key names card data or a secret.

    Form keys in bracket notation are judged by their last part:
    ``payment_method_data[card][cvc]`` is as sensitive as ``cvc``.
    """
    return isinstance(key, str) and _key_name(key) in SENSITIVE_KEYS


def is_reference_key(key: object) -> bool:
    """True when a mapping key names a PSP transaction reference."""
    return isinstance(key, str) and _key_name(key) in REFERENCE_KEYS


def _key_role(key: object) -> int:
    if not isinstance(key, str):
        return _UNREAD
    name = _key_name(key)
    role = _SENSITIVE if name in SENSITIVE_KEYS else _REFERENCE * (name in REFERENCE_KEYS)
    if type(key) is str and len(_KEY_ROLES) < 10_000:
        _KEY_ROLES[key] = role
    return role


# -- The fast check --------------------------------------------------------------


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
    :meth:`Scrubber.data` hides nothing in ``value``. Never raises.
    """
    if value is None:
        return CLEAN
    strings: list[str] = []
    references: list[str] = []
    try:
        if not _gather(value, strings, references, 0, [_MAX_CONTAINERS]):
            return _SUSPICIOUS
        text = "\x00".join(strings)
        if _may_hold_pan(text) and _finds_pan(text):
            return _SUSPICIOUS
        if references:
            for reference in references:
                if len(reference) >= 13 and _finds_pan(reference, cards_only=True):
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
            elif (kind is int and -_SHORT < item < _SHORT) or item is None or kind is bool:
                continue
            elif not _gather(item, strings, references, depth, budget):
                return False
        return True
    roles = _KEY_ROLES
    for key, item in value.items():
        role = roles.get(key)
        if role is None:
            role = _key_role(key)
        if role:
            if role != _REFERENCE:
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
            if not -_SHORT < item < _SHORT and not _clean_int(item, cards_only=False):
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
    if -_SHORT < value < _SHORT:
        return True
    if value.bit_length() > _MAX_NUMBER_BITS:
        return False  # too long to print: the full scrub replaces it
    return abs(value) >= _LONG or not _finds_pan(str(abs(value)), cards_only)


# -- The scrub -------------------------------------------------------------------


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
        return _hide_pans(text, cards_only) if self._card_numbers else text

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
        if value is None or kind is bool or (kind is int and -_SHORT < value < _SHORT):
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
            shown = _number_text(value)
            if shown is None:
                return self._hidden(UNREADABLE)
            hide = self._card_numbers and _finds_pan(shown, reference)
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
                role = _KEY_ROLES.get(key) if type(key) is str else None
                if role is None:
                    role = _key_role(key)
                scrubbed_key = self.value(key, depth, False)
                if role == _SENSITIVE:
                    if not (type(item) is str and item == REDACTED):
                        self.changed = True
                    copy[scrubbed_key] = REDACTED
                else:
                    copy[scrubbed_key] = self.value(item, depth, role == _REFERENCE)
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
