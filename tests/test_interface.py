"""Validation rules of the pydantic data types in gateway_plugins.interface."""

import json
import time
from decimal import Decimal, localcontext

import pytest
from pydantic import Secret, SecretStr, ValidationError

from gateway_plugins.errors import ErrorCode, ErrorMap, NormalizedError, RetryAdvice
from gateway_plugins.interface import (
    AddressData,
    CreditCardInfo,
    GatewayConfig,
    GatewayInfo,
    GatewayResponse,
    PaymentData,
    TransactionKind,
)

VISA = "4242424242424242"
TOKEN = "tok_1NqZxY2eZvKYlo2CsecretXyZ"
API_KEY = "sk_live_51HxYzAbCdEfGhIj"


def payment(**fields):
    return PaymentData(**{"gateway": "dummy", "currency": "USD", "amount": "10.50", **fields})


def response(**fields):
    base = {"is_success": True, "kind": TransactionKind.AUTH, "currency": "USD", "amount": "10"}
    return GatewayResponse(**{**base, **fields})


def config(**fields):
    return GatewayConfig(**{"gateway_name": "Dummy", "supported_currencies": "USD", **fields})


def error_of(exc_info):
    """The single error of a ValidationError."""
    errors = exc_info.value.errors()
    assert len(errors) == 1, errors
    return errors[0]


# --- PaymentData: amount ------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("10.50", Decimal("10.50")),
        (" 10.50 ", Decimal("10.50")),
        (Decimal("10.50"), Decimal("10.50")),
        (10, Decimal(10)),
        (Decimal("1E+2"), Decimal(100)),
        ("0.01", Decimal("0.01")),
    ],
)
def test_amount_accepted(amount, expected):
    result = payment(amount=amount).amount
    assert isinstance(result, Decimal)
    assert result == expected


def test_amount_string_keeps_its_decimals():
    assert str(payment(amount="10.50").amount) == "10.50"


@pytest.mark.parametrize("amount", ["0", 0, "-1", Decimal("-0.01"), "-0"])
def test_amount_must_be_positive(amount):
    with pytest.raises(ValidationError, match="greater than zero") as exc_info:
        payment(amount=amount)
    assert error_of(exc_info)["loc"] == ("amount",)


@pytest.mark.parametrize("amount", [10.5, 10.0])
def test_float_amount_rejected(amount):
    with pytest.raises(ValidationError, match="float") as exc_info:
        payment(amount=amount)
    assert error_of(exc_info)["loc"] == ("amount",)


@pytest.mark.parametrize(
    "amount",
    ["NaN", "Infinity", "-Infinity", Decimal("NaN"), Decimal("Infinity"), "abc", "", "1,50"],
)
def test_non_number_amount_rejected(amount):
    with pytest.raises(ValidationError) as exc_info:
        payment(amount=amount)
    assert error_of(exc_info)["loc"] == ("amount",)


@pytest.mark.parametrize("amount", [True, None, [10], {"v": 10}])
def test_wrong_type_amount_rejected(amount):
    with pytest.raises(ValidationError) as exc_info:
        payment(amount=amount)
    assert error_of(exc_info)["loc"] == ("amount",)


@pytest.mark.parametrize(
    "amount",
    [
        "1e2",
        "1E-1000030",  # was accepted, then 0 minor units
        "1E+999990",  # was accepted, then 24 s of CPU per conversion
        "1e999999999",  # raised decimal.Overflow
        "+10",
        ".5",
        "10.",
        "1_000",
        "1 000",
        "١٠",  # Arabic-Indic digits
        "１０",  # fullwidth digits
        "−10",  # a minus sign, not a hyphen-minus
        "10\n",
        "\t10",
        "0x10",
        "10.50 USD",
    ],
)
def test_amount_string_must_be_plain_decimal_notation(amount):
    with pytest.raises(ValidationError, match="plain notation") as exc_info:
        payment(amount=amount)
    assert error_of(exc_info)["loc"] == ("amount",)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("1E+3"), "1000"),
        (Decimal("1.5E+1"), "15"),
        (Decimal("10.50"), "10.50"),
        ("10.50", "10.50"),
        ("0010.5", "10.5"),
    ],
)
def test_amount_in_plain_notation(amount, text):
    assert str(payment(amount=amount).amount) == text


def test_zero_in_exponent_notation_printed_plain():
    assert str(response(amount=Decimal("0E-9")).amount) == "0"


USD_MAX = Decimal("92233720368547758.07")


@pytest.mark.parametrize(
    ("currency", "amount"),
    [("USD", USD_MAX), ("USD", str(USD_MAX)), ("JPY", 2**63 - 1), ("CLF", "922337203685477.5807")],
)
def test_largest_amount_accepted(currency, amount):
    assert payment(currency=currency, amount=amount).amount == Decimal(amount)


