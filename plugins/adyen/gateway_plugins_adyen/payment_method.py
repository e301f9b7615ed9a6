"""Which payment method a payment uses, in the fields Adyen's ``/payments`` expects.

Two inputs, in this order:

1. ``PaymentData.data["payment_method"]``: what Adyen's Drop-in or Components
   give the storefront as ``state.data.paymentMethod`` (``{"type": "scheme",
   "encryptedCardNumber": …}``). Sent as it is; with ``reuse_source`` Adyen also
   stores it for the shopper (``customer_id``).
2. Otherwise ``PaymentData.token``: the id of a payment method Adyen stored for
   the shopper ``PaymentData.customer_id``, paid as a card-on-file payment.

Nothing here ever repeats a value in an error: it may be card data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway_plugins import PaymentData

#: Adyen's limits on ``shopperReference``.
_SHOPPER_REFERENCE_LENGTH = range(3, 257)


def payment_method_fields(payment: PaymentData) -> dict[str, Any]:
    """``paymentMethod`` and the shopper fields that go with it; ``ValueError`` names the field."""
    method = payment.data.get("payment_method")
    if method is not None:
        return _from_components(method, payment)
    if not payment.token:
        raise ValueError(
            "token: give a stored payment method id, or data['payment_method'] with what "
            "Adyen's Drop-in or Components produced"
        )
    return {
        "paymentMethod": {"type": "scheme", "storedPaymentMethodId": payment.token},
        "shopperReference": _shopper_reference(payment, "a stored payment method"),
        # The shopper is back and pays with a card kept on file (one-click).
        "shopperInteraction": "ContAuth",
        "recurringProcessingModel": "CardOnFile",
    }


def _from_components(method: object, payment: PaymentData) -> dict[str, Any]:
    if not isinstance(method, Mapping) or not all(isinstance(key, str) for key in method):
        raise ValueError(
            "data['payment_method'] must be an object: Adyen Components' state.data.paymentMethod"
        )
    kind = method.get("type")
    if not isinstance(kind, str) or not kind:
        raise ValueError("data['payment_method']['type'] is required (e.g. 'scheme' for cards)")
    fields: dict[str, Any] = {"paymentMethod": dict(method)}
    if "storedPaymentMethodId" in method:
        fields["shopperReference"] = _shopper_reference(payment, "a stored payment method")
        fields["shopperInteraction"] = "ContAuth"
        fields["recurringProcessingModel"] = "CardOnFile"
    elif payment.reuse_source:
        # Ask Adyen to keep the card for this shopper's next one-click payment.
        fields["shopperReference"] = _shopper_reference(payment, "reuse_source")
        fields["storePaymentMethod"] = True
        fields["shopperInteraction"] = "Ecommerce"
        fields["recurringProcessingModel"] = "CardOnFile"
    return fields


def _shopper_reference(payment: PaymentData, purpose: str) -> str:
    reference = payment.customer_id
    if reference is None:
        raise ValueError(
            f"customer_id is required with {purpose}: Adyen keeps payment methods per shopper "
            "(shopperReference)"
        )
    if len(reference) not in _SHOPPER_REFERENCE_LENGTH:
        raise ValueError("customer_id must be 3 to 256 characters (Adyen's shopperReference)")
    return reference
