"""``ADYEN_UNITS`` against Adyen's published currency table (the fake's copy of it).

The plugin states only its deviations from ISO 4217; the fake keeps Adyen's
whole table as data (``gateway_plugins_adyen.testing.currencies``, with its
sources). These tests hold the two together, currency by currency, so a
deviation missing from the plugin (IDR, sent 100× too large) cannot hide.
"""

from __future__ import annotations

import pytest
from gateway_plugins_adyen import ADYEN_UNITS
from gateway_plugins_adyen.testing.currencies import ADYEN_DECIMALS

from gateway_plugins.money import CurrencyError, iso_exponent

#: Codes in Adyen's table that ISO 4217 (the ``iso4217`` package) does not have.
NOT_ISO = frozenset({"CNH", "VEF"})


def _iso(code: str) -> int | None:
    try:
        return iso_exponent(code)
    except CurrencyError:
        return None


def test_every_adyen_currency_goes_out_with_adyens_decimals() -> None:
    wrong = {
        code: (ADYEN_UNITS.exponent(code), decimals)
        for code, decimals in ADYEN_DECIMALS.items()
        if code not in NOT_ISO and ADYEN_UNITS.exponent(code) != decimals
    }

    assert wrong == {}, "currency: (plugin's exponent, Adyen's decimals)"


def test_no_amount_is_rounded_either_way() -> None:
    # An amount may have the decimals both ISO and Adyen allow, no more: 1000.50 IDR
    # is refused (Adyen takes none), and 1000.50 CLP was refused already (ISO has none).
    wrong = {
        code: ADYEN_UNITS.wire_format(code).precision
        for code, decimals in ADYEN_DECIMALS.items()
        if code not in NOT_ISO
        and ADYEN_UNITS.wire_format(code).precision != min(decimals, iso_exponent(code))
    }

    assert wrong == {}


def test_the_deviations_are_the_four_adyen_names() -> None:
    deviating = {
        code for code, decimals in ADYEN_DECIMALS.items() if _iso(code) not in (None, decimals)
    }

    # Adyen's note: "For CLP, CVE, IDR, and ISK the standard has a different number of
    # decimals than shown in our currency codes table".
    assert deviating == {"CLP", "CVE", "IDR", "ISK"}


def test_currencies_iso_does_not_know_are_refused_not_guessed() -> None:
    assert {code for code in ADYEN_DECIMALS if _iso(code) is None} == NOT_ISO
    for code in NOT_ISO:
        with pytest.raises(CurrencyError):
            ADYEN_UNITS.exponent(code)