@pytest.mark.parametrize(
    ("currency", "amount", "rule"),
    [
        ("USD", USD_MAX + Decimal("0.01"), "USD amounts must be within"),
        ("USD", str(USD_MAX + 1), "USD amounts must be within"),
        ("JPY", 2**63, "at most 9223372036854775807"),
        ("USD", Decimal("1E+999990"), "USD amounts must be within"),
        ("USD", Decimal("1E+999999999"), "USD amounts must be within"),
        (
            "USD",
            Decimal("1E-1000030"),
            "too many decimal places \\(1000030\\); USD allows at most 2",
        ),
        ("USD", "1.00000000000000000000000000001", "too many decimal places"),
        pytest.param("USD", 10**1_000_000, "at most 9223372036854775807", id="10**1000000"),
        pytest.param("USD", "9" * 100_000, "USD amounts must be within", id="100000 nines"),
    ],
)
def test_amount_out_of_bounds_refused_quickly(currency, amount, rule):
    started = time.perf_counter()
    with pytest.raises(ValidationError, match=rule) as exc_info:
        payment(currency=currency, amount=amount)
    assert time.perf_counter() - started < 0.5
    assert error_of(exc_info)["loc"] == ("amount",)


def test_response_amount_bounded_too():
    with pytest.raises(ValidationError, match="USD amounts must be within"):
        response(amount=Decimal("1E+30"))


def test_amount_ignores_the_callers_decimal_context():
    with localcontext() as context:
        context.prec = 4
        context.capitals = 0
        assert str(payment(amount="12345.67").amount) == "12345.67"
        assert str(payment(amount=Decimal("1E+5")).amount) == "100000"


# --- PaymentData: currency and precision ----------------------------------------


def test_jpy_fraction_rejected_naming_currency():
    with pytest.raises(ValidationError, match="JPY") as exc_info:
        payment(currency="JPY", amount="10.5")
    assert error_of(exc_info)["loc"] == ("amount",)


@pytest.mark.parametrize(
    ("currency", "amount"),
    [("KWD", "1.234"), ("JPY", "100.00"), ("JPY", "100"), ("CLF", "0.0001"), ("USD", "1.10")],
)
def test_precision_within_exponent_accepted(currency, amount):
    assert payment(currency=currency, amount=amount).amount == Decimal(amount)


@pytest.mark.parametrize(("currency", "amount"), [("USD", "1.001"), ("KWD", "1.2345")])
def test_precision_beyond_exponent_rejected(currency, amount):
    with pytest.raises(ValidationError, match=currency):
        payment(currency=currency, amount=amount)


@pytest.mark.parametrize("currency", ["usd", "Usd", " usd "])
def test_currency_normalised_to_upper(currency):
    assert payment(currency=currency).currency == "USD"


@pytest.mark.parametrize("currency", ["XYZ", "XAU", "XXX", "US", "", "USDX", 840, None])
def test_bad_currency_rejected(currency):
    with pytest.raises(ValidationError) as exc_info:
        payment(currency=currency)
    assert error_of(exc_info)["loc"] == ("currency",)


def test_bad_currency_skips_precision_check():
    with pytest.raises(ValidationError) as exc_info:
        payment(currency="XYZ", amount="1.23456")
    assert error_of(exc_info)["loc"] == ("currency",)


# --- PaymentData: gateway, errors, repr -----------------------------------------


@pytest.mark.parametrize("gateway", ["", "   ", "\t", "\u3000", None, 7])
def test_blank_gateway_rejected(gateway):
    with pytest.raises(ValidationError) as exc_info:
        payment(gateway=gateway)
    assert error_of(exc_info)["loc"] == ("gateway",)


def test_gateway_stripped():
    assert payment(gateway=" dummy ").gateway == "dummy"


@pytest.mark.parametrize(
    ("gateway", "rule"),
    [("x" * 256, "at most 255 characters"), ("dum\nmy", "one line"), ("\tdummy", "one line")],
)
def test_gateway_length_and_line(gateway, rule):
    with pytest.raises(ValidationError, match=rule) as exc_info:
        payment(gateway=gateway)
    assert error_of(exc_info)["loc"] == ("gateway",)


@pytest.mark.parametrize("payment_id", [0, 7, 2**63 - 1, "pay_7", "UGF5bWVudDox"])
def test_payment_id_accepted(payment_id):
    assert payment(payment_id=payment_id).payment_id == payment_id


@pytest.mark.parametrize(
    ("payment_id", "rule"),
    [
        (True, "not a bool"),  # was stored as 1
        (False, "not a bool"),
        (7.0, "int or a string"),
        (Decimal(7), "int or a string"),
        (-1, "from 0 to 2\\*\\*63-1"),
        (2**63, "from 0 to 2\\*\\*63-1"),
        ("", "empty or only whitespace"),
        ("   ", "empty or only whitespace"),
        ("x" * 256, "at most 255"),
    ],
)
def test_payment_id_rejected(payment_id, rule):
    with pytest.raises(ValidationError, match=rule) as exc_info:
        payment(payment_id=payment_id)
    assert error_of(exc_info)["loc"] == ("payment_id",)


