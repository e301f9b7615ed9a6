"""Adyen's wire conventions as the fake speaks them: replies, ServiceErrors, references."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

#: Adyen's references are 16 characters of upper-case letters and digits.
_ALPHABET = string.ascii_uppercase + string.digits


def new_reference() -> str:
    """A 16-character reference like Adyen's (``QFQTPCQ8HXSKGK82``).

    It starts with a letter, so no reference can pass for a card number in a
    scrubber's eyes (Adyen's older all-digit references pass the Luhn check one
    time in ten), wherever it is written.
    """
    return secrets.choice(string.ascii_uppercase) + "".join(
        secrets.choice(_ALPHABET) for _ in range(15)
    )


def now() -> str:
    """An ISO 8601 timestamp, as ``eventDate`` carries it."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@dataclass
class Reply:
    """An HTTP reply before encoding; ``stored`` tells the idempotency layer to keep it."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    stored: bool = True


class ServiceError(Exception):
    """Adyen's error reply: ``{"status", "errorCode", "message", "errorType", "pspReference"}``.

    ``stored`` says whether the idempotency layer keeps the reply for replays:
    a request refused before any endpoint ran (unreadable, off-spec) is not
    kept, so the key stays free for a corrected request.
    """

    def __init__(
        self,
        status: int,
        error_code: str,
        message: str,
        error_type: str = "validation",
        *,
        stored: bool = True,
        reference: bool = True,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.stored = stored
        self.body: dict[str, Any] = {
            "status": status,
            "errorCode": error_code,
            "message": message,
            "errorType": error_type,
        }
        if reference:
            self.body["pspReference"] = new_reference()

    def reply(self) -> Reply:
        return Reply(self.status, self.body, stored=self.stored)


def unauthorized() -> ServiceError:
    return ServiceError(
        401, "000", "HTTP Status Response - Unauthorized", "security", stored=False, reference=False
    )


def invalid_merchant_account() -> ServiceError:
    return ServiceError(403, "901", "Invalid Merchant Account", "security")


def unknown_payment() -> ServiceError:
    return ServiceError(422, "167", "Original pspReference required for this operation")
