"""Fuzzing every bundled plugin's notification parser through the manager.

Whatever arrives at a webhook URL (arbitrary bytes, arbitrary JSON, a genuine
notification mutated, random headers, and for the PSPs that sign the whole
body, all of these signed with the right key so that the parser behind the
signature is reached) the host gets a ``NotificationResult`` or a
``NotificationRejected``, never another exception: anything else would have it
answer 500 and the sender retry forever.

The budget is fixed (``max_examples``, derandomized, no example database) so
that each test takes a few seconds in CI.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from gateway_plugins_adyen import AdyenGatewayPlugin
from gateway_plugins_adyen import sign as adyen_sign
from gateway_plugins_authorizenet import AuthorizeNetGatewayPlugin
from gateway_plugins_authorizenet import sign as anet_sign
from gateway_plugins_dummy import DummyGatewayPlugin
from gateway_plugins_dummy import webhooks as dummy_webhooks
from gateway_plugins_stripe import StripeGatewayPlugin, compute_signature
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from gateway_plugins import (
    GatewayConfig,
    NotificationRejected,
    NotificationResult,
    PluginManager,
    TransactionKind,
)

FUZZ = settings(
    max_examples=80,
    deadline=2000,  # ms per example: a loaded CI machine, not a slow parser
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
NOWHERE = "http://127.0.0.1:9"  # never called: notifications make no request
# Fixed test keys, so that a failing example replays exactly.
STRIPE_SECRET = "whsec_fuzz_5c0f1e2d3c4b5a69788796a5b4c3d2e1"
ADYEN_KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"
ANET_KEY = "8F2A6C1D9E3B7A5F0C4D8E2B6A1F9C3D7E5B0A4C8D2E6F1A9B3C7D5E0F4A8B2C"
DUMMY_SECRET = "whsec_dummy_fuzz_3a7e"


@dataclass(frozen=True)
class Target:
    """One plugin under fuzz: how to build its manager, sign a body, and a genuine delivery."""

    gateway_id: str
    manager: Callable[[], PluginManager]
    sign: Callable[[bytes], dict[str, str]]
    """Headers that make ``body`` genuine (``{}`` where the signature is inside the body)."""
    genuine: Callable[[], tuple[dict[str, str], bytes]]


def _manager(plugin: object, gateway_id: str, params: dict[str, Any], currencies: str) -> Any:
    def build() -> PluginManager:
        manager = PluginManager(discover=False)
        manager.register(plugin, gateway_id)
        manager.configure(
            gateway_id,
            GatewayConfig(
                gateway_name=gateway_id, supported_currencies=currencies, connection_params=params
            ),
        )
        return manager

    return build


def _stripe_headers(body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    return {
        "Stripe-Signature": f"t={timestamp},v1={compute_signature(STRIPE_SECRET, timestamp, body)}"
    }


def _stripe_genuine() -> tuple[dict[str, str], bytes]:
    event = {
        "id": "evt_fuzz_1", "object": "event", "api_version": "2020-08-27",
        "created": int(time.time()), "type": "payment_intent.succeeded",
        "data": {"object": {
            "id": "pi_fuzz_1", "object": "payment_intent", "status": "succeeded",
            "amount": 1000, "amount_received": 1000, "currency": "usd",
            "metadata": {"order_id": "order-1"},
        }},
    }  # fmt: skip
    body = json.dumps(event, indent=2).encode()
    return _stripe_headers(body), body


def _adyen_item(**fields: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "amount": {"currency": "EUR", "value": 1000}, "eventCode": "CAPTURE",
        "eventDate": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "merchantAccountCode": "FuzzECOM", "merchantReference": "order-1",
        "originalReference": "PAYMENT000000001", "paymentMethod": "visa",
        "pspReference": "CAPTURE000000001", "success": "true", **fields,
    }  # fmt: skip
    item["additionalData"] = {"hmacSignature": adyen_sign(item, bytes.fromhex(ADYEN_KEY))}
    return item


def _adyen_genuine() -> tuple[dict[str, str], bytes]:
    body = {"live": "false", "notificationItems": [{"NotificationRequestItem": _adyen_item()}]}
    return {"content-type": "application/json"}, json.dumps(body).encode()


def _anet_genuine() -> tuple[dict[str, str], bytes]:
    event = {
        "notificationId": "b7c8a0e2-0000-4000-8000-00000000fuzz",
        "eventType": "net.authorize.payment.authcapture.created",
        "eventDate": f"{datetime.now(timezone.utc):%Y-%m-%dT%H:%M:%S.%f}0Z",
        "webhookId": "w-1",
        "payload": {"responseCode": 1, "authCode": "ABC123", "avsResponse": "Y",
                    "authAmount": "45.00", "entityName": "transaction", "id": "60020981676"},
    }  # fmt: skip
    # Authorize.Net writes the amount as a JSON number.
    body = json.dumps(event).encode().replace(b'"45.00"', b"45.00")
    return {"X-ANET-Signature": anet_sign(body, ANET_KEY)}, body


def _dummy_genuine() -> tuple[dict[str, str], bytes]:
    return dummy_webhooks.notification(
        DUMMY_SECRET, TransactionKind.CAPTURE, "dummy_1", Decimal("10.00"), "USD"
    )


TARGETS = {
    "dummy": Target(
        "dummy",
        _manager(DummyGatewayPlugin(), "dummy", {"webhook_secret": DUMMY_SECRET}, "USD, JPY"),
        lambda body: {"X-Dummy-Signature": dummy_webhooks.sign(body, DUMMY_SECRET)},
        _dummy_genuine,
    ),
    "stripe": Target(
        "stripe",
        _manager(
            StripeGatewayPlugin(),
            "stripe",
            {"secret_key": "sk_test_fuzz", "base_url": NOWHERE, "webhook_secret": STRIPE_SECRET},
            "USD, EUR, JPY",
        ),
        _stripe_headers,
        _stripe_genuine,
    ),
    "adyen": Target(
        "adyen",
        _manager(
            AdyenGatewayPlugin(),
            "adyen",
            {
                "api_key": "fuzz",
                "merchant_account": "FuzzECOM",
                "hmac_key": ADYEN_KEY,
                "base_url": NOWHERE,
                "return_url": "https://shop.example/return",
            },
            "EUR, USD, JPY",
        ),
        lambda body: {},  # Adyen signs each item inside the body
        _adyen_genuine,
    ),
    "authorizenet": Target(
        "authorizenet",
        _manager(
            AuthorizeNetGatewayPlugin(),
            "authorizenet",
            {
                "api_login_id": "fuzz",
                "transaction_key": "fuzz-key",
                "signature_key": SecretStr(ANET_KEY),
                "base_url": NOWHERE,
            },
            "USD",
        ),
        lambda body: {"X-ANET-Signature": anet_sign(body, ANET_KEY)},
        _anet_genuine,
    ),
}


@functools.cache
def shared(gateway_id: str) -> PluginManager:
    """One manager per plugin for all examples (each delivery completes its claims)."""
    return TARGETS[gateway_id].manager()


#: Each test runs once per plugin.
each_plugin = pytest.mark.parametrize(
    "target", [TARGETS[n] for n in sorted(TARGETS)], ids=sorted(TARGETS)
)


def outcome(manager: PluginManager, target: Target, headers: Mapping[str, str], body: bytes) -> str:
    """``"accepted"`` or ``"rejected"``; any other exception fails the test."""
    try:
        with manager.notification(target.gateway_id, headers, body) as result:
            assert isinstance(result, NotificationResult)
    except NotificationRejected as exc:
        assert exc.gateway_id == target.gateway_id
        return "rejected"
    return "accepted"


# -- Strategies -------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)  # fmt: skip
#: Names the plugins look for, so that a random document sometimes has the right shape.
FIELD_NAMES = st.sampled_from([
    "id", "type", "data", "object", "status", "amount", "currency", "created", "metadata",
    "notificationItems", "NotificationRequestItem", "eventCode", "pspReference", "success",
    "originalReference", "additionalData", "hmacSignature", "eventDate", "notificationId",
    "eventType", "payload", "responseCode", "authAmount", "event_id", "kind", "psp_reference",
    "refunds", "captured", "amount_received", "last_payment_error", "error_code", "event_date",
])  # fmt: skip
shaped_json = st.recursive(
    json_values,
    lambda children: (
        st.dictionaries(FIELD_NAMES, children, max_size=6) | st.lists(children, max_size=3)
    ),
    max_leaves=40,
)
header_maps = st.dictionaries(
    st.sampled_from(["content-type", "stripe-signature", "x-anet-signature",
                     "x-dummy-signature", "x-signature"]) | st.text(min_size=1, max_size=20),
    st.text(max_size=120),
    max_size=4,
)  # fmt: skip


@st.composite
def mutations(draw: st.DrawFn, body: bytes) -> bytes:
    """``body`` with a few bytes flipped, inserted, deleted or a slice repeated."""
    data = bytearray(body)
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "insert", "delete", "repeat", "truncate"]))
        if action == "flip" and position < len(data):
            data[position] ^= draw(st.integers(1, 255))
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[position : position + draw(st.integers(1, 8))]
        elif action == "repeat":
            data[position:position] = data[position : position + draw(st.integers(1, 40))] * 3
        elif action == "truncate":
            del data[position:]
    return bytes(data)


# -- The fuzz tests ------------------------------------------------------------------------


@each_plugin
@FUZZ
@given(body=st.binary(max_size=2048), headers=header_maps, sign=st.booleans())
def test_arbitrary_bytes(target: Target, body: bytes, headers: dict[str, str], sign: bool) -> None:
    manager = shared(target.gateway_id)
    outcome(manager, target, {**headers, **(target.sign(body) if sign else {})}, body)


@each_plugin
@FUZZ
@given(document=shaped_json, headers=header_maps, sign=st.booleans())
def test_arbitrary_json(target: Target, document: Any, headers: dict[str, str], sign: bool) -> None:
    body = json.dumps(document).encode()
    manager = shared(target.gateway_id)
    outcome(manager, target, {**headers, **(target.sign(body) if sign else {})}, body)


@each_plugin
@FUZZ
@given(data=st.data(), resign=st.booleans())
def test_mutated_genuine_notifications(target: Target, data: st.DataObject, resign: bool) -> None:
    headers, body = target.genuine()
    manager = shared(target.gateway_id)
    assert outcome(manager, target, headers, body) == "accepted", "the genuine one is accepted"

    mutated = data.draw(mutations(body))
    outcome(manager, target, target.sign(mutated) if resign else headers, mutated)


@each_plugin
@FUZZ
@given(data=st.data())
def test_genuine_shapes_with_fields_replaced(target: Target, data: st.DataObject) -> None:
    """A genuine event with one value anywhere in it replaced by any JSON, then signed."""
    headers, body = target.genuine()
    document = json.loads(body)
    parent, name = _pick_field(data, document)
    parent[name] = data.draw(shaped_json)
    if target.gateway_id == "adyen":
        _adyen_resign(document)
    changed = json.dumps(document).encode()
    outcome(shared(target.gateway_id), target, target.sign(changed) or headers, changed)


def _adyen_resign(value: Any) -> None:
    """Sign every NotificationRequestItem object in ``value`` again, where Adyen could."""
    if isinstance(value, list):
        for child in value:
            _adyen_resign(child)
    elif isinstance(value, dict):
        item = value.get("NotificationRequestItem")
        if isinstance(item, dict):
            try:
                signature = adyen_sign(item, bytes.fromhex(ADYEN_KEY))
            except ValueError:  # a signed field of a type Adyen never sends: left as it is
                return
            item["additionalData"] = {"hmacSignature": signature}
        for child in value.values():
            _adyen_resign(child)


def _pick_field(data: st.DataObject, document: Any) -> tuple[Any, Any]:
    """A (container, key) somewhere in ``document``, drawn from all of them."""
    places: list[tuple[Any, Any]] = []
    pending = [document]
    while pending:
        value = pending.pop()
        items = (
            value.items()
            if isinstance(value, dict)
            else enumerate(value)
            if isinstance(value, list)
            else ()
        )
        for key, child in items:
            places.append((value, key))
            pending.append(child)
    place: tuple[Any, Any] = data.draw(st.sampled_from(places))
    return place


@each_plugin
def test_the_fuzz_targets_accept_their_genuine_notifications(target: Target) -> None:
    headers, body = target.genuine()
    with target.manager().notification(target.gateway_id, headers, body) as result:
        assert len(result.updates) == 1
