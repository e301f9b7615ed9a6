"""The plugin contract: every hook a plugin may implement, documented where declared.

A **gateway plugin** implements :func:`gateway_info` and the money hooks for one
PSP. Any other plugin (audit, risk, metrics …) may implement the money hooks too
and takes part in the chain described below, but never moves money itself.

The chain and ``previous_value``
--------------------------------
For one operation on one payment the manager builds a chain: the gateway named
in ``PaymentData.gateway`` plus every non-gateway plugin implementing that hook,
in pluggy's call order (``tryfirst`` first, ``trylast`` last, otherwise the
plugin registered last runs first). No other gateway is ever called. The first
plugin gets ``previous_value=None``; each later one gets what the one before it
returned. A plugin that does not act on a call returns ``previous_value``
unchanged. The last value is what the host receives.

Two rules keep money safe:

* a non-gateway plugin that runs *before* the gateway and returns a failed
  ``GatewayResponse`` stops the payment: the gateway is not called (a risk
  plugin declining an order);
* a plugin that runs *after* the gateway may annotate the response but cannot
  change its money facts (``is_success``, ``kind``, ``amount``, ``currency``,
  ``transaction_id``, ``psp_reference``); nor can it lose it by raising.

Example, an audit plugin that sees every authorization after the gateway::

    class Audit:
        @hookimpl(trylast=True)
        def authorize(self, payment_information, previous_value):
            log.info("authorize %s: %s", payment_information.gateway, previous_value.is_success)
            return previous_value

Parameters have no default values, in specs and implementations alike (pluggy
1.6 and 1.7 treat defaults differently); the manager always passes every
argument. An implementation may omit parameters it does not use.
"""

from __future__ import annotations

from collections.abc import Mapping

import pluggy

from .interface import (
    GatewayConfig,
    GatewayInfo,
    GatewayResponse,
    PaymentData,
    TokenConfig,
)
from .notifications import NotificationResult

#: The pluggy project name; also the prefix of the entry point group.
PROJECT_NAME = "gateway_plugins"
#: The entry point group gateway plugins are published under.
ENTRY_POINT_GROUP = "gateway_plugins.gateways"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
#: Marks a plugin method as the implementation of a hook of the same name.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


# -- Describing and configuring a gateway -------------------------------------


@hookspec
def gateway_info() -> GatewayInfo:  # type: ignore[empty-body]
    """Describe the gateway this plugin provides.

    Arguments: none.

    Returns: a :class:`~gateway_plugins.interface.GatewayInfo`: the gateway id
    hosts use in ``PaymentData.gateway``, a display name, the default
    :class:`~gateway_plugins.interface.GatewayConfig`, the declared
    capabilities and the error table.

    Called: once, when the plugin is registered. Implementing this hook is what
    makes a plugin a gateway; plugins without it are observers in the chain.
    The answer must not change afterwards.
    """


@hookspec
def configure_gateway(config: GatewayConfig) -> None:
    """Take a configuration for the gateway.

    Arguments: ``config``, the :class:`~gateway_plugins.interface.GatewayConfig`
    the host gave (or the plugin's own ``default_config``).

    Returns: nothing. Raise ``ValueError`` to refuse a configuration (say, a
    missing API key); the manager then keeps the gateway unconfigured and tells
    the host why.

    Called: on this gateway only, once at registration with the default
    configuration and again whenever the host calls
    ``PluginManager.configure``. Calls of money hooks may run concurrently with
    it from other threads: replace your state, do not mutate it in place.
    """


# -- Money operations ---------------------------------------------------------


@hookspec
def get_client_token(token_config: TokenConfig, previous_value: str | None) -> str | None:
    """Create a token the storefront uses to collect payment details.

    Arguments: ``token_config``, a :class:`~gateway_plugins.interface.TokenConfig`
    (for example the PSP customer id); ``previous_value``, the token an earlier
    plugin of the chain produced, or ``None`` for the first plugin.

    Returns: a fresh token (a new one on every call), or ``previous_value``
    unchanged when this plugin does not act.

    Called: by ``PluginManager.get_client_token(gateway_id, token_config)``, on
    the named gateway and on non-gateway plugins, before checkout.
    """


