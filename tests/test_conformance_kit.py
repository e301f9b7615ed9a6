"""The conformance kit itself: broken plugins fail, a correct one passes, every way it runs.

The kit is run on the deliberately broken plugins of ``tests/conformance`` through
:func:`run_conformance`, through the pytest plugin (pytester, in process) and
through the ``check`` command's function.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from gateway_plugins_dummy import DummyGatewayPlugin

from gateway_plugins.conformance import (
    ConformanceInputs,
    GatewayConformanceTests,
    Outcome,
    all_checks,
    run_conformance,
)
from gateway_plugins.conformance.cli import add_check_parser, run_check
from gateway_plugins.conformance.pytest_plugin import CHECK_ATTRIBUTE, OVERRIDE_TEST
from gateway_plugins.conformance.report import document
from tests.conformance import broken_plugins
from tests.conformance.broken_plugins import BROKEN, dummy_inputs

pytest_plugins = ["pytester"]

CHECK_IDS = list(all_checks())
#: Capabilities the plugin without optional hooks leaves out, and the checks they skip.
SKIPPED_WITHOUT_OPTIONAL_HOOKS = {
    "void",
    "void_after_capture",
    "capture_after_void",
    "three_d_secure",
    "client_token",
    "notifications",
}


@pytest.fixture(autouse=True)
def _no_offered_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    # Once the dummy offers conformance_inputs(), tests here still decide what it offers.
    monkeypatch.delattr(DummyGatewayPlugin, "conformance_inputs", raising=False)


def _offer_dummy_inputs(monkeypatch: pytest.MonkeyPatch, cls: type = DummyGatewayPlugin) -> None:
    offered = dummy_inputs(None)
    monkeypatch.setattr(cls, "conformance_inputs", lambda self: offered, raising=False)


# -- run_conformance --------------------------------------------------------------


def test_the_dummy_passes_every_check() -> None:
    report = run_conformance(dummy_inputs(DummyGatewayPlugin))

    assert [r.id for r in report.checks] == CHECK_IDS
    assert {r.id: r.message for r in report.failures()} == {}
    assert {r.outcome for r in report.checks} == {Outcome.PASS}
    assert report.ok
    assert (report.plugin, report.gateway_id) == ("dummy", "dummy")
    assert report.distribution == "gateway-plugins-dummy"


def test_a_correct_plugin_without_optional_hooks_passes_and_skips_their_checks() -> None:
    report = run_conformance(dummy_inputs(broken_plugins.WithoutOptionalHooks))

    assert report.ok, [r.message for r in report.failures()]
    skipped = {r.id: r.message for r in report.checks if r.outcome is Outcome.SKIPPED}
    assert set(skipped) == SKIPPED_WITHOUT_OPTIONAL_HOOKS
    assert skipped["void"] == "void: skipped: capability 'void' not declared"


@pytest.mark.parametrize(
    ("plugin", "check_id", "words"), BROKEN, ids=[plugin.__name__ for plugin, _, _ in BROKEN]
)
def test_each_broken_plugin_fails_the_check_that_names_its_fault(
    plugin: type, check_id: str, words: tuple[str, ...]
) -> None:
    report = run_conformance(dummy_inputs(plugin))

    result = report.result(check_id)
    assert result.outcome is Outcome.FAIL, result.message
    assert result.message.startswith(f"{check_id}: ")
    for word in words:
        assert word in result.message
    assert not report.ok


def test_a_card_number_never_shows_in_the_report_itself() -> None:
    report = run_conformance(dummy_inputs(broken_plugins.LeaksCardNumber))

    text = json.dumps(document([report]))
    assert "4111111111111111" not in text
    assert "5555555555554444" not in text


def test_registration_refused_makes_behavioural_checks_fail_as_not_run() -> None:
    report = run_conformance(dummy_inputs(broken_plugins.UndeclaredVoid))

    assert report.result("refund").message == (
        "refund: not run: the manager refuses to register the plugin: "
        "implements 'void' but does not declare 'void'"
    )
    assert report.result("currencies").outcome is Outcome.PASS  # structural checks still run


def test_a_plugin_that_cannot_be_instantiated_fails_load() -> None:
    def factory() -> object:
        raise RuntimeError("no API key in the environment")

    report = run_conformance(ConformanceInputs(plugin=factory))

    assert report.result("load").message == (
        "load: the plugin could not be instantiated: RuntimeError: no API key in the environment"
    )
    assert report.result("refund").outcome is Outcome.FAIL
    assert report.result("refund").message.startswith("refund: not run: ")


def test_without_inputs_only_the_structural_checks_can_pass() -> None:
    report = run_conformance(ConformanceInputs(plugin=DummyGatewayPlugin))

    structural = [c.id for c in all_checks().values() if c.structural]
    assert all(report.result(c).outcome is Outcome.PASS for c in structural)
    assert "no success_token" in report.result("authorize_capture").message
    assert "no decline tokens" in report.result("declines").message


def test_a_plugin_offers_its_inputs_through_conformance_inputs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _offer_dummy_inputs(monkeypatch)

    assert run_conformance(ConformanceInputs(plugin=DummyGatewayPlugin)).ok
    by_entry_point = run_conformance(ConformanceInputs(entry_point="dummy"))
    assert by_entry_point.ok, [r.message for r in by_entry_point.failures()]
    assert (by_entry_point.plugin, by_entry_point.version) == ("dummy", "0.1.0")


def test_explicit_inputs_win_over_offered_ones_and_known_failures_merge(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    offered = dummy_inputs(None, known_failures={"routing": "offered"})
    monkeypatch.setattr(
        DummyGatewayPlugin, "conformance_inputs", lambda self: offered, raising=False
    )
    given = ConformanceInputs(
        plugin=DummyGatewayPlugin, currencies=("JPY",), known_failures={"scrubbing": "given"}
    )

    merged = given.merged_with(offered)

    assert merged.currencies == ("JPY",)
    assert merged.success_token == offered.success_token
    assert merged.known_failures == {"routing": "offered", "scrubbing": "given"}


def test_idempotency_asks_the_psp_ledger_when_the_inputs_give_one() -> None:
    charged: list[str] = []
    inputs = dummy_inputs(DummyGatewayPlugin, charges_for=lambda ref: charged.append(ref) or 2)

    result = run_conformance(inputs, only=["idempotency"]).result("idempotency")

    assert result.outcome is Outcome.FAIL
    assert "the PSP counts 2 charges" in result.message
    assert charged and charged[0].startswith("dummy_")


# -- known failures: strict xfail --------------------------------------------------------


def test_a_known_failure_that_still_fails_is_an_expected_failure() -> None:
    inputs = dummy_inputs(
        broken_plugins.WrongDeclineCode,
        known_failures={"declines": "PSP sends no expiry code, #12"},
    )
    report = run_conformance(inputs)

    result = report.result("declines")
    assert result.outcome is Outcome.XFAIL
    assert result.message.startswith("declines: known failure (PSP sends no expiry code, #12): ")
    assert "expected 'expired'" in result.message
    assert report.ok


def test_a_known_failure_that_passes_is_reported_fixed() -> None:
    report = run_conformance(
        dummy_inputs(DummyGatewayPlugin, known_failures={"scrubbing": "logs the PAN, #7"})
    )

    result = report.result("scrubbing")
    assert result.outcome is Outcome.FAIL
    assert result.message == (
        "scrubbing: passes but is listed in known_failures (logs the PAN, #7): fixed, "
        "remove it from known failures"
    )
    assert not report.ok


def test_known_failures_must_name_real_checks_and_give_a_reason() -> None:
    with pytest.raises(ValueError, match="unknown check.*'scrub'"):
        run_conformance(dummy_inputs(DummyGatewayPlugin, known_failures={"scrub": "typo"}))
    with pytest.raises(ValueError, match="needs a reason"):
        dummy_inputs(DummyGatewayPlugin, known_failures={"scrubbing": " "})


# -- the report ----------------------------------------------------------------------------


def test_json_report_shape() -> None:
    report = run_conformance(dummy_inputs(broken_plugins.WithoutOptionalHooks))

    data = json.loads(json.dumps(document([report])))

    assert set(data) == {"format", "format_version", "ok", "reports"}
    assert (data["format"], data["format_version"], data["ok"]) == (
        "gateway-plugins-conformance",
        1,
        True,
    )
    (plugin,) = data["reports"]
    assert set(plugin) == {
        "plugin",
        "distribution",
        "version",
        "gateway_id",
        "capabilities",
        "ok",
        "counts",
        "overrides",
        "checks",
    }
    assert plugin["gateway_id"] == "correct-without-optional-hooks"
    assert plugin["capabilities"] == sorted(plugin["capabilities"])
    assert "void" not in plugin["capabilities"]
    skipped = len(SKIPPED_WITHOUT_OPTIONAL_HOOKS)
    assert plugin["counts"] == {
        "pass": len(CHECK_IDS) - skipped,
        "fail": 0,
        "skipped": skipped,
        "xfail": 0,
    }
    assert [c["id"] for c in plugin["checks"]] == CHECK_IDS
    for check in plugin["checks"]:
        assert set(check) == {"id", "capability", "description", "outcome", "message"}
        assert check["outcome"] in {"pass", "fail", "skipped", "xfail"}
        assert check["message"].startswith(check["id"] + ": ")
    assert next(c for c in plugin["checks"] if c["id"] == "void")["capability"] == "void"


def test_text_matrix_lists_every_check_with_capability_and_outcome() -> None:
    report = run_conformance(dummy_inputs(broken_plugins.RejectsPartialCapture))

    lines = report.matrix().splitlines()

    assert lines[0].startswith("Conformance of ")
    assert "2 failed" in lines[0]
    assert lines[1].split() == ["CHECK", "CAPABILITY", "OUTCOME", "DETAIL"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:]}
    assert list(rows) == CHECK_IDS
    assert rows["partial_capture"][:2] == ["partial_capture", "FAIL"]
    assert rows["refund"] == ["-", "pass"]


# -- the pytest plugin ------------------------------------------------------------------------

_TEST_MODULE = """
import pytest
from gateway_plugins_dummy import DummyGatewayPlugin
from gateway_plugins.conformance import GatewayConformanceTests
from tests.conformance import broken_plugins as b

