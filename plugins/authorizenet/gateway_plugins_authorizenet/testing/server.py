"""The HTTP side: Authorize.Net's one endpoint, its schema and credentials on the shared server."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from decimal import Decimal
from typing import Any

from gateway_plugins import testing
from gateway_plugins.testing import Answer, FakePSPServer, Fault, Incoming, Injection

from .account import Account, Request, Transaction
from .ledger import Ledger
from .schema import METHODS, Pairs, SchemaError, parse, validate
from .wire import (
    CONTENT_TYPE,
    ApiError,
    bad_credentials,
    encode,
    error_body,
    invalid_method,
    messages,
    schema_error,
)

#: The one endpoint of the API, below the host.
API_PATH = "/xml/v1/request.api"

_DROPS = frozenset({Fault.DROP_BEFORE_PROCESSING, Fault.DROP_AFTER_PROCESSING})


class RecordedRequest(testing.RecordedRequest):
    """One request as received, and what became of it (credentials travel in the body)."""

    @property
    def pairs(self) -> Pairs:
        """The JSON body as ordered ``(key, value)`` pairs, exactly as sent."""
        return parse(self.body)

    @property
    def json(self) -> dict[str, Any]:
        """The JSON body as plain dicts."""
        return self.pairs.to_dict()

    @property
    def method_name(self) -> str:
        """The API method: the body's root key (``createTransactionRequest`` …)."""
        return self.pairs.keys()[0]

    @property
    def transaction_request(self) -> dict[str, Any]:
        return dict(self.json["createTransactionRequest"]["transactionRequest"])


def _json_answer(body: dict[str, Any]) -> Answer:
    return Answer(200, {"Content-Type": CONTENT_TYPE}, encode(body))


