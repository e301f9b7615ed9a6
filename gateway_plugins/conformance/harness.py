"""Driving a plugin as a host does: fresh instances, a PluginManager, test payments.

One :class:`Harness` serves one run of the kit. It loads the plugin once (and
remembers why, if it cannot), then gives each check a fresh :class:`Session`: a
new plugin instance registered in a new ``PluginManager(discover=False)``,
exactly as a host registers a plugin in code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import CodeType
from typing import Any

import pluggy
from pluggy import HookImpl

from .. import hookspecs
from ..errors import NormalizedError
from ..exceptions import NotificationError, PluginRegistrationError
from ..interface import GatewayConfig, GatewayInfo, GatewayResponse, PaymentData, TransactionKind
from ..manager import PluginManager
from ..money import from_minor_units
from ..notifications import TransactionUpdate
from ..scrub import Scrubber
from .expect import expect_success, reference_of, well_formed
from .inputs import ConformanceInputs, offered_inputs
from .loading import PluginSource, from_entry_point, from_object
from .registry import CheckFailed
from .spy import Spy

#: The money hooks, in the order checks call them.
MONEY_HOOKS = ("authorize", "capture", "refund", "void", "process_payment", "confirm_payment")

#: Card data the kit feeds into payments to catch leaks (a Luhn-valid test Mastercard, a CVV).
KIT_CARD_NUMBER = "5555555555554444"
KIT_CVV = "8207"
#: The API key the kit configures when the test configuration holds no secret.
KIT_API_KEY = "kit_canary_sk_7f3c1e9a52d04b8e"

_USE_SUCCESS_TOKEN: Any = object()
#: Operations a PSP may confirm later, and the kinds of such a "not yet" answer.
_SETTLED_OPERATIONS = frozenset({"capture", "refund", "void"})
_PENDING_KINDS = frozenset({TransactionKind.PENDING, TransactionKind.REFUND_ONGOING})


def hook_implementations(plugin: object) -> dict[str, HookImpl]:
    """The plugin's hook implementations by hook name, as pluggy sees them.

    Raises ``pluggy.PluginValidationError`` when an implementation does not fit its spec.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    pm.register(plugin)
    return {
        caller.name: impl
        for caller in pm.get_hookcallers(plugin) or []
        for impl in caller.get_hookimpls()
        if impl.plugin is plugin
    }


def hook_codes(impls: Mapping[str, HookImpl]) -> dict[CodeType, str]:
    """The code objects of the implementations (and what they wrap), each with its hook's name.

    A code shared by several hooks (a decorator's wrapper) names them all.
    """
    names: dict[CodeType, list[str]] = {}
    for name, impl in impls.items():
        function: Any = impl.function
        while function is not None:
            code = getattr(function, "__code__", None)
            if isinstance(code, CodeType) and name not in names.setdefault(code, []):
                names[code].append(name)
            function = getattr(function, "__wrapped__", None)
    return {code: " or ".join(found) for code, found in names.items()}


def call_hook(impl: HookImpl, **arguments: Any) -> Any:
    """Call one implementation directly, passing the parameters it declares (as pluggy does)."""
    return impl.function(**{name: arguments[name] for name in impl.argnames})


