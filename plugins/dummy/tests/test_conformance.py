"""The dummy gateway passes the conformance kit: the whole wiring a plugin needs."""

from gateway_plugins_dummy import DummyGatewayPlugin

from gateway_plugins.conformance import GatewayConformanceTests


class TestDummyConformance(GatewayConformanceTests):
    plugin = DummyGatewayPlugin  # its conformance_inputs() names the magic tokens
