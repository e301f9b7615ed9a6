"""From Authorize.Net's reply to a ``GatewayResponse``.

A reply either holds a ``transactionResponse`` (the request became a
transaction, approved or not) or only ``messages`` (it was refused before:
bad credentials ``E00007``, schema ``E00003``, an unusable nonce ``E00114``).
``transactionResponse.responseCode`` decides the outcome (:data:`RESPONSE_CODES`):
approved, declined, error, or *held for review*, which is accepted by
Authorize.Net and answered here as a pending success, not a failure.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from typing import Any

from gateway_plugins import CreditCardInfo, GatewayResponse, PaymentData, TransactionKind
from gateway_plugins.http import HttpReply, MalformedReply

from .errors import DUPLICATE_REASONS, normalize
from .payment import is_card_number
from .wire import read_body


class Outcome(enum.Enum):
    """What a ``responseCode`` says happened to the transaction."""

    APPROVED = "approved"
    DECLINED = "declined"
    ERROR = "error"
    HELD = "held for review"


#: ``transactionResponse.responseCode`` → outcome (psp-reference §6.2).
RESPONSE_CODES: Mapping[str, Outcome] = {
    "1": Outcome.APPROVED,
    "2": Outcome.DECLINED,
    "3": Outcome.ERROR,
    "4": Outcome.HELD,
}

#: ``transactionResponse`` fields kept in ``raw_response``: none holds card data
#: (``accountNumber`` is kept only in its masked form, ``XXXX1111``).
_KEPT = ("responseCode", "authCode", "avsResultCode", "cvvResultCode", "cavvResultCode",
         "transId", "refTransID", "accountType")  # fmt: skip
_MASKED = re.compile(r"X+[0-9]{4}")
#: The expiry forms Authorize.Net takes: ``YYYY-MM``, ``MMYY``, ``MM/YY``, ``MM-YYYY`` …
_EXPIRY = (
    re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})"),
    re.compile(r"(?P<month>[0-9]{2})[/-]?(?P<year>[0-9]{2}|[0-9]{4})"),
)

ReplyHandler = Callable[[HttpReply, PaymentData], GatewayResponse]


def transaction_handler(kind: TransactionKind) -> ReplyHandler:
    """A reply handler for a ``createTransactionRequest`` whose success is of ``kind``."""

    def handle(reply: HttpReply, payment: PaymentData) -> GatewayResponse:
        body = read_body(reply)
        response = body.get("transactionResponse")
        if not isinstance(response, dict) or not response.get("responseCode"):
            return api_failure(body, payment, kind)
        outcome = RESPONSE_CODES.get(str(response["responseCode"]))
        if outcome is None:
            raise MalformedReply(f"unknown responseCode {response['responseCode']!r}")
        if outcome in (Outcome.APPROVED, Outcome.HELD):
            return _success(body, response, payment, kind, outcome)
        return _failure(body, response, payment, kind)

    return handle


def api_failure(
    body: dict[str, Any], payment: PaymentData, kind: TransactionKind
) -> GatewayResponse:
    """A reply without a transaction: the API refused the request itself."""
    messages = body["messages"]
    if messages.get("resultCode") == "Ok":
        # "Ok" but no transaction: we cannot tell what happened to the payment.
        raise MalformedReply("resultCode Ok without a transactionResponse")
    code, text = first_message(body)
    return GatewayResponse.failure(
        payment, kind, normalize(code, text), raw_response=safe_subset(body, None)
    )


def first_message(body: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The code and text of the first entry of ``messages.message``."""
    entries = body.get("messages", {}).get("message") or [{}]
    first = entries[0] if isinstance(entries, list) and isinstance(entries[0], dict) else {}
    code, text = first.get("code"), first.get("text")
    return (None if code is None else str(code)), (None if text is None else str(text))


def _trans_id(response: Mapping[str, Any]) -> str:
    # "0" is Authorize.Net's "no transaction" (test mode, requests refused early).
    value = str(response.get("transId") or "")
    return "" if value.strip("0") == "" else value


