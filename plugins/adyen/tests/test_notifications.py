"""Adyen webhooks end to end: the fake signs and sends, the manager verifies and translates.

The fake's signer (``fake_adyen.webhooks``) and the plugin's verifier
(``gateway_plugins_adyen.signature``) are separate implementations of Adyen's
HMAC algorithm; a known-answer vector computed with ``openssl`` checks both.
"""

from __future__ import annotations

import copy
import json
import logging
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
import requests
from gateway_plugins_adyen import ACKNOWLEDGEMENT, signing_string
from gateway_plugins_adyen import sign as plugin_sign
from gateway_plugins_adyen.testing import FakeAdyen, Webhook, hmac_signature, signing_text
from gateway_plugins_adyen.testing.currencies import ADYEN_DECIMALS, major_units

from gateway_plugins import (
    ErrorCode,
    NotificationError,
    NotificationRejected,
    NotificationResult,
    PluginManager,
    TransactionKind,
    TransactionUpdate,
)
from plugins.adyen.tests.payments import VISA, card, config_for, follow_up, manager_for, pay

K = TransactionKind
#: An eventDate inside the manager's replay window, as Adyen writes one.
RECENTLY = (datetime.now(timezone(timedelta(hours=1))) - timedelta(days=1)).isoformat(
    timespec="seconds"
)


@pytest.fixture
def manager(fake_adyen: FakeAdyen) -> PluginManager:
    return manager_for(fake_adyen)


def deliver(manager: PluginManager, webhook: Webhook) -> NotificationResult:
    """Deliver ``webhook`` as a host does: its updates are recorded once the block ends."""
    headers, body = webhook
    with manager.notification("adyen", headers, body) as result:
        return result


def only_update(manager: PluginManager, webhook: Webhook) -> TransactionUpdate:
    result = deliver(manager, webhook)
    assert result.acknowledgement == ACKNOWLEDGEMENT == "[accepted]"
    [update] = result.updates
    return update


def authorized(manager: PluginManager, fake: FakeAdyen, amount: str = "10.00") -> str:
    response = manager.authorize(pay(amount))
    assert response.is_success and response.psp_reference
    fake.take_webhooks()  # the AUTHORISATION webhook, not under test here
    return response.psp_reference


def item(**fields: Any) -> dict[str, Any]:
    """A NotificationRequestItem as Adyen writes one; ``fields`` override (``None`` removes)."""
    base: dict[str, Any] = {
        "additionalData": {},
        "amount": {"currency": "EUR", "value": 1000},
        "eventCode": "CAPTURE",
        "eventDate": RECENTLY,
        "merchantAccountCode": "GatewayPluginsTestECOM",
        "merchantReference": "order-1",
        "originalReference": "PAYMENT000000001",
        "paymentMethod": "visa",
        "pspReference": "CAPTURE000000001",
        "success": "true",
    }
    base.update(fields)
    return {key: value for key, value in base.items() if value is not None}


def send(manager: PluginManager, *items: dict[str, Any]) -> NotificationResult:
    body = FakeAdyen.webhook_body(list(items))
    with manager.notification("adyen", {"content-type": "application/json"}, body) as result:
        return result


# -- AUTHORISATION ------------------------------------------------------------------------------


