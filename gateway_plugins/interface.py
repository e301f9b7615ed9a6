"""Plain data types that say what a payment is.

Field names follow Saleor's ``payment/interface.py`` so Saleor-style hosts need
only thin adapters. Every type is a frozen pydantic model validated at
construction; bad input raises ``pydantic.ValidationError`` (a ``ValueError``)
naming the field and the rule, without echoing the input (it may be card data).

Validation rules
----------------
Nothing is truncated or rounded: input that breaks a rule is refused. Where a
rule says "stripped", surrounding ASCII spaces are removed; nothing else is
rewritten except as stated.

``amount`` (:class:`PaymentData`, :class:`GatewayResponse`)
    ``Decimal``, ``int`` or a string in plain decimal notation: ASCII digits,
    an optional leading ``-`` and an optional fraction (``"10"``, ``"10.50"``),
    stripped. Refused: a ``float`` (binary floats cannot hold money exactly),
    ``bool``, exponent notation (``"1e2"``), ``+``, ``_`` separators,
    non-ASCII digits, inner or trailing whitespace (``"10\\n"``), NaN and
    Infinity. A payment's amount must be greater than zero; a response's may
    be zero (e.g. a 0.00 verification) but not negative. A ``Decimal`` in
    exponent notation is stored in plain notation (``Decimal("1E+3")`` →
    ``1000``).
amount size
    At most 2**63-1 minor units (a PSP's signed 64-bit integer) by the
    currency's ISO 4217 exponent: 92233720368547758.07 USD, 9223372036854775807
    JPY. Checked from the exponent before any arithmetic, so huge or tiny
    inputs (``Decimal("1E+999999")``, ``10**1000000``) are refused at once.
amount precision
    At most as many decimals as the currency's ISO 4217 exponent: JPY 10.5 is
    rejected, KWD 1.234 is accepted, ``Decimal("1E-1000030")`` USD is
    rejected. Trailing zeros do not count (JPY "100.00").
``currency``
    A three-letter ISO 4217 code with a minor unit (``XAU``, ``XXX`` … are not
    money), case-insensitive, stored upper-case.
``gateway`` (and :class:`GatewayConfig` ``gateway_name``)
    A string of 1–255 characters, not only whitespace, on one line (no
    newline, tab or other control character); stripped.
``order_id``, ``customer_id``, ``psp_reference``
    ``None``, or a string of 1–255 characters, not only whitespace, on one
    line; kept as given.
``payment_id``
    ``None``, an ``int`` from 0 to 2**63-1 (not a ``bool``: ``True`` is not
    payment 1) or a string as for ``order_id``.
``token``
    ``None`` or a string of at most 16384 characters (a wallet payload fits).
``customer_email``
    ``None``, ``""`` (none given) or an e-mail address, stripped, checked for
    syntax only (no DNS lookup): ``local@domain``, the local part a dot-atom
    of ASCII letters, digits and ``!#$%&'*+/=?^_`{|}~-`` of at most 64
    characters, the domain two or more DNS labels (internationalised names
    allowed, checked in IDNA form) whose last is not all digits, 254
    characters in all. Quoted local parts and IP-literal domains are refused.
``customer_ip_address``
    ``None``, ``""`` (none given) or an IPv4 or IPv6 address as
    :func:`ipaddress.ip_address` reads it, in ASCII, stripped.
``data`` (and :class:`GatewayConfig` ``connection_params``)
    Dicts, lists, tuples and sets nested at most 20 levels deep, without a
    cycle, at most 100000 values in all (a dict or list shared in several
    places counts each time it appears), integers of at most 64 bits.
:class:`AddressData`
    Every field a string on one line; ``""`` means unknown. At most 256
    characters for names, company, streets and city; 128 for ``city_area``
    and ``country_area``; 20 for ``postal_code`` (Saleor's limits).
    ``country`` is an ISO 3166-1 alpha-2 code or ``XK`` (Kosovo, which PSPs
    take), stripped and upper-cased. ``phone`` is at most 30 characters and
    plausible, stripped: a ``+`` only first, ASCII digits, spaces and
    ``( ) . - /``, maybe an extension (``ext``, ``x`` or ``#`` and digits);
    4–15 digits after a ``+`` (E.164), 4–18 without one.
:class:`GatewayConfig` secrets
    A ``connection_params`` value whose key names a secret (``api_key``,
    ``secret``, ``password``, ``token``, ``bearer``, ``authorization``, any
    key ending in ``key`` but a public or publishable one …), at any depth and
    of any type, and any string that is a URL with credentials
    (``https://user:pw@host``), prints as ``**********`` in ``repr``, ``str``
    and JSON; :meth:`GatewayConfig.secret` returns it in full.
``language_code``
    ``None`` or a language tag such as ``de``, ``de-CH`` or ``pt_BR`` (see
    :mod:`gateway_plugins.i18n`).
``idempotency_key``
    1–64 characters from ``A-Z a-z 0-9 - _ . :`` (64 is Adyen's limit);
    generated when not given, and kept for the life of the object, so retrying
    the same ``PaymentData`` can never charge twice at a PSP that honours keys.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, TypeVar
from uuid import uuid4

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .actions import CustomerAction
from .errors import ErrorCode, ErrorMap, NormalizedError, RetryAdvice, outcome_unknown_message
from .fields import (
    CountryCode,
    Email,
    GatewayId,
    Identifier,
    IpAddress,
    Name,
    PaymentId,
    Phone,
    Token,
    check_free_form,
    text_field,
)
from .i18n import check_language_tag
from .money import MAX_MINOR_UNITS, iso_exponent, plain_notation, to_minor_units
from .scrub import Inspection, inspect
from .secret_params import SecretValue, hide_secrets, plain, secret_values

_MODEL = ConfigDict(frozen=True, hide_input_in_errors=True, extra="forbid")
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_GATEWAY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
#: Plain decimal notation: ASCII digits, maybe a leading "-" and a fraction.
_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


class TransactionKind(str, Enum):
    """What a transaction did (Saleor's thirteen kinds)."""

    ACTION_TO_CONFIRM = "action_to_confirm"
    AUTH = "auth"
    CANCEL = "cancel"
    CAPTURE = "capture"
    CAPTURE_FAILED = "capture_failed"
    CONFIRM = "confirm"
    EXTERNAL = "external"
    PENDING = "pending"
    REFUND = "refund"
    REFUND_FAILED = "refund_failed"
    REFUND_ONGOING = "refund_ongoing"
    REFUND_REVERSED = "refund_reversed"
    VOID = "void"


class Capability(str, Enum):
    """What a gateway declares it can do, beyond authorize, capture and refund."""

    PARTIAL_CAPTURE = "partial_capture"
    MULTIPLE_CAPTURES = "multiple_captures"
    PARTIAL_REFUND = "partial_refund"
    MULTIPLE_REFUNDS = "multiple_refunds"
    VOID = "void"
    THREE_D_SECURE = "three_d_secure"
    REDIRECT = "redirect"
    """Sends the shopper to the PSP or their bank (hosted checkout, iDEAL …) and back;
    completed with ``confirm_payment``, like 3-D Secure."""
    CLIENT_TOKEN = "client_token"  # noqa: S105 (a capability name, not a secret)
    IDEMPOTENCY = "idempotency"
    NOTIFICATIONS = "notifications"
    """Verifies and translates the PSP's webhooks (hook ``handle_notification``)."""


def _parse_amount(value: object) -> Decimal:
    """Turn a money input into a finite ``Decimal``, or raise naming the rule."""
    if isinstance(value, float):
        raise ValueError(
            "must be a Decimal, an int or a decimal string, not a float "
            "(binary floats cannot hold money exactly)"
        )
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise ValueError(
            f"must be a Decimal, an int or a decimal string, not {type(value).__name__}"
        )
    if isinstance(value, str):
        text = value.strip(" ")
        if not _PLAIN_DECIMAL.fullmatch(text):
            raise ValueError(
                "must be a decimal string in plain notation such as '10.50': ASCII digits, "
                "an optional leading '-' and '.'; no exponent, '+', '_' or whitespace inside"
            )
        return Decimal(text)
    if isinstance(value, int):
        # Decimal() of a huge int takes minutes: bound it first.
        if abs(value) > MAX_MINOR_UNITS:
            raise ValueError(f"must be at most {MAX_MINOR_UNITS} in absolute value")
        return Decimal(value)
    if not value.is_finite():
        raise ValueError("must be a finite number (NaN and Infinity are not money)")
    return value


def _check_currency(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a three-letter ISO 4217 code such as 'USD'")
    code = value.strip().upper()
    iso_exponent(code)  # raises CurrencyError (a ValueError) naming the problem
    return code


def _positive(amount: Decimal) -> Decimal:
    if amount <= 0:
        raise ValueError("must be greater than zero for a money operation")
    return amount


def _not_negative(amount: Decimal) -> Decimal:
    if amount < 0:
        raise ValueError("must not be negative")
    return amount


#: An ISO 4217 code, upper-cased.
CurrencyCode = Annotated[str, BeforeValidator(_check_currency)]
#: The amount of a money operation: a finite Decimal greater than zero.
PositiveAmount = Annotated[Decimal, BeforeValidator(_parse_amount), AfterValidator(_positive)]
#: An amount reported back: a finite Decimal, zero allowed.
ReportedAmount = Annotated[Decimal, BeforeValidator(_parse_amount), AfterValidator(_not_negative)]


def _check_precision(amount: Decimal, info: ValidationInfo) -> Decimal:
    """The amount's decimals and size against its currency, in plain notation."""
    # ``currency`` is declared before ``amount`` so it is validated first.
    currency = info.data.get("currency")
    if currency is None:
        return amount
    # AmountPrecisionError or AmountRangeError (ValueErrors) name the currency and rule.
    to_minor_units(amount, currency)
    return plain_notation(amount)  # Decimal("1E+3") would print as 1E+3 (to a PSP, too)


def _check_free_form(value: object) -> object:
    # Before pydantic copies the dict, so a cycle through the top level is still one.
    return check_free_form(value) if isinstance(value, dict) else value


class _Model(BaseModel):
    """Frozen, strict about unknown fields, and silent about rejected input."""

    model_config = _MODEL

    def __setattr__(self, name: str, value: Any) -> None:
        # pydantic's own "frozen" error would print the value, maybe a card number.
        raise AttributeError(
            f"{type(self).__name__} is immutable; use model_copy(update={{{name!r}: ...}})"
        )


_Self = TypeVar("_Self", bound="_Inspected")


class _Inspected(_Model):
    """A model whose free-form fields (``raw_response``, ``psp_error_message``) the
    scrubber inspected when validation built it, once, for every later reader.

    The mark holds the id of the validated object: a copy made by ``model_copy``
    or an object made by ``model_construct`` carries no mark of its own, and the
    manager validates it again before trusting it.
    """

    _checked: tuple[int, Inspection] | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        # pydantic compares private attributes too; the mark is no part of the value.
        if not isinstance(other, BaseModel):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    __hash__ = _Model.__hash__

    def _inspect(self, *values: object) -> None:
        """Record what the scrubber finds in ``values``; called by validation only."""
        private = self.__pydantic_private__
        assert private is not None, "the model declares a private attribute"
        checked = private.get("_checked")
        if checked is None or checked[0] != id(self):  # a model in a field is seen again
            private["_checked"] = (id(self), inspect(values))

    def validated(self: _Self) -> _Self:
        """This object if validation built it, else a validated copy of its fields.

        Raises ``ValidationError`` when the fields break a rule (a ``float``
        amount, a failure without an ``ErrorCode`` …).
        """
        if self.inspection() is not None:
            return self
        fields = type(self).model_fields
        return type(self).model_validate(
            {name: getattr(self, name) for name in fields if hasattr(self, name)}
        )

    def inspection(self) -> Inspection | None:
        """What validation found in the free-form fields; ``None`` when this object
        was not built by validation (``model_construct``, ``model_copy``)."""
        private = getattr(self, "__pydantic_private__", None)
        checked: tuple[int, Inspection] | None = private.get("_checked") if private else None
        if checked is None or checked[0] != id(self):
            return None
        return checked[1]


class AddressData(_Model):
    """A postal address (billing or shipping)."""

    first_name: Annotated[str, text_field(256)] = ""
    last_name: Annotated[str, text_field(256)] = ""
    company_name: Annotated[str, text_field(256)] = ""
    street_address_1: Annotated[str, text_field(256)] = ""
    street_address_2: Annotated[str, text_field(256)] = ""
    city: Annotated[str, text_field(256)] = ""
    city_area: Annotated[str, text_field(128)] = ""
    postal_code: Annotated[str, text_field(20)] = ""
    country: CountryCode = ""
    """ISO 3166-1 alpha-2, upper-cased; ``""`` when unknown."""
    country_area: Annotated[str, text_field(128)] = ""
    phone: Phone = ""


class CreditCardInfo(_Model):
    """The displayable facts about a card: never its number or CVV."""

    last_4: str = Field(pattern=r"^[0-9]{4}$")
    exp_year: int = Field(ge=1900, le=9999)
    exp_month: int = Field(ge=1, le=12)
    brand: str | None = None
    name_on_card: str | None = None


class TokenConfig(_Model):
    """What a client token is for (Saleor's ``TokenConfig``)."""

    customer_id: str | None = None


class GatewayConfig(_Model):
    """How one gateway is configured.

    ``supported_currencies`` accepts a list or Saleor's comma-separated string
    (``"USD, PLN"``); it may not be empty, since a gateway with no currency can
    take no payment. Values in ``connection_params`` whose key names a secret
    (``api_key``, ``secret_key``, ``password``, ``hmac_key``, ``bearer`` …), at
    any depth and of any type, are wrapped in ``SecretStr``, ``SecretBytes`` or
    ``Secret`` (see :mod:`gateway_plugins.secret_params`), and so is a URL with
    credentials in it (``https://user:pw@host``) under any key; pass a
    ``SecretStr`` yourself for any other key. Secrets show as ``**********`` in
    ``repr``, ``str`` and JSON; read one with :meth:`secret` or
    :meth:`secret_text`.
    """

    gateway_name: Name
    auto_capture: bool = True
    supported_currencies: tuple[str, ...]
    connection_params: dict[str, Any] = Field(default_factory=dict)
    store_customer: bool = False
    require_3d_secure: bool = False
    active: bool = True

    @field_validator("supported_currencies", mode="before")
    @classmethod
    def _split_currencies(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part for part in value.split(",") if part.strip()]
        if isinstance(value, list | tuple | set | frozenset):
            codes = tuple(dict.fromkeys(_check_currency(code) for code in value))
            if not codes:
                raise ValueError("must name at least one ISO 4217 currency")
            return codes
        return value

    _check_free_form = field_validator("connection_params", mode="before")(_check_free_form)

    @field_validator("connection_params", mode="after")
    @classmethod
    def _hide_secrets(cls, value: dict[str, Any]) -> dict[str, Any]:
        return hide_secrets(value)

    def secret(self, name: str) -> SecretValue:
        """The plain value of connection parameter ``name``, hidden or not (``KeyError`` if absent).

        Text for a ``str`` or a number, ``bytes`` for bytes, a tuple for a list
        or tuple (e.g. rotated webhook secrets), a dict for a dict.
        """
        return plain(self.connection_params[name])

    def secret_text(self, name: str) -> str:
        """:meth:`secret` as text (``bytes`` decoded as UTF-8).

        ``KeyError`` if absent; ``ValueError`` naming the parameter, never its
        value, if it is a list, a dict or bytes that are not UTF-8.
        """
        value = self.secret(name)
        if isinstance(value, bytes):
            try:
                return value.decode("utf-8")
            except UnicodeDecodeError:
                raise ValueError(f"connection_params.{name} must be UTF-8 text") from None
        if not isinstance(value, str):
            raise ValueError(f"connection_params.{name} must be text, not a {type(value).__name__}")
        return value

    def secret_values(self) -> list[str]:
        """Every secret value as text (lists flattened, bytes decoded), for scrubbers."""
        return secret_values(self.connection_params)


class PaymentData(_Model):
    """What the host passes to every money operation.

    ``psp_reference`` names the PSP transaction a capture, refund or void acts on.
    ``token`` and ``data`` may hold card data (a dummy gateway takes card numbers)
    and are left out of ``repr``.
    """

    gateway: GatewayId
    currency: CurrencyCode
    amount: PositiveAmount
    payment_id: PaymentId = None
    order_id: Identifier = None
    billing: AddressData | None = None
    shipping: AddressData | None = None
    customer_ip_address: IpAddress = None
    customer_email: Email = None
    token: Token = Field(default=None, repr=False)
    customer_id: Identifier = None
    reuse_source: bool = False
    data: dict[str, Any] = Field(default_factory=dict, repr=False)
    psp_reference: Identifier = None
    idempotency_key: str = Field(default_factory=lambda: uuid4().hex)
    language_code: str | None = None
    """The shopper's language (``de``, ``de-CH``, ``pt_BR``): the language of a failure's
    ``error``. ``None`` is English; see :mod:`gateway_plugins.i18n` for the fallbacks."""

    _check_free_form = field_validator("data", mode="before")(_check_free_form)

    @field_validator("idempotency_key")
    @classmethod
    def _check_idempotency_key(cls, value: str) -> str:
        if not _IDEMPOTENCY_KEY.fullmatch(value):
            raise ValueError("must be 1-64 characters from A-Z a-z 0-9 - _ . :")
        return value

    _check_precision = field_validator("amount")(_check_precision)

    @field_validator("language_code")
    @classmethod
    def _check_language_code(cls, value: str | None) -> str | None:
        return None if value is None else check_language_tag(value)


class GatewayResponse(_Inspected):
    """What every money operation returns.

    A failed response (``is_success=False``) always has an ``error_code``; its
    ``error`` (user-safe text) and ``retry_advice`` default from that code. A
    successful one has neither. ``psp_error_code``/``psp_error_message`` keep
    the PSP's raw values. Build responses with :meth:`success` and
    :meth:`failure`, which echo the request's amount and currency.
    """

    is_success: StrictBool
    action_required: bool = False
    kind: TransactionKind
    currency: CurrencyCode
    amount: ReportedAmount
    transaction_id: str = ""
    error: str | None = None
    error_code: ErrorCode | None = None
    retry_advice: RetryAdvice | None = None
    psp_error_code: str | None = None
    psp_error_message: str | None = None
    customer_id: str | None = None
    card_info: CreditCardInfo | None = None
    raw_response: dict[str, Any] | None = None
    action_required_data: CustomerAction | None = None
    """What the shopper must do, when ``action_required`` (see :mod:`gateway_plugins.actions`)."""
    transaction_already_processed: bool = False
    psp_reference: str | None = None
    idempotency_key: str | None = None
    """The ``PaymentData.idempotency_key`` to retry with; set on every response that
    advises a retry (the manager fills it in when a plugin does not). Retrying the
    same ``PaymentData`` reuses it."""
    outcome_unknown: bool = False
    """The PSP may or may not have acted (a lost reply, an unreadable answer): the
    payment is neither approved nor declined until someone looks. Always a failure
    with ``processing_error``. ``retry_advice`` is ``retry_later`` when the gateway
    deduplicates retries by idempotency key (capability ``idempotency``), else
    ``check_status``: look the transaction up before retrying."""

    @model_validator(mode="before")
    @classmethod
    def _fill_error_defaults(cls, values: Any) -> Any:
        # A failure's user message and retry advice follow from its code unless given.
        if isinstance(values, dict) and values.get("is_success") is False:
            code = values.get("error_code")
            if code is None:
                raise ValueError("error_code: a failed response must carry an ErrorCode")
            try:
                code = ErrorCode(code)
            except ValueError:
                raise ValueError(f"error_code: {code!r} is not an ErrorCode") from None
            values = {
                "error": outcome_unknown_message()
                if values.get("outcome_unknown")
                else code.user_message,
                "retry_advice": code.default_retry,
                **{key: value for key, value in values.items() if value is not None},
            }
        return values

    @model_validator(mode="after")
    def _check_consistency(self) -> GatewayResponse:
        if self.is_success and (self.error_code is not None or self.retry_advice is not None):
            raise ValueError("error_code: a successful response carries no error_code")
        if not self.is_success and self.error_code is None:
            raise ValueError("error_code: a failed response must carry an ErrorCode")
        if self.action_required and (not self.is_success or self.action_required_data is None):
            raise ValueError(
                "action_required_data: a response asking for customer action is a success "
                "carrying the CustomerAction"
            )
        if self.outcome_unknown and self.error_code is not ErrorCode.PROCESSING_ERROR:
            raise ValueError(
                "outcome_unknown: an unknown outcome is a failure with error_code "
                "processing_error (neither approved nor declined)"
            )
        self._inspect(self.raw_response, self.psp_error_message)
        return self

    _check_precision = field_validator("amount")(_check_precision)

    @classmethod
    def success(
        cls, payment: PaymentData, kind: TransactionKind, transaction_id: str, **fields: Any
    ) -> GatewayResponse:
        """A successful response echoing ``payment``'s amount and currency."""
        return cls(
            is_success=True,
            kind=kind,
            amount=payment.amount,
            currency=payment.currency,
            transaction_id=transaction_id,
            **fields,
        )

    @classmethod
    def failure(
        cls,
        payment: PaymentData,
        kind: TransactionKind,
        reason: NormalizedError | ErrorCode,
        **fields: Any,
    ) -> GatewayResponse:
        """A failed response for ``payment`` failing for ``reason`` (raw PSP values kept).

        ``error`` is the code's shopper message in ``payment.language_code`` (for an
        unknown outcome, a message that does not invite paying again).
        ``fields`` may override anything, e.g. ``error=`` for a more specific message.
        """
        if isinstance(reason, ErrorCode):
            reason = NormalizedError(reason, reason.default_retry, None, None)
        language = payment.language_code
        message = (
            outcome_unknown_message(language)
            if fields.get("outcome_unknown")
            else reason.code.user_message_in(language)
        )
        # Explicit fields win, so a plugin may add a raw code to a bare ErrorCode.
        values: dict[str, Any] = {
            "error": message,
            "retry_advice": reason.retry,
            "psp_error_code": reason.psp_code,
            "psp_error_message": reason.psp_message,
            **fields,
        }
        return cls(
            is_success=False,
            kind=kind,
            amount=payment.amount,
            currency=payment.currency,
            error_code=reason.code,
            **values,
        )


class GatewayInfo(_Model):
    """What a gateway plugin tells the manager about itself (hook ``gateway_info``).

    ``id`` is the gateway id hosts put in ``PaymentData.gateway``: unique among
    installed plugins and stable across releases. ``default_config`` is used when
    the host configures nothing. ``error_map`` is the plugin's PSP-code table, for
    the conformance kit and for reviewers.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: str = Field(pattern=f"^{_GATEWAY_ID.pattern}$")
    name: str = Field(min_length=1)
    default_config: GatewayConfig
    capabilities: frozenset[Capability] = frozenset()
    error_map: ErrorMap | None = None
