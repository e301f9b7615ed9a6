"""The shapes of Authorize.Net's JSON replies, and how they go on the wire.

Every reply the API processed is HTTP 200, ``application/json`` and starts with
a UTF-8 byte order mark (psp-reference §6.1). Amounts that Authorize.Net
writes as JSON numbers (``authAmount`` in transaction details and webhooks)
are written from ``Decimal`` text, never through a float.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

BOM = "\ufeff"
CONTENT_TYPE = "application/json; charset=utf-8"

OK = {"code": "I00001", "text": "Successful."}
UNSUCCESSFUL = {"code": "E00027", "text": "The transaction was unsuccessful."}


class ApiError(Exception):
    """A refusal at API level: no transaction, only ``messages`` (``E00007`` …)."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(f"{code}: {text}")
        self.code = code
        self.text = text


#: The API-level errors the fake answers with.
def bad_credentials() -> ApiError:
    return ApiError("E00007", "User authentication failed due to invalid authentication values.")


def schema_error(text: str) -> ApiError:
    return ApiError("E00003", text)


def invalid_method() -> ApiError:
    return ApiError("E00004", "The name of the requested API method is invalid.")


def invalid_token() -> ApiError:
    return ApiError("E00114", "Invalid OTS Token.")


def access_denied() -> ApiError:
    return ApiError(
        "E00011", "Access denied. You do not have permissions to call the Transaction Details API."
    )


def record_not_found() -> ApiError:
    return ApiError("E00040", "The record cannot be found.")


def error_body(error: ApiError, ref_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if ref_id:
        body["refId"] = ref_id
    body["messages"] = {
        "resultCode": "Error",
        "message": [{"code": error.code, "text": error.text}],
    }
    return body


def messages(ok: bool) -> dict[str, Any]:
    return {"resultCode": "Ok" if ok else "Error", "message": [OK if ok else UNSUCCESSFUL]}


class Number:
    """A JSON number written from its exact decimal text (see :func:`encode`)."""

    def __init__(self, value: Decimal) -> None:
        self.value = value


_NUMBER = re.compile(r'"\\u0000number:([0-9.\-]+)"')


def encode(body: dict[str, Any]) -> bytes:
    """The reply bytes: BOM, then compact JSON; :class:`Number` values as bare numbers."""

    def number(value: object) -> str:
        if isinstance(value, Number):
            return f"\0number:{value.value}"
        raise TypeError(f"{type(value).__name__} is not JSON")

    text = json.dumps(body, separators=(",", ":"), default=number)
    return (BOM + _NUMBER.sub(r"\1", text)).encode("utf-8")
