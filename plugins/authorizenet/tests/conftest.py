"""Fixtures for the Authorize.Net plugin's tests: a fresh fake Authorize.Net per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gateway_plugins_authorizenet.testing import FakeAuthorizeNet

from gateway_plugins import PluginManager
from plugins.authorizenet.tests.payments import assert_in_xsd_order, host_for


@pytest.fixture
def fake_authorizenet() -> Iterator[FakeAuthorizeNet]:
    """A fake Authorize.Net on 127.0.0.1 with empty state; fails the test if the fake crashed."""
    with FakeAuthorizeNet() as fake:
        yield fake
    assert not fake.server_errors, "the fake Authorize.Net crashed:\n" + "\n".join(
        fake.server_errors
    )


@pytest.fixture
def manager(fake_authorizenet: FakeAuthorizeNet) -> Iterator[PluginManager]:
    yield host_for(fake_authorizenet)
    # Every body the plugin sent was in XSD order, by the fake's own copy of the schema.
    for request in fake_authorizenet.requests:
        assert_in_xsd_order(request.pairs)
