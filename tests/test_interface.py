"""Validation rules of the pydantic data types in gateway_plugins.interface."""

import json
from decimal import Decimal

import pytest
from pydantic import SecretStr, ValidationError

from gateway_plugins.errors import ErrorCode, ErrorMap, NormalizedError, RetryAdvice
from gateway_plugins.interface import (
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
        ("1e2", Decimal(100)),
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


@pytest.mark.parametrize("gateway", ["", "   ", None, 7])
def test_blank_gateway_rejected(gateway):
    with pytest.raises(ValidationError) as exc_info:
        payment(gateway=gateway)
    assert error_of(exc_info)["loc"] == ("gateway",)


def test_gateway_stripped():
    assert payment(gateway=" dummy ").gateway == "dummy"


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
