"""The HTTP side: Adyen's API keys, routing, request checks and idempotency on the shared server.

Request bodies are checked only when a :data:`RequestCheck` is installed: the
plugin's tests install one built on Adyen's OpenAPI spec, which does not ship
with the plugin.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gateway_plugins import testing
from gateway_plugins.testing import Answer, FakePSPServer, Fault, Incoming, Injection

from .cards import Card
from .idempotency import IdempotencyStore
from .ledger import Ledger, Payment
from .merchant import Merchant
from .webhooks import Webhook, body_of, hmac_signature, signed
from .wire import Reply, ServiceError, unauthorized


class RecordedRequest(testing.RecordedRequest):
    """One request as received (``X-API-Key`` redacted), and what became of it."""

    @property
    def json(self) -> Any:
        return json.loads(self.body)


#: Checks one request body: ``(method, path after /v71, parsed JSON)`` → ``(schema name,
#: errors)`` when the body breaks Adyen's spec, ``None`` when it fits or nothing applies.
RequestCheck = Callable[[str, str, Any], "tuple[str, list[str]] | None"]

_installed: list[RequestCheck] = []


def install_request_check(check: RequestCheck | None) -> None:
    """Check the request bodies of every ``FakeAdyen`` made from now on (``None``: stop)."""
    _installed[:] = [check] if check is not None else []


@dataclass(frozen=True)
class SpecViolation:
    """A request body that does not match Adyen's spec (the fake answered 422)."""

    method: str
    path: str
    schema: str
    errors: list[str]


def _json_answer(reply: Reply) -> Answer:
    headers = {"Content-Type": "application/json;charset=UTF-8", **reply.headers}
    return Answer(reply.status, headers, json.dumps(reply.body, indent=2).encode())


_SOME_PAYMENT = b'{\n  "resultCode": "Authorised",\n  "pspReference": "TRUNCATED0000001"\n}'


