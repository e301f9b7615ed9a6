"""The rules of the data types' text fields, and the bound on their free-form dicts.

Each rule is a pydantic ``BeforeValidator`` that raises ``ValueError`` naming
the rule, never the value: a card number pasted into the wrong field must not
reach an error text. pydantic adds the field's name. Nothing is cut or
rewritten silently; the only changes are stripping surrounding spaces where
the docs of :mod:`gateway_plugins.interface` say so, and upper-casing a
country code.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated

from iso3166 import countries_by_alpha2
from pydantic import BeforeValidator, Secret, SecretBytes, SecretStr

#: Ids and references sent to PSPs (order id, customer id, PSP reference …).
MAX_ID_LENGTH = 255
#: A payment token: room for a base64 wallet payload (Apple Pay, Google Pay).
MAX_TOKEN_LENGTH = 16_384
#: RFC 5321's limit on a forward path, less its angle brackets.
MAX_EMAIL_LENGTH = 254
#: How deep dicts and lists may nest in ``connection_params`` and ``data``.
MAX_NESTING = 20
#: How many values (containers, keys and leaves) they may hold, a shared dict or
#: list counted each time it appears: what ``repr`` and JSON would print.
MAX_VALUES = 100_000

#: C0 and C1 controls (newline, tab, NUL …) and the Unicode line separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: RFC 5322 ``dot-atom``, the local part every PSP takes (no quoted strings).
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL_PART = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")
_DNS_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_PHONE = re.compile(
    r"(?P<plus>\+)?(?P<number>[0-9 ().\-/]+?)(?: *(?:ext\.?|x|#) *[0-9]{1,6})?", re.IGNORECASE
)
#: ISO 3166-1 alpha-2, and XK (Kosovo): user-assigned in ISO, but Stripe, Adyen
#: and Authorize.Net take it, and refusing it would refuse Kosovo's shoppers.
COUNTRY_CODES = frozenset(countries_by_alpha2) | {"XK"}


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _line(value: object, max_length: int) -> str:
    text = _string(value)
    if len(text) > max_length:
        raise ValueError(f"must be at most {max_length} characters")
    if _CONTROL.search(text):
        raise ValueError("must be one line of text (no newline, tab or other control character)")
    return text


def _id(value: object) -> str:
    text = _line(value, MAX_ID_LENGTH)
    if not text.strip():
        raise ValueError("must not be empty or only whitespace")
    return text


def check_id(value: object) -> str | None:
    """An id or reference: 1–255 characters on one line, not only whitespace."""
    return None if value is None else _id(value)


def check_name(value: object) -> str:
    """A gateway name: an id with surrounding whitespace stripped."""
    return _id(value).strip()


def check_gateway(value: object) -> str:
    """A gateway id, as :func:`check_name`."""
    if isinstance(value, str) and not value.strip():
        raise ValueError("must be a non-empty gateway id")
    return check_name(value)


def check_payment_id(value: object) -> int | str | None:
    """An ``int`` from 0 to 2**63-1 or an id string; ``True`` is not 1."""
    if isinstance(value, bool):
        raise ValueError("must be an int or a string, not a bool")
    if isinstance(value, int):
        if not 0 <= value <= 2**63 - 1:
            raise ValueError("must be an int from 0 to 2**63-1 or a string")
        return value
    if value is not None and not isinstance(value, str):
        raise ValueError("must be an int or a string")
    return check_id(value)


def check_token(value: object) -> str | None:
    """A payment token: any text up to 16384 characters (it may be card data)."""
    if value is None:
        return None
    text = _string(value)
    if len(text) > MAX_TOKEN_LENGTH:
        raise ValueError(f"must be at most {MAX_TOKEN_LENGTH} characters")
    return text


def check_email(value: object) -> str | None:
    """An e-mail address (syntax only, no DNS lookup); ``""`` means none given.

    ``local@domain``: the local part a dot-atom of ASCII letters, digits and
    ``!#$%&'*+/=?^_`{|}~-``, at most 64 characters; the domain at least two DNS
    labels, internationalised names allowed (checked in their IDNA form), the
    last label not all digits; at most 254 characters in all. Quoted local
    parts and IP-literal domains are refused: PSPs refuse them too.
    """
    if value is None:
        return None
    text = _string(value).strip(" ")
    if not text:
        return text
    if len(text) > MAX_EMAIL_LENGTH:
        raise ValueError(f"must be an e-mail address of at most {MAX_EMAIL_LENGTH} characters")
    local, at, domain = text.rpartition("@")
    if not (at and len(local) <= 64 and _LOCAL_PART.fullmatch(local) and _is_domain(domain)):
        raise ValueError("must be an e-mail address such as 'shopper@example.com'")
    return text


def _is_domain(domain: str) -> bool:
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:  # an empty or over-long label, or a character IDNA refuses
        return False
    labels = ascii_domain.split(".")
    return (
        len(labels) >= 2
        and all(_DNS_LABEL.fullmatch(label) for label in labels)
        and not labels[-1].isdigit()
    )


def check_ip_address(value: object) -> str | None:
    """An IPv4 or IPv6 address in ASCII (``ipaddress`` syntax); ``""`` means none given."""
    if value is None:
        return None
    text = _string(value).strip(" ")
    if not text:
        return text
    try:
        if len(text) > 64 or not text.isascii():
            raise ValueError
        ipaddress.ip_address(text)
    except ValueError:
        raise ValueError(
            "must be an IPv4 or IPv6 address such as '192.0.2.1' or '2001:db8::1'"
        ) from None
    return text


def check_country(value: object) -> str:
    """An ISO 3166-1 alpha-2 code, upper-cased; ``""`` means unknown."""
    text = _string(value).strip(" ")
    code = text.upper() if text.isascii() else text
    if code and code not in COUNTRY_CODES:
        raise ValueError(
            "must be an ISO 3166-1 alpha-2 country code such as 'NL' (or '' when unknown)"
        )
    return code


def check_phone(value: object) -> str:
    """A plausible phone number, as written; ``""`` means none given.

    At most 30 characters: a ``+`` only at the start, then ASCII digits, spaces
    and ``( ) . - /``, then maybe an extension (``ext``, ``x`` or ``#`` and up
    to 6 digits). 4–15 digits after a ``+`` (E.164), 4–18 without one (room
    for an international prefix such as ``00`` or ``011``).
    """
    text = _line(value, 30).strip(" ")
    if not text:
        return text
    match = _PHONE.fullmatch(text)
    digits = sum(char.isdigit() for char in match["number"]) if match else 0
    most = 15 if match and match["plus"] else 18
    if not 4 <= digits <= most:
        raise ValueError(
            "must be a phone number such as '+31 20 123 4567': digits, spaces and ( ) . - /, "
            "a + only first, 4-15 digits after a + (4-18 without), maybe 'ext' and digits"
        )
    return text


def text_field(max_length: int) -> BeforeValidator:
    """A one-line text field of at most ``max_length`` characters (``""`` allowed)."""

    def check(value: object) -> str:
        return _line(value, max_length)

    return BeforeValidator(check)


def check_free_form(value: object) -> object:
    """``value`` itself, if it nests at most 20 deep, holds no cycle and not too much.

    Dicts, lists, tuples and sets count as levels; ``pydantic.Secret`` values
    are looked into. Each container is measured once, however often it is
    shared, so the check is linear in the number of distinct containers, and
    it bounds what hiding secrets, ``repr`` and JSON will walk
    (:data:`MAX_VALUES`): a list holding one list 1000 times, 20 deep, is
    refused rather than printed. Integers are at most 64 bits: Python cannot
    even print one of 4300 digits, and no PSP or JSON reader takes more.
    """
    measured: dict[int, tuple[int, int]] = {}  # id of a container → (height, values)
    path: set[int] = set()  # ids of the containers being measured (a cycle revisits one)
    too_deep = f"must not nest dicts and lists more than {MAX_NESTING} deep"

    def measure(item: object, depth: int) -> tuple[int, int]:
        if isinstance(item, Secret | SecretStr | SecretBytes):
            item = item.get_secret_value()
        if not isinstance(item, dict | list | tuple | set | frozenset):
            if isinstance(item, int) and item.bit_length() > 64:
                raise ValueError("must not hold an integer beyond 64 bits")
            return 0, 1
        key = id(item)
        if key in path:
            raise ValueError("must not contain itself (a dict or list inside itself)")
        if key not in measured:
            if depth >= MAX_NESTING:
                raise ValueError(too_deep)
            path.add(key)
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            sizes = [measure(child, depth + 1) for child in children]
            path.discard(key)
            measured[key] = (
                1 + max((height for height, _ in sizes), default=0),
                1 + sum(values for _, values in sizes),
            )
        height, values = measured[key]
        if depth + height > MAX_NESTING:
            raise ValueError(too_deep)
        return height, values

    if measure(value, 0)[1] > MAX_VALUES:
        raise ValueError(
            f"must hold at most {MAX_VALUES} values (a dict or list shared in several "
            "places counts each time)"
        )
    return value


#: An optional id or reference (order id, customer id, PSP reference).
Identifier = Annotated[str | None, BeforeValidator(check_id)]
#: A required name, stripped.
Name = Annotated[str, BeforeValidator(check_name)]
#: A required gateway id, stripped.
GatewayId = Annotated[str, BeforeValidator(check_gateway)]
PaymentId = Annotated[int | str | None, BeforeValidator(check_payment_id)]
Token = Annotated[str | None, BeforeValidator(check_token)]
Email = Annotated[str | None, BeforeValidator(check_email)]
IpAddress = Annotated[str | None, BeforeValidator(check_ip_address)]
CountryCode = Annotated[str, BeforeValidator(check_country)]
Phone = Annotated[str, BeforeValidator(check_phone)]
