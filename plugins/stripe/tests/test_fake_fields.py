"""The fake Stripe sends every field Stripe sends: its field lists follow the OpenAPI spec.

The lists live in the fake (``gateway_plugins_stripe.testing.fields``), which ships
without the spec; here they are checked against the spec subset, and every object
the fake serves in many states is checked against them, nested objects included.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from gateway_plugins_stripe.testing import FakeStripe
from gateway_plugins_stripe.testing.fields import FIELDS, SOMETIMES

from plugins.stripe.tests.stripe_spec import SPEC_FILE

SCHEMAS: dict[str, Any] = json.loads(SPEC_FILE.read_text(encoding="utf-8"))["components"]["schemas"]
_REF = "#/components/schemas/"


@pytest.mark.parametrize("schema", sorted(FIELDS))
def test_each_field_list_is_the_schemas_properties(schema: str) -> None:
    properties = SCHEMAS[schema]["properties"]
    always, sometimes = set(FIELDS[schema]), set(SOMETIMES.get(schema, {}))
    # What Stripe sends as null is nullable in the spec; what it always sends, required.
    nullable = {name for name, prop in properties.items() if prop.get("nullable")}
    required = set(SCHEMAS[schema].get("required", ()))

    assert always | sometimes == set(properties)
    assert not always & sometimes
    assert nullable | required <= always, "a nullable or required field is listed as sometimes"


def test_every_schema_listed_is_in_the_spec_subset() -> None:
    assert set(SOMETIMES) <= set(FIELDS)
    assert set(FIELDS) <= set(SCHEMAS)


# -- what the fake serves -------------------------------------------------------------------


def _refs(prop: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    """The schemas a property's value may be: (name, whether a list of them)."""
    for option in [prop, *prop.get("anyOf", ())]:
        if "$ref" in option:
            yield option["$ref"].removeprefix(_REF), False
        items = option.get("properties", {}).get("data", {}).get("items", {})
        if "$ref" in items:  # a Stripe list object: {"object": "list", "data": [...]}
            yield items["$ref"].removeprefix(_REF), True


class FieldCheck:
    """Walks objects with their schemas; lists each object whose keys differ from FIELDS."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.seen: set[str] = set()

    def walk(self, value: dict[str, Any], schema: str, where: str) -> None:
        if schema in FIELDS:
            self.seen.add(schema)
            keys, always = set(value), set(FIELDS[schema])
            missing = sorted(always - keys)
            unexpected = sorted(keys - always - set(SOMETIMES.get(schema, {})))
            if missing or unexpected:
                self.problems.append(f"{where} ({schema}): missing {missing}, extra {unexpected}")
        properties = SCHEMAS[schema].get("properties", {})
        for key, item in value.items():
            if key not in properties or not isinstance(item, dict):
                continue
            for ref, many in _refs(properties[key]):
                if many and isinstance(item.get("data"), list):
                    for index, element in enumerate(item["data"]):
                        self.walk(element, ref, f"{where}.{key}.data[{index}]")
                elif not many and ref in SCHEMAS:
                    self.walk(item, ref, f"{where}.{key}")


@pytest.fixture
def session(fake_stripe: FakeStripe) -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {fake_stripe.api_key}"
        yield session


def test_every_object_served_has_every_field(
    fake_stripe: FakeStripe, session: requests.Session
) -> None:
    def post(path: str, **data: Any) -> dict[str, Any]:
        return session.post(fake_stripe.url + path, data=data, timeout=5).json()  # type: ignore[no-any-return]

    def intent(card: str = "pm_card_visa", **data: Any) -> dict[str, Any]:
        fields = {"amount": 1000, "currency": "usd", "payment_method": card, "confirm": "true",
                  "capture_method": "manual", **data}  # fmt: skip
        return post("/v1/payment_intents", **fields)

    held = intent(customer="cus_1", setup_future_usage="off_session")
    sale = intent(capture_method="automatic")
    pending = intent("pm_card_pendingRefund", capture_method="automatic")
    failed_refund = post("/v1/refunds", payment_intent=pending["id"])
    captured = post(f"/v1/payment_intents/{held['id']}/capture", amount_to_capture=500)
    redirected = intent("pm_card_threeDSecure2Required", return_url="https://shop.test/")
    objects: list[tuple[dict[str, Any], str]] = [
        (held, "payment_intent"),
        (captured, "payment_intent"),
        (post("/v1/refunds", payment_intent=sale["id"], amount=100), "refund"),
        (fake_stripe.settle_refund(failed_refund["id"], succeed=False), "refund"),
        (redirected, "payment_intent"),
        (intent("pm_card_threeDSecure2Required"), "payment_intent"),
        (intent("pm_card_radarBlock"), "error"),
        (intent("pm_card_chargeDeclined"), "error"),
        (post(f"/v1/payment_intents/{intent()['id']}/cancel"), "payment_intent"),
        (session.get(f"{fake_stripe.url}/v1/payment_intents/{sale['id']}", timeout=5).json(),
         "payment_intent"),
        (post("/v1/setup_intents", usage="off_session"), "setup_intent"),
    ]  # fmt: skip
    for succeed in (True, False):
        challenged = intent("pm_card_threeDSecure2Required")["id"]
        objects.append((fake_stripe.complete_3ds(challenged, succeed), "payment_intent"))
    check = FieldCheck()
    for index, (body, schema) in enumerate(objects):
        check.walk(body, schema, f"object {index}")
    for webhook in fake_stripe.take_webhooks():
        check.walk(webhook.event, "event", webhook.type)
        check.walk(webhook.object, webhook.object["object"], f"{webhook.type} data.object")

    assert check.problems == []
    # Each list was compared with a served object at least once.
    assert check.seen == set(FIELDS)


def test_the_check_catches_a_missing_null(
    fake_stripe: FakeStripe, session: requests.Session
) -> None:
    reply = session.post(
        fake_stripe.url + "/v1/payment_intents",
        data={"amount": 1000, "currency": "usd", "payment_method": "pm_card_visa",
              "confirm": "true"},
        timeout=5,
    ).json()  # fmt: skip
    del reply["charges"]["data"][0]["failure_balance_transaction"]  # a null left out
    reply["charges"]["data"][0]["outcome"]["invented"] = 1

    check = FieldCheck()
    check.walk(reply, "payment_intent", "intent")

    assert check.problems == [
        "intent.charges.data[0] (charge): missing ['failure_balance_transaction'], extra []",
        "intent.charges.data[0].outcome (charge_outcome): missing [], extra ['invented']",
    ]