def _success(
    body: dict[str, Any],
    response: dict[str, Any],
    payment: PaymentData,
    kind: TransactionKind,
    outcome: Outcome,
) -> GatewayResponse:
    trans_id = _trans_id(response)
    if not trans_id:
        raise MalformedReply("approved without a transId (is the account in Test Mode?)")
    if outcome is Outcome.HELD:
        # Accepted and held by the Fraud Detection Suite: the merchant approves or
        # declines it later (webhook net.authorize.payment.fraud.*).
        kind = TransactionKind.PENDING
    return GatewayResponse.success(
        payment,
        kind,
        trans_id,
        # The host keeps addressing the original transaction: a capture, void or
        # refund names it in psp_reference; a new payment is its own reference.
        psp_reference=payment.psp_reference or trans_id,
        card_info=card_info(response, payment),
        raw_response=safe_subset(body, response),
    )


def _failure(
    body: dict[str, Any], response: dict[str, Any], payment: PaymentData, kind: TransactionKind
) -> GatewayResponse:
    errors = response.get("errors") or []
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    reason = first.get("errorCode")
    text = first.get("errorText")
    if reason is None:  # no reason given: fall back on the API message
        reason, text = first_message(body)
    error = normalize(
        None if reason is None else str(reason),
        None if text is None else str(text),
        response_code=str(response["responseCode"]),
        avs_result=str(response.get("avsResultCode") or ""),
    )
    trans_id = _trans_id(response)
    # A duplicate whose request carried a duplicate window names the original
    # transaction: an earlier send of this very request reached Authorize.Net (a
    # retry after a lost reply). ``duplicates`` answers it with the original's outcome.
    duplicate_of = trans_id if error.psp_code in DUPLICATE_REASONS else ""
    return GatewayResponse.failure(
        payment,
        kind,
        error,
        transaction_id=trans_id,
        psp_reference=payment.psp_reference or trans_id or None,
        transaction_already_processed=bool(duplicate_of),
        raw_response=safe_subset(body, response),
    )


def card_info(response: Mapping[str, Any], payment: PaymentData) -> CreditCardInfo | None:
    """What the reply (``accountNumber`` ``XXXX1111``, ``accountType``) and the payment
    tell of the card; ``None`` unless the expiry is known.

    ``CreditCardInfo`` needs the expiry, which no reply carries: only a payment by
    card number gives it (``data["expiration_date"]``). Accept.js keeps it in the
    browser, so an Accept.js payment has no ``card_info`` (its last four digits and
    brand are in ``raw_response``).
    """
    account = str(response.get("accountNumber") or "")
    if not (_MASKED.fullmatch(account) and is_card_number(payment.token)):
        return None
    given = str(payment.data.get("expiration_date") or "").strip()
    expiry = next((m for pattern in _EXPIRY if (m := pattern.fullmatch(given))), None)
    if expiry is None or not 1 <= int(expiry["month"]) <= 12:
        return None
    year = int(expiry["year"]) + (2000 if len(expiry["year"]) == 2 else 0)
    brand = response.get("accountType")
    return CreditCardInfo(
        last_4=account[-4:],
        exp_year=year,
        exp_month=int(expiry["month"]),
        brand=str(brand) if brand else None,
    )


def safe_subset(body: Mapping[str, Any], response: Mapping[str, Any] | None) -> dict[str, Any]:
    """What ``raw_response`` keeps of a reply: codes and references, never card data."""
    kept: dict[str, Any] = {
        "resultCode": body.get("messages", {}).get("resultCode"),
        "messages": _codes(body.get("messages", {}).get("message"), "code"),
    }
    if body.get("refId"):
        kept["refId"] = str(body["refId"])
    if response is None:
        return kept
    kept.update({key: response[key] for key in _KEPT if response.get(key) not in (None, "")})
    account = str(response.get("accountNumber") or "")
    if _MASKED.fullmatch(account):
        kept["accountNumber"] = account
    kept["transactionMessages"] = _codes(response.get("messages"), "code")
    kept["errors"] = _codes(response.get("errors"), "errorCode")
    return kept


def _codes(entries: object, key: str) -> list[str]:
    if not isinstance(entries, list):
        return []
    return [str(entry[key]) for entry in entries if isinstance(entry, dict) and key in entry]
