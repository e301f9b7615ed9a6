"""Fixtures for the Authorize.Net plugin's tests: a fresh fake Authorize.Net per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gateway_plugins_authorizenet.testing import FakeAuthorizeNet


@pytest.fixture
def fake_authorizenet() -> Iterator[FakeAuthorizeNet]:
    """A fake Authorize.Net on 127.0.0.1 with empty state; fails the test if the fake crashed."""
    with FakeAuthorizeNet() as fake:
        yield fake
    assert not fake.server_errors, "the fake Authorize.Net crashed:\n" + "\n".join(
        fake.server_errors
    )
