"""A fake Adyen for tests: a real HTTP server on 127.0.0.1 behaving like Checkout API v71 (test).

``FakeAdyen`` serves ``POST /v71/payments``, ``/payments/details``,
``/payments/{pspReference}/captures|refunds|cancels|reversals`` and
``/storedPaymentMethods`` with JSON bodies, and:

* checks ``X-API-Key`` (401 ``ServiceError``, ``errorType`` ``security``) and the
  merchant account (403 ``901``);
* checks every request body with the installed ``RequestCheck`` (the plugin's
  tests install one on Adyen's own OpenAPI spec, ``install_request_check``): a
  body off the spec is refused with 422 ``702`` listing what is wrong, and kept
  for tests in ``take_spec_violations()``;
* decides payments by Adyen's test triggers (``cards``): ``test_<PAN>`` encrypted
  fields, Luhn and format checks (422 ``101``/``102``/``103``/``129``), holder names
  (``DECLINED``, ``CARD_EXPIRED`` …), ``additionalData.RequestedTestAcquirerResponseCode``,
  3-D Secure cards answered ``RedirectShopper`` (or ``ChallengeShopper`` when the
  payment asks for native 3DS), finished by ``complete_3ds`` and ``/payments/details``;
* reads amounts by Adyen's own table of currencies and decimals (``currencies``,
  kept apart from the plugin's): a currency Adyen does not take is 422 ``138``,
  and ``payment(ref).amount`` is what the shopper was charged in major units;
* keeps cards per shopper (``storedPaymentMethodId`` + ``shopperReference``): stored
  by ``POST /storedPaymentMethods``, by ``storePaymentMethod: true`` on a payment,
  or by ``store_card()``; an unknown id is 422 ``803``;
* answers captures, refunds and cancels ``201 received`` and carries them out on
  ``settle()`` (see ``merchant``); every outcome, the payment's ``AUTHORISATION``
  included, becomes a webhook signed with the fake's own HMAC code under a random
  hex key per instance (``hmac_key``), waiting in ``take_webhooks()``;
* honours ``Idempotency-Key`` (``idempotency``) and injects faults on demand
  (``inject``: slow replies, dropped connections, 500/502/503/429, cut-off JSON,
  an HTML error page). ``ledger`` records what really happened.

References (``pspReference``, stored ids) are 16 characters starting with a letter.
"""

from gateway_plugins.testing import Fault, Injection

from .cards import HOLDER_NAME_TRIGGERS, REFUSAL_REASONS, THREE_DS_CARDS, Card
from .ledger import Ledger, LedgerEntry, Payment
from .server import (
    FakeAdyen,
    RecordedRequest,
    RequestCheck,
    SpecViolation,
    install_request_check,
)
from .webhooks import Webhook, hmac_signature, signing_text

__all__ = [
    "HOLDER_NAME_TRIGGERS",
    "REFUSAL_REASONS",
    "THREE_DS_CARDS",
    "Card",
    "FakeAdyen",
    "Fault",
    "Injection",
    "Ledger",
    "LedgerEntry",
    "Payment",
    "RecordedRequest",
    "RequestCheck",
    "SpecViolation",
    "Webhook",
    "hmac_signature",
    "install_request_check",
    "signing_text",
]
