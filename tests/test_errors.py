"""Shared error codes, retry advice and the table-driven ErrorMap (gateway_plugins.errors)."""

from enum import Enum

import pytest

from gateway_plugins.errors import (
    ErrorCode,
    ErrorMap,
    ErrorMapping,
    NormalizedError,
    RetryAdvice,
    check_error_table,
)

TEN_CODES = {
    "incorrect_number",
    "invalid_number",
    "incorrect_cvv",
    "invalid_cvv",
    "incorrect_zip",
    "incorrect_address",
    "invalid_expiry_date",
    "expired",
    "declined",
    "processing_error",
}

TABLE = ErrorMap(
    {
        "card_declined": ErrorCode.DECLINED,
        "expired_card": ErrorCode.EXPIRED,
        "05": ErrorCode.DECLINED,
        51: ErrorMapping(ErrorCode.DECLINED, RetryAdvice.TRY_ANOTHER_GATEWAY),
        "rate_limit": ErrorMapping(ErrorCode.PROCESSING_ERROR),
        "authentication_required": ErrorMapping(ErrorCode.DECLINED, RetryAdvice.AUTHENTICATE),
    }
)


class ForeignCode(str, Enum):
    DECLINED = "declined"


# --- ErrorCode ----------------------------------------------------------------


def test_exactly_ten_codes():
    assert {code.value for code in ErrorCode} == TEN_CODES
    assert len(ErrorCode) == 10


@pytest.mark.parametrize("code", list(ErrorCode))
def test_api_value_is_upper_case_name(code):
    assert code.api_value == code.value.upper() == code.name


@pytest.mark.parametrize("code", list(ErrorCode))
def test_description_and_user_message_present(code):
    assert code.description.strip()
    assert code.user_message.strip()


def test_user_messages_are_distinct():
    assert len({code.user_message for code in ErrorCode}) == len(ErrorCode)


@pytest.mark.parametrize("code", list(ErrorCode))
def test_default_retry(code):
    expected = (
        RetryAdvice.RETRY_LATER if code is ErrorCode.PROCESSING_ERROR else RetryAdvice.DO_NOT_RETRY
    )
    assert code.default_retry is expected


# --- ErrorMap.normalize ---------------------------------------------------------


@pytest.mark.parametrize(
    ("psp_code", "expected"),
    [
        ("card_declined", ErrorCode.DECLINED),
        ("expired_card", ErrorCode.EXPIRED),
        ("05", ErrorCode.DECLINED),
        ("rate_limit", ErrorCode.PROCESSING_ERROR),
    ],
)
def test_table_lookup(psp_code, expected):
    assert TABLE.normalize(psp_code).code is expected


def test_int_code_looked_up_as_str():
    result = TABLE.normalize(51)
    assert result.code is ErrorCode.DECLINED
    assert result.psp_code == "51"


def test_int_table_key_matches_str_code():
    assert TABLE.normalize("51").code is ErrorCode.DECLINED


def test_leading_zero_code_is_not_an_int():
    assert TABLE.normalize(5).code is ErrorCode.PROCESSING_ERROR


@pytest.mark.parametrize("psp_code", ["no_such_code", None, "", 999])
def test_unknown_code_is_processing_error(psp_code):
    result = TABLE.normalize(psp_code)
    assert result.code is ErrorCode.PROCESSING_ERROR
    assert result.retry is RetryAdvice.RETRY_LATER


@pytest.mark.parametrize("psp_code", ["no_such_code", None])
def test_unknown_refused_code_is_declined(psp_code):
    result = TABLE.normalize(psp_code, refused=True)
    assert result.code is ErrorCode.DECLINED
    assert result.retry is RetryAdvice.DO_NOT_RETRY


def test_known_code_wins_over_refused():
    assert TABLE.normalize("expired_card", refused=True).code is ErrorCode.EXPIRED


def test_retry_defaults_from_code():
    assert TABLE.normalize("expired_card").retry is RetryAdvice.DO_NOT_RETRY
    assert TABLE.normalize("rate_limit").retry is RetryAdvice.RETRY_LATER


@pytest.mark.parametrize(
    ("psp_code", "retry"),
    [(51, RetryAdvice.TRY_ANOTHER_GATEWAY), ("authentication_required", RetryAdvice.AUTHENTICATE)],
)
def test_retry_override(psp_code, retry):
    assert TABLE.normalize(psp_code).retry is retry


def test_raw_code_and_message_kept():
    result = TABLE.normalize("card_declined", "Your card was declined by the bank.")
    assert result == NormalizedError(
        code=ErrorCode.DECLINED,
        retry=RetryAdvice.DO_NOT_RETRY,
        psp_code="card_declined",
        psp_message="Your card was declined by the bank.",
    )


def test_unknown_code_keeps_raw_values():
    result = TABLE.normalize("weird_9", "Something odd")
    assert (result.psp_code, result.psp_message) == ("weird_9", "Something odd")


def test_normalized_message_is_user_message():
    assert TABLE.normalize("expired_card").message == ErrorCode.EXPIRED.user_message


def test_table_view_is_read_only_copy():
    view = TABLE.table
    assert view["51"] == ErrorMapping(ErrorCode.DECLINED, RetryAdvice.TRY_ANOTHER_GATEWAY)
    assert view["expired_card"] == ErrorMapping(ErrorCode.EXPIRED)
    view["expired_card"] = ErrorMapping(ErrorCode.DECLINED)  # type: ignore[index]
    assert TABLE.normalize("expired_card").code is ErrorCode.EXPIRED


# --- table validation ---------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["declined", ForeignCode.DECLINED, None, ErrorMapping("declined")],  # type: ignore[arg-type]
    ids=["str", "foreign-enum", "none", "mapping-with-str"],
)
def test_error_map_rejects_non_error_code(target):
    with pytest.raises(ValueError, match="'psp_51'"):
        ErrorMap({"card_declined": ErrorCode.DECLINED, "psp_51": target})


def test_error_map_rejects_bad_retry():
    with pytest.raises(ValueError, match="retry"):
        ErrorMap({"x": ErrorMapping(ErrorCode.DECLINED, "retry_later")})  # type: ignore[arg-type]


def test_check_sound_table():
    assert check_error_table({"a": ErrorCode.DECLINED, 7: ErrorMapping(ErrorCode.EXPIRED)}) == []


def test_check_accepts_error_map():
    assert check_error_table(TABLE) == []


def test_check_empty_table_is_sound():
    assert check_error_table({}) == []


def test_check_reports_each_problem():
    problems = check_error_table(
        {"a": "declined", "b": ErrorCode.DECLINED, "c": ForeignCode.DECLINED}
    )
    assert len(problems) == 2
    assert "'a'" in problems[0]
    assert "'c'" in problems[1]


@pytest.mark.parametrize("key", [True, 1.5, None, ("a",)])
def test_check_rejects_bad_key(key):
    problems = check_error_table({key: ErrorCode.DECLINED})
    assert len(problems) == 1
    assert "str or int" in problems[0]


@pytest.mark.parametrize("table", [None, ["declined"], "declined"])
def test_check_rejects_non_mapping(table):
    assert check_error_table(table)