class FakeAdyen(FakePSPServer[RecordedRequest]):
    """An Adyen Checkout v71 lookalike on 127.0.0.1: real HTTP, real state, webhooks, faults.

    Use as a context manager (or ``start()`` / ``stop()``). Point the client at
    :attr:`url` with ``X-API-Key: <api_key>`` and ``merchantAccount``
    :attr:`merchant_account`; verify its webhooks with :attr:`hmac_key` (hex,
    random per instance). See the package docstring for what is simulated.
    """

    redacted_headers = frozenset({"x-api-key"})
    sample_reply = Answer(200, {"Content-Type": "application/json"}, _SOME_PAYMENT)
    record_type = RecordedRequest

    def __init__(
        self,
        *,
        api_key: str | None = None,
        merchant_account: str = "GatewayPluginsTestECOM",
        host: str = "127.0.0.1",
        request_check: RequestCheck | None = None,
    ) -> None:
        super().__init__(host=host)
        self.api_key = api_key or "AQE_fake_" + secrets.token_urlsafe(24)
        self.merchant_account = merchant_account
        self.hmac_key = secrets.token_hex(32).upper()
        #: What checks request bodies: ``request_check``, else the installed one, if any.
        self.request_check = request_check or next(iter(_installed), None)
        self.ledger = Ledger()
        self.merchant = Merchant(merchant_account, self.hmac_key, self.ledger)
        self._api_keys = {self.api_key}
        self._idempotency = IdempotencyStore()
        self._violations_lock = threading.Lock()
        self._violations: list[SpecViolation] = []

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>/v71``, the base URL to configure."""
        return super().url + "/v71"

    @property
    def validate_requests(self) -> bool:
        """Whether request bodies are checked (a :data:`RequestCheck` is in place)."""
        return self.request_check is not None

    # -- observation ---------------------------------------------------------------------------

    def take_spec_violations(self) -> list[SpecViolation]:
        """Requests refused for not matching Adyen's spec, since the last call."""
        with self._violations_lock:
            taken, self._violations = self._violations, []
        return taken

    def payment(self, psp_reference: str) -> Payment:
        """The fake's record of one payment (read it, do not change it)."""
        with self.merchant.lock:
            return self.merchant.payments[psp_reference]

    def charges_for(self, psp_reference: str) -> int:
        """Authorised payments with this payment's merchant reference (1 unless charged twice)."""
        with self.merchant.lock:
            return self.merchant.charges_for(psp_reference)

    def in_flight(self, idempotency_key: str) -> bool:
        return self._idempotency.in_flight(self.api_key, idempotency_key)

    # -- control ------------------------------------------------------------------------------

    def inject(self, fault: Fault, *, path: str | None = None, **options: Any) -> Injection:
        """Arm ``fault`` for the next requests under ``path`` (``/payments`` …; see the base).

        - ``SLOW``: wait ``seconds`` before processing (holding the idempotency key,
          so a retry meanwhile gets 422 ``704``), or with ``after_processing`` after it.
        - ``DROP_AFTER_PROCESSING``: process fully (reply kept for the key), then close.
        - ``STATUS_500`` is a ServiceError; ``STATUS_502`` / ``STATUS_503`` /
          ``STATUS_429`` are plain text, ``HTML_ERROR`` a 502 page, ``MALFORMED_JSON``
          half the body.
        """
        if path is not None and not path.startswith("/v71"):
            path = "/v71" + path
        return super().inject(fault, path=path, **options)

    def complete_3ds(self, psp_reference: str, passed: bool = True) -> dict[str, Any]:
        """The shopper finishes 3-D Secure: the ``{"details": …}`` to post to /payments/details."""
        with self.merchant.lock:
            return self.merchant.complete_3ds(psp_reference, passed)

    def settle(self) -> list[Webhook]:
        """Process every received capture, refund and cancel; returns the webhooks this queued."""
        with self.merchant.lock:
            return self.merchant.settle()

    def take_webhooks(self) -> list[Webhook]:
        """The webhooks waiting for delivery, oldest first; the outbox is emptied."""
        return self.merchant.outbox.take()

    def scheme_rejects(self, psp_reference: str) -> None:
        """Captures and refunds of this payment are accepted, then rejected by the card scheme."""
        with self.merchant.lock:
            self.merchant.scheme_rejects(psp_reference)

    def store_card(
        self,
        shopper_reference: str,
        number: str = "4111111111111111",
        *,
        holder_name: str = "J. Smith",
        expiry: tuple[int, int] = (3, 2030),
    ) -> str:
        """Keep a card for ``shopper_reference`` (as ``POST /storedPaymentMethods``); its id."""
        card = Card(number, expiry[0], expiry[1], holder_name)
        with self.merchant.lock:
            return self.merchant.store_card(shopper_reference, card).id

    def sign(self, item: dict[str, Any], hex_key: str | None = None) -> dict[str, Any]:
        """``item`` with its ``hmacSignature`` (under this fake's key unless told otherwise)."""
        return signed(item, hex_key or self.hmac_key)

    def signature(self, item: dict[str, Any]) -> str:
        return hmac_signature(item, self.hmac_key)

    @staticmethod
    def webhook_body(items: list[dict[str, Any]]) -> bytes:
        """A JSON webhook body holding ``items`` as they are (signed or not)."""
        return body_of(items)

    def sample_webhook(self) -> Webhook:
        """A fresh genuine webhook: a new payment authorised, and its AUTHORISATION item."""
        body = {
            "merchantAccount": self.merchant_account,
            "amount": {"currency": "EUR", "value": 1000},
            "reference": "sample-" + secrets.token_hex(6),
            "returnUrl": "https://shop.example/return",
            "paymentMethod": {"type": "scheme", "number": "4111111111111111",
                              "expiryMonth": "03", "expiryYear": "2030", "cvc": "737"},
        }  # fmt: skip
        with self.merchant.lock:
            before = len(self.merchant.outbox.peek())
            self.merchant.call(self.merchant.payments_endpoint, body)
            webhook = self.merchant.outbox.peek()[before]
        self.merchant.outbox.take()  # the sample is handed over, not left in the outbox
        return webhook

    # -- request processing (handler threads) ------------------------------------------------

    def handle(self, request: Incoming) -> Answer:
        """Auth, routing, body checks, idempotency, then the endpoint."""
        lowered = {k.lower(): v for k, v in request.headers.items()}
        key = lowered.get("idempotency-key")
        reply = self._dispatch(request, lowered, key)
        if key is not None:
            reply.headers["Idempotency-Key"] = key
        return _json_answer(reply)

    def fault_answer(self, injection: Injection, real: Answer | None) -> Answer:
        """A ServiceError for ``STATUS_500``; the rest as a proxy in front of Adyen says it."""
        if injection.fault is Fault.STATUS_500:
            error = ServiceError(500, "000", "An unexpected error occurred", "internal")
            return _json_answer(error.reply())
        return super().fault_answer(injection, real)

    def _dispatch(self, request: Incoming, headers: dict[str, str], key: str | None) -> Reply:
        method, path, body = request.method, request.path, request.body
        if headers.get("x-api-key") not in self._api_keys:
            return unauthorized().reply()
        local = path.removeprefix("/v71")
        endpoint = self.merchant.route(local) if path.startswith("/v71/") else None
        if endpoint is None or method != "POST":
            status, message = (
                (404, "Not Found") if endpoint is None else (405, "Method Not Allowed")
            )
            return ServiceError(status, "000", message, stored=False, reference=False).reply()
        try:
            document = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            error = ServiceError(400, "702", "Unexpected input: the body is not JSON", stored=False)
            return error.reply()
        violation = self._check_spec(method, local, document)
        if violation is not None:
            return violation
        if key is not None:
            early = self._idempotency.begin(self.api_key, key, local, document)
            if early is not None:
                if early.stored:
                    request.record.replayed = True
                    self.ledger.count_replay(key)
                return early
            self.ledger.count_execution(key)
        reply = Reply(500, {}, stored=False)
        try:
            if request.delay:
                time.sleep(request.delay)
            reply = self.merchant.call(endpoint, document)
        except Exception:
            self.record_crash()
            reply = ServiceError(
                500, "000", "The fake crashed; see server_errors", "internal"
            ).reply()
        finally:
            if key is not None:
                self._idempotency.finish(self.api_key, key, reply)
        return reply

    def _check_spec(self, method: str, path: str, document: Any) -> Reply | None:
        """A 422 naming every way ``document`` misses Adyen's spec, or ``None`` if it fits."""
        found = self.request_check(method, path, document) if self.request_check else None
        if found is None:
            return None
        schema, errors = found
        with self._violations_lock:
            self._violations.append(SpecViolation(method, path, schema, errors))
        message = f"Structure of {schema} does not match the API: " + "; ".join(errors)
        return ServiceError(422, "702", message, stored=False).reply()
