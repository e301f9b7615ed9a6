"""Idempotency keys on the wire: one per operation, stable across a host's retries."""

from __future__ import annotations

from decimal import Decimal

from gateway_plugins import PaymentData
from gateway_plugins.idempotency import MAX_KEY_LENGTH, operation_key
from gateway_plugins.interface import _IDEMPOTENCY_KEY


def payment(**fields: object) -> PaymentData:
    values: dict[str, object] = {
        "gateway": "dummy", "amount": Decimal("25.00"), "currency": "EUR",
        "idempotency_key": "order-42-attempt-1",
    }  # fmt: skip
    values.update(fields)
    return PaymentData(**values)  # type: ignore[arg-type]


def test_a_retry_of_the_same_request_sends_the_same_key() -> None:
    first = payment()
    assert operation_key(first, "authorize") == operation_key(first.model_copy(), "authorize")
    # Amounts equal in value are the same amount.
    assert operation_key(payment(amount="25"), "capture") == operation_key(
        payment(amount="25.00"), "capture"
    )


def test_the_natural_capture_copy_sends_a_key_of_its_own() -> None:
    auth = payment()
    capture = auth.model_copy(update={"psp_reference": "pi_123"})
    keys = {
        operation_key(auth, "authorize"),
        operation_key(capture, "capture"),
        operation_key(capture, "refund"),
        operation_key(capture.model_copy(update={"amount": Decimal("5.00")}), "capture"),
        operation_key(capture.model_copy(update={"psp_reference": "pi_456"}), "capture"),
        operation_key(capture.model_copy(update={"currency": "USD"}), "capture"),
    }
    assert len(keys) == 6


def test_keys_fit_every_psp_and_keep_the_hosts_key_readable() -> None:
    long = payment(idempotency_key="k" * 64)
    for operation in ("authorize", "process_payment", "confirm_payment", "capture"):
        key = operation_key(long, operation)
        assert len(key) <= MAX_KEY_LENGTH
        assert _IDEMPOTENCY_KEY.fullmatch(key)
    assert operation_key(payment(), "capture").startswith("order-42-attempt-1-captur-")
