"""``gateway-plugins --config FILE``: gateways configured from a TOML file.

Most tests use the installed bundled plugins (dummy, stripe) through their entry
points, as a user's command does; a few register a plugin of their own.
"""

from __future__ import annotations

import json
import logging
import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest

from gateway_plugins import (
    GatewayConfig,
    GatewayInfo,
    GatewayResponse,
    PaymentData,
    PluginManager,
    TransactionKind,
    hookimpl,
)
from gateway_plugins.cli import main
from gateway_plugins.cli.gateways import CONFIG_VARIABLE
from gateway_plugins.config_file import ENV_VARIABLE

pytest.importorskip("gateway_plugins_dummy")

SECRET = "sk_test_never_print_this_0042"
CARD = "4111111111111111"
PAY_DUMMY = ["pay", "--gateway", "dummy", "--amount", "10.00", "--currency", "USD"]

DUMMY = """
[gateways.dummy]
label = "Test cards"
[gateways.dummy.configuration]
gateway_name = "Test cards"
auto_capture = false
supported_currencies = ["USD", "EUR"]
"""


@pytest.fixture(autouse=True)
def no_default_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VARIABLE, raising=False)


def write(tmp_path: Path, text: str, name: str = "gateways.toml") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str, **kwargs: object) -> tuple[int, str, str]:
    status = main(list(argv), **kwargs)  # type: ignore[arg-type]
    out, err = capsys.readouterr()
    return status, out, err


def test_config_file_configures_the_gateway(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, DUMMY)

    status, out, err = run(capsys, "--config", path, *PAY_DUMMY, "--token", CARD, "--json")

    assert (status, err) == (0, "")
    assert json.loads(out)["kind"] == "auth"  # auto_capture = false
    status, out, _ = run(capsys, *PAY_DUMMY, "--token", CARD, "--json")
    assert json.loads(out)["kind"] == "capture"  # the plugin's default


def test_config_option_after_the_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, DUMMY)

    status, out, _ = run(capsys, *PAY_DUMMY, "--token", CARD, "--json", "--config", path)

    assert status == 0
    assert json.loads(out)["kind"] == "auth"


def test_environment_variable_names_the_default_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VARIABLE, write(tmp_path, DUMMY))

    status, out, _ = run(capsys, *PAY_DUMMY, "--token", CARD, "--json")
    assert (status, json.loads(out)["kind"]) == (0, "auth")

    other = write(tmp_path, "[gateways.dummy]\n", "other.toml")
    status, out, _ = run(capsys, "--config", other, *PAY_DUMMY, "--token", CARD, "--json")
    assert (status, json.loads(out)["kind"]) == (0, "capture")  # --config wins


def test_the_command_and_the_module_name_the_same_variable() -> None:
    assert CONFIG_VARIABLE == ENV_VARIABLE


def test_missing_files_are_one_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = str(tmp_path / "nowhere.toml")

    status, out, err = run(capsys, "--config", missing, "list")
    assert (status, out) == (2, "")
    assert err == f"gateway-plugins: error: {missing}: no such file\n"

    monkeypatch.setenv(ENV_VARIABLE, missing)
    status, out, err = run(capsys, *PAY_DUMMY, "--token", CARD)
    assert (status, out) == (2, "")
    assert err == (f"gateway-plugins: error: {missing}: no such file (named by ${ENV_VARIABLE})\n")


def test_invalid_toml_is_one_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path, "[gateways.dummy\n")

    status, _, err = run(capsys, "--config", path, *PAY_DUMMY, "--token", CARD)

    assert status == 2
    assert err.startswith(f"gateway-plugins: error: {path}: not valid TOML: ")
    assert len(err.splitlines()) == 1


def test_a_broken_entry_for_another_gateway_is_a_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        DUMMY
        + """
        [gateways.stripe.configuration]
        gateway_name = "Stripe"
        supported_currencies = "USD"
        connection_params = { secret_key = "${STRIPE_KEY_NOT_SET}" }
        """,
    )

    status, out, err = run(capsys, "--config", path, *PAY_DUMMY, "--token", CARD)

    assert status == 0
    assert "status: approved" in out
    assert err == (
        f"gateway-plugins: warning: {path}: gateway 'stripe': "
        "configuration.connection_params.secret_key: "
        "environment variable STRIPE_KEY_NOT_SET is not set\n"
    )


def test_a_broken_entry_for_the_gateway_used_is_an_error_per_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        """
        [gateways.dummy]
        colour = "red"
        [gateways.dummy.configuration]
        gateway_name = "Dummy"
        supported_currencies = ["USD", "XYZ"]
        """,
    )

    status, out, err = run(capsys, "--config", path, *PAY_DUMMY, "--token", CARD)

    assert (status, out) == (2, "")
    assert err.splitlines() == [
        f"gateway-plugins: error: {path}: gateway 'dummy': configuration.supported_currencies: "
        "'XYZ' is not an ISO 4217 currency code",
        f"gateway-plugins: error: {path}: gateway 'dummy': colour: unknown field; "
        "a gateway table takes plugin, label, configuration",
    ]


def test_unknown_plugin(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path, '[gateways.shop]\nplugin = "nope"\n')

    status, _, err = run(capsys, "--config", path, "pay", "--gateway", "shop",
                         "--amount", "1", "--currency", "USD", "--token", CARD)  # fmt: skip

    assert status == 2
    [line] = [line for line in err.splitlines() if "nope" in line]
    assert line.startswith(
        f"gateway-plugins: error: {path}: gateway 'shop': plugin: "
        "no plugin is installed as 'nope' (installed: "
    )
    assert "dummy" in line


