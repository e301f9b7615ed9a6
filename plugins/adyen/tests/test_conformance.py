"""The Adyen plugin through the conformance kit, against the fake Adyen on 127.0.0.1."""

from __future__ import annotations

import pytest
from gateway_plugins_adyen import AdyenGatewayPlugin
from gateway_plugins_adyen.testing import FakeAdyen
from gateway_plugins_adyen.testing.conformance import inputs_for

from gateway_plugins.conformance import ConformanceInputs, GatewayConformanceTests


class TestAdyenConformance(GatewayConformanceTests):
    @pytest.fixture
    def conformance_inputs(self, fake_adyen: FakeAdyen) -> ConformanceInputs:
        # The inputs the plugin offers, around this test's own fake (checked against
        # Adyen's spec, see conftest.py).
        return inputs_for(fake_adyen, AdyenGatewayPlugin)
