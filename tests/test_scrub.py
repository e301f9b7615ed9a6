"""Card numbers, sensitive keys and known secrets are kept out of text and data."""

import copy

import pytest

from gateway_plugins.scrub import (
    REDACTED,
    Scrubber,
    is_sensitive_key,
    looks_like_pan,
    luhn_valid,
    scrub,
)

VISA = "4242424242424242"
PANS = [
    VISA,
    "4111111111111111",
    "5555555555554444",
    "6011111111111117",
    "378282246310005",  # Amex, 15 digits
    "30569309025904",  # Diners, 14 digits
    "500000000009",  # 12 digits, the shortest scanned
    "6020112345678901238",  # 19 digits, the longest scanned
]
NOT_PANS = [
    "4242424242424241",  # one digit off: fails Luhn
    "1234567890123456",  # an order id
    "79927398713",  # Luhn-valid but only 11 digits
    "42424242424242424242",  # Luhn-valid but 20 digits
]
API_KEY = "sk_live_51HxYzAbCdEf"


# --- luhn_valid ---------------------------------------------------------------


@pytest.mark.parametrize("digits", [*PANS, "79927398713", "0", "18"])
def test_luhn_valid(digits):
    assert luhn_valid(digits)


@pytest.mark.parametrize("digits", ["4242424242424241", "1234567890123456", "79927398710", "1"])
def test_luhn_invalid(digits):
    assert not luhn_valid(digits)


# --- text ---------------------------------------------------------------------


@pytest.mark.parametrize("pan", PANS)
def test_pan_in_text_redacted(pan):
    assert scrub(f"charge card {pan} now") == f"charge card {REDACTED} now"


@pytest.mark.parametrize(
    "pan",
    ["4242 4242 4242 4242", "4242-4242-4242-4242", "3782 822463 10005", "4242 4242-42424242"],
)
def test_pan_with_separators_redacted(pan):
    assert scrub(f"card={pan};") == f"card={REDACTED};"


@pytest.mark.parametrize(
    "text",
    [
        f'{{"card":"{VISA}"}}',
        f"number={VISA}&cvc=1",
        f"pan:{VISA}.",
        f"({VISA})",
    ],
)
def test_pan_next_to_punctuation_redacted(text):
    result = scrub(text)
    assert VISA not in result
    assert REDACTED in result


@pytest.mark.parametrize("number", NOT_PANS)
def test_non_pan_number_kept(number):
    text = f"order {number} shipped"
    assert scrub(text) == text


def test_several_pans_in_one_text():
    text = f"old {VISA}, new 5555 5555 5555 4444, order 1234567890123456"
    assert scrub(text) == f"old {REDACTED}, new {REDACTED}, order 1234567890123456"


@pytest.mark.parametrize(
    "text",
    [
        f"card {VISA} 12/26 cvc 123",
        "card 4242 4242 4242 4242 12/26",
        f"qty 3 {VISA}",
        f"{VISA}-01",
    ],
    ids=["expiry-after", "spaced-expiry-after", "digit-before", "suffix"],
)
def test_pan_next_to_other_digits_redacted(text):
    assert "4242" not in scrub(text)


@pytest.mark.parametrize("pan", PANS)
def test_looks_like_pan(pan):
    assert looks_like_pan(f"x {pan} y")


@pytest.mark.parametrize("number", NOT_PANS)
def test_does_not_look_like_pan(number):
    assert not looks_like_pan(f"x {number} y")


# --- sensitive keys -----------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["cvc", "number", "api_key", "Authorization", "X-API-Key", "CVV", "card-number", "password",
     "encryptedCardNumber", "encryptedSecurityCode", "dataValue", "transactionKey",
     "signature_key", "hmacKey"],
)  # fmt: skip
def test_sensitive_key(key):
    assert is_sensitive_key(key)


@pytest.mark.parametrize("key", ["token", "key", "id", "amount", "reference", 42, None])
def test_not_sensitive_key(key):
    assert not is_sensitive_key(key)


@pytest.mark.parametrize("key", ["cvc", "number", "api_key", "Authorization", "X-API-Key"])
def test_sensitive_key_redacted_at_top_level(key):
    assert scrub({key: "abc123", "status": "ok"}) == {key: REDACTED, "status": "ok"}


def test_sensitive_keys_redacted_at_any_depth():
    data = {
        "request": {
            "card": {"number": "4000 0000 0000 0002x", "cvc": "123", "exp_month": 12},
            "headers": [{"Authorization": "Bearer abc"}, {"X-API-Key": "k-123"}],
        },
        "batches": [[{"cvv": 999}]],
    }
    assert scrub(data) == {
        "request": {
            "card": {"number": REDACTED, "cvc": REDACTED, "exp_month": 12},
            "headers": [{"Authorization": REDACTED}, {"X-API-Key": REDACTED}],
        },
        "batches": [[{"cvv": REDACTED}]],
    }


def test_sensitive_key_hides_nested_value_entirely():
    assert scrub({"authorization": {"scheme": "Basic", "value": "abc"}}) == {
        "authorization": REDACTED
    }


def test_harmless_keys_and_values_kept():
    data = {"id": "ch_123", "amount": 1050, "paid": True, "fee": None, "rate": 1.5, "tags": []}
    assert scrub(data) == data


def test_tuple_scrubbed_like_list():
    assert scrub(({"cvc": "123"}, VISA)) == [{"cvc": REDACTED}, REDACTED]


# --- int values -----------------------------------------------------------------


def test_int_pan_redacted():
    assert scrub({"card_ref": int(VISA)}) == {"card_ref": REDACTED}


def test_int_pan_redacted_at_top_level():
    assert scrub(int(VISA)) == REDACTED


