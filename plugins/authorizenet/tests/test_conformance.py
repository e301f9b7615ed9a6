"""The Authorize.Net plugin passes the conformance kit against the fake Authorize.Net."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gateway_plugins_authorizenet import AuthorizeNetGatewayPlugin
from gateway_plugins_authorizenet.testing import FakeAuthorizeNet
from gateway_plugins_authorizenet.testing.conformance import inputs_for

from gateway_plugins.conformance import ConformanceInputs, GatewayConformanceTests


class TestAuthorizeNetConformance(GatewayConformanceTests):
    """The kit against a USD account, as most Authorize.Net merchants have."""

    @pytest.fixture
    def conformance_inputs(self, fake_authorizenet: FakeAuthorizeNet) -> ConformanceInputs:
        return inputs_for(fake_authorizenet, AuthorizeNetGatewayPlugin)


class TestAuthorizeNetJpyAccountConformance(GatewayConformanceTests):
    """The kit against a JPY account: amounts to the yen ("1000", no decimals)."""

    @pytest.fixture
    def conformance_inputs(self) -> Iterator[ConformanceInputs]:
        with FakeAuthorizeNet(currency="JPY") as fake:
            yield inputs_for(fake, AuthorizeNetGatewayPlugin)
        assert not fake.server_errors, "\n".join(fake.server_errors)


class TestAuthorizeNetKwdAccountConformance(GatewayConformanceTests):
    """The kit against a KWD account: amounts to the fils ("1.000", three decimals)."""

    @pytest.fixture
    def conformance_inputs(self) -> Iterator[ConformanceInputs]:
        with FakeAuthorizeNet(currency="KWD") as fake:
            yield inputs_for(fake, AuthorizeNetGatewayPlugin)
        assert not fake.server_errors, "\n".join(fake.server_errors)
