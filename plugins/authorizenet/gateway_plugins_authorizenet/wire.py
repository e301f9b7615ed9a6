"""Authorize.Net's wire format: XSD element order in JSON, decimal amounts, BOM replies.

The JSON API is the XML API in disguise: the server turns each JSON object
into XML and validates it against ``AnetApiSchema.xsd``, whose elements are
*sequences*. A key out of order fails the whole request with ``E00003`` ("has
invalid child element …"), so every object we send is built by
:func:`element` from the sequence below, never from a plain dict literal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from gateway_plugins.http import HttpReply, HttpRequest, MalformedReply
from gateway_plugins.money import MinorUnits

#: Where the API lives below a host, and the two hosts.
API_PATH = "/xml/v1/request.api"
SANDBOX_ENDPOINT = "https://apitest.authorize.net" + API_PATH
PRODUCTION_ENDPOINT = "https://api2.authorize.net" + API_PATH  # the host Authorize.Net's SDKs use

#: The XSD sequences of the elements this plugin sends, in schema order
#: (AnetApiSchema.xsd; psp-reference §6.1). Only the first few children of the
#: long types are needed, but listing them whole keeps the order reviewable.
SEQUENCES: Mapping[str, tuple[str, ...]] = {
    "createTransactionRequest": (
        "merchantAuthentication", "clientId", "refId", "transactionRequest",
    ),
    "getTransactionDetailsRequest": ("merchantAuthentication", "clientId", "refId", "transId"),
    "merchantAuthentication": ("name", "transactionKey"),
    "transactionRequest": (
        "transactionType", "amount", "currencyCode", "payment", "profile", "solution",
        "callId", "terminalNumber", "authCode", "refTransId", "splitTenderId", "order",
        "lineItems", "tax", "duty", "shipping", "taxExempt", "poNumber", "customer", "billTo",
        "shipTo", "customerIP", "cardholderAuthentication", "retail", "employeeId",
        "transactionSettings", "userFields", "surcharge", "merchantDescriptor", "subMerchant",
        "tip", "processingOptions", "subsequentAuthInformation", "otherTax", "shipFrom",
        "authorizationIndicatorType",
    ),
    # ``payment`` is an XSD choice: exactly one of these.
    "payment": (
        "creditCard", "bankAccount", "trackData", "encryptedTrackData", "payPal",
        "opaqueData", "emv", "dataSource",
    ),
    "creditCard": (
        "cardNumber", "expirationDate", "cardCode", "isPaymentToken", "cryptogram",
        "tokenRequestorName", "tokenRequestorId", "tokenRequestorEci",
    ),
    "opaqueData": ("dataDescriptor", "dataValue", "dataKey", "expirationTimeStamp"),
    "order": ("invoiceNumber", "description"),
    "customer": ("type", "id", "email"),
    "billTo": (
        "firstName", "lastName", "company", "address", "city", "state", "zip", "country",
        "phoneNumber", "faxNumber", "email",
    ),
    "shipTo": (
        "firstName", "lastName", "company", "address", "city", "state", "zip", "country",
    ),
    "transactionSettings": ("setting",),
    "setting": ("settingName", "settingValue"),
}  # fmt: skip

#: XSD ``maxLength`` of the text fields we fill from host data (AnetApiSchema.xsd;
#: ``poNumber`` from the API reference: the XSD leaves it open). A longer value is
#: refused by the API with ``E00003``; see ``identifiers`` and ``payment`` for what
#: the plugin does about each.
MAX_LENGTHS: Mapping[str, int] = {
    "refId": 20,
    "invoiceNumber": 20,
    "description": 255,
    "poNumber": 25,
    "customerId": 20,
    "email": 255,
    "firstName": 50,
    "lastName": 50,
    "company": 50,
    "address": 60,
    "city": 40,
    "state": 40,
    "zip": 20,
    "country": 60,
    "phoneNumber": 25,
    "cardNumber": 16,
    "expirationDate": 7,
}

#: Authorize.Net takes amounts in major units with the ISO 4217 exponent; it has
#: no documented deviation (psp-reference §7.2), so the table is empty.
AUTHORIZENET_UNITS = MinorUnits()


def envelope(
    root: str, authentication: Mapping[str, str], ref_id: str | None, **children: Any
) -> HttpRequest:
    """One API call: ``{root: {merchantAuthentication, refId, …}}``, POSTed to the endpoint.

    No idempotency key: Authorize.Net has none, so the client never resends a
    request that may have arrived (see the README, "Duplicate window").
    """
    body = element(root, merchantAuthentication=dict(authentication), refId=ref_id, **children)
    return HttpRequest("POST", "", json={root: body})


def element(name: str, **children: Any) -> dict[str, Any]:
    """The JSON object for XSD element ``name``, children in schema order.

    ``None`` children are left out (the XSD makes them optional). A child the
    sequence does not list is a bug in this plugin, so it raises ``KeyError``
    rather than send a request the API would refuse.
    """
    order = SEQUENCES[name]
    unknown = sorted(set(children) - set(order))
    if unknown:
        raise KeyError(f"{name} has no child element {', '.join(unknown)} in the XSD")
    return {key: children[key] for key in order if children.get(key) is not None}


def format_amount(amount: Decimal, currency: str) -> str:
    """``Decimal("10.5")`` USD → ``"10.50"``; JPY → ``"1000"``; KWD → ``"1.234"``.

    Raises ``AmountPrecisionError`` (a ``ValueError``) for an amount with more
    decimals than the currency has: it is refused, never rounded.
    """
    exact = AUTHORIZENET_UNITS.from_minor(AUTHORIZENET_UNITS.to_minor(amount, currency), currency)
    return format(exact, "f")


def cut(text: str | None, limit_of: str) -> str | None:
    """``text`` stripped and cut to the XSD length of field ``limit_of``; ``None`` if empty.

    Used for names and address text only, where a shortened value still serves
    its purpose (AVS reads the street number and ZIP); never for an identifier
    (see ``identifiers``), a phone number or money.
    """
    if text is None:
        return None
    text = text.strip()
    return text[: MAX_LENGTHS[limit_of]] or None


def read_body(reply: HttpReply) -> dict[str, Any]:
    """The JSON object of a reply; :class:`MalformedReply` when there is none.

    Authorize.Net answers HTTP 200 to every request it processed, errors
    included, and starts the body with a UTF-8 byte order mark (hence
    ``utf-8-sig``). Anything else (a 5xx from a proxy, an HTML page, cut-off
    JSON) says nothing about what happened to the payment.
    """
    if reply.status != 200:
        raise MalformedReply(
            f"HTTP {reply.status} from Authorize.Net, whose API answers 200 to every "
            "request it processed"
        )
    try:
        # Amounts (``authAmount`` of transaction details) are JSON numbers: read exactly.
        body = json.loads(reply.body.decode("utf-8-sig"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedReply(f"HTTP {reply.status} reply is not JSON: {exc}") from None
    if not isinstance(body, dict) or not isinstance(body.get("messages"), dict):
        raise MalformedReply("the reply has no 'messages' element")
    return body
