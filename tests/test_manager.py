"""PluginManager: routing, the previous_value chain, containment of plugin faults."""

from __future__ import annotations

import logging
import threading
from decimal import Decimal
from typing import Any

import pytest

from gateway_plugins import (
    Capability,
    ClientTokenError,
    ErrorCode,
    GatewayConfig,
    GatewayResponse,
    InactiveGatewayError,
    OperationNotSupportedError,
    PaymentData,
    PluginManager,
    PluginRegistrationError,
    RetryAdvice,
    TransactionKind,
    UnknownGatewayError,
    UnsupportedCurrencyError,
    hookimpl,
)
from gateway_plugins.contract import ECHO_MISMATCH
from gateway_plugins.errors import outcome_unknown_message
from tests.plugins import FakeGateway, FirstObserver, LastObserver, approve

CARD = "4111111111111111"


def pay(gateway: str = "fake", **fields: Any) -> PaymentData:
    return PaymentData(gateway=gateway, **{"amount": "10.00", "currency": "USD", **fields})


@pytest.fixture
def manager() -> PluginManager:
    return PluginManager(discover=False)


@pytest.fixture
def fake(manager: PluginManager) -> FakeGateway:
    gateway = FakeGateway()
    manager.register(gateway, "fake")
    return gateway


# -- Routing -------------------------------------------------------------------


def test_a_payment_reaches_only_the_gateway_it_names(manager: PluginManager) -> None:
    first, second = FakeGateway("first"), FakeGateway("second")
    manager.register(first, "first")
    manager.register(second, "second")

    response = manager.authorize(pay("second"))

    assert response.is_success and response.kind is TransactionKind.AUTH
    assert [call[0] for call in second.calls] == ["authorize"]
    assert first.calls == []


def test_unknown_gateway_is_a_typed_error_naming_it(
    manager: PluginManager, fake: FakeGateway
) -> None:
    with pytest.raises(UnknownGatewayError, match="'stripe'.*installed gateways: fake") as info:
        manager.authorize(pay("stripe"))
    assert info.value.gateway_id == "stripe"


def test_inactive_gateway_is_a_typed_error(manager: PluginManager, fake: FakeGateway) -> None:
    manager.configure(
        "fake", GatewayConfig(gateway_name="F", supported_currencies="USD", active=False)
    )

    with pytest.raises(InactiveGatewayError, match="'fake'.*inactive"):
        manager.authorize(pay())
    assert fake.calls == []
    assert manager.list_gateways() == []


def test_unsupported_currency_is_rejected_before_the_plugin(
    manager: PluginManager, fake: FakeGateway
) -> None:
    with pytest.raises(UnsupportedCurrencyError, match="'JPY'.*supported: USD, EUR"):
        manager.authorize(pay(currency="JPY", amount="100"))
    assert fake.calls == []


def test_operation_the_gateway_lacks_is_a_typed_error(
    manager: PluginManager, fake: FakeGateway
) -> None:
    with pytest.raises(OperationNotSupportedError, match="'fake' does not implement 'void'"):
        manager.void(pay(psp_reference="x"))


def test_payment_information_must_be_payment_data(
    manager: PluginManager, fake: FakeGateway
) -> None:
    with pytest.raises(TypeError, match="must be a PaymentData, got dict"):
        manager.authorize({"gateway": "fake"})  # type: ignore[arg-type]


def test_list_gateways_filters_by_currency(manager: PluginManager) -> None:
    manager.register(FakeGateway("usd-only", currencies="USD"), "usd-only")
    manager.register(FakeGateway("euro", currencies="EUR, PLN"), "euro")

    assert {g.id for g in manager.list_gateways()} == {"usd-only", "euro"}
    assert [g.id for g in manager.list_gateways("pln")] == ["euro"]
    assert manager.list_gateways("JPY") == []
    assert manager.list_gateways("EUR")[0].currencies == ("EUR", "PLN")


# -- The previous_value chain --------------------------------------------------


def test_observers_see_the_chain_in_order(manager: PluginManager, fake: FakeGateway) -> None:
    before, after = FirstObserver(), LastObserver()
    manager.register(before, "risk")
    manager.register(after, "audit")

    response = manager.authorize(pay())

    assert before.seen == [None]  # first in the chain
    assert fake.calls[0][2] is None  # the observer returned previous_value unchanged
    assert after.seen == [response]  # the audit plugin saw the gateway's answer
    assert response.is_success


def test_a_risk_plugin_declining_before_the_gateway_stops_the_money(
    manager: PluginManager, fake: FakeGateway
) -> None:
    def decline(payment: PaymentData, previous: object) -> GatewayResponse:
        return GatewayResponse.failure(payment, TransactionKind.AUTH, ErrorCode.DECLINED)

    manager.register(FirstObserver(decline), "risk")

    response = manager.authorize(pay())

    assert not response.is_success and response.error_code is ErrorCode.DECLINED
    assert fake.calls == []


