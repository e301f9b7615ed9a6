"""Stripe's wire conventions: errors, bracket-keyed form bodies, typed parameters, currencies."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

API_VERSION = "2020-08-27"


class ApiError(Exception):
    """A Stripe error reply: an HTTP status and the ``error`` object.

    ``stored`` says whether Stripe's idempotency layer keeps the reply. Stripe
    saves the first result for a key "regardless of whether it succeeds or
    fails", except when the parameters failed validation (no endpoint began
    executing): those are not saved, and a retry with the same key runs again.
    """

    def __init__(
        self,
        status: int,
        error_type: str,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        stored: bool = True,
        headers: Mapping[str, str] | None = None,
        **fields: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.stored = stored
        self.headers = dict(headers or {})
        error: dict[str, Any] = {"code": code, "doc_url": None, "message": message, "param": param}
        if code:
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
        error.update(fields)
        error["type"] = error_type
        # Stripe leaves unset fields out of error objects rather than sending nulls.
        self.error = {key: value for key, value in error.items() if value is not None}

    def body(self) -> dict[str, Any]:
        return {"error": self.error}


def invalid(message: str, *, code: str | None = None, param: str | None = None) -> ApiError:
    """A parameter validation error: HTTP 400, not stored by the idempotency layer."""
    return ApiError(400, "invalid_request_error", message, code=code, param=param, stored=False)


def missing(kind: str, object_id: str, param: str, *, status: int = 400) -> ApiError:
    """Stripe's ``resource_missing``: 404 for the object in the path, 400 for a parameter."""
    return ApiError(
        status,
        "invalid_request_error",
        f"No such {kind}: '{object_id}'",
        code="resource_missing",
        param=param,
    )


# ---------------------------------------------------------------------------------------------
# Form bodies


def _one_of(choices: Iterable[str]) -> str:
    items = list(choices)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f", or {items[-1]}"


