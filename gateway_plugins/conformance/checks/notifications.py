"""Notifications (webhooks): forged ones are rejected, genuine ones translated once."""

from __future__ import annotations

from collections.abc import Mapping

from ...exceptions import NotificationError, NotificationRejected
from ...interface import Capability
from ...notifications import NotificationResult
from ..harness import Harness, Session
from ..registry import CheckFailed, check

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


def _deliver(s: Session, headers: Mapping[str, str], body: bytes, what: str) -> NotificationResult:
    try:
        with s.manager.notification(s.gateway_id, headers, body) as result:
            return result  # recorded as applied when the block ends
    except NotificationRejected:
        raise
    except NotificationError as exc:
        raise CheckFailed(f"{what}: the plugin failed instead of answering: {exc.reason}") from None


@check(
    "notifications",
    "notifications no PSP signed (empty, unreadable, made-up signature) raise "
    "NotificationRejected without leaking secrets; a genuine one (when the inputs give one) "
    "is accepted, and delivered again it comes back as duplicates",
    capability=Capability.NOTIFICATIONS,
    hooks=("handle_notification",),
)
def notifications(h: Harness) -> str | None:
    s = h.session()
    secrets = s.config.secret_values()
    for what, headers, body in FORGERIES:
        try:
            result = _deliver(s, headers, body, what)
        except NotificationRejected as exc:
            if any(secret in str(exc) for secret in secrets):
                raise CheckFailed(f"{what}: the rejection message contains a secret") from None
            continue
        raise CheckFailed(
            f"{what} was accepted ({len(result.updates)} update(s)): a notification must be "
            "verified before anything in it is trusted"
        )
    if h.inputs.notification is None:
        return "no genuine notification in the inputs (ConformanceInputs.notification)"
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
    return None