def test_a_plugin_after_the_gateway_cannot_change_the_money_facts(
    manager: PluginManager, fake: FakeGateway, caplog: pytest.LogCaptureFixture
) -> None:
    def lie(payment: PaymentData, previous: GatewayResponse) -> GatewayResponse:
        return previous.model_copy(update={"amount": Decimal("1.00")})

    manager.register(LastObserver(lie), "liar")

    response = manager.authorize(pay())

    assert response.amount == Decimal("10.00")
    assert "changed the gateway's money facts" in caplog.text


def test_a_plugin_after_the_gateway_may_annotate(manager: PluginManager, fake: FakeGateway) -> None:
    def annotate(payment: PaymentData, previous: GatewayResponse) -> GatewayResponse:
        return previous.model_copy(update={"customer_id": "cus_1"})

    manager.register(LastObserver(annotate), "crm")

    assert manager.authorize(pay()).customer_id == "cus_1"


def test_an_observer_crashing_after_the_gateway_does_not_lose_the_charge(
    manager: PluginManager, fake: FakeGateway
) -> None:
    def crash(payment: PaymentData, previous: object) -> None:
        raise RuntimeError("audit database down")

    manager.register(LastObserver(crash), "audit")

    response = manager.authorize(pay())

    assert response.is_success and response.transaction_id == "auth-1"


def test_an_observer_crashing_before_the_gateway_fails_the_payment(
    manager: PluginManager, fake: FakeGateway
) -> None:
    def crash(payment: PaymentData, previous: object) -> None:
        raise RuntimeError("risk service down")

    manager.register(FirstObserver(crash), "risk")

    response = manager.authorize(pay())

    assert response.error_code is ErrorCode.PROCESSING_ERROR
    assert "'risk'" in (response.psp_error_message or "")
    assert response.error == ErrorCode.PROCESSING_ERROR.user_message  # nothing internal shown
    assert fake.calls == []


# -- Containing plugin faults --------------------------------------------------


def test_a_plugin_exception_becomes_a_processing_error(
    manager: PluginManager, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(payment: PaymentData) -> None:
        raise KeyError(f"card {payment.token} not understood")

    manager.register(FakeGateway(authorize=explode), "fake")

    payment = pay(token=CARD)
    with caplog.at_level(logging.ERROR, logger="gateway_plugins"):
        response = manager.authorize(payment)

    assert not response.is_success
    assert response.error_code is ErrorCode.PROCESSING_ERROR
    # The gateway may have charged before it raised: neither approved nor declined,
    # and as it does not declare idempotency, the host must look before retrying.
    assert response.outcome_unknown
    assert response.retry_advice is RetryAdvice.CHECK_STATUS
    assert response.idempotency_key == payment.idempotency_key
    assert "'fake'" in (response.psp_error_message or "")
    assert response.error == outcome_unknown_message()  # not "please try again"
    assert response.amount == Decimal("10.00") and response.currency == "USD"
    assert "Traceback" in caplog.text and "KeyError" in caplog.text
    # The card number in the exception text reaches neither the log nor the response.
    assert CARD not in caplog.text
    assert CARD not in response.model_dump_json()


def test_raise_plugin_errors_reraises_for_debugging() -> None:
    manager = PluginManager(discover=False, raise_plugin_errors=True)

    def explode(payment: PaymentData) -> None:
        raise ZeroDivisionError("bug")

    manager.register(FakeGateway(authorize=explode), "fake")

    with pytest.raises(ZeroDivisionError):
        manager.authorize(pay())


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (lambda payment: {"is_success": True}, "returned dict, not a GatewayResponse"),
        (lambda payment: None, "returned NoneType, not a GatewayResponse"),
        (approve(TransactionKind.REFUND), "returned kind 'refund' for 'authorize'"),
    ],
    ids=["wrong-type", "none", "wrong-kind"],
)
def test_a_malformed_answer_becomes_a_processing_error(
    manager: PluginManager, caplog: pytest.LogCaptureFixture, answer: Any, problem: str
) -> None:
    manager.register(FakeGateway(authorize=answer), "fake")

    response = manager.authorize(pay())

    assert response.error_code is ErrorCode.PROCESSING_ERROR
    assert problem in (response.psp_error_message or "")
    assert problem in caplog.text


