"""Tests of configuration files (:mod:`gateway_plugins.config_file`)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from pydantic import SecretStr

from gateway_plugins.config_file import (
    ENV_VARIABLE,
    ConfigFileError,
    Problem,
    default_path,
    load,
    parse,
)

SECRET = "sk_test_do_not_print_me_42"

EXAMPLE = """
[gateways.dummy]                 # the gateway id hosts use in PaymentData.gateway
plugin = "dummy"                 # the plugin's entry point name (default: the table name)
label = "Test cards"             # optional, for admins
[gateways.dummy.configuration]   # a GatewayConfig
gateway_name = "Test cards"
auto_capture = false
supported_currencies = ["USD", "EUR"]
[gateways.dummy.configuration.connection_params]
api_key = "${DUMMY_API_KEY}"     # ${ENV_VAR} references; secrets never written in the file
"""


def problems(text: str, environ: dict[str, str] | None = None) -> list[str]:
    return [str(p) for p in parse(textwrap.dedent(text), "gw.toml", environ or {}).problems]


def test_the_documented_example_loads() -> None:
    file = parse(EXAMPLE, "gw.toml", {"DUMMY_API_KEY": SECRET})

    assert file.problems == ()
    entry = file.gateways["dummy"]
    assert (entry.id, entry.plugin, entry.label) == ("dummy", "dummy", "Test cards")
    config = file.configs()["dummy"]
    assert config.auto_capture is False
    assert config.supported_currencies == ("USD", "EUR")
    assert isinstance(config.connection_params["api_key"], SecretStr)
    assert config.secret("api_key") == SECRET
    assert SECRET not in repr(file)
    assert file.hidden == (SECRET,)


def test_plugin_defaults_to_the_table_name_and_configuration_is_optional() -> None:
    file = parse("[gateways.stripe]\n", "gw.toml", {})

    assert file.gateways["stripe"].plugin == "stripe"
    assert file.gateways["stripe"].configuration is None
    assert file.configs() == {}
    assert file.plugin_for("stripe") == "stripe"
    assert file.plugin_for("not-in-the-file") == "not-in-the-file"


def test_references_whole_and_embedded() -> None:
    text = """
    [gateways.g.configuration]
    gateway_name = "${NAME} cards"
    supported_currencies = "${CURRENCIES}"
    [gateways.g.configuration.connection_params]
    base_url = "https://${HOST}:${PORT}/v1"
    price = "costs $5, not ${ CURRENCIES}"
    """
    environ = {"NAME": "Test", "CURRENCIES": "USD, EUR", "HOST": "psp.test", "PORT": "8443"}

    assert problems(text, environ) == [
        "gw.toml: gateway 'g': configuration.connection_params.price: a ${...} reference must "
        "name an environment variable: letters, digits and _, not starting with a digit"
    ]
    text = text.replace("${ CURRENCIES}", "CURRENCIES")
    config = parse(textwrap.dedent(text), "gw.toml", environ).configs()["g"]
    assert config.gateway_name == "Test cards"
    assert config.supported_currencies == ("USD", "EUR")
    assert config.connection_params["base_url"] == "https://psp.test:8443/v1"
    assert config.connection_params["price"] == "costs $5, not CURRENCIES"


def test_every_problem_is_reported_once_naming_file_gateway_and_field() -> None:
    text = """
    colour = "blue"
    [gateways.good]
    plugin = "dummy"
    [gateways.bad]
    plugin = 5
    weight = 1
    [gateways.bad.configuration]
    gateway_name = ""
    auto_capture = "${AUTO_CAPTURE}"
    supported_currencies = ["USD", "XYZ"]
    mode = "live"
    [gateways.bad.configuration.connection_params]
    api_key = "${MISSING_KEY}"
    other = "${EMPTY}"
    broken = "${UNCLOSED"
    [gateways.worse]
    configuration = 4
    [gateways."no spaces"]
    [gateways.self]
    id = "other"
    """

    assert problems(text, {"EMPTY": ""}) == [
        "gw.toml: colour: unknown key; the file holds [gateways.ID] tables",
        "gw.toml: gateway 'bad': configuration.auto_capture: "
        "environment variable AUTO_CAPTURE is not set",
        "gw.toml: gateway 'bad': configuration.connection_params.api_key: "
        "environment variable MISSING_KEY is not set",
        "gw.toml: gateway 'bad': configuration.connection_params.other: "
        "environment variable EMPTY is empty",
        "gw.toml: gateway 'bad': configuration.connection_params.broken: "
        "an unclosed ${ (write references as ${NAME})",
        "gw.toml: gateway 'bad': plugin: must be a string, not an integer",
        "gw.toml: gateway 'bad': configuration.gateway_name: must not be empty or only whitespace",
        "gw.toml: gateway 'bad': configuration.supported_currencies: "
        "'XYZ' is not an ISO 4217 currency code",
        "gw.toml: gateway 'bad': configuration.mode: unknown field; a configuration takes "
        "gateway_name, auto_capture, supported_currencies, connection_params, store_customer, "
        "require_3d_secure, active",
        "gw.toml: gateway 'bad': weight: unknown field; a gateway table takes plugin, label, "
        "configuration",
        "gw.toml: gateway 'worse': configuration: must be a table, not an integer",
        "gw.toml: gateway 'no spaces': not a gateway id: letters, digits and _ . : - (not first)",
        "gw.toml: gateway 'self': id: the gateway id is the table's name ([gateways.ID]), "
        "not a field",
    ]


def test_a_broken_entry_never_stops_the_others() -> None:
    text = """
    [gateways.first]
    configuration = { gateway_name = "First", supported_currencies = "USD" }
    [gateways.broken]
    configuration = { gateway_name = "Broken", supported_currencies = "XAU" }
    [gateways.last]
    label = "Last"
    """
    file = parse(textwrap.dedent(text), "gw.toml", {})

    assert list(file.gateways) == ["first", "last"]
    assert file.broken == {"broken"}
    assert [p.gateway for p in file.problems] == ["broken"]
    assert list(file.configs()) == ["first"]


def test_wrong_types_name_what_was_expected_and_found() -> None:
    text = """
    [gateways.g]
    label = 3.5
    [gateways.g.configuration]
    gateway_name = "G"
    auto_capture = "sometimes"
    supported_currencies = 4
    connection_params = ["a"]
    [gateways.table]
    plugin = { name = "x" }
    [gateways]
    scalar = "not a table"
    """

    assert problems(text) == [
        "gw.toml: gateway 'g': label: must be a string, not a float",
        "gw.toml: gateway 'g': configuration.auto_capture: must be true or false, not a string",
        "gw.toml: gateway 'g': configuration.supported_currencies: "
        "must be an array, not an integer",
        "gw.toml: gateway 'g': configuration.connection_params: must be a table, not an array",
        "gw.toml: gateway 'table': plugin: must be a string, not a table",
        "gw.toml: gateway 'scalar': must be a table: "
        "[gateways.ID] with plugin, label and [configuration]",
    ]


def test_gateways_must_be_a_table() -> None:
    assert problems('gateways = "dummy"') == [
        "gw.toml: gateways: must be a table of [gateways.ID] tables"
    ]


def test_values_from_the_environment_never_appear_in_problems() -> None:
    # The variable names a secret where a currency belongs: the message must not show it.
    text = """
    [gateways.g.configuration]
    gateway_name = "G"
    supported_currencies = ["${STRIPE_SECRET}"]
    """

    found = problems(text, {"STRIPE_SECRET": SECRET})

    assert len(found) == 1
    assert found[0].startswith("gw.toml: gateway 'g': configuration.supported_currencies: ")
    assert SECRET not in found[0]


def test_unreadable_files_raise_one_problem(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    with pytest.raises(ConfigFileError) as caught:
        load(missing)
    assert caught.value.problem == Problem(str(missing), None, None, "no such file")

    broken = tmp_path / "broken.toml"
    broken.write_text("[gateways.dummy]\nplugin = \n")
    with pytest.raises(ConfigFileError, match=r"broken\.toml: not valid TOML: .*line 2"):
        load(broken)

    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe")
    with pytest.raises(ConfigFileError, match="cannot read it: UnicodeDecodeError"):
        load(binary)

    with pytest.raises(ConfigFileError, match="cannot read it: Is a directory"):
        load(tmp_path)


def test_load_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "gateways.toml"
    path.write_text(EXAMPLE)

    file = load(path, {"DUMMY_API_KEY": SECRET})

    assert file.path == str(path)
    assert list(file.gateways) == ["dummy"]


def test_default_path_comes_from_the_environment() -> None:
    assert default_path({ENV_VARIABLE: "/etc/gateways.toml"}) == "/etc/gateways.toml"
    assert default_path({ENV_VARIABLE: ""}) is None
    assert default_path({}) is None
