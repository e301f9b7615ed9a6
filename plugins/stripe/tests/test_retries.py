"""Retrying as a host does, against the fake Stripe: charged once, and one key per operation.

A failure that advises ``retry_later`` names the key to retry with; a host that
kept only that response rebuilds the ``PaymentData`` from it and is charged once.
The natural host code copies the authorization's ``PaymentData`` for its capture
and refund (``model_copy``): each operation must still reach Stripe with its own
key, or Stripe refuses it as a reused key.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
import requests
from gateway_plugins_stripe import StripeGatewayPlugin, normalize
from gateway_plugins_stripe.testing import FakeStripe, Fault

from gateway_plugins import (
    ErrorCode,
    GatewayConfig,
    GatewayResponse,
    PaymentData,
    PluginManager,
    RetryAdvice,
    TransactionKind,
)
from gateway_plugins.http import OUTCOME_UNKNOWN
from gateway_plugins.idempotency import operation_key
from plugins.stripe.tests.stripe_spec import validate_form_request

INTENTS = "/v1/payment_intents"


def config_for(fake: FakeStripe) -> GatewayConfig:
    return GatewayConfig(
        gateway_name="Stripe",
        auto_capture=True,
        supported_currencies="USD",
        connection_params={"secret_key": fake.api_key, "base_url": fake.url, "read_timeout": 1.0},
    )


@pytest.fixture
def plugin(fake_stripe: FakeStripe) -> Iterator[StripeGatewayPlugin]:
    """The plugin called directly, as the conformance kit's direct calls do (no manager)."""
    plugin = StripeGatewayPlugin()
    plugin.configure_gateway(config_for(fake_stripe))
    yield plugin
    plugin.slot.get().client.close()
    for request in fake_stripe.requests:
        if request.method == "POST":
            validate_form_request(request.method, request.path, request.body)


@pytest.fixture
def manager(fake_stripe: FakeStripe) -> PluginManager:
    host = PluginManager(discover=False)
    host.register(StripeGatewayPlugin(), "stripe")
    host.configure("stripe", config_for(fake_stripe))
    return host


def order(key: str | None = None, **fields: Any) -> PaymentData:
    """One order's payment, as a host rebuilds it from its database (and the key it kept)."""
    values: dict[str, Any] = {"gateway": "stripe", "amount": "10.00", "currency": "USD",
                              "token": "pm_card_visa", "order_id": "order-9", **fields}  # fmt: skip
    if key is not None:
        values["idempotency_key"] = key
    return PaymentData(**values)


def retry_key(response: GatewayResponse) -> str:
    """The key a failed response tells the host to retry with (it must advise retry_later)."""
    assert not response.is_success and response.retry_advice is RetryAdvice.RETRY_LATER, response
    assert response.idempotency_key, f"retry_later without the key to retry with: {response!r}"
    return response.idempotency_key


# -- 1. retry advice carries its key -------------------------------------------------------


def arm_500_after_processing(fake: FakeStripe) -> None:
    # Stripe charged, then every try's answer is lost to a 500 (the transport tries 3 times).
    fake.inject(Fault.STATUS_500, times=3, after_processing=True, path=INTENTS)


def arm_429(fake: FakeStripe) -> None:
    fake.inject(Fault.STATUS_429, times=3, path=INTENTS, retry_after=0)


def arm_key_in_use(fake: FakeStripe) -> None:
    # The first request holds its key 2.5 s; the host's second one meanwhile gets 409s.
    fake.inject(Fault.SLOW, seconds=2.5, times=1, path=INTENTS)


@pytest.mark.parametrize(
    ("arm", "psp_code"),
    [(arm_500_after_processing, "api_error"), (arm_429, "rate_limit"),
     (arm_key_in_use, "idempotency_key_in_use")],
)  # fmt: skip
def test_retry_later_names_the_key_and_a_rebuilt_retry_charges_once(
    plugin: StripeGatewayPlugin, fake_stripe: FakeStripe, arm: Any, psp_code: str
) -> None:
    arm(fake_stripe)
    payment = order()
    first: list[GatewayResponse] = []
    holder = threading.Thread(target=lambda: first.append(plugin.process_payment(payment, None)))
    holder.start()
    if arm is arm_key_in_use:
        holder.join(0.3)  # the first is now in flight: the second call meets its key
        failed = plugin.process_payment(payment, None)
        holder.join()
        sent = operation_key(payment, "sale")
        deadline = time.monotonic() + 10
        while fake_stripe.in_flight(sent):  # Stripe is still at work on the first
            assert time.monotonic() < deadline
            time.sleep(0.05)
    else:
        holder.join()
        failed = first[0]

    assert failed.psp_error_code == psp_code
    rebuilt = order(retry_key(failed))  # the host kept only the response and the order
    retried = plugin.process_payment(rebuilt, None)

    assert retried.is_success and retried.kind is TransactionKind.CAPTURE, retried
    assert len(fake_stripe.ledger.charges()) == 1