@pytest.mark.parametrize("field", ["order_id", "customer_id", "psp_reference"])
@pytest.mark.parametrize("value", ["42", "x" * 255, "Order #42 – Zürich", "ch_3NqZ"])
def test_reference_accepted(field, value):
    assert getattr(payment(**{field: value}), field) == value


@pytest.mark.parametrize("field", ["order_id", "customer_id", "psp_reference"])
@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("", "empty or only whitespace"),
        ("   ", "empty or only whitespace"),
        ("\u3000", "empty or only whitespace"),
        ("x" * 256, "at most 255 characters"),
        ("42\n", "one line"),
        ("a\tb", "one line"),
        ("a\x00b", "one line"),
        ("a\u2028b", "one line"),
        (42, "must be a string"),
    ],
)
def test_reference_rejected(field, value, rule):
    with pytest.raises(ValidationError, match=rule) as exc_info:
        payment(**{field: value})
    assert error_of(exc_info)["loc"] == (field,)


def test_token_length():
    assert payment(token="t" * 16_384).token == "t" * 16_384
    with pytest.raises(ValidationError, match="at most 16384 characters") as exc_info:
        payment(token="t" * 16_385)
    assert error_of(exc_info)["loc"] == ("token",)


# --- PaymentData: customer e-mail and IP address ---------------------------------


@pytest.mark.parametrize(
    ("email", "stored"),
    [
        ("shopper@example.com", "shopper@example.com"),
        ("a.b+tag@sub.example.co.uk", "a.b+tag@sub.example.co.uk"),
        ("O'Brien@example.ie", "O'Brien@example.ie"),
        (" ada@example.com ", "ada@example.com"),
        ("kunde@bücher.de", "kunde@bücher.de"),
        ("x@xn--bcher-kva.de", "x@xn--bcher-kva.de"),
        ("a@b.co", "a@b.co"),
        ("", ""),
        (None, None),
    ],
)
def test_email_accepted(email, stored):
    assert payment(customer_email=email).customer_email == stored


@pytest.mark.parametrize(
    "email",
    [
        "plainaddress",
        "@example.com",
        "shopper@",
        "shopper@example",
        "shopper@localhost",
        "a..b@example.com",
        ".a@example.com",
        "a.@example.com",
        "a@example..com",
        "a@.example.com",
        "a@example.com.",
        "a@-example.com",
        "a@example-.com",
        "a b@example.com",
        "a@b@example.com",
        "ä@example.com",
        '"a b"@example.com',
        "a@[192.0.2.1]",
        "a@example.123",
        "a@example.com\n",
        "a@exa\tmple.com",
        "x" * 65 + "@example.com",
        "a@" + "x" * 64 + ".com",
        "a@" + "abcdefgh." * 28 + "com",  # 257 characters
    ],
)
def test_email_rejected(email):
    with pytest.raises(ValidationError, match="e-mail address") as exc_info:
        payment(customer_email=email)
    assert error_of(exc_info)["loc"] == ("customer_email",)


@pytest.mark.parametrize(
    ("address", "stored"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("2001:db8::1", "2001:db8::1"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        (" 192.0.2.1 ", "192.0.2.1"),
        ("", ""),
        (None, None),
    ],
)
def test_ip_address_accepted(address, stored):
    assert payment(customer_ip_address=address).customer_ip_address == stored


@pytest.mark.parametrize(
    "address",
    [
        "256.1.1.1",
        "192.0.2",
        "192.0.2.1\n",
        "192.0.2.1/24",
        "01.2.3.4",
        "localhost",
        "١٩٢.٠.٢.١",
        "2001:db8::g",
        "x" * 1000,
        3221225985,
    ],
)
def test_ip_address_rejected(address):
    with pytest.raises(ValidationError) as exc_info:
        payment(customer_ip_address=address)
    assert error_of(exc_info)["loc"] == ("customer_ip_address",)


def test_data_nesting_bounded():
    deep: dict = {}
    for _ in range(10_000):
        deep = {"d": deep}
    with pytest.raises(ValidationError, match="more than 20 deep") as exc_info:
        payment(data=deep)
    assert error_of(exc_info)["loc"] == ("data",)


def test_unknown_field_rejected():
    with pytest.raises(ValidationError) as exc_info:
        payment(card_number=VISA)
    assert error_of(exc_info)["loc"] == ("card_number",)
    assert VISA not in str(exc_info.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", TOKEN),
        ("amount", VISA + "x"),
        ("amount", VISA + "e5"),
        ("customer_email", VISA),
        ("customer_email", f"{VISA}@example"),
        ("customer_ip_address", VISA),
        ("order_id", VISA * 20),
        ("psp_reference", VISA + "\n"),
        ("customer_id", f"{VISA}\t"),
        ("token", VISA * 2000),
        ("billing", {"phone": VISA + "+"}),
        ("billing", {"country": VISA}),
        ("billing", {"postal_code": VISA * 2}),
        ("idempotency_key", TOKEN + " !"),
        ("idempotency_key", VISA * 5),
        ("data", TOKEN),
        ("token", [TOKEN]),
        ("payment_id", [TOKEN]),
        ("billing", TOKEN),
        ("gateway", [TOKEN]),
        ("currency", TOKEN),
        ("currency", VISA),
        ("amount", VISA + ".505"),
    ],
)
def test_error_names_field_but_not_value(field, value):
    with pytest.raises(ValidationError) as exc_info:
        payment(**{field: value})
    assert {error["loc"][0] for error in exc_info.value.errors()} == {field}
    text = str(exc_info.value).lower()
    assert TOKEN.lower() not in text
    assert VISA not in text


