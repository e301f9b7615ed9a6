"""Request builders: ``PaymentData`` → one Checkout API v71 call.

Every builder raises ``ValueError`` naming the field when a payment cannot be
expressed for Adyen (an over-precise amount, a missing return URL …); the
toolkit then answers ``invalid_request`` and nothing is sent.

Every call carries ``operation_key(payment, operation)`` as ``Idempotency-Key``,
never the host's ``idempotency_key`` itself: a host captures with a copy of the
authorization's ``PaymentData``, and Adyen answers a key it has seen on another
endpoint or body with 422 ``704`` (or the first reply), so the capture would
never happen. A retry of the same ``PaymentData`` sends the same key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from gateway_plugins import AddressData, GatewayConfig, PaymentData
from gateway_plugins.http import HttpRequest
from gateway_plugins.idempotency import operation_key

from .payment_method import payment_method_fields
from .settings import AdyenSettings
from .wire import amount_json

#: Adyen's limit on ``reference``.
_REFERENCE_LENGTH = 80
#: An address part the shop does not have, as Adyen's own plugins write it.
_NOT_GIVEN = "N/A"


def payment_request(
    payment: PaymentData, config: GatewayConfig, *, settings: AdyenSettings, manual_capture: bool
) -> HttpRequest:
    """``POST /payments``: an authorisation (``manual_capture``) or a sale."""
    body: dict[str, Any] = {
        "merchantAccount": settings.merchant_account,
        "amount": amount_json(payment.amount, payment.currency),
        "reference": merchant_reference(payment),
        "returnUrl": _return_url(payment, settings),
        **payment_method_fields(payment),
    }
    additional = _string_map(payment.data.get("additional_data"), "data['additional_data']")
    if manual_capture:
        # A string, not a boolean: additionalData is a string-to-string map.
        additional["manualCapture"] = "true"
    else:
        additional.pop("manualCapture", None)
        body["captureDelayHours"] = 0  # capture at once, whatever the account's default
    if additional:
        body["additionalData"] = additional
    authentication = _authentication(payment, config)
    if authentication:
        body["authenticationData"] = authentication
    browser_info = payment.data.get("browser_info")
    if browser_info is not None:
        body["browserInfo"] = _object(browser_info, "data['browser_info']")
    if payment.billing is not None and payment.billing.country:
        body["billingAddress"] = billing_address(payment.billing)
    if payment.customer_email:
        body["shopperEmail"] = payment.customer_email
    if payment.customer_ip_address:
        body["shopperIP"] = payment.customer_ip_address
    return _post("/payments", body, payment, "authorize" if manual_capture else "sale")


def _amount_modification(
    action: str, operation: str, payment: PaymentData, settings: AdyenSettings
) -> HttpRequest:
    """``POST /payments/{pspReference}/<action>`` for ``payment``'s amount."""
    body = {
        "merchantAccount": settings.merchant_account,
        "amount": amount_json(payment.amount, payment.currency),
        **_own_reference(payment),
    }
    return _post(f"{_payment_path(payment)}/{action}", body, payment, operation)


def capture_request(
    payment: PaymentData, config: GatewayConfig, *, settings: AdyenSettings
) -> HttpRequest:
    """``POST /payments/{pspReference}/captures``: part or all of an authorisation."""
    return _amount_modification("captures", "capture", payment, settings)


def refund_request(
    payment: PaymentData, config: GatewayConfig, *, settings: AdyenSettings
) -> HttpRequest:
    """``POST /payments/{pspReference}/refunds``: part or all of what was captured."""
    return _amount_modification("refunds", "refund", payment, settings)


def cancel_request(
    payment: PaymentData, config: GatewayConfig, *, settings: AdyenSettings
) -> HttpRequest:
    """``POST /payments/{pspReference}/cancels``: release the whole authorisation.

    Adyen takes no amount here (a cancel is never partial) and answers
    ``received``; ``payment.amount`` is not sent, and so cannot be checked
    against what was authorised. The ``CANCELLATION`` webhook says what was released.
    """
    body = {"merchantAccount": settings.merchant_account, **_own_reference(payment)}
    return _post(f"{_payment_path(payment)}/cancels", body, payment, "void")