@pytest.mark.parametrize(
    "reported", [{"amount": "9.00"}, {"currency": "EUR"}], ids=["amount", "currency"]
)
def test_a_success_for_another_amount_or_currency_is_never_a_success(
    manager: PluginManager, reported: dict[str, str]
) -> None:
    def odd(payment: PaymentData) -> GatewayResponse:
        return GatewayResponse(
            **{"is_success": True, "kind": TransactionKind.AUTH, "amount": "10.00",
               "currency": "USD", "transaction_id": "ch_odd", **reported}
        )  # fmt: skip

    manager.register(FakeGateway(authorize=odd), "fake")

    response = manager.authorize(pay())

    assert not response.is_success
    assert response.error_code is ErrorCode.PROCESSING_ERROR
    assert response.psp_error_code == ECHO_MISMATCH
    assert response.retry_advice is RetryAdvice.DO_NOT_RETRY
    assert "10.00 USD" in (response.psp_error_message or "")
    assert response.transaction_id == "ch_odd"  # kept, so the host can look into it


def test_card_data_in_raw_response_is_scrubbed(
    manager: PluginManager, caplog: pytest.LogCaptureFixture
) -> None:
    def leak(payment: PaymentData) -> GatewayResponse:
        raw = {"source": {"number": "4000 0000 0000 0002", "cvc": "123"}, "note": f"pan {CARD}"}
        return GatewayResponse.success(payment, TransactionKind.AUTH, "t", raw_response=raw)

    manager.register(FakeGateway(authorize=leak), "fake")

    response = manager.authorize(pay())

    dumped = response.model_dump_json()
    assert CARD not in dumped and "4000 0000 0000 0002" not in dumped and '"123"' not in dumped
    assert "returned card data or secrets in raw_response" in caplog.text


def test_secrets_of_the_configuration_are_scrubbed_from_errors(manager: PluginManager) -> None:
    def explode(payment: PaymentData) -> None:
        raise RuntimeError("401 for key sk_test_supersecret")

    manager.register(FakeGateway(authorize=explode), "fake")
    config = GatewayConfig(
        gateway_name="F",
        supported_currencies="USD",
        connection_params={"api_key": "sk_test_supersecret"},
    )
    manager.configure("fake", config)

    response = manager.authorize(pay())

    assert "sk_test_supersecret" not in response.model_dump_json()
    assert "sk_test_supersecret" not in repr(config)


# -- Registration ----------------------------------------------------------------


def test_duplicate_gateway_id_is_refused(manager: PluginManager, fake: FakeGateway) -> None:
    with pytest.raises(PluginRegistrationError, match="gateway id 'fake' is already provided"):
        manager.register(FakeGateway("fake"), "other")
    assert [p.name for p in manager.plugins] == ["fake"]


def test_declared_capability_without_its_hook_is_refused(manager: PluginManager) -> None:
    with pytest.raises(PluginRegistrationError, match="declares 'void' but does not implement"):
        manager.register(FakeGateway(capabilities=frozenset({Capability.VOID})), "fake")


def test_hook_without_declared_capability_is_refused(manager: PluginManager) -> None:
    class Voider(FakeGateway):
        @hookimpl
        def void(self, payment_information: PaymentData, previous_value: object) -> Any:
            return approve(TransactionKind.VOID)(payment_information)

    with pytest.raises(PluginRegistrationError, match="implements 'void' but does not declare"):
        manager.register(Voider(), "fake")


def test_hook_parameter_defaults_are_refused(manager: PluginManager) -> None:
    class Defaults:
        @hookimpl
        def authorize(self, payment_information: PaymentData, previous_value: object = None) -> Any:
            return previous_value

    with pytest.raises(PluginRegistrationError, match="previous_value must not have default"):
        manager.register(Defaults(), "defaults")
    assert manager.plugins == []


def test_unknown_hook_is_refused(manager: PluginManager) -> None:
    class Typo:
        @hookimpl
        def authorise(self, payment_information: PaymentData, previous_value: object) -> Any:
            return previous_value

    with pytest.raises(PluginRegistrationError, match="authorise"):
        manager.register(Typo(), "typo")


def test_a_gateway_must_describe_itself_with_gateway_info(manager: PluginManager) -> None:
    class Bad(FakeGateway):
        @hookimpl
        def gateway_info(self) -> Any:
            return {"id": "bad"}

    with pytest.raises(PluginRegistrationError, match="returned dict, not a GatewayInfo"):
        manager.register(Bad(), "bad")


def test_unregister_removes_the_gateway(manager: PluginManager, fake: FakeGateway) -> None:
    manager.authorize(pay())
    manager.unregister("fake")

    with pytest.raises(UnknownGatewayError):
        manager.authorize(pay())


# -- Configuration -----------------------------------------------------------------


def test_default_configuration_comes_from_the_plugin(
    manager: PluginManager, fake: FakeGateway
) -> None:
    assert fake.config is not None and fake.config.supported_currencies == ("USD", "EUR")


