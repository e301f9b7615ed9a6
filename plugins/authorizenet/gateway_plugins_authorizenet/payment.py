"""From ``PaymentData`` to the parts of a ``transactionRequest`` that describe the payer.

Payment input (``PaymentData.token``):

* by default the token is Accept.js *opaque data*, the ``dataValue`` the
  browser got from Authorize.Net; ``data["data_descriptor"]`` overrides the
  descriptor (``COMMON.ACCEPT.INAPP.PAYMENT``, e.g. for Apple Pay's);
* a token of 13–19 digits is a card number (PCI merchants, sandbox testing):
  ``data["expiration_date"]`` (``YYYY-MM``) is then required and
  ``data["card_code"]`` optional.

Error messages here never repeat the token or card data.
"""

from __future__ import annotations

import re
from typing import Any

from gateway_plugins import AddressData, PaymentData

from .wire import cut, element

DEFAULT_DATA_DESCRIPTOR = "COMMON.ACCEPT.INAPP.PAYMENT"
_CARD_NUMBER = re.compile(r"[0-9]{13,19}")
_TRANS_ID = re.compile(r"[0-9]{1,20}")
_LAST4 = re.compile(r"[0-9]{4}")


def is_card_number(token: str | None) -> bool:
    """Whether ``token`` is a card number rather than Accept.js opaque data."""
    return token is not None and _CARD_NUMBER.fullmatch(token) is not None


def payment_element(payment: PaymentData) -> dict[str, Any]:
    """``payment``: ``opaqueData`` for an Accept.js token, ``creditCard`` for a card number."""
    token = payment.token
    if not token:
        raise ValueError("token is required: Accept.js opaque data (dataValue), or a card number")
    data = payment.data
    if is_card_number(token):
        expiry = data.get("expiration_date")
        if not isinstance(expiry, str) or not expiry.strip():
            raise ValueError(
                "data.expiration_date is required (YYYY-MM) when the token is a card number"
            )
        code = data.get("card_code")
        if code is not None and not isinstance(code, str):
            raise ValueError("data.card_code must be a string of 3 or 4 digits")
        card = element("creditCard", cardNumber=token, expirationDate=expiry.strip(), cardCode=code)
        return element("payment", creditCard=card)
    descriptor = data.get("data_descriptor", DEFAULT_DATA_DESCRIPTOR)
    if not isinstance(descriptor, str) or not descriptor.strip():
        raise ValueError("data.data_descriptor must be a non-empty string")
    opaque = element("opaqueData", dataDescriptor=descriptor.strip(), dataValue=token)
    return element("payment", opaqueData=opaque)


def refund_payment_element(last4: str) -> dict[str, Any]:
    """``payment`` of a refund: the card's last four digits and an expiry of ``XXXX``."""
    card = element("creditCard", cardNumber=last4, expirationDate="XXXX")
    return element("payment", creditCard=card)


def card_last4(payment: PaymentData) -> str | None:
    """``data["card_last4"]`` if the host gave it; ``ValueError`` when it is not 4 digits."""
    given = payment.data.get("card_last4")
    if given is None:
        return None
    if not isinstance(given, str) or not _LAST4.fullmatch(given):
        raise ValueError("data.card_last4 must be the card's last 4 digits")
    return given


def referenced_transaction(payment: PaymentData) -> str:
    """``psp_reference`` as a ``refTransId``: the transId of the earlier transaction."""
    reference = payment.psp_reference
    if not reference:
        raise ValueError("psp_reference is required: the transId of the transaction acted on")
    if not _TRANS_ID.fullmatch(reference):
        raise ValueError("psp_reference must be an Authorize.Net transId (digits only)")
    return reference


def reference_id(payment: PaymentData) -> str | None:
    """``refId``, echoed in the reply: the start of the idempotency key, to match logs."""
    return cut(payment.idempotency_key, "refId")


def order_element(payment: PaymentData) -> dict[str, Any] | None:
    """``order``: the order id as the invoice number (cut to 20), in full in the description."""
    if not payment.order_id:
        return None
    return element(
        "order",
        invoiceNumber=cut(payment.order_id, "invoiceNumber"),
        description=cut(f"Order {payment.order_id}", "description"),
    )


def customer_element(payment: PaymentData) -> dict[str, Any] | None:
    """``customer``: id (only when it fits the 20 characters: a cut id could name
    another customer) and email."""
    customer_id = payment.customer_id
    if customer_id is not None and len(customer_id) > 20:
        customer_id = None
    email = cut(payment.customer_email, "email")
    if customer_id is None and email is None:
        return None
    return element("customer", id=customer_id, email=email)


def address_element(kind: str, address: AddressData | None) -> dict[str, Any] | None:
    """``billTo`` or ``shipTo`` from an address, each field cut to the XSD length."""
    if address is None:
        return None
    street = " ".join(
        part.strip() for part in (address.street_address_1, address.street_address_2) if part
    )
    fields = {
        "firstName": cut(address.first_name, "firstName"),
        "lastName": cut(address.last_name, "lastName"),
        "company": cut(address.company_name, "company"),
        "address": cut(street, "address"),
        "city": cut(address.city, "city"),
        "state": cut(address.country_area, "state"),
        "zip": cut(address.postal_code, "zip"),
        "country": cut(address.country, "country"),
    }
    if kind == "billTo":
        fields["phoneNumber"] = cut(address.phone, "phoneNumber")
    if all(value is None for value in fields.values()):
        return None
    return element(kind, **fields)


def settings_element(duplicate_window: int) -> dict[str, Any]:
    """``transactionSettings`` with the duplicate window, in seconds."""
    setting = element("setting", settingName="duplicateWindow", settingValue=str(duplicate_window))
    return element("transactionSettings", setting=[setting])
