"""What goes to a PSP and what comes back: a request, a reply, and the two ways a call fails."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class HttpRequest:
    """One call to a PSP, before it is sent."""

    method: str
    path: str
    """Appended to the client's base URL."""
    form: Sequence[tuple[str, str]] | None = None
    """Form-encoded body (``application/x-www-form-urlencoded``), in order."""
    json: Any = None
    """JSON body, when ``form`` is not used."""
    headers: Mapping[str, str] = field(default_factory=dict)
    idempotency_key: str | None = None
    """Sent as the idempotency header; makes a ``POST`` safe to retry."""
    read_only: bool = False
    """The call changes nothing at the PSP (a lookup sent as ``POST``, as some
    APIs do), so it is safe to retry like a ``GET``."""


@dataclass(frozen=True)
class HttpReply:
    """A PSP's answer."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    attempts: int = 1
    """How many tries it took."""

    def json(self, encoding: str = "utf-8") -> Any:
        """The body as JSON; :class:`MalformedReply` if it is not JSON."""
        try:
            return json.loads(self.body.decode(encoding))
        except (UnicodeDecodeError, ValueError) as exc:
            kind = self.headers.get("Content-Type", "unknown content type")
            raise MalformedReply(f"HTTP {self.status} reply is not JSON ({kind}): {exc}") from None


class TransportError(Exception):
    """The PSP could not be reached, or its answer was lost.

    ``outcome_unknown`` is true when the request may have reached the PSP: the
    payment may or may not have happened. Only a request that is safe to repeat
    (:meth:`~gateway_plugins.http.HttpClient.repeatable`) may then be retried blindly.
    """

    def __init__(self, message: str, *, outcome_unknown: bool) -> None:
        super().__init__(message)
        self.outcome_unknown = outcome_unknown


class MalformedReply(ValueError):
    """The PSP answered something that cannot be read."""


__all__ = ["HttpReply", "HttpRequest", "MalformedReply", "TransportError"]