@pytest.mark.parametrize("render", [repr, str])
def test_token_and_data_not_in_repr(render):
    p = payment(token=VISA, data={"card": {"number": VISA, "cvc": "987"}})
    text = render(p)
    assert VISA not in text
    assert "'987'" not in text  # quoted: the random idempotency key may hold 987
    assert "dummy" in text  # the rest is still shown


def test_token_and_data_still_readable():
    p = payment(token=TOKEN, data={"k": "v"})
    assert p.token == TOKEN
    assert p.data == {"k": "v"}


# --- PaymentData: idempotency key and immutability -------------------------------


def test_idempotency_key_generated():
    key = payment().idempotency_key
    assert 1 <= len(key) <= 64


def test_idempotency_key_unique_per_instance():
    assert len({payment().idempotency_key for _ in range(50)}) == 50


def test_idempotency_key_stable_on_same_object():
    p = payment()
    key = p.idempotency_key
    assert p.model_dump()["idempotency_key"] == key
    assert p.model_copy().idempotency_key == p.idempotency_key


@pytest.mark.parametrize("key", ["a", "order-42:capture_1.retry", "x" * 64])
def test_idempotency_key_given(key):
    assert payment(idempotency_key=key).idempotency_key == key


@pytest.mark.parametrize("key", ["", "x" * 65, "has space", "semi;colon", "naïve", "a\n"])
def test_idempotency_key_invalid(key):
    with pytest.raises(ValidationError) as exc_info:
        payment(idempotency_key=key)
    assert error_of(exc_info)["loc"] == ("idempotency_key",)


@pytest.mark.parametrize(("field", "value"), [("amount", Decimal(1)), ("idempotency_key", "new")])
def test_payment_data_frozen(field, value):
    p = payment()
    with pytest.raises(AttributeError, match="immutable; use model_copy"):
        setattr(p, field, value)
    assert getattr(p, field) != value


def test_assigning_a_card_number_does_not_echo_it():
    with pytest.raises(AttributeError) as exc_info:
        payment().token = VISA  # type: ignore[misc]
    assert VISA not in str(exc_info.value)


# --- AddressData ----------------------------------------------------------------

ADDRESS_LIMITS = {
    "first_name": 256,
    "last_name": 256,
    "company_name": 256,
    "street_address_1": 256,
    "street_address_2": 256,
    "city": 256,
    "city_area": 128,
    "postal_code": 20,
    "country_area": 128,
}


def test_address_all_fields():
    address = AddressData(
        first_name="Ada",
        last_name="Lovelace",
        company_name="Analytical Engines Ltd",
        street_address_1="12 St James's Square",
        street_address_2="Flat 3",
        city="London",
        city_area="Westminster",
        postal_code="SW1Y 4JH",
        country="gb",
        country_area="Greater London",
        phone="+44 20 7946 0000",
    )
    assert (address.country, address.phone) == ("GB", "+44 20 7946 0000")


def test_empty_address_allowed():
    assert AddressData().country == ""


@pytest.mark.parametrize(("field", "limit"), ADDRESS_LIMITS.items())
def test_address_field_length(field, limit):
    assert getattr(AddressData(**{field: "x" * limit}), field) == "x" * limit
    with pytest.raises(ValidationError, match=f"at most {limit} characters") as exc_info:
        AddressData(**{field: "x" * (limit + 1)})
    assert error_of(exc_info)["loc"] == (field,)


@pytest.mark.parametrize("field", [*ADDRESS_LIMITS, "phone", "country"])
@pytest.mark.parametrize("value", [None, 42, ["x"], b"x"])
def test_address_field_must_be_text(field, value):
    with pytest.raises(ValidationError, match="must be a string") as exc_info:
        AddressData(**{field: value})
    assert error_of(exc_info)["loc"] == (field,)


@pytest.mark.parametrize("field", list(ADDRESS_LIMITS))
def test_address_field_one_line(field):
    with pytest.raises(ValidationError, match="one line") as exc_info:
        AddressData(**{field: "Main St\n1"})
    assert error_of(exc_info)["loc"] == (field,)


@pytest.mark.parametrize(
    ("country", "stored"),
    [("NL", "NL"), ("nl", "NL"), (" de ", "DE"), ("XK", "XK"), ("ax", "AX"), ("", "")],
)
def test_country_accepted(country, stored):
    assert AddressData(country=country).country == stored


