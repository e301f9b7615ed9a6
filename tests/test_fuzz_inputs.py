"""Property tests: the data types and the money helpers take any input calmly.

Whatever they are given, ``PaymentData``, ``AddressData``, ``GatewayConfig``
and the money conversions either accept it or refuse it with a ``ValueError``
(pydantic's ``ValidationError`` is one; the conversions may also raise
``TypeError``), quickly, without repeating a refused value in the error
text, and what they accept is usable: an accepted amount converts to minor
units and back exactly, an accepted configuration prints without its secrets.

The budget is fixed (:data:`FUZZ`) and the examples derandomized, so a run in
CI is the same every time and takes a few seconds.
"""

import ipaddress
import unicodedata
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from gateway_plugins.fields import COUNTRY_CODES
from gateway_plugins.interface import AddressData, GatewayConfig, PaymentData
from gateway_plugins.money import (
    MAX_MINOR_UNITS,
    MinorUnits,
    from_minor_units,
    to_minor_units,
)

FUZZ = settings(
    max_examples=75,
    deadline=timedelta(milliseconds=2000),  # catches hangs; a loaded CI machine is slow
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

#: A card number: it may be pasted into any field and must never reach an error text.
VISA = "4242424242424242"
CURRENCIES = ["USD", "JPY", "KWD", "CLF", "EUR", "usd", "XAU", "XXX", "XYZ", "", "US"]

#: Numbers at and beyond every bound, and the classic hostile ones.
EDGE_NUMBERS = [
    0,
    -1,
    2**63 - 1,
    2**63,
    -(2**63),
    10**30,
    10**1000,
    Decimal("92233720368547758.07"),
    Decimal("92233720368547758.08"),
    Decimal("1E+999990"),
    Decimal("1E-1000030"),
    Decimal("1E+999999999"),
    Decimal("-0E-9"),
    Decimal("NaN"),
    Decimal("sNaN"),
    Decimal("-Infinity"),
    Decimal("1.00000000000000000000000000001"),
]
EDGE_TEXTS = [
    "",
    " ",
    "\n",
    "10.50",
    " 10.50 ",
    "1e2",
    "1E-1000030",
    "1e999999999",
    "١٠",
    "1_000",
    "10\n",
    "NaN",
    "+1",
    "-0",
    ".5",
    "shopper@example.com",
    "a@bücher.de",
    "192.0.2.1",
    "::1",
    "+44 20 7946 0000",
    "NL",
    "nl",
    "XK",
    "https://user:pw@psp.example",
    "\u2028",
    "\x00",
    "x" * 300,
]

decimals = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.builds(
        lambda sign, digits, exponent: Decimal((sign, tuple(digits), exponent)),
        st.integers(0, 1),
        st.lists(st.integers(0, 9), min_size=1, max_size=40),
        st.integers(-(10**7), 10**7),
    ),
)
numbers = st.one_of(
    st.integers(),
    st.integers(-(10**25), 10**25),
    st.floats(),
    decimals,
    st.sampled_from(EDGE_NUMBERS),
)
amount_strings = st.one_of(
    st.from_regex(r"\A *-?[0-9]{1,22}(\.[0-9]{0,6})? *\Z"),
    st.text(alphabet="0123456789.-+eE_ \n\t١", max_size=25),
)
texts = st.one_of(st.text(max_size=40), st.sampled_from(EDGE_TEXTS))
leaves = st.one_of(st.none(), st.booleans(), numbers, texts, st.binary(max_size=20))
nested = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.tuples(children, children),
        st.dictionaries(st.one_of(st.text(max_size=12), st.integers()), children, max_size=4),
    ),
    max_leaves=25,
)
anything = st.one_of(leaves, nested)


