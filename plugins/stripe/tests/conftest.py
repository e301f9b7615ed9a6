"""Fixtures for the Stripe plugin's tests: a fresh fake Stripe per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gateway_plugins_stripe.testing import FakeStripe


@pytest.fixture
def fake_stripe() -> Iterator[FakeStripe]:
    """A fake Stripe on 127.0.0.1 with empty state; fails the test if the fake itself crashed."""
    with FakeStripe() as fake:
        yield fake
    assert not fake.server_errors, "the fake Stripe crashed:\n" + "\n".join(fake.server_errors)