@pytest.mark.parametrize(
    "country", ["NLD", "XX", "ZZ", "UK", "N1", "N", "Netherlands", "ıt", "ＮＬ", "N\nL", "  "]
)
def test_country_must_be_iso_3166_alpha_2(country):
    if not country.strip():
        assert AddressData(country=country).country == ""  # blank: unknown
        return
    with pytest.raises(ValidationError, match="ISO 3166-1 alpha-2") as exc_info:
        AddressData(country=country)
    assert error_of(exc_info)["loc"] == ("country",)


@pytest.mark.parametrize(
    "phone",
    [
        "+44 20 7946 0000",
        "(555) 123-4567",
        "+1 555.123.4567 ext. 89",
        "020 7946 0000 x12",
        "0031 20 123 4567",
        "+683 4002",
        "030/1234567",
        " +31201234567 ",
        "",
    ],
)
def test_phone_accepted(phone):
    assert AddressData(phone=phone).phone == phone.strip()


@pytest.mark.parametrize(
    ("phone", "rule"),
    [
        ("abc", "phone number"),
        ("123", "phone number"),
        ("+1234567890123456", "phone number"),  # 16 digits: E.164 has at most 15
        ("1234567890123456789", "phone number"),
        ("12+34567", "phone number"),
        ("+", "phone number"),
        ("١٢٣٤٥٦٧", "phone number"),
        ("555-CALL-NOW", "phone number"),
        ("+44 20 7946 0000;", "phone number"),
        ("+44 20 7946 0000\n", "one line"),
        ("1" * 31, "at most 30 characters"),
    ],
)
def test_phone_rejected(phone, rule):
    with pytest.raises(ValidationError, match=rule) as exc_info:
        AddressData(phone=phone)
    assert error_of(exc_info)["loc"] == ("phone",)


def test_payment_address_error_names_the_nested_field():
    with pytest.raises(ValidationError, match="ISO 3166-1") as exc_info:
        payment(shipping={"country": "NLD"})
    assert error_of(exc_info)["loc"] == ("shipping", "country")


# --- GatewayConfig ------------------------------------------------------------


@pytest.mark.parametrize(
    "currencies",
    ["USD, pln", "USD,PLN", " usd ,pln, ", ["USD", "pln"], ("usd", "PLN"), "USD, PLN, usd"],
)
def test_supported_currencies(currencies):
    assert config(supported_currencies=currencies).supported_currencies == ("USD", "PLN")


@pytest.mark.parametrize("currencies", ["", " , ", [], ()])
def test_supported_currencies_empty_rejected(currencies):
    with pytest.raises(ValidationError) as exc_info:
        config(supported_currencies=currencies)
    assert error_of(exc_info)["loc"] == ("supported_currencies",)


@pytest.mark.parametrize("currencies", ["USD, XYZ", ["USD", "XAU"], "USD PLN"])
def test_supported_currencies_unknown_rejected(currencies):
    with pytest.raises(ValidationError) as exc_info:
        config(supported_currencies=currencies)
    assert error_of(exc_info)["loc"] == ("supported_currencies",)


def test_supported_currencies_required():
    with pytest.raises(ValidationError):
        GatewayConfig(gateway_name="Dummy")


def test_gateway_name_required():
    with pytest.raises(ValidationError):
        config(gateway_name="")


SECRET_PARAMS = {
    "api_key": API_KEY,
    "secret_key": "secret-key-value-1",
    "password": "pa55word-value-2",
    "hmac_key": "hmac-key-value-3",
    "signature_key": "signature-key-value-4",
}


def secret_config():
    return config(connection_params={**SECRET_PARAMS, "base_url": "https://psp.example"})


@pytest.mark.parametrize(
    "render",
    [repr, str, lambda c: c.model_dump_json(), lambda c: json.dumps(c.model_dump(mode="json"))],
)
@pytest.mark.parametrize("name", list(SECRET_PARAMS))
def test_secret_param_hidden(render, name):
    text = render(secret_config())
    assert SECRET_PARAMS[name] not in text
    assert "https://psp.example" in text


@pytest.mark.parametrize("name", list(SECRET_PARAMS))
def test_secret_param_readable(name):
    assert secret_config().secret(name) == SECRET_PARAMS[name]


def test_non_secret_param_plain():
    cfg = secret_config()
    assert cfg.connection_params["base_url"] == "https://psp.example"
    assert cfg.secret("base_url") == "https://psp.example"


def test_explicit_secret_str_kept():
    cfg = config(connection_params={"merchant_account": SecretStr("acct-secret-99")})
    assert isinstance(cfg.connection_params["merchant_account"], SecretStr)
    assert "acct-secret-99" not in repr(cfg)
    assert cfg.secret("merchant_account") == "acct-secret-99"


def test_secret_values_lists_every_secret():
    assert sorted(secret_config().secret_values()) == sorted(SECRET_PARAMS.values())


def test_missing_secret_raises_key_error():
    with pytest.raises(KeyError):
        secret_config().secret("nope")


def test_config_error_does_not_echo_secret():
    with pytest.raises(ValidationError) as exc_info:
        config(connection_params={"api_key": API_KEY}, auto_capture="maybe")
    assert API_KEY not in str(exc_info.value)