def details_request(
    payment: PaymentData, config: GatewayConfig, *, settings: AdyenSettings
) -> HttpRequest:
    """``POST /payments/details``: what the shopper brought back from 3-D Secure or a redirect.

    ``PaymentData.data["details"]`` is that object as the storefront received it
    (``{"redirectResult": …}`` or ``{"threeDSResult": …}``).
    """
    details = payment.data.get("details")
    if not isinstance(details, Mapping) or not details:
        raise ValueError(
            "data['details'] is required: what the shopper brought back from the action "
            "(e.g. {'redirectResult': …} from the return URL)"
        )
    body: dict[str, Any] = {"details": _string_map(details, "data['details']")}
    return _post("/payments/details", body, payment, "confirm_payment")


def merchant_reference(payment: PaymentData) -> str:
    """Adyen's ``reference``: the order, else the payment, else the idempotency key.

    The idempotency key is stable across a host's retries of one payment, so a
    retried payment keeps its reference.
    """
    if payment.order_id:
        reference, field = payment.order_id, "order_id"
    elif payment.payment_id is not None:
        reference, field = str(payment.payment_id), "payment_id"
    else:
        reference, field = payment.idempotency_key, "idempotency_key"
    if len(reference) > _REFERENCE_LENGTH:
        raise ValueError(
            f"{field} must be at most {_REFERENCE_LENGTH} characters (Adyen's reference)"
        )
    return reference


def billing_address(address: AddressData) -> dict[str, str]:
    """``billingAddress``: ``AddressData`` has no house number, so the street goes whole.

    Adyen requires ``street``, ``houseNumberOrName`` and ``city`` and refuses them
    empty (422, ``117``). What the shop does not have is sent as Adyen's own
    plugins send it: ``"N/A"`` (Magento's ``Helper/Address.php`` for a house number
    it cannot find in the street; the Salesforce cartridge for street and city).
    """
    street = " ".join(part for part in (address.street_address_1, address.street_address_2) if part)
    fields = {
        "street": street or _NOT_GIVEN,
        "houseNumberOrName": _NOT_GIVEN,
        "city": address.city or _NOT_GIVEN,
        "postalCode": address.postal_code,
        "country": address.country.upper(),
    }
    if address.country_area:
        fields["stateOrProvince"] = address.country_area
    return fields


def _post(path: str, body: dict[str, Any], payment: PaymentData, operation: str) -> HttpRequest:
    key = operation_key(payment, operation)
    return HttpRequest("POST", path, json=body, idempotency_key=key)


def _payment_path(payment: PaymentData) -> str:
    if not payment.psp_reference:
        raise ValueError("psp_reference is required: the pspReference of the payment")
    # Quoted whole: a reference is one path segment, whatever it holds.
    return "/payments/" + quote(payment.psp_reference, safe="")


def _own_reference(payment: PaymentData) -> dict[str, str]:
    return {"reference": merchant_reference(payment)} if payment.order_id else {}


def _return_url(payment: PaymentData, settings: AdyenSettings) -> str:
    url = payment.data.get("return_url", settings.return_url)
    if not isinstance(url, str) or not url:
        raise ValueError(
            "return_url is required by Adyen's /payments: set connection_params.return_url "
            "or data['return_url']"
        )
    return url


def _authentication(payment: PaymentData, config: GatewayConfig) -> dict[str, Any]:
    given = payment.data.get("authentication_data")
    data = {} if given is None else _object(given, "data['authentication_data']")
    if config.require_3d_secure:
        data["attemptAuthentication"] = "always"
    return data


def _object(value: object, name: str) -> dict[str, Any]:
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        raise ValueError(f"{name} must be an object with string keys")
    return dict(value)


def _string_map(value: object, name: str) -> dict[str, str]:
    """A string-to-string map (Adyen's ``additionalData``, ``details``)."""
    if value is None:
        return {}
    mapping = _object(value, name)
    for key, item in mapping.items():
        if not isinstance(item, str):
            raise ValueError(f"{name}[{key!r}] must be a string")
    return mapping
