"""What a plugin author gives the kit: the plugin, a configuration and test inputs.

The kit drives a gateway with real inputs, so it must be told which token
succeeds, which ones decline and why, and which ones need the shopper (3-D
Secure, a redirect) and how the shopper acts. The dummy
gateway keeps these as data; an HTTP plugin points its ``config`` at its PSP's
test server and names that server's magic card numbers.

A plugin may also offer its own inputs, so that ``gateway-plugins check NAME``
works with nothing but the entry point name: a method (or module-level
function) ``conformance_inputs()`` on the plugin object returning a
:class:`ConformanceInputs`, or an attribute of that name holding one. Every
field of the inputs a test gives explicitly wins; fields left at their default
are taken from the plugin's (``known_failures`` are merged).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..actions import ActionKind
from ..errors import ErrorCode
from ..interface import GatewayConfig, TransactionKind
from ..money import iso_exponent

#: The name of the optional method or attribute through which a plugin offers its inputs.
INPUTS_ATTRIBUTE = "conformance_inputs"
#: Seconds a check may take unless the inputs say otherwise.
DEFAULT_TIMEOUT = 30.0

#: A notification as the PSP's HTTP request carries it: ``(headers, body)``.
Notification = tuple[Mapping[str, str], bytes]


@dataclass(frozen=True)
class DeclineInput:
    """A payment method whose authorization fails with one shared error code."""

    token: str
    psp_code: str | None = None
    """The PSP's raw code the response must keep in ``psp_error_code``; ``None``
    accepts any non-empty code."""
    data: Mapping[str, Any] = field(default_factory=dict)
    """Extra ``PaymentData.data`` the PSP needs to produce this outcome."""


@dataclass(frozen=True)
class CustomerActionInput:
    """A payment method whose authorization needs the shopper, and how the shopper acts.

    For a 3-D Secure challenge, a redirect to the PSP's hosted checkout or the
    shopper's bank: the kit authorizes ``token``, gets ``action_required``, plays
    the shopper (``complete``) and calls ``confirm_payment``.
    """

    token: str
    confirm_data: Mapping[str, Any] = field(default_factory=dict)
    """``PaymentData.data`` for ``confirm_payment`` when the shopper passed (or paid)."""
    failed_data: Mapping[str, Any] | None = None
    """``PaymentData.data`` for ``confirm_payment`` when the shopper failed (or gave up);
    ``None`` skips the failed part of the check (unless ``complete`` is given)."""
    complete: Callable[[str, bool], Mapping[str, Any] | None] | None = None
    """For PSPs where the shopper acts on the PSP's or the bank's own page (out of
    band): called with the action's ``psp_reference`` and whether the shopper passes
    (pays), before ``confirm_payment``. It may return what the shopper's browser
    brings back (say, ``{"details": {"redirectResult": …}}``), merged into that
    call's ``PaymentData.data``. A test PSP server provides it."""


#: The name the 3-D Secure input had before redirects joined it; the same class.
ThreeDSecureInput = CustomerActionInput


