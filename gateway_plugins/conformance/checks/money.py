"""Currencies and amounts: unsupported currencies, zero- and three-decimal ones, echo."""

from __future__ import annotations

from iso4217 import Currency

from ...exceptions import UnsupportedCurrencyError
from ...interface import TransactionKind
from ...money import iso_exponent
from ..expect import expect_echo, expect_success, money
from ..harness import Harness
from ..registry import CheckFailed, CheckSkipped, check
from ..session import Session

K = TransactionKind
_PAID = frozenset({K.AUTH, K.CAPTURE, K.PENDING})

#: Tried first when looking for a currency the gateway does not take.
_COMMON = ("USD", "EUR", "GBP", "CHF", "SEK", "NOK", "DKK", "CZK", "HUF", "PLN", "CAD", "AUD")


def _unsupported(supported: tuple[str, ...]) -> str:
    candidates = [*_COMMON, *(c.code for c in Currency if c.exponent is not None)]
    for code in candidates:
        if code not in supported:
            return code
    raise CheckSkipped("the gateway supports every ISO 4217 currency")


@check(
    "unsupported_currency",
    "a payment in a currency the configuration does not list is refused by the manager "
    "(UnsupportedCurrencyError) before the plugin is reached",
)
def unsupported_currency(h: Harness) -> str | None:
    s = h.session(spy=True)
    currency = _unsupported(s.config.supported_currencies)
    operations = [op for op in ("authorize", "process_payment") if op in s.impls]
    for operation in operations:
        try:
            response = s.call(operation, s.payment(currency=currency))
        except UnsupportedCurrencyError:
            continue
        raise CheckFailed(
            f"{operation} in {currency} (not configured) was not refused: the host got "
            f"is_success={response.is_success}"
        )
    assert s.spy is not None
    if s.spy.money_calls():
        hooks = ", ".join(sorted({c.hook for c in s.spy.money_calls()}))
        raise CheckFailed(f"the plugin was called ({hooks}) for a currency it does not support")
    return f"{currency} refused"


def _currency_with_exponent(h: Harness, exponent: int) -> str:
    for code in h.currencies:
        if iso_exponent(code) == exponent:
            return code
    raise CheckSkipped(
        f"no currency with {exponent} decimals among the currencies to try "
        f"({', '.join(h.currencies)})"
    )


def _pay_in(h: Harness, currency: str) -> str:
    s = h.session(auto_capture=False)
    request = s.payment(1234, currency=currency)
    what = f"process_payment of {money(request.amount, currency)}"
    response = expect_success(s.call("process_payment", request), what, _PAID)
    expect_echo(response, request, what)
    if "capture" in s.impls and response.kind is K.AUTH:
        capture = s.follow_up(request, response, 1234)
        label = f"capture of {money(capture.amount, currency)}"
        expect_echo(expect_success(s.call("capture", capture), label), capture, label)
    return f"paid {money(request.amount, currency)}"


@check(
    "zero_decimal_currency",
    "a zero-decimal currency (JPY …), where supported, is paid and captured to the unit",
)
def zero_decimal_currency(h: Harness) -> str | None:
    return _pay_in(h, _currency_with_exponent(h, 0))


@check(
    "three_decimal_currency",
    "a three-decimal currency (KWD …), where supported, is paid and captured to the fils",
)
def three_decimal_currency(h: Harness) -> str | None:
    return _pay_in(h, _currency_with_exponent(h, 3))


def _echo_follow_ups(h: Harness, s: Session) -> None:
    payment, authorization = s.authorized(1234)
    expect_echo(authorization, payment, "authorize")
    if "capture" not in s.impls:
        return
    capture = s.follow_up(payment, authorization, 1234)
    captured = expect_success(s.call("capture", capture), "capture")
    expect_echo(captured, capture, "capture")
    if "refund" in s.impls:
        refund = s.follow_up(payment, captured, 1234)
        expect_echo(expect_success(s.call("refund", refund), "refund"), refund, "refund")


@check(
    "amount_echo",
    "every response (authorize, process_payment, capture, refund, a decline) carries the "
    "requested amount and currency, in each currency to try",
)
def amount_echo(h: Harness) -> str | None:
    s = h.session(auto_capture=False)
    for currency in h.currencies:
        request = s.payment(1234, currency=currency)
        what = f"process_payment in {currency}"
        expect_echo(expect_success(s.call("process_payment", request), what), request, what)
        if "authorize" in s.impls:
            request = s.payment(1234, currency=currency)
            what = f"authorize in {currency}"
            expect_echo(expect_success(s.call("authorize", request), what), request, what)
    _echo_follow_ups(h, s)
    declines = h.inputs.declines()
    if declines:
        code, decline = next(iter(declines.items()))
        request = s.payment(1234, token=decline.token, data=dict(decline.data))
        operation = "authorize" if "authorize" in s.impls else "process_payment"
        expect_echo(s.call(operation, request), request, f"the {code.value!r} decline")
    return f"checked {', '.join(h.currencies)}"
