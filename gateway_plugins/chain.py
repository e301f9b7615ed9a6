"""The call chain: one money operation through the gateway and the observers around it.

:mod:`gateway_plugins.hookspecs` describes the chain as plugin authors see it.
This module runs it and checks every answer on the way to the host:

* an answer is a ``GatewayResponse`` of a kind that fits the operation, built
  by validation (or it is validated again: see
  :func:`~gateway_plugins.contract.trusted_response`);
* a plugin that raises or answers wrongly gives a failed response naming it;
  once the gateway has answered, nothing after it can lose or change that answer;
* the gateway's success echoes the request's amount and currency;
* a failure that advises a retry carries the idempotency key to retry with, and
  only a gateway declaring ``idempotency`` may advise a blind retry of an
  unknown outcome (the others advise ``check_status``);
* card data and secrets are scrubbed from ``raw_response`` and
  ``psp_error_message``, decided once per answer from the inspection its
  validation made.

The checks on the common path cost a few attribute reads: the manager's
overhead per call is a benchmark figure (``benchmarks/bench_manager.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .contract import FAILURE_KINDS, OPERATION_KINDS, echo_checked, money_facts, trusted_response
from .errors import ErrorCode, RetryAdvice
from .exceptions import OperationNotSupportedError
from .interface import Capability, GatewayResponse, PaymentData, TransactionKind
from .notifications import TransactionUpdate
from .registry import Gateway, Registry
from .safety import safe_text, safe_traceback
from .scrub import Inspection, Scrubber

log = logging.getLogger("gateway_plugins")

#: Advice that tells the host to try this gateway again with the same key.
_RETRY_ADVICE = frozenset({RetryAdvice.RETRY_LATER, RetryAdvice.CHECK_STATUS})


@dataclass(frozen=True)
class Step:
    """One plugin's implementation of one hook, ready to call."""

    plugin_name: str
    function: Callable[..., Any]
    argnames: tuple[str, ...]
    is_gateway: bool
    takes_all: bool
    """The implementation declares every argument of its hook (the usual case)."""

    def call(self, **arguments: Any) -> Any:
        """Call the implementation with the parameters it declares, as pluggy does."""
        if self.takes_all:
            return self.function(**arguments)
        return self.function(**{name: arguments[name] for name in self.argnames})


class Route:
    """One operation on one gateway, ready to run: its chain and what its checks need.

    Built once per (gateway, operation) and kept until the registry changes, so
    that the common call (the gateway alone, a valid answer with nothing to
    scrub) costs a few attribute reads: see :meth:`call`.
    """

    __slots__ = ("allowed", "chain", "currencies", "gateway", "operation", "secrets", "single")

    def __init__(self, gateway: Gateway, operation: str, chain: tuple[Step, ...]) -> None:
        self.gateway = gateway
        self.operation = operation
        self.chain = chain
        self.allowed = OPERATION_KINDS.get(operation, frozenset())
        self.currencies = gateway.currencies
        self.secrets = gateway.scrubber.secrets
        only = chain[0] if len(chain) == 1 else None
        self.single = only.function if only is not None and only.takes_all else None
        """The gateway's hook when the chain is the gateway alone (the usual case)."""

    def call(self, payment: PaymentData, raise_plugin_errors: bool) -> GatewayResponse:
        """Run the operation for ``payment``; see :func:`run` for what is checked."""
        function = self.single
        if function is None:
            return run(self.gateway, self.chain, self.operation, payment,
                       raise_plugin_errors=raise_plugin_errors)  # fmt: skip
        try:
            result = function(payment_information=payment, previous_value=None)
        except Exception as exc:
            if raise_plugin_errors:
                raise
            return crashed(self.gateway, self.chain[0], self.operation, payment, exc)
        # The common case, decided inline: a validated answer of a fitting kind,
        # nothing to scrub, the echo right, no retry advice to complete. Fields are
        # read from __dict__: pydantic's attribute access costs several times more.
        if type(result) is GatewayResponse:
            fields = result.__dict__
            checked = result.__pydantic_private__["_checked"]  # type: ignore[index]
            if (
                fields["kind"] in self.allowed
                and checked is not None
                and checked[0] == id(result)
                and not checked[1][0]  # suspicious
                and not (self.secrets and _holds_any(checked[1][1], self.secrets))
            ):
                if fields["is_success"]:
                    asked = payment.__dict__
                    if (
                        fields["amount"] == asked["amount"]
                        and fields["currency"] == asked["currency"]
                    ):
                        return result
                elif fields["retry_advice"] not in _RETRY_ADVICE:
                    return result
        return answered(self.gateway, self.chain[0], self.operation, payment, result)


