"""ISO 4217 exponents and Decimal <-> minor-unit conversion (gateway_plugins.money)."""

import time
from decimal import Decimal, Inexact, localcontext

import pytest
from iso4217 import Currency

from gateway_plugins.money import (
    MAX_MINOR_UNITS,
    AmountPrecisionError,
    AmountRangeError,
    CurrencyError,
    MinorUnits,
    WireFormat,
    decimal_places,
    from_minor_units,
    iso_exponent,
    plain_notation,
    to_minor_units,
)

#: Every ISO 4217 code that is money (has a minor unit), with its exponent.
PAYABLE = {c.code: c.exponent for c in Currency if c.exponent is not None}

STRIPE_LIKE = MinorUnits(
    {"ISK": WireFormat(exponent=2, precision=0), "KWD": WireFormat(exponent=3, precision=2)}
)


# --- ISO exponents ----------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "exponent"),
    [("JPY", 0), ("ISK", 0), ("USD", 2), ("EUR", 2), ("KWD", 3), ("BHD", 3), ("CLF", 4)],
)
def test_iso_exponent(code, exponent):
    assert iso_exponent(code) == exponent


def test_iso_exponent_is_case_insensitive():
    assert iso_exponent("kwd") == 3


@pytest.mark.parametrize("code", ["XYZ", "XAU", "XXX", "XDR"])
def test_unknown_or_non_currency_raises_naming_code(code):
    with pytest.raises(CurrencyError, match=code):
        iso_exponent(code)


@pytest.mark.parametrize("code", ["", "US", "USDX", "U1D", 840, None])
def test_malformed_code_raises(code):
    with pytest.raises(CurrencyError):
        iso_exponent(code)


def test_currency_error_is_value_error():
    assert issubclass(CurrencyError, ValueError)
    assert issubclass(AmountPrecisionError, ValueError)


# --- to_minor_units / from_minor_units ----------------------------------------


@pytest.mark.parametrize(
    ("amount", "code", "minor"),
    [
        ("10.50", "USD", 1050),
        ("0.01", "USD", 1),
        ("10", "USD", 1000),
        ("-10.50", "USD", -1050),
        ("0", "USD", 0),
        ("100", "JPY", 100),
        ("1.234", "KWD", 1234),
        ("0.001", "BHD", 1),
        ("1.2345", "CLF", 12345),
        ("99999999.99", "EUR", 9999999999),
    ],
)
def test_to_minor_units(amount, code, minor):
    assert to_minor_units(Decimal(amount), code) == minor


@pytest.mark.parametrize(
    ("minor", "code", "amount"),
    [
        (1050, "USD", "10.50"),
        (1, "USD", "0.01"),
        (0, "KWD", "0.000"),
        (-1050, "USD", "-10.50"),
        (100, "JPY", "100"),
        (1234, "KWD", "1.234"),
        (12345, "CLF", "1.2345"),
    ],
)
def test_from_minor_units(minor, code, amount):
    result = from_minor_units(minor, code)
    assert str(result) == amount  # exactly the currency's number of decimals


@pytest.mark.parametrize(
    ("amount", "code"),
    [("10.505", "USD"), ("0.001", "EUR"), ("10.5", "JPY"), ("1.2345", "KWD"), ("1.23456", "CLF")],
)
def test_too_many_decimals_raises_instead_of_rounding(amount, code):
    with pytest.raises(AmountPrecisionError, match=code):
        to_minor_units(Decimal(amount), code)


@pytest.mark.parametrize(
    ("amount", "code", "minor"),
    [("100.00", "JPY", 100), ("10.500", "USD", 1050), ("1.2340000", "KWD", 1234)],
)
def test_trailing_zeros_allowed(amount, code, minor):
    assert to_minor_units(Decimal(amount), code) == minor


@pytest.mark.parametrize("amount", [10.5, 10.0, 10, "10.50", None])
def test_non_decimal_amount_rejected(amount):
    with pytest.raises(TypeError):
        to_minor_units(amount, "USD")


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_amount_rejected(amount):
    with pytest.raises(TypeError):
        to_minor_units(Decimal(amount), "USD")


@pytest.mark.parametrize("value", [10.0, "1050", True, Decimal(1050)])
def test_from_minor_units_rejects_non_int(value):
    with pytest.raises(TypeError):
        from_minor_units(value, "USD")


def test_conversion_rejects_unknown_currency():
    with pytest.raises(CurrencyError, match="XYZ"):
        to_minor_units(Decimal("1"), "XYZ")
    with pytest.raises(CurrencyError, match="XAU"):
        from_minor_units(1, "XAU")


