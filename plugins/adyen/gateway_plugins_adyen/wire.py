"""Adyen's wire format: ``{"currency", "value"}`` amounts in Adyen's minor units, safe subsets.

Adyen follows ISO 4217 except for four currencies. Audited 2026-12-04: every
currency of Adyen's table (docs.adyen.com/development-resources/currency-codes;
the whole table in Adyen's adyen-salesforce-headless-commerce-pwa,
``lib/utils/currencyList.mjs``) against the ``iso4217`` package; the fake keeps
that table, and ``tests/test_currencies.py`` holds the two together. Adyen's
own note names the same four: "For CLP, CVE, IDR, and ISK the standard has a
different number of decimals". Its table also lists CNH and VEF, which ISO does
not have: they are refused here, as any non-ISO code is.

Nothing is rounded: an amount may have only the decimals that both ISO and
Adyen allow. 1000.50 IDR cannot be expressed at Adyen and is refused before
sending (rounding would charge another amount than the host's); 1000.50 CLP
never gets this far (ISO gives CLP no decimals).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from gateway_plugins.money import MinorUnits, WireFormat

#: Adyen's deviations from ISO 4217 (ISO → Adyen decimals). CLP and ISK are sent
#: ×100 (1000 CLP → ``100000``) but may still have no decimals (ISO's rule);
#: CVE and IDR are sent in whole units (1000 IDR → ``1000``, not ``100000``).
ADYEN_UNITS = MinorUnits(
    {
        "CLP": WireFormat(exponent=2, precision=0),  # ISO 0, Adyen 2
        "ISK": WireFormat(exponent=2, precision=0),  # ISO 0, Adyen 2
        "CVE": WireFormat(exponent=0, precision=0),  # ISO 2, Adyen 0
        "IDR": WireFormat(exponent=0, precision=0),  # ISO 2, Adyen 0
    }
)


def amount_json(amount: Decimal, currency: str) -> dict[str, Any]:
    """``Decimal("10.50")``, ``"EUR"`` → ``{"currency": "EUR", "value": 1050}``.

    Raises :class:`~gateway_plugins.money.AmountPrecisionError` (a ``ValueError``)
    when Adyen cannot carry the amount exactly.
    """
    return {"currency": currency, "value": ADYEN_UNITS.to_minor(amount, currency)}


def amount_from_json(value: object) -> tuple[Decimal, str] | None:
    """An Adyen amount object as ``(Decimal, currency)``; ``None`` if absent or unreadable."""
    if not isinstance(value, Mapping):
        return None
    minor, currency = value.get("value"), value.get("currency")
    if isinstance(minor, bool) or not isinstance(minor, int) or not isinstance(currency, str):
        return None
    try:
        return ADYEN_UNITS.from_minor(minor, currency), currency.upper()
    except ValueError:  # a currency ISO does not know: leave the amount unread
        return None


def kept(body: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """The ``fields`` of ``body`` that are present: what ``raw_response`` may hold.

    Replies are never stored whole: ``additionalData`` and ``action`` can carry
    card summaries, holder names and authentication tokens.
    """
    return {name: body[name] for name in fields if name in body}


#: What ``raw_response`` keeps of a ``/payments`` or ``/payments/details`` reply.
PAYMENT_FIELDS = (
    "resultCode",
    "pspReference",
    "merchantReference",
    "amount",
    "refusalReason",
    "refusalReasonCode",
)
#: What it keeps of a capture, refund or cancel reply (201 ``received``). Not
#: ``paymentPspReference``: the response's ``psp_reference`` already names the
#: payment, and the framework's scrubber would take an all-digit one for a card.
MODIFICATION_FIELDS = ("status", "pspReference", "reference", "amount")
#: What it keeps of a ``ServiceError`` (4xx / 5xx).
ERROR_FIELDS = ("status", "errorCode", "errorType", "message", "pspReference")