@dataclass(frozen=True)
class ConformanceInputs:
    """Everything the kit needs to drive one gateway plugin.

    ``plugin`` is what an entry point would name: a class or factory function
    (called once per check, so each check gets a fresh instance), a module or
    a ready object (shared by all checks). Or give ``entry_point``, the name
    the plugin is installed under in the ``gateway_plugins.gateways`` group.
    """

    plugin: object = None
    entry_point: str | None = None
    config: GatewayConfig | None = None
    """The configuration the checks use; the plugin's ``default_config`` when ``None``."""
    success_token: str | None = None
    """A payment method that authorizes (without customer action, unless
    ``completes_by_action``)."""
    completes_by_action: bool = False
    """Every payment needs the shopper (a redirect-only gateway: hosted checkout,
    iDEAL): whenever an authorization or payment answers ``action_required``, the
    kit plays the shopper with the input of the action's kind (``redirect`` or
    ``three_d_secure``: its ``complete``, the shopper passing) and calls
    ``confirm_payment``; the flow checks go on with what that answers."""
    decline_tokens: Mapping[ErrorCode, DeclineInput | str] = field(default_factory=dict)
    """One payment method per decline reason, by the shared code it must produce."""
    three_d_secure: CustomerActionInput | None = None
    """A payment method that needs 3-D Secure; for gateways declaring ``three_d_secure``."""
    redirect: CustomerActionInput | None = None
    """A payment method that sends the shopper to the PSP's or the bank's page; for
    gateways declaring ``redirect``."""
    currencies: tuple[str, ...] = ()
    """Currencies to try; every currency of the configuration when empty."""
    payment_fields: Mapping[str, Any] = field(default_factory=dict)
    """Extra ``PaymentData`` fields every payment gets (a billing address, an email …)."""
    known_failures: Mapping[str, str] = field(default_factory=dict)
    """Checks expected to fail, by check id, each with the reason (strict xfail)."""
    notification: Callable[[], Notification] | None = None
    """A genuine notification as the PSP sends it, ``(headers, body)``, signed for
    ``config``; for gateways declaring ``notifications``. A test PSP server provides it."""
    forged_notification: Callable[[str, TransactionKind], Notification] | None = None
    """A notification as anyone could send it, ``(headers, body)``: in the PSP's format,
    naming the payment ``psp_reference`` and claiming it reached the given kind, with
    no valid signature (a PSP that signs nothing, like Mollie, has none to give). The
    ``notifications`` check then sends one naming an unknown payment (it must be
    rejected) and one falsely claiming a real payment was captured (rejected, or
    answered with the PSP's true status when the plugin verifies by fetching the
    payment from the PSP)."""
    settle: Callable[[], Iterable[Notification]] | None = None
    """For PSPs that confirm captures, refunds and voids later (answering ``pending`` or
    ``refund_ongoing``): makes the test PSP carry out what it accepted and returns the
    notifications it sends, ``(headers, body)`` each. The kit then follows every pending
    answer to its outcome through ``handle_notification``, so an over-capture refused
    by webhook counts as refused."""
    charges_for: Callable[[str], int] | None = None
    """How many times the PSP charged the transaction with this ``psp_reference``;
    lets the idempotency check ask the PSP instead of comparing responses."""
    timeout: float = DEFAULT_TIMEOUT
    """Seconds each check (and loading the plugin) may take. When a check overruns,
    the kit reports which hook was running and moves on; the hook cannot be killed
    and keeps running in a background (daemon) thread until it returns."""

    def __post_init__(self) -> None:
        if (
            isinstance(self.timeout, bool)
            or not isinstance(self.timeout, int | float)
            or not math.isfinite(self.timeout)
            or self.timeout <= 0
        ):
            raise ValueError("timeout must be a positive number of seconds")
        if not isinstance(self.completes_by_action, bool):
            raise ValueError("completes_by_action must be True or False")
        for code in self.decline_tokens:
            if not isinstance(code, ErrorCode):
                raise ValueError(f"decline_tokens: {code!r} is not an ErrorCode")
        for check_id, reason in self.known_failures.items():
            if not isinstance(reason, str) or not reason.strip():
                raise ValueError(f"known_failures[{check_id!r}] needs a reason")
        object.__setattr__(
            self, "currencies", tuple(code.strip().upper() for code in self.currencies)
        )
        for currency in self.currencies:
            iso_exponent(currency)  # CurrencyError (a ValueError) names the problem
        if self.entry_point is not None and not self.entry_point.strip():
            raise ValueError("entry_point must be a non-empty entry point name")

    def declines(self) -> dict[ErrorCode, DeclineInput]:
        """The decline inputs, each as a :class:`DeclineInput`."""
        return {
            code: value if isinstance(value, DeclineInput) else DeclineInput(value)
            for code, value in self.decline_tokens.items()
        }

    def tokens(self) -> list[str]:
        """Every payment token the inputs name (to keep out of reports)."""
        found = [self.success_token, *(d.token for d in self.declines().values())]
        found += [action.token for action in (self.three_d_secure, self.redirect) if action]
        return [token for token in found if token]

    def action_input(self, kind: ActionKind) -> CustomerActionInput | None:
        """The input that completes a customer action of ``kind``, if the inputs give one."""
        if kind is ActionKind.THREE_D_SECURE:
            return self.three_d_secure
        if kind is ActionKind.REDIRECT:
            return self.redirect
        return None

    def merged_with(self, offered: ConformanceInputs) -> ConformanceInputs:
        """These inputs, with fields left at their default taken from ``offered``."""
        changes: dict[str, Any] = {}
        for item in dataclasses.fields(self):
            if item.name in ("plugin", "entry_point"):
                continue
            mine = getattr(self, item.name)
            if item.name == "known_failures":
                changes[item.name] = {**offered.known_failures, **mine}
            elif mine == _default(item):
                changes[item.name] = getattr(offered, item.name)
        return dataclasses.replace(self, **changes)


def _default(item: dataclasses.Field[Any]) -> Any:
    if item.default_factory is not dataclasses.MISSING:
        return item.default_factory()
    return item.default


def offered_inputs(plugin: object) -> ConformanceInputs | None:
    """The inputs a plugin object offers through ``conformance_inputs``, if any.

    Raises ``TypeError`` when the attribute exists but gives something else.
    """
    offered = getattr(plugin, INPUTS_ATTRIBUTE, None)
    if offered is None:
        return None
    if callable(offered) and not isinstance(offered, ConformanceInputs):
        offered = offered()
    if not isinstance(offered, ConformanceInputs):
        raise TypeError(
            f"{INPUTS_ATTRIBUTE}() returned {type(offered).__name__}, not a ConformanceInputs"
        )
    return offered