class Harness:
    """The plugin under test, loaded once; fresh instances and sessions for each check."""

    def __init__(self, inputs: ConformanceInputs, *, load_problem: str | None = None) -> None:
        """Load the plugin the inputs name; with ``load_problem``, only record why it is not."""
        if inputs.plugin is None and inputs.entry_point is None:
            raise ValueError("ConformanceInputs names no plugin: give plugin= or entry_point=")
        self.given = inputs
        self.inputs = inputs
        self.source: PluginSource | None = None
        self.load_problem = load_problem
        self.hook_codes: dict[CodeType, str] = {}
        """The code of each hook implementation, by which a time bound names the hook."""
        self._info: GatewayInfo | None = None
        self._info_problem: str | None = None
        self._implemented: frozenset[str] | None = None
        if load_problem is None:
            self._load()

    # -- Loading ----------------------------------------------------------------

    def _load(self) -> None:
        given = self.given
        try:
            if given.plugin is not None:
                self.source = from_object(given.plugin)
                if given.entry_point:
                    self.source = PluginSource(
                        given.plugin,
                        given.entry_point,
                        self.source.distribution,
                        self.source.version,
                    )
            else:
                assert given.entry_point is not None
                self.source = from_entry_point(given.entry_point)
        except LookupError as exc:
            self.load_problem = str(exc)
            return
        except Exception as exc:
            self.load_problem = f"the entry point could not be loaded: {type(exc).__name__}: {exc}"
            return
        try:
            plugin = self.source.instantiate()
        except Exception as exc:
            self.load_problem = f"the plugin could not be instantiated: {type(exc).__name__}: {exc}"
            return
        try:
            offered = offered_inputs(plugin)
        except Exception as exc:
            self.load_problem = f"conformance_inputs() failed: {type(exc).__name__}: {exc}"
            return
        if offered is not None:
            self.inputs = given.merged_with(offered)
        try:
            impls = hook_implementations(plugin)
        except pluggy.PluginValidationError as exc:
            self._info_problem = f"the plugin does not fit the hook specs: {exc}"
            return
        self.hook_codes = hook_codes(impls)
        if "gateway_info" not in impls:
            self._info_problem = "the plugin does not implement gateway_info, so it is no gateway"
            return
        try:
            info = call_hook(impls["gateway_info"])
        except Exception as exc:
            self._info_problem = f"gateway_info() raised {type(exc).__name__}: {exc}"
            return
        if not isinstance(info, GatewayInfo):
            self._info_problem = f"gateway_info() returned {type(info).__name__}, not a GatewayInfo"
            return
        self._info = info

    @property
    def label(self) -> str:
        """What reports call the plugin: its entry point name or its dotted path."""
        if self.source is not None:
            return self.source.label
        return self.given.entry_point or repr(self.given.plugin)

    def new_plugin(self) -> object:
        """A plugin object for one check (a fresh one unless the source is a ready object)."""
        if self.source is None:
            raise CheckFailed(f"not run: {self.load_problem}")
        try:
            return self.source.instantiate()
        except Exception as exc:
            raise CheckFailed(
                f"not run: the plugin could not be instantiated: {type(exc).__name__}: {exc}"
            ) from exc

    @property
    def info(self) -> GatewayInfo:
        """What ``gateway_info()`` answered (checks that need it fail when it did not)."""
        if self._info is None:
            raise CheckFailed(f"not run: {self.load_problem or self._info_problem}")
        return self._info

    @property
    def info_problem(self) -> str | None:
        """Why there is no :attr:`info`, if there is none."""
        return self.load_problem or self._info_problem

    def implementations(self, plugin: object) -> dict[str, HookImpl]:
        """``plugin``'s hook implementations (failing the check when pluggy refuses them)."""
        try:
            return hook_implementations(plugin)
        except pluggy.PluginValidationError as exc:
            raise CheckFailed(f"not run: the plugin does not fit the hook specs: {exc}") from exc

    @property
    def implemented(self) -> frozenset[str]:
        """The names of the hooks the plugin implements."""
        if self._implemented is None:
            self._implemented = frozenset(self.implementations(self.new_plugin()))
        return self._implemented

    # -- Configuration and inputs -------------------------------------------------

    @property
    def config(self) -> GatewayConfig:
        """The configuration checks use: the inputs' or the plugin's default."""
        return self.inputs.config or self.info.default_config

    @property
    def currencies(self) -> tuple[str, ...]:
        """The currencies to try."""
        return self.inputs.currencies or self.config.supported_currencies

    @property
    def success_token(self) -> str:
        """The token that authorizes (failing the check when the inputs give none)."""
        if not self.inputs.success_token:
            raise CheckFailed(
                "not run: the inputs give no success_token (set ConformanceInputs.success_token "
                "or let the plugin offer conformance_inputs())"
            )
        return self.inputs.success_token

    def scrubber(self, extra: Iterable[str] = ()) -> Scrubber:
        """Hides the inputs' tokens and secrets, for messages in reports."""
        secrets = [*self.inputs.tokens(), KIT_CARD_NUMBER, KIT_API_KEY, *extra]
        if self.inputs.config is not None:
            secrets += self.inputs.config.secret_values()
        return Scrubber(secrets)

    # -- Sessions ------------------------------------------------------------------

    def session(
        self,
        *,
        auto_capture: bool | None = None,
        config: GatewayConfig | None = None,
        spy: bool = False,
        others: Iterable[tuple[str, object]] = (),
    ) -> Session:
        """A fresh plugin in a fresh manager (with ``others`` registered first)."""
        config = config or self.config
        if auto_capture is not None:
            config = config.model_copy(update={"auto_capture": auto_capture})
        return Session(self, config, spy=spy, others=others)


