"""Keep card data and secrets out of logs, exception texts and ``raw_response``.

Card data is toxic: a card number (PAN), a CVV or an API key must never be
written anywhere a human or a log shipper can read it. This module finds them
three ways (the idea of ActiveMerchant's ``scrub()``, done once for everyone):

* any 12–19 digits that pass the Luhn check, written in one run or in groups
  split by spaces or dashes (``4242 4242 4242 4242``), even when more digits
  stand next to them (``4242424242424242 12/26``): the whole run is hidden;
* any value under a key that names card data or a secret (``cvc``, ``number``,
  ``api_key``, ``authorization`` …);
* any exact value the caller knows is secret (the configured API key, the
  token of the payment at hand).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

REDACTED = "[REDACTED]"

#: A run of digit groups joined by single spaces or dashes, standing on its own:
#: digits inside a longer identifier (``pi_3Mtw…``, hex ids) are not card numbers.
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z])\d+(?:[ -]\d+)*(?![0-9A-Za-z])")
_SEPARATOR = re.compile(r"[ -]")

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


#: Maps digits, space and dash to "1", every other byte to "0": twelve "1"s in a
#: row is a superset of any card number the scrubber would find.
_RUN_BYTES = bytes(49 if chr(byte) in "0123456789 -" else 48 for byte in range(256))
_TWELVE = b"1" * 12
#: Verdicts of :func:`is_sensitive_key` by key: a PSP's replies reuse few keys.
_KEY_VERDICTS: dict[str, bool] = {}


#: Keys whose values are PSP transaction references, never card numbers: Adyen's
#: 16-digit ``pspReference`` passes the Luhn check one time in ten.
REFERENCE_KEYS = frozenset(
    {"psp_reference", "pspreference", "original_reference", "originalreference",
     "transaction_id", "trans_id", "transid", "ref_trans_id", "reftransid",
     "paymentpspreference"}
)  # fmt: skip


def is_reference_key(key: object) -> bool:
    """True when a mapping key names a PSP transaction reference."""
    return isinstance(key, str) and key.lower().replace("-", "_") in REFERENCE_KEYS


def luhn_valid(digits: str) -> bool:
    """True when ``digits`` (only 0-9) passes the Luhn check used by card numbers."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _run_holds_pan(run: str) -> bool:
    # An unseparated run is one number (an order id of 20 digits is not a card);
    # in a grouped run, any stretch of whole groups may be the card.
    if len(run) < 12:
        return False
    groups = _SEPARATOR.split(run)
    if len(groups) == 1:
        return len(run) <= 19 and luhn_valid(run)
    for start in range(len(groups)):
        digits = ""
        for group in groups[start:]:
            digits += group
            if len(digits) > 19:
                break
            if len(digits) >= 12 and luhn_valid(digits):
                return True
    return False


def looks_like_pan(text: str) -> bool:
    """True when ``text`` holds something that could be a card number."""
    return any(_run_holds_pan(match.group()) for match in _DIGIT_RUN.finditer(text))


