"""A fake Stripe for tests: a real HTTP server on 127.0.0.1 that behaves like Stripe's API.

``FakeStripe`` serves the PaymentIntents endpoints a gateway plugin uses, with
form-encoded bodies, API version 2020-08-27 shapes, Stripe's test
PaymentMethods (``pm_card_visa``, ``pm_card_chargeDeclined``, …), Stripe's
error objects, idempotency keys, and faults on demand (slow replies, dropped
connections, 5xx, 429, malformed JSON, HTML error pages). Its ``ledger``
records what really happened, so a test can prove "charged exactly once"::

    with FakeStripe() as fake:
        session.post(f"{fake.url}/v1/payment_intents", data={...},
                     headers={"Authorization": f"Bearer {fake.api_key}",
                              "Idempotency-Key": "order-42-auth"}, timeout=5)
        assert fake.ledger.authorizations() == [(pi_id, 1000)]

Every state change queues the signed webhooks Stripe would send (see
``account`` for which events); ``fake.take_webhooks()`` hands them over as
``(headers, body)``, signed with ``fake.webhook_secret``::

    [webhook] = fake.take_webhooks("payment_intent.succeeded")
    manager.handle_notification("stripe", *webhook)

Endpoints: ``POST /v1/payment_intents`` (with ``confirm=true``),
``GET /v1/payment_intents/{id}``, ``POST /v1/payment_intents/{id}/confirm``,
``…/capture``, ``…/cancel``, ``POST /v1/refunds``, ``GET /v1/refunds/{id}``,
``POST /v1/setup_intents``.

Every object carries every field Stripe sends (``null`` where unset; the
field lists are data in ``fields``). A PaymentIntent created with
``setup_future_usage`` keeps its PaymentMethod, attached to its ``customer``,
to be charged again (``off_session`` too); a used PaymentMethod not kept for
that customer is refused, as at Stripe.

Simplified (see each module): one account, no Customer objects (a customer id
is accepted, echoed, and owns the PaymentMethods kept for it), no Connect or
expansion; webhooks wait in an outbox rather than being POSTed; cards only;
authorisations never expire; the 3-D Secure challenge is finished by
``FakeStripe.complete_3ds`` rather than a browser; idempotency keys never
expire; POST params are read from the body only.
"""

from gateway_plugins.testing import Fault, Injection

from .cards import TEST_CARDS, Card, Decline
from .events import Webhook, signature_header, v1_signature
from .form import parse_form
from .ledger import Ledger, LedgerEntry, Movement
from .objects import Reply
from .server import FakeStripe, RecordedRequest
from .wire import API_VERSION

__all__ = [
    "API_VERSION",
    "TEST_CARDS",
    "Card",
    "Decline",
    "FakeStripe",
    "Fault",
    "Injection",
    "Ledger",
    "LedgerEntry",
    "Movement",
    "RecordedRequest",
    "Reply",
    "Webhook",
    "parse_form",
    "signature_header",
    "v1_signature",
]