@pytest.mark.parametrize("name", ["   ", "\t", "Dummy\n", "x" * 256, None, 7])
def test_gateway_name_rejected(name):
    with pytest.raises(ValidationError) as exc_info:
        config(gateway_name=name)
    assert error_of(exc_info)["loc"] == ("gateway_name",)


def test_gateway_name_stripped():
    assert config(gateway_name=" Dummy ").gateway_name == "Dummy"


def nested(levels):
    """``levels`` dicts, each inside the one before."""
    value: dict = {"leaf": 1}
    for _ in range(levels - 1):
        value = {"n": value}
    return value


def test_connection_params_nest_20_levels():
    assert config(connection_params=nested(20)).connection_params["n"]["n"]


@pytest.mark.parametrize(
    "params",
    [
        nested(21),
        nested(10_000),  # raised RecursionError
        {"list": [[[[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]]]]},
        {"set": [frozenset({((((((((((((((((((((("t",),),),),),),),),),),),),),),),),),),),),)})]},
        {"key": {(((((((((((((((((((((("k",),),),),),),),),),),),),),),),),),),),),),): 1}},
        {"secret_key": SecretStr("s"), "wrapped": Secret(nested(20))},
    ],
    ids=["21", "10000", "lists", "tuples in a set", "tuple key", "inside a Secret"],
)
def test_connection_params_too_deep(params):
    with pytest.raises(ValidationError, match="more than 20 deep") as exc_info:
        config(connection_params=params)
    assert error_of(exc_info)["loc"] == ("connection_params",)


@pytest.mark.parametrize(
    "number", [2**64, -(2**64) - 1, 10**5000], ids=["2**64", "-2**64-1", "10**5000"]
)
def test_connection_params_integers_bounded(number):
    # 10**5000 was accepted, and then repr() of the config raised ValueError.
    with pytest.raises(ValidationError, match="integer beyond 64 bits") as exc_info:
        config(connection_params={"limits": [number]})
    assert error_of(exc_info)["loc"] == ("connection_params",)
    assert repr(config(connection_params={"limits": [2**64 - 1, -(2**63)]}))


def cyclic_dict():
    params: dict = {"base_url": "https://psp.example"}
    params["self"] = params
    return params


def cyclic_list():
    items: list = ["a"]
    items.append({"items": items})
    return {"webhook": {"urls": items}}


@pytest.mark.parametrize("params", [cyclic_dict(), cyclic_list()], ids=["dict", "list"])
def test_connection_params_cycle_refused(params):
    with pytest.raises(ValidationError, match="must not contain itself") as exc_info:
        config(connection_params=params)
    assert error_of(exc_info)["loc"] == ("connection_params",)


def test_shared_values_are_no_cycle():
    address = {"city": "Amsterdam", "country": "NL"}
    params = {"billing": address, "shipping": address, "both": [address, address]}
    assert config(connection_params=params).connection_params["both"][1] == address


def test_values_shared_exponentially_refused_quickly():
    shared: list = ["x"]
    for _ in range(18):
        shared = [shared] * 100  # 19 levels of lists, but 100**18 of them to print
    started = time.perf_counter()
    with pytest.raises(ValidationError, match="at most 100000 values") as exc_info:
        config(connection_params={"fan": shared})
    assert time.perf_counter() - started < 0.5
    assert error_of(exc_info)["loc"] == ("connection_params",)


ROTATED = ["whsec_current_0123456789", "whsec_previous_9876543210"]
HIDDEN_PARAMS = {
    "webhook_secrets": ROTATED,
    "signing_keys": tuple(ROTATED),
    "client_cert_key": b"-----BEGIN PRIVATE KEY-----binary-key-bytes",
    "bearer": "bearer-token-value-5",
    "Authorization": "Basic dXNlcjpwYXNzd29yZA==",
    "passphrase": "correct horse battery staple",
    "credentials": {"user": "merchant-login-6", "id": 12345678},
    "accounts": [{"name": "EU", "api_key": "eu-api-key-value-7"}],
    "base_url": "https://merchant-user:url-password-8@psp.example/v1",
    "mirrors": ["https://psp.example", "https://mirror-user:mirror-pass-9@mirror.example"],
}
#: Every secret text in HIDDEN_PARAMS, as secret_values() must list it.
HIDDEN_TEXTS = [
    *ROTATED,
    "-----BEGIN PRIVATE KEY-----binary-key-bytes",
    "bearer-token-value-5",
    "Basic dXNlcjpwYXNzd29yZA==",
    "correct horse battery staple",
    "merchant-login-6",
    "12345678",
    "eu-api-key-value-7",
    "https://merchant-user:url-password-8@psp.example/v1",
    "merchant-user:url-password-8",
    "url-password-8",
    "https://mirror-user:mirror-pass-9@mirror.example",
    "mirror-user:mirror-pass-9",
    "mirror-pass-9",
]


def hidden_config():
    return config(connection_params={**HIDDEN_PARAMS, "region": "eu", "use_hmac": True})


