"""Card numbers, sensitive keys and known secrets are kept out of text and data."""

import copy
import json
import logging
import random
import time
from collections.abc import Mapping
from decimal import Decimal

import pytest

from gateway_plugins.http import HttpClient, HttpRequest
from gateway_plugins.scrub import (
    MAX_DEPTH,
    REDACTED,
    UNREADABLE,
    Scrubber,
    inspect,
    is_reference_key,
    is_sensitive_key,
    looks_like_pan,
    luhn_valid,
    scrub,
)
from tests.loopback import Loopback, Reply

VISA = "4242424242424242"
PANS = [
    VISA,
    "4111111111111111",
    "5555555555554444",
    "6011111111111117",
    "378282246310005",  # Amex, 15 digits
    "30569309025904",  # Diners, 14 digits
    "4222222222222",  # 13 digits, the shortest scanned
    "6020112345678901238",  # 19 digits, the longest scanned
]
NOT_PANS = [
    "4242424242424241",  # one digit off: fails Luhn
    "1234567890123456",  # an order id
    "79927398713",  # Luhn-valid but only 11 digits
    "500000000009",  # Luhn-valid but only 12 digits
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


def test_tuple_scrubbed_into_a_tuple():
    assert scrub(({"cvc": "123"}, VISA)) == ({"cvc": REDACTED}, REDACTED)


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


# -- might_leak ------------------------------------------------------------------


def test_might_leak_flags_each_kind_of_toxic_value():
    scrubber = Scrubber([API_KEY])
    assert scrubber.might_leak({"note": f"card {VISA}"})
    assert scrubber.might_leak({"card": {"cvc": "123"}})
    assert scrubber.might_leak({"header": f"Bearer {API_KEY}"})
    assert scrubber.might_leak({"n": int(VISA)})
    assert not scrubber.might_leak({"id": "pi_123", "amount": 1000, "status": "ok"})


def test_a_psp_reference_that_passes_luhn_stays_readable():
    reference = "8815658961765255"  # Adyen's older references: 16 digits, some pass Luhn
    scrubbed = Scrubber([API_KEY]).data({"pspReference": reference, "note": reference})

    assert scrubbed == {"pspReference": reference, "note": "[REDACTED]"}


def test_secrets_are_hidden_even_under_reference_keys():
    assert Scrubber([API_KEY]).data({"psp_reference": API_KEY}) == {"psp_reference": "[REDACTED]"}


# --- the card-number rule, widened (issue 9) --------------------------------------

SPLIT_PANS = {
    "dots": "4111.1111.1111.1111",
    "plus signs": "4111+1111+1111+1111",
    "url-encoded spaces": "4111%201111%201111%201111",
    "newlines": "4111\n1111\n1111\n1111",
    "crlf": "4111\r\n1111\r\n1111\r\n1111",
    "tabs": "4111\t1111\t1111\t1111",
    "no-break spaces": "4111\u00a01111\u00a01111\u00a01111",
    "narrow no-break spaces": "4111\u202f1111\u202f1111\u202f1111",
    "double spaces": "4111  1111  1111  1111",
    "slashes": "4111/1111/1111/1111",
    "spaced dashes": "4111 - 1111 - 1111 - 1111",
    "mixed": "4111.1111-1111 1111",
    "amex groups": "3782 822463 10005",
}


@pytest.mark.parametrize("pan", SPLIT_PANS.values(), ids=SPLIT_PANS.keys())
def test_pan_split_by_any_common_separator_is_hidden(pan):
    assert scrub(f"card: {pan}.") == f"card: {REDACTED}."
    assert looks_like_pan(pan)
    assert inspect({"note": pan}).suspicious


@pytest.mark.parametrize(
    "text",
    ["card4111111111111111", "4111111111111111exp1226", "pan=x4111111111111111y",
     "CARD4111-1111-1111-1111END", "n°4111111111111111"],
)  # fmt: skip
def test_pan_next_to_letters_is_hidden(text):
    result = scrub(text)
    assert REDACTED in result and "4111" not in result
    assert inspect([text]).suspicious


def _written_with(number, zero):
    return "".join(chr(zero + int(digit)) for digit in number)


UNICODE_ZEROS = {
    "arabic-indic": 0x660,
    "persian": 0x6F0,
    "devanagari": 0x966,
    "bengali": 0x9E6,
    "thai": 0xE50,
    "fullwidth": 0xFF10,
    "mathematical bold": 0x1D7CE,
}


@pytest.mark.parametrize("zero", UNICODE_ZEROS.values(), ids=UNICODE_ZEROS.keys())
def test_pan_in_other_unicode_digits_is_hidden(zero):
    pan = _written_with(VISA, zero)
    spaced = " ".join(_written_with(group, zero) for group in ("4242",) * 4)
    assert scrub(f"card {pan} ok") == f"card {REDACTED} ok"
    assert scrub(f"card {spaced} ok") == f"card {REDACTED} ok"
    assert inspect({"note": pan}).suspicious


def test_pan_in_mixed_ascii_and_arabic_digits_is_hidden():
    assert scrub("4242٤٢٤٢4242٤٢٤٢") == REDACTED


def _json_escaped(text):
    return "".join(f"\\u{ord(char):04x}" for char in text)


@pytest.mark.parametrize(
    "escaped",
    [_json_escaped(VISA), _json_escaped(_written_with(VISA, 0x660)),
     "42" + _json_escaped("4242424242") + "4242", _json_escaped("4242 4242 4242 4242")],
    ids=["ascii", "arabic-indic", "partly", "spaced"],
)  # fmt: skip
def test_json_escaped_digits_in_a_raw_json_text_are_hidden(escaped):
    raw = '{"card": "' + escaped + '", "status": "ok"}'
    assert REDACTED not in json.loads(raw)["card"]  # it really is a card number

    assert json.loads(scrub(raw)) == {"card": REDACTED, "status": "ok"}
    assert inspect({"body": raw}).suspicious


def test_json_escape_of_a_letter_breaks_the_number():
    text = "4242424242\\u00414242424242"  # 4242424242A4242424242: two 10-digit numbers
    assert scrub(text) == text


@pytest.mark.parametrize(
    "value",
    [Decimal(VISA), Decimal(f"{VISA}.00"), Decimal("4.242424242424242E+15"), float(VISA),
     Decimal("4242424.242424242"), -int(VISA)],
    ids=["decimal", "decimal-cents", "decimal-exponent", "float", "decimal-point-inside",
         "negative-int"],
)  # fmt: skip
def test_pan_as_a_number_is_hidden(value):
    assert scrub({"value": value}) == {"value": REDACTED}
    assert scrub([value]) == [REDACTED]
    assert inspect({"value": value}).suspicious
    assert Scrubber().leaks({"value": value})


@pytest.mark.parametrize("kind", [bytes, bytearray])
def test_pan_in_bytes_is_hidden(kind):
    value = kind(f"card {VISA} ok".encode())
    scrubbed = scrub({"body": value})["body"]
    assert scrubbed == f"card {REDACTED} ok".encode() and isinstance(scrubbed, kind)
    assert inspect({"body": value}).suspicious
    assert Scrubber().text(value) == f"card {REDACTED} ok"


@pytest.mark.parametrize(
    "value",
    [Decimal("10.50"), Decimal("1234567.89"), 10.5, 1e300, float("nan"), Decimal("NaN"),
     Decimal("Infinity"), Decimal("sNaN"), b"order 42", 10**30, 1700000000],
)  # fmt: skip
def test_harmless_numbers_and_bytes_are_kept(value):
    scrubbed = scrub({"value": value})["value"]
    assert scrubbed is value or scrubbed == value


#: Texts a PSP reply really holds, none of them a card number.
HARMLESS_TEXTS = [
    "2024-01-15T10:30:45.123456Z",
    "2024-01-15 10:30:45",
    "01/15/2024 10:30",
    "192.168.100.200",
    "+1 415 555 0100",
    "pi_3MtwBwLkdIwHu7ix28a3tqPa",
    "QFQTPCQ8HXSKGK82",
    "XXXX1111",
    "874574:1111:03/2030",  # Adyen's auth code, last four and expiry
    "10.50 EUR",
    "60123456789",  # an Authorize.Net transId
    "500000000009",  # Luhn-valid but 12 digits: under the 13 a card number has
    "1234567890123456",  # Luhn-invalid
    "42424242424242424242",  # Luhn-valid, but 20 digits in one run
    "550e8400-e29b-41d4-a716-446655440000",
]


@pytest.mark.parametrize("text", HARMLESS_TEXTS)
def test_harmless_text_is_kept(text):
    assert scrub(text) == text
    assert not looks_like_pan(text)
    assert not inspect({"note": text}).suspicious


# --- reference keys: readable references, never a readable card (issue 9) ----------

ADYEN_REF = "8815658961765255"  # Adyen's old numeric style; passes the Luhn check
REFERENCES = {
    "pspReference": ADYEN_REF,
    "originalReference": "9915658961765252",
    "transId": "60123456789",
    "refTransID": "60123456788",
    "paymentPspReference": "QFQTPCQ8HXSKGK82",
}


def test_psp_references_stay_readable_and_take_the_fast_path():
    scrubber = Scrubber([API_KEY])
    assert scrubber.data(REFERENCES) == REFERENCES
    inspection = inspect(REFERENCES)
    assert not inspection.suspicious
    assert not scrubber.needs_scrubbing(inspection)
    assert all(reference in inspection.text for reference in REFERENCES.values())


def test_a_numeric_reference_is_readable_as_an_int_too():
    value = {"pspReference": int(ADYEN_REF)}
    assert scrub(value) == value
    assert not inspect(value).suspicious


@pytest.mark.parametrize("key", ["transId", "pspReference", "refTransID", "original_reference"])
@pytest.mark.parametrize(
    "card",
    [VISA, "5555555555554444", "378282246310005", "6011111111111117", "2223003122003222",
     "4242 4242 4242 4242", f"card {VISA}", _written_with(VISA, 0x660)],
)  # fmt: skip
def test_a_card_number_under_a_reference_key_is_hidden(key, card):
    value = {key: card}
    scrubbed = Scrubber().data(value)
    assert REDACTED in scrubbed[key] and "4242" not in scrubbed[key]
    assert inspect(value).suspicious
    assert Scrubber().leaks(value)


def test_a_card_number_as_an_int_under_a_reference_key_is_hidden():
    assert scrub({"transId": int(VISA)}) == {"transId": REDACTED}


def test_the_transcript_hides_a_card_number_under_a_reference_key(caplog):
    psp = Loopback()
    client = HttpClient(psp.url, secrets=[API_KEY])
    try:
        psp.queue(Reply(body={"transactionResponse": {"transId": VISA, "refTransID": ADYEN_REF}}))
        request = HttpRequest("POST", "/xml/v1/request.api", json={"refTransId": VISA})
        with caplog.at_level(logging.DEBUG, logger="gateway_plugins.http"):
            client.send(request)
    finally:
        client.close()
        psp.close()

    logged = caplog.text.replace(psp.url, "")  # the port number may hold "4242"
    assert "→ POST" in logged and "← 200" in logged
    assert VISA not in logged and "4242" not in logged
    assert ADYEN_REF in logged  # a reference that is no card stays readable


# --- nothing raises (issue 10) ------------------------------------------------------


class _ItemsRaise(Mapping):
    def __getitem__(self, key):
        raise KeyError(key)

    def __iter__(self):
        raise RuntimeError("cannot iterate")

    def __len__(self):
        return 1

    def items(self):
        raise RuntimeError("cannot list items")


class _DictItemsRaise(dict):
    def items(self):
        raise RuntimeError("cannot list items")


class _Unprintable:
    def __str__(self):
        raise RuntimeError("no str")

    def __repr__(self):
        raise RuntimeError("no repr")


class _ReprRaises:
    def __str__(self):
        return "fine"

    def __repr__(self):
        raise ValueError("no repr")


def _cyclic_list():
    value = ["ok"]
    value.append(value)
    return value


def _cyclic_dict():
    value = {"id": "ok"}
    value["self"] = value
    return value


def _deep(depth, leaf):
    value = leaf
    for index in range(depth):
        value = [value] if index % 2 else {"next": value}
    return value


HOSTILE = {
    "cyclic list": _cyclic_list(),
    "cyclic dict": _cyclic_dict(),
    "5000 deep": _deep(5000, f"card {VISA}"),
    "5000 deep clean": _deep(5000, "ok"),
    "items() raises": _ItemsRaise(),
    "dict items() raises": _DictItemsRaise(a=1),
    "int of 5000 digits": 10**5000,
    "negative int of 5000 digits": -(10**5000),
    "int of 5000 digits as a key": {10**5000: "x"},
    "int of 5000 digits under a reference key": {"pspReference": 10**5000},
    "str and repr raise": _Unprintable(),
    "repr raises": _ReprRaises(),
    "not utf-8": b"\xff\xfe card \xc3",
    "not utf-8 bytearray": bytearray(b"\x80"),
    "decimal of 100000 digits": Decimal("1E+100000"),
    "tiny decimal": Decimal("1E-100000"),
}


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_nothing_raises_and_what_cannot_be_read_is_suspicious(value):
    scrubber = Scrubber([API_KEY])
    inspection = inspect(value)
    assert inspection.suspicious
    assert scrubber.needs_scrubbing(inspection) and scrubber.might_leak(value)

    scrubbed = scrubber.data(value)
    shown = repr(scrubbed)  # printable: a log line can show it
    assert VISA not in shown and "4242" not in shown
    assert scrubber.leaks(value)
    assert isinstance(scrubber.text(value), str)
    assert isinstance(scrub(value), type(scrubbed))


@pytest.mark.parametrize(
    ("value", "expected"),
    [(_cyclic_list(), ["ok", UNREADABLE]),
     (_cyclic_dict(), {"id": "ok", "self": UNREADABLE}),
     ({"a": _ItemsRaise(), "b": "ok"}, {"a": UNREADABLE, "b": "ok"}),
     ([10**5000, 1], [UNREADABLE, 1]),
     ({"obj": _Unprintable()}, {"obj": UNREADABLE}),
     ({"body": b"\xff"}, {"body": UNREADABLE})],
    ids=["cyclic list", "cyclic dict", "items raise", "huge int", "unprintable", "not utf-8"],
)  # fmt: skip
def test_what_cannot_be_read_is_replaced_by_a_placeholder(value, expected):
    assert scrub(value) == expected


@pytest.mark.parametrize("depth", [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1])
def test_inspect_and_data_agree_at_the_depth_limit(depth):
    value = _deep(depth, "ok")
    assert inspect(value).suspicious is (depth > MAX_DEPTH)
    assert (scrub(value) == value) is (depth <= MAX_DEPTH)


def test_a_deep_value_is_cut_with_a_placeholder_not_an_error():
    scrubbed = scrub(_deep(5000, "ok"))
    assert UNREADABLE in repr(scrubbed)


@pytest.mark.parametrize(
    "value",
    [10**5000, _Unprintable(), b"\xff", None, 42, Decimal("1E+100000")],
    ids=["huge int", "unprintable", "not utf-8", "none", "int", "huge decimal"],
)
def test_text_never_raises(value):
    assert isinstance(Scrubber([API_KEY]).text(value), str)


def test_shared_parts_are_walked_once():
    value = ["ok", 1]
    for _ in range(30):  # 2**30 paths through 31 lists
        value = [value, value]
    started = time.perf_counter()
    assert inspect(value).suspicious  # too big for the fast path
    scrubbed = scrub(value)
    assert time.perf_counter() - started < 2.0
    assert scrubbed[0] is scrubbed[1]


@pytest.mark.parametrize("value", [None, 42, b"4242424242424242", ["4242"], object()])
def test_the_small_functions_never_raise(value):
    assert looks_like_pan(value) is False
    assert luhn_valid(value) is False
    assert is_sensitive_key(value) is False
    assert is_reference_key(value) is False


@pytest.mark.parametrize("digits", ["", "42a", "4242 4242", "²³"])
def test_luhn_needs_decimal_digits(digits):
    assert not luhn_valid(digits)


def test_luhn_reads_other_unicode_digits():
    assert luhn_valid(_written_with(VISA, 0x660))
    assert not luhn_valid(_written_with("4242424242424241", 0x660))


# -- the invariant: a clean inspection means data() hides nothing ---------------------

_PIECES = [
    VISA, "4242 4242 4242 4242", "4111.1111.1111.1111", "4111%201111%201111%201111",
    "4111\n1111\t1111\u00a01111", "card4111111111111111", _written_with(VISA, 0x660),
    _json_escaped(VISA), API_KEY, ADYEN_REF, "12/26", "ok", "١٢٣٤", "dummy_ref", "3", " ", "-",
    ".", "/", "+", "%20", "\\u", "\\u0034", "cvc", "order 123456789012", "2024-01-15 10:30",
    "XXXX1111", "é", "\u00a0", "4", "42", "4242", "4111111", "111111111", "٤",
]  # fmt: skip
_SCALARS = [
    0, 42, 10**12 - 1, 10**12, int(VISA), -int(VISA), int(ADYEN_REF), 10**19, 10**40,
    10**5000, True, None, 1.5, float(VISA), 0.1 + 0.2, float("inf"), Decimal("10.50"),
    Decimal(VISA), Decimal("4242424.242424242"), Decimal("1E-13"), Decimal("NaN"),
    b"ok", VISA.encode(), b"\xff",
]  # fmt: skip
_KEYS = ["id", "number", "CVC", "X-API-Key", "amount", "status", VISA, API_KEY, "pspReference",
         "transId", "note", 7, ("a", 1)]  # fmt: skip


def _random_value(rng, depth=0):
    choice = rng.randrange(8 if depth < 3 else 4)
    if choice == 0:
        return "".join(rng.choice(_PIECES) for _ in range(rng.randrange(5)))
    if choice == 1:
        return rng.choice(_SCALARS)
    if choice == 2:
        return "".join(rng.choice("0123456789 -./+\n\u00a0ab٤") for _ in range(rng.randrange(30)))
    if choice == 3:
        return rng.choice(_PIECES)
    if choice == 4:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if choice == 5:
        return tuple(_random_value(rng, depth + 1) for _ in range(rng.randrange(3)))
    return {rng.choice(_KEYS): _random_value(rng, depth + 1) for _ in range(rng.randrange(4))}


def test_a_clean_inspection_means_data_hides_nothing():
    rng = random.Random(20261122)
    secrets = [API_KEY, "dummy_ref", "ok ok"]
    scrubber = Scrubber(secrets)
    clean = hidden = 0
    for _ in range(30_000):
        value = _random_value(rng)
        inspection = inspect(value)
        secret_seen = any(secret in inspection.text for secret in secrets)
        assert scrubber.needs_scrubbing(inspection) is (inspection.suspicious or secret_seen)
        if not scrubber.needs_scrubbing(inspection):
            clean += 1
            assert scrubber.data(value) == value, value
            assert not scrubber.leaks(value)
        elif scrubber.leaks(value):
            hidden += 1
    assert clean > 3000 and hidden > 3000  # both sides are really exercised


def test_a_clean_response_inspection_covers_raw_response_and_message():
    # GatewayResponse validation inspects exactly this pair, once.
    raw = {"pspReference": ADYEN_REF, "resultCode": "Authorised", "amount": {"value": 1000}}
    pair = (raw, "Refused")
    inspection = inspect(pair)
    assert not inspection.suspicious
    assert Scrubber([API_KEY]).data(pair) == pair
    assert Scrubber(["Refused"]).needs_scrubbing(inspection)