def test_table_name_must_be_the_plugins_gateway_id(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(tmp_path, '[gateways.cards]\nplugin = "dummy"\n')

    status, _, err = run(capsys, "--config", path, "pay", "--gateway", "cards",
                         "--amount", "1", "--currency", "USD", "--token", CARD)  # fmt: skip

    assert status == 2
    assert (
        f"gateway-plugins: error: {path}: gateway 'cards': plugin: plugin 'dummy' provides the "
        "gateway 'dummy', and one plugin is one gateway today: name the table [gateways.dummy]"
    ) in err.splitlines()


def test_a_gateway_that_needs_configuration(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("gateway_plugins_stripe")
    pay = ["pay", "--gateway", "stripe", "--amount", "1", "--currency", "USD", "--token", "pm_x"]

    status, _, err = run(capsys, *pay)
    assert status == 2
    assert err == (
        "gateway-plugins: error: gateway 'stripe' needs configuration: "
        "connection_params.secret_key is required (sk_test_… or sk_live_…) "
        "(give it in a configuration file: --config FILE)\n"
    )

    path = write(tmp_path, "[gateways.stripe]\n")
    status, _, err = run(capsys, "--config", path, *pay)
    assert status == 2
    assert err == (
        f"gateway-plugins: error: {path}: gateway 'stripe': configuration: missing, and the "
        "plugin needs one: connection_params.secret_key is required (sk_test_… or sk_live_…)\n"
    )


# -- A plugin of our own: refusing a currency, leaking its secret ----------------------

picky_log = logging.getLogger("picky_plugin")


class PickyGateway:
    """Takes USD and EUR only, and is careless with its API key."""

    config: GatewayConfig | None = None

    @hookimpl
    def gateway_info(self) -> GatewayInfo:
        config = GatewayConfig(gateway_name="Picky", supported_currencies="USD")
        return GatewayInfo(id="picky", name="Picky PSP", default_config=config)

    @hookimpl
    def configure_gateway(self, config: GatewayConfig) -> None:
        refused = set(config.supported_currencies) - {"USD", "EUR"}
        if refused:
            raise ValueError(
                f"supported_currencies: Picky PSP takes USD and EUR only, not {sorted(refused)}"
            )
        self.config = config

    @hookimpl
    def process_payment(self, payment_information: PaymentData) -> GatewayResponse:
        assert self.config is not None
        key = self.config.secret("api_key")
        picky_log.warning("calling Picky with key %s", key)
        return GatewayResponse.success(
            payment_information, TransactionKind.CAPTURE, "p-1", raw_response={"echo": key}
        )


def picky_manager(
    *, configs: Mapping[str, GatewayConfig], plugin: str | None = None, gateway: str | None = None
) -> PluginManager:
    manager = PluginManager(discover=False, configs=configs)
    manager.register(PickyGateway(), "picky-plugin")
    return manager


PICKY = """
[gateways.picky]
plugin = "picky-plugin"
label = "Picky (EU)"
[gateways.picky.configuration]
gateway_name = "Picky"
supported_currencies = {currencies}
connection_params = {{ api_key = "${{PICKY_KEY}}" }}
"""

PAY_PICKY = ["pay", "--gateway", "picky", "--amount", "5", "--currency", "USD", "--token", CARD]


def test_a_currency_the_plugin_cannot_take_is_one_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PICKY_KEY", SECRET)
    path = write(tmp_path, PICKY.format(currencies='["USD", "JPY"]'))

    status, out, err = run(capsys, "--config", path, *PAY_PICKY, manager_factory=picky_manager)

    assert (status, out) == (2, "")
    # Once, from the command: not a second time from the registry's log.
    assert err == (
        f"gateway-plugins: error: {path}: gateway 'picky': configuration: refused by plugin "
        "'picky-plugin': supported_currencies: Picky PSP takes USD and EUR only, not ['JPY']\n"
    )


def test_a_configured_secret_is_never_printed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PICKY_KEY", SECRET)
    path = write(tmp_path, PICKY.format(currencies='"USD"'))

    for extra in [[], ["--json"], ["-v"]]:
        status, out, err = run(
            capsys, "--config", path, *PAY_PICKY, *extra, manager_factory=picky_manager
        )
        assert status == 0
        assert SECRET not in out + err
        assert "calling Picky with key [REDACTED]" in err


def test_list_shows_labels_and_what_is_missing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PICKY_KEY", SECRET)
    path = write(tmp_path, PICKY.format(currencies='["USD", "JPY"]'))

    status, out, err = run(capsys, "--config", path, "list", manager_factory=picky_manager)

    assert status == 0
    assert out.splitlines() == [
        "picky-plugin",
        "  gateway:      picky: Picky (EU) (Picky PSP)",
        "  status:       configuration refused: supported_currencies: Picky PSP takes USD and EUR "
        "only, not",
        "                ['JPY']",
        "  currencies:   -",
        "  capabilities: -",
    ]
    assert err.startswith(f"gateway-plugins: warning: {path}: gateway 'picky': configuration: ")
    status, out, _ = run(capsys, "--config", path, "list", "--json", manager_factory=picky_manager)
    data = json.loads(out)
    assert data["plugins"][0]["label"] == "Picky (EU)"
    assert data["plugins"][0]["status"].startswith("configuration refused: supported_currencies")
    assert data["problems"] == [err.removeprefix("gateway-plugins: warning: ").rstrip("\n")]


def test_list_of_the_installed_plugins_fits_100_columns(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(capsys, "list")

    assert status == 0
    assert max(map(len, out.splitlines())) <= 100
    if "stripe (" in out:  # unconfigured: what it needs, not the refusal's exception
        assert "  status:       needs configuration: connection_params.secret_key" in out
        assert "ValueError" not in out
