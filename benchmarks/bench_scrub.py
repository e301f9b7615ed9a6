"""What the card-data scrubber costs on the replies the bundled plugins really keep.

Run ``python benchmarks/bench_scrub.py`` (``--quick`` for a short, noisier run).
Stdlib plus the project and its bundled plugins (installed editable in the dev
virtualenv); prints medians over several repeats (CPU time of the measuring
thread, so that other work on the machine does not count) and a PASS/MISS
summary, and always exits 0: it is a report, not a test.

The replies are made by the plugins' own reply handlers (Stripe, Adyen,
Authorize.Net) from realistic PSP bodies, and by the dummy plugin itself, so
``raw_response`` and ``psp_error_message`` hold exactly what each plugin keeps:
Adyen's numeric 16-digit ``pspReference`` (one that passes the Luhn check, the
case the reference rule exists for), Stripe's PaymentIntent fields, Authorize.Net's
codes, transId and masked account number.

Figures
-------
1. ``inspect((raw_response, psp_error_message))`` (target ≤ 2 µs for these small
   replies): the one walk ``GatewayResponse`` validation makes per reply. Shown
   beside ``json.dumps(raw_response)``, a yardstick that moves with the machine.
2. ``Scrubber.needs_scrubbing(inspection)`` with 3 secrets (target ≤ 0.3 µs): what
   the manager does per reply once the inspection is made.

A yardstick comes first: the time of a call of an empty Python function, about
0.03 µs on an unloaded 3 GHz machine; figures scale with it.
3. ``Scrubber.data(reply)`` on dirty replies (no target): the full scrub, which runs
   only when figure 2 says yes. A full Stripe PaymentIntent (every field, as the HTTP
   transcript logs it, ``client_secret`` included) is one of them.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
import timeit
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from gateway_plugins_adyen.replies import payment_handler
from gateway_plugins_authorizenet.replies import transaction_handler
from gateway_plugins_dummy import DummyGatewayPlugin
from gateway_plugins_dummy.tokens import DECLINED, SUCCESS
from gateway_plugins_stripe.commands import COMMANDS as STRIPE

import gateway_plugins
from gateway_plugins import GatewayResponse, PaymentData, TransactionKind
from gateway_plugins.http import HttpReply
from gateway_plugins.scrub import Scrubber, inspect

CARD = "4242424242424242"
ADYEN_REFERENCE = "8815658961765255"  # Adyen's older numeric style; passes the Luhn check
SECRETS = ["sk_test_51HxYzAbCdEfGhIjKlMnOpQr", "whsec_1A2b3C4d5E6f7G8h9I0j", "tok_visa"]

STRIPE_INTENT: dict[str, Any] = {
    "id": "pi_3MtwBwLkdIwHu7ix28a3tqPa", "object": "payment_intent", "amount": 1050,
    "amount_capturable": 1050, "amount_details": {"tip": {}}, "amount_received": 0,
    "application": None, "application_fee_amount": None, "automatic_payment_methods": None,
    "canceled_at": None, "cancellation_reason": None, "capture_method": "manual",
    "client_secret": "pi_3MtwBwLkdIwHu7ix28a3tqPa_secret_YrKJUKribcBjcG8HVhfZluoGH",
    "confirmation_method": "automatic", "created": 1680800504, "currency": "usd",
    "customer": "cus_NffrFeUfNV2Hib", "description": "Order 1042", "last_payment_error": None,
    "latest_charge": "ch_3MtwBwLkdIwHu7ix28a3tqPa", "livemode": False,
    "metadata": {"order_id": "1042"}, "next_action": None, "on_behalf_of": None,
    "payment_method": "pm_1MtwBwLkdIwHu7ixkUkqsBFT",
    "payment_method_options": {"card": {"installments": None, "mandate_options": None,
                                        "network": None, "request_three_d_secure": "automatic"}},
    "payment_method_types": ["card"], "processing": None, "receipt_email": None, "review": None,
    "setup_future_usage": None, "shipping": None, "source": None, "statement_descriptor": None,
    "statement_descriptor_suffix": None, "status": "requires_capture", "transfer_data": None,
    "transfer_group": None,
}  # fmt: skip
STRIPE_DECLINE = {
    "error": {
        "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
        "message": "Your card has insufficient funds.", "param": None,
        "doc_url": "https://stripe.com/docs/error-codes/card-declined",
        "payment_intent": {**STRIPE_INTENT, "status": "requires_payment_method"},
        "payment_method": {"id": "pm_1MtwBwLkdIwHu7ixkUkqsBFT", "type": "card",
                           "card": {"brand": "visa", "last4": "9995", "exp_month": 12,
                                    "exp_year": 2030, "funding": "credit"}},
    }
}  # fmt: skip
ADYEN_AUTHORISED = {
    "additionalData": {"cardSummary": "4242", "expiryDate": "3/2030", "paymentMethod": "visa",
                       "authCode": "074572", "cvcResult": "1 Matches"},
    "pspReference": ADYEN_REFERENCE, "resultCode": "Authorised",
    "amount": {"currency": "EUR", "value": 1050}, "merchantReference": "order-1042",
    "paymentMethod": {"brand": "visa", "type": "scheme"},
}  # fmt: skip
ADYEN_REFUSED = {
    "pspReference": "9915658961765252", "resultCode": "Refused",
    "refusalReason": "Not enough balance", "refusalReasonCode": "12",
    "amount": {"currency": "EUR", "value": 1050}, "merchantReference": "order-1042",
}  # fmt: skip
ANET_APPROVED = {
    "transactionResponse": {
        "responseCode": "1", "authCode": "HW617E", "avsResultCode": "Y", "cvvResultCode": "P",
        "cavvResultCode": "2", "transId": "60123456789", "refTransID": "", "transHash": "",
        "testRequest": "0", "accountNumber": "XXXX1111", "accountType": "Visa",
        "messages": [{"code": "1", "description": "This transaction has been approved."}],
        "networkTransId": "3HQJ9TYZ4B3L5Q2BZ1NBV0D",
    },
    "refId": "ref-1042",
    "messages": {"resultCode": "Ok", "message": [{"code": "I00001", "text": "Successful."}]},
}  # fmt: skip
ANET_DECLINED = {
    "transactionResponse": {
        "responseCode": "2", "authCode": "", "avsResultCode": "Y", "cvvResultCode": "N",
        "transId": "60123456790", "accountNumber": "XXXX0002", "accountType": "Visa",
        "errors": [{"errorCode": "2", "errorText": "This transaction has been declined."}],
    },
    "refId": "ref-1043",
    "messages": {"resultCode": "Ok", "message": [{"code": "I00001", "text": "Successful."}]},
}  # fmt: skip


def payment(gateway: str, currency: str, token: str | None = None) -> PaymentData:
    return PaymentData(gateway=gateway, currency=currency, amount=Decimal("10.50"), token=token)


def reply(body: dict[str, Any], status: int = 200) -> HttpReply:
    return HttpReply(status, {"Content-Type": "application/json"}, json.dumps(body).encode())


def plugin_responses() -> dict[str, GatewayResponse]:
    """Each bundled plugin's own answer to a realistic reply, as validation sees it."""
    dummy = DummyGatewayPlugin()
    stripe_auth = STRIPE.command_for("authorize", payment("stripe", "USD")).handle
    adyen_auth = payment_handler(TransactionKind.AUTH, TransactionKind.AUTH)
    anet_auth = transaction_handler(TransactionKind.AUTH)
    eur, usd = payment("adyen", "EUR"), payment("authorizenet", "USD")
    return {
        "dummy, approved": dummy.authorize(
            payment_information=payment("dummy", "USD", SUCCESS), previous_value=None
        ),
        "dummy, declined": dummy.authorize(
            payment_information=payment("dummy", "USD", DECLINED), previous_value=None
        ),
        "stripe, PaymentIntent": stripe_auth(reply(STRIPE_INTENT), payment("stripe", "USD")),
        "stripe, card declined": stripe_auth(reply(STRIPE_DECLINE, 402), payment("stripe", "USD")),
        "adyen, numeric pspReference": adyen_auth(reply(ADYEN_AUTHORISED), eur),
        "adyen, refused": adyen_auth(reply(ADYEN_REFUSED), eur),
        "authorizenet, approved": anet_auth(reply(ANET_APPROVED), usd),
        "authorizenet, declined": anet_auth(reply(ANET_DECLINED), usd),
    }


