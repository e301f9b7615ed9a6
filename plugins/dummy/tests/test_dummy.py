"""Behavioural tests of the dummy gateway, driven through a PluginManager as a host drives it."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace

import pytest
from gateway_plugins_dummy import GATEWAY_ID, TOKENS, DummyGatewayPlugin, DummyToken, tokens
from gateway_plugins_dummy import ledger as ledger_module

from gateway_plugins import (
    ActionKind,
    ErrorCode,
    GatewayConfig,
    GatewayResponse,
    PluginManager,
    RetryAdvice,
    TransactionKind,
    UnsupportedCurrencyError,
)
from gateway_plugins.scrub import luhn_valid
from plugins.dummy.tests.payments import assert_rejected, authorized, awaiting_3ds, captured, pay

# -- Helpers -------------------------------------------------------------------

Money = tuple[str, str]  # (amount, currency)
USD_10: Money = ("10.00", "USD")


def luhn_invalid_variant(token: str) -> str:
    """``token`` with its check digit changed, so that it fails the Luhn check."""
    return token[:-1] + str((int(token[-1]) + 1) % 10)


DECLINING_ROWS = [row for row in TOKENS.values() if row.error_code is not None]


def row_id(row: DummyToken) -> str:
    return row.psp_code or row.description


# -- Magic tokens ----------------------------------------------------------------


@pytest.mark.parametrize("row", TOKENS.values(), ids=row_id)
def test_authorize_succeeds_exactly_for_tokens_without_error_code(
    manager: PluginManager, row: DummyToken
) -> None:
    response = manager.authorize(pay(token=row.token))

    assert response.is_success is (row.error_code is None)
    assert response.action_required is (row.three_d_secure or row.redirect)


@pytest.mark.parametrize("row", DECLINING_ROWS, ids=row_id)
def test_declining_token_reports_shared_code_and_raw_psp_values(
    manager: PluginManager, row: DummyToken
) -> None:
    response = manager.authorize(pay(token=row.token))

    assert response.error_code is row.error_code
    assert response.psp_error_code == row.psp_code
    assert response.psp_error_message == row.description


@pytest.mark.parametrize("row", DECLINING_ROWS, ids=row_id)
def test_declined_authorization_carries_retry_advice(
    manager: PluginManager, row: DummyToken
) -> None:
    response = manager.authorize(pay(token=row.token))

    assert isinstance(response.retry_advice, RetryAdvice)


def test_unlisted_luhn_invalid_digits_are_an_invalid_number(manager: PluginManager) -> None:
    token = luhn_invalid_variant(tokens.SUCCESS)
    assert token not in TOKENS and not luhn_valid(token)

    response = manager.authorize(pay(token=token))

    assert response.error_code is ErrorCode.INVALID_NUMBER
    assert response.psp_error_code == "invalid_number"


@pytest.mark.parametrize("token", [None, "", "   "], ids=["none", "empty", "blank"])
def test_missing_token_is_a_processing_error(manager: PluginManager, token: str | None) -> None:
    response = manager.authorize(pay(token=token))

    assert_rejected(response, "missing_payment_method")


def test_unlisted_non_digit_token_authorizes(manager: PluginManager) -> None:
    response = manager.authorize(pay(token="tok_unlisted_visa"))

    assert response.is_success
    assert response.kind is TransactionKind.AUTH


# -- Amount and currency echo ----------------------------------------------------


def _authorize(manager: PluginManager, money: Money) -> GatewayResponse:
    return manager.authorize(pay(*money, token=tokens.SUCCESS))


def _decline(manager: PluginManager, money: Money) -> GatewayResponse:
    return manager.authorize(pay(*money, token=tokens.DECLINED))


def _process(manager: PluginManager, money: Money) -> GatewayResponse:
    return manager.process_payment(pay(*money, token=tokens.SUCCESS))


def _capture(manager: PluginManager, money: Money) -> GatewayResponse:
    return manager.capture(pay(*money, psp_reference=authorized(manager, *money)))


def _refund(manager: PluginManager, money: Money) -> GatewayResponse:
    return manager.refund(pay(*money, psp_reference=captured(manager, *money)))


def _void(manager: PluginManager, money: Money) -> GatewayResponse:
    return manager.void(pay(*money, psp_reference=authorized(manager, *money)))


def _confirm(manager: PluginManager, money: Money) -> GatewayResponse:
    return manager.confirm_payment(pay(*money, psp_reference=awaiting_3ds(manager, *money)))


def _rejected_capture(manager: PluginManager, money: Money) -> GatewayResponse:
    return manager.capture(pay(*money, psp_reference="dummy_unknown"))


OPERATIONS: dict[str, Callable[[PluginManager, Money], GatewayResponse]] = {
    "authorize": _authorize,
    "declined-authorize": _decline,
    "process_payment": _process,
    "capture": _capture,
    "refund": _refund,
    "void": _void,
    "confirm_payment": _confirm,
    "rejected-capture": _rejected_capture,
}
MONIES: list[Money] = [("10.00", "USD"), ("0.01", "EUR"), ("1000", "JPY"), ("1.234", "KWD")]


@pytest.mark.parametrize("money", MONIES, ids=lambda money: " ".join(money))
@pytest.mark.parametrize("operation", OPERATIONS.values(), ids=OPERATIONS.keys())
def test_every_response_echoes_amount_and_currency(
    manager: PluginManager,
    operation: Callable[[PluginManager, Money], GatewayResponse],
    money: Money,
) -> None:
    amount, currency = money

    response = operation(manager, money)

    assert (response.amount, response.currency) == (Decimal(amount), currency)


@pytest.mark.parametrize(
    ("money", "minor_units"), [(("10.00", "USD"), 1000), (("1000", "JPY"), 1000),
                               (("1.234", "KWD"), 1234)],
)  # fmt: skip
def test_raw_response_reports_iso_minor_units(
    manager: PluginManager, money: Money, minor_units: int
) -> None:
    response = _authorize(manager, money)

    assert response.raw_response is not None
    assert response.raw_response["amount"] == minor_units


# -- Capture, refund and void against the ledger ---------------------------------


def test_full_capture_of_an_authorization(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    reference = authorized(manager, "10.00")

    response = manager.capture(pay("10.00", psp_reference=reference))

    assert response.is_success
    assert response.kind is TransactionKind.CAPTURE
    assert plugin.ledger.get(reference).captured == Decimal("10.00")


def test_partial_capture_then_capture_of_the_rest(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    reference = authorized(manager, "10.00")

    first = manager.capture(pay("4.00", psp_reference=reference))
    second = manager.capture(pay("6.00", psp_reference=reference))

    assert first.is_success and second.is_success
    assert plugin.ledger.get(reference).captured == Decimal("10.00")


def test_over_capture_is_rejected_and_changes_nothing(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    reference = authorized(manager, "10.00")
    assert manager.capture(pay("4.00", psp_reference=reference)).is_success

    response = manager.capture(pay("7.00", psp_reference=reference))

    assert_rejected(response, "amount_too_large")
    assert response.retry_advice is RetryAdvice.DO_NOT_RETRY
    assert plugin.ledger.get(reference).captured == Decimal("4.00")


def test_capture_of_the_remainder_succeeds_after_an_over_capture(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    reference = authorized(manager, "10.00")
    assert not manager.capture(pay("10.01", psp_reference=reference)).is_success

    response = manager.capture(pay("10.00", psp_reference=reference))

    assert response.is_success
    assert plugin.ledger.get(reference).captured == Decimal("10.00")


@pytest.mark.parametrize(
    "refunds",
    [["10.00"], ["4.00"], ["3.00", "3.00", "4.00"]],
    ids=["full", "partial", "multiple-up-to-total"],
)
def test_refunds_up_to_the_captured_amount_succeed(
    manager: PluginManager, plugin: DummyGatewayPlugin, refunds: list[str]
) -> None:
    reference = captured(manager, "10.00")

    responses = [manager.refund(pay(amount, psp_reference=reference)) for amount in refunds]

    assert all(r.is_success and r.kind is TransactionKind.REFUND for r in responses)
    assert plugin.ledger.get(reference).refunded == sum(map(Decimal, refunds))


def test_refund_beyond_captured_amount_is_rejected(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    reference = authorized(manager, "10.00")
    assert manager.capture(pay("6.00", psp_reference=reference)).is_success

    response = manager.refund(pay("7.00", psp_reference=reference))

    assert_rejected(response, "amount_too_large")
    assert plugin.ledger.get(reference).refunded == 0


def test_void_after_authorize_succeeds(manager: PluginManager, plugin: DummyGatewayPlugin) -> None:
    reference = authorized(manager)

    response = manager.void(pay(psp_reference=reference))

    assert response.is_success
    assert response.kind is TransactionKind.VOID
    assert plugin.ledger.get(reference).status == "voided"


def test_void_after_capture_is_rejected(manager: PluginManager) -> None:
    reference = authorized(manager, "10.00")
    assert manager.capture(pay("1.00", psp_reference=reference)).is_success

    response = manager.void(pay("10.00", psp_reference=reference))

    assert_rejected(response, "unexpected_state")


def test_capture_after_void_is_rejected(manager: PluginManager) -> None:
    reference = authorized(manager)
    assert manager.void(pay(psp_reference=reference)).is_success

    response = manager.capture(pay(psp_reference=reference))

    assert_rejected(response, "unexpected_state")


@pytest.mark.parametrize("operation", ["capture", "refund", "void", "confirm_payment"])
def test_unknown_psp_reference_is_a_processing_error(
    manager: PluginManager, operation: str
) -> None:
    response = getattr(manager, operation)(pay(psp_reference="dummy_does_not_exist"))

    assert_rejected(response, "resource_missing")


def test_capture_in_another_currency_is_rejected(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    reference = authorized(manager, "10.00", "USD")

    response = manager.capture(pay("10.00", "EUR", psp_reference=reference))

    assert_rejected(response, "currency_mismatch")
    assert plugin.ledger.get(reference).captured == 0


# -- process_payment ---------------------------------------------------------------


def test_process_payment_with_auto_capture_captures(
    manager: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    response = manager.process_payment(pay("10.00", token=tokens.SUCCESS))

    assert response.is_success
    assert response.kind is TransactionKind.CAPTURE
    assert plugin.ledger.get(response.psp_reference).captured == Decimal("10.00")


def test_process_payment_without_auto_capture_only_authorizes(
    manual_capture: PluginManager, plugin: DummyGatewayPlugin
) -> None:
    response = manual_capture.process_payment(pay("10.00", token=tokens.SUCCESS))

    assert response.is_success
    assert response.kind is TransactionKind.AUTH
    assert plugin.ledger.get(response.psp_reference).captured == 0


def test_process_payment_with_decline_token_is_declined(manager: PluginManager) -> None:
    response = manager.process_payment(pay(token=tokens.DECLINE_TOKENS[ErrorCode.DECLINED]))

    assert not response.is_success
    assert response.error_code is ErrorCode.DECLINED
    assert response.psp_error_code == TOKENS[tokens.DECLINED].psp_code


# -- 3-D Secure ----------------------------------------------------------------------


def test_three_d_secure_token_requires_action(manager: PluginManager) -> None:
    response = manager.authorize(pay(token=tokens.THREE_D_SECURE))

    assert response.is_success and response.action_required
    assert response.kind is TransactionKind.ACTION_TO_CONFIRM
    action = response.action_required_data
    assert action is not None and action.kind is ActionKind.THREE_D_SECURE
    assert action.psp_reference == response.psp_reference
    assert action.url is not None and action.url.startswith("https://")


@pytest.mark.parametrize(
    ("auto_capture", "kind"),
    [(True, TransactionKind.CAPTURE), (False, TransactionKind.AUTH)],
    ids=["auto-capture", "manual-capture"],
)
def test_confirm_payment_completes_three_d_secure(
    manager: PluginManager, auto_capture: bool, kind: TransactionKind
) -> None:
    config = GatewayConfig(
        gateway_name="Dummy", auto_capture=auto_capture, supported_currencies="USD"
    )
    manager.configure(GATEWAY_ID, config)
    reference = awaiting_3ds(manager)

    response = manager.confirm_payment(pay(psp_reference=reference))

    assert response.is_success and not response.action_required
    assert response.kind is kind


def test_failed_three_d_secure_is_declined_with_advice_to_authenticate(
    manager: PluginManager,
) -> None:
    reference = awaiting_3ds(manager)

    response = manager.confirm_payment(
        pay(psp_reference=reference, data=tokens.THREE_D_SECURE_FAILED)
    )

    assert not response.is_success
    assert response.error_code is ErrorCode.DECLINED
    assert response.retry_advice is RetryAdvice.AUTHENTICATE


def test_second_confirmation_fails(manager: PluginManager) -> None:
    reference = awaiting_3ds(manager)
    assert manager.confirm_payment(pay(psp_reference=reference)).is_success

    response = manager.confirm_payment(pay(psp_reference=reference))

    assert_rejected(response, "unexpected_state")


def test_confirm_in_another_currency_is_rejected(manager: PluginManager) -> None:
    config = GatewayConfig(gateway_name="Dummy", auto_capture=False, supported_currencies="USD,EUR")
    manager.configure(GATEWAY_ID, config)
    reference = awaiting_3ds(manager, "10.00", "USD")

    response = manager.confirm_payment(pay("10.00", "EUR", psp_reference=reference))

    assert_rejected(response, "currency_mismatch")


def test_rejected_confirm_leaves_three_d_secure_pending(manager: PluginManager) -> None:
    reference = awaiting_3ds(manager, "10.00", "USD")
    assert not manager.confirm_payment(pay("10.00", "EUR", psp_reference=reference)).is_success

    response = manager.confirm_payment(pay("10.00", "USD", psp_reference=reference))

    assert response.is_success
    assert response.kind is TransactionKind.CAPTURE


# -- Client tokens -------------------------------------------------------------------------


def test_client_token_is_fresh_on_every_call(manager: PluginManager) -> None:
    issued = [manager.get_client_token(GATEWAY_ID) for _ in range(5)]

    assert all(issued)
    assert len(set(issued)) == len(issued)


# -- Card data ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    [tokens.SUCCESS, tokens.DECLINED, tokens.INVALID_NUMBER],
    ids=["authorized", "declined", "luhn-invalid"],
)
@pytest.mark.parametrize("operation", ["authorize", "process_payment"])
def test_card_number_never_leaves_the_gateway(
    manager: PluginManager, caplog: pytest.LogCaptureFixture, operation: str, token: str
) -> None:
    caplog.set_level(logging.DEBUG)

    response = getattr(manager, operation)(pay(token=token))

    exposed = {
        "logs": "\n".join(record.getMessage() for record in caplog.records) + caplog.text,
        "repr": repr(response),
        "str": str(response),
        "json": response.model_dump_json(),
        "raw_response": repr(response.raw_response),
    }
    assert [where for where, text in exposed.items() if token in text] == []


def test_card_info_shows_only_the_last_four_digits(manager: PluginManager) -> None:
    response = manager.authorize(pay(token=tokens.SUCCESS))

    assert response.card_info is not None
    assert response.card_info.last_4 == tokens.SUCCESS[-4:]
    assert tokens.SUCCESS not in response.card_info.model_dump_json()


# Found by drawing uuid4s: the first 24 hex digits, which make the PSP reference,
# hold a 12-digit run that passes the Luhn check (about 1 reference in 400 does).
_UNLUCKY_UUID = uuid.UUID("04ae7962-6d91-4464-8251-75dd34599b1f")


def test_raw_response_keeps_a_reference_with_a_luhn_valid_digit_run(
    manager: PluginManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ledger_module, "uuid", SimpleNamespace(uuid4=lambda: _UNLUCKY_UUID))

    response = manager.authorize(pay(token=tokens.SUCCESS))

    assert response.raw_response is not None
    assert response.raw_response["id"] == response.psp_reference
    assert response.psp_reference is not None
    assert not any(char.isdigit() for char in response.psp_reference)


# -- Currencies and discovery -------------------------------------------------------------


@pytest.mark.parametrize("operation", ["authorize", "process_payment"])
def test_unsupported_currency_raises_and_leaves_ledger_untouched(
    manager: PluginManager, plugin: DummyGatewayPlugin, operation: str
) -> None:
    with pytest.raises(UnsupportedCurrencyError):
        getattr(manager, operation)(pay("10.00", "CHF", token=tokens.SUCCESS))

    assert len(plugin.ledger) == 0


def test_discovery_finds_the_installed_dummy_entry_point() -> None:
    manager = PluginManager()

    records = {record.name: record for record in manager.plugins}

    assert records["dummy"].distribution == "gateway-plugins-dummy"
    assert records["dummy"].problem is None
    assert manager.gateway_info(GATEWAY_ID).id == GATEWAY_ID
    assert manager.process_payment(pay(token=tokens.SUCCESS)).is_success


# -- Hosted checkout (a redirect) --------------------------------------------------


def test_a_hosted_checkout_sends_the_shopper_away_and_the_psp_says_when_they_paid(
    manager: PluginManager,
) -> None:
    payment = pay(token=tokens.REDIRECT)
    response = manager.authorize(payment)

    action = response.action_required_data
    assert action is not None and action.kind is ActionKind.REDIRECT
    assert action.url == f"https://dummy.invalid/checkout/{action.psp_reference}"
    confirm = payment.model_copy(update={"psp_reference": action.psp_reference})
    # Back at the shop before paying: nothing is known yet, and nothing is charged.
    early = manager.confirm_payment(confirm.model_copy(update={"idempotency_key": "early"}))
    assert early.is_success and early.kind is TransactionKind.PENDING
    paid = manager.confirm_payment(confirm.model_copy(update={"data": tokens.REDIRECT_PAID}))
    assert paid.is_success and paid.kind in (TransactionKind.AUTH, TransactionKind.CAPTURE)

    failed = manager.authorize(pay(token=tokens.REDIRECT))
    assert failed.action_required_data is not None
    declined = manager.confirm_payment(
        pay(psp_reference=failed.action_required_data.psp_reference, data=tokens.REDIRECT_FAILED)
    )
    assert not declined.is_success and declined.error_code is ErrorCode.DECLINED
