"""What the dummy PSP shows of a payment: its raw reply and the card's displayable details."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from gateway_plugins import CreditCardInfo, PaymentData, TransactionKind
from gateway_plugins.money import ISO_MINOR_UNITS

from .ledger import Authorization


def card_info(token: str | None) -> CreditCardInfo | None:
    """The displayable details of the card ``token`` is; ``None`` for a token that is no
    card number."""
    # Only the last four digits ever leave the PSP, as with a real one.
    if token is None or not token.isdigit() or len(token) < 12:
        return None
    return _card(token[-4:])


@lru_cache(maxsize=1024)
def _card(last_4: str) -> CreditCardInfo:
    # One shared (frozen) object per last 4 digits, not one per authorization kept.
    return CreditCardInfo(last_4=last_4, exp_year=2030, exp_month=12, brand="dummy_visa")


def raw_reply(
    record: Authorization, kind: TransactionKind, payment: PaymentData, transaction_id: str
) -> dict[str, Any]:
    """What the dummy PSP 'sent back': minor units, like a real PSP reply."""
    units = ISO_MINOR_UNITS
    raw: dict[str, Any] = {
        "id": transaction_id,
        "object": kind.value,
        "status": record.status,
        "amount": units.to_minor(payment.amount, payment.currency),
        "amount_authorized": units.to_minor(record.amount, record.currency),
        "amount_captured": units.to_minor(record.captured, record.currency),
        "amount_refunded": units.to_minor(record.refunded, record.currency),
        "currency": payment.currency.lower(),
    }
    if transaction_id != record.psp_reference:
        raw["payment"] = record.psp_reference  # a refund names the payment it gives back
    return raw
