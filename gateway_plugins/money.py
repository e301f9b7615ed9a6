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

Every amount must fit a PSP's signed 64-bit integer in minor units: at most
:data:`MAX_MINOR_UNITS` (2**63-1) either side of zero, so at most
92233720368547758.07 USD or 9223372036854775807 JPY (:class:`AmountRangeError`).
The bound is checked from the amount's exponent before any arithmetic, so no
input (``Decimal("1E+999999")``, a million-digit ``int``) makes a conversion
slow, and the conversions raise nothing but ``ValueError`` and ``TypeError``
subclasses whose text never repeats the amount.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from functools import cache

from iso4217 import Currency

#: Scaling by a power of ten must never round (nor flush a tiny amount to zero).
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)

#: The most minor units an amount may have, either side of zero: a PSP's signed 64-bit integer.
MAX_MINOR_UNITS = 2**63 - 1
#: Digits of :data:`MAX_MINOR_UNITS`: an amount of ``10**_MAX_DIGITS`` minor units never fits.
_MAX_DIGITS = len(str(MAX_MINOR_UNITS))
#: The largest exponent a wire format may have: with more, not even 1 major unit fits.
MAX_EXPONENT = _MAX_DIGITS - 1
#: ``Decimal("1")``, ``Decimal("0.1")`` … for every exponent a wire format may have.
_QUANTUM = [Decimal(1).scaleb(-places, context=_EXACT) for places in range(MAX_EXPONENT + 1)]


class CurrencyError(ValueError):
    """The currency code is not an ISO 4217 currency with minor units."""


class AmountPrecisionError(ValueError):
    """The amount has more decimals than the currency (or the PSP) allows."""


class AmountRangeError(ValueError):
    """The amount does not fit a PSP's signed 64-bit integer of minor units."""


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
    return _iso_exponent(currency.upper())


@cache  # keyed by valid upper-case codes only, so it stays small
def _iso_exponent(code: str) -> int:
    try:
        exponent = Currency(code).exponent
    except ValueError:
        raise CurrencyError(f"{code!r} is not an ISO 4217 currency code") from None
    if exponent is None:
        raise CurrencyError(f"{code!r} has no minor unit in ISO 4217 (not a payable currency)")
    return int(exponent)


def decimal_places(amount: Decimal) -> int:
    """How many decimals ``amount`` really has (``Decimal("1.50")`` → 1, ``"100"`` → 0).

    Exact for every finite ``Decimal``: no context rounds a long amount or
    flushes a tiny one to zero (``Decimal("1E-1000030")`` has 1000030).
    """
    _, digits, exponent = amount.as_tuple()
    if not isinstance(exponent, int):
        raise ValueError("only a finite amount has decimal places")
    significant = len(digits)
    while significant and digits[significant - 1] == 0:
        significant -= 1
    if not significant:  # zero, however written
        return 0
    return max(0, -(exponent + len(digits) - significant))


def plain_notation(amount: Decimal) -> Decimal:
    """``amount`` so that it prints without an exponent, when it has whole units or is zero.

    ``Decimal("1E+3")`` → ``Decimal("1000")``, ``Decimal("0E-9")`` → ``Decimal("0")``;
    anything else is returned as it is (``Decimal("10.50")`` keeps its zero).
    """
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and (exponent > 0 or (amount.is_zero() and exponent < -6)):
        return amount.quantize(_QUANTUM[0], context=_EXACT)
    return amount


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
        for value in (self.exponent, self.precision):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError("WireFormat exponent and precision must be ints")
        if not 0 <= self.precision <= self.exponent <= MAX_EXPONENT:
            raise ValueError(f"WireFormat needs 0 <= precision <= exponent <= {MAX_EXPONENT}")