@pytest.mark.parametrize("value", [1234567890123456, 4242424242424241, 1050, 0, -1, True])
def test_int_non_pan_kept(value):
    assert scrub({"value": value}) == {"value": value}


# --- known secrets --------------------------------------------------------------


def test_known_secret_hidden_in_text():
    assert scrub(f"POST /charges key={API_KEY} ok", secrets=[API_KEY]) == (
        f"POST /charges key={REDACTED} ok"
    )


def test_known_secret_hidden_at_any_depth():
    data = {"log": [{"msg": f"using {API_KEY}"}], "ref": API_KEY}
    assert scrub(data, secrets=[API_KEY]) == {
        "log": [{"msg": f"using {REDACTED}"}],
        "ref": REDACTED,
    }


def test_known_secret_hidden_every_time():
    assert Scrubber([API_KEY]).text(f"{API_KEY}/{API_KEY}") == f"{REDACTED}/{REDACTED}"


def test_unknown_secret_not_hidden():
    assert scrub(f"key={API_KEY}") == f"key={API_KEY}"


def test_longer_secret_hidden_before_its_prefix():
    short, long = "tok_abcd", "tok_abcd_efgh"
    assert Scrubber([short, long]).text(f"{long} {short}") == f"{REDACTED} {REDACTED}"


@pytest.mark.parametrize("secret", ["", "a", "12", "abc"])
def test_short_secret_ignored(secret):
    text = "abc 12 a"
    assert Scrubber([secret]).text(text) == text


def test_four_char_secret_hidden():
    assert Scrubber(["hunt"]).text("hunter2") == f"{REDACTED}er2"


@pytest.mark.parametrize("key", [API_KEY, VISA], ids=["secret", "pan"])
def test_secret_used_as_key_hidden(key):
    result = Scrubber([API_KEY]).data({"by_key": {key: "x"}})
    assert key not in repr(result)


# --- leaks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        f"card {VISA}",
        {"cvc": "123"},
        {"deep": [{"X-API-Key": "k"}]},
        [int(VISA)],
        {"note": f"key {API_KEY}"},
    ],
)
def test_leaks(value):
    assert Scrubber([API_KEY]).leaks(value)


@pytest.mark.parametrize(
    "value",
    [
        "order 1234567890123456",
        {"id": "ch_1", "amount": 1050, "items": [("a", 1)]},
        [],
        None,
        f"key {API_KEY}",  # not a known secret to this scrubber
    ],
)
def test_no_leak(value):
    assert not Scrubber().leaks(value)


# --- input untouched ------------------------------------------------------------


def test_input_not_mutated():
    data = {
        "card": {"number": VISA, "cvc": "123"},
        "log": [f"card {VISA}", {"api_key": API_KEY}],
        "raw": f"key={API_KEY}",
    }
    before = copy.deepcopy(data)
    scrubbed = scrub(data, secrets=[API_KEY])
    assert data == before
    assert scrubbed != before


# -- might_leak: the manager's fast check must never miss what data() hides ------


def _random_value(rng, depth=0):
    pieces = [VISA, "4242 4242 4242 4242", "4242-4242-4242-4242", API_KEY, "12/26", "ok",
              "١٢٣٤", "dummy_ref", "3", " ", "-", "cvc", "order 123456789012"]  # fmt: skip
    choice = rng.randrange(7 if depth < 3 else 4)
    if choice == 0:
        return "".join(rng.choice(pieces) for _ in range(rng.randrange(4)))
    if choice == 1:
        return rng.choice([0, 42, 10**11 - 1, 10**11, int(VISA), -int(VISA), True, None, 1.5])
    if choice == 2:
        return "".join(rng.choice("0123456789 -ab") for _ in range(rng.randrange(30)))
    if choice == 3:
        return rng.choice(pieces)
    if choice == 4:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if choice == 5:
        return tuple(_random_value(rng, depth + 1) for _ in range(rng.randrange(3)))
    keys = ["id", "number", "CVC", "X-API-Key", "amount", VISA, API_KEY, "status"]
    return {rng.choice(keys): _random_value(rng, depth + 1) for _ in range(rng.randrange(4))}


def test_might_leak_is_false_only_when_data_hides_nothing():
    import random

    rng = random.Random(20261122)
    scrubber = Scrubber([API_KEY])
    checked = 0
    for _ in range(20_000):
        value = _random_value(rng)
        if not scrubber.might_leak(value):
            checked += 1
            assert scrubber.data(value) == _plain_copy(value), value
    assert checked > 1000  # the fast path is really exercised


def _plain_copy(value):
    if isinstance(value, dict):
        return {k: _plain_copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_copy(v) for v in value]
    return value


def test_might_leak_flags_each_kind_of_toxic_value():
    scrubber = Scrubber([API_KEY])
    assert scrubber.might_leak({"note": f"card {VISA}"})
    assert scrubber.might_leak({"card": {"cvc": "123"}})
    assert scrubber.might_leak({"header": f"Bearer {API_KEY}"})
    assert scrubber.might_leak({"n": int(VISA)})
    assert not scrubber.might_leak({"id": "pi_123", "amount": 1000, "status": "ok"})


def test_a_psp_reference_that_passes_luhn_stays_readable():
    reference = "4242424242424242"  # Adyen references are 16 digits; some pass Luhn
    scrubbed = Scrubber([API_KEY]).data({"pspReference": reference, "note": reference})

    assert scrubbed == {"pspReference": reference, "note": "[REDACTED]"}


def test_secrets_are_hidden_even_under_reference_keys():
    assert Scrubber([API_KEY]).data({"psp_reference": API_KEY}) == {"psp_reference": "[REDACTED]"}
