"""Money: ISO 4217 currencies and conversion between ``Decimal`` and minor units.

Amounts are ``Decimal`` in major units (``Decimal("10.50")`` USD) or ``int`` in
minor units (``1050``); never ``float``. The exponent of a currency comes from
the ISO 4217 table (``iso4217`` package): JPY 0, USD 2, KWD 3, CLF 4.

Some PSPs deviate from ISO on the wire. A plugin states its deviations once as a
:class:`MinorUnits` table, e.g. Stripe sends ISK ×100 but accepts only whole
krónur::

    STRIPE_UNITS = MinorUnits({"ISK": WireFormat(exponent=2, precision=0)})
    STRIPE_UNITS.to_minor(Decimal("5"), "ISK")  # 500

Nothing is ever rounded: an amount with more decimals than the wire format
allows is an input error (:class:`AmountPrecisionError`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import MAX_PREC, Context, Decimal
from functools import cache

from iso4217 import Currency

#: Scaling by a power of ten must never round, whatever the amount's size.
_EXACT = Context(prec=MAX_PREC)


class CurrencyError(ValueError):
    """The currency code is not an ISO 4217 currency with minor units."""


class AmountPrecisionError(ValueError):
    """The amount has more decimals than the currency (or the PSP) allows."""


@cache
def iso_exponent(currency: str) -> int:
    """The ISO 4217 minor-unit exponent of ``currency`` (``"JPY"`` → 0, ``"KWD"`` → 3).

    Raises :class:`CurrencyError` for unknown codes and for ISO entries that are
    not money one can pay with (XAU, XDR, XXX … have no minor unit).
    """
    # The message repeats the input only once it is known to be three letters:
    # a card number pasted into the wrong field must not reach an error text.
    if not (
        isinstance(currency, str)
        and len(currency) == 3
        and currency.isascii()
        and currency.isalpha()
    ):
        raise CurrencyError("currency must be a three-letter ISO 4217 code such as 'USD'")
    code = currency.upper()
    try:
        exponent = Currency(code).exponent
    except ValueError:
        raise CurrencyError(f"{code!r} is not an ISO 4217 currency code") from None
    if exponent is None:
        raise CurrencyError(f"{code!r} has no minor unit in ISO 4217 (not a payable currency)")
    return int(exponent)


def decimal_places(amount: Decimal) -> int:
    """How many decimals ``amount`` really has (``Decimal("1.50")`` → 1, ``"100"`` → 0)."""
    exponent = amount.normalize().as_tuple().exponent
    assert isinstance(exponent, int), "only finite amounts have decimal places"
    return max(0, -exponent)


@dataclass(frozen=True)
class WireFormat:
    """How one currency travels to a PSP.

    ``exponent`` is the power of ten the PSP multiplies by (its minor unit);
    ``precision`` is how many decimals the amount may have. They differ when a PSP
    pads: Stripe ISK is ``WireFormat(exponent=2, precision=0)``, Stripe KWD is
    ``WireFormat(exponent=3, precision=2)`` (the last digit must be 0).
    """

    exponent: int
    precision: int

    def __post_init__(self) -> None:
        if not 0 <= self.precision <= self.exponent:
            raise ValueError("WireFormat needs 0 <= precision <= exponent")


class MinorUnits:
    """Converts between ``Decimal`` major units and integer minor units.

    With no deviations it follows ISO 4217; pass a plugin's deviations to follow
    its PSP. Unlisted currencies use their ISO exponent for both fields.
    """

    def __init__(self, deviations: Mapping[str, WireFormat | int] | None = None) -> None:
        self._deviations: dict[str, WireFormat] = {}
        for code, fmt in (deviations or {}).items():
            iso_exponent(code)  # reject typos in a plugin's table early
            if isinstance(fmt, bool):
                raise TypeError(f"deviation for {code} must be a WireFormat or an int")
            if isinstance(fmt, int):
                fmt = WireFormat(exponent=fmt, precision=fmt)
            self._deviations[code.upper()] = fmt

    def wire_format(self, currency: str) -> WireFormat:
        """The exponent and precision used for ``currency``."""
        code = currency.upper()
        fmt = self._deviations.get(code)
        if fmt is None:
            exponent = iso_exponent(code)
            fmt = WireFormat(exponent=exponent, precision=exponent)
        return fmt

    def exponent(self, currency: str) -> int:
        """The power of ten between major and minor units for ``currency``."""
        return self.wire_format(currency).exponent

    def to_minor(self, amount: Decimal, currency: str) -> int:
        """``Decimal("10.50")`` USD → ``1050``; raises if ``amount`` is too precise."""
        if not isinstance(amount, Decimal) or not amount.is_finite():
            raise TypeError(f"amount must be a finite Decimal, got {amount!r}")
        fmt = self.wire_format(currency)
        places = decimal_places(amount)
        if places > fmt.precision:
            raise AmountPrecisionError(
                f"amount {amount} {currency.upper()} has {places} decimal places; "
                f"at most {fmt.precision} allowed"
            )
        return int(amount.scaleb(fmt.exponent, context=_EXACT))

    def from_minor(self, value: int, currency: str) -> Decimal:
        """``1050`` USD → ``Decimal("10.50")``."""
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"minor units must be an int, got {value!r}")
        exponent = self.exponent(currency)
        return (
            Decimal(value)
            .scaleb(-exponent, context=_EXACT)
            .quantize(Decimal(1).scaleb(-exponent), context=_EXACT)
        )


#: ISO 4217 minor units, no PSP deviations.
ISO_MINOR_UNITS = MinorUnits()


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Convert by the ISO 4217 exponent (``Decimal("1.234")`` KWD → ``1234``)."""
    return ISO_MINOR_UNITS.to_minor(amount, currency)


def from_minor_units(value: int, currency: str) -> Decimal:
    """Convert by the ISO 4217 exponent (``1234`` KWD → ``Decimal("1.234")``)."""
    return ISO_MINOR_UNITS.from_minor(value, currency)
