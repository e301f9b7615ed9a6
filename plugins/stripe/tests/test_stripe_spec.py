"""The offline Stripe spec validator catches what psp-reference §9 lists and passes good bodies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from plugins.stripe.tests.stripe_spec import (
    SPEC_FILE,
    StripeSpecError,
    parse_form,
    spec_path,
    validate_form_request,
)

CREATE = "/v1/payment_intents"
CAPTURE = "/v1/payment_intents/pi_123/capture"
CANCEL = "/v1/payment_intents/pi_123/cancel"
GOOD_CREATE = (
    "amount=1000&currency=usd&payment_method=pm_card_visa&confirm=true"
    "&capture_method=manual&metadata[order_id]=42&expand[0]=charges"
)


def _errors(method: str, path: str, body: str) -> str:
    """The validator's message for a body that must fail."""
    with pytest.raises(StripeSpecError) as info:
        validate_form_request(method, path, body)
    assert isinstance(info.value, AssertionError)
    return str(info.value)


# -- parse_form -----------------------------------------------------------------


def test_parse_nested_brackets() -> None:
    assert parse_form("a[b][c]=v&a[b][d]=w&a[e]=x&top=1") == {
        "a": {"b": {"c": "v", "d": "w"}, "e": "x"},
        "top": "1",
    }


def test_parse_digit_keys_become_lists_in_numeric_order() -> None:
    body = "&".join(f"expand[{i}]=f{i}" for i in (10, 2, 9, 0, 1, 3, 4, 5, 6, 7, 8))
    assert parse_form(body) == {"expand": [f"f{i}" for i in range(11)]}


def test_parse_lists_of_objects_and_mixed_keys_stay_dicts() -> None:
    body = "items[1][price]=p2&items[0][price]=p1&items[0][quantity]=3&m[0]=a&m[x]=b"
    assert parse_form(body) == {
        "items": [{"price": "p1", "quantity": "3"}, {"price": "p2"}],
        "m": {"0": "a", "x": "b"},
    }


def test_parse_non_ascii_digits_are_not_indices() -> None:
    assert parse_form("m[%C2%B2]=a&m[%D9%A3]=b") == {"m": {"²": "a", "٣": "b"}}


def test_parse_empty_brackets_append_in_order() -> None:
    assert parse_form("expand[]=a&expand[]=b&expand[]=c") == {"expand": ["a", "b", "c"]}


def test_parse_decodes_and_keeps_blank_values() -> None:
    body = b"metadata%5Bnote%5D=a+b%26c&description=&x=%E2%82%AC"
    assert parse_form(body) == {"metadata": {"note": "a b&c"}, "description": "", "x": "€"}


def test_parse_top_level_digit_keys_stay_a_dict() -> None:
    assert parse_form("0=a&1=b") == {"0": "a", "1": "b"}


def test_parse_empty_body() -> None:
    assert parse_form("") == {}
    assert parse_form(b"") == {}


@pytest.mark.parametrize(
    "body",
    ["amount=1&amount=2", "metadata[k]=a&metadata[k]=b", "a=1&a[b]=2", "a[b]=2&a=1", "novalue"],
)
def test_parse_rejects_repeated_clashing_or_malformed_keys(body: str) -> None:
    with pytest.raises(ValueError):
        parse_form(body)


# -- spec_path ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/v1/payment_intents", "/v1/payment_intents"),
        ("/v1/payment_intents/pi_123", "/v1/payment_intents/{intent}"),
        ("/v1/payment_intents/pi_123/capture", "/v1/payment_intents/{intent}/capture"),
        ("/v1/payment_intents/search", "/v1/payment_intents/search"),
        ("https://api.stripe.com/v1/refunds/re_1?expand[]=charge", "/v1/refunds/{refund}"),
        ("/v1/refunds/", "/v1/refunds"),
    ],
)
def test_spec_path_matches_templates(path: str, template: str) -> None:
    assert spec_path(path) == template


