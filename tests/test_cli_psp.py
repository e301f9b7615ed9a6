"""The money commands against a real fake PSP: a fake Stripe on 127.0.0.1.

Each command runs in-process as a user's would: ``--config FILE`` names the
installed Stripe plugin's configuration (its key and URL from the environment),
the plugin is loaded through its entry point, and every call is real HTTP.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from gateway_plugins import GatewayConfig, PluginManager
from gateway_plugins.cli import main
from gateway_plugins.config_file import ENV_VARIABLE

pytest.importorskip("gateway_plugins_stripe")

from gateway_plugins_stripe.testing import FakeStripe, Fault

STRIPE = """
[gateways.stripe]
label = "Stripe (test mode)"
[gateways.stripe.configuration]
gateway_name = "Stripe"
auto_capture = true
supported_currencies = ["USD", "EUR"]
[gateways.stripe.configuration.connection_params]
secret_key = "${CLI_TEST_STRIPE_KEY}"
base_url = "${CLI_TEST_STRIPE_URL}"
read_timeout = 1.0
return_url = "https://shop.test/back"
"""

AMOUNT = ["--amount", "10.00", "--currency", "USD"]


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripe]:
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    with FakeStripe() as fake:
        monkeypatch.setenv("CLI_TEST_STRIPE_KEY", fake.api_key)
        monkeypatch.setenv("CLI_TEST_STRIPE_URL", fake.url)
        yield fake
    assert not fake.server_errors, "\n".join(fake.server_errors)


@pytest.fixture
def config(tmp_path: Path) -> str:
    path = tmp_path / "gateways.toml"
    path.write_text(STRIPE)
    return str(path)


def stripe(
    capsys: pytest.CaptureFixture[str], config: str, command: str, *options: str
) -> tuple[int, str, str]:
    """Run ``command`` on the Stripe gateway; return (exit status, stdout, stderr)."""
    status = main(["--config", config, command, "--gateway", "stripe", *options])
    out, err = capsys.readouterr()
    return status, out, err


def lines(out: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in out.splitlines())


def test_authorize_capture_refund(
    capsys: pytest.CaptureFixture[str], config: str, fake: FakeStripe
) -> None:
    status, out, err = stripe(capsys, config, "pay", *AMOUNT, "--token", "pm_card_visa",
                              "--authorize-only")  # fmt: skip
    assert (status, err) == (0, "")
    auth = lines(out)
    assert (auth["status"], auth["kind"], auth["amount"]) == ("approved", "auth", "10.00 USD")
    reference = auth["transaction_id"]
    assert reference.startswith("pi_")

    status, out, _ = stripe(capsys, config, "capture", "--reference", reference,
                            "--amount", "7.50", "--currency", "USD")  # fmt: skip
    assert status == 0
    assert (lines(out)["status"], lines(out)["kind"]) == ("approved", "capture")
    assert fake.ledger.captured(reference) == 750

    status, out, _ = stripe(capsys, config, "refund", "--reference", reference,
                            "--amount", "2.50", "--currency", "USD", "--json")  # fmt: skip
    assert status == 0
    data = json.loads(out)
    assert (data["kind"], data["amount"]) == ("refund", "2.50")
    assert fake.ledger.refunded(reference) == 250


def test_void(capsys: pytest.CaptureFixture[str], config: str, fake: FakeStripe) -> None:
    _, out, _ = stripe(capsys, config, "pay", *AMOUNT, "--token", "pm_card_visa",
                       "--authorize-only")  # fmt: skip
    reference = lines(out)["transaction_id"]

    status, out, _ = stripe(capsys, config, "void", "--reference", reference, *AMOUNT)

    assert status == 0
    assert lines(out)["kind"] == "void"
    assert len(fake.ledger.voids()) == 1


def test_capture_of_an_unknown_reference_fails(
    capsys: pytest.CaptureFixture[str], config: str, fake: FakeStripe
) -> None:
    status, out, err = stripe(capsys, config, "capture", "--reference", "pi_nothing", *AMOUNT)

    assert status == 1
    assert lines(out)["status"] in {"failed", "declined"}
    assert "error_code" in lines(out)
    assert "Traceback" not in err


def test_three_d_secure_then_confirm(
    capsys: pytest.CaptureFixture[str], config: str, fake: FakeStripe
) -> None:
    status, out, _ = stripe(capsys, config, "pay", *AMOUNT,
                            "--token", "pm_card_threeDSecure2Required")  # fmt: skip

    assert status == 0  # waiting for the shopper is not a failure
    shown = lines(out)
    assert shown["status"] == "action required"
    assert shown["kind"] == "action_to_confirm"
    assert shown["action.kind"] == "three_d_secure"
    assert shown["action.url"].startswith("http")
    assert shown["action.method"] == "GET"
    assert shown["action.sdk_data"] == "for the PSP's own SDK (in --json)"
    reference = shown["action.psp_reference"]
    assert shown["next"] == (
        "send the shopper to action.url, then: gateway-plugins confirm --gateway stripe "
        f"--reference {reference} --amount 10.00 --currency USD"
    )

    fake.complete_3ds(reference, succeed=True)
    status, out, _ = stripe(capsys, config, "confirm", "--reference", reference, *AMOUNT,
                            "--data", "redirect_status=succeeded")  # fmt: skip

    assert status == 0
    assert (lines(out)["status"], lines(out)["kind"]) == ("approved", "capture")
    assert fake.ledger.captured(reference) == 1000


def test_a_lost_reply_is_an_unknown_outcome_then_a_safe_retry(
    capsys: pytest.CaptureFixture[str], config: str, fake: FakeStripe
) -> None:
    fake.inject(Fault.DROP_AFTER_PROCESSING, times=3)  # every try's reply is lost

    status, out, _ = stripe(capsys, config, "pay", *AMOUNT, "--token", "pm_card_visa")

    assert status == 3  # neither approved (0) nor declined (1)
    shown = lines(out)
    assert shown["status"] == "outcome unknown (neither approved nor declined)"
    assert shown["error_code"] == "processing_error"
    assert shown["retry_advice"] == "retry_later"
    key = shown["idempotency_key"]
    assert shown["next"] == (
        "the gateway may or may not have acted; it deduplicates retries, so run the same "
        f"command again with --idempotency-key {key}"
    )
    assert len(fake.ledger.charges()) == 1  # it did charge

    status, out, _ = stripe(capsys, config, "pay", *AMOUNT, "--token", "pm_card_visa",
                            "--idempotency-key", key, "--json")  # fmt: skip

    assert status == 0
    assert json.loads(out)["is_success"] is True
    assert len(fake.ledger.charges()) == 1  # and the retry did not charge again


def test_unknown_outcome_in_json(
    capsys: pytest.CaptureFixture[str], config: str, fake: FakeStripe
) -> None:
    fake.inject(Fault.DROP_AFTER_PROCESSING, times=3)

    status, out, _ = stripe(capsys, config, "pay", *AMOUNT, "--token", "pm_card_visa", "--json")

    assert status == 3
    data = json.loads(out)
    # The flag, or (before every gateway sets it) the HTTP toolkit's code for a lost reply.
    assert data["outcome_unknown"] is True or data["psp_error_code"] == "outcome_unknown"
    assert data["idempotency_key"]


# -- confirm's shopper data, with the dummy in one process ------------------------------


@pytest.fixture
def shared_dummy() -> PluginManager:
    dummy = pytest.importorskip("gateway_plugins_dummy")
    manager = PluginManager(discover=False)
    manager.register(dummy.DummyGatewayPlugin(), "dummy")
    return manager


def test_confirm_passes_what_the_browser_brought_back(
    capsys: pytest.CaptureFixture[str], shared_dummy: PluginManager
) -> None:
    def same_manager(**_: Mapping[str, GatewayConfig] | str | None) -> PluginManager:
        return shared_dummy  # one process, one dummy ledger, as in a host

    base = ["--gateway", "dummy", *AMOUNT]
    results = []
    for data in (["--data", "three_d_secure_result=failed"],
                 ["--data-json", '{"three_d_secure_result": "failed"}'], []):  # fmt: skip
        main(["pay", *base, "--token", "4000000000003220"], manager_factory=same_manager)
        reference = lines(capsys.readouterr().out)["action.psp_reference"]
        status = main(["confirm", *base, "--reference", reference, *data],
                      manager_factory=same_manager)  # fmt: skip
        results.append((status, lines(capsys.readouterr().out)["status"]))

    assert results == [(1, "declined"), (1, "declined"), (0, "approved")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (["--data", "no_equals_sign"], "--data: must be KEY=VALUE, with a key before the '='"),
        (["--data", "=value"], "--data: must be KEY=VALUE, with a key before the '='"),
        (["--data-json", "[1, 2]"], "--data-json: must be a JSON object ({...})"),
        (["--data-json", "{nope"], "--data-json: not valid JSON (Expecting property name "
                                   "enclosed in double quotes at 1)"),
    ],
)  # fmt: skip
def test_confirm_bad_data_is_bad_input(
    capsys: pytest.CaptureFixture[str], data: list[str], message: str
) -> None:
    status = main(["confirm", "--gateway", "dummy", "--reference", "r", *AMOUNT, *data])

    assert status == 2
    assert capsys.readouterr().err == f"gateway-plugins: error: {message}\n"


# -- The dummy across processes ---------------------------------------------------------


def command(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != ENV_VARIABLE}
    return subprocess.run(
        [sys.executable, "-m", "gateway_plugins.cli", *argv],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip


def test_the_dummy_forgets_between_processes_and_says_so() -> None:
    pytest.importorskip("gateway_plugins_dummy")
    base = ["--gateway", "dummy", *AMOUNT]

    paid = command("pay", *base, "--token", "4111111111111111", "--authorize-only")
    reference = lines(paid.stdout)["transaction_id"]
    captured = command("capture", *base, "--reference", reference)

    assert paid.returncode == 0
    assert captured.returncode == 1
    assert lines(captured.stdout)["psp_error_code"] == "resource_missing"
    assert captured.stderr == (
        f"gateway-plugins: note: unknown authorization {reference!r}: the dummy gateway keeps "
        "its payments in memory, in one process, so a capture, refund, void or confirm in a new "
        "gateway-plugins process cannot find a payment made by an earlier one\n"
    )
