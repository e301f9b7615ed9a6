"""Authorize.Net webhooks through the PluginManager: signed by the fake, verified by the plugin."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from gateway_plugins_authorizenet import AuthorizeNetGatewayPlugin, sign
from gateway_plugins_authorizenet.testing import FUTURE, TRIGGER_CARD, FakeAuthorizeNet
from pydantic import SecretStr

from gateway_plugins import (
    ErrorCode,
    GatewayConfig,
    NotificationRejected,
    NotificationResult,
    PaymentData,
    PluginManager,
    TransactionKind,
)

GATEWAY = "authorizenet"


def host_for(fake: FakeAuthorizeNet, **params: Any) -> PluginManager:
    currencies = params.pop("currencies", "USD")
    config = GatewayConfig(
        gateway_name="Authorize.Net",
        supported_currencies=currencies,
        connection_params={
            "api_login_id": fake.api_login_id,
            "transaction_key": fake.transaction_key,
            "signature_key": SecretStr(fake.signature_key),
            "base_url": fake.url,
            "duplicate_window": 0,
            **params,
        },
    )
    host = PluginManager(discover=False)
    host.register(AuthorizeNetGatewayPlugin(), GATEWAY)
    host.configure(GATEWAY, config)
    return host


def deliver(host: PluginManager, headers: Mapping[str, str], body: bytes) -> NotificationResult:
    """Deliver a notification as a host does: its updates are recorded once the block ends."""
    with host.notification(GATEWAY, headers, body) as result:
        return result


def pay(amount: str = "10.00", **fields: Any) -> PaymentData:
    fields.setdefault("token", "fake-nonce-visa")
    return PaymentData(gateway=GATEWAY, amount=amount, currency="USD", **fields)


@pytest.fixture
def host(fake_authorizenet: FakeAuthorizeNet) -> PluginManager:
    return host_for(fake_authorizenet)


def test_every_money_event_becomes_an_update(
    host: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    auth = host.authorize(pay("10.10"))
    host.capture(pay("10.10", token=None, psp_reference=auth.psp_reference))
    sale = host.process_payment(pay("5.00"))
    host.refund(pay("1.25", token=None, psp_reference=sale.psp_reference))
    void = host.authorize(pay("3.00"))
    host.void(pay("3.00", token=None, psp_reference=void.psp_reference))

    updates = [
        update
        for headers, body in fake_authorizenet.notifications()
        for update in deliver(host, headers, body).updates
    ]

    assert [(u.event_code.rsplit(".", 2)[-2], u.kind, u.amount) for u in updates] == [
        ("authorization", TransactionKind.AUTH, Decimal("10.10")),
        ("priorAuthCapture", TransactionKind.CAPTURE, Decimal("10.10")),
        ("authcapture", TransactionKind.CAPTURE, Decimal("5.00")),
        ("refund", TransactionKind.REFUND, Decimal("1.25")),
        ("authorization", TransactionKind.AUTH, Decimal("3.00")),
        ("void", TransactionKind.VOID, Decimal("3.00")),
    ]
    assert all(u.is_success and u.currency == "USD" for u in updates)
    assert updates[0].psp_reference == updates[0].transaction_id == auth.psp_reference
    assert updates[2].psp_reference == sale.psp_reference
    assert all(isinstance(u.amount, Decimal) for u in updates)  # never a float
    assert len({u.event_id for u in updates}) == len(updates)


def test_a_repeated_event_is_a_duplicate(
    host: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    fake_authorizenet.sale()
    headers, body = fake_authorizenet.notifications()[0]

    first = deliver(host, headers, body)
    again = deliver(host, headers, body)

    assert len(first.updates) == 1 and again.updates == ()
    assert again.duplicates[0].event_id == json.loads(body)["notificationId"]
    assert first.acknowledgement == ""


def test_a_declined_event_is_a_failed_update(
    host: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    host.authorize(pay(token="fake-nonce-declined"))
    headers, body = fake_authorizenet.notifications()[0]

    (update,) = deliver(host, headers, body).updates

    assert not update.is_success and update.error_code is ErrorCode.DECLINED
    assert update.psp_error_code == "2"


def test_events_about_no_money_change_nothing(
    host: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    data = {"expiration_date": FUTURE}
    held = host.authorize(pay("252.00", token=TRIGGER_CARD, data=data))
    assert held.kind is TransactionKind.PENDING
    headers, body = fake_authorizenet.notifications()[0]

    result = deliver(host, headers, body)

    assert json.loads(body)["eventType"] == "net.authorize.payment.fraud.held"
    assert result.updates == ()


def test_the_signature_is_compared_case_insensitively(
    host: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    fake_authorizenet.sale()
    headers, body = fake_authorizenet.notifications()[0]
    lower = {"x-anet-signature": headers["X-ANET-Signature"].lower()}

    assert len(deliver(host, lower, body).updates) == 1
    assert headers["X-ANET-Signature"] == sign(body, fake_authorizenet.signature_key)


@pytest.mark.parametrize(
    "tamper",
    ["body", "signature", "scheme", "missing", "other key"],
)
def test_forged_notifications_are_rejected(
    host: PluginManager, fake_authorizenet: FakeAuthorizeNet, tamper: str
) -> None:
    fake_authorizenet.sale()
    headers, body = fake_authorizenet.notifications()[0]
    signature = headers["X-ANET-Signature"]
    if tamper == "body":
        body = body.replace(b'"authAmount":10.00', b'"authAmount":1000.00')
    elif tamper == "signature":
        headers = {"X-ANET-Signature": signature[:-2] + ("00" if signature[-2:] != "00" else "11")}
    elif tamper == "scheme":
        headers = {"X-ANET-Signature": signature.replace("sha512=", "sha256=")}
    elif tamper == "missing":
        headers = {}
    else:
        headers = {"X-ANET-Signature": sign(body, "another-signature-key")}

    with pytest.raises(NotificationRejected) as rejected:
        deliver(host, headers, body)

    assert fake_authorizenet.signature_key not in str(rejected.value)


def test_without_a_signature_key_every_notification_is_rejected(
    fake_authorizenet: FakeAuthorizeNet,
) -> None:
    host = host_for(fake_authorizenet)
    host.configure(
        GATEWAY,
        GatewayConfig(
            gateway_name="Authorize.Net",
            supported_currencies="USD",
            connection_params={
                "api_login_id": fake_authorizenet.api_login_id,
                "transaction_key": fake_authorizenet.transaction_key,
                "base_url": fake_authorizenet.url,
            },
        ),
    )
    fake_authorizenet.sale()
    headers, body = fake_authorizenet.notifications()[0]

    with pytest.raises(NotificationRejected, match="signature_key is not set"):
        deliver(host, headers, body)


def test_a_signed_but_unreadable_event_is_rejected(
    host: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    body = b'{"eventType": "net.authorize.payment.authcapture.created"}'
    headers = {"X-ANET-Signature": sign(body, fake_authorizenet.signature_key)}

    with pytest.raises(NotificationRejected, match="unreadable event"):
        deliver(host, headers, body)


def test_no_amount_without_a_single_account_currency(fake_authorizenet: FakeAuthorizeNet) -> None:
    host = host_for(fake_authorizenet, currencies="USD, EUR")
    fake_authorizenet.sale()
    headers, body = fake_authorizenet.notifications()[0]

    (update,) = deliver(host, headers, body).updates

    assert update.amount is None and update.currency is None


def resigned(fake: FakeAuthorizeNet, body: bytes, **changes: Any) -> tuple[dict[str, str], bytes]:
    """The event of ``body`` with ``changes``, signed with the account's key."""
    body = json.dumps({**json.loads(body), **changes}).encode()
    return {"X-ANET-Signature": sign(body, fake.signature_key)}, body


