"""From ``PaymentData`` to the parts of a ``transactionRequest`` that describe the payer.

Payment input (``PaymentData.token``):

* by default the token is Accept.js *opaque data*, the ``dataValue`` the
  browser got from Authorize.Net; ``data["data_descriptor"]`` overrides the
  descriptor (``COMMON.ACCEPT.INAPP.PAYMENT``, e.g. for Apple Pay's);
* a token of 13–19 digits is a card number (PCI merchants, sandbox testing):
  ``data["expiration_date"]`` (``YYYY-MM``) is then required and
  ``data["card_code"]`` optional.

What Authorize.Net's XSD would refuse (``E00003``, whose message repeats the
value: a card number or card code must never get that far) is refused here
first: a card number of more than 16 digits, an expiry that is not 4 to 7
characters, a card code that is not 3 or 4 digits. Identifiers are fitted, never
cut (``identifiers``); names and address text are cut to their lengths; a phone
number too long for ``phoneNumber`` is left out. Error messages here never
repeat the token or card data.
"""

from __future__ import annotations

import re
from typing import Any

from gateway_plugins import AddressData, PaymentData

from .identifiers import fit_identifier, invoice_number
from .wire import MAX_LENGTHS, cut, element

DEFAULT_DATA_DESCRIPTOR = "COMMON.ACCEPT.INAPP.PAYMENT"
_CARD_NUMBER = re.compile(r"[0-9]{13,19}")
_CARD_CODE = re.compile(r"[0-9]{3,4}")
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
        card = element(
            "creditCard",
            cardNumber=_card_number(token),
            expirationDate=_expiration_date(data.get("expiration_date")),
            cardCode=_card_code(data.get("card_code")),
        )
        return element("payment", creditCard=card)
    descriptor = data.get("data_descriptor", DEFAULT_DATA_DESCRIPTOR)
    if not isinstance(descriptor, str) or not descriptor.strip():
        raise ValueError("data.data_descriptor must be a non-empty string")
    opaque = element("opaqueData", dataDescriptor=descriptor.strip(), dataValue=token)
    return element("payment", opaqueData=opaque)


def _card_number(token: str) -> str:
    if len(token) > MAX_LENGTHS["cardNumber"]:
        raise ValueError(
            "token: Authorize.Net takes card numbers of at most 16 digits "
            f"(this one has {len(token)})"
        )
    return token


def _expiration_date(expiry: object) -> str:
    # The format (YYYY-MM, MMYY, MM/YY …) is Authorize.Net's to judge (reason 7);
    # only a length its XSD refuses outright is refused here.
    if not isinstance(expiry, str) or not expiry.strip():
        raise ValueError(
            "data.expiration_date is required (YYYY-MM) when the token is a card number"
        )
    expiry = expiry.strip()
    if not 4 <= len(expiry) <= MAX_LENGTHS["expirationDate"]:
        raise ValueError(
            "data.expiration_date must be YYYY-MM (Authorize.Net takes 4 to 7 characters)"
        )
    return expiry


def _card_code(code: object) -> str | None:
    if code is None:
        return None
    if not isinstance(code, str) or not _CARD_CODE.fullmatch(code):
        raise ValueError("data.card_code must be a string of 3 or 4 digits")
    return code


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


def reference_id(payment: PaymentData) -> str:
    """``refId``, echoed in the reply: the idempotency key, fitted to 20 characters."""
    return fit_identifier(payment.idempotency_key, MAX_LENGTHS["refId"])


def order_element(payment: PaymentData) -> dict[str, Any] | None:
    """``order``: the order id as the invoice number (fitted to 20), whole in the description.

    ``PaymentData`` keeps an ``order_id`` to 255 characters, the description's length.
    """
    if not payment.order_id:
        return None
    return element(
        "order",
        invoiceNumber=invoice_number(payment.order_id),
        description=payment.order_id,
    )


def customer_element(payment: PaymentData) -> dict[str, Any] | None:
    """``customer``: the id (fitted to 20 characters) and the e-mail address (which
    ``PaymentData`` keeps to 254 characters, within the API's 255)."""
    customer_id = payment.customer_id
    if customer_id is not None:
        customer_id = fit_identifier(customer_id, MAX_LENGTHS["customerId"])
    email = payment.customer_email or None
    if customer_id is None and email is None:
        return None
    return element("customer", id=customer_id, email=email)


def address_element(kind: str, address: AddressData | None) -> dict[str, Any] | None:
    """``billTo`` or ``shipTo`` from an address, names and address text cut to the XSD
    lengths (a shortened street still serves AVS, which reads its number and the ZIP)."""
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
        fields["phoneNumber"] = _phone(address.phone)
    if all(value is None for value in fields.values()):
        return None
    return element(kind, **fields)


def _phone(phone: str | None) -> str | None:
    # A phone number cut short is someone else's number: one that does not fit is left out.
    phone = (phone or "").strip()
    return phone if 0 < len(phone) <= MAX_LENGTHS["phoneNumber"] else None


def settings_element(duplicate_window: int) -> dict[str, Any]:
    """``transactionSettings`` with the duplicate window, in seconds."""
    setting = element("setting", settingName="duplicateWindow", settingValue=str(duplicate_window))
    return element("transactionSettings", setting=[setting])