def test_an_authorisation_webhook_confirms_the_payment(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    response = manager.authorize(pay(order_id="order-7"))
    [webhook] = fake_adyen.take_webhooks()

    update = only_update(manager, webhook)

    assert update.is_success and update.kind is K.AUTH and update.event_code == "AUTHORISATION"
    assert update.psp_reference == update.transaction_id == response.psp_reference
    assert (update.amount, update.currency) == (Decimal("10.00"), "EUR")
    assert update.merchant_reference == "order-7"
    assert update.event_id == f"{response.psp_reference}:AUTHORISATION:true"
    raw = update.raw_response or {}
    # The reason of a success holds the card's last four digits and expiry: not kept.
    assert "reason" not in raw and "additionalData" not in raw
    assert raw["success"] == "true" and raw["pspReference"] == response.psp_reference


@pytest.mark.parametrize(
    ("holder", "code", "psp_code", "reason"),
    [
        ("DECLINED", ErrorCode.DECLINED, "2", "Refused"),
        ("CARD_EXPIRED", ErrorCode.EXPIRED, "6", "Expired Card"),
        ("ERROR", ErrorCode.PROCESSING_ERROR, "4", "Acquirer Error"),
    ],
)
def test_a_refused_authorisation_maps_its_reason(
    manager: PluginManager,
    fake_adyen: FakeAdyen,
    holder: str,
    code: ErrorCode,
    psp_code: str,
    reason: str,
) -> None:
    manager.authorize(pay(method=card(holder=holder)))
    [webhook] = fake_adyen.take_webhooks()

    update = only_update(manager, webhook)

    assert not update.is_success and update.kind is K.AUTH
    assert (update.error_code, update.psp_error_code, update.psp_error_message) == (
        code,
        psp_code,
        reason,
    )
    assert (update.raw_response or {})["reason"] == reason


def test_an_unknown_refusal_text_is_declined(manager: PluginManager, fake_adyen: FakeAdyen) -> None:
    refused = item(eventCode="AUTHORISATION", originalReference=None, success="false",
                   reason="Issuer says no for reasons of its own")  # fmt: skip

    [update] = send(manager, fake_adyen.sign(refused)).updates

    assert update.error_code is ErrorCode.DECLINED and update.psp_error_code is None
    assert update.psp_error_message == "Issuer says no for reasons of its own"


def test_three_d_secure_completion_sends_an_authorisation(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    response = manager.authorize(pay(method=card("4917610000000000")))
    assert fake_adyen.take_webhooks() == []  # nothing decided while the shopper is away
    returned = fake_adyen.complete_3ds(response.psp_reference or "", passed=True)
    manager.confirm_payment(follow_up(response.psp_reference, data=returned))

    [webhook] = fake_adyen.take_webhooks()

    update = only_update(manager, webhook)
    assert update.is_success and update.psp_reference == response.psp_reference


# -- Modifications: pending, then settled by webhook ---------------------------------------------


def test_a_capture_completes_by_webhook(manager: PluginManager, fake_adyen: FakeAdyen) -> None:
    reference = authorized(manager, fake_adyen)
    capture = manager.capture(follow_up(reference))
    assert capture.kind is K.PENDING

    [webhook] = fake_adyen.settle()
    update = only_update(manager, webhook)

    assert update.is_success and update.kind is K.CAPTURE and update.event_code == "CAPTURE"
    assert update.psp_reference == reference  # the payment, as the host stored it
    assert update.transaction_id == capture.transaction_id  # the capture itself
    assert (update.amount, update.currency) == (Decimal("10.00"), "EUR")


def test_partial_captures_complete_one_by_one(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    reference = authorized(manager, fake_adyen)
    manager.capture(follow_up(reference, "4.00"))
    manager.capture(follow_up(reference, "6.00"))

    updates = [only_update(manager, webhook) for webhook in fake_adyen.settle()]

    assert [(u.kind, u.amount, u.psp_reference) for u in updates] == [
        (K.CAPTURE, Decimal("4.00"), reference),
        (K.CAPTURE, Decimal("6.00"), reference),
    ]
    assert updates[0].event_id != updates[1].event_id


def test_an_over_capture_fails_by_webhook(manager: PluginManager, fake_adyen: FakeAdyen) -> None:
    reference = authorized(manager, fake_adyen)
    assert manager.capture(follow_up(reference, "10.01")).is_success  # only "received"

    [webhook] = fake_adyen.settle()
    update = only_update(manager, webhook)

    assert not update.is_success and update.kind is K.CAPTURE_FAILED
    assert update.error_code is ErrorCode.PROCESSING_ERROR and update.psp_error_code == "CAPTURE"
    assert update.psp_error_message == "Insufficient balance on payment"
    assert update.psp_reference == reference and update.amount == Decimal("10.01")
    assert fake_adyen.ledger.captured(reference) == 0


def test_a_capture_the_scheme_rejects_is_capture_failed(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    reference = authorized(manager, fake_adyen)
    fake_adyen.scheme_rejects(reference)
    manager.capture(follow_up(reference))

    captured, failed = (only_update(manager, webhook) for webhook in fake_adyen.settle())

    assert captured.is_success and captured.kind is K.CAPTURE
    assert not failed.is_success and failed.kind is K.CAPTURE_FAILED
    assert (failed.event_code, failed.psp_error_code) == ("CAPTURE_FAILED", "CAPTURE_FAILED")
    assert failed.transaction_id == captured.transaction_id and failed.psp_reference == reference
    assert failed.event_id != captured.event_id
    assert fake_adyen.ledger.captured(reference) == 0


def test_refunds_complete_or_fail_by_webhook(manager: PluginManager, fake_adyen: FakeAdyen) -> None:
    sale = manager.process_payment(pay())
    reference = sale.psp_reference or ""
    fake_adyen.take_webhooks()
    refund = manager.refund(follow_up(reference, "4.00"))
    manager.refund(follow_up(reference, "6.01"))  # more than is left

    done, refused = (only_update(manager, webhook) for webhook in fake_adyen.settle())

    assert refund.kind is K.REFUND_ONGOING
    assert done.is_success and done.kind is K.REFUND and done.amount == Decimal("4.00")
    assert done.transaction_id == refund.transaction_id and done.psp_reference == reference
    assert not refused.is_success and refused.kind is K.REFUND_FAILED
    assert refused.error_code is ErrorCode.PROCESSING_ERROR and refused.psp_error_code == "REFUND"
    assert fake_adyen.ledger.refunded(reference) == 400


def test_a_refund_the_scheme_rejects_is_refund_failed(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    sale = manager.process_payment(pay())
    reference = sale.psp_reference or ""
    fake_adyen.take_webhooks()
    fake_adyen.scheme_rejects(reference)
    manager.refund(follow_up(reference))

    kinds = [only_update(manager, webhook).kind for webhook in fake_adyen.settle()]

    assert kinds == [K.REFUND, K.REFUND_FAILED]
    assert fake_adyen.ledger.refunded(reference) == 0


def test_a_cancellation_completes_the_void(manager: PluginManager, fake_adyen: FakeAdyen) -> None:
    reference = authorized(manager, fake_adyen)
    manager.void(follow_up(reference))

    [webhook] = fake_adyen.settle()
    update = only_update(manager, webhook)

    assert update.is_success and update.kind is K.VOID and update.psp_reference == reference


def test_a_cancellation_reports_the_whole_authorisation_released(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    reference = authorized(manager, fake_adyen, "25.00")
    # Adyen's /cancels takes no amount: a host asking to void 3.00 hears "pending"
    # for its request, and the webhook says what Adyen really released.
    void = manager.void(follow_up(reference, "3.00"))
    assert void.is_success and void.kind is K.PENDING
    assert "amount" not in fake_adyen.requests[-1].json

    [webhook] = fake_adyen.settle()
    update = only_update(manager, webhook)

    assert update.is_success and update.kind is K.VOID and update.event_code == "CANCELLATION"
    assert (update.amount, update.currency) == (Decimal("25.00"), "EUR")


def test_a_cancellation_of_captured_money_fails(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    sale = manager.process_payment(pay())
    fake_adyen.take_webhooks()
    void = manager.void(follow_up(sale.psp_reference))
    assert void.is_success and void.kind is K.PENDING  # never claimed as a void

    [webhook] = fake_adyen.settle()
    update = only_update(manager, webhook)

    assert not update.is_success and update.kind is K.VOID
    assert update.psp_error_code == "CANCELLATION" and update.psp_error_message


def test_cancel_or_refund_is_a_cancel(manager: PluginManager, fake_adyen: FakeAdyen) -> None:
    reference = authorized(manager, fake_adyen)
    # The plugin does not use /reversals; a host's back office might.
    reply = requests.post(
        f"{fake_adyen.url}/payments/{reference}/reversals",
        json={"merchantAccount": fake_adyen.merchant_account},
        headers={"X-API-Key": fake_adyen.api_key},
        timeout=5,
    )
    assert reply.status_code == 201

    [webhook] = fake_adyen.settle()
    update = only_update(manager, webhook)

    assert update.is_success and update.kind is K.CANCEL and update.event_code == "CANCEL_OR_REFUND"
    assert update.psp_reference == reference


def test_other_event_codes_are_accepted_without_updates(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    url = "https://ca-test.adyen.com/reports/download/settlement_detail_report.csv"
    report = item(eventCode="REPORT_AVAILABLE", originalReference=None, amount=None, reason=url)

    result = send(manager, fake_adyen.sign(report))

    assert result.updates == () and result.duplicates == ()
    assert result.acknowledgement == "[accepted]"


@pytest.mark.parametrize(
    ("amount", "currency"), [("1000", "CLP"), ("5", "ISK"), ("12", "CVE"), ("15000", "IDR")]
)
def test_an_amount_is_read_by_adyens_decimals(
    manager: PluginManager, fake_adyen: FakeAdyen, amount: str, currency: str
) -> None:
    # The value as Adyen writes it, from the fake's copy of Adyen's table (not the plugin's).
    value = int(Decimal(amount).scaleb(ADYEN_DECIMALS[currency]))
    assert major_units(value, currency) == Decimal(amount)

    [update] = send(
        manager, fake_adyen.sign(item(amount={"currency": currency, "value": value}))
    ).updates

    assert (update.amount, update.currency) == (Decimal(amount), currency)


def test_an_amount_iso_cannot_hold_keeps_the_event(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    # Adyen sends ISK with two decimals; 123.45 ISK is not an ISO amount.
    odd = item(amount={"currency": "ISK", "value": 12345})

    [update] = send(manager, fake_adyen.sign(odd)).updates

    assert update.is_success and update.amount is None and update.currency is None
    assert (update.raw_response or {})["amount"] == {"currency": "ISK", "value": 12345}


# -- Duplicates ---------------------------------------------------------------------------------


def test_a_webhook_delivered_twice_is_reported_as_a_duplicate(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    reference = authorized(manager, fake_adyen)
    manager.capture(follow_up(reference))
    [webhook] = fake_adyen.settle()

    first = deliver(manager, webhook)
    again = deliver(manager, webhook)

    assert len(first.updates) == 1 and first.duplicates == ()
    assert again.updates == () and again.duplicates == first.updates
    assert again.acknowledgement == "[accepted]"  # Adyen must still hear it was received


def test_an_authorisation_that_changes_outcome_is_not_a_duplicate(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    refused = item(eventCode="AUTHORISATION", originalReference=None,
                   pspReference="PAYMENT000000009", success="false", reason="Refused")  # fmt: skip
    authorised = {**refused, "success": "true"}
    del authorised["reason"]

    first = send(manager, fake_adyen.sign(refused))
    second = send(manager, fake_adyen.sign(authorised))

    assert [u.is_success for u in (*first.updates, *second.updates)] == [False, True]
    assert second.duplicates == ()


# -- Signatures ---------------------------------------------------------------------------------

#: A known answer, computed apart from both implementations:
#:   printf '%s' "$SIGNING_STRING" | openssl dgst -sha256 -mac HMAC -macopt hexkey:$KEY -binary \
#:     | base64
KNOWN_KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"
KNOWN_ITEM = {
    "pspReference": "QFQTPCQ8HXSKGK82",
    "merchantAccountCode": "GatewayPluginsTestECOM",
    "merchantReference": "order:1\\2/3",
    "amount": {"value": 1130, "currency": "EUR"},
    "eventCode": "AUTHORISATION",
    "success": "true",
}
KNOWN_SIGNATURE = "PxG9e5VAdDnVchbx+vMM+bh1TBQwEtOtmVjE69BTwSw="


def test_both_signers_give_the_known_answer() -> None:
    text = "QFQTPCQ8HXSKGK82::GatewayPluginsTestECOM:order:1\\2/3:1130:EUR:AUTHORISATION:true"

    assert signing_string(KNOWN_ITEM) == signing_text(KNOWN_ITEM) == text
    assert plugin_sign(KNOWN_ITEM, bytes.fromhex(KNOWN_KEY)) == KNOWN_SIGNATURE
    assert hmac_signature(KNOWN_ITEM, KNOWN_KEY) == KNOWN_SIGNATURE


@pytest.mark.parametrize(
    "fields",
    [
        {"merchantReference": "order:42:a\\b/c", "pspReference": "REF:WITH\\ODD/CHARS"},
        {"originalReference": None, "eventCode": "AUTHORISATION"},  # missing: signed as ""
        {"success": "false", "reason": "Insufficient balance on payment"},
        {"amount": {"currency": "EUR", "value": "1000"}},  # a string value, signed as written
        {"merchantReference": "bestelling-ü-€"},  # UTF-8
    ],
)
def test_genuine_items_verify(
    manager: PluginManager, fake_adyen: FakeAdyen, fields: dict[str, Any]
) -> None:
    genuine = fake_adyen.sign(item(**fields))

    result = send(manager, genuine)

    assert len(result.updates) == 1


def tampered(original: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(original)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("amount", "value"), 100000),
        (("amount", "currency"), "USD"),
        (("success",), "false"),
        (("eventCode",), "REFUND"),
        (("pspReference",), "CAPTURE000000002"),
        (("originalReference",), "PAYMENT000000002"),
        (("merchantReference",), "order-2"),
        (("merchantAccountCode",), "OtherMerchantECOM"),
    ],
)
def test_a_tampered_field_is_rejected(
    manager: PluginManager, fake_adyen: FakeAdyen, path: tuple[str, ...], value: Any
) -> None:
    forged = tampered(fake_adyen.sign(item()), path, value)

    with pytest.raises(NotificationRejected, match="does not match") as caught:
        send(manager, forged)

    assert fake_adyen.hmac_key not in str(caught.value)


def test_a_signature_under_another_key_is_rejected(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    other_key = "00" * 32

    with pytest.raises(NotificationRejected):
        send(manager, fake_adyen.sign(item(), other_key))


def test_a_missing_signature_is_rejected(manager: PluginManager) -> None:
    with pytest.raises(NotificationRejected, match="missing or does not match"):
        send(manager, item())


@pytest.mark.parametrize("second_signature", [None, "the first item's"])
def test_one_unsigned_item_rejects_the_whole_batch(
    manager: PluginManager, fake_adyen: FakeAdyen, second_signature: str | None
) -> None:
    first = fake_adyen.sign(item())
    second = item(pspReference="CAPTURE000000002")
    if second_signature is not None:  # a signature lifted from the signed item
        second["additionalData"]["hmacSignature"] = first["additionalData"]["hmacSignature"]

    with pytest.raises(NotificationRejected, match="item 2 of 2"):
        send(manager, first, second)
    both = send(manager, first, fake_adyen.sign(second))
    assert len(both.updates) == 2


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "not JSON"),
        (b"\xff\xfe<html>", "not UTF-8"),
        (b"[accepted]", "not JSON"),
        (b"{}", "no notificationItems"),
        (b'{"notificationItems": []}', "no notificationItems"),
        (b'{"notificationItems": [{"item": {}}]}', "no NotificationRequestItem"),
        (b'{"notificationItems": [{"NotificationRequestItem": {"pspReference": "X"}}]}',
         "no eventCode"),
    ],
)  # fmt: skip
def test_an_unreadable_body_is_rejected(manager: PluginManager, body: bytes, reason: str) -> None:
    with pytest.raises(NotificationRejected, match=reason):
        manager.handle_notification("adyen", {"content-type": "application/json"}, body)


@pytest.mark.parametrize(
    "fields",
    [{"success": True}, {"amount": {"currency": "EUR", "value": 10.5}}, {"amount": "EUR 10"}],
)
def test_values_adyen_never_sends_are_rejected(
    manager: PluginManager, fake_adyen: FakeAdyen, fields: dict[str, Any]
) -> None:
    odd = item(**fields)
    odd["additionalData"]["hmacSignature"] = "bm90IGEgc2lnbmF0dXJl"

    with pytest.raises(NotificationRejected):
        send(manager, odd)


def test_a_non_ascii_signature_is_rejected_not_a_crash(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    odd = item()
    odd["additionalData"]["hmacSignature"] = "ſignatüre"

    with pytest.raises(NotificationRejected):
        send(manager, odd)


def test_without_an_hmac_key_nothing_is_trusted(fake_adyen: FakeAdyen) -> None:
    configured = config_for(fake_adyen)
    params = {k: v for k, v in configured.connection_params.items() if k != "hmac_key"}
    host = manager_for(fake_adyen)
    host.configure("adyen", configured.model_copy(update={"connection_params": params}))

    with pytest.raises(NotificationRejected, match="no hmac_key"):
        send(host, fake_adyen.sign(item()))


def test_a_rejection_shows_neither_key_nor_card_data(
    manager: PluginManager, fake_adyen: FakeAdyen, caplog: pytest.LogCaptureFixture
) -> None:
    forged = item(merchantReference=VISA, reason=f"card {VISA} cvc 737")
    forged["additionalData"] = {"hmacSignature": "Zm9yZ2Vk", "cardNumber": VISA}

    with caplog.at_level(logging.DEBUG), pytest.raises(NotificationRejected) as caught:
        send(manager, forged)

    assert "rejected the notification" in caplog.text  # the manager logged it
    for text in (str(caught.value), caught.value.reason, caplog.text):
        assert VISA not in text and "737" not in text
        assert fake_adyen.hmac_key not in text and fake_adyen.hmac_key.lower() not in text


def test_a_webhook_body_is_what_adyen_sends(fake_adyen: FakeAdyen, manager: PluginManager) -> None:
    manager.authorize(pay())
    [webhook] = fake_adyen.take_webhooks()

    document = json.loads(webhook.body)

    assert document["live"] == "false" and len(document["notificationItems"]) == 1
    signed = document["notificationItems"][0]["NotificationRequestItem"]
    assert signed["additionalData"]["hmacSignature"] == hmac_signature(signed, fake_adyen.hmac_key)
    assert webhook.headers["content-type"] == "application/json"


# -- Replays and hostile bodies ------------------------------------------------------------------


def test_the_event_date_is_read(manager: PluginManager, fake_adyen: FakeAdyen) -> None:
    [update] = send(manager, fake_adyen.sign(item())).updates

    assert update.event_date == datetime.fromisoformat(RECENTLY)


def test_an_event_older_than_the_replay_window_is_stale(
    manager: PluginManager, fake_adyen: FakeAdyen
) -> None:
    old = (datetime.now(timezone.utc) - timedelta(days=40)).isoformat(timespec="seconds")

    result = send(manager, fake_adyen.sign(item(eventDate=old)))

    assert result.updates == () and len(result.stale) == 1
    assert result.acknowledgement == ACKNOWLEDGEMENT, "answered, so Adyen stops resending"


@pytest.mark.parametrize(
    "body",
    [
        b'{"notificationItems": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"notificationItems": [{"NotificationRequestItem": {"eventCode": "CAPTURE", '
        b'"additionalData": ' + b'{"a": ' * 200 + b"1" + b"}" * 200 + b"}}]}",
        b'{"notificationItems": [], "live": NaN}',
    ],
    ids=["deeper than the recursion limit", "deep inside an item", "NaN"],
)
def test_a_hostile_unsigned_body_is_rejected_not_an_error(
    manager: PluginManager, body: bytes
) -> None:
    # Adyen's signature is inside the body, so the body is parsed before it is verified.
    with pytest.raises(NotificationError) as caught:
        manager.handle_notification("adyen", {"content-type": "application/json"}, body)

    assert isinstance(caught.value, NotificationRejected), caught.value