@pytest.mark.parametrize("code", ["JPY", "USD", "KWD", "BHD", "CLF", "EUR", "TND", "UYW"])
@pytest.mark.parametrize("minor", [0, 1, 7, 99, 100, 1050, 123456789, -1, -1050, 10**18 + 3])
def test_round_trip_from_minor(code, minor):
    assert to_minor_units(from_minor_units(minor, code), code) == minor


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("0.01", "USD"),
        ("10.5", "USD"),
        ("19.99", "EUR"),
        ("12345", "JPY"),
        ("1.234", "KWD"),
        ("0.001", "BHD"),
        ("1.0001", "CLF"),
        ("-3.5", "GBP"),
    ],
)
def test_round_trip_from_decimal(amount, code):
    assert from_minor_units(to_minor_units(Decimal(amount), code), code) == Decimal(amount)


def test_round_trip_every_payable_currency():
    values = [*range(-300, 301), 10**9 + 7, 10**15 - 1]
    for code, exponent in PAYABLE.items():
        for minor in values:
            amount = from_minor_units(minor, code)
            assert amount == Decimal(minor) / 10**exponent, (code, minor)
            assert to_minor_units(amount, code) == minor, (code, minor)


# --- MinorUnits deviations ----------------------------------------------------


def test_minor_units_without_deviations_follows_iso():
    units = MinorUnits()
    assert units.to_minor(Decimal("1.234"), "KWD") == 1234
    assert units.exponent("JPY") == 0


def test_isk_whole_kronur_sent_times_100():
    assert STRIPE_LIKE.to_minor(Decimal("5"), "ISK") == 500


def test_isk_fraction_rejected():
    with pytest.raises(AmountPrecisionError, match="ISK"):
        STRIPE_LIKE.to_minor(Decimal("5.5"), "ISK")


def test_kwd_two_decimals_padded():
    assert STRIPE_LIKE.to_minor(Decimal("1.23"), "KWD") == 1230


def test_kwd_third_decimal_rejected():
    with pytest.raises(AmountPrecisionError):
        STRIPE_LIKE.to_minor(Decimal("1.234"), "KWD")


def test_deviation_from_minor_uses_wire_exponent():
    assert STRIPE_LIKE.from_minor(500, "ISK") == Decimal("5")
    assert STRIPE_LIKE.from_minor(1230, "KWD") == Decimal("1.23")


def test_unlisted_currency_keeps_iso():
    assert STRIPE_LIKE.wire_format("USD") == WireFormat(exponent=2, precision=2)
    assert STRIPE_LIKE.to_minor(Decimal("10.50"), "USD") == 1050


def test_deviation_lookup_is_case_insensitive():
    assert STRIPE_LIKE.to_minor(Decimal("5"), "isk") == 500
    assert MinorUnits({"isk": 2}).exponent("ISK") == 2


def test_int_shorthand():
    units = MinorUnits({"MGA": 0})
    assert units.wire_format("MGA") == WireFormat(exponent=0, precision=0)
    assert units.to_minor(Decimal("500"), "MGA") == 500
    with pytest.raises(AmountPrecisionError):
        units.to_minor(Decimal("500.2"), "MGA")


@pytest.mark.parametrize("code", ["XYZ", "XAU"])
def test_unknown_code_in_deviations_raises(code):
    with pytest.raises(CurrencyError, match=code):
        MinorUnits({code: 2})


@pytest.mark.parametrize(("exponent", "precision"), [(2, 3), (0, 1), (2, -1), (-1, -1)])
def test_wire_format_invalid(exponent, precision):
    with pytest.raises(ValueError):
        WireFormat(exponent=exponent, precision=precision)


def test_widest_wire_format_still_bounded():
    units = MinorUnits({"USD": WireFormat(exponent=18, precision=18)})
    assert units.to_minor(Decimal(9), "USD") == 9 * 10**18
    with pytest.raises(AmountRangeError, match="USD amounts must be within"):
        units.to_minor(Decimal(10), "USD")


# --- bounds and hostile input (issue 9) ----------------------------------------

USD_MAX = Decimal("92233720368547758.07")


@pytest.mark.parametrize(
    ("amount", "code", "minor"),
    [
        (USD_MAX, "USD", MAX_MINOR_UNITS),
        (-USD_MAX, "USD", -MAX_MINOR_UNITS),
        (Decimal(MAX_MINOR_UNITS), "JPY", MAX_MINOR_UNITS),
        (Decimal("922337203685477.5807"), "CLF", MAX_MINOR_UNITS),
    ],
)
def test_largest_amount_fits_64_bits(amount, code, minor):
    assert to_minor_units(amount, code) == minor
    assert from_minor_units(minor, code) == amount


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (USD_MAX + Decimal("0.01"), "USD"),
        (Decimal(MAX_MINOR_UNITS + 1), "JPY"),
        (Decimal("1E+17"), "USD"),
        (Decimal("-1E+19"), "JPY"),
        (Decimal("123456789012345678901234567.89"), "USD"),
        (Decimal("1E+999990"), "USD"),  # one conversion took 24 s
        (Decimal("1E+999999999"), "USD"),  # raised decimal.Overflow
        pytest.param(Decimal("9" * 100_000), "JPY", id="100000 nines"),
    ],
)
def test_amount_beyond_64_bits_refused_quickly(amount, code):
    started = time.perf_counter()
    with pytest.raises(AmountRangeError, match=rf"{code} amounts must be within ±") as exc_info:
        to_minor_units(amount, code)
    assert time.perf_counter() - started < 0.5
    assert str(amount) not in str(exc_info.value)


