"""Tests of the ``gateway-plugins`` command (:mod:`gateway_plugins.cli`).

Most tests call ``main`` in-process with a manager built from the plugins in
``tests/cli_gateways.py``. A few run the real command in a subprocess, discovering a plugin
published through a ``.dist-info`` directory on ``PYTHONPATH``. Tests marked
with ``importorskip("gateway_plugins_dummy")`` use the installed dummy gateway.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pydantic
import pytest

from gateway_plugins import PluginManager, __version__
from gateway_plugins.cli import PROG, main
from gateway_plugins.cli.console import Console, secrets_in
from gateway_plugins.cli.payments import validation_message
from tests.cli_gateways import (
    CARD_3DS,
    CARD_DECLINED,
    CARD_OK,
    ECHOED_TOKEN,
    TOKEN_EXPONENT,
    TOKEN_INTERRUPT,
    TOKEN_UNKNOWN,
    TOKEN_UNKNOWN_NO_KEY,
    make_manager,
)


@pytest.fixture(autouse=True)
def no_default_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GATEWAY_PLUGINS_CONFIG", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``main`` in-process; return (exit status, stdout, stderr)."""
    status = main(list(argv), manager_factory=make_manager)
    out, err = capsys.readouterr()
    return status, out, err


def pay_args(token: str = CARD_OK, **options: str) -> list[str]:
    values = {"gateway": "cli", "amount": "10.00", "currency": "USD", **options}
    args = ["pay"]
    for name, value in values.items():
        args += [f"--{name}", value]
    return [*args, "--token", token]


# -- list -----------------------------------------------------------------------


def test_list_json_reports_plugins_and_broken(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "list", "--json")

    assert status == 0
    assert err == ""
    data = json.loads(out)
    assert set(data) == {"plugins", "broken", "problems"}
    assert data["problems"] == []
    plugins = {plugin["name"]: plugin for plugin in data["plugins"]}
    assert plugins["cli-plugin"] == {
        "name": "cli-plugin",
        "distribution": "cli-test-dist",
        "version": "1.2.3",
        "gateway_id": "cli",
        "gateway_name": "CLI Test Gateway",
        "label": None,
        "currencies": ["USD", "JPY"],
        "capabilities": ["idempotency", "three_d_secure", "void"],
        "status": "active",
    }
    assert plugins["off-plugin"]["status"] == "inactive"
    assert plugins["audit"]["gateway_id"] is None
    assert plugins["audit"]["capabilities"] == []
    assert data["broken"] == [
        {
            "name": "ghost",
            "distribution": "ghost-dist",
            "version": "0.9",
            "stage": "import",
            "reason": "ModuleNotFoundError: ghost",
        }
    ]


def test_list_plain_is_one_block_per_plugin(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "list")

    assert status == 0
    blocks = out.split("\n\n")
    assert blocks[0].splitlines() == [
        "audit",
        "  gateway:      none: takes part in every gateway's calls",
    ]
    assert blocks[1].splitlines() == [
        "cli-plugin (cli-test-dist 1.2.3)",
        "  gateway:      cli: CLI Test Gateway",
        "  status:       active",
        "  currencies:   USD, JPY",
        "  capabilities: idempotency, three_d_secure, void",
    ]
    assert "  status:       inactive" in blocks[3].splitlines()
    assert blocks[4] == "Broken plugins:"
    assert blocks[5].splitlines() == [
        "ghost (ghost-dist 0.9)",
        "  failed at:    import",
        "  reason:       ModuleNotFoundError: ghost",
    ]


def test_list_with_no_plugins(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["list"], manager_factory=lambda **_: PluginManager(discover=False))

    assert status == 0
    assert capsys.readouterr().out == "No plugins installed.\n"


# -- pay: responses -------------------------------------------------------------


def test_pay_success_plain(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, *pay_args())

    assert status == 0
    assert err == ""
    assert out.splitlines() == [
        "status: approved",
        "kind: capture",
        "amount: 10.00 USD",
        "transaction_id: t-1",
    ]


