"""``getTransactionDetailsRequest``: what Authorize.Net knows of one transaction, read-only.

Three commands ask it: a refund (the card's last four digits, see ``refunds``),
a void (the authorization's amount and state, see ``voids``) and any
transaction whose reply says "duplicate" (the original's outcome, see
``duplicates``). The call changes nothing, so the client retries it after a
lost reply or a 5xx as it would a ``GET``. It needs the Transaction Details
API enabled for the account (Account → Settings → Transaction Details API);
without it the answer is ``E00011``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from gateway_plugins import ErrorCode, NormalizedError, PaymentData, RetryAdvice
from gateway_plugins.http import HttpClient, MalformedReply, TransportError

from .errors import normalize
from .payment import reference_id
from .replies import first_message, safe_subset
from .settings import Settings
from .wire import envelope, read_body

#: ``psp_error_code`` of an operation that could not look its transaction up.
LOOKUP_FAILED = "transaction_lookup_failed"


class LookupFailed(Exception):
    """The transaction could not be read; ``error`` says why, as a response would."""

    def __init__(self, error: NormalizedError, raw_response: dict[str, Any] | None = None) -> None:
        super().__init__(error.psp_message)
        self.error = error
        self.raw_response = raw_response


@dataclass(frozen=True)
class Lookup:
    """Looks transactions up for one operation (its ``refId`` goes with every lookup)."""

    client: HttpClient
    settings: Settings
    payment: PaymentData

    def details(self, trans_id: str) -> dict[str, Any]:
        """The ``transaction`` element for ``trans_id``; :class:`LookupFailed` if unreadable."""
        request = envelope(
            "getTransactionDetailsRequest",
            self.settings.authentication(),
            reference_id(self.payment),
            transId=trans_id,
        )
        try:
            body = read_body(self.client.send(replace(request, read_only=True)))
        except (TransportError, MalformedReply) as exc:
            raise LookupFailed(
                NormalizedError(
                    ErrorCode.PROCESSING_ERROR,
                    RetryAdvice.RETRY_LATER,
                    LOOKUP_FAILED,
                    f"looking up transaction {trans_id}: {exc}",
                )
            ) from None
        transaction = body.get("transaction")
        if not isinstance(transaction, dict):
            code, text = first_message(body)
            raise LookupFailed(normalize(code, text), safe_subset(body, None))
        return transaction


def amount_of(details: dict[str, Any], key: str) -> Decimal | None:
    """An amount of the details (``authAmount``, ``settleAmount``), exactly; ``None`` if absent."""
    value = details.get(key)
    if value is None or isinstance(value, bool | float):
        return None  # read_body never makes floats; anything else is no amount
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


__all__ = ["LOOKUP_FAILED", "Lookup", "LookupFailed", "amount_of"]