class Session:
    """One plugin instance behind one ``PluginManager``, and payments for it."""

    def __init__(
        self,
        harness: Harness,
        config: GatewayConfig,
        *,
        spy: bool,
        others: Iterable[tuple[str, object]],
    ) -> None:
        self.harness = harness
        self.gateway_id = harness.info.id
        self.config = config
        self.plugin = harness.new_plugin()
        self.impls = harness.implementations(self.plugin)
        self.spy = Spy(self.impls) if spy else None
        self.manager = PluginManager(discover=False, configs={self.gateway_id: config})
        self._outcomes: dict[str, TransactionUpdate] = {}
        for name, other in others:
            self.manager.register(other, name)
        try:
            self.manager.register(self.spy or self.plugin, harness.label)
        except PluginRegistrationError as exc:
            raise CheckFailed(
                f"not run: the manager refuses to register the plugin: {exc.reason}"
            ) from exc
        record = next(r for r in self.manager.plugins if r.name == harness.label)
        if record.problem is not None:
            raise CheckFailed(f"not run: the gateway cannot take calls: {record.problem}")

    @property
    def currency(self) -> str:
        """The first currency to try."""
        return self.harness.currencies[0]

    def payment(
        self,
        minor: int = 1000,
        *,
        currency: str | None = None,
        token: str | None = _USE_SUCCESS_TOKEN,
        **fields: Any,
    ) -> PaymentData:
        """A payment of ``minor`` minor units to this gateway (the success token by default)."""
        currency = currency or self.currency
        if token is _USE_SUCCESS_TOKEN:
            token = self.harness.success_token
        values = {
            **self.harness.inputs.payment_fields,
            "gateway": self.gateway_id,
            "currency": currency,
            "amount": self.amount(minor, currency),
            "token": token,
            **fields,
        }
        return PaymentData(**values)

    @staticmethod
    def amount(minor: int, currency: str) -> Decimal:
        """``minor`` minor units of ``currency`` as a Decimal (1000 → 10.00 USD, 1000 JPY)."""
        return from_minor_units(minor, currency)

    def follow_up(self, first: PaymentData, response: GatewayResponse, minor: int) -> PaymentData:
        """A capture, refund or void of ``minor`` units naming the transaction of ``response``."""
        reference = reference_of(response, "the first operation")
        return self.payment(
            minor, currency=first.currency, token=first.token, psp_reference=reference
        )

    def call(self, operation: str, payment: PaymentData) -> GatewayResponse:
        """Run ``operation`` through the manager, as a host does.

        A capture, refund or void the PSP will confirm later is followed to its
        outcome when the inputs can ``settle`` the test PSP (see :meth:`settled`).
        """
        answer = getattr(self.manager, operation)(payment)
        result = well_formed(answer, f"{operation} (through the manager)")
        if (
            operation in _SETTLED_OPERATIONS
            and result.is_success
            and result.kind in _PENDING_KINDS
            and self.harness.inputs.settle is not None
            and "handle_notification" in self.impls
        ):
            return self.settled(payment, result)
        return result

    def settled(self, payment: PaymentData, pending: GatewayResponse) -> GatewayResponse:
        """``pending`` as its notification turned out: a success of the final kind, or a failure.

        Settles the test PSP, delivers what it sends through the manager, and
        looks for the update of ``pending``'s ``transaction_id``.
        """
        settle = self.harness.inputs.settle
        assert settle is not None
        reference = pending.transaction_id
        if reference not in self._outcomes:
            for headers, body in settle():
                try:
                    with self.manager.notification(self.gateway_id, headers, body) as result:
                        pass  # the harness only reads its updates, below
                except NotificationError as exc:
                    raise CheckFailed(
                        f"a notification the test PSP sent when settled was not taken: {exc}"
                    ) from None
                for each in (*result.updates, *result.duplicates):
                    self._outcomes.setdefault(each.transaction_id, each)
        update = self._outcomes.get(reference)
        if update is None:
            raise CheckFailed(
                f"a {pending.kind.value!r} answer (transaction {reference!r}) got no "
                "TransactionUpdate with that transaction_id from the notifications the test "
                "PSP sent when settled"
            )
        if update.is_success:
            return pending.model_copy(update={"kind": update.kind})
        assert update.error_code is not None
        return GatewayResponse.failure(
            payment,
            update.kind,
            NormalizedError(update.error_code, update.error_code.default_retry,
                            update.psp_error_code, update.psp_error_message),
            transaction_id=reference,
            psp_reference=pending.psp_reference,
        )  # fmt: skip

    def authorized(self, minor: int = 1000) -> tuple[PaymentData, GatewayResponse]:
        """An authorization of the success token (``process_payment`` without a capture
        when the plugin has no ``authorize``)."""
        payment = self.payment(minor)
        if "authorize" in self.impls:
            what = "authorize of the success token"
            response = self.call("authorize", payment)
        else:
            assert not self.config.auto_capture, "the session needs auto_capture off"
            what = "process_payment of the success token (auto_capture off)"
            response = self.call("process_payment", payment)
        return payment, expect_success(response, what, {TransactionKind.AUTH})

    def captured(self, minor: int = 1000) -> tuple[PaymentData, GatewayResponse]:
        """A captured payment of the success token."""
        if self.config.auto_capture:
            payment = self.payment(minor)
            response = self.call("process_payment", payment)
            what = "process_payment of the success token (auto_capture on)"
            return payment, expect_success(response, what, {TransactionKind.CAPTURE})
        payment, authorization = self.authorized(minor)
        response = self.call("capture", self.follow_up(payment, authorization, minor))
        return payment, expect_success(
            response, "capture of the full amount", {TransactionKind.CAPTURE}
        )