@pytest.mark.parametrize(
    "amount",
    [
        Decimal("1E-1000030"),  # was flushed to zero: 0 minor units
        Decimal("1E-999999999"),
        Decimal("1.00000000000000000000000000001"),  # was rounded to 28 digits: 100
        pytest.param(Decimal("0." + "0" * 100_000 + "1"), id="1E-100001"),
    ],
)
def test_tiny_fractions_refused_not_flushed_to_zero(amount):
    with pytest.raises(AmountPrecisionError, match=r"decimal places \(\d+\); USD allows at most 2"):
        to_minor_units(amount, "USD")


@pytest.mark.parametrize(
    ("amount", "places"),
    [
        ("1.00000000000000000000000000001", 29),
        ("1E-1000030", 1000030),
        ("1.50", 1),
        ("100", 0),
        ("1E+5", 0),
        ("0E-10", 0),
        ("-0.000", 0),
    ],
)
def test_decimal_places_exact(amount, places):
    assert decimal_places(Decimal(amount)) == places


def test_long_trailing_zeros_convert():
    assert to_minor_units(Decimal("10.5" + "0" * 100_000), "USD") == 1050


@pytest.mark.parametrize(
    "minor",
    [MAX_MINOR_UNITS + 1, -MAX_MINOR_UNITS - 1, 10**1_000_000],
    ids=["max+1", "-max-1", "10**1000000"],  # a Decimal() of the last took 43 s
)
def test_from_minor_beyond_64_bits_refused_quickly(minor):
    started = time.perf_counter()
    with pytest.raises(AmountRangeError, match="USD amounts must be within"):
        from_minor_units(minor, "USD")
    assert time.perf_counter() - started < 0.5


def test_range_error_is_value_error():
    assert issubclass(AmountRangeError, ValueError)


@pytest.mark.parametrize("currency", [None, 840, ["USD"], {"USD"}, b"USD", "١٢٣"])
def test_non_string_currency_is_a_currency_error(currency):
    with pytest.raises(CurrencyError, match="three-letter ISO 4217 code"):
        to_minor_units(Decimal(1), currency)
    with pytest.raises(CurrencyError, match="three-letter ISO 4217 code"):
        from_minor_units(1, currency)


@pytest.mark.parametrize(
    "amount", [object(), [Decimal(1)], "9" * 10_000], ids=["object", "list", "str"]
)
def test_type_error_names_the_type_not_the_value(amount):
    with pytest.raises(TypeError, match=f"not {type(amount).__name__}") as exc_info:
        to_minor_units(amount, "USD")
    assert len(str(exc_info.value)) < 100


def test_conversion_ignores_the_callers_decimal_context():
    with localcontext() as context:
        context.prec = 3
        context.traps[Inexact] = True
        assert to_minor_units(Decimal("12345.67"), "USD") == 1234567
        assert from_minor_units(1234567, "USD") == Decimal("12345.67")


@pytest.mark.parametrize(
    ("deviations", "error"),
    [
        ("ISK", TypeError),
        ([("ISK", 2)], TypeError),
        ({"ISK": "2"}, TypeError),
        ({"ISK": 2.0}, TypeError),
        ({"ISK": 19}, ValueError),
        ({"ISK": WireFormat(exponent=2, precision=0)}, None),
    ],
)
def test_minor_units_table_checked(deviations, error):
    if error is None:
        assert MinorUnits(deviations).exponent("ISK") == 2
    else:
        with pytest.raises(error):
            MinorUnits(deviations)


@pytest.mark.parametrize(("exponent", "precision"), [("2", 2), (2, True), (2.0, 1)])
def test_wire_format_needs_ints(exponent, precision):
    with pytest.raises(TypeError, match="must be ints"):
        WireFormat(exponent=exponent, precision=precision)


@pytest.mark.parametrize(
    ("amount", "text"),
    [("1E+3", "1000"), ("0E-9", "0"), ("-0E-12", "-0"), ("10.50", "10.50"), ("0.00", "0.00")],
)
def test_plain_notation(amount, text):
    assert str(plain_notation(Decimal(amount))) == text