def _holds_any(text: str, secrets: tuple[str, ...]) -> bool:
    return any(secret in text for secret in secrets)


class Routes:
    """The :class:`Route` of each operation and gateway, built on first use.

    ``cache`` maps an operation to ``{gateway id: Route}``; it starts empty again
    whenever the registry changes (a route keeps the gateway it was built for).
    """

    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self.cache: dict[str, dict[str, Route]] = {}
        self.clear()
        registry.on_change(self.clear)

    def clear(self) -> None:
        """Forget every route (the registry changed)."""
        self.cache = {operation: {} for operation in (*OPERATION_KINDS, "get_client_token")}

    def get(self, gateway: Gateway, hook: str) -> Route:
        """The route of ``hook`` for ``gateway`` (``OperationNotSupportedError`` if it lacks it)."""
        routes = self.cache.setdefault(hook, {})
        route = routes.get(gateway.id)
        if route is None or route.gateway is not gateway:
            route = Route(gateway, hook, self._build(gateway, hook))
            routes[gateway.id] = route
        return route

    def _build(self, gateway: Gateway, hook: str) -> tuple[Step, ...]:
        if hook not in gateway.impls:
            raise OperationNotSupportedError(gateway.id, hook)
        gateway_plugins = {gw.plugin_name for gw in self._registry.gateways.values()}
        impls, arguments = self._registry.hook_implementations(hook)
        steps = []
        # pluggy calls the last implementation of get_hookimpls() first.
        for impl in reversed(impls):
            if impl.plugin_name in gateway_plugins and impl.plugin_name != gateway.plugin_name:
                continue
            steps.append(
                Step(
                    plugin_name=impl.plugin_name,
                    function=impl.function,
                    argnames=tuple(impl.argnames),
                    is_gateway=impl.plugin_name == gateway.plugin_name,
                    takes_all=len(impl.argnames) == arguments,
                )
            )
        return tuple(steps)


def crashed(
    gateway: Gateway, step: Step, operation: str, payment: PaymentData, exc: Exception
) -> GatewayResponse:
    """The host's answer when ``step`` raised ``exc`` before answering."""
    log_exception(gateway, step.plugin_name, operation, exc)
    detail = f"{type(exc).__name__}: {gateway.scrubber.text(safe_text(exc))}"
    return failure(gateway, step, operation, payment, detail)


def answered(
    gateway: Gateway, step: Step, operation: str, payment: PaymentData, result: object
) -> GatewayResponse:
    """The host's answer when the gateway alone answered ``result``: every check, the slow way."""
    response, problem = trusted_response(operation, result)
    if problem is not None:
        log.error("plugin %r %s in %s", step.plugin_name, problem, operation)
        return failure(gateway, step, operation, payment, problem)
    assert response is not None
    inspection = response.inspection()
    assert inspection is not None, "trusted_response returns validated responses"
    return checked_answer(
        gateway, scrubbed(gateway, step.plugin_name, response, inspection), payment
    )


def run(
    gateway: Gateway,
    chain: tuple[Step, ...],
    operation: str,
    payment: PaymentData,
    *,
    raise_plugin_errors: bool = False,
) -> GatewayResponse:
    """Run ``operation`` for ``payment`` through ``chain``; the host's answer.

    Never raises unless ``raise_plugin_errors`` (then a plugin's exception propagates).
    """
    allowed_kinds = OPERATION_KINDS[operation]
    value: GatewayResponse | None = None
    answered = False
    for step in chain:
        if step.is_gateway and value is not None and not value.is_success:
            continue  # vetoed by a plugin before the gateway: no money moves
        try:
            if step.takes_all:
                result = step.function(payment_information=payment, previous_value=value)
            else:
                result = step.call(payment_information=payment, previous_value=value)
        except Exception as exc:
            if raise_plugin_errors:
                raise
            log_exception(gateway, step.plugin_name, operation, exc)
            if not answered:
                detail = f"{type(exc).__name__}: {gateway.scrubber.text(safe_text(exc))}"
                value = failure(gateway, step, operation, payment, detail)
                answered = step.is_gateway
            continue  # an observer's crash must not lose the gateway's answer
        inspection: Inspection | None = None
        if (
            type(result) is GatewayResponse
            and result.kind in allowed_kinds
            and (inspection := result.inspection()) is not None
        ):
            problem = None  # the common case, checked without a call
        elif result is None and not step.is_gateway:
            problem = None if value is None else "returned None instead of previous_value"
        else:
            result, problem = trusted_response(operation, result)
            inspection = result.inspection() if result is not None else None
        if problem is None and answered:
            assert result is not None and value is not None
            if money_facts(result) != money_facts(value):
                problem = "changed the gateway's money facts (is_success, kind, amount …)"
        if problem is not None:
            log.error("plugin %r %s in %s", step.plugin_name, problem, operation)
            if not answered:
                value = failure(gateway, step, operation, payment, problem)
                answered = step.is_gateway
            continue
        if result is not None:
            assert inspection is not None
            value = scrubbed(gateway, step.plugin_name, result, inspection)
            if step.is_gateway:
                value = checked_answer(gateway, value, payment)
        answered = answered or step.is_gateway
    assert value is not None, "the chain always holds the gateway"
    return value


