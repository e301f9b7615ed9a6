"""``gateway-plugins check``: the kit from the command line.

In process through :func:`run_check`, and as a real command in a subprocess
(the bundled plugins, with nothing but their entry point names).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from gateway_plugins_dummy import DummyGatewayPlugin

from gateway_plugins.conformance import all_checks
from gateway_plugins.conformance.cli import add_check_parser, run_check
from tests.conformance import broken_plugins
from tests.conformance.broken_plugins import dummy_inputs

CHECK_IDS = list(all_checks())
#: The dummy passes every check (its hosted-checkout token covers 'redirect').
DUMMY_PASSES = f"{len(CHECK_IDS)} passed, 0 failed, 0 skipped"
#: The plugins that come with gateway-plugins, by entry point name.
BUNDLED = ("dummy", "stripe", "adyen", "authorizenet")


@pytest.fixture(autouse=True)
def _no_offered_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    # The dummy offers conformance_inputs(); tests here decide what it offers.
    monkeypatch.delattr(DummyGatewayPlugin, "conformance_inputs", raising=False)


def _offer_dummy_inputs(monkeypatch: pytest.MonkeyPatch, cls: type = DummyGatewayPlugin) -> None:
    offered = dummy_inputs(None)
    monkeypatch.setattr(cls, "conformance_inputs", lambda self: offered, raising=False)


def _check_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="gateway-plugins")
    add_check_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["check", *argv])


def _install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, target: str) -> None:
    """Publish ``target`` as the entry point ``name`` of a throwaway distribution."""
    dist_info = tmp_path / "kit_test_plugin-0.1.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: kit-test-plugin\nVersion: 0.1\n"
    )
    (dist_info / "entry_points.txt").write_text(f"[gateway_plugins.gateways]\n{name} = {target}\n")
    monkeypatch.syspath_prepend(str(tmp_path))


def test_check_passes_the_dummy_with_the_inputs_it_offers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _offer_dummy_inputs(monkeypatch)
    report_file = tmp_path / "report.json"

    status = run_check(_check_args("dummy", "--report", str(report_file)))

    out = capsys.readouterr().out
    assert status == 0
    assert out.startswith(f"Conformance of dummy 0.1.0 (gateway 'dummy'): {DUMMY_PASSES}")
    assert json.loads(report_file.read_text())["reports"][0]["ok"] is True


def test_check_json_prints_the_same_document(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _offer_dummy_inputs(monkeypatch)

    assert run_check(_check_args("dummy", "--json")) == 0

    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "gateway-plugins-conformance"
    assert data["reports"][0]["plugin"] == "dummy"


def test_check_fails_a_plugin_without_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_check(_check_args("dummy")) == 1

    out = capsys.readouterr().out
    assert "no success_token" in out


def test_check_fails_an_installed_broken_plugin(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _install(monkeypatch, tmp_path, "leaky", "tests.conformance.broken_plugins:LeaksCardNumber")
    _offer_dummy_inputs(monkeypatch, broken_plugins.LeaksCardNumber)

    status = run_check(_check_args("leaky"))

    out = capsys.readouterr().out
    assert status == 1
    assert out.startswith("Conformance of leaky 0.1 (gateway 'broken-leaks-card-number')")
    assert "scrubbing" in out and "the card number appears in raw_response" in out


def test_check_usage_errors_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_check(_check_args("no-such-plugin")) == 2
    assert (
        "no plugin is installed under the entry point 'no-such-plugin'" in capsys.readouterr().err
    )

    _offer_dummy_inputs(monkeypatch)
    unwritable = tmp_path / "missing-directory" / "report.json"
    assert run_check(_check_args("dummy", "--report", str(unwritable))) == 2
    assert "cannot write" in capsys.readouterr().err


# -- --inputs and --timeout ---------------------------------------------------------------


@pytest.fixture
def inputs_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A module in the current directory (as a plugin author has one) with the dummy's inputs."""
    (tmp_path / "acme_kit_inputs.py").write_text(
        "from tests.conformance.broken_plugins import dummy_inputs\n"
        "def inputs():\n"
        "    return dummy_inputs(None)\n"
        "NOT_INPUTS = 42\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the command adds the current directory
    monkeypatch.delitem(sys.modules, "acme_kit_inputs", raising=False)
    return "acme_kit_inputs"


def test_check_takes_the_inputs_a_callable_gives(
    inputs_module: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = run_check(_check_args("dummy", "--inputs", f"{inputs_module}:inputs"))

    out = capsys.readouterr().out
    assert status == 0, out
    assert DUMMY_PASSES in out.splitlines()[0]


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("acme_kit_inputs", "expected MODULE:CALLABLE"),
        ("acme_kit_inputs:nothing", "'acme_kit_inputs' has no 'nothing'"),
        ("acme_kit_inputs:NOT_INPUTS", "gave int, not a ConformanceInputs"),
        ("no_such_kit_module:inputs", "cannot import 'no_such_kit_module': ModuleNotFoundError"),
    ],
)
def test_check_says_what_is_wrong_with_inputs_it_cannot_use(
    inputs_module: str, spec: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_check(_check_args("dummy", "--inputs", spec)) == 2

    err = capsys.readouterr().err
    assert err.startswith(f"gateway-plugins: error: --inputs {spec!r}")
    assert words in err


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Lets go of whatever the test left blocked (its thread would otherwise wait 20 s)."""
    event = threading.Event()
    yield event
    event.set()


def test_check_timeout_bounds_loading_the_plugin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], release: threading.Event
) -> None:
    offered = dummy_inputs(None)

    def conformance_inputs(self: object) -> object:
        release.wait(20)  # a test PSP that never comes up
        return offered

    monkeypatch.setattr(DummyGatewayPlugin, "conformance_inputs", conformance_inputs, raising=False)

    status = run_check(_check_args("dummy", "--timeout", "0.5", "--json"))

    checks = {c["id"]: c for c in json.loads(capsys.readouterr().out)["reports"][0]["checks"]}
    assert status == 1
    assert checks["load"]["message"].startswith(
        "load: loading the plugin did not finish within 0.5 s (at conformance_inputs in "
        "test_check_command.py:"
    )
    assert checks["refund"]["message"].startswith("refund: not run: loading the plugin")


@pytest.mark.parametrize("value", ["0", "-1", "nan", "soon"])
def test_check_timeout_must_be_positive_seconds(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        _check_args("dummy", "--timeout", value)

    assert "--timeout: must be a positive number of seconds" in capsys.readouterr().err


# -- the real command ---------------------------------------------------------------------


def _command(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``gateway-plugins ARGV`` in a directory outside the repository (installed code only)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, "-m", "gateway_plugins.cli", *argv],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("name", BUNDLED)
def test_every_bundled_plugin_passes_check_with_only_the_matrix_printed(
    name: str, tmp_path: Path
) -> None:
    result = _command("check", name, cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    header, columns, *rows = result.stdout.splitlines()
    assert header.startswith(f"Conformance of {name} ") and " 0 failed" in header
    assert columns.split() == ["CHECK", "CAPABILITY", "OUTCOME", "DETAIL"]
    assert [row.split()[0] for row in rows] == CHECK_IDS


@pytest.mark.parametrize("argv", [("check", "dummy", "-v"), ("-v", "check", "dummy")])
def test_check_verbose_shows_what_the_checks_log(argv: tuple[str, ...], tmp_path: Path) -> None:
    result = _command(*argv, cwd=tmp_path)

    assert result.returncode == 0
    assert "gateway 'dummy' rejected the notification" in result.stderr  # the forged webhooks
    assert result.stdout.startswith("Conformance of dummy ")


def test_config_file_configuration_is_what_the_kit_checks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gateway_plugins.cli import main

    _offer_dummy_inputs(monkeypatch)
    config = tmp_path / "gateways.toml"
    config.write_text(
        '[gateways.dummy]\nplugin = "dummy"\n'
        '[gateways.dummy.configuration]\ngateway_name = "Sandbox"\n'
        'supported_currencies = ["USD"]\n'
    )

    status = main(["--config", str(config), "check", "dummy", "--json"])
    report = json.loads(capsys.readouterr().out)["reports"][0]
    messages = {check["id"]: check["message"] for check in report["checks"]}

    assert status == 0
    # The file's configuration, not the plugin's own (USD, EUR, GBP, PLN, JPY, KWD):
    assert (
        "no currency with 0 decimals among the currencies to try (USD)"
        in (messages["zero_decimal_currency"])
    )


def test_check_ignores_the_configuration_named_only_by_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gateway_plugins.cli import main

    _offer_dummy_inputs(monkeypatch)
    config = tmp_path / "gateways.toml"
    config.write_text('[gateways.dummy]\n[gateways.dummy.configuration]\ngateway_name = "Live"\n'
                      'supported_currencies = ["USD"]\n')  # fmt: skip
    monkeypatch.setenv("GATEWAY_PLUGINS_CONFIG", str(config))

    main(["check", "dummy", "--json"])
    report = json.loads(capsys.readouterr().out)["reports"][0]
    messages = {check["id"]: check["message"] for check in report["checks"]}

    assert "paid 1234 JPY" in messages["zero_decimal_currency"]  # the plugin's own currencies
