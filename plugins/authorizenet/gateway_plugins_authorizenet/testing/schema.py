"""What the API's XML schema makes of a JSON body: element order, required and unknown children.

Authorize.Net converts JSON to XML and validates it against AnetApiSchema.xsd,
whose complex types are sequences: a child out of order, repeated or unknown
fails the request with ``E00003``. This table is the fake's own copy of the
orders (from psp-reference §6.1 and the XSD), deliberately *not* imported from
the plugin: a wrong order in the plugin must not pass because both sides share it.

Elements missing from :data:`SEQUENCES` are not checked (the fake does not
know every type of the schema).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

NAMESPACE = "AnetApi/xml/v1/schema/AnetApiSchema.xsd"

#: The API methods the fake serves (the JSON body's only key).
METHODS = ("createTransactionRequest", "getTransactionDetailsRequest")

SEQUENCES: Mapping[str, tuple[str, ...]] = {
    "createTransactionRequest": ("merchantAuthentication", "clientId", "refId",
                                 "transactionRequest"),
    "getTransactionDetailsRequest": ("merchantAuthentication", "clientId", "refId", "transId"),
    "merchantAuthentication": ("name", "transactionKey", "sessionToken", "password",
                               "impersonationAuthentication", "fingerPrint", "clientKey",
                               "accessToken", "mobileDeviceId"),
    "transactionRequest": (
        "transactionType", "amount", "currencyCode", "payment", "profile", "solution", "callId",
        "terminalNumber", "authCode", "refTransId", "splitTenderId", "order", "lineItems", "tax",
        "duty", "shipping", "taxExempt", "poNumber", "customer", "billTo", "shipTo",
        "customerIP", "cardholderAuthentication", "retail", "employeeId", "transactionSettings",
        "userFields", "surcharge", "merchantDescriptor", "subMerchant", "tip",
        "processingOptions", "subsequentAuthInformation", "otherTax", "shipFrom",
        "authorizationIndicatorType",
    ),
    "creditCard": ("cardNumber", "expirationDate", "cardCode", "isPaymentToken", "cryptogram",
                   "tokenRequestorName", "tokenRequestorId", "tokenRequestorEci"),
    "opaqueData": ("dataDescriptor", "dataValue", "dataKey", "expirationTimeStamp"),
    "order": ("invoiceNumber", "description", "discountAmount", "taxIsLocal",
              "orderDate"),
    "customer": ("type", "id", "email"),
    "billTo": ("firstName", "lastName", "company", "address", "city", "state", "zip",
               "country", "phoneNumber", "faxNumber", "email"),
    "shipTo": ("firstName", "lastName", "company", "address", "city", "state", "zip",
               "country"),
    "transactionSettings": ("setting",),
    "setting": ("settingName", "settingValue"),
}  # fmt: skip

#: Children the schema requires (minOccurs 1).
REQUIRED: Mapping[str, tuple[str, ...]] = {
    "createTransactionRequest": ("merchantAuthentication", "transactionRequest"),
    "getTransactionDetailsRequest": ("merchantAuthentication", "transId"),
    "transactionRequest": ("transactionType",),
    "creditCard": ("cardNumber", "expirationDate"),
    "opaqueData": ("dataDescriptor", "dataValue"),
}

#: Choices: exactly one child, from this list.
CHOICES: Mapping[str, tuple[str, ...]] = {
    "payment": ("creditCard", "bankAccount", "trackData", "encryptedTrackData", "payPal",
                "opaqueData", "emv", "dataSource"),
}  # fmt: skip

#: Simple types with a pattern the fake checks (``numericString``; ``cardCode`` is one).
NUMERIC = frozenset({"transId", "cardCode"})

#: Length limits of string elements, by ``(parent, element)``: ``(minLength, maxLength)``
#: from AnetApiSchema.xsd. ``poNumber`` is open in the XSD; its 25 are the API
#: reference's *(fake: refused like the others)*.
LENGTHS: Mapping[tuple[str, str], tuple[int, int]] = {
    **{(root, "refId"): (0, 20) for root in METHODS},
    **{(root, "clientId"): (0, 30) for root in METHODS},
    ("merchantAuthentication", "name"): (0, 25),
    ("merchantAuthentication", "transactionKey"): (0, 16),
    ("transactionRequest", "poNumber"): (0, 25),
    ("order", "invoiceNumber"): (0, 20),
    ("order", "description"): (0, 255),
    ("customer", "id"): (0, 20),
    ("customer", "email"): (0, 255),
    ("creditCard", "cardNumber"): (4, 16),
    ("creditCard", "expirationDate"): (4, 7),
    ("creditCard", "cardCode"): (3, 4),
    **{(address, field): (0, limit) for address in ("billTo", "shipTo")
       for field, limit in (("firstName", 50), ("lastName", 50), ("company", 50),
                            ("address", 60), ("city", 40), ("state", 40), ("zip", 20),
                            ("country", 60))},
    ("billTo", "phoneNumber"): (0, 25),
    ("billTo", "faxNumber"): (0, 25),
}  # fmt: skip


class SchemaError(ValueError):
    """The body breaks the schema; the message is the one ``E00003`` carries."""


class Pairs(list[tuple[str, Any]]):
    """A JSON object as parsed: its ``(key, value)`` pairs in the order they were sent."""

    def keys(self) -> list[str]:
        return [key for key, _ in self]

    def to_dict(self) -> dict[str, Any]:
        return {key: _plain(value) for key, value in self}


def _plain(value: Any) -> Any:
    if isinstance(value, Pairs):
        return value.to_dict()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def parse(body: bytes) -> Pairs:
    """The body as ordered pairs (a leading BOM is allowed); ``SchemaError`` if not JSON."""
    try:
        value = json.loads(body.decode("utf-8-sig"), object_pairs_hook=Pairs)
    except (UnicodeDecodeError, ValueError) as exc:
        raise SchemaError(f"An error occurred while parsing the request: {exc}") from None
    if not isinstance(value, Pairs):
        raise SchemaError("An error occurred while parsing the request: not a JSON object.")
    return value


def _name(element: str) -> str:
    return f"'{element}' in namespace '{NAMESPACE}'"


def _invalid_child(parent: str, child: str, expected: list[str]) -> SchemaError:
    message = f"The element {_name(parent)} has invalid child element {_name(child)}."
    if expected:
        message += (
            " List of possible elements expected: "
            + " as well as ".join(_name(name) for name in expected)
            + "."
        )
    return SchemaError(message)


def validate(name: str, element: Pairs) -> None:
    """Check ``element`` (named ``name``) and everything inside it; ``SchemaError`` if bad."""
    if name in CHOICES:
        _check_choice(name, element)
    elif name in SEQUENCES:
        _check_sequence(name, element.keys())
    for child, value in element:
        for item in _elements(value):
            validate(child, item)
        if (name, child) in LENGTHS and isinstance(value, str):
            _check_length(child, value, *LENGTHS[name, child])
        if child in NUMERIC and not (isinstance(value, str) and value.isdigit()):
            raise SchemaError(
                f"The {_name(child)} element is invalid - The value '{value}' is invalid "
                f"according to its datatype 'numericString' - The Pattern constraint failed."
            )


def _check_length(child: str, value: str, low: int, high: int) -> None:
    # The API's message repeats the value, as Authorize.Net's does.
    if len(value) > high:
        rule = "The actual length is greater than the MaxLength value."
    elif len(value) < low:
        rule = "The actual length is less than the MinLength value."
    else:
        return
    raise SchemaError(
        f"The '{NAMESPACE}:{child}' element is invalid - The value '{value}' is invalid "
        f"according to its datatype 'String' - {rule}"
    )


def _elements(value: Any) -> Iterator[Pairs]:
    if isinstance(value, Pairs):
        yield value
    elif isinstance(value, list):
        yield from (item for item in value if isinstance(item, Pairs))


def _check_choice(name: str, element: Pairs) -> None:
    options = CHOICES[name]
    keys = element.keys()
    for index, key in enumerate(keys):
        if key not in options or index > 0:
            raise _invalid_child(name, key, [] if index > 0 else list(options))
    if not keys:
        raise SchemaError(
            f"The element {_name(name)} has incomplete content. List of possible elements "
            f"expected: {', '.join(_name(option) for option in options)}."
        )


def _check_sequence(name: str, keys: list[str]) -> None:
    order = SEQUENCES[name]
    required = REQUIRED.get(name, ())
    position = -1  # index in ``order`` of the last child seen
    for key in keys:
        index = order.index(key) if key in order else -1
        # A required child skipped on the way is as wrong as a child out of order.
        skipped = [r for r in required if position < order.index(r) < index]
        if index <= position or skipped:
            raise _invalid_child(name, key, _expected(order, required, position))
        position = index
    missing = [r for r in required if r not in keys]
    if missing:
        raise SchemaError(
            f"The element {_name(name)} has incomplete content. List of possible elements "
            f"expected: {_name(missing[0])}."
        )


def _expected(order: tuple[str, ...], required: tuple[str, ...], position: int) -> list[str]:
    """What may come after ``position``: the optional ones up to the next required one."""
    expected = []
    for candidate in order[position + 1 :]:
        expected.append(candidate)
        if candidate in required:
            break
    return expected