def test_spec_path_unknown() -> None:
    with pytest.raises(ValueError, match="matches no path"):
        spec_path("/v1/payment_intents/pi_123/explode")


# -- Correct bodies pass ---------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (CREATE, GOOD_CREATE),
        (CAPTURE, "amount_to_capture=500"),
        (CAPTURE, ""),
        (CANCEL, "cancellation_reason=requested_by_customer"),
        ("/v1/refunds", "payment_intent=pi_123&amount=500"),
        ("/v1/payment_intents/pi_123", "metadata="),  # "" unsets metadata (anyOf)
        (
            CREATE,
            "amount=1000&currency=usd&payment_method_options[card][request_three_d_secure]=any",
        ),
    ],
)
def test_correct_bodies_pass(path: str, body: str) -> None:
    validate_form_request("POST", path, body)
    validate_form_request("post", path, body.encode())


def test_number_fields_are_coerced() -> None:
    body = "name=Box&package_dimensions[height]=1.5&package_dimensions[length]=2"
    body += "&package_dimensions[weight]=.25&package_dimensions[width]=1e1"
    validate_form_request("POST", "/v1/products", body)
    message = _errors("POST", "/v1/products", body.replace("=1e1", "=NaN"))
    assert "package_dimensions.width: 'NaN' is not of type 'number'" in message


def test_get_validates_query_parameters() -> None:
    validate_form_request("GET", "/v1/payment_intents?limit=3&created[gte]=5&expand[]=data", "")
    message = _errors("GET", "/v1/payment_intents?limit=ten&bogus=1", "")
    assert "limit: 'ten' is not of type 'integer'" in message
    assert "'bogus' was unexpected" in message


# -- §9's expected failures ------------------------------------------------------


def test_decimal_amount_is_not_an_integer() -> None:
    message = _errors("POST", CREATE, GOOD_CREATE.replace("amount=1000", "amount=20.00"))
    assert "amount: '20.00' is not of type 'integer'" in message


def test_capture_method_enum() -> None:
    message = _errors("POST", CREATE, GOOD_CREATE.replace("=manual", "=later"))
    assert "capture_method: 'later' is not one of ['automatic', 'manual']" in message


def test_unknown_capture_field() -> None:
    message = _errors("POST", CAPTURE, "amount_to_capture=500&amount=500")
    assert "Additional properties are not allowed ('amount' was unexpected)" in message


def test_cancellation_reason_enum() -> None:
    message = _errors("POST", CANCEL, "cancellation_reason=changed_mind")
    assert "cancellation_reason: 'changed_mind' is not one of [" in message


def test_request_three_d_secure_anyof() -> None:
    body = "amount=1000&currency=usd&payment_method_options[card][request_three_d_secure]=challenge"
    message = _errors("POST", CREATE, body)
    assert "payment_method_options.card: " in message
    assert "is not valid under any of the given schemas" in message
    assert "'challenge' is not one of ['any', 'automatic']" in message


def test_every_error_is_listed_with_its_path() -> None:
    body = "amount=20.00&currency=usd&capture_method=later&confirm=True&expand[0]=charges"
    with pytest.raises(StripeSpecError) as info:
        validate_form_request("POST", CREATE, body)
    assert info.value.errors == [
        "amount: '20.00' is not of type 'integer'",
        "capture_method: 'later' is not one of ['automatic', 'manual']",
        "confirm: 'True' is not of type 'boolean'",
    ]


def test_missing_required_field() -> None:
    assert "'currency' is a required property" in _errors("POST", CREATE, "amount=1000")


def test_unknown_method_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="no PUT"):
        validate_form_request("PUT", CREATE, GOOD_CREATE)


# -- the subset of the spec in the repository ------------------------------------------------


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from [value] if key == "$ref" else _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_every_ref_in_the_subset_resolves_inside_it() -> None:
    spec = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    refs = set(_refs(spec))
    unresolved = []
    for ref in refs:
        node = spec
        for part in ref.removeprefix("#/").split("/"):
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            unresolved.append(ref)

    assert len(refs) > 100 and unresolved == []
