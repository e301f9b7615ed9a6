"""The host's identifiers in Authorize.Net's short fields: never cut into each other.

Authorize.Net caps ``order.invoiceNumber``, ``customer.id`` and ``refId`` at 20
characters and ``poNumber`` at 25. Cutting a longer id would make different ids
equal: orders ``order-2026-11-22-000001`` and ``order-2026-11-22-000002`` would
both become ``order-2026-11-22-000``, and Authorize.Net's duplicate check
(which compares the invoice number, the card and the amount) would answer the
second order with the first one's charge.

So :func:`fit_identifier` sends an id that fits as it is, and a longer one as
its first characters, ``~`` and 12 characters (60 bits, base32) of the SHA-256
of the *whole* id: ``order-2~H2A7V4M2L6YT``. The form is deterministic, so a
host can compute it (:func:`invoice_number`) to find an order in the Merchant
Interface or to match a webhook's invoice number. The full order id travels in
``order.description`` (255 characters, as long as an ``order_id`` may be).

:func:`duplicate_key` is what the plugin sends as ``poNumber``, a field of the
duplicate check the host has no other use for here: one value per request
(``idempotency.operation_key``), so that only a retry of the same
``PaymentData`` can ever be taken for a duplicate (see ``duplicates``).
"""

from __future__ import annotations

import base64
import hashlib

from gateway_plugins import PaymentData
from gateway_plugins.idempotency import operation_key

from .wire import MAX_LENGTHS

#: Characters of the hash in a fitted identifier, and what joins it to the readable part.
HASH_LENGTH = 12
SEPARATOR = "~"


def fit_identifier(identifier: str, limit: int) -> str:
    """``identifier`` if it has at most ``limit`` characters, else its collision-free short form.

    >>> fit_identifier("order-42", 20)
    'order-42'
    >>> fit_identifier("order-2026-11-22-000001", 20)
    'order-2~H2A7V4M2L6YT'
    """
    if limit <= HASH_LENGTH + 1:
        raise ValueError(f"a limit of {limit} leaves no room for the hash")
    if len(identifier) <= limit:
        return identifier
    digest = hashlib.sha256(identifier.encode("utf-8")).digest()
    hashed = base64.b32encode(digest).decode("ascii")[:HASH_LENGTH]
    return identifier[: limit - HASH_LENGTH - len(SEPARATOR)] + SEPARATOR + hashed


def invoice_number(order_id: str) -> str:
    """The ``order.invoiceNumber`` the plugin sends for ``order_id``."""
    return fit_identifier(order_id, MAX_LENGTHS["invoiceNumber"])


def duplicate_key(payment: PaymentData, operation: str) -> str:
    """The ``poNumber`` of ``operation`` on ``payment``: the same for a retry, else different."""
    return fit_identifier(operation_key(payment, operation), MAX_LENGTHS["poNumber"])


__all__ = ["HASH_LENGTH", "SEPARATOR", "duplicate_key", "fit_identifier", "invoice_number"]
