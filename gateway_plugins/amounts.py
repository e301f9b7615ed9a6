"""Amounts and currencies as the data types take them: the shared validators.

The rules are stated in :mod:`gateway_plugins.interface`'s docstring; this
module holds them once, for every model with money in it (``PaymentData``,
``GatewayResponse``, ``TransactionUpdate``, ``GatewayConfig``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, ValidationInfo

from .money import MAX_MINOR_UNITS, iso_exponent, plain_notation, to_minor_units

#: Plain decimal notation: ASCII digits, maybe a leading "-" and a fraction.
_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def parse_amount(value: object) -> Decimal:
    """Turn a money input into a finite ``Decimal``, or raise naming the rule."""
    if isinstance(value, float):
        raise ValueError(
            "must be a Decimal, an int or a decimal string, not a float "
            "(binary floats cannot hold money exactly)"
        )
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise ValueError(
            f"must be a Decimal, an int or a decimal string, not {type(value).__name__}"
        )
    if isinstance(value, str):
        text = value.strip(" ")
        if not _PLAIN_DECIMAL.fullmatch(text):
            raise ValueError(
                "must be a decimal string in plain notation such as '10.50': ASCII digits, "
                "an optional leading '-' and '.'; no exponent, '+', '_' or whitespace inside"
            )
        return Decimal(text)
    if isinstance(value, int):
        # Decimal() of a huge int takes minutes: bound it first.
        if abs(value) > MAX_MINOR_UNITS:
            raise ValueError(f"must be at most {MAX_MINOR_UNITS} in absolute value")
        return Decimal(value)
    if not value.is_finite():
        raise ValueError("must be a finite number (NaN and Infinity are not money)")
    return value


def check_currency(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a three-letter ISO 4217 code such as 'USD'")
    code = value.strip().upper()
    iso_exponent(code)  # raises CurrencyError (a ValueError) naming the problem
    return code


def _positive(amount: Decimal) -> Decimal:
    if amount <= 0:
        raise ValueError("must be greater than zero for a money operation")
    return amount


def _not_negative(amount: Decimal) -> Decimal:
    if amount < 0:
        raise ValueError("must not be negative")
    return amount


#: An ISO 4217 code, upper-cased.
CurrencyCode = Annotated[str, BeforeValidator(check_currency)]
#: The amount of a money operation: a finite Decimal greater than zero.
PositiveAmount = Annotated[Decimal, BeforeValidator(parse_amount), AfterValidator(_positive)]
#: An amount reported back: a finite Decimal, zero allowed.
ReportedAmount = Annotated[Decimal, BeforeValidator(parse_amount), AfterValidator(_not_negative)]


def check_precision(amount: Decimal, info: ValidationInfo) -> Decimal:
    """The amount's decimals and size against its currency, in plain notation."""
    # ``currency`` is declared before ``amount`` so it is validated first.
    currency = info.data.get("currency")
    if currency is None:
        return amount
    # AmountPrecisionError or AmountRangeError (ValueErrors) name the currency and rule.
    to_minor_units(amount, currency)
    return plain_notation(amount)  # Decimal("1E+3") would print as 1E+3 (to a PSP, too)


__all__ = [
    "CurrencyCode",
    "PositiveAmount",
    "ReportedAmount",
    "check_currency",
    "check_precision",
    "parse_amount",
]