class TestDummy(GatewayConformanceTests):
    inputs = b.dummy_inputs(DummyGatewayPlugin)

{broken}

class TestKnownFailure(GatewayConformanceTests):
    inputs = b.dummy_inputs(b.WrongDeclineCode, known_failures={{"declines": "ticket 12"}})

class TestFixed(GatewayConformanceTests):
    inputs = b.dummy_inputs(b.LeaksApiKey, known_failures={{"partial_capture": "ticket 13"}})

class TestByFixture(GatewayConformanceTests):
    @pytest.fixture
    def conformance_inputs(self):
        return b.dummy_inputs(b.WithoutOptionalHooks)
"""


def _run_kit(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_gateways=source)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", *args)


def test_pytest_plugin_runs_one_test_per_check_and_writes_the_report(
    pytester: pytest.Pytester,
) -> None:
    broken = "\n".join(
        f"class Test{plugin.__name__}(GatewayConformanceTests):\n"
        f"    inputs = b.dummy_inputs(b.{plugin.__name__})\n"
        for plugin, _, _ in BROKEN
    )
    report_file = pytester.path / "report.json"

    result = _run_kit(
        pytester, _TEST_MODULE.format(broken=broken), "-q", f"--gateway-report={report_file}"
    )

    outcomes = result.parseoutcomes()
    classes = 1 + len(BROKEN) + 3
    assert sum(outcomes.get(k, 0) for k in ("passed", "failed", "skipped", "xfailed")) == (
        classes * len(CHECK_IDS)
    )
    assert outcomes["xfailed"] == 1
    # The plugin without optional hooks skips its checks; the one hiding void skips its 3.
    assert outcomes["skipped"] == len(SKIPPED_WITHOUT_OPTIONAL_HOOKS) + 3
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        ["*gateway conformance: dummy*", f"*{len(CHECK_IDS)} passed, 0 failed*"]
    )

    data = json.loads(report_file.read_text())
    reports = {r["gateway_id"]: r for r in data["reports"]}
    assert len(reports) == classes - 2  # two classes test the same broken plugins again
    assert reports["dummy"]["ok"] and reports["dummy"]["counts"]["pass"] == len(CHECK_IDS)
    for plugin, check_id, words in BROKEN:
        checks = {c["id"]: c for c in reports[plugin.gateway_id]["checks"]}
        assert checks[check_id]["outcome"] in ("fail", "xfail")
        assert all(word in checks[check_id]["message"] for word in words)
    result.stdout.fnmatch_lines(
        [
            "*TestLeaksCardNumber.test_scrubbing*",
            "scrubbing: the card number appears in raw_response*",
        ]
    )


def test_pytest_plugin_known_failures_are_strict_xfail(pytester: pytest.Pytester) -> None:
    source = _TEST_MODULE.format(broken="")
    result = _run_kit(pytester, source, "-q", "-rxXf", "-k", "TestKnownFailure or TestFixed")

    result.stdout.fnmatch_lines(
        [
            "*TestFixed.test_partial_capture*",
            "partial_capture: passes but is listed in known_failures (ticket 13): fixed, "
            "remove it from known failures",
        ]
    )
    result.stdout.fnmatch_lines(
        ["XFAIL *TestKnownFailure::test_declines - declines: known failure (ticket 12): *"]
    )


def test_pytest_plugin_is_inactive_without_kit_tests(pytester: pytest.Pytester) -> None:
    report_file = pytester.path / "report.json"

    result = _run_kit(pytester, "def test_other():\n    pass\n", f"--gateway-report={report_file}")

    assert result.ret == pytest.ExitCode.OK
    assert "Conformance of" not in result.stdout.str()
    result.stdout.fnmatch_lines(["*no kit tests ran; --gateway-report not written*"])
    assert not report_file.exists()


def test_pytest_plugin_reports_a_class_without_inputs(pytester: pytest.Pytester) -> None:
    source = (
        "from gateway_plugins.conformance import GatewayConformanceTests\n"
        "class TestNothing(GatewayConformanceTests):\n    pass\n"
    )
    result = _run_kit(pytester, source, "-q", "-k", "test_load")

    result.stdout.fnmatch_lines(["*TestNothing names no plugin*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


_OVERRIDING = """
import pytest
from gateway_plugins_dummy import DummyGatewayPlugin
from gateway_plugins.conformance import GatewayConformanceTests
from tests.conformance import broken_plugins as b