class MinorUnits:
    """Converts between ``Decimal`` major units and integer minor units.

    With no deviations it follows ISO 4217; pass a plugin's deviations to follow
    its PSP. Unlisted currencies use their ISO exponent for both fields.
    """

    def __init__(self, deviations: Mapping[str, WireFormat | int] | None = None) -> None:
        self._deviations: dict[str, WireFormat] = {}
        if deviations is not None and not isinstance(deviations, Mapping):
            raise TypeError("deviations must be a mapping of currency code to WireFormat")
        for code, fmt in (deviations or {}).items():
            iso_exponent(code)  # reject typos in a plugin's table early
            if isinstance(fmt, int) and not isinstance(fmt, bool):
                fmt = WireFormat(exponent=fmt, precision=fmt)
            if not isinstance(fmt, WireFormat):
                raise TypeError(f"deviation for {code.upper()} must be a WireFormat or an int")
            self._deviations[code.upper()] = fmt

    def wire_format(self, currency: str) -> WireFormat:
        """The exponent and precision used for ``currency``."""
        exponent = iso_exponent(currency)  # CurrencyError for anything but an ISO code
        fmt = self._deviations.get(currency.upper())
        return fmt if fmt is not None else WireFormat(exponent=exponent, precision=exponent)

    def exponent(self, currency: str) -> int:
        """The power of ten between major and minor units for ``currency``."""
        return self.wire_format(currency).exponent

    def to_minor(self, amount: Decimal, currency: str) -> int:
        """``Decimal("10.50")`` USD → ``1050``.

        Raises :class:`AmountPrecisionError` if ``amount`` has more decimals than
        the wire format allows, :class:`AmountRangeError` if it does not fit
        :data:`MAX_MINOR_UNITS`, ``TypeError`` if it is no finite ``Decimal``.
        """
        if not isinstance(amount, Decimal):
            raise TypeError(f"amount must be a Decimal, not {type(amount).__name__}")
        if not amount.is_finite():
            raise TypeError("amount must be a finite Decimal, not NaN or Infinity")
        fmt = self.wire_format(currency)
        code = currency.upper()
        # adjusted() is the power of ten of the leading digit: a cheap bound that
        # keeps Decimal("1E+999999") away from the arithmetic below.
        if not amount.is_zero() and amount.adjusted() + fmt.exponent >= _MAX_DIGITS:
            raise self._out_of_range(code)
        exact = amount.quantize(_QUANTUM[fmt.precision], context=_EXACT)
        if exact != amount:
            # Counting the places is linear in the digits, but this is the error path.
            places = decimal_places(amount)
            raise AmountPrecisionError(
                f"too many decimal places ({places}); {code} allows at most {fmt.precision}"
            )
        minor = int(exact.scaleb(fmt.exponent, context=_EXACT))
        if abs(minor) > MAX_MINOR_UNITS:
            raise self._out_of_range(code)
        return minor

    def from_minor(self, value: int, currency: str) -> Decimal:
        """``1050`` USD → ``Decimal("10.50")``; :class:`AmountRangeError` beyond 64 bits."""
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"minor units must be an int, not {type(value).__name__}")
        exponent = self.exponent(currency)
        if abs(value) > MAX_MINOR_UNITS:  # before Decimal(): a huge int converts slowly
            raise self._out_of_range(currency.upper())
        return (
            Decimal(value)
            .scaleb(-exponent, context=_EXACT)
            .quantize(_QUANTUM[exponent], context=_EXACT)
        )

    def _out_of_range(self, code: str) -> AmountRangeError:
        largest = Decimal(MAX_MINOR_UNITS).scaleb(-self.exponent(code), context=_EXACT)
        return AmountRangeError(
            f"amount out of range: {code} amounts must be within ±{largest} "
            f"({MAX_MINOR_UNITS} minor units, a PSP's signed 64-bit integer)"
        )


#: ISO 4217 minor units, no PSP deviations.
ISO_MINOR_UNITS = MinorUnits()


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Convert by the ISO 4217 exponent (``Decimal("1.234")`` KWD → ``1234``)."""
    return ISO_MINOR_UNITS.to_minor(amount, currency)


def from_minor_units(value: int, currency: str) -> Decimal:
    """Convert by the ISO 4217 exponent (``1234`` KWD → ``Decimal("1.234")``)."""
    return ISO_MINOR_UNITS.from_minor(value, currency)
