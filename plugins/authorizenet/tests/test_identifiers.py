"""Identifiers and text in Authorize.Net's short fields: fitted, never cut into each other.

The fake refuses, with ``E00003`` as Authorize.Net does, any value longer than
the XSD allows, so a payment that passes here fits the real API's limits.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from gateway_plugins_authorizenet import fit_identifier, invoice_number
from gateway_plugins_authorizenet.testing import FakeAuthorizeNet

from gateway_plugins import AddressData, PaymentData, PluginManager
from plugins.authorizenet.tests.payments import card, host_for, pay, sent


def test_two_orders_alike_in_their_first_20_characters_are_two_charges(
    fake_authorizenet: FakeAuthorizeNet,
) -> None:
    # Same card and amount inside the duplicate window: only the order tells them apart.
    host = host_for(fake_authorizenet, duplicate_window=120)
    orders = ["order-2026-11-22-000001", "order-2026-11-22-000002"]

    responses = [host.process_payment(card().model_copy(update={"order_id": o})) for o in orders]

    assert all(r.is_success and not r.transaction_already_processed for r in responses)
    assert responses[0].transaction_id != responses[1].transaction_id
    assert [amount for _, amount in fake_authorizenet.ledger.charges()] == [Decimal("10.00")] * 2
    sent_orders = [sent(fake_authorizenet, i)["order"] for i in (0, 1)]
    invoices = [order["invoiceNumber"] for order in sent_orders]
    assert invoices[0] != invoices[1] and all(len(invoice) == 20 for invoice in invoices)
    assert invoices == [invoice_number(order) for order in orders]  # hosts can compute it
    assert all(invoice.startswith("order-2~") for invoice in invoices)  # readable start
    assert [order["description"] for order in sent_orders] == orders  # the whole id


@pytest.mark.parametrize(
    ("field", "value", "path", "limit"),
    [
        ("order_id", "o" * 254 + "1", ("transactionRequest", "order", "invoiceNumber"), 20),
        ("customer_id", "c" * 254 + "1", ("transactionRequest", "customer", "id"), 20),
        ("idempotency_key", "k" * 63 + "1", ("refId",), 20),
    ],
)
def test_a_long_identifier_is_fitted_never_cut(
    manager: PluginManager,
    fake_authorizenet: FakeAuthorizeNet,
    field: str,
    value: str,
    path: tuple[str, ...],
    limit: int,
) -> None:
    twin = value[:-1] + "2"  # the same but for its last character

    for given in (value, twin):
        assert manager.authorize(pay(**{field: given})).is_success

    fitted = [_at(request.json["createTransactionRequest"], path) for request in
              fake_authorizenet.requests]  # fmt: skip
    assert fitted[0] != fitted[1] and all(len(text) == limit for text in fitted)
    assert fitted[0] == fit_identifier(value, limit) and fitted[0].startswith(value[:7] + "~")


def _at(body: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        body = body[key]
    return body


def test_identifiers_that_fit_are_sent_as_given() -> None:
    assert fit_identifier("order-2026-11-22-001", 20) == "order-2026-11-22-001"
    assert fit_identifier("order-2026-11-22-0001", 20) != "order-2026-11-22-000"
    with pytest.raises(ValueError, match="no room"):
        fit_identifier("anything-long", 13)


def test_the_longest_payment_data_fits_every_limit(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    # Every field at PaymentData's own maximum; the fake refuses anything over the XSD's.
    longest = AddressData(
        first_name="F" * 256, last_name="L" * 256, company_name="C" * 256,
        street_address_1="1" + "S" * 255, street_address_2="T" * 256, city="Y" * 256,
        country_area="A" * 128, postal_code="4" * 20, country="GB",
        phone="+1 (317) 555-0100 ext 123456",
    )  # fmt: skip
    payment = PaymentData(
        gateway="authorizenet", amount="10.00", currency="USD", token="fake-nonce-visa",
        order_id="o" * 255, customer_id="c" * 255, idempotency_key="k" * 64,
        customer_email="a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".com",
        billing=longest, shipping=longest,
    )  # fmt: skip

    response = manager.authorize(payment)

    assert response.is_success, response.psp_error_message
    body = sent(fake_authorizenet)
    assert body["order"]["description"] == "o" * 255
    assert body["customer"]["email"] == payment.customer_email  # 254 characters: whole
    # Names and address text are cut (AVS reads the street number and the ZIP) …
    assert body["billTo"]["firstName"] == "F" * 50 and body["billTo"]["address"][:2] == "1S"
    assert body["billTo"]["zip"] == "4" * 20
    # … a phone number cut short would be someone else's: it is left out.
    assert "phoneNumber" not in body["billTo"]


def test_a_phone_number_that_fits_is_sent(
    manager: PluginManager, fake_authorizenet: FakeAuthorizeNet
) -> None:
    phone = "+1 (317) 555-0100 ext 12"  # 24 characters
    manager.authorize(pay(billing=AddressData(phone=phone)))

    assert sent(fake_authorizenet)["billTo"] == {"phoneNumber": phone}