class TestLeaky(GatewayConformanceTests):
    inputs = b.dummy_inputs(b.LeaksCardNumber)

    def test_scrubbing(self):
        pass  # "weakened": the kit must run its own check anyway

@pytest.mark.skip(reason="too strict for us")
class TestSkipped(GatewayConformanceTests):
    inputs = b.dummy_inputs(DummyGatewayPlugin)
"""


def test_overriding_a_kit_test_is_reported_and_the_kit_test_runs_anyway(
    pytester: pytest.Pytester,
) -> None:
    report_file = pytester.path / "report.json"

    result = _run_kit(
        pytester, _OVERRIDING, "-q", "-k", "TestLeaky", f"--gateway-report={report_file}"
    )

    result.stdout.fnmatch_lines(
        ["*TestLeaky.test_scrubbing*", "scrubbing: the card number appears in raw_response*"]
    )
    result.stdout.fnmatch_lines(
        [f"*TestLeaky.{OVERRIDE_TEST}*", "kit test(s) overridden: TestLeaky.test_scrubbing*"]
    )
    result.stdout.fnmatch_lines(["*kit test overridden (run fails): TestLeaky.test_scrubbing*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    (report,) = json.loads(report_file.read_text())["reports"]
    assert report["overrides"] == ["TestLeaky.test_scrubbing"]
    assert report["ok"] is False


def test_marking_kit_tests_skip_is_reported_and_fails_the_run(pytester: pytest.Pytester) -> None:
    report_file = pytester.path / "report.json"

    result = _run_kit(
        pytester, _OVERRIDING, "-q", "-k", "TestSkipped", f"--gateway-report={report_file}"
    )

    assert result.parseoutcomes()["skipped"] == len(CHECK_IDS)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*kit test overridden (run fails): test_load marked skip*"])
    (report,) = json.loads(report_file.read_text())["reports"]
    assert report["plugin"] == "test_gateways.py::TestSkipped"
    assert "test_scrubbing marked skip" in report["overrides"]


def test_override_detection_at_class_creation() -> None:
    class Base(GatewayConformanceTests):
        inputs = dummy_inputs(DummyGatewayPlugin)

    class Weakened(Base):
        test_routing = None

        def test_declines(self) -> None:
            pass

    assert Base.kit_overrides == ()
    assert {name.rpartition(".")[2] for name in Weakened.kit_overrides} == {
        "test_routing",
        "test_declines",
    }
    assert getattr(Weakened.test_declines, CHECK_ATTRIBUTE) == "declines"  # the kit's test
    assert hasattr(Weakened, OVERRIDE_TEST)
    assert all(hasattr(Base, f"test_{check_id}") for check_id in CHECK_IDS)


# -- gateway-plugins check ----------------------------------------------------------------------


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
    assert out.startswith(
        f"Conformance of dummy 0.1.0 (gateway 'dummy'): {len(CHECK_IDS)} passed, 0 failed"
    )
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


# -- Gateways that confirm later (settle) -----------------------------------------------


def test_an_asynchronous_gateway_passes_when_the_kit_can_settle_it() -> None:
    from tests.conformance.async_gateway import AsyncDummy, async_inputs

    report = run_conformance(async_inputs(AsyncDummy))

    assert report.ok, [r.message for r in report.failures()]
    assert report.result("over_capture").outcome is Outcome.PASS


def test_without_settle_an_asynchronous_gateway_cannot_show_a_refusal() -> None:
    from tests.conformance.async_gateway import AsyncDummy, async_inputs

    report = run_conformance(async_inputs(AsyncDummy, settle=None))

    assert report.result("over_capture").outcome is Outcome.FAIL
    assert "succeeded (kind 'pending')" in report.result("over_capture").message


@pytest.mark.parametrize(
    ("plugin_name", "check_id", "words"),
    [
        ("ConfirmsEverything", "over_capture", ("capture of 10.01 USD of 10.00 USD authorized",
                                                "succeeded (kind 'capture')")),
        ("NeverConfirms", "authorize_capture", ("got no TransactionUpdate",
                                                "when settled")),
    ],
)  # fmt: skip
def test_settling_catches_what_the_webhooks_say(
    plugin_name: str, check_id: str, words: tuple[str, ...]
) -> None:
    from tests.conformance import async_gateway

    report = run_conformance(async_gateway.async_inputs(getattr(async_gateway, plugin_name)))

    result = report.result(check_id)
    assert result.outcome is Outcome.FAIL, result.message
    for word in words:
        assert word in result.message