def with_card_number(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Texts with a card number inside, to see that no refusal repeats them."""
    return st.builds(lambda before, after: before + VISA + after, strategy, strategy)


def refused_silently(exc: ValueError) -> None:
    """A refusal names no card number (pydantic hides the input itself)."""
    assert VISA not in str(exc)
    if isinstance(exc, ValidationError):
        assert all(VISA not in error["msg"] for error in exc.errors())


def one_line(text: str) -> bool:
    """No control character (newline, tab, NUL …) and no Unicode line separator."""
    return not any(unicodedata.category(char) == "Cc" or char in "\u2028\u2029" for char in text)


def optional(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.one_of(strategy, anything)


# --- PaymentData ---------------------------------------------------------------

payment_fields = st.fixed_dictionaries(
    {
        "gateway": optional(st.sampled_from(["dummy", " dummy ", "   "])),
        "currency": optional(st.sampled_from(CURRENCIES)),
        "amount": st.one_of(numbers, amount_strings, texts, anything),
    },
    optional={
        "payment_id": anything,
        "order_id": optional(with_card_number(st.text(max_size=300))),
        "customer_id": anything,
        "psp_reference": optional(st.text(max_size=300)),
        "customer_email": optional(with_card_number(st.text(max_size=20))),
        "customer_ip_address": optional(with_card_number(st.text(max_size=5))),
        "token": optional(with_card_number(st.text(max_size=10))),
        "billing": optional(st.dictionaries(st.sampled_from(["country", "phone"]), texts)),
        "data": nested,
        "idempotency_key": optional(with_card_number(st.text(max_size=5))),
        "reuse_source": anything,
    },
)


@FUZZ
@given(payment_fields)
def test_payment_data_accepts_or_refuses(fields):
    try:
        payment = PaymentData(**fields)
    except ValidationError as exc:
        refused_silently(exc)
        return
    assert payment.amount > 0
    assert "E" not in str(payment.amount)
    # Whatever is accepted converts to minor units and back, exactly.
    minor = to_minor_units(payment.amount, payment.currency)
    assert 0 < minor <= MAX_MINOR_UNITS
    assert from_minor_units(minor, payment.currency) == payment.amount


#: Amounts weighted towards the hostile: edges, huge and tiny exponents, near-misses.
amounts = st.one_of(
    st.sampled_from(EDGE_NUMBERS + EDGE_TEXTS),
    decimals,
    amount_strings,
    numbers,
    texts,
)


@FUZZ
@given(amount=amounts, currency=st.sampled_from(["USD", "JPY", "KWD", "CLF"]))
def test_amount_accepts_or_refuses(amount, currency):
    try:
        payment = PaymentData(gateway="dummy", currency=currency, amount=amount)
    except ValidationError as exc:
        refused_silently(exc)
        return
    assert not isinstance(amount, float | bool)
    assert to_minor_units(payment.amount, payment.currency) > 0
    assert "E" not in str(payment.amount)


def field_values(limit: int) -> st.SearchStrategy[object]:
    """Values for a text field: near its length limit, with card numbers, or anything."""
    return st.one_of(
        texts,
        st.text(min_size=limit - 2, max_size=limit + 2),
        with_card_number(st.text(max_size=limit)),
        anything,
    )


PAYMENT_TEXT_FIELDS = {
    "gateway": 255,
    "payment_id": 255,
    "order_id": 255,
    "customer_id": 255,
    "psp_reference": 255,
    "customer_email": 254,
    "customer_ip_address": 45,
    "idempotency_key": 64,
}


@FUZZ
@given(
    st.sampled_from(sorted(PAYMENT_TEXT_FIELDS)).flatmap(
        lambda field: st.tuples(st.just(field), field_values(PAYMENT_TEXT_FIELDS[field]))
    )
)
def test_payment_field_accepts_or_refuses(field_and_value):
    field, value = field_and_value
    try:
        payment = PaymentData(
            **{"gateway": "dummy", "currency": "USD", "amount": "1", field: value}
        )
    except ValidationError as exc:
        refused_silently(exc)
        return
    stored = getattr(payment, field)
    if field == "payment_id" and isinstance(stored, int):
        assert not isinstance(value, bool) and 0 <= stored < 2**63
    elif stored is not None:
        assert isinstance(stored, str) and len(stored) <= PAYMENT_TEXT_FIELDS[field]
        assert one_line(stored)
        assert field in ("customer_email", "customer_ip_address") or stored.strip()
    if field == "customer_email" and stored:
        assert stored.count("@") == 1 and one_line(stored) and " " not in stored
    if field == "customer_ip_address" and stored:
        ipaddress.ip_address(stored)


# --- AddressData ---------------------------------------------------------------

ADDRESS_LIMITS = {
    "first_name": 256,
    "last_name": 256,
    "company_name": 256,
    "street_address_1": 256,
    "street_address_2": 256,
    "city": 256,
    "city_area": 128,
    "postal_code": 20,
    "country": 2,
    "country_area": 128,
    "phone": 30,
}


@FUZZ
@given(
    st.sampled_from(sorted(ADDRESS_LIMITS)).flatmap(
        lambda field: st.tuples(st.just(field), field_values(ADDRESS_LIMITS[field]))
    )
)
def test_address_field_accepts_or_refuses(field_and_value):
    field, value = field_and_value
    try:
        address = AddressData(**{field: value})
    except ValidationError as exc:
        refused_silently(exc)
        return
    stored = getattr(address, field)
    assert isinstance(stored, str) and len(stored) <= ADDRESS_LIMITS[field]
    assert one_line(stored)
    if field == "country":
        assert stored == "" or stored in COUNTRY_CODES
    if field == "phone" and stored:
        assert 4 <= sum(char.isdigit() for char in stored) <= 18


@FUZZ
@given(st.dictionaries(st.sampled_from(sorted(ADDRESS_LIMITS)), st.one_of(texts, anything)))
def test_address_accepts_or_refuses(fields):
    try:
        AddressData(**fields)
    except ValidationError as exc:
        refused_silently(exc)


# --- GatewayConfig -------------------------------------------------------------

PARAM_KEYS = [
    "api_key",
    "webhook_secrets",
    "bearer",
    "Authorization",
    "base_url",
    "pool_size",
    "use_hmac",
    "publishable_key",
    "credentials",
]


@FUZZ
@given(
    gateway_name=optional(st.sampled_from(["Dummy", " Dummy ", "   "])),
    currencies=optional(st.lists(st.sampled_from(CURRENCIES), max_size=3)),
    params=st.one_of(
        st.dictionaries(st.one_of(st.sampled_from(PARAM_KEYS), st.text(max_size=12)), anything),
        anything,
    ),
)
def test_gateway_config_accepts_or_refuses(gateway_name, currencies, params):
    try:
        config = GatewayConfig(
            gateway_name=gateway_name, supported_currencies=currencies, connection_params=params
        )
    except ValidationError as exc:
        refused_silently(exc)
        return
    repr(config)
    str(config)
    secrets = config.secret_values()
    assert all(isinstance(secret, str) and secret for secret in secrets)
    for name in config.connection_params:
        config.secret(name)
    again = GatewayConfig.model_validate(config.model_dump())
    assert again.secret_values() == secrets


#: Secret texts all carry this marker; nothing else does.
MARK = "Zq9SECRET"
secret_texts = st.text(min_size=1, max_size=8).map(lambda text: MARK + text)
secret_values = st.recursive(
    st.one_of(secret_texts, secret_texts.map(str.encode), st.integers(10**8, 10**9)),
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=3),
        st.dictionaries(st.text(max_size=6), children, min_size=1, max_size=3),
    ),
    max_leaves=6,
)
#: Plain values: no marker, no long number that could be a secret's.
plain_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(0, 99), st.text("abc /:.-", max_size=10)),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children)
    ),
    max_leaves=6,
)
#: Passwords as a URL's userinfo may hold them (no / ? # @ or whitespace).
url_passwords = st.text("abcXYZ019-._~!$&'()*+,;=%", min_size=1, max_size=8).map(
    lambda text: MARK + text
)
secret_keys = st.sampled_from(
    ["api_key", "webhook_secrets", "bearer", "Authorization", "hmac_key", "client_key", "passwd"]
)
plain_keys = st.sampled_from(["base_url", "region", "pool_size", "merchant_account", "mode"])


@FUZZ
@given(
    secrets=st.dictionaries(secret_keys, secret_values, min_size=1, max_size=4),
    plain=st.dictionaries(plain_keys, plain_values, max_size=3),
    credentials=st.lists(url_passwords, max_size=2),
)
def test_secrets_never_print(secrets, plain, credentials):
    # The integers among the secrets carry no marker: they must not print either.
    numbers = [str(n) for n in _leaves(secrets) if isinstance(n, int)]
    urls = {
        f"mirror_{i}": f"https://merchant:{text}@psp.example/" for i, text in enumerate(credentials)
    }
    config = GatewayConfig(
        gateway_name="Dummy",
        supported_currencies="USD",
        connection_params={"nested": {**secrets}, **secrets, **plain, **urls},
    )
    for shown in (repr(config), str(config), config.model_dump_json()):
        assert MARK not in shown
        assert not any(number in shown for number in numbers)
    listed = config.secret_values()
    assert set(numbers) <= set(listed)
    for leaf in _leaves(secrets):
        if isinstance(leaf, str | bytes):
            assert (leaf.decode() if isinstance(leaf, bytes) else leaf) in listed
    for password in credentials:  # the URL, and its password alone
        assert password in listed
        assert f"https://merchant:{password}@psp.example/" in listed


def _leaves(value):
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


# --- money helpers -------------------------------------------------------------


@FUZZ
@given(amount=st.one_of(numbers, texts, st.none()), currency=optional(st.sampled_from(CURRENCIES)))
def test_to_minor_units_converts_or_refuses(amount, currency):
    try:
        minor = to_minor_units(amount, currency)
    except (ValueError, TypeError) as exc:
        assert len(str(exc)) < 300
        return
    assert isinstance(amount, Decimal) and isinstance(minor, int)
    assert abs(minor) <= MAX_MINOR_UNITS
    assert from_minor_units(minor, currency) == amount  # never rounded


@FUZZ
@given(
    value=st.one_of(st.integers(), st.sampled_from(EDGE_NUMBERS), anything),
    currency=optional(st.sampled_from(CURRENCIES)),
)
def test_from_minor_units_converts_or_refuses(value, currency):
    try:
        amount = from_minor_units(value, currency)
    except (ValueError, TypeError) as exc:
        assert len(str(exc)) < 300
        return
    assert to_minor_units(amount, currency) == value
    assert "E" not in str(amount)


@FUZZ
@given(
    deviations=st.one_of(
        st.dictionaries(
            st.one_of(st.sampled_from(CURRENCIES), st.text(max_size=4), st.integers()),
            st.one_of(st.integers(-2, 30), anything),
            max_size=3,
        ),
        anything,
    ),
    amount=decimals,
    currency=st.sampled_from(CURRENCIES),
)
def test_minor_units_table_accepts_or_refuses(deviations, amount, currency):
    try:
        units = MinorUnits(deviations)
    except (ValueError, TypeError):
        return
    try:
        minor = units.to_minor(amount, currency)
    except (ValueError, TypeError):
        return
    assert units.from_minor(minor, currency) == amount