def test_eight_threads_retrying_one_order_over_three_rounds_charge_once(
    plugin: StripeGatewayPlugin, fake_stripe: FakeStripe
) -> None:
    # Round 1: the first request is slow (its key is in use for the others), and Stripe's
    # answers are lost to 500s after it charged; later rounds retry what each was told.
    fake_stripe.inject(Fault.SLOW, seconds=1.0, times=1, path=INTENTS)
    fake_stripe.inject(Fault.STATUS_500, times=6, after_processing=True, path=INTENTS)
    keys = [order().idempotency_key] * 8
    successes: list[GatewayResponse] = []

    for _ in range(3):
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda key: plugin.process_payment(order(key), None), keys))
        successes += [answer for answer in answers if answer.is_success]
        keys = [retry_key(answer) for answer in answers if not answer.is_success]
        if not keys:
            break

    assert keys == [] and len(successes) >= 8
    assert len({answer.psp_reference for answer in successes}) == 1
    assert len(fake_stripe.ledger.charges()) == 1
    [sent_key] = {request.idempotency_key for request in fake_stripe.requests}
    assert sent_key is not None and fake_stripe.ledger.executions(sent_key) == 1


# -- 2. one key per operation ----------------------------------------------------------------


def lost_then_retried(
    manager: PluginManager, fake: FakeStripe, operation: str, payment: PaymentData, path: str
) -> GatewayResponse:
    """``operation`` whose every reply is dropped after Stripe acted; the host retries it once."""
    fake.inject(Fault.DROP_AFTER_PROCESSING, times=3, path=path)
    lost = getattr(manager, operation)(payment)
    assert lost.psp_error_code == OUTCOME_UNKNOWN and lost.retry_advice is RetryAdvice.RETRY_LATER
    assert lost.idempotency_key == payment.idempotency_key
    return getattr(manager, operation)(payment)  # type: ignore[no-any-return]


def test_capture_and_refunds_copied_from_the_authorization_each_happen_once(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    authorization = order()
    auth = lost_then_retried(manager, fake_stripe, "authorize", authorization, INTENTS)
    assert auth.is_success and auth.kind is TransactionKind.AUTH and auth.psp_reference
    reference = auth.psp_reference
    # The natural host code: the authorization's PaymentData, copied with what changes.
    capture = authorization.model_copy(update={"psp_reference": reference,
                                               "amount": Decimal("6.00")})  # fmt: skip
    captured = lost_then_retried(manager, fake_stripe, "capture", capture,
                                 f"{INTENTS}/{reference}/capture")  # fmt: skip
    assert captured.is_success and captured.kind is TransactionKind.CAPTURE, captured
    assert captured.amount == Decimal("6.00")
    # A second partial capture: Stripe captures once, and says so (not "key reused").
    again = manager.capture(capture.model_copy(update={"amount": Decimal("4.00")}))
    assert not again.is_success and again.psp_error_code == "payment_intent_unexpected_state"

    refund = capture.model_copy(update={"amount": Decimal("2.00")})
    refunded = lost_then_retried(manager, fake_stripe, "refund", refund, "/v1/refunds")
    more = manager.refund(refund.model_copy(update={"amount": Decimal("3.00")}))
    # The same PaymentData again is a retry of the first refund: Stripe answers it once.
    repeated = manager.refund(refund)

    assert refunded.is_success and more.is_success and repeated.is_success, (refunded, more)
    assert repeated.transaction_id == refunded.transaction_id != more.transaction_id
    assert fake_stripe.ledger.authorizations() == [(reference, 1000)]
    assert fake_stripe.ledger.charges() == [(reference, 600)]
    assert fake_stripe.ledger.refunds() == [(reference, 200), (reference, 300)]
    keys = {(request.path, request.idempotency_key) for request in fake_stripe.requests}
    sent = [key for _, key in keys]
    assert len(sent) == len(set(sent)) == 5, keys  # one key per operation, never shared


def test_a_void_copied_from_the_authorization_happens(
    manager: PluginManager, fake_stripe: FakeStripe
) -> None:
    authorization = order()
    auth = manager.authorize(authorization)
    assert auth.psp_reference

    voided = lost_then_retried(
        manager, fake_stripe, "void",
        authorization.model_copy(update={"psp_reference": auth.psp_reference}),
        f"{INTENTS}/{auth.psp_reference}/cancel",
    )  # fmt: skip

    assert voided.is_success and voided.kind is TransactionKind.VOID, voided
    assert fake_stripe.ledger.voids() == [(auth.psp_reference, 1000)]


def test_a_reused_key_is_refused_by_the_fake_as_by_stripe(fake_stripe: FakeStripe) -> None:
    """What a capture sent with the authorization's own key meets: so the test above is real."""
    with requests.Session() as session:
        session.headers.update({"Authorization": f"Bearer {fake_stripe.api_key}",
                                "Idempotency-Key": "order-9-key"})  # fmt: skip
        created = session.post(
            fake_stripe.url + INTENTS,
            data={"amount": 1000, "currency": "usd", "payment_method": "pm_card_visa",
                  "confirm": "true", "capture_method": "manual"},
            timeout=5,
        ).json()  # fmt: skip
        capture = session.post(f"{fake_stripe.url}{INTENTS}/{created['id']}/capture", timeout=5)

    assert capture.status_code == 400 and capture.json()["error"]["type"] == "idempotency_error"
    assert fake_stripe.ledger.charges() == []


def test_a_refused_reused_key_would_be_final() -> None:
    """Stripe's idempotency_error maps to do_not_retry: a host would never capture."""
    error = normalize(400, {"type": "idempotency_error", "message": "Keys for idempotent …"})

    assert (error.code, error.retry) == (ErrorCode.PROCESSING_ERROR, RetryAdvice.DO_NOT_RETRY)