def test_pay_declined_plain_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, *pay_args(CARD_DECLINED))

    assert status == 1
    assert "status: declined" in out.splitlines()
    assert "error_code: declined" in out.splitlines()
    assert "error: Your card was declined." in out.splitlines()
    assert "psp_error_code: card_declined" in out.splitlines()
    assert "retry_advice: do_not_retry" in out.splitlines()


def test_pay_declined_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, *pay_args(CARD_DECLINED), "--json")

    assert status == 1
    data = json.loads(out)
    assert data["is_success"] is False
    assert data["error_code"] == "declined"
    assert data["retry_advice"] == "do_not_retry"
    assert data["amount"] == "10.00"
    assert data["currency"] == "USD"


def test_pay_action_required_is_success(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, *pay_args(CARD_3DS), "--json")

    assert status == 0
    data = json.loads(out)
    assert data["is_success"] is True
    assert data["action_required"] is True
    assert data["action_required_data"]["url"] == "https://acs.example/3ds"
    assert data["action_required_data"]["kind"] == "three_d_secure"
    status, out, _ = run(capsys, *pay_args(CARD_3DS))
    assert status == 0
    assert out.splitlines() == [
        "status: action required",
        "kind: action_to_confirm",
        "amount: 10.00 USD",
        "transaction_id: t-3ds",
        "action.kind: three_d_secure",
        "action.url: https://acs.example/3ds",
        "action.method: GET",
        "action.psp_reference: t-3ds",
        "next: send the shopper to action.url, then: gateway-plugins confirm --gateway cli "
        "--reference t-3ds --amount 10.00 --currency USD",
    ]