class Params:
    """Typed access to one request's params, raising Stripe's validation errors.

    Stripe rejects a top-level name its endpoint does not know
    (``parameter_unknown``); the allowed names come from the 2022 OpenAPI spec.
    Nested values are checked only where the fake uses them.
    """

    def __init__(self, data: Mapping[str, Any], allowed: Iterable[str]) -> None:
        allowed_names = set(allowed)
        for name in data:
            if name not in allowed_names:
                raise invalid(
                    f"Received unknown parameter: {name}", code="parameter_unknown", param=name
                )
        self.data = dict(data)

    def _raw(self, name: str, required: bool) -> Any:
        value = self.data.get(name)
        if value is None and required:
            raise invalid(f"Missing required param: {name}.", code="parameter_missing", param=name)
        return value

    def integer(self, name: str, *, required: bool = False) -> int | None:
        value = self._raw(name, required)
        if value is None:
            return None
        if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value):
            raise invalid(f"Invalid integer: {value}", code="parameter_invalid_integer", param=name)
        return int(value)

    def string(
        self, name: str, *, required: bool = False, choices: Iterable[str] | None = None
    ) -> str | None:
        value = self._raw(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise invalid(f"Invalid {name}: must be a string", param=name)
        if value == "" and required:
            raise invalid(
                f"You passed an empty string for '{name}'. We assume empty values are an attempt"
                f" to unset a parameter; however '{name}' cannot be unset.",
                code="parameter_invalid_empty",
                param=name,
            )
        if choices is not None and value not in choices:
            raise invalid(f"Invalid {name}: must be one of {_one_of(choices)}", param=name)
        return value

    def boolean(self, name: str, *, extra: Iterable[str] = ()) -> bool | str:
        """``true``/``false`` (or one of ``extra``, as for ``off_session=one_off``)."""
        value = self._raw(name, False)
        if value is None:
            return False
        if value in ("true", "false"):
            return bool(value == "true")
        if value in extra:
            return str(value)
        raise invalid(f"Invalid boolean: {value}", param=name)

    def hash(self, name: str) -> dict[str, Any]:
        """A hash such as ``metadata``; an empty string unsets it (``{}``)."""
        value = self._raw(name, False)
        if value is None or value == "":
            return {}
        if not isinstance(value, dict):
            raise invalid(f"Invalid hash: {name} must be a hash", param=name)
        return value

    def strings(self, name: str) -> list[str]:
        """An array of strings such as ``expand`` or ``payment_method_types``."""
        value = self._raw(name, False)
        if value is None or value == "":
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise invalid(f"Invalid array: {name} must be an array of strings", param=name)
        return value


# ---------------------------------------------------------------------------------------------
# Currencies and amounts (Stripe docs: currencies; psp-reference §7.2)

#: Currencies Stripe settles card payments in (lowercase, as on the wire).
CURRENCIES = frozenset(
    """usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp
    byn bzd cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd
    gnf gtq gyd hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt lak lbp
    lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab
    pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd szl thb tjs tnd
    top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer zar zmw""".split()
)
#: Amounts in whole units. (UGX is on Stripe's list but charged like ISK, below.)
ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf vnd vuv xaf xof xpf".split())
#: Zero-decimal at ISO but sent ×100 at Stripe; only whole units, so the amount ends in 00.
WHOLE_HUNDREDS = frozenset({"isk", "ugx"})
#: Sent ×1000, and Stripe requires the last digit to be 0.
THREE_DECIMAL = frozenset({"bhd", "jod", "kwd", "omr", "tnd"})
#: Stripe's minimum charge amounts, in minor units. Elsewhere Stripe converts to
#: 0.50 USD at the day's rate; the fake then asks only for one unit it accepts.
MINIMUM_CHARGE = {
    "usd": 50, "aed": 200, "aud": 50, "bgn": 100, "brl": 50, "cad": 50, "chf": 50, "czk": 1500,
    "dkk": 250, "eur": 50, "gbp": 30, "hkd": 400, "huf": 17500, "inr": 50, "jpy": 50,
    "mxn": 1000, "myr": 200, "nok": 300, "nzd": 50, "pln": 200, "ron": 200, "sek": 300,
    "sgd": 50, "thb": 1000,
}  # fmt: skip
#: Stripe accepts up to eight digits (99999999 = $999,999.99).
MAXIMUM_CHARGE = 99_999_999
_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥"}


def exponent(currency: str) -> int:
    """Digits after the decimal point in Stripe's minor units for ``currency``."""
    if currency in ZERO_DECIMAL:
        return 0
    return 3 if currency in THREE_DECIMAL else 2


def money(amount: int, currency: str, *, code: bool = False) -> str:
    """``money(50, "usd")`` → ``"$0.50"`` (``"$0.50 usd"`` with ``code``), as Stripe writes it."""
    digits = exponent(currency)
    major = f"{amount / 10**digits:,.{digits}f}"
    symbol = _SYMBOLS.get(currency)
    if symbol is None:
        return f"{major} {currency}"
    return f"{symbol}{major} {currency}" if code else f"{symbol}{major}"


def check_currency(currency: str) -> None:
    if currency not in CURRENCIES:
        raise invalid(
            f"Invalid currency: {currency}. Stripe currently supports these currencies: "
            + ", ".join(sorted(CURRENCIES)),
            param="currency",
        )


def check_amount(amount: int, currency: str, param: str = "amount") -> None:
    """Stripe's limits on a charge amount in ``currency`` (already known to be supported)."""
    smallest = 100 if currency in WHOLE_HUNDREDS else 10 if currency in THREE_DECIMAL else 1
    minimum = MINIMUM_CHARGE.get(currency, smallest)
    if amount < minimum:
        raise invalid(
            f"Amount must be at least {money(minimum, currency, code=True)}",
            code="amount_too_small",
            param=param,
        )
    if amount > MAXIMUM_CHARGE:
        raise invalid(
            f"Amount must be no more than {money(MAXIMUM_CHARGE, currency)}",
            code="amount_too_large",
            param=param,
        )
    if amount % smallest:
        # Stripe refuses these too; the wording here is the fake's own.
        raise invalid(
            f"Invalid amount for {currency}: it must be a multiple of {smallest}"
            f" ({currency.upper()} amounts are sent ×{10 ** exponent(currency)} at Stripe,"
            " without fractions of the smallest coin in use).",
            param=param,
        )