@pytest.mark.parametrize(
    "render",
    [repr, str, lambda c: c.model_dump_json(), lambda c: json.dumps(c.model_dump(mode="json"))],
    ids=["repr", "str", "json", "dump"],
)
@pytest.mark.parametrize("secret", HIDDEN_TEXTS)
def test_secret_of_any_type_hidden(render, secret):
    text = render(hidden_config())
    assert secret not in text
    assert "'region': 'eu'" in text or '"region":"eu"' in text.replace(" ", "")


def test_secret_values_lists_every_secret_as_text():
    assert sorted(hidden_config().secret_values()) == sorted(HIDDEN_TEXTS)


def test_secret_returns_the_plain_value():
    cfg = hidden_config()
    assert cfg.secret("webhook_secrets") == tuple(ROTATED)
    assert cfg.secret("signing_keys") == tuple(ROTATED)
    assert cfg.secret("client_cert_key") == HIDDEN_PARAMS["client_cert_key"]
    assert cfg.secret("bearer") == "bearer-token-value-5"
    assert cfg.secret("credentials") == {"user": "merchant-login-6", "id": 12345678}
    assert cfg.secret("base_url") == HIDDEN_PARAMS["base_url"]
    assert cfg.secret("region") == "eu"


def test_secret_text():
    cfg = hidden_config()
    assert cfg.secret_text("bearer") == "bearer-token-value-5"
    assert cfg.secret_text("client_cert_key") == HIDDEN_PARAMS["client_cert_key"].decode()
    assert cfg.secret_text("base_url") == HIDDEN_PARAMS["base_url"]
    for name in ("webhook_secrets", "credentials"):
        with pytest.raises(ValueError, match=f"connection_params.{name} must be text") as exc:
            cfg.secret_text(name)
        assert "whsec" not in str(exc.value) and "merchant-login" not in str(exc.value)


def test_secret_text_of_bytes_not_utf8():
    cfg = config(connection_params={"hmac_key": b"\xff\xfe-raw"})
    with pytest.raises(ValueError, match="connection_params.hmac_key must be UTF-8 text"):
        cfg.secret_text("hmac_key")


def test_flags_and_public_keys_stay_plain():
    cfg = config(
        connection_params={
            "use_hmac": True,
            "publishable_key": "pk_test_123",
            "public_key": "pub-123",
            "hmac_key": None,
        }
    )
    assert cfg.connection_params == {
        "use_hmac": True,
        "publishable_key": "pk_test_123",
        "public_key": "pub-123",
        "hmac_key": None,
    }


def test_hidden_config_round_trips():
    cfg = hidden_config()
    again = GatewayConfig.model_validate(cfg.model_dump())
    assert again.secret_values() == cfg.secret_values()
    assert again.secret("webhook_secrets") == tuple(ROTATED)


# --- GatewayResponse ----------------------------------------------------------


def test_failed_response_needs_error_code():
    with pytest.raises(ValidationError, match="error_code"):
        response(is_success=False)


def test_failed_response_rejects_unknown_error_code():
    with pytest.raises(ValidationError, match="error_code"):
        response(is_success=False, error_code="DECLINED_BY_BANK")


@pytest.mark.parametrize("is_success", [0, "false"])
def test_is_success_must_be_a_real_bool(is_success):
    # Coercing 0 or "false" would let a failure skip the error_code rule.
    with pytest.raises(ValidationError, match="is_success"):
        response(is_success=is_success, error_code=ErrorCode.DECLINED)


@pytest.mark.parametrize("code", list(ErrorCode))
def test_failure_defaults_from_code(code):
    r = response(is_success=False, error_code=code)
    assert r.error == code.user_message
    assert r.retry_advice is code.default_retry


def test_failure_accepts_code_value():
    assert response(is_success=False, error_code="expired").error_code is ErrorCode.EXPIRED


def test_failure_explicit_values_kept():
    r = response(
        is_success=False,
        error_code=ErrorCode.DECLINED,
        error="Declined by issuer.",
        retry_advice=RetryAdvice.TRY_ANOTHER_GATEWAY,
    )
    assert r.error == "Declined by issuer."
    assert r.retry_advice is RetryAdvice.TRY_ANOTHER_GATEWAY


@pytest.mark.parametrize(
    "fields", [{"error_code": ErrorCode.DECLINED}, {"retry_advice": RetryAdvice.RETRY_LATER}]
)
def test_success_with_error_rejected(fields):
    with pytest.raises(ValidationError, match="error_code"):
        response(is_success=True, **fields)


def test_success_has_no_error():
    r = response()
    assert (r.error_code, r.error, r.retry_advice) == (None, None, None)


@pytest.mark.parametrize("amount", ["-0.01", -1])
def test_response_negative_amount_rejected(amount):
    with pytest.raises(ValidationError) as exc_info:
        response(amount=amount)
    assert error_of(exc_info)["loc"] == ("amount",)


@pytest.mark.parametrize("amount", ["0", 0, "0.00"])
def test_response_zero_amount_allowed(amount):
    assert response(amount=amount).amount == 0


def test_response_float_amount_rejected():
    with pytest.raises(ValidationError, match="float"):
        response(amount=1.5)


