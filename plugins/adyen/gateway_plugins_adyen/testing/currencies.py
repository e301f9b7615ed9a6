"""The currencies Adyen takes and their decimals, as Adyen publishes them: the fake's own copy.

Written down here as data, apart from the plugin's ``ADYEN_UNITS`` (which lists
only deviations from ISO 4217), so that a test comparing the two is not
circular. Sources, retrieved 2026-12-04:

* Adyen docs, "Currency codes and minor units"
  (https://docs.adyen.com/development-resources/currency-codes): the table rows
  AED to ETB, and the note "For CLP, CVE, IDR, and ISK the standard has a
  different number of decimals than shown in our currency codes table [...] the
  decimals in the table on this page are leading";
* Adyen's own copy of that table in Adyen/adyen-salesforce-headless-commerce-pwa,
  ``packages/adyen-salesforce-pwa/lib/utils/currencyList.mjs`` (last changed
  2023-11-27, read at commit c6f39b3): every row. It agrees with the docs rows
  it overlaps, except that the docs no longer list ANG (replaced by XCG) and BGN
  (Bulgaria uses the euro) and now list CNH; the table below follows the docs.

CNH (offshore yuan) and VEF (the bolívar before 2018) are Adyen codes that ISO
4217 does not have (any more).
"""

from __future__ import annotations

from decimal import Decimal

_TABLE = """
    AED 2  ALL 2  AMD 2  AOA 2  ARS 2  AUD 2  AWG 2  AZN 2  BAM 2  BBD 2  BDT 2  BHD 3
    BMD 2  BND 2  BOB 2  BRL 2  BSD 2  BWP 2  BYN 2  BZD 2  CAD 2  CHF 2  CLP 2  CNH 2
    CNY 2  COP 2  CRC 2  CUP 2  CVE 0  CZK 2  DJF 0  DKK 2  DOP 2  DZD 2  EGP 2  ETB 2
    EUR 2  FJD 2  FKP 2  GBP 2  GEL 2  GHS 2  GIP 2  GMD 2  GNF 0  GTQ 2  GYD 2  HKD 2
    HNL 2  HTG 2  HUF 2  IDR 0  ILS 2  INR 2  IQD 3  ISK 2  JMD 2  JOD 3  JPY 0  KES 2
    KGS 2  KHR 2  KMF 0  KRW 0  KWD 3  KYD 2  KZT 2  LAK 2  LBP 2  LKR 2  LYD 3  MAD 2
    MDL 2  MKD 2  MMK 2  MNT 2  MOP 2  MRU 2  MUR 2  MVR 2  MWK 2  MXN 2  MYR 2  MZN 2
    NAD 2  NGN 2  NIO 2  NOK 2  NPR 2  NZD 2  OMR 3  PAB 2  PEN 2  PGK 2  PHP 2  PKR 2
    PLN 2  PYG 0  QAR 2  RON 2  RSD 2  RUB 2  RWF 0  SAR 2  SBD 2  SCR 2  SEK 2  SGD 2
    SHP 2  SLE 2  SOS 2  SRD 2  STN 2  SVC 2  SZL 2  THB 2  TND 3  TRY 2  TTD 2  TWD 2
    TZS 2  UAH 2  UGX 0  USD 2  UYU 2  UZS 2  VEF 2  VND 0  VUV 0  WST 2  XAF 0  XCD 2
    XOF 0  XPF 0  YER 2  ZAR 2  ZMW 2
"""

#: Every currency Adyen takes, with the decimals its ``value`` carries (EUR 2: 10.00 → 1000).
ADYEN_DECIMALS: dict[str, int] = {
    code: int(decimals)
    for code, decimals in zip(_TABLE.split()[::2], _TABLE.split()[1::2], strict=True)
}


def major_units(value: int, currency: str) -> Decimal:
    """An Adyen ``value`` in major units (``100000`` CLP → ``1000``); ``KeyError`` if unknown."""
    return Decimal(value).scaleb(-ADYEN_DECIMALS[currency])
