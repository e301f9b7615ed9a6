"""Gateway commands: build a request, send it, read the reply, check it.

The shape is Magento's Payment Provider Gateway: each operation is a
:class:`Command` made of a *request builder* (``PaymentData`` + configuration →
:class:`~gateway_plugins.http.transport.HttpRequest`) and a *reply handler*
(:class:`~gateway_plugins.http.transport.HttpReply` → ``GatewayResponse``, using
the plugin's error table). A plugin's commands sit in a :class:`CommandPool`.
What every PSP needs is done here once:

* a lost reply to a money-moving call is an *unknown outcome*, never a decline:
  ``processing_error`` with ``outcome_unknown=True`` and the idempotency key.
  The advice tells the truth about a retry: ``retry_later`` when the request
  was safe to repeat (the PSP answers a repeated idempotency key once),
  ``check_status`` when it was not (look the transaction up first: a blind
  retry might charge twice). A PSP that could not be reached at all is
  ``try_another_gateway``;
* an unreadable reply (HTML error page, cut-off JSON, a reply over the size
  limit) and a deadline passing after sending are unknown outcomes too.

Builders send :func:`gateway_plugins.idempotency.operation_key` as the
request's idempotency key, one per operation, not ``PaymentData.idempotency_key``
itself (see that module for why).

The echo check (a reply for another amount or currency is never a success) is
the manager's, for every plugin: see :func:`gateway_plugins.contract.echo_checked`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ErrorCode, NormalizedError, RetryAdvice
from ..exceptions import OperationNotSupportedError
from ..interface import GatewayConfig, GatewayResponse, PaymentData, TransactionKind
from .transport import HttpClient, HttpReply, HttpRequest, MalformedReply, TransportError

RequestBuilder = Callable[[PaymentData, GatewayConfig], HttpRequest]
ReplyHandler = Callable[[HttpReply, PaymentData], GatewayResponse]

#: ``psp_error_code`` of a response whose outcome is unknown.
OUTCOME_UNKNOWN = "outcome_unknown"
#: ``psp_error_code`` of a payment the plugin could not turn into a request.
INVALID_REQUEST = "invalid_request"
#: ``psp_error_code`` of a response the PSP never received.
PSP_UNREACHABLE = "psp_unreachable"


@dataclass(frozen=True)
class Command:
    """One operation against a PSP: ``build`` the request, ``handle`` the reply."""

    kind: TransactionKind
    """The kind of this command's responses when it fails before the PSP answers."""
    build: RequestBuilder
    handle: ReplyHandler

    def execute(
        self, client: HttpClient, payment: PaymentData, config: GatewayConfig
    ) -> GatewayResponse:
        """Run the command; transport faults and bad replies become failed responses."""
        try:
            request = self.build(payment, config)
        except ValueError as exc:
            # The payment cannot be expressed for this PSP (say, 1.234 KWD at a PSP
            # that takes two decimals): nothing was sent, and resending cannot help.
            return _failure(payment, self.kind, INVALID_REQUEST, str(exc), RetryAdvice.DO_NOT_RETRY)
        deduplicated = client.repeatable(request)
        try:
            response = self.handle(client.send(request), payment)
        except TransportError as exc:
            if exc.outcome_unknown:
                return outcome_unknown(payment, self.kind, str(exc), deduplicated=deduplicated)
            return _failure(payment, self.kind, PSP_UNREACHABLE, str(exc),
                            RetryAdvice.TRY_ANOTHER_GATEWAY)  # fmt: skip
        except MalformedReply as exc:
            # We cannot tell what the PSP did from a reply we cannot read.
            return outcome_unknown(payment, self.kind, str(exc), deduplicated=deduplicated)
        return response


class CommandPool:
    """A plugin's commands by operation name.

    Capture strategy (Magento's "sale" problem): ``capture`` of a payment with
    no ``psp_reference`` has no authorization to settle, so it runs the
    ``sale`` command (authorize and capture in one call) when the pool has one;
    a capture naming an authorization runs ``capture``, a settlement.
    """

    def __init__(self, gateway_id: str, commands: Mapping[str, Command]) -> None:
        self.gateway_id = gateway_id
        self.commands = dict(commands)

    def command_for(self, operation: str, payment: PaymentData) -> Command:
        """The command that carries out ``operation`` for ``payment``."""
        if operation == "capture" and payment.psp_reference is None:
            operation = "sale"
        command = self.commands.get(operation)
        if command is None:
            raise OperationNotSupportedError(self.gateway_id, operation)
        return command

    def execute(
        self, operation: str, payment: PaymentData, client: HttpClient, config: GatewayConfig
    ) -> GatewayResponse:
        """Run ``operation`` for ``payment`` through ``client``."""
        return self.command_for(operation, payment).execute(client, payment, config)


def outcome_unknown(
    payment: PaymentData, kind: TransactionKind, detail: str, *, deduplicated: bool = True
) -> GatewayResponse:
    """A failed response saying the PSP may or may not have acted.

    ``deduplicated``: the request carried an idempotency key the PSP honours (or
    changed nothing), so retrying the same ``PaymentData`` is safe: advice
    ``retry_later``. Otherwise the advice is ``check_status``: look the
    transaction up before any retry. Either way the response carries
    ``outcome_unknown=True`` and the idempotency key.
    """
    key = payment.idempotency_key
    if deduplicated:
        advice = RetryAdvice.RETRY_LATER
        message = (
            f"{detail}; the outcome is unknown: retry with the same PaymentData "
            f"(idempotency key {key!r}): the PSP answers a repeated key once"
        )
    else:
        advice = RetryAdvice.CHECK_STATUS
        message = (
            f"{detail}; the outcome is unknown and this gateway does not deduplicate "
            f"retries: look the transaction up before retrying (idempotency key {key!r})"
        )
    return _failure(payment, kind, OUTCOME_UNKNOWN, message, advice, outcome_unknown=True)


def _failure(
    payment: PaymentData,
    kind: TransactionKind,
    code: str,
    message: str,
    retry: RetryAdvice,
    **fields: Any,
) -> GatewayResponse:
    error = NormalizedError(ErrorCode.PROCESSING_ERROR, retry, code, message)
    if retry in (RetryAdvice.RETRY_LATER, RetryAdvice.CHECK_STATUS):
        # The key to retry, or to look the transaction up, with.
        fields.setdefault("idempotency_key", payment.idempotency_key)
    return GatewayResponse.failure(payment, kind, error, **fields)


__all__ = [
    "INVALID_REQUEST",
    "OUTCOME_UNKNOWN",
    "PSP_UNREACHABLE",
    "Command",
    "CommandPool",
    "ReplyHandler",
    "RequestBuilder",
    "outcome_unknown",
]
