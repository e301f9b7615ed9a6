"""Notifications (webhooks): forged ones are rejected, genuine ones translated once.

A plugin verifies a notification by its signature, or (for PSPs whose
notification only names a payment: Mollie, PayPal IPN) by fetching the payment
from the PSP's authenticated API and reporting what the PSP says. With the
inputs' ``forged_notification`` the check tells both apart by what they do: a
forgery naming an unknown payment is rejected either way, and one falsely
claiming a real payment was captured is rejected or answered with the truth.
"""

from __future__ import annotations

from collections.abc import Mapping

from ...exceptions import NotificationError, NotificationRejected
from ...interface import Capability, TransactionKind
from ...notifications import NotificationResult
from ..harness import Harness
from ..registry import CheckFailed, check
from ..session import Session

#: Requests no PSP signed: empty, unreadable, and plausible JSON with a made-up signature.
FORGERIES: tuple[tuple[str, Mapping[str, str], bytes], ...] = (
    ("an empty body without headers", {}, b""),
    ("a body that is not JSON", {"content-type": "application/json"}, b"\xff\xfe<html>"),
    ("an empty JSON object", {"content-type": "application/json"}, b"{}"),
    (
        "JSON with a made-up signature",
        {
            "content-type": "application/json",
            "signature": "forged",
            "x-signature": "sha512=00",
            "hmacsignature": "Zm9yZ2Vk",
        },
        b'{"id": "evt_kit_forged", "type": "payment.captured", "signature": "Zm9yZ2Vk", '
        b'"notificationItems": [{"NotificationRequestItem": {"eventCode": "CAPTURE", '
        b'"pspReference": "KITFORGED0000001", "success": "true", '
        b'"additionalData": {"hmacSignature": "Zm9yZ2Vk"}}}]}',
    ),
)


#: The payment a forgery names that no PSP knows.
UNKNOWN_PAYMENT = "conformance-kit-unknown-payment"


def _deliver(s: Session, headers: Mapping[str, str], body: bytes, what: str) -> NotificationResult:
    try:
        with s.manager.notification(s.gateway_id, headers, body) as result:
            return result  # recorded as applied when the block ends
    except NotificationRejected:
        raise
    except NotificationError as exc:
        raise CheckFailed(f"{what}: the plugin failed instead of answering: {exc.reason}") from None


def _unless_rejected(
    s: Session, headers: Mapping[str, str], body: bytes, what: str
) -> NotificationResult | None:
    """What a forgery gave, or ``None`` when rejected (by a message that keeps the secrets)."""
    try:
        return _deliver(s, headers, body, what)
    except NotificationRejected as exc:
        if any(secret in str(exc) for secret in s.config.secret_values()):
            raise CheckFailed(f"{what}: the rejection message contains a secret") from None
        return None


@check(
    "notifications",
    "notifications no PSP signed (empty, unreadable, made-up signature) raise "
    "NotificationRejected without leaking secrets; with forged_notification, a forgery naming "
    "an unknown payment is rejected and one falsely claiming a real payment was captured is "
    "rejected or answered with the PSP's true status; a genuine one (when the inputs give one) "
    "is accepted, and delivered again it comes back as duplicates",
    capability=Capability.NOTIFICATIONS,
    hooks=("handle_notification",),
)
def notifications(h: Harness) -> str | None:
    s = h.session(auto_capture=False)  # a real payment to name stays authorized
    for what, headers, body in FORGERIES:
        result = _unless_rejected(s, headers, body, what)
        if result is None:
            continue
        raise CheckFailed(
            f"{what} was accepted ({len(result.updates)} update(s)): a notification must be "
            "verified before anything in it is trusted"
        )
    notes = [_forged_claims(h, s)] if h.inputs.forged_notification is not None else []
    if h.inputs.notification is None:
        notes.append("no genuine notification in the inputs (ConformanceInputs.notification)")
        return "; ".join(notes)
    headers, body = h.inputs.notification()
    try:
        first = _deliver(s, headers, body, "the genuine notification")
    except NotificationRejected as exc:
        raise CheckFailed(f"the genuine notification was rejected: {exc.reason}") from None
    if not first.updates:
        raise CheckFailed("the genuine notification gave no TransactionUpdate")
    again = _deliver(s, headers, body, "the genuine notification, delivered again")
    if again.updates or len(again.duplicates) != len(first.updates):
        raise CheckFailed(
            f"delivered again, the genuine notification gave {len(again.updates)} new "
            f"update(s) and {len(again.duplicates)} duplicate(s); its event ids must be "
            "stable so that repeats are dropped"
        )
    return "; ".join(notes) or None


def _forged_claims(h: Harness, s: Session) -> str:
    """Forgeries naming payments: an unknown one is rejected, a real one's false claim
    is rejected or answered with the PSP's true status. Returns a note on how."""
    forge = h.inputs.forged_notification
    assert forge is not None
    what = "a forged notification naming a payment the PSP does not know"
    headers, body = forge(UNKNOWN_PAYMENT, TransactionKind.CAPTURE)
    result = _unless_rejected(s, headers, body, what)
    if result is not None:
        raise CheckFailed(
            f"{what} was accepted ({len(result.updates)} update(s)): verify the signature, "
            "or fetch the payment from the PSP and reject the notification when it is unknown"
        )
    _, authorization = s.authorized()
    reference = authorization.psp_reference or authorization.transaction_id
    what = "a forged notification claiming an authorized payment was captured"
    headers, body = forge(reference, TransactionKind.CAPTURE)
    result = _unless_rejected(s, headers, body, what)
    if result is None:
        return "forged notifications naming payments rejected"
    told = [*result.updates, *result.duplicates]
    lies = [
        f"{u.kind.value} ({'success' if u.is_success else 'failure'}) of {u.psp_reference!r}"
        for u in told
        if (u.kind, u.is_success, u.psp_reference) != (TransactionKind.AUTH, True, reference)
    ]
    if lies:
        raise CheckFailed(
            f"{what} was accepted and reported {', '.join(lies)}; the PSP says the payment is "
            "authorized: report what the PSP says (fetch the payment), not what the body claims"
        )
    if not told:
        raise CheckFailed(
            f"{what} was accepted without any update: reject it, or report the payment's "
            "status as the PSP gives it (kind 'auth' here), or the host never learns it"
        )
    return "a forged claim was answered with the PSP's true status"
