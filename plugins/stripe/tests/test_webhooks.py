"""Stripe webhooks end to end: the fake signs and queues, the manager verifies and translates.

The fake's signer (``fake_stripe.events``) and the plugin's verifier
(``gateway_plugins_stripe.signature``) are separate implementations of
Stripe's scheme; known-answer vectors computed with ``openssl dgst -sha256
-hmac`` check both. Time is never waited for: the plugin's ``clock`` and the
fake's signing timestamp are set instead.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from gateway_plugins_stripe import (
    ACKNOWLEDGEMENT,
    DEFAULT_TOLERANCE,
    EVENTS,
    StripeGatewayPlugin,
    compute_signature,
)
from gateway_plugins_stripe.testing import FakeStripe, Webhook, v1_signature

from gateway_plugins import (
    ErrorCode,
    GatewayConfig,
    NotificationRejected,
    NotificationResult,
    PaymentData,
    PluginManager,
    TransactionKind,
    TransactionUpdate,
)

K = TransactionKind
# The plugin's clock in the timestamp tests, and the events' date: a recent one, or the
# manager would refuse the events as replays (older than its replay window).
NOW = int(time.time())


def config_for(fake: FakeStripe, **params: Any) -> GatewayConfig:
    return GatewayConfig(
        gateway_name="Stripe",
        auto_capture=params.pop("auto_capture", True),
        supported_currencies="USD, EUR, JPY, KWD, ISK",
        connection_params={
            "secret_key": fake.api_key,
            "base_url": fake.url,
            "read_timeout": 1.0,
            "webhook_secret": fake.webhook_secret,
            **params,
        },
    )


@pytest.fixture
def plugin() -> StripeGatewayPlugin:
    return StripeGatewayPlugin()


@pytest.fixture
def manager(fake_stripe: FakeStripe, plugin: StripeGatewayPlugin) -> Iterator[PluginManager]:
    host = PluginManager(discover=False)
    host.register(plugin, "stripe")
    host.configure("stripe", config_for(fake_stripe))
    yield host


def pay(amount: str = "10.00", currency: str = "USD", **fields: Any) -> PaymentData:
    return PaymentData(gateway="stripe", amount=amount, currency=currency, **fields)


def deliver(manager: PluginManager, webhook: Webhook) -> NotificationResult:
    """Deliver ``webhook`` as a host does: its updates are recorded once the block ends."""
    headers, body = webhook
    with manager.notification("stripe", headers, body) as result:
        return result


def only_update(manager: PluginManager, fake: FakeStripe, event_type: str) -> TransactionUpdate:
    """The one update of the one waiting ``event_type`` webhook."""
    [webhook] = fake.take_webhooks(event_type)
    result = deliver(manager, webhook)
    assert result.acknowledgement == ACKNOWLEDGEMENT == ""
    assert result.duplicates == ()
    [update] = result.updates
    assert update.event_code == event_type
    return update


def authorized(manager: PluginManager, fake: FakeStripe, amount: str = "10.00") -> str:
    response = manager.authorize(pay(amount, token="pm_card_visa"))
    assert response.is_success and response.psp_reference
    fake.take_webhooks()  # the authorisation's events, not under test here
    return response.psp_reference


def sold(manager: PluginManager, fake: FakeStripe, token: str = "pm_card_visa") -> str:
    response = manager.process_payment(pay(token=token))
    assert response.is_success and response.kind is K.CAPTURE and response.psp_reference
    fake.take_webhooks()
    return response.psp_reference


def event_body(event_type: str, obj: dict[str, Any], event_id: str = "evt_hand_1") -> bytes:
    """An event written by hand, for shapes the fake does not produce."""
    event = {
        "id": event_id,
        "object": "event",
        "api_version": "2020-08-27",
        "created": NOW,
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }
    return json.dumps(event, indent=2, ensure_ascii=False).encode("utf-8")


def signed(fake: FakeStripe, body: bytes, timestamp: int | None = None) -> Webhook:
    return Webhook(fake.sign_webhook(body, timestamp), body)


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value).union(*(_keys(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(_keys(item) for item in value))
    return set()


def assert_safe(update: TransactionUpdate, *secrets: str) -> None:
    """No client secret, card details or charges (which embed them) in ``raw_response``."""
    kept = _keys(update.raw_response)
    assert not kept & {"client_secret", "payment_method", "charges", "card", "next_action"}
    text = json.dumps(update.raw_response)
    for word in ("_secret_", "last4", "fingerprint", "exp_year", *secrets):
        assert word not in text


# -- known answers: the plugin's verifier and the fake's signer against openssl -----------------

VECTORS = [
    # printf '1700000000.{"id": "evt_test"}' | openssl dgst -sha256 -hmac whsec_test_secret
    (b'{"id": "evt_test"}', "e984bd41c45a1f1ef349e5b5ecd272fcc342c4d1f84f05f9f0b61cdf1e0c6470"),
    # The body as UTF-8 bytes ("Zoë €"): Stripe signs the text, i.e. these bytes.
    (
        '{"description": "Zoë €"}'.encode(),
        "8281efcab70aecf2441218d88f110d07efc8f27e705186abcd303f6a5d0aa2e7",
    ),
]


@pytest.mark.parametrize(("body", "expected"), VECTORS)
def test_both_signers_match_openssl(body: bytes, expected: str) -> None:
    assert compute_signature("whsec_test_secret", "1700000000", body) == expected
    assert v1_signature("whsec_test_secret", 1_700_000_000, body) == expected


# -- PaymentIntent events ---------------------------------------------------------------------


def test_an_authorization_sends_an_auth_update(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    response = manager.authorize(pay(token="pm_card_visa", order_id="order-7"))
    [webhook] = fake_stripe.take_webhooks("payment_intent.amount_capturable_updated")

    result = deliver(manager, webhook)

    [update] = result.updates
    assert update.is_success and update.kind is K.AUTH
    assert update.event_id == webhook.event["id"] and update.event_id.startswith("evt_")
    assert update.psp_reference == update.transaction_id == response.psp_reference
    assert (update.amount, update.currency) == (Decimal("10.00"), "USD")
    assert update.merchant_reference == "order-7"
    assert update.raw_response is not None
    assert update.raw_response["status"] == "requires_capture"
    assert update.raw_response["amount_capturable"] == 1000
    assert_safe(update, fake_stripe.webhook_secret)


def test_events_that_change_no_transaction_are_accepted(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    manager.authorize(pay(token="pm_card_visa"))
    manager.authorize(pay(token="pm_card_threeDSecure2Required", amount="5.00"))
    others = [w for w in fake_stripe.take_webhooks() if w.type not in EVENTS]

    assert {w.type for w in others} == {
        "payment_intent.created",
        "payment_intent.requires_action",
        "charge.succeeded",
    }
    for webhook in others:
        result = deliver(manager, webhook)
        assert result.updates == result.duplicates == ()
        assert result.acknowledgement == ""


def test_a_capture_sends_a_capture_update_for_the_amount_taken(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    reference = authorized(manager, fake_stripe)
    manager.capture(pay("6.00", psp_reference=reference))

    update = only_update(manager, fake_stripe, "payment_intent.succeeded")

    assert update.is_success and update.kind is K.CAPTURE
    assert update.psp_reference == update.transaction_id == reference
    assert (update.amount, update.currency) == (Decimal("6.00"), "USD")
    assert_safe(update)
    # charge.captured came too, and changes nothing by itself.
    [captured] = fake_stripe.take_webhooks("charge.captured")
    assert deliver(manager, captured).updates == ()


def test_a_sale_sends_a_capture_update(manager: PluginManager, fake_stripe: FakeStripe) -> None:
    response = manager.process_payment(pay("12.50", "EUR", token="pm_card_visa"))

    update = only_update(manager, fake_stripe, "payment_intent.succeeded")

    assert update.kind is K.CAPTURE and update.psp_reference == response.psp_reference
    assert (update.amount, update.currency) == (Decimal("12.50"), "EUR")


def test_amounts_use_stripes_exponents(manager: PluginManager, fake_stripe: FakeStripe) -> None:
    manager.process_payment(pay("1.230", "KWD", token="pm_card_visa"))
    manager.process_payment(pay("500", "JPY", token="pm_card_visa"))
    manager.process_payment(pay("1000", "ISK", token="pm_card_visa"))

    webhooks = fake_stripe.take_webhooks("payment_intent.succeeded")
    assert [w.object["amount_received"] for w in webhooks] == [1230, 500, 100000]

    updates = [deliver(manager, webhook).updates[0] for webhook in webhooks]

    assert [(u.amount, u.currency) for u in updates] == [
        (Decimal("1.230"), "KWD"),  # Stripe sends 1230: ×1000
        (Decimal("500"), "JPY"),
        (Decimal("1000.00"), "ISK"),  # Stripe sends 100000: ×100
    ]


@pytest.mark.parametrize(
    ("token", "code", "psp_code"),
    [
        ("pm_card_chargeDeclined", ErrorCode.DECLINED, "generic_decline"),
        ("pm_card_chargeDeclinedInsufficientFunds", ErrorCode.DECLINED, "insufficient_funds"),
        ("pm_card_chargeDeclinedExpiredCard", ErrorCode.EXPIRED, "expired_card"),
        ("pm_card_chargeDeclinedIncorrectCvc", ErrorCode.INCORRECT_CVV, "incorrect_cvc"),
        ("pm_card_chargeDeclinedProcessingError", ErrorCode.PROCESSING_ERROR, "processing_error"),
    ],
)
def test_a_decline_sends_a_failed_auth_update(
    manager: PluginManager, fake_stripe: FakeStripe, token: str, code: ErrorCode, psp_code: str
) -> None:
    response = manager.authorize(pay(token=token))
    assert not response.is_success

    update = only_update(manager, fake_stripe, "payment_intent.payment_failed")

    assert not update.is_success and update.kind is K.AUTH
    assert (update.error_code, update.psp_error_code) == (code, psp_code)
    assert update.error_code is response.error_code
    assert update.psp_reference == response.psp_reference
    assert update.psp_error_message
    assert update.raw_response is not None
    error = update.raw_response["last_payment_error"]
    assert error["decline_code"] == fake_stripe.cards[token].decline.decline_code  # type: ignore[union-attr]
    assert_safe(update)
    # charge.failed came too, and changes nothing by itself.
    [failed] = fake_stripe.take_webhooks("charge.failed")
    assert deliver(manager, failed).updates == ()


def test_a_failed_3ds_challenge_sends_a_declined_update(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    response = manager.authorize(pay(token="pm_card_threeDSecure2Required"))
    assert response.action_required and response.psp_reference
    fake_stripe.complete_3ds(response.psp_reference, succeed=False)

    update = only_update(manager, fake_stripe, "payment_intent.payment_failed")

    assert update.error_code is ErrorCode.DECLINED
    assert update.psp_error_code == "payment_intent_authentication_failure"


def test_a_passed_3ds_challenge_sends_the_authorization(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    manager.configure("stripe", config_for(fake_stripe, auto_capture=False))
    response = manager.process_payment(pay(token="pm_card_threeDSecure2Required"))
    assert response.psp_reference
    fake_stripe.complete_3ds(response.psp_reference)

    update = only_update(manager, fake_stripe, "payment_intent.amount_capturable_updated")

    assert update.kind is K.AUTH and update.psp_reference == response.psp_reference


def test_a_cancel_sends_a_void_update(manager: PluginManager, fake_stripe: FakeStripe) -> None:
    reference = authorized(manager, fake_stripe)
    manager.void(pay(psp_reference=reference))

    update = only_update(manager, fake_stripe, "payment_intent.canceled")

    assert update.is_success and update.kind is K.VOID
    assert update.psp_reference == update.transaction_id == reference
    assert (update.amount, update.currency) == (Decimal("10.00"), "USD")


# -- refunds ----------------------------------------------------------------------------------


def test_a_refund_sends_a_refund_update(manager: PluginManager, fake_stripe: FakeStripe) -> None:
    reference = sold(manager, fake_stripe)
    refund = manager.refund(pay("4.00", psp_reference=reference, order_id="order-9"))

    update = only_update(manager, fake_stripe, "charge.refunded")

    assert update.is_success and update.kind is K.REFUND
    assert update.psp_reference == reference
    assert update.transaction_id == refund.transaction_id and update.transaction_id.startswith(
        "re_"
    )
    assert (update.amount, update.currency) == (Decimal("4.00"), "USD")
    assert update.merchant_reference == "order-9"
    assert update.event_id == f"{refund.transaction_id}:succeeded"
    assert_safe(update)


def test_each_refund_is_reported_once_though_every_event_lists_them_all(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    reference = sold(manager, fake_stripe)
    first = manager.refund(pay("3.00", psp_reference=reference))
    second = manager.refund(pay("2.00", psp_reference=reference))
    one, two = fake_stripe.take_webhooks("charge.refunded")

    assert [u.transaction_id for u in deliver(manager, one).updates] == [first.transaction_id]
    result = deliver(manager, two)

    # The second event lists both refunds: the first one was reported already.
    assert [(u.transaction_id, u.amount) for u in result.updates] == [
        (second.transaction_id, Decimal("2.00"))
    ]
    assert [u.transaction_id for u in result.duplicates] == [first.transaction_id]


def test_a_pending_refund_is_ongoing_until_it_succeeds(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    reference = sold(manager, fake_stripe, "pm_card_pendingRefund")
    refund = manager.refund(pay(psp_reference=reference))
    assert refund.kind is K.REFUND_ONGOING

    ongoing = only_update(manager, fake_stripe, "charge.refunded")
    fake_stripe.settle_refund(refund.transaction_id)
    done = only_update(manager, fake_stripe, "charge.refund.updated")

    assert ongoing.is_success and ongoing.kind is K.REFUND_ONGOING
    assert done.is_success and done.kind is K.REFUND
    assert ongoing.transaction_id == done.transaction_id == refund.transaction_id
    assert done.psp_reference == reference and done.amount == Decimal("10.00")


def test_a_pending_refund_that_fails(manager: PluginManager, fake_stripe: FakeStripe) -> None:
    reference = sold(manager, fake_stripe, "pm_card_pendingRefund")
    refund = manager.refund(pay(psp_reference=reference))
    fake_stripe.take_webhooks()
    fake_stripe.settle_refund(refund.transaction_id, succeed=False)

    update = only_update(manager, fake_stripe, "charge.refund.updated")

    assert not update.is_success and update.kind is K.REFUND_FAILED
    assert update.error_code is ErrorCode.PROCESSING_ERROR
    assert update.psp_error_code == "expired_or_canceled_card"
    assert update.psp_reference == reference and update.transaction_id == refund.transaction_id
    assert update.raw_response is not None
    assert update.raw_response["failure_reason"] == "expired_or_canceled_card"


def test_a_canceled_refund_is_a_failed_refund(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    refund = {"id": "re_hand_1", "object": "refund", "amount": 500, "currency": "usd",
              "payment_intent": "pi_hand_1", "charge": "ch_hand_1", "status": "canceled",
              "metadata": {}}  # fmt: skip
    result = deliver(manager, signed(fake_stripe, event_body("charge.refund.updated", refund)))

    [update] = result.updates
    assert update.kind is K.REFUND_FAILED and update.error_code is ErrorCode.PROCESSING_ERROR
    assert update.psp_error_code is None and update.psp_error_message == "refund canceled"


def _charge(**fields: Any) -> dict[str, Any]:
    """A 2020-08-27 Charge as charge.refunded carries it (the fields the plugin reads)."""
    charge = {"id": "ch_hand_1", "object": "charge", "amount": 1000, "amount_captured": 1000,
              "amount_refunded": 0, "captured": True, "currency": "usd",
              "payment_intent": "pi_hand_1", "refunds": {"object": "list", "data": [],
              "has_more": False, "url": "/v1/charges/ch_hand_1/refunds"}}  # fmt: skip
    charge.update(fields)
    return charge


def _refund(refund_id: str, amount: int, created: int) -> dict[str, Any]:
    return {"id": refund_id, "object": "refund", "amount": amount, "charge": "ch_hand_1",
            "created": created, "currency": "usd", "metadata": {},
            "payment_intent": "pi_hand_1", "reason": None, "status": "succeeded"}  # fmt: skip


def test_the_released_rest_of_a_partial_capture_is_no_refund(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    # At 2020-08-27 Stripe turns the uncaptured 4.00 of a 6.00 capture into a Refund.
    reversal, real = _refund("re_rest", 400, NOW), _refund("re_real", 400, NOW + 60)
    charge = _charge(amount_captured=600, amount_refunded=800)
    charge["refunds"]["data"] = [real, reversal]  # newest first

    result = deliver(manager, signed(fake_stripe, event_body("charge.refunded", charge)))

    assert [(u.transaction_id, u.amount) for u in result.updates] == [("re_real", Decimal("4.00"))]


def test_a_cancelled_authorization_is_no_refund(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    # At 2020-08-27 cancelling an uncaptured payment "refunds" its charge.
    charge = _charge(captured=False, amount_captured=0, amount_refunded=1000, refunded=True)
    charge["refunds"]["data"] = [_refund("re_release", 1000, NOW)]

    result = deliver(manager, signed(fake_stripe, event_body("charge.refunded", charge)))

    assert result.updates == ()


def test_a_charge_without_its_refund_list_is_accepted_with_a_warning(
    manager: PluginManager, fake_stripe: FakeStripe, caplog: pytest.LogCaptureFixture
) -> None:
    charge = _charge(amount_refunded=300)
    del charge["refunds"]  # as newer API versions send it

    with caplog.at_level(logging.WARNING):
        result = deliver(manager, signed(fake_stripe, event_body("charge.refunded", charge)))

    assert result.updates == ()
    assert "2020-08-27" in caplog.text


def test_a_refund_status_the_plugin_does_not_know_changes_nothing(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    refund = {**_refund("re_new", 100, NOW), "status": "requires_action"}
    result = deliver(manager, signed(fake_stripe, event_body("charge.refund.updated", refund)))
    assert result.updates == ()


def test_an_amount_iso_cannot_hold_is_dropped_not_the_update(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    intent = {"id": "pi_hand_1", "object": "payment_intent", "status": "succeeded",
              "amount": 1050, "amount_received": 1050, "currency": "isk"}  # fmt: skip
    result = deliver(manager, signed(fake_stripe, event_body("payment_intent.succeeded", intent)))

    [update] = result.updates
    assert update.kind is K.CAPTURE and (update.amount, update.currency) == (None, None)
    assert update.raw_response is not None and update.raw_response["amount_received"] == 1050


def test_an_event_whose_intent_is_in_another_state_changes_nothing(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    intent = {"id": "pi_hand_1", "object": "payment_intent", "status": "succeeded",
              "amount": 1000, "amount_capturable": 0, "currency": "usd"}  # fmt: skip
    body = event_body("payment_intent.amount_capturable_updated", intent)
    assert deliver(manager, signed(fake_stripe, body)).updates == ()


def test_a_body_that_is_not_reserialised_text_still_verifies(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    intent = {"id": "pi_hand_1", "object": "payment_intent", "status": "canceled",
              "amount": 1000, "currency": "eur", "description": "Zoë € ✓",
              "metadata": {"order_id": "Bestellung-Zoë"}}  # fmt: skip
    body = event_body("payment_intent.canceled", intent)
    assert "Zoë".encode() in body  # raw UTF-8, not \\u escapes

    [update] = deliver(manager, signed(fake_stripe, body)).updates

    assert update.kind is K.VOID and update.merchant_reference == "Bestellung-Zoë"


# -- redelivery -------------------------------------------------------------------------------


def test_a_redelivered_event_is_a_duplicate(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    reference = authorized(manager, fake_stripe)
    manager.capture(pay(psp_reference=reference))
    [webhook] = fake_stripe.take_webhooks("payment_intent.succeeded")
    first = deliver(manager, webhook)

    same = deliver(manager, webhook)
    retried = deliver(manager, fake_stripe.redeliver(webhook))

    assert len(first.updates) == 1
    for again in (same, retried):
        assert again.updates == ()
        assert again.duplicates == first.updates
        assert again.acknowledgement == ""
    assert retried.duplicates[0].event_id == webhook.event["id"]


def test_replays_of_api_requests_send_no_new_events(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    payment = pay(token="pm_card_visa", idempotency_key="order-1-auth")
    manager.authorize(payment)
    manager.authorize(payment)  # the same key: Stripe replays, nothing happens again

    assert len(fake_stripe.take_webhooks("payment_intent.amount_capturable_updated")) == 1


# -- signatures -------------------------------------------------------------------------------


def _header(webhook: Webhook) -> str:
    return webhook.headers["Stripe-Signature"]


def _with_header(webhook: Webhook, value: str | None) -> Webhook:
    headers = {k: v for k, v in webhook.headers.items() if k != "Stripe-Signature"}
    if value is not None:
        headers["Stripe-Signature"] = value
    return Webhook(headers, webhook.body)


@pytest.fixture
def genuine(manager: PluginManager, fake_stripe: FakeStripe) -> Webhook:
    """A genuine payment_intent.succeeded delivery, not yet delivered."""
    manager.process_payment(pay(token="pm_card_visa"))
    [webhook] = fake_stripe.take_webhooks("payment_intent.succeeded")
    return webhook


def rejected(manager: PluginManager, webhook: Webhook) -> str:
    """The reason ``webhook`` is rejected for."""
    with pytest.raises(NotificationRejected) as info:
        deliver(manager, webhook)
    assert info.value.gateway_id == "stripe"
    return info.value.reason


def test_the_fake_signs_like_stripe(genuine: Webhook, fake_stripe: FakeStripe) -> None:
    parts = [part.partition("=") for part in _header(genuine).split(",")]
    names = [name for name, _, _ in parts]
    assert names == ["t", "v1", "v0"]
    timestamp, v1 = parts[0][2], parts[1][2]
    expected = hmac.new(
        fake_stripe.webhook_secret.encode(), f"{timestamp}.".encode() + genuine.body, hashlib.sha256
    ).hexdigest()
    assert v1 == expected
    assert genuine.body.startswith(b'{\n  "id": "evt_')  # pretty-printed, as Stripe sends


def test_any_matching_v1_verifies_while_a_secret_is_rolled(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    old = fake_stripe.webhook_secret
    new = fake_stripe.roll_webhook_secret()
    manager.process_payment(pay(token="pm_card_visa"))
    manager.process_payment(pay(token="pm_card_visa"))
    one, two = fake_stripe.take_webhooks("payment_intent.succeeded")
    assert _header(one).count("v1=") == 2

    assert len(deliver(manager, one).updates) == 1  # configured with the old secret
    manager.configure("stripe", config_for(fake_stripe))  # now with the new one
    assert fake_stripe.webhook_secret == new != old
    assert len(deliver(manager, two).updates) == 1


def test_a_secret_rolled_without_overlap_no_longer_verifies(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    fake_stripe.roll_webhook_secret(keep_old=False)
    manager.process_payment(pay(token="pm_card_visa"))
    [webhook] = fake_stripe.take_webhooks("payment_intent.succeeded")

    assert "matches" in rejected(manager, webhook)


def test_a_changed_body_byte_is_rejected(manager: PluginManager, genuine: Webhook) -> None:
    body = bytearray(genuine.body)
    at = genuine.body.index(b'"amount_received": ') + len(b'"amount_received": ')
    body[at] = ord("9") if body[at] != ord("9") else ord("8")

    assert "matches" in rejected(manager, Webhook(genuine.headers, bytes(body)))


def test_reserialised_json_is_rejected(manager: PluginManager, genuine: Webhook) -> None:
    # What a host that parses the request before handing it over would pass.
    body = json.dumps(json.loads(genuine.body)).encode()
    assert "matches" in rejected(manager, Webhook(genuine.headers, body))


def test_another_endpoints_secret_is_rejected(
    manager: PluginManager, fake_stripe: FakeStripe, genuine: Webhook
) -> None:
    manager.configure("stripe", config_for(fake_stripe, webhook_secret="whsec_another_endpoint"))
    assert "matches" in rejected(manager, genuine)


def test_a_missing_signature_header_is_rejected(manager: PluginManager, genuine: Webhook) -> None:
    assert "missing" in rejected(manager, _with_header(genuine, None))
    assert "missing" in rejected(manager, _with_header(genuine, "  "))


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda t, v1: "garbage", "timestamp"),
        (lambda t, v1: f"v1={v1}", "timestamp"),
        (lambda t, v1: f"t=soon,v1={v1}", "timestamp"),
        (lambda t, v1: f"t=-{t},v1={v1}", "timestamp"),
        (lambda t, v1: f"t={t},t={t},v1={v1}", "timestamp"),
        (lambda t, v1: f"t={t}", "no v1"),
        (lambda t, v1: f"t={t},v2={v1}", "no v1"),
        # Stripe's test-mode v0 is never checked, even when it holds the right HMAC.
        (lambda t, v1: f"t={t},v0={v1}", "no v1"),
        (lambda t, v1: f"t={t},v1=", "matches"),
        (lambda t, v1: f"t={t},v1={v1.upper()}", "matches"),
        (lambda t, v1: f"t={t},v1={v1[:-1]}", "matches"),
        (lambda t, v1: f"t={t},v1=ünïcödé", "matches"),
        (lambda t, v1: f"t={int(t) + 1},v1={v1}", "matches"),  # the timestamp is signed
    ],
)
def test_malformed_signature_headers_are_rejected(
    manager: PluginManager, genuine: Webhook, make: Any, why: str
) -> None:
    timestamp, v1 = (part.partition("=")[2] for part in _header(genuine).split(",")[:2])
    assert why in rejected(manager, _with_header(genuine, make(timestamp, v1)))


def test_v1_with_spaces_after_commas_verifies(manager: PluginManager, genuine: Webhook) -> None:
    header = ", ".join(_header(genuine).split(","))
    assert len(deliver(manager, _with_header(genuine, header)).updates) == 1


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        (-DEFAULT_TOLERANCE, True),
        (-DEFAULT_TOLERANCE - 1, False),
        (DEFAULT_TOLERANCE, True),
        (DEFAULT_TOLERANCE + 1, False),
        (-86_400 * 30, False),
    ],
)
def test_timestamps_beyond_the_tolerance_are_rejected(
    manager: PluginManager,
    plugin: StripeGatewayPlugin,
    fake_stripe: FakeStripe,
    genuine: Webhook,
    offset: float,
    accepted: bool,
) -> None:
    plugin.clock = lambda: NOW
    webhook = signed(fake_stripe, genuine.body, timestamp=int(NOW + offset))
    if accepted:
        assert len(deliver(manager, webhook).updates) == 1
    else:
        reason = rejected(manager, webhook)
        assert "tolerance" in reason and ("old" in reason or "future" in reason)


def test_the_tolerance_is_configurable(
    manager: PluginManager, plugin: StripeGatewayPlugin, fake_stripe: FakeStripe, genuine: Webhook
) -> None:
    manager.configure("stripe", config_for(fake_stripe, webhook_tolerance=60))
    plugin.clock = lambda: NOW
    assert "tolerance" in rejected(manager, signed(fake_stripe, genuine.body, NOW - 61))
    assert len(deliver(manager, signed(fake_stripe, genuine.body, NOW - 60)).updates) == 1


def test_the_fakes_clock_signs_in_the_past(
    manager: PluginManager, fake_stripe: FakeStripe, plugin: StripeGatewayPlugin
) -> None:
    fake_stripe.clock = lambda: NOW - 3600  # the event waited an hour in the outbox
    plugin.clock = lambda: NOW
    manager.process_payment(pay(token="pm_card_visa"))
    [webhook] = fake_stripe.take_webhooks("payment_intent.succeeded")

    assert "3600 s old" in rejected(manager, webhook)
    plugin.clock = lambda: NOW - 3600 + 5
    assert len(deliver(manager, webhook).updates) == 1


def test_without_a_webhook_secret_everything_is_rejected(
    manager: PluginManager, fake_stripe: FakeStripe, genuine: Webhook
) -> None:
    config = config_for(fake_stripe)
    del config.connection_params["webhook_secret"]
    manager.configure("stripe", config)

    assert "webhook_secret is not set" in rejected(manager, genuine)


def test_an_unconfigured_plugin_rejects(genuine: Webhook) -> None:
    with pytest.raises(NotificationRejected, match="not configured"):
        StripeGatewayPlugin().handle_notification(genuine.headers, genuine.body)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"[]", "not a Stripe event"),
        (b'"evt_1"', "not a Stripe event"),
        (b"{not json", "not JSON"),
        (b'{"id": "evt_1", "data": {"object": {}}}', "no type"),
        (b'{"id": "", "type": "x", "data": {"object": {}}}', "no id"),
        (b'{"id": "evt_1", "type": "payment_intent.succeeded", "data": {}}', "no data.object"),
        (
            b'{"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": '
            b'{"object": "charge", "id": "ch_1"}}}',
            "is not a payment_intent",
        ),
        (
            b'{"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": '
            b'{"object": "payment_intent", "status": "succeeded"}}}',
            "has no id",
        ),
        (
            b'{"id": "evt_1", "type": "charge.refunded", "data": {"object": {"object": "charge",'
            b' "captured": true, "refunds": {"data": ["re_1"], "has_more": false}}}}',
            "not an object",
        ),
    ],
)
def test_a_signed_body_that_is_no_stripe_event_is_rejected(
    manager: PluginManager, fake_stripe: FakeStripe, body: bytes, why: str
) -> None:
    assert why in rejected(manager, signed(fake_stripe, body))


def test_a_signed_body_that_is_not_utf8_is_rejected(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    body = b'{"id": "evt_\xff"}'
    timestamp = str(int(fake_stripe.clock()))
    # Signed here by hand: the fake, like Stripe, only ever signs UTF-8 text.
    v1 = hmac.new(
        fake_stripe.webhook_secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    webhook = Webhook({"Stripe-Signature": f"t={timestamp},v1={v1}"}, body)
    assert "not UTF-8" in rejected(manager, webhook)


def test_no_secret_or_signature_in_rejections_or_logs(
    manager: PluginManager,
    plugin: StripeGatewayPlugin,
    fake_stripe: FakeStripe,
    genuine: Webhook,
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = fake_stripe.webhook_secret
    timestamp, v1 = (part.partition("=")[2] for part in _header(genuine).split(",")[:2])
    tampered = genuine.body.replace(b'"succeeded"', b'"canceled"', 1)
    attempts = [
        _with_header(genuine, None),
        _with_header(genuine, f"t={timestamp},v1={v1[::-1]}"),
        _with_header(genuine, f"t={timestamp},v0={v1}"),
        _with_header(genuine, f"v1={v1}"),
        Webhook(genuine.headers, tampered),
        signed(fake_stripe, b"[]"),
    ]
    reasons = []
    with caplog.at_level(logging.DEBUG):
        for webhook in attempts:
            reasons.append(rejected(manager, webhook))
        assert len(deliver(manager, genuine).updates) == 1  # accepted ones log too
        plugin.clock = lambda: int(timestamp) + 10_000
        reasons.append(rejected(manager, genuine))
        manager.configure("stripe", config_for(fake_stripe, webhook_secret="whsec_other"))
        reasons.append(rejected(manager, genuine))

    text = caplog.text + "\n".join(reasons)
    assert "rejected the notification" in caplog.text  # the manager logs each rejection
    for value in (secret, "whsec_other", v1, v1[::-1], secret.removeprefix("whsec_")):
        assert value not in text


# -- configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "why"),
    [
        ({"webhook_secret": "sk_test_123"}, "whsec_"),
        ({"webhook_secret": ""}, "whsec_"),
        ({"webhook_tolerance": 0}, "webhook_tolerance"),
        ({"webhook_tolerance": -5}, "webhook_tolerance"),
        ({"webhook_tolerance": True}, "webhook_tolerance"),
        ({"webhook_tolerance": "soon"}, "webhook_tolerance"),
        ({"webhook_tolerance": 86_401}, "webhook_tolerance"),
    ],
)
def test_bad_webhook_settings_are_refused(
    manager: PluginManager, fake_stripe: FakeStripe, params: dict[str, Any], why: str
) -> None:
    with pytest.raises(ValueError, match=why) as info:
        manager.configure("stripe", config_for(fake_stripe, **params))
    assert "sk_test_123" not in str(info.value)


def test_the_webhook_secret_is_hidden_in_the_config(fake_stripe: FakeStripe) -> None:
    config = config_for(fake_stripe)
    assert fake_stripe.webhook_secret not in repr(config)
    assert fake_stripe.webhook_secret not in config.model_dump_json()
    assert fake_stripe.webhook_secret in config.secret_values()


def test_the_event_date_is_when_stripe_created_the_event(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    # Now, not NOW: the signature's timestamp must be within 5 minutes of the real
    # clock, and a long test run reaches this test well after the module was imported.
    created = int(time.time()) - 60
    fake_stripe.clock = lambda: created
    manager.process_payment(pay(token="pm_card_visa"))

    update = only_update(manager, fake_stripe, "payment_intent.succeeded")

    assert update.event_date == datetime.fromtimestamp(created, timezone.utc)


def test_an_event_created_before_the_replay_window_is_stale(
    manager: PluginManager, fake_stripe: FakeStripe, genuine: Webhook
) -> None:
    event = {**genuine.event, "created": NOW - 36 * 86_400}
    result = deliver(manager, signed(fake_stripe, json.dumps(event).encode()))

    assert result.updates == () and len(result.stale) == 1


def test_a_signed_deeply_nested_body_is_rejected(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    body = b'{"id": "evt_1", "type": "x", "data": {"object": ' + b"[" * 100_000 + b"]" * 100_000
    body += b"}}"

    assert "levels deep" in rejected(manager, signed(fake_stripe, body))