class FakeAuthorizeNet(FakePSPServer[RecordedRequest]):
    """An Authorize.Net lookalike on 127.0.0.1 for tests: real HTTP, real state, faults on demand.

    ``api_login_id`` / ``transaction_key`` are the credentials it accepts;
    ``signature_key`` signs its webhooks. For the account's behaviour
    (``currency``, ``auto_settle``, filters, ``transaction_details_api``,
    duplicate window) see ``account``.
    Its faults (``inject``) are those of the front end: 5xx and 429 in plain
    text, an HTML 502 page, a 200 with half a body.
    """

    sample_reply = _json_answer({"messages": messages(True)})
    record_type = RecordedRequest

    def __init__(
        self,
        *,
        currency: str = "USD",
        auto_settle: bool = True,
        avs_filter: frozenset[str] = frozenset({"A", "N"}),
        card_code_filter: frozenset[str] = frozenset({"N"}),
        transaction_details_api: bool = True,
        api_login_id: str = "fake-api-login",
        transaction_key: str = "fakeTransKey7Q2x",
        signature_key: str = "56E3C6C9A1B2D4F0" * 8,
        host: str = "127.0.0.1",
    ) -> None:
        super().__init__(host=host)
        self.api_login_id = api_login_id
        self.transaction_key = transaction_key
        self.signature_key = signature_key
        self._clock_offset = 0.0
        self._calls_lock = threading.Lock()
        self._call_injections: list[Injection] = []
        self.account = Account(
            currency=currency,
            auto_settle=auto_settle,
            avs_filter=avs_filter,
            card_code_filter=card_code_filter,
            transaction_details_api=transaction_details_api,
            clock=self._now,
        )

    @property
    def endpoint(self) -> str:
        """The API URL: a plugin's ``endpoint``."""
        return self.url + API_PATH

    # -- observation ------------------------------------------------------------------------

    @property
    def ledger(self) -> Ledger:
        return self.account.ledger

    def transaction(self, trans_id: str) -> Transaction:
        with self.account.lock:
            return self.account.transactions[trans_id]

    def notifications(self) -> list[tuple[dict[str, str], bytes]]:
        """Every webhook event so far, as Authorize.Net would POST it: ``(headers, body)``."""
        with self.account.lock:
            events = list(self.account.events)
        return [self.signed(event) for event in events]

    def signed(self, event: dict[str, Any]) -> tuple[dict[str, str], bytes]:
        """``event`` as a webhook request signed with :attr:`signature_key`."""
        body = encode(event).removeprefix(b"\xef\xbb\xbf")  # webhooks carry no BOM
        digest = hmac.new(self.signature_key.encode("utf-8"), body, hashlib.sha512).hexdigest()
        headers = {
            "Content-Type": "application/json",
            "X-ANET-Signature": "sha512=" + digest.upper(),
        }
        return headers, body

    # -- control ----------------------------------------------------------------------------

    def settle(self) -> list[str]:
        """Run the settlement batch now (see ``Account.settle``)."""
        with self.account.lock:
            return self.account.settle()

    def review(self, trans_id: str, approve: bool = True) -> None:
        """The merchant approves or declines a transaction held for review."""
        with self.account.lock:
            self.account.review(trans_id, approve)

    def sale(self, amount: str = "10.00", nonce: str = "fake-nonce-visa") -> str:
        """Make a sale at the account as another client of the merchant would; its transId.

        For tests that need a transaction (and its webhook) without going through the
        plugin. The duplicate window is off for it.
        """
        request = {
            "transactionType": "authCaptureTransaction",
            "amount": amount,
            "payment": {"opaqueData": {"dataDescriptor": "COMMON.ACCEPT.INAPP.PAYMENT",
                                       "dataValue": nonce}},
            "transactionSettings": {"setting": [{"settingName": "duplicateWindow",
                                                 "settingValue": "0"}]},
        }  # fmt: skip
        with self.account.lock:
            reply = self.account.create_transaction(Request(request))
        response = reply["transactionResponse"]
        if response["responseCode"] != "1":
            raise ValueError(f"the sale was not approved: {response}")
        return str(response["transId"])

    def advance_clock(self, seconds: float) -> None:
        """Let ``seconds`` pass for the duplicate window."""
        self._clock_offset += seconds

    def inject_for(
        self, call: str, fault: Fault, *, times: int = 1, after_processing: bool = False
    ) -> Injection:
        """Arm ``fault`` for the next ``times`` requests that are ``call`` only.

        Every call goes to the one endpoint, so :meth:`inject` cannot tell a
        void from the lookup before it; this can. ``call`` is an API method
        (``getTransactionDetailsRequest``) or a ``transactionType``
        (``voidTransaction``). Faults as for :meth:`inject`, but ``SLOW``.
        """
        if fault is Fault.SLOW or (after_processing and fault in _DROPS):
            raise ValueError(f"inject_for does not take {fault.name} with these options")
        injection = Injection(fault, times, path=call, after_processing=after_processing)
        with self._calls_lock:
            self._call_injections.append(injection)
        return injection

    # -- request processing (handler threads) -----------------------------------------------

    def _now(self) -> float:
        return time.monotonic() + self._clock_offset

    def handle(self, request: Incoming) -> Answer:
        if request.delay:
            time.sleep(request.delay)
        injection = self._armed_for(request.body)
        if injection is None:
            return self._process(request.method, request.path, request.body)
        request.record.fault = fault = injection.fault
        if fault is Fault.DROP_BEFORE_PROCESSING:
            return Answer(None)
        if fault is not Fault.DROP_AFTER_PROCESSING and not injection.after_processing:
            return self.fault_answer(injection, None)
        answer = self._process(request.method, request.path, request.body)
        if fault is Fault.DROP_AFTER_PROCESSING:
            return Answer(None)
        return self.fault_answer(injection, answer)

    def clear_faults(self) -> None:
        """Disarm every injection, :meth:`inject_for`'s too."""
        super().clear_faults()
        with self._calls_lock:
            self._call_injections.clear()

    def _armed_for(self, body: bytes) -> Injection | None:
        """The :meth:`inject_for` injection this request fires, if any."""
        with self._calls_lock:
            if not self._call_injections:
                return None
            try:
                ((root, element),) = parse(body).to_dict().items()
                kind = (element.get("transactionRequest") or {}).get("transactionType")
            except (SchemaError, ValueError, AttributeError):
                return None  # not a call the API would read: no call-specific fault
            calls = {root, kind}
            injection = next(
                (i for i in self._call_injections if i.remaining > 0 and i.path in calls), None
            )
            if injection is not None:
                injection.fired += 1
            return injection

    def _process(self, method: str, path: str, body: bytes) -> Answer:
        """What the API does with a request: route, parse, validate, authenticate, execute."""
        if path != API_PATH:
            return Answer(404, {"Content-Type": "text/html"}, b"<html>404 Not Found</html>")
        if method != "POST":
            return Answer(405, {"Content-Type": "text/plain", "Allow": "POST"}, b"")
        ref_id = None
        try:
            pairs = parse(body)
            keys = pairs.keys()
            if len(keys) != 1:
                raise SchemaError("The request must have exactly one root element.")
            root, element = pairs[0]
            if root not in METHODS:
                raise invalid_method()
            if not isinstance(element, Pairs):
                raise SchemaError(f"The element '{root}' must be an object.")
            validate(root, element)
            request = element.to_dict()
            ref_id = request.get("refId")
            self._authenticate(request.get("merchantAuthentication"))
            with self.account.lock:
                return _json_answer(self._execute(root, request, ref_id))
        except SchemaError as exc:
            return _json_answer(error_body(schema_error(str(exc)), ref_id))
        except ApiError as exc:
            return _json_answer(error_body(exc, ref_id))

    def _authenticate(self, given: object) -> None:
        if not isinstance(given, dict):
            raise bad_credentials()
        name, key = given.get("name"), given.get("transactionKey")
        if not (
            isinstance(name, str)
            and isinstance(key, str)
            and hmac.compare_digest(name.encode(), self.api_login_id.encode())
            and hmac.compare_digest(key.encode(), self.transaction_key.encode())
        ):
            raise bad_credentials()

    def _execute(self, root: str, request: dict[str, Any], ref_id: str | None) -> dict[str, Any]:
        if root == "getTransactionDetailsRequest":
            transaction = self.account.transaction_details(str(request["transId"]))
            reply: dict[str, Any] = {"transaction": transaction}
            if ref_id:
                reply["refId"] = ref_id
            reply["messages"] = messages(True)
            return reply
        body = request["transactionRequest"]  # required by the schema, checked above
        return self.account.create_transaction(Request(body, ref_id))


def decimal_of(body: bytes, *path: str) -> Decimal:
    """A JSON number from a reply or webhook body, read exactly (for tests)."""
    value: Any = json.loads(body.decode("utf-8-sig"), parse_float=Decimal)
    for key in path:
        value = value[key]
    return Decimal(value)