def is_sensitive_key(key: object) -> bool:
    """True when a mapping key names card data or a secret.

    Form keys in bracket notation are judged by their last part:
    ``payment_method_data[card][cvc]`` is as sensitive as ``cvc``.
    """
    if not isinstance(key, str):
        return False
    if key.endswith("]"):
        key = key[key.rfind("[") + 1 : -1]
    return key.lower().replace("-", "_") in SENSITIVE_KEYS


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
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)
        self._card_numbers = card_numbers

    def text(self, text: str) -> str:
        """``text`` with PANs and known secrets replaced by ``[REDACTED]``."""
        text = self._secrets_out(text)
        return _DIGIT_RUN.sub(_mask_pan, text) if self._card_numbers else text

    def data(self, value: Any) -> Any:
        """A scrubbed deep copy of JSON-like data (dicts, lists, strings, numbers)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {
                (self.text(key) if isinstance(key, str) else key): (
                    REDACTED
                    if is_sensitive_key(key)
                    else self._secrets_out(item)
                    if is_reference_key(key) and isinstance(item, str)
                    else self.data(item)
                )
                for key, item in value.items()
            }
        if isinstance(value, list | tuple):
            return [self.data(item) for item in value]
        if isinstance(value, int) and not isinstance(value, bool) and value > 10**11:
            return self.text(str(value)) if looks_like_pan(str(value)) else value
        return value

    def _secrets_out(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def might_leak(self, value: Any) -> bool:
        """A fast check: ``False`` guarantees :meth:`data` would hide nothing in ``value``.

        ``True`` means "look closer" (:meth:`leaks`).
        """
        return self.needs_scrubbing(inspect(value))

    def needs_scrubbing(self, inspection: Inspection) -> bool:
        """``False`` guarantees that :meth:`data` hides nothing in the inspected value."""
        if inspection.suspicious:
            return True
        text = inspection.text
        return any(secret in text for secret in self._secrets)

    def leaks(self, value: Any) -> bool:
        """True when :meth:`data` would change ``value``: it holds something toxic."""
        return self.might_leak(value) and bool(self.data(value) != _plain(value))


@dataclass(frozen=True)
class Inspection:
    """What one walk over a JSON-like value found; see :func:`inspect`."""

    suspicious: bool
    """Something in it may need hiding whatever the secrets: a sensitive key, a digit
    run that could be a card number, a value of a type the walk does not read."""
    text: str
    """Every string in the value, joined, to search for known secrets (``""`` when
    ``suspicious``: the full scrub runs then anyway)."""


#: Nothing to hide, nothing to search.
CLEAN = Inspection(False, "")
_SUSPICIOUS = Inspection(True, "")
#: Deeper than this, a value is not a PSP reply: the full scrub decides.
MAX_DEPTH = 32


def inspect(value: Any) -> Inspection:
    """Walk ``value`` once, at C speed where possible, and say whether it needs a scrub.

    Values under reference keys (``pspReference`` …) are left to the reference rule:
    they are searched for secrets but not for card numbers. Never raises.
    """
    if value is None:
        return CLEAN
    strings: list[str] = []
    references: list[str] = []
    try:
        readable = _collect_strings(value, strings, references, 0)
    except Exception:  # a mapping whose items() raises, and other oddities
        return _SUSPICIOUS
    if not readable:
        return _SUSPICIOUS
    text = "\x00".join(strings)
    if not text.isascii():
        return _SUSPICIOUS  # non-ASCII digits: leave it to the full scrub
    if _TWELVE in text.encode().translate(_RUN_BYTES):
        return _SUSPICIOUS
    if references:
        text = "\x00".join([text, *references])
    return Inspection(False, text)


def _collect_strings(value: Any, strings: list[str], references: list[str], depth: int) -> bool:
    """Gather the strings in JSON-like ``value``; False if anything needs a closer look."""
    kind = type(value)
    if kind is str:
        strings.append(value)
        return True
    if depth > MAX_DEPTH:
        return False
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                return False
            verdict = _KEY_VERDICTS.get(key)
            if verdict is None:
                verdict = is_sensitive_key(key)
                if len(_KEY_VERDICTS) < 10_000:
                    _KEY_VERDICTS[key] = verdict
            if verdict:
                return False
            strings.append(key)
            if type(item) is str and is_reference_key(key):
                references.append(item)
            elif not _collect_strings(item, strings, references, depth + 1):
                return False
        return True
    if kind is list or kind is tuple:
        return all(_collect_strings(item, strings, references, depth + 1) for item in value)
    if kind is int:
        return bool(-(10**11) < value < 10**11)  # under 12 digits: no card number
    return value is None or kind is bool or kind is float


def _plain(value: Any) -> Any:
    # The shape ``Scrubber.data`` returns, so that equality means "nothing hidden".
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _mask_pan(match: re.Match[str]) -> str:
    run = match.group()
    return REDACTED if _run_holds_pan(run) else run


#: A scrubber that knows no secrets: PANs and sensitive keys only.
DEFAULT_SCRUBBER = Scrubber()


def scrub(value: Any, secrets: Iterable[str] = ()) -> Any:
    """Scrub a string or JSON-like value; see :class:`Scrubber`."""
    return Scrubber(secrets).data(value) if secrets else DEFAULT_SCRUBBER.data(value)