@hookspec
def authorize(
    payment_information: PaymentData, previous_value: GatewayResponse | None
) -> GatewayResponse | None:
    """Reserve ``payment_information.amount`` on the customer's payment method.

    Arguments: ``payment_information``, the :class:`~gateway_plugins.interface.PaymentData`
    (``token`` holds the payment method); ``previous_value``, the response of the
    plugin before this one in the chain, or ``None`` for the first.

    Returns: a :class:`~gateway_plugins.interface.GatewayResponse` of kind
    ``auth`` (or ``action_to_confirm`` with ``action_required=True`` and a
    :class:`~gateway_plugins.actions.CustomerAction` when the shopper must act:
    3-D Secure, a redirect, something to present; ``pending`` when the PSP
    answers later), echoing amount and currency; or ``previous_value``
    unchanged when this plugin does not act. When the PSP's answer is lost or
    unreadable, a failure with ``outcome_unknown=True`` (never a decline).
    Send the PSP the key of :func:`gateway_plugins.idempotency.operation_key`,
    never ``payment_information.idempotency_key`` itself.

    Called: by ``PluginManager.authorize``, only on the gateway named in
    ``payment_information.gateway`` and on non-gateway plugins.
    """


@hookspec
def capture(
    payment_information: PaymentData, previous_value: GatewayResponse | None
) -> GatewayResponse | None:
    """Capture (settle) an authorization, wholly or partly.

    Arguments: ``payment_information`` with ``psp_reference`` naming the
    authorization and ``amount`` the amount to capture (less than authorized for
    a partial capture); ``previous_value`` as for :func:`authorize`.

    Returns: a response of kind ``capture`` (``pending`` when the PSP confirms
    asynchronously); a failure when the amount exceeds what is left to capture.
    Or ``previous_value`` unchanged when this plugin does not act.

    Called: by ``PluginManager.capture``, as :func:`authorize` is.
    """


@hookspec
def refund(
    payment_information: PaymentData, previous_value: GatewayResponse | None
) -> GatewayResponse | None:
    """Give back captured money, wholly or partly.

    Arguments: ``payment_information`` with ``psp_reference`` naming the captured
    transaction and ``amount`` the amount to refund; ``previous_value`` as for
    :func:`authorize`.

    Returns: a response of kind ``refund`` (``refund_ongoing`` when the PSP
    confirms asynchronously); a failure when the amount exceeds what is left to
    refund. Or ``previous_value`` unchanged when this plugin does not act.

    Called: by ``PluginManager.refund``, as :func:`authorize` is.
    """


@hookspec
def void(
    payment_information: PaymentData, previous_value: GatewayResponse | None
) -> GatewayResponse | None:
    """Release an authorization that was not captured, wholly.

    Arguments: ``payment_information`` with ``psp_reference`` naming the
    authorization and ``amount`` the amount authorized (a void is never
    partial: PSPs release the whole authorization and take no amount);
    ``previous_value`` as for :func:`authorize`.

    Returns: a response of kind ``void`` (or ``cancel``; ``pending`` when the PSP
    confirms asynchronously); a failure when the authorization was already
    captured. A plugin that knows the authorization's amount refuses, before
    calling the PSP, a void whose ``amount`` differs from it (a host asking to
    void 3.00 of 25.00 must not hear "voided 3.00"). Or ``previous_value``
    unchanged when this plugin does not act.

    Called: by ``PluginManager.void``, as :func:`authorize` is; only on gateways
    declaring the ``void`` capability.
    """


