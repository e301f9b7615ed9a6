"""The bounded JSON parser and the event date reader that plugins use on unverified bodies."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from gateway_plugins import NotificationRejected
from gateway_plugins.notification_parsing import MAX_DEPTH, event_date, load_json


def test_json_is_read_with_decimals_and_without_a_byte_order_mark() -> None:
    document = load_json("psp", b'\xef\xbb\xbf{"amount": 10.10, "count": 2, "ok": true}')

    assert document == {"amount": Decimal("10.10"), "count": 2, "ok": True}
    assert isinstance(document["amount"], Decimal)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        (b"{'single': 'quotes'}", "not JSON"),
        (b"", "not JSON"),
        (b'{"a": NaN}', "NaN is not a JSON number"),
        (b'{"a": -Infinity}', "-Infinity is not a JSON number"),
        (b'{"a": ' + b"9" * 65 + b"}", "a number longer than 64 characters"),
        (b'{"a": 1.' + b"5" * 70 + b"}", "a number longer than 64 characters"),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), f"more than {MAX_DEPTH} levels"),
        # Deeper than the interpreter's recursion limit: json raises RecursionError inside.
        (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, f"more than {MAX_DEPTH} levels"),
        (b"[" * 200_000, f"more than {MAX_DEPTH} levels"),
    ],
    ids=[
        "not utf-8", "not json", "empty", "NaN", "-Infinity", "long int", "long fraction",
        "just too deep", "deeper than the recursion limit", "unclosed and deep",
    ],
)  # fmt: skip
def test_unacceptable_bodies_are_rejected_naming_the_rule(body: bytes, reason: str) -> None:
    with pytest.raises(NotificationRejected, match=reason) as caught:
        load_json("psp", body)

    assert caught.value.gateway_id == "psp"
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_nesting_up_to_the_limit_is_read() -> None:
    body = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH

    assert load_json("psp", body) is not None
    assert load_json("psp", b"[[1]]", max_depth=2) == [[1]]
    with pytest.raises(NotificationRejected):
        load_json("psp", b"[[[1]]]", max_depth=2)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1_700_000_000, datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)),
        (Decimal("1700000000.5"), datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=timezone.utc)),
        (
            "2026-11-22T10:00:00+01:00",
            datetime(2026, 11, 22, 10, tzinfo=timezone(timedelta(hours=1))),
        ),
        (
            "2017-03-29T20:48:02.0080095Z",  # Authorize.Net: seven digits of fraction
            datetime(2017, 3, 29, 20, 48, 2, 8009, tzinfo=timezone.utc),
        ),
        (
            "2026-01-02 03:04:05-0530",
            datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(-timedelta(hours=5, minutes=30))),
        ),
    ],
)
def test_event_dates_psps_send_are_read_timezone_aware(value: object, expected: datetime) -> None:
    date = event_date(value)

    assert date == expected
    assert date is not None and date.utcoffset() is not None


@pytest.mark.parametrize(
    "value",
    [
        None, True, "", "yesterday", "2026-11-22T10:00:00", "2026-02-30T10:00:00Z",
        "2026-11-22T10:00:00+25:00", 10**20, float("nan"), ["2026-11-22T10:00:00Z"],
    ],
)  # fmt: skip
def test_a_date_that_cannot_be_read_is_none_not_a_guess(value: object) -> None:
    assert event_date(value) is None
