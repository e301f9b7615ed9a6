"""A redirect-only gateway through the kit: every payment needs the shopper.

The hosted-checkout gateway (:mod:`tests.conformance.hosted_checkout`) has no
token that authorizes on its own and declares ``redirect``, never
``three_d_secure``; its notifications are verified by fetching the payment.
With ``completes_by_action`` the kit plays the shopper in every flow, and it
passes every check that applies. Each broken variant fails the check that
names its fault.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from gateway_plugins import ActionKind, CustomerAction
from gateway_plugins.conformance import (
    CustomerActionInput,
    GatewayConformanceTests,
    Outcome,
    ThreeDSecureInput,
    run_conformance,
)
from tests.conformance import hosted_checkout
from tests.conformance.hosted_checkout import HostedCheckoutGateway, inputs_for
from tests.conformance.hosted_psp import PSPS, HostedCheckoutPSP

#: Checks that do not apply to a redirect-only gateway, and why.
NOT_APPLICABLE = {
    "multiple_captures": "capability 'multiple_captures' not declared",
    "three_d_secure": "capability 'three_d_secure' not declared",
    "client_token": "capability 'client_token' not declared",
}


@pytest.fixture
def psp() -> Iterator[HostedCheckoutPSP]:
    psp = HostedCheckoutPSP()
    yield psp
    del PSPS[psp.url]


def test_a_redirect_only_gateway_passes_every_check_that_applies(psp: HostedCheckoutPSP) -> None:
    report = run_conformance(inputs_for(psp, currencies=("EUR", "JPY", "KWD")))

    assert {r.id: r.message for r in report.failures()} == {}
    skipped = {r.id: r.message.partition(": skipped: ")[2] for r in report.checks
               if r.outcome is Outcome.SKIPPED}  # fmt: skip
    assert skipped == NOT_APPLICABLE
    assert report.ok
    # The flows really went through the shopper: paid and failed visits of the checkout page.
    assert {pays for _, pays in psp.visits} == {True, False}
    assert {p.status for p in psp.payments.values()} >= {"authorized", "paid", "failed",
                                                         "canceled"}  # fmt: skip
    assert report.result("notifications").message == (
        "notifications: a forged claim was answered with the PSP's true status"
    )


def test_without_completes_by_action_the_flows_say_what_to_set(psp: HostedCheckoutPSP) -> None:
    report = run_conformance(inputs_for(psp, completes_by_action=False),
                             only=["authorize_capture", "redirect"])  # fmt: skip

    assert report.result("redirect").outcome is Outcome.PASS  # drives its own action
    message = report.result("authorize_capture").message
    assert "authorize of the success token asked for customer action" in message
    assert "set ConformanceInputs.completes_by_action" in message


def test_completing_an_action_needs_an_input_of_its_kind(psp: HostedCheckoutPSP) -> None:
    report = run_conformance(inputs_for(psp, redirect=None), only=["refund", "redirect"])

    assert report.result("refund").message == (
        "refund: process_payment of 10.00 EUR (through the manager) asked for a 'redirect' "
        "action and the inputs give no ConformanceInputs.redirect to play the shopper with "
        "(completes_by_action is set)"
    )
    assert report.result("redirect").outcome is Outcome.SKIPPED
    assert "the inputs give no redirect input (ConformanceInputs.redirect)" in (
        report.result("redirect").message
    )


def test_a_confirmation_asking_for_the_shopper_again_is_completed_again(
    psp: HostedCheckoutPSP,
) -> None:
    report = run_conformance(inputs_for(psp, hosted_checkout.AsksTwice), only=["refund"])

    assert report.result("refund").outcome is Outcome.PASS, report.result("refund").message
    [payment_id] = psp.payments  # one payment, paid once and confirmed twice
    assert psp.visits == [(payment_id, True), (payment_id, True)]


def test_the_kit_plays_the_shopper_a_few_times_at_most(psp: HostedCheckoutPSP) -> None:
    report = run_conformance(inputs_for(psp, hosted_checkout.AlwaysSendsBack), only=["refund"])

    assert report.result("refund").message == (
        "refund: confirm_payment after the shopper completed the redirect action asked for "
        "customer action again, 3 times in a row"
    )
    assert len(psp.visits) == 3


def test_a_redirect_to_a_javascript_url_cannot_be_built() -> None:
    for field in ("url", "mobile_url", "voucher_url"):
        with pytest.raises(ValidationError, match=f"{field}\n.*must be an http\\(s\\) URL"):
            urls = {"url": "https://pay.example/tr_1", field: "javascript:alert(1)"}
            CustomerAction(kind=ActionKind.REDIRECT, psp_reference="tr_1", **urls)


BROKEN = [
    # A CustomerAction is validated again inside the response, so the plugin's own
    # construction fails and the kit sees a contained crash naming the rule.
    (hosted_checkout.JavascriptRedirect, "redirect",
     ("authorize of the redirect input (the shopper passes) failed",
      "must be an http(s) URL with a host")),
    (hosted_checkout.CallsItThreeDSecure, "redirect",
     ("asked for a customer action of kind 'three_d_secure', expected 'redirect'",)),
    (hosted_checkout.ConfirmsOnReturn, "redirect",
     ("confirm_payment before the shopper acted succeeded (kind 'capture')",
      "ask the PSP whether the payment was made")),
    (hosted_checkout.PaysFailedPayments, "redirect",
     ("confirm_payment after the shopper failed to pay succeeded (kind 'auth'); it must "
      "decline",)),
    (hosted_checkout.NeverFetches, "notifications",
     ("a forged notification naming a payment the PSP does not know was accepted "
      "(1 update(s))",)),
    (hosted_checkout.BelievesClaimedStatus, "notifications",
     ("a forged notification claiming an authorized payment was captured was accepted and "
      "reported capture (success) of 'tr_", "report what the PSP says (fetch the payment)")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("plugin", "check_id", "words"), BROKEN, ids=[plugin.__name__ for plugin, _, _ in BROKEN]
)
def test_each_broken_variant_fails_the_check_that_names_its_fault(
    psp: HostedCheckoutPSP, plugin: type, check_id: str, words: tuple[str, ...]
) -> None:
    result = run_conformance(inputs_for(psp, plugin), only=[check_id]).result(check_id)

    assert result.outcome is Outcome.FAIL, result.message
    for word in words:
        assert word in result.message


def test_the_three_d_secure_input_is_the_customer_action_input() -> None:
    assert ThreeDSecureInput is CustomerActionInput
    legacy = ThreeDSecureInput("tok", {"passed": "1"}, {"passed": "0"})
    assert (legacy.confirm_data, legacy.failed_data, legacy.complete) == (
        {"passed": "1"}, {"passed": "0"}, None,
    )  # fmt: skip


class TestHostedCheckoutConformance(GatewayConformanceTests):
    """The same gateway through the pytest plugin, as a plugin author wires it."""

    @pytest.fixture
    def conformance_inputs(self, psp: HostedCheckoutPSP) -> object:
        return inputs_for(psp, HostedCheckoutGateway)