def dirty_replies() -> dict[str, Any]:
    """Replies a buggy plugin or a PSP echo could hand over, each with a card number."""
    anet = json.loads(json.dumps(ANET_APPROVED))
    anet["transactionResponse"]["transId"] = CARD  # the reviewer's transcript leak
    return {
        "stripe error echoing the card": {
            "error": {**STRIPE_DECLINE["error"], "payment_method": None,
                      "message": "Your card number 4242 4242 4242 4242 is incorrect."},
            "http_status": 402,
        },
        "authorizenet, card in transId": anet,
        "adyen, card in additionalData": {**ADYEN_AUTHORISED, "additionalData": {
            **ADYEN_AUTHORISED["additionalData"], "cardBin": CARD}},
        # Every field, as the HTTP transcript logs it: client_secret is hidden too.
        "full stripe PaymentIntent": STRIPE_INTENT,
        "full stripe PaymentIntent, card in metadata": {
            **STRIPE_INTENT, "metadata": {"order_id": "1042", "note": f"card {CARD}"}},
    }  # fmt: skip


def median_us(statement: str, names: dict[str, Any], repeats: int, budget: float) -> float:
    """Median CPU µs of ``statement`` over ``repeats`` runs of about ``budget`` seconds each.

    CPU time of this thread, not wall time: on a machine shared with other work, the
    time spent waiting for a core is not the scrubber's.
    """
    timer = timeit.Timer(statement, timer=time.thread_time, globals=names)
    number = max(100, int(budget / (timer.timeit(200) / 200)))
    return statistics.median(timer.timeit(number) / number * 1e6 for _ in range(repeats))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter repeats")
    quick = parser.parse_args().quick
    repeats, budget = (3, 0.02) if quick else (7, 0.1)
    print(f"gateway-plugins {gateway_plugins.__version__}, Python {platform.python_version()} "
          f"on {platform.machine()}; medians of {repeats} repeats"
          f"{' (--quick)' if quick else ''}\n")  # fmt: skip

    nothing = median_us("f()", {"f": lambda: None}, repeats, budget)
    print(f"Yardstick: a call of an empty Python function takes {nothing:.3f} µs here.\n")

    scrubber = Scrubber(SECRETS)
    responses = plugin_responses()
    width = max(map(len, responses)) + 2
    print("1. inspect((raw_response, psp_error_message)), beside json.dumps(raw_response)")
    print("2. needs_scrubbing(inspection), 3 secrets")
    print(f"   {'reply':{width}} {'inspect':>9} {'dumps':>8} {'ratio':>6} {'needs':>8}")
    walks: list[float] = []
    searches: list[float] = []
    for name, response in responses.items():
        pair = (response.raw_response, response.psp_error_message)
        inspection = inspect(pair)
        if inspection.suspicious or inspection != response.inspection():
            raise SystemExit(f"setup: {name}: {inspection} is not what validation found")
        names = {"inspect": inspect, "pair": pair, "dumps": json.dumps, "raw": pair[0],
                 "needs": scrubber.needs_scrubbing, "inspection": inspection}  # fmt: skip
        walk = median_us("inspect(pair)", names, repeats, budget)
        dump = median_us("dumps(raw)", names, repeats, budget)
        search = median_us("needs(inspection)", names, repeats, budget)
        walks.append(walk)
        searches.append(search)
        print(f"   {name:{width}} {walk:7.2f}µs {dump:6.2f}µs {walk / dump:5.2f}× {search:6.3f}µs")
    print()

    print("3. data(reply) on dirty replies (the full scrub); inspect() on the same")
    dirty = dirty_replies()
    width = max(map(len, dirty)) + 2
    for name, value in dirty.items():
        scrubbed = repr(scrubber.data(value))
        if not scrubber.leaks(value) or CARD in scrubbed or "4242 4242" in scrubbed:
            raise SystemExit(f"setup: {name}: the card number is not hidden")
        names = {"data": scrubber.data, "value": value, "inspect": inspect}
        full = median_us("data(value)", names, repeats, budget)
        walk = median_us("inspect(value)", names, repeats, budget)
        print(f"   {name:{width}} data {full:7.2f}µs   inspect {walk:6.2f}µs")
    print()

    walk, search = max(walks), max(searches)
    rows: list[tuple[str, str, str, Callable[[], bool]]] = [
        ("1. inspect(), slowest small reply", f"{walk:.2f} µs", "≤ 2 µs", lambda: walk <= 2),
        ("2. needs_scrubbing(), slowest", f"{search:.3f} µs", "≤ 0.3 µs", lambda: search <= 0.3),
    ]
    print(f"{'figure':36} {'measured':>10} {'target':>9}  verdict")
    for figure, measured, target, ok in rows:
        print(f"{figure:36} {measured:>10} {target:>9}  {'PASS' if ok() else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
