"""Cards as Adyen's test environment reads them, and the test triggers it honours.

* Encrypted fields: in test, Adyen accepts ``"test_<value>"`` in place of real
  encryption (``encryptedCardNumber: "test_4111111111111111"``, ``encryptedExpiryMonth:
  "test_03"``, ``encryptedExpiryYear: "test_2030"``, ``encryptedSecurityCode: "test_737"``).
  Anything else in an encrypted field is 422 ``174`` *Unable to decrypt data*.
  Raw ``number`` / ``expiryMonth`` / ``expiryYear`` / ``cvc`` are accepted too.
* Format checks (HTTP 422): a number that is not 12-19 digits or fails the Luhn
  check is ``101``; a number of no known brand is ``102``; a malformed expiry is
  ``129``; a CVC of the wrong length (3, Amex 4) is ``103``.
* ``holderName`` triggers (Adyen docs: testing result codes): ``APPROVED``, ``DECLINED``
  (2), ``REFERRAL`` (3), ``BLOCK_CARD`` (5), ``CARD_EXPIRED`` (6), ``INVALID_AMOUNT`` (7)
  → Refused; ``UNKNOWN`` (0) and ``ERROR`` (4) → Error. The fake adds ``PENDING`` and
  ``RECEIVED`` (Adyen gives these for asynchronous methods, never for cards), and
  ``PARTIAL``: half the amount is ``PartiallyAuthorised`` when the payment allows it
  (``additionalData.allowPartialAuth: "true"``), else Refused 12 (Not enough balance).
* ``additionalData.RequestedTestAcquirerResponseCode``: the refusal code to answer
  with; ``0`` and ``4`` give Error, ``22`` gives Cancelled, ``1`` authorises.
* 3-D Secure: ``4917610000000000`` and ``5454545454545454`` always ask for it (unless
  the payment says ``authenticationData.attemptAuthentication: "never"``); any card
  does with ``"always"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from .wire import ServiceError

#: Adyen's refusal reasons by code (Adyen docs: refusal reasons), as the fake answers them.
REFUSAL_REASONS: dict[str, str] = {
    "0": "Unknown",
    "2": "Refused",
    "3": "Referral",
    "4": "Acquirer Error",
    "5": "Blocked Card",
    "6": "Expired Card",
    "7": "Invalid Amount",
    "8": "Invalid Card Number",
    "9": "Issuer Unavailable",
    "10": "Not supported",
    "11": "3D Not Authenticated",
    "12": "Not enough balance",
    "14": "Acquirer Fraud",
    "15": "Cancelled",
    "16": "Shopper Cancelled",
    "20": "FRAUD",
    "21": "Not Submitted",
    "22": "FRAUD-CANCELLED",
    "23": "Transaction Not Permitted",
    "24": "CVC Declined",
    "25": "Restricted Card",
    "26": "Revocation Of Auth",
    "27": "Declined Non Generic",
    "28": "Withdrawal amount exceeded",
    "29": "Withdrawal count exceeded",
    "31": "Issuer Suspected Fraud",
    "32": "AVS Declined",
    "38": "Authentication required",
    "42": "3DS Authentication Error",
    "46": "Transaction blocked by Adyen to prevent excessive retry fees",
}

#: ``holderName`` values that decide the outcome: a refusal code, or a result code.
HOLDER_NAME_TRIGGERS: dict[str, str] = {
    "APPROVED": "1",
    "UNKNOWN": "0",
    "DECLINED": "2",
    "REFERRAL": "3",
    "ERROR": "4",
    "BLOCK_CARD": "5",
    "CARD_EXPIRED": "6",
    "INVALID_AMOUNT": "7",
    "PENDING": "Pending",
    "RECEIVED": "Received",
    "PARTIAL": "Partial",
}

THREE_DS_CARDS = frozenset({"4917610000000000", "5454545454545454"})

_BRANDS = (
    ("amex", re.compile(r"3[47]")),
    ("visa", re.compile(r"4")),
    ("mc", re.compile(r"5[1-5]|2[2-7]")),
)


@dataclass(frozen=True)
class Card:
    """A card the fake can charge. ``number`` never leaves the fake in any reply."""

    number: str
    expiry_month: int
    expiry_year: int
    holder_name: str | None = None
    cvc: str | None = None

    @property
    def brand(self) -> str:
        return next(name for name, prefix in _BRANDS if prefix.match(self.number))

    @property
    def last_four(self) -> str:
        return self.number[-4:]

    @property
    def expired(self) -> bool:
        today = date.today()
        return (self.expiry_year, self.expiry_month) < (today.year, today.month)

    @property
    def needs_3ds(self) -> bool:
        return self.number in THREE_DS_CARDS

    def summary(self) -> dict[str, str]:
        """What ``additionalData`` tells the merchant about the card."""
        return {
            "cardSummary": self.last_four,
            "expiryDate": f"{self.expiry_month}/{self.expiry_year}",
            "paymentMethod": self.brand,
            "cardBin": self.number[:6],
        }


def luhn_valid(number: str) -> bool:
    """The check digit test card schemes use (written here for the fake, not shared)."""
    digits = [int(char) for char in reversed(number)]
    doubled = [
        (d * 2 - 9 if d > 4 else d * 2) if index % 2 else d for index, d in enumerate(digits)
    ]
    return sum(doubled) % 10 == 0


def card_from(method: dict[str, Any]) -> Card:
    """The card in a ``scheme`` payment method; ``ServiceError`` (422) if Adyen would refuse it."""
    number = _field(method, "number")
    month = _field(method, "expiryMonth")
    year = _field(method, "expiryYear")
    cvc = _field(method, "cvc")
    if number is None or month is None or year is None:
        raise ServiceError(422, "000", "Card details are incomplete (number and expiry)")
    if not re.fullmatch(r"[0-9]{12,19}", number) or not luhn_valid(number):
        raise ServiceError(422, "101", "Invalid card number")
    if not any(prefix.match(number) for _, prefix in _BRANDS):
        raise ServiceError(422, "102", "Unable to determine variant")
    if not (re.fullmatch(r"[0-9]{1,2}", month) and re.fullmatch(r"[0-9]{4}", year)):
        raise ServiceError(422, "129", "Expiry Date Invalid")
    if not 1 <= int(month) <= 12:
        raise ServiceError(422, "129", "Expiry Date Invalid")
    holder = method.get("holderName")
    card = Card(number, int(month), int(year), holder if isinstance(holder, str) else None, cvc)
    if cvc is not None and not re.fullmatch(
        r"[0-9]{4}" if card.brand == "amex" else r"[0-9]{3}", cvc
    ):
        raise ServiceError(422, "103", "CVC is not the right length")
    return card


def _field(method: dict[str, Any], name: str) -> str | None:
    """A card field, raw or ``encrypted<Name>`` in Adyen's ``test_`` form."""
    raw = method.get(name)
    if isinstance(raw, str):
        return raw
    encrypted_name = {
        "number": "encryptedCardNumber",
        "expiryMonth": "encryptedExpiryMonth",
        "expiryYear": "encryptedExpiryYear",
        "cvc": "encryptedSecurityCode",
    }[name]
    encrypted = method.get(encrypted_name)
    if encrypted is None:
        return None
    if not isinstance(encrypted, str) or not encrypted.startswith("test_"):
        raise ServiceError(422, "174", "Unable to decrypt data")
    return encrypted.removeprefix("test_")
