"""The Stripe plugin passes the conformance kit against the fake Stripe on 127.0.0.1."""

from __future__ import annotations

import pytest
from gateway_plugins_stripe import StripeGatewayPlugin
from gateway_plugins_stripe.testing import FakeStripe
from gateway_plugins_stripe.testing.conformance import inputs_for

from gateway_plugins.conformance import ConformanceInputs, GatewayConformanceTests


class TestStripeConformance(GatewayConformanceTests):
    @pytest.fixture
    def conformance_inputs(self, fake_stripe: FakeStripe) -> ConformanceInputs:
        # The inputs the plugin offers, around this test's own fake.
        return inputs_for(fake_stripe, StripeGatewayPlugin)