def test_configure_switches_currencies(manager: PluginManager, fake: FakeGateway) -> None:
    manager.configure("fake", GatewayConfig(gateway_name="Fake JP", supported_currencies=["JPY"]))

    assert manager.authorize(pay(currency="JPY", amount="500")).is_success
    with pytest.raises(UnsupportedCurrencyError):
        manager.authorize(pay())
    assert manager.list_gateways()[0].name == "Fake JP"


def test_configs_given_at_construction_win_over_defaults() -> None:
    config = GatewayConfig(gateway_name="PLN", supported_currencies="PLN")
    manager = PluginManager(discover=False, configs={"fake": config})
    gateway = FakeGateway()
    manager.register(gateway, "fake")

    assert gateway.config == config


def test_a_refused_configuration_keeps_the_previous_one(
    manager: PluginManager, fake: FakeGateway
) -> None:
    bad = GatewayConfig(
        gateway_name="F", supported_currencies="PLN", connection_params={"refuse": True}
    )

    with pytest.raises(ValueError, match="refused its configuration.*refuse is set"):
        manager.configure("fake", bad)
    assert manager.authorize(pay()).is_success


def test_a_gateway_refusing_its_defaults_is_listed_with_the_reason() -> None:
    manager = PluginManager(
        discover=False,
        configs={"fake": GatewayConfig(gateway_name="F", supported_currencies="USD",
                                       connection_params={"refuse": True})},
    )  # fmt: skip
    manager.register(FakeGateway(), "fake")

    with pytest.raises(InactiveGatewayError, match="refuse is set"):
        manager.authorize(pay())
    assert manager.plugins[0].problem is not None


# -- Client tokens ---------------------------------------------------------------


class Tokens(FakeGateway):
    def __init__(self, answer: Any) -> None:
        super().__init__(capabilities=frozenset({Capability.CLIENT_TOKEN}))
        self.token_answer = answer

    @hookimpl
    def get_client_token(self, token_config: Any, previous_value: Any) -> Any:
        return self.token_answer()


def test_get_client_token(manager: PluginManager) -> None:
    counter = iter(range(100))
    manager.register(Tokens(lambda: f"tok-{next(counter)}"), "fake")

    assert manager.get_client_token("fake") != manager.get_client_token("fake")


@pytest.mark.parametrize("answer", [lambda: 1 / 0, lambda: None, lambda: ""])
def test_a_client_token_failure_is_a_typed_error(manager: PluginManager, answer: Any) -> None:
    manager.register(Tokens(answer), "fake")

    with pytest.raises(ClientTokenError, match="'fake'"):
        manager.get_client_token("fake")


# -- Threads -----------------------------------------------------------------------


def test_one_manager_serves_many_threads_while_being_reconfigured(
    manager: PluginManager, fake: FakeGateway
) -> None:
    errors: list[BaseException] = []
    results: list[GatewayResponse] = []

    def pay_many() -> None:
        try:
            for _ in range(300):
                results.append(manager.authorize(pay()))
        except BaseException as exc:  # collected: a thread's failure must fail the test
            errors.append(exc)

    def reconfigure() -> None:
        for index in range(100):
            name = f"F{index}"
            manager.configure("fake", GatewayConfig(gateway_name=name, supported_currencies="USD"))

    threads = [threading.Thread(target=pay_many) for _ in range(6)]
    threads.append(threading.Thread(target=reconfigure))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(results) == 1800 and all(r.is_success for r in results)


def test_an_implementation_may_omit_arguments_it_does_not_use(
    manager: PluginManager, fake: FakeGateway
) -> None:
    class Counter:
        count = 0

        @hookimpl(trylast=True)
        def authorize(self, previous_value: GatewayResponse) -> GatewayResponse:
            Counter.count += 1
            return previous_value

    manager.register(Counter(), "counter")

    assert manager.authorize(pay()).is_success
    assert Counter.count == 1


class NeedsCredentials(FakeGateway):
    """Refuses any configuration without an api_key, its default included."""

    @hookimpl
    def configure_gateway(self, config: GatewayConfig) -> None:
        if "api_key" not in config.connection_params:
            raise ValueError("connection_params.api_key is required")
        self.config = config


def test_refused_defaults_are_news_but_a_refused_host_configuration_is_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="gateway_plugins"):
        PluginManager(discover=False).register(NeedsCredentials("creds"), "a")
        PluginManager(
            discover=False,
            configs={"creds": GatewayConfig(gateway_name="C", supported_currencies="USD")},
        ).register(NeedsCredentials("creds"), "b")

    levels = [r.levelno for r in caplog.records if "is not configured" in r.getMessage()]
    assert levels == [logging.INFO, logging.WARNING]
