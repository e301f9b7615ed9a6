"""The HTTP side: Stripe's auth, routing and idempotency on the shared fake PSP server."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from gateway_plugins import testing
from gateway_plugins.testing import Answer, FakePSPServer, Fault, Incoming, Injection

from .account import Account
from .cards import TEST_CARDS, Card
from .events import (
    DELIVERY_HEADERS,
    Outbox,
    Webhook,
    encode,
    event_json,
    new_webhook_secret,
    signature_header,
)
from .form import parse_form
from .idempotency import IdempotencyStore
from .ledger import Ledger
from .objects import Reply, new_id
from .wire import API_VERSION, ApiError


class RecordedRequest(testing.RecordedRequest):
    """One request as received (``Authorization`` redacted), and what became of it."""

    @property
    def params(self) -> dict[str, Any]:
        """The form body (query string for GET) as nested params, as Stripe reads them."""
        return parse_form(self.body if self.method == "POST" else self.query)


def _json_answer(reply: Reply) -> Answer:
    body = json.dumps(reply.body, indent=2).encode()
    return Answer(reply.status, {"Content-Type": "application/json", **reply.headers}, body)


_SOME_INTENT = b'{\n  "id": "pi_truncated",\n  "object": "payment_intent",\n  "amount": 1000\n}'
_HTML_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


class FakeStripe(FakePSPServer[RecordedRequest]):
    """A Stripe lookalike on 127.0.0.1 for tests: real HTTP, real state, faults on demand.

    Use as a context manager (or ``start()`` / ``stop()``); point the client at
    ``url`` with ``Authorization: Bearer <api_key>``. See the package docstring
    for what is simulated and what is simplified.

    Faults (``inject``) as at Stripe: a ``SLOW`` request waits holding its
    idempotency key, so a retry meanwhile gets 409, and it still runs after the
    wait even if the client gave up. ``DROP_AFTER_PROCESSING`` and reply faults
    ``after_processing`` keep the real reply for the key to replay.
    ``STATUS_500`` is Stripe's ``api_error`` JSON, ``STATUS_429`` its
    ``rate_limit`` error, ``STATUS_502`` / ``STATUS_503`` plain text from a
    proxy, ``HTML_ERROR`` nginx's 502 page, ``MALFORMED_JSON`` a 200 with half
    a JSON body.

    Webhooks: every state change queues the events Stripe would send, signed
    with ``webhook_secret`` (random per instance) at ``clock()``; take them with
    ``take_webhooks`` and hand each, ``headers, body = webhook``, to the plugin.
    """

    redacted_headers = frozenset({"authorization"})
    server_header = "nginx"  # what Stripe's API answers with
    sample_reply = Answer(200, {"Content-Type": "application/json"}, _SOME_INTENT)
    record_type = RecordedRequest

    def __init__(
        self,
        api_key: str | None = None,
        *,
        host: str = "127.0.0.1",
        webhook_secret: str | None = None,
    ) -> None:
        super().__init__(host=host)
        self.api_key = api_key or "sk_test_fake_" + new_id("k", 24)[2:]
        #: The test PaymentMethods the account knows; tests may add their own ``Card``.
        self.cards: dict[str, Card] = dict(TEST_CARDS)
        self.ledger = Ledger()
        #: The webhook endpoint's signing secret (``whsec_…``), for the plugin's config.
        self.webhook_secret = webhook_secret or new_webhook_secret()
        self._signing_secrets = [self.webhook_secret]
        #: Unix time used to sign webhooks; a test may set its own to sign in the past.
        self.clock: Callable[[], float] = time.time
        self.outbox = Outbox()
        self.account = Account(self.ledger, self.cards, self._queue_event)
        self._api_keys = {self.api_key}
        self._idempotency = IdempotencyStore()

    # -- observation -----------------------------------------------------------------------

    def payment_intent(self, pi_id: str) -> dict[str, Any]:
        """A PaymentIntent as ``GET /v1/payment_intents/{id}`` would return it."""
        with self.account.lock:
            return self.account.intent_json(self.account.intents[pi_id])

    def refund(self, refund_id: str) -> dict[str, Any]:
        with self.account.lock:
            return self.account.refund_json(self.account.refunds[refund_id])

    def in_flight(self, idempotency_key: str, api_key: str | None = None) -> bool:
        """Whether a request with this key is being processed right now."""
        return self._idempotency.in_flight(api_key or self.api_key, idempotency_key)

    # -- control ---------------------------------------------------------------------------

    def add_api_key(self, api_key: str | None = None) -> str:
        """Accept another secret key for the same account (own idempotency-key scope)."""
        api_key = api_key or "sk_test_fake_" + new_id("k", 24)[2:]
        self._api_keys.add(api_key)
        return api_key

    def complete_3ds(self, pi_id: str, succeed: bool = True) -> dict[str, Any]:
        """The shopper finishes the 3-D Secure challenge of a ``requires_action`` intent.

        Success authorises (``requires_capture`` / ``succeeded``), or declines
        for cards that decline after authentication; failure puts the intent back
        in ``requires_payment_method`` with ``last_payment_error.code =
        payment_intent_authentication_failure``. Returns the intent.
        """
        with self.account.lock:
            return self.account.complete_3ds(pi_id, succeed)

    def settle_refund(self, refund_id: str, succeed: bool = True) -> dict[str, Any]:
        """A ``pending`` refund succeeds, or fails (``failure_reason``); returns the refund."""
        with self.account.lock:
            return self.account.settle_refund(refund_id, succeed)

    # -- webhooks --------------------------------------------------------------------------

    def take_webhooks(self, event_type: str | None = None) -> list[Webhook]:
        """The deliveries waiting (only ``event_type``'s if given), oldest first; taken out."""
        return self.outbox.take(event_type)

    def sign_webhook(self, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        """The headers Stripe would send ``body`` with, signed at ``timestamp`` (default now)."""
        when = int(self.clock()) if timestamp is None else timestamp
        signature = signature_header(self._signing_secrets, when, body)
        return {**DELIVERY_HEADERS, "Stripe-Signature": signature}

    def redeliver(self, webhook: Webhook) -> Webhook:
        """The same event sent again, as Stripe retries: same body, signed afresh."""
        return Webhook(self.sign_webhook(webhook.body), webhook.body)

    def roll_webhook_secret(self, *, keep_old: bool = True) -> str:
        """A new ``webhook_secret``; the old one keeps signing too unless ``keep_old`` is off.

        Stripe signs with both while a rolled secret expires, so each delivery
        carries two ``v1`` signatures.
        """
        self.webhook_secret = new_webhook_secret()
        kept = self._signing_secrets if keep_old else []
        self._signing_secrets = [self.webhook_secret, *kept]
        return self.webhook_secret

    def _queue_event(
        self, event_type: str, obj: dict[str, Any], request: dict[str, Any] | None
    ) -> None:
        """Called by the account, under its lock, for every event it raises."""
        event = event_json(event_type, obj, int(self.clock()), request)
        body = encode(event)
        self.outbox.put(Webhook(self.sign_webhook(body), body))

    # -- request processing (handler threads) ----------------------------------------------

    def handle(self, request: Incoming) -> Answer:
        reply = self._process(request)
        request.record.replayed = reply.headers.get("Idempotent-Replayed") == "true"
        return _json_answer(reply)

    def fault_answer(self, injection: Injection, real: Answer | None) -> Answer:
        """Stripe's errors for 500 and 429, nginx's 502 page, and cut-off JSON always as a 200."""
        fault = injection.fault
        if fault is Fault.STATUS_500:
            error = ApiError(500, "api_error", "An unknown error occurred")
            return _json_answer(Reply(500, error.body()))
        if fault is Fault.STATUS_429:
            error = ApiError(
                429,
                "invalid_request_error",
                "Request rate limit exceeded. Learn more about rate limits here"
                " https://stripe.com/docs/rate-limits.",
                code="rate_limit",
            )
            retry_after = injection.retry_after
            headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
            return _json_answer(Reply(429, error.body(), headers))
        if fault is Fault.HTML_ERROR:
            return Answer(502, {"Content-Type": "text/html"}, _HTML_502)
        answer = super().fault_answer(injection, real)
        if fault is Fault.MALFORMED_JSON:
            return Answer(200, answer.headers, answer.body)
        return answer

    def _process(self, request: Incoming) -> Reply:
        """Auth, routing, idempotency, then the endpoint: what Stripe's API does with a request."""
        lowered = {k.lower(): v for k, v in request.headers.items()}
        request_id = new_id("req", 14)
        common = {
            "Request-Id": request_id,
            "Stripe-Version": lowered.get("stripe-version", API_VERSION),
        }
        key = lowered.get("idempotency-key") if request.method == "POST" else None
        if key is not None:
            common["Idempotency-Key"] = key
        reply = self._dispatch(request, lowered, key, request_id)
        return Reply(reply.status, reply.body, {**reply.headers, **common}, reply.stored)

    def _dispatch(
        self, request: Incoming, headers: dict[str, str], key: str | None, request_id: str
    ) -> Reply:
        method, path = request.method, request.path
        api_key = self._authenticate(headers.get("authorization"))
        if isinstance(api_key, ApiError):
            return Reply(api_key.status, api_key.body(), api_key.headers, stored=False)
        route = Account.route(method, path)
        if route is None:
            error = ApiError(
                404,
                "invalid_request_error",
                f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs"
                " or we can help at https://support.stripe.com/.",
            )
            return Reply(404, error.body())
        endpoint, object_id = route
        try:
            params = parse_form(request.body if method == "POST" else request.query)
        except (ValueError, UnicodeDecodeError) as exc:
            error = ApiError(400, "invalid_request_error", f"Invalid request body: {exc}")
            return Reply(400, error.body())
        if key is not None:
            early = self._idempotency.begin(api_key, key, f"{method} {path}", params, request_id)
            if early is not None:
                if early.headers.get("Idempotent-Replayed"):
                    self.ledger.count_replay(key)
                return early
            self.ledger.count_execution(key)
        reply = Reply(500, {}, stored=False)
        try:
            if request.delay:
                time.sleep(request.delay)
            reply = self.account.call(endpoint, object_id, params, key, request_id)
        except Exception:
            self.record_crash()
            error = ApiError(500, "api_error", "The fake crashed; see FakeStripe.server_errors.")
            reply = Reply(500, error.body(), stored=False)
        finally:
            if key is not None:
                self._idempotency.finish(api_key, key, reply)
        return reply

    def _authenticate(self, authorization: str | None) -> str | ApiError:
        """The API key from ``Bearer sk_…`` (or Basic ``sk_…:``), or Stripe's 401."""
        scheme, _, credential = (authorization or "").partition(" ")
        if scheme.lower() == "basic":
            with suppress(ValueError):
                credential = base64.b64decode(credential).decode().partition(":")[0]
        elif scheme.lower() != "bearer":
            credential = ""
        if credential in self._api_keys:
            return credential
        challenge = {"WWW-Authenticate": 'Bearer realm="Stripe"'}
        if not credential:
            return ApiError(
                401,
                "invalid_request_error",
                "You did not provide an API key. You need to provide your API key in the"
                " Authorization header, using Bearer auth (e.g. 'Authorization: Bearer"
                " YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details,"
                " or we can help at https://support.stripe.com/.",
                headers=challenge,
            )
        masked = credential[:8] + "*" * max(len(credential) - 12, 0) + credential[-4:]
        return ApiError(
            401,
            "invalid_request_error",
            f"Invalid API Key provided: {masked}",
            headers=challenge,
        )
