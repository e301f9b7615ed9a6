"""The money hooks of a plugin whose every operation is a command of its connection.

Most HTTP gateways map each money hook to one command of their
:class:`~gateway_plugins.http.commands.CommandPool`; :class:`CommandHooks`
writes those hooks once. A plugin subclasses it, creates ``self.slot`` (a
:class:`~gateway_plugins.http.connection.ConnectionSlot`) in ``__init__``,
fills it in ``configure_gateway`` and overrides any hook that needs more
(Authorize.Net looks the card up before a refund). Hooks outside the five
below (``confirm_payment``, ``get_client_token``, ``handle_notification``)
stay in the plugin, with the capabilities they need.
"""

from __future__ import annotations

from typing import Any

from ..hookspecs import hookimpl
from ..interface import GatewayResponse, PaymentData
from .connection import ConnectionSlot


class CommandHooks:
    """``authorize``, ``capture``, ``refund``, ``void`` and ``process_payment`` as commands.

    ``process_payment`` runs ``sale`` when the configuration's ``auto_capture``
    is on and ``authorize`` when it is off; ``capture`` without a
    ``psp_reference`` is a sale (see ``CommandPool``). A plugin using this
    implements ``void`` and so must declare the ``void`` capability.
    """

    slot: ConnectionSlot[Any]

    @hookimpl
    def authorize(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self.slot.get().execute("authorize", payment_information)

    @hookimpl
    def capture(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self.slot.get().execute("capture", payment_information)

    @hookimpl
    def refund(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self.slot.get().execute("refund", payment_information)

    @hookimpl
    def void(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        return self.slot.get().execute("void", payment_information)

    @hookimpl
    def process_payment(
        self, payment_information: PaymentData, previous_value: GatewayResponse | None
    ) -> GatewayResponse:
        connection = self.slot.get()
        operation = "sale" if connection.config.auto_capture else "authorize"
        return connection.execute(operation, payment_information)


__all__ = ["CommandHooks"]
