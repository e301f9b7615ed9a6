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
from enum import Enum
from typing import Annotated, Any
from uuid import uuid4

from pydantic import (
    ConfigDict,
    Field,
    StrictBool,
    field_validator,
    model_validator,
)

from .actions import CustomerAction
from .amounts import CurrencyCode, PositiveAmount, ReportedAmount, check_precision
from .errors import ErrorCode, ErrorMap, NormalizedError, RetryAdvice, outcome_unknown_message
from .fields import (
    CountryCode,
    Email,
    GatewayId,
    Identifier,
    IpAddress,
    PaymentId,
    Phone,
    Token,
    text_field,
)
from .gateway_config import GatewayConfig
from .i18n import check_language_tag
from .models import _check_free_form, _Inspected, _Model

_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_GATEWAY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")


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

    _check_precision = field_validator("amount")(check_precision)

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

    _check_precision = field_validator("amount")(check_precision)

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


__all__ = [
    "AddressData",
    "Capability",
    "CreditCardInfo",
    "CurrencyCode",
    "GatewayConfig",
    "GatewayInfo",
    "GatewayResponse",
    "PaymentData",
    "PositiveAmount",
    "ReportedAmount",
    "TokenConfig",
    "TransactionKind",
]
