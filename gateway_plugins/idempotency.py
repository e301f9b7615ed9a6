"""Idempotency keys on the wire: one per operation, derived from the host's key.

A host gives each ``PaymentData`` one ``idempotency_key`` and retries a failed
call with the same ``PaymentData``. The natural code for a capture copies the
authorization's ``PaymentData`` (``model_copy(update={"psp_reference": …})``),
so the capture carries the authorization's key. Sent as it is, a PSP sees one
key on two different requests: Stripe refuses the capture, Adyen answers "in
progress" for ever.

So plugins never send ``PaymentData.idempotency_key`` itself: they send
:func:`operation_key`, which mixes in what tells operations apart: the
operation, the transaction it acts on, the amount and the currency. The rule
for hosts:

* a retry of the same request (same ``PaymentData``) sends the same key, so the
  PSP answers it once;
* a different operation, or the same operation on another transaction or for
  another amount, sends a different key, even from a copied ``PaymentData``;
* two requests that differ in nothing but intent (two partial captures of the
  same amount of one authorization) need two ``PaymentData`` with their own
  keys; from one ``PaymentData`` the second is a retry of the first;
* a new attempt with another payment method (the shopper tries another card
  after a decline) needs a new key too: the token is not part of the key, since
  a digest of a card number short enough to send would be card data itself.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .interface import PaymentData

#: The longest key any bundled PSP takes (Adyen: 64 characters).
MAX_KEY_LENGTH = 64


def operation_key(payment: PaymentData, operation: str) -> str:
    """The idempotency key to send to the PSP for ``operation`` on ``payment``.

    Deterministic (a retry of the same request gets the same key), at most 64
    characters from ``A-Z a-z 0-9 - _ . :``, and starting with the host's key
    (cut to 32 characters) so that the PSP's dashboard still shows it.
    """
    amount = format(payment.amount.normalize(), "f")
    parts = (payment.idempotency_key, operation, payment.psp_reference or "", amount,
             payment.currency)  # fmt: skip
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]
    key = f"{payment.idempotency_key[:32]}-{operation[:6]}-{digest}"
    assert len(key) <= MAX_KEY_LENGTH
    return key


__all__ = ["MAX_KEY_LENGTH", "operation_key"]
