"""The contract itself: every hook documented where it is declared, no defaults."""

from __future__ import annotations

import inspect

import pytest

import gateway_plugins
from gateway_plugins import hookspecs

HOOKS = [
    name
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
    if hasattr(function, "gateway_plugins_spec")
]
MONEY_HOOKS = ["authorize", "capture", "refund", "void", "process_payment", "confirm_payment"]


def test_the_contract_has_the_expected_hooks() -> None:
    assert sorted(HOOKS) == sorted(
        [
            *MONEY_HOOKS,
            "get_client_token",
            "gateway_info",
            "configure_gateway",
            "handle_notification",
        ]
    )


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented(hook: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs, hook)) or ""
    for section in ("Arguments:", "Returns:", "Called:"):
        assert section in doc, f"hook {hook!r} does not document {section[:-1].lower()}"


@pytest.mark.parametrize("hook", HOOKS)
def test_no_hook_parameter_has_a_default(hook: str) -> None:
    parameters = inspect.signature(getattr(hookspecs, hook)).parameters.values()
    assert all(p.default is inspect.Parameter.empty for p in parameters)


@pytest.mark.parametrize("hook", MONEY_HOOKS)
def test_money_hooks_take_payment_information_and_previous_value(hook: str) -> None:
    parameters = list(inspect.signature(getattr(hookspecs, hook)).parameters)
    assert parameters == ["payment_information", "previous_value"]


@pytest.mark.parametrize("hook", [*MONEY_HOOKS, "get_client_token"])
def test_money_hooks_document_previous_value(hook: str) -> None:
    assert "previous_value" in (inspect.getdoc(getattr(hookspecs, hook)) or "")


def test_client_token_hook_takes_a_token_config() -> None:
    assert list(inspect.signature(hookspecs.get_client_token).parameters) == [
        "token_config",
        "previous_value",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "PluginManager", "PaymentData", "AddressData", "GatewayConfig", "GatewayResponse",
        "CreditCardInfo", "TokenConfig", "TransactionKind", "ErrorCode", "hookimpl",
        "UnknownGatewayError", "InactiveGatewayError", "UnsupportedCurrencyError",
        "OperationNotSupportedError", "PluginRegistrationError", "ClientTokenError",
        "GatewayPluginsError", "TransactionUpdate", "NotificationResult",
        "NotificationRejected", "NotificationError", "EventLog", "MemoryEventLog",
        "NotificationInProgress", "NotificationPolicy", "SqliteEventLog", "CustomerAction",
        "ActionKind", "AmountRangeError", "AmountPrecisionError",
    ],
)  # fmt: skip
def test_public_api(name: str) -> None:
    assert name in gateway_plugins.__all__
    assert getattr(gateway_plugins, name) is not None


def test_importing_the_framework_does_not_import_requests() -> None:
    import subprocess
    import sys

    code = "import sys, gateway_plugins; print('requests' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_package_is_typed() -> None:
    from importlib.resources import files

    assert files("gateway_plugins").joinpath("py.typed").is_file()


def test_the_notification_hook_takes_headers_and_body() -> None:
    assert list(inspect.signature(hookspecs.handle_notification).parameters) == ["headers", "body"]


def test_every_public_name_resolves() -> None:
    for name in gateway_plugins.__all__:
        assert getattr(gateway_plugins, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'PaymentDta'"):
        gateway_plugins.PaymentDta  # noqa: B018


def test_the_pytest_plugin_loads_nothing_of_the_framework() -> None:
    import subprocess
    import sys

    # pytest loads it in every run of every project that has gateway-plugins installed.
    code = (
        "import sys, gateway_plugins.conformance.pytest_plugin; "
        "print(sorted(m for m in ('pydantic', 'gateway_plugins.interface') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