def test_the_event_date_is_read(host: PluginManager, fake_authorizenet: FakeAuthorizeNet) -> None:
    fake_authorizenet.sale()
    headers, body = resigned(
        fake_authorizenet, fake_authorizenet.notifications()[0][1],
        eventDate=f"{datetime.now(timezone.utc):%Y-%m-%dT%H:%M:%S}.1234567Z",
    )  # fmt: skip

    (update,) = deliver(host, headers, body).updates

    assert update.event_date is not None
    assert abs(datetime.now(timezone.utc) - update.event_date) < timedelta(minutes=1)
    assert update.event_date.microsecond == 123456


def test_a_signed_event_replayed_after_the_window_is_stale(
    host: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    fake_authorizenet.sale()
    # The signature covers eventDate: a replay cannot be re-dated.
    old = datetime.now(timezone.utc) - timedelta(days=36)
    headers, body = resigned(
        fake_authorizenet, fake_authorizenet.notifications()[0][1],
        eventDate=old.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    )  # fmt: skip

    result = deliver(host, headers, body)

    assert result.updates == () and len(result.stale) == 1


@pytest.mark.parametrize(
    "body",
    [
        b'{"payload": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"eventType": "net.authorize.payment.authcapture.created", "notificationId": "n",'
        b' "payload": {"id": "1", "responseCode": 1, "authAmount": "lots"}}',
        b'{"eventType": "net.authorize.payment.authcapture.created", "notificationId": "n",'
        b' "payload": {"id": "1", "responseCode": 1, "authAmount": Infinity}}',
    ],
    ids=["deeper than the recursion limit", "an amount that is no number", "Infinity"],
)
def test_a_signed_hostile_body_is_rejected_not_an_error(
    host: PluginManager, fake_authorizenet: FakeAuthorizeNet, body: bytes
) -> None:
    headers = {"X-ANET-Signature": sign(body, fake_authorizenet.signature_key)}

    with pytest.raises(NotificationRejected):
        host.handle_notification(GATEWAY, headers, body)
