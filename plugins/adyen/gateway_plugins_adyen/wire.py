"""Adyen's wire format: ``{"currency", "value"}`` amounts in Adyen's minor units, safe subsets.

Adyen follows ISO 4217 except for a few currencies (psp-reference §7.2, Adyen
docs: currency codes): CLP and ISK travel with two decimals although ISO gives
them none, and CVE travels with none although ISO gives it two. Nothing is
rounded: 10.50 CVE cannot be expressed at Adyen and is refused before sending.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from gateway_plugins.money import MinorUnits, WireFormat

#: Adyen's deviations from ISO 4217. CLP and ISK are sent ×100, but an amount
#: may still only have the decimals ISO allows (none), so precision stays 0.
ADYEN_UNITS = MinorUnits(
    {
        "CLP": WireFormat(exponent=2, precision=0),
        "ISK": WireFormat(exponent=2, precision=0),
        "CVE": 0,
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
