"""The conformance kit itself: broken plugins fail, a correct one passes, every way it runs.

The kit is run on the deliberately broken plugins of ``tests/conformance`` through
:func:`run_conformance` and through the pytest plugin (pytester, in process); the
``check`` command is tested in ``tests/conformance/test_check_command.py``.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Mapping
from decimal import Decimal

import pytest
from gateway_plugins_dummy import DummyGatewayPlugin, webhooks

from gateway_plugins import ErrorCode, GatewayConfig, GatewayResponse, PaymentData, TransactionKind
from gateway_plugins.conformance import (
    ConformanceInputs,
    GatewayConformanceTests,
    Outcome,
    all_checks,
    run_conformance,
)
from gateway_plugins.conformance.expect import describe_failure, expect_echo, expect_success
from gateway_plugins.conformance.pytest_plugin import CHECK_ATTRIBUTE, OVERRIDE_TEST
from gateway_plugins.conformance.registry import CheckFailed
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
    "redirect",
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
    # The dummy declares every capability, 'redirect' too (its hosted-checkout token).
    not_passed = {r.id: r.message for r in report.checks if r.outcome is not Outcome.PASS}
    assert not_passed == {}
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


def test_a_gateway_verifying_signatures_rejects_forgeries_naming_real_payments() -> None:
    secret = "whsec_kit_signed_3b9d"
    forged_with: list[tuple[str, TransactionKind]] = []

    def forge(reference: str, kind: TransactionKind) -> tuple[dict[str, str], bytes]:
        forged_with.append((reference, kind))
        return webhooks.notification("not-the-secret", kind, reference, Decimal("10.00"), "USD")

    config = GatewayConfig(
        gateway_name="Dummy", supported_currencies="USD",
        connection_params={webhooks.SECRET_PARAM: secret},
    )  # fmt: skip
    genuine = webhooks.notification(secret, TransactionKind.CAPTURE, "dummy_kit",
                                    Decimal("10.00"), "USD")  # fmt: skip
    inputs = dummy_inputs(
        DummyGatewayPlugin, config=config, forged_notification=forge, notification=lambda: genuine
    )

    result = run_conformance(inputs, only=["notifications"]).result("notifications")

    assert result.message == "notifications: forged notifications naming payments rejected"
    assert forged_with[0] == ("conformance-kit-unknown-payment", TransactionKind.CAPTURE)
    assert forged_with[1][0].startswith("dummy_")  # the payment the check authorized


def test_idempotency_asks_the_psp_ledger_when_the_inputs_give_one() -> None:
    charged: list[str] = []
    inputs = dummy_inputs(DummyGatewayPlugin, charges_for=lambda ref: charged.append(ref) or 2)

    result = run_conformance(inputs, only=["idempotency"]).result("idempotency")

    assert result.outcome is Outcome.FAIL
    assert "the PSP counts 2 charges" in result.message
    assert charged and charged[0].startswith("dummy_")


# -- time bounds ---------------------------------------------------------------------------


@pytest.fixture
def blocked() -> Iterator[type[broken_plugins.BlocksInAuthorize]]:
    """The plugin whose authorize hangs; let go at the end (its thread would wait 20 s)."""
    plugin = broken_plugins.BlocksInAuthorize
    plugin.release = threading.Event()
    yield plugin
    plugin.release.set()


def test_a_hook_that_never_returns_fails_its_check_naming_the_hook(
    blocked: type[broken_plugins.BlocksInAuthorize],
) -> None:
    report = run_conformance(
        dummy_inputs(blocked, timeout=0.5), only=["authorize_capture", "void", "error_table"]
    )

    for check_id in ("authorize_capture", "void"):
        result = report.result(check_id)
        assert result.outcome is Outcome.FAIL
        assert re.fullmatch(
            rf"{check_id}: hook 'authorize' did not return within 0\.[0-9] s \(at authorize in "
            r"broken_plugins\.py:[0-9]+\); the check's time bound is 0\.5 s "
            r"\(ConformanceInputs\.timeout, gateway-plugins check --timeout\)",
            result.message,
        ), result.message
    assert report.result("error_table").outcome is Outcome.PASS  # the kit went on


def test_a_check_that_overruns_outside_a_hook_says_where_it_was() -> None:
    release = threading.Event()

    def notification() -> tuple[Mapping[str, str], bytes]:
        release.wait(20)  # a test PSP that never sends its webhook
        raise AssertionError("unreachable within the test")

    try:
        report = run_conformance(
            dummy_inputs(DummyGatewayPlugin, notification=notification, timeout=0.5),
            only=["notifications"],
        )
    finally:
        release.set()

    assert report.result("notifications").message.startswith(
        "notifications: did not finish within 0.5 s (at notification in test_conformance_kit.py:"
    )


@pytest.mark.parametrize("timeout", [0, -1, float("inf"), float("nan"), True, "30"])
def test_the_time_bound_is_a_positive_number_of_seconds(timeout: object) -> None:
    with pytest.raises(ValueError, match="timeout must be a positive number of seconds"):
        ConformanceInputs(plugin=DummyGatewayPlugin, timeout=timeout)  # type: ignore[arg-type]


# -- responses that skipped validation -------------------------------------------------------


@pytest.mark.parametrize(
    "plugin",
    [broken_plugins.DeclinesWithoutErrorCode, broken_plugins.DeclinesWithForeignErrorCode],
)
def test_unvalidated_responses_fail_checks_without_crashing_the_kit(plugin: type) -> None:
    report = run_conformance(dummy_inputs(plugin))

    assert report.result("errors_contained").outcome is Outcome.FAIL
    assert report.result("declines").outcome is Outcome.FAIL
    assert not [r.message for r in report.checks if "raised" in r.message]


def _unvalidated(**fields: object) -> GatewayResponse:
    values: dict[str, object] = {
        "is_success": False, "kind": TransactionKind.AUTH, "amount": Decimal("12.34"),
        "currency": "USD", "transaction_id": "t1", **fields,
    }  # fmt: skip
    return GatewayResponse.model_construct(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("response", "problem"),
    [
        (_unvalidated(), "it failed without an error_code"),
        (_unvalidated(error_code="card_declined"),
         "error_code is 'card_declined' (str), not an ErrorCode"),
        (_unvalidated(kind="auth", error_code=ErrorCode.DECLINED),
         "kind is 'auth' (str), not a TransactionKind"),
        (GatewayResponse.model_construct(kind=TransactionKind.AUTH), "is_success is missing"),
    ],
)  # fmt: skip
def test_what_the_kit_reads_of_an_unvalidated_response_is_judged_first(
    response: GatewayResponse, problem: str
) -> None:
    with pytest.raises(CheckFailed) as failed:
        expect_success(response, "authorize")

    assert str(failed.value).startswith(
        "authorize answered a GatewayResponse that does not validate"
    )
    assert problem in str(failed.value)
    assert "model_construct() and model_copy(update=...) skip validation" in str(failed.value)
    describe_failure(response)  # never raises, whatever the response holds


def test_describe_failure_names_a_foreign_error_code() -> None:
    response = _unvalidated(error_code="card_declined", psp_error_code="card_declined")

    assert describe_failure(response) == (
        "error_code 'card_declined' (str, not an ErrorCode) (psp_error_code 'card_declined')"
    )


def test_the_echo_compares_types_not_only_values() -> None:
    payment = PaymentData(gateway="dummy", amount="12.34", currency="USD")
    answered = GatewayResponse.success(payment, TransactionKind.AUTH, "t1")

    expect_echo(answered, payment, "authorize")
    for amount, shown in ((12.34, "12.34 (float)"), (1234, "1234 (int)")):
        smuggled = answered.model_copy(update={"amount": amount})
        with pytest.raises(CheckFailed) as failed:
            expect_echo(smuggled, payment, "authorize")
        assert str(failed.value).startswith(
            f"authorize reported {shown} USD for a request of 12.34 (Decimal) USD"
        )
    exact = PaymentData(gateway="dummy", amount="10.00", currency="USD")
    as_float = GatewayResponse.success(exact, TransactionKind.AUTH, "t2").model_copy(
        update={"amount": 10.0}
    )
    with pytest.raises(CheckFailed, match=r"reported 10\.0 \(float\) USD for a request of 10\.00"):
        expect_echo(as_float, exact, "authorize")


# -- idempotency, declared or not -----------------------------------------------------------


def test_a_gateway_that_does_not_declare_idempotency_and_charges_twice_passes_with_a_note() -> None:
    result = run_conformance(
        dummy_inputs(broken_plugins.ChargesTwiceUndeclared), only=["idempotency"]
    ).result("idempotency")

    assert result.outcome is Outcome.PASS
    assert result.message.startswith(
        "idempotency: sent twice with one idempotency key, authorize answered transaction "
    )
    assert "allowed, as the gateway does not declare 'idempotency'" in result.message
    assert "the manager advises hosts to check_status, not retry_later" in result.message


def test_a_gateway_that_is_idempotent_without_declaring_it_is_told_to_declare_it() -> None:
    result = run_conformance(
        dummy_inputs(broken_plugins.IdempotentUndeclared), only=["idempotency"]
    ).result("idempotency")

    assert result.outcome is Outcome.PASS
    assert "charged once, but the gateway does not declare 'idempotency': declare it" in (
        result.message
    )


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
    # The plugin without optional hooks skips their checks; the one hiding void skips its 3.
    assert outcomes["skipped"] == len(SKIPPED_WITHOUT_OPTIONAL_HOOKS) + 3
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        ["*gateway conformance: dummy*", f"*{len(CHECK_IDS)} passed, 0 failed, 0 skipped*"]
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