def test_response_precision_rule():
    with pytest.raises(ValidationError, match="JPY"):
        response(currency="JPY", amount="10.5")
    assert response(currency="KWD", amount="1.234").amount == Decimal("1.234")


def test_response_frozen():
    r = response()
    with pytest.raises(AttributeError, match="immutable"):
        r.is_success = False


def test_success_echoes_payment():
    p = payment(currency="kwd", amount="1.234")
    r = GatewayResponse.success(p, TransactionKind.CAPTURE, "ch_1", psp_reference="psp_9")
    assert r.is_success
    assert (r.amount, r.currency) == (Decimal("1.234"), "KWD")
    assert (r.kind, r.transaction_id, r.psp_reference) == (
        TransactionKind.CAPTURE,
        "ch_1",
        "psp_9",
    )
    assert r.error_code is None


def test_failure_from_normalized_error_keeps_psp_values():
    error = ErrorMap({"card_declined": ErrorCode.DECLINED}).normalize(
        "card_declined", "Do not honor"
    )
    r = GatewayResponse.failure(payment(), TransactionKind.AUTH, error, transaction_id="ch_2")
    assert not r.is_success
    assert (r.amount, r.currency) == (Decimal("10.50"), "USD")
    assert r.error_code is ErrorCode.DECLINED
    assert r.error == ErrorCode.DECLINED.user_message
    assert r.retry_advice is RetryAdvice.DO_NOT_RETRY
    assert (r.psp_error_code, r.psp_error_message) == ("card_declined", "Do not honor")
    assert r.transaction_id == "ch_2"


def test_failure_keeps_retry_override():
    error = NormalizedError(ErrorCode.DECLINED, RetryAdvice.AUTHENTICATE, "auth_req", None)
    r = GatewayResponse.failure(payment(), TransactionKind.AUTH, error)
    assert r.retry_advice is RetryAdvice.AUTHENTICATE


def test_failure_from_error_code():
    r = GatewayResponse.failure(payment(), TransactionKind.REFUND, ErrorCode.PROCESSING_ERROR)
    assert r.error_code is ErrorCode.PROCESSING_ERROR
    assert r.retry_advice is RetryAdvice.RETRY_LATER
    assert (r.psp_error_code, r.psp_error_message) == (None, None)
    assert r.kind is TransactionKind.REFUND


# --- TransactionKind ----------------------------------------------------------


def test_transaction_kinds_are_saleors_thirteen():
    assert {kind.value for kind in TransactionKind} == {
        "action_to_confirm",
        "auth",
        "cancel",
        "capture",
        "capture_failed",
        "confirm",
        "external",
        "pending",
        "refund",
        "refund_failed",
        "refund_ongoing",
        "refund_reversed",
        "void",
    }
    assert len(TransactionKind) == 13


# --- CreditCardInfo -----------------------------------------------------------


def card(**fields):
    return CreditCardInfo(**{"last_4": "4242", "exp_year": 2030, "exp_month": 12, **fields})


def test_card_info_valid():
    assert card().last_4 == "4242"


@pytest.mark.parametrize(
    "last_4",
    [
        "424",
        "42424",
        "abcd",
        "",
        4242,
        "١٢٣٤",  # Arabic-Indic digits: \d would accept them
    ],
)
def test_last_4_must_be_four_digits(last_4):
    with pytest.raises(ValidationError) as exc_info:
        card(last_4=last_4)
    assert error_of(exc_info)["loc"] == ("last_4",)


def test_full_card_number_as_last_4_rejected_silently():
    with pytest.raises(ValidationError) as exc_info:
        card(last_4=VISA)
    assert error_of(exc_info)["loc"] == ("last_4",)
    assert VISA not in str(exc_info.value)


@pytest.mark.parametrize(
    ("field", "value"), [("exp_month", 13), ("exp_month", 0), ("exp_year", 99)]
)
def test_card_expiry_range(field, value):
    with pytest.raises(ValidationError) as exc_info:
        card(**{field: value})
    assert error_of(exc_info)["loc"] == (field,)


# --- GatewayInfo --------------------------------------------------------------


def info(gateway_id):
    return GatewayInfo(id=gateway_id, name="Dummy", default_config=config())


@pytest.mark.parametrize("gateway_id", ["dummy", "mirumee.payments.dummy", "a1:b-c_d", "X"])
def test_gateway_id_valid(gateway_id):
    assert info(gateway_id).id == gateway_id


@pytest.mark.parametrize(
    "gateway_id",
    [
        "",
        "-dummy",
        "has space",
        "bad!",
        "dummy/v2",
    ],
)
def test_gateway_id_invalid(gateway_id):
    with pytest.raises(ValidationError) as exc_info:
        info(gateway_id)
    assert error_of(exc_info)["loc"] == ("id",)


def test_gateway_info_accepts_error_map():
    table = ErrorMap({"x": ErrorCode.DECLINED})
    gateway = GatewayInfo(id="d", name="D", default_config=config(), error_map=table)
    assert gateway.error_map is table
