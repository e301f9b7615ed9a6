"""The ``Stripe-Signature`` header of a webhook, checked as Stripe specifies (psp-reference §3.7).

Stripe signs every delivery::

    Stripe-Signature: t=1700000000,v1=<64 hex digits>[,v1=…][,v0=…]

``t`` is when it signed (Unix seconds); each ``v1`` is the hex HMAC-SHA256 of
``"<t>.<raw body>"`` keyed with an endpoint secret, the whole ``whsec_…``
string as UTF-8 (it is not decoded). While a secret is being rolled, Stripe
signs with the old and the new one, so a delivery is genuine when *any* ``v1``
matches. Other schemes (``v0``, Stripe's test-mode signature) are ignored. A
matching signature older or newer than the tolerance is refused too: the
timestamp is signed, so this stops an old delivery being replayed.

:class:`BadSignature` messages name the rule that failed, never a secret or a
signature.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass

SIGNATURE_HEADER = "stripe-signature"
#: Stripe's default tolerance (its SDKs use the same): five minutes either way.
DEFAULT_TOLERANCE = 300.0

# At most 15 digits: a timestamp, not a number big enough to slow int() down.
_TIMESTAMP = re.compile(r"[0-9]{1,15}")


class BadSignature(ValueError):
    """The delivery is not provably from Stripe; the message says which rule failed."""


@dataclass(frozen=True)
class SignatureHeader:
    """A parsed ``Stripe-Signature``: the signed timestamp, as sent, and the ``v1`` signatures."""

    timestamp: str
    signatures: tuple[str, ...]


def parse_header(value: str) -> SignatureHeader:
    """Split ``t=…,v1=…[,v1=…][,v0=…]``; :class:`BadSignature` without one ``t`` or any ``v1``."""
    timestamps: list[str] = []
    signatures: list[str] = []
    for element in value.split(","):
        name, _, content = element.strip().partition("=")
        if name == "t":
            timestamps.append(content.strip())
        elif name == "v1":
            signatures.append(content.strip())
        # Anything else (v0, a scheme Stripe adds later) is not ours to check.
    if len(timestamps) != 1 or not _TIMESTAMP.fullmatch(timestamps[0]):
        raise BadSignature(f"the {SIGNATURE_HEADER} header has no single numeric timestamp (t=)")
    if not signatures:
        raise BadSignature(f"the {SIGNATURE_HEADER} header has no v1 signature")
    return SignatureHeader(timestamps[0], tuple(signatures))


def compute_signature(secret: str, timestamp: str, body: bytes) -> str:
    """The hex ``v1`` signature Stripe sends for ``body`` signed at ``timestamp``."""
    # "<t>.<body text>" as UTF-8 is the timestamp's bytes, a dot and the raw body bytes.
    message = timestamp.encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify(
    headers: Mapping[str, str], body: bytes, secret: str, tolerance: float, now: float
) -> int:
    """The signed timestamp if ``body`` is genuine; :class:`BadSignature` otherwise.

    ``now`` is the current Unix time; a timestamp more than ``tolerance``
    seconds from it, in either direction, is refused.
    """
    # The manager lower-cases header names; a direct caller may not have.
    value = next(
        (str(v) for k, v in headers.items() if str(k).lower() == SIGNATURE_HEADER), ""
    ).strip()
    if not value:
        raise BadSignature(f"the {SIGNATURE_HEADER} header is missing")
    header = parse_header(value)
    expected = compute_signature(secret, header.timestamp, body).encode("ascii")
    # Bytes, not str: compare_digest refuses non-ASCII text, which a forger may send.
    offered = (signature.encode("utf-8", "replace") for signature in header.signatures)
    if not any(hmac.compare_digest(expected, signature) for signature in offered):
        raise BadSignature(f"no v1 signature in the {SIGNATURE_HEADER} header matches the body")
    timestamp = int(header.timestamp)
    age = now - timestamp
    if age > tolerance:
        raise BadSignature(
            f"the signature is {age:.0f} s old, beyond the {tolerance:g} s tolerance "
            "(a replayed delivery, or a clock that is wrong)"
        )
    if -age > tolerance:
        raise BadSignature(
            f"the signature is dated {-age:.0f} s in the future, beyond the {tolerance:g} s "
            "tolerance (a clock that is wrong)"
        )
    return timestamp