@hookspec
def process_payment(
    payment_information: PaymentData, previous_value: GatewayResponse | None
) -> GatewayResponse | None:
    """Take a payment in one call: authorize, then capture if ``auto_capture`` is on.

    Arguments: ``payment_information`` as for :func:`authorize`;
    ``previous_value`` as for :func:`authorize`.

    Returns: a response of kind ``capture`` when the configuration's
    ``auto_capture`` is on and the capture succeeded, ``auth`` when it is off,
    ``action_to_confirm`` when 3-D Secure is needed. Or ``previous_value``
    unchanged when this plugin does not act.

    Called: by ``PluginManager.process_payment``, as :func:`authorize` is. Every
    gateway implements it.
    """


@hookspec
def confirm_payment(
    payment_information: PaymentData, previous_value: GatewayResponse | None
) -> GatewayResponse | None:
    """Complete a payment that needed the shopper (3-D Secure, a redirect, a QR code).

    Arguments: ``payment_information`` with ``psp_reference`` naming the pending
    transaction and ``data`` carrying what the shopper's browser or the PSP's
    SDK brought back from the action (for a redirect often nothing: many
    return URLs carry nothing); ``previous_value`` as for :func:`authorize`.

    Returns: a response of kind ``auth`` or ``capture`` (per ``auto_capture``)
    when the PSP says the payment was made, a ``declined`` failure when the
    shopper failed or gave up; while the payment is still open (the shopper
    came back without paying, or another step is needed) ``action_to_confirm``
    with a new ``CustomerAction``, or ``pending`` when the PSP decides later.
    Ask the PSP: the shopper's return to the shop proves nothing, and ``data``
    comes from the browser, so pass it to the PSP, never trust it. Or
    ``previous_value`` unchanged when this plugin does not act.

    Called: by ``PluginManager.confirm_payment`` after a response with
    ``action_required=True``, with ``psp_reference`` set to the action's
    ``CustomerAction.psp_reference``; only on gateways declaring
    ``three_d_secure`` or ``redirect``.
    """


# -- Notifications ------------------------------------------------------------


@hookspec
def handle_notification(headers: Mapping[str, str], body: bytes) -> NotificationResult:  # type: ignore[empty-body]
    """Verify a notification (webhook) from the PSP and say what it changed.

    Arguments: ``headers``, the HTTP headers of the PSP's request, keys in
    lower case; ``body``, the request body exactly as received (signatures
    are computed over bytes or over fields of it, so the host must not
    re-encode it).

    Returns: a :class:`~gateway_plugins.notifications.NotificationResult`
    whose ``updates`` hold one
    :class:`~gateway_plugins.notifications.TransactionUpdate` per transaction
    event (none for events that change no transaction), each with an
    ``event_id`` that is the same at every redelivery and the ``event_date``
    the PSP gives, and whose ``acknowledgement`` is the body the PSP expects
    back. Raise :class:`~gateway_plugins.exceptions.NotificationRejected`
    when the signature is missing or wrong, or the body cannot be read:
    verify *before* trusting anything in it, and reject the whole
    notification when any part fails. Anything else raised makes the host
    answer 500 and the PSP retry: parse with
    :func:`gateway_plugins.notification_parsing.load_json`, which rejects
    what no PSP writes (too deep, ``NaN``, not UTF-8) instead.

    A PSP that signs nothing sends a body that only names a payment (Mollie's
    ``id=tr_…``, PayPal's IPN): verify it by fetching that payment over the
    PSP's authenticated API and report the status the PSP gives, never one the
    body claims; reject the notification when the PSP does not know the
    payment, and raise anything else when the PSP cannot be asked (so that it
    delivers again). A forged body then changes nothing.

    Called: by ``PluginManager.notification(gateway_id, headers, body)`` (and
    ``handle_notification``), only on the named gateway (there is no chain),
    and only on gateways declaring the ``notifications`` capability, with a
    body no longer than the manager's ``NotificationPolicy.max_body_size``.
    The same event may arrive more than once, even concurrently: the manager
    claims each ``event_id`` in its event log, hands the host only events
    never applied, records them once the host has applied them, and sets
    apart events dated before its replay window.
    """