def test_unknown_outcome_exits_3_with_the_key_to_retry_with(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(capsys, *pay_args(TOKEN_UNKNOWN), "--idempotency-key", "order-7")

    assert status == 3
    shown = out.splitlines()
    assert shown[5].startswith("error: ")  # the shopper's message, whatever its wording
    assert shown[:5] + shown[6:] == [
        "status: outcome unknown (neither approved nor declined)",
        "kind: capture",
        "amount: 10.00 USD",
        "transaction_id: -",
        "error_code: processing_error",
        "psp_error_code: timeout",
        "retry_advice: retry_later",
        "idempotency_key: order-7",
        "next: the gateway may or may not have acted; it deduplicates retries, so run the "
        "same command again with --idempotency-key order-7",
    ]
    status, out, _ = run(capsys, *pay_args(TOKEN_UNKNOWN_NO_KEY))
    assert status == 3
    assert out.splitlines()[-1] == (
        "next: the gateway may or may not have acted; look the transaction up at the PSP "
        "before trying again (a blind retry may charge twice)"
    )
    status, out, _ = run(capsys, *pay_args(TOKEN_UNKNOWN), "--json")
    assert status == 3
    assert json.loads(out)["outcome_unknown"] is True


def test_interrupted_call_is_an_unknown_outcome(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, *pay_args(TOKEN_INTERRUPT), "--idempotency-key", "k-1")

    assert (status, out) == (3, "")
    assert err == (
        "gateway-plugins: error: interrupted while the gateway was working: the outcome is "
        "unknown; look the transaction up, or run the same command with --idempotency-key k-1\n"
    )


def test_amounts_are_printed_in_plain_notation(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, *pay_args(TOKEN_EXPONENT, amount="1000", currency="JPY"))

    assert status == 0
    assert "amount: 1000 JPY" in out.splitlines()
    status, out, _ = run(capsys, *pay_args(TOKEN_EXPONENT, amount="1000", currency="JPY"),
                         "--json")  # fmt: skip
    assert json.loads(out)["amount"] == "1000"


def test_authorize_only_calls_authorize(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, *pay_args(), "--authorize-only", "--json")

    assert status == 0
    assert json.loads(out)["kind"] == "auth"


def test_amount_is_passed_as_given(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, *pay_args(amount="1000", currency="jpy"), "--json")

    assert status == 0
    data = json.loads(out)
    assert (data["amount"], data["currency"]) == ("1000", "JPY")


# -- pay: bad input -------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "extra", "message"),
    [
        ({"amount": "0"}, [], "amount: must be greater than zero for a money operation"),
        (
            {"amount": "ten"},
            [],
            "amount: must be a decimal string in plain notation such as '10.50': ASCII digits, "
            "an optional leading '-' and '.'; no exponent, '+', '_' or whitespace inside",
        ),
        *[
            (
                {"amount": amount},
                [],
                "amount: write it in plain decimal notation such as 1000 or 10.50, "
                "without an exponent (1e3)",
            )
            for amount in ("1e3", "1E3", " 1.5e+2 ", "1e-2", ".5E1")
        ],
        (
            {"amount": "10.5", "currency": "JPY"},
            [],
            "amount: too many decimal places (1); JPY allows at most 0",
        ),
        ({"currency": "XYZ"}, [], "currency: 'XYZ' is not an ISO 4217 currency code"),
        ({"gateway": " "}, [], "gateway: must be a non-empty gateway id"),
        (
            {"gateway": "nope"},
            [],
            "unknown gateway 'nope'; installed gateways: cli, minimal, off",
        ),
        ({"gateway": "off"}, [], "gateway 'off' cannot take calls: inactive"),
        (
            {"currency": "EUR"},
            [],
            "gateway 'cli' does not support currency 'EUR' (supported: USD, JPY)",
        ),
        (
            {"gateway": "minimal", "currency": "EUR"},
            ["--authorize-only"],
            "gateway 'minimal' does not implement 'authorize'",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], options: dict[str, str], extra: list[str], message: str
) -> None:
    status, out, err = run(capsys, *pay_args(**options), *extra)

    assert status == 2
    assert out == ""
    assert err == f"gateway-plugins: error: {message}\n"
    assert CARD_OK not in err


@pytest.mark.parametrize("token", ["", "   "])
def test_empty_token_is_bad_input(capsys: pytest.CaptureFixture[str], token: str) -> None:
    status, out, err = run(capsys, *pay_args(token))

    assert (status, out) == (2, "")
    assert err == "gateway-plugins: error: --token: must not be empty\n"


@pytest.mark.parametrize(
    ("command", "kind"),
    [("capture", "capture"), ("refund", "refund"), ("void", "void"), ("confirm", "capture")],
)
def test_reference_commands(capsys: pytest.CaptureFixture[str], command: str, kind: str) -> None:
    argv = [command, "--gateway", "cli", "--amount", "5", "--currency", "USD", "--reference"]

    status, out, _ = run(capsys, *argv, "t-1")
    assert status == 0
    assert out.splitlines()[:2] == ["status: approved", f"kind: {kind}"]

    status, out, _ = run(capsys, *argv, TOKEN_UNKNOWN, "--json")
    assert status == 3
    assert json.loads(out)["outcome_unknown"] is True


def test_empty_reference_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["capture", "--gateway", "cli", "--reference", " ", "--amount", "1", "--currency", "USD"]
    status, out, err = run(capsys, *argv)

    assert (status, out) == (2, "")
    assert err == "gateway-plugins: error: --reference: must not be empty\n"


def test_validation_message_without_a_field() -> None:
    class Pair(pydantic.BaseModel):
        low: int
        high: int

        @pydantic.model_validator(mode="after")
        def _ordered(self) -> Pair:
            if self.low > self.high:
                raise ValueError("low must not exceed high")
            return self

    with pytest.raises(pydantic.ValidationError) as caught:
        Pair(low=2, high=1)

    assert validation_message(caught.value) == "low must not exceed high"


# -- pay: the token is never shown ----------------------------------------------


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_token_echoed_by_a_plugin_is_redacted(
    capsys: pytest.CaptureFixture[str], json_flag: list[str]
) -> None:
    status, out, err = run(capsys, *pay_args(ECHOED_TOKEN), *json_flag)

    assert status == 0
    assert ECHOED_TOKEN not in out
    assert ECHOED_TOKEN not in err  # the plugin's log line
    assert "[REDACTED]" in out
    assert "[REDACTED]" in err


def test_token_is_not_echoed_in_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, *pay_args(), "--tokn", CARD_DECLINED)

    assert status == 2
    assert "unrecognized arguments" in err
    assert CARD_OK not in out + err
    assert CARD_DECLINED not in out + err