def checked_answer(
    gateway: Gateway, response: GatewayResponse, payment: PaymentData
) -> GatewayResponse:
    """The gateway's ``response`` as the host may act on it: echo and retry advice checked."""
    if response.is_success:
        if response.currency == payment.currency and response.amount == payment.amount:
            return response
        checked = echo_checked(response, payment)
        log.error("gateway %r %s", gateway.id, checked.psp_error_message)
        return checked
    advice = response.retry_advice
    if advice not in _RETRY_ADVICE:
        return response
    changes: dict[str, Any] = {}
    if response.idempotency_key is None:
        changes["idempotency_key"] = payment.idempotency_key
    if (
        response.outcome_unknown
        and advice is RetryAdvice.RETRY_LATER
        and not gateway.declares(Capability.IDEMPOTENCY)
    ):
        # A blind retry is only safe where the PSP deduplicates by key.
        changes["retry_advice"] = RetryAdvice.CHECK_STATUS
    return response.model_copy(update=changes) if changes else response


def scrubbed(
    gateway: Gateway, plugin_name: str, response: GatewayResponse, inspection: Inspection
) -> GatewayResponse:
    """``response`` with card data and secrets removed from its free-form fields."""
    cleaned, fields = free_text_scrubbed(gateway.scrubber, response, inspection)
    if fields:
        log.warning("plugin %r returned card data or secrets in %s; scrubbed",
                    plugin_name, ", ".join(fields))  # fmt: skip
    return cleaned


Inspected = TypeVar("Inspected", GatewayResponse, TransactionUpdate)


def free_text_scrubbed(
    scrubber: Scrubber, model: Inspected, inspection: Inspection
) -> tuple[Inspected, tuple[str, ...]]:
    """``model`` with card data and secrets out of ``raw_response`` and ``psp_error_message``,
    and the names of the fields that changed. Never raises: what cannot be scrubbed goes."""
    if not scrubber.needs_scrubbing(inspection):
        return model, ()  # the common case: decided by validation and a few searches
    try:
        cleaned = {
            key: scrubber.data(value)
            for key, value in (
                ("raw_response", model.raw_response),
                ("psp_error_message", model.psp_error_message),
            )
            if value and scrubber.leaks(value)
        }
    except Exception:
        cleaned = {"raw_response": None, "psp_error_message": None}
    if not cleaned:
        return model, ()
    return model.model_copy(update=cleaned), tuple(cleaned)


def failure(
    gateway: Gateway, step: Step, operation: str, payment: PaymentData, detail: str
) -> GatewayResponse:
    """The failed response standing in for a plugin that raised or answered wrongly.

    When that plugin is the gateway, it may have moved money before it failed: the
    outcome is unknown, and the retry advice follows the gateway's declarations.
    """
    kind = FAILURE_KINDS[operation]
    if operation == "process_payment" and gateway.config and not gateway.config.auto_capture:
        kind = TransactionKind.AUTH
    # The shopper gets the code's generic message in their language; the plugin's
    # name is for the host's developers, in psp_error_message.
    response = GatewayResponse.failure(
        payment,
        kind,
        ErrorCode.PROCESSING_ERROR,
        psp_error_message=f"plugin {step.plugin_name!r} {detail}",
        outcome_unknown=step.is_gateway,
    )
    return checked_answer(gateway, response, payment) if step.is_gateway else response


def log_exception(gateway: Gateway, plugin_name: str, hook: str, exc: BaseException) -> None:
    """Log a plugin's exception with its traceback, card data and secrets scrubbed."""
    text = gateway.scrubber.text(safe_traceback(exc))
    log.error("plugin %r raised in %s:\n%s", plugin_name, hook, text)


__all__ = [
    "Route",
    "Routes",
    "Step",
    "answered",
    "checked_answer",
    "crashed",
    "failure",
    "log_exception",
    "run",
    "scrubbed",
]