@pytest.mark.parametrize(
    "argv",
    [
        ["pay", "--gateway=4111111111111111", "--amount", "1", "--currency", "USD", "--token", "t"],
        ["pay", "--gateway", "x4111-1111-1111-1111", "--amount", "1", "--currency", "USD",
         "--token", "t"],
        ["pay", "--gateway", "cli", "--amount", "4111111111111111", "--currency", "USD",
         "--token", "t"],
        ["pay", "--gateway", "cli", "--amount", "1", "--currency", "4111111111111111",
         "--token", "t"],
        ["pay", "--gateway", "cli", "--amount", "1", "--currency", "USD", "--token", "t",
         "--idempotency-key", "key 4111 1111 1111 1111"],
        ["capture", "--gateway", "nope", "--reference", "4111111111111111", "--amount", "1",
         "--currency", "USD"],
        ["refund", "--gateway", "cli", "--reference", "r", "--amount", "1", "--currency", "USD",
         "--gatway", "4111111111111111"],
        ["list", "4111111111111111"],
        ["4111111111111111"],
        ["--config", "/nowhere/4111111111111111.toml", "list"],
    ],
)  # fmt: skip
def test_no_card_number_from_the_arguments_is_echoed(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    status, out, err = run(capsys, *argv)

    assert status in (0, 2)  # a 4111111111111111 USD payment is a payment
    assert "4111" not in out + err


def test_a_card_number_as_gateway_id_is_masked(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["pay", "--gateway=4111111111111111", "--amount", "1", "--currency", "USD"]
    status, _, err = run(capsys, *argv, "--token", "t")

    assert status == 2
    assert err == (
        "gateway-plugins: error: unknown gateway '[REDACTED]'; "
        "installed gateways: cli, minimal, off\n"
    )


def test_an_internal_error_is_one_scrubbed_line(capsys: pytest.CaptureFixture[str]) -> None:
    def broken_factory(**_: object) -> PluginManager:
        raise RuntimeError(f"could not load {CARD_OK}")

    status = main(pay_args(), manager_factory=broken_factory)
    _, err = capsys.readouterr()

    assert status == 4
    assert err == (
        "gateway-plugins: error: internal error: RuntimeError: could not load [REDACTED] "
        "(a bug: please report it; -v shows the traceback)\n"
    )
    status = main(["-v", *pay_args()], manager_factory=broken_factory)
    _, err = capsys.readouterr()
    assert "Traceback" in err
    assert CARD_OK not in err


# -- options --------------------------------------------------------------------


def test_missing_option_is_an_argparse_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "pay", "--gateway", "cli", "--amount", "1", "--currency", "USD")

    assert status == 2
    assert "the following arguments are required: --token" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--version")

    assert status == 0
    assert out == f"gateway-plugins {__version__}\n"


def test_verbose_logs_info_and_restores_logging(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    level = root.level
    handlers = list(root.handlers)

    _, _, quiet = run(capsys, *pay_args())
    _, _, verbose = run(capsys, "-v", *pay_args())

    assert "charging" not in quiet
    assert "cli_test_plugin: INFO: charging 10.00" in verbose
    assert (root.level, root.handlers) == (level, handlers)


# -- The real command, in a subprocess ------------------------------------------

PLUGIN_MODULE = textwrap.dedent(
    """
    from gateway_plugins import (
        ErrorCode, GatewayConfig, GatewayInfo, GatewayResponse, TransactionKind, hookimpl,
    )

    class Gateway:
        @hookimpl
        def gateway_info(self):
            config = GatewayConfig(gateway_name="Sub", supported_currencies="USD")
            return GatewayInfo(id="sub", name="Subprocess Gateway", default_config=config)

        @hookimpl
        def process_payment(self, payment_information):
            if payment_information.token.endswith("0002"):
                return GatewayResponse.failure(
                    payment_information, TransactionKind.CAPTURE, ErrorCode.DECLINED
                )
            return GatewayResponse.success(payment_information, TransactionKind.CAPTURE, "s-1")
    """
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory publishing one working and one broken plugin as entry points."""
    root = tmp_path_factory.mktemp("site")
    (root / "cli_sub_gateway.py").write_text(PLUGIN_MODULE)
    dist_info = root / "cli_sub_gateway-2.0.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: cli-sub-gateway\nVersion: 2.0.0\n"
    )
    (dist_info / "entry_points.txt").write_text(
        "[gateway_plugins.gateways]\n"
        "sub = cli_sub_gateway:Gateway\n"
        "sub-broken = cli_sub_missing_module:Gateway\n"
    )
    return root


def command(*argv: str, site: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m gateway_plugins.cli`` with ``site`` on its path."""
    env = dict(os.environ)
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "gateway_plugins.cli", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_subprocess_list_discovers_entry_points(site: Path) -> None:
    result = command("list", "--json", site=site)

    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    plugin = next(p for p in data["plugins"] if p["name"] == "sub")
    assert plugin["distribution"] == "cli-sub-gateway"
    assert plugin["version"] == "2.0.0"
    assert plugin["gateway_id"] == "sub"
    assert plugin["status"] == "active"
    broken = next(b for b in data["broken"] if b["name"] == "sub-broken")
    assert broken["stage"] == "import"
    assert "cli_sub_missing_module" in broken["reason"]


def test_subprocess_pay_exit_codes_and_no_card_number(site: Path) -> None:
    base = ["pay", "--gateway", "sub", "--amount", "5", "--currency", "USD", "--token"]

    approved = command(*base, CARD_OK, site=site)
    declined = command(*base, CARD_DECLINED, "--json", site=site)
    unknown = command(*base, CARD_OK, "--gateway", "nope", site=site)

    assert approved.returncode == 0
    assert "status: approved" in approved.stdout
    assert declined.returncode == 1
    assert json.loads(declined.stdout)["error_code"] == "declined"
    assert unknown.returncode == 2
    assert unknown.stdout == ""
    # One line (no traceback), besides the warning about the broken plugin.
    errors = [line for line in unknown.stderr.splitlines() if line.startswith(PROG)]
    assert errors == [errors[0]]
    assert errors[0].startswith("gateway-plugins: error: unknown gateway 'nope'")
    assert "Traceback" not in unknown.stderr
    for result in (approved, declined, unknown):
        assert CARD_OK not in result.stdout + result.stderr
        assert CARD_DECLINED not in result.stdout + result.stderr


LOADED_MODULES = """
import json, sys
from gateway_plugins.cli import main
status = main(sys.argv[1:])
names = ("cli_sub_gateway", "gateway_plugins_dummy", "gateway_plugins_stripe", "requests",
         "gateway_plugins.config_file")
print(json.dumps({"status": status, "loaded": [n for n in names if n in sys.modules]}))
"""


def loaded_by(*argv: str, site: Path) -> dict[str, Any]:
    """Run the command in a fresh interpreter; its status and which modules it imported."""
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("GATEWAY_PLUGINS_CONFIG", None)
    result = subprocess.run(
        [sys.executable, "-c", LOADED_MODULES, *argv],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    report: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    report["stderr"] = result.stderr
    return report


def test_a_command_on_one_gateway_loads_only_its_plugin(site: Path) -> None:
    pay = ["pay", "--amount", "5", "--currency", "USD", "--token", CARD_OK]

    only = loaded_by(*pay, "--gateway", "sub", site=site)
    every = loaded_by(*pay, "--gateway", "nope", site=site)

    assert (only["status"], only["loaded"]) == (0, ["cli_sub_gateway"])
    assert only["stderr"] == ""  # the broken plugin beside it was not even tried
    # No plugin is installed as "nope": every plugin is loaded to name the gateways there are.
    assert every["status"] == 2
    assert "cli_sub_gateway" in every["loaded"]
    assert "could not import plugin 'sub-broken'" in every["stderr"]
    assert "installed gateways: " in every["stderr"]


def test_paying_with_the_dummy_imports_no_other_plugin_nor_requests(site: Path) -> None:
    pytest.importorskip("gateway_plugins_dummy")
    pay = ["pay", "--gateway", "dummy", "--amount", "5", "--currency", "USD", "--token", CARD_OK]

    report = loaded_by(*pay, site=site)

    assert (report["status"], report["loaded"]) == (0, ["gateway_plugins_dummy"])


def test_a_reader_that_leaves_early_is_no_error(site: Path) -> None:
    # As in `gateway-plugins pay … | head -1`: the exit status still tells the payment's fate.
    env = {**os.environ, "PYTHONPATH": str(site)}
    argv = ["pay", "--gateway", "sub", "--amount", "5", "--currency", "USD", "--token", CARD_OK]
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway_plugins.cli", *argv],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # long before the command prints anything
    err = process.stderr.read().decode()
    process.stderr.close()

    assert process.wait(timeout=60) == 0
    assert err == ""


def test_console_script_version() -> None:
    script = Path(sys.executable).with_name("gateway-plugins")
    if not script.exists():
        pytest.skip("the gateway-plugins script is not installed next to this Python")

    result = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0
    assert result.stdout == f"gateway-plugins {__version__}\n"


# -- With the dummy gateway installed --------------------------------------------


@pytest.fixture
def dummy() -> None:
    pytest.importorskip("gateway_plugins_dummy")


@pytest.mark.usefixtures("dummy")
def test_dummy_is_listed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--json"]) == 0

    data = json.loads(capsys.readouterr().out)
    plugin = next(p for p in data["plugins"] if p["gateway_id"] == "dummy")
    assert plugin["distribution"] == "gateway-plugins-dummy"
    assert plugin["status"] == "active"
    assert {"USD", "EUR", "PLN", "JPY", "KWD"} <= set(plugin["currencies"])


@pytest.mark.usefixtures("dummy")
@pytest.mark.parametrize(
    ("token", "status", "fields"),
    [
        ("4111111111111111", 0, {"is_success": True, "action_required": False}),
        ("4000000000000002", 1, {"is_success": False, "error_code": "declined"}),
        ("4000000000000069", 1, {"is_success": False, "error_code": "expired"}),
        ("4000000000000127", 1, {"is_success": False, "error_code": "incorrect_cvv"}),
        ("4000000000003220", 0, {"is_success": True, "action_required": True}),
    ],
)
def test_dummy_magic_tokens(
    capsys: pytest.CaptureFixture[str], token: str, status: int, fields: dict[str, Any]
) -> None:
    argv = ["pay", "--gateway", "dummy", "--amount", "12.34", "--currency", "EUR"]

    assert main([*argv, "--token", token, "--json"]) == status
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert {key: data[key] for key in fields} == fields
    assert (data["amount"], data["currency"]) == ("12.34", "EUR")
    assert token not in out + err


@pytest.mark.usefixtures("dummy")
def test_dummy_through_the_real_command() -> None:
    result = command(
        "pay", "--gateway", "dummy", "--amount", "1.5", "--currency", "JPY", "--token", CARD_OK
    )

    assert result.returncode == 2
    assert result.stderr == (
        "gateway-plugins: error: amount: too many decimal places (1); JPY allows at most 0\n"
    )
    assert CARD_OK not in result.stdout + result.stderr


def test_json_output_hides_card_numbers_inside_numbers() -> None:
    out = io.StringIO()
    console = Console(out, io.StringIO(), secrets_in(["--amount", CARD_OK]))

    console.print_json({"minor_units": int(CARD_OK + "00"), "nested": [{"n": 7}], "ok": True})

    assert json.loads(out.getvalue()) == {
        "minor_units": "[REDACTED]00",
        "nested": [{"n": 7}],
        "ok": True,
    }
