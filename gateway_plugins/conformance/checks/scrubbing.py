"""Scrubbing: card numbers, CVVs and API keys never leave the plugin."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pydantic import SecretStr

from ...interface import GatewayResponse
from ...scrub import looks_like_pan
from ..harness import KIT_API_KEY, KIT_CARD_NUMBER, KIT_CVV, Harness
from ..registry import CheckFailed, check
from ..session import Session
from .direct import drive_directly


@contextmanager
def _captured_logs() -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler, root = Keep(logging.DEBUG), logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def _log_text(record: logging.LogRecord) -> str:
    try:
        text = record.getMessage()
    except Exception:
        text = f"{record.msg} {record.args}"
    if record.exc_info and record.exc_info[1] is not None:
        text += "".join(traceback.format_exception(*record.exc_info))
    return text + (record.exc_text or "") + (record.stack_info or "")


@dataclass(frozen=True)
class _Needle:
    what: str
    pattern: re.Pattern[str]


def _needles(h: Harness, secrets: list[str]) -> list[_Needle]:
    def digits(number: str) -> re.Pattern[str]:
        return re.compile(r"(?<!\d)" + r"[ -]?".join(number) + r"(?!\d)")

    pans = dict.fromkeys([KIT_CARD_NUMBER, *(t for t in h.inputs.tokens() if looks_like_pan(t))])
    needles = [_Needle("the card number", digits(re.sub(r"\D", "", pan))) for pan in pans]
    needles.append(_Needle("the CVV", re.compile(rf"(?<![0-9A-Za-z]){KIT_CVV}(?![0-9A-Za-z])")))
    needles += [_Needle("the API key", re.compile(re.escape(s))) for s in secrets if len(s) >= 4]
    return needles


def _scrub_session(h: Harness) -> tuple[Session, list[str]]:
    config = h.config
    secrets = config.secret_values()
    if secrets:
        return h.session(auto_capture=False, config=config), secrets
    params = {**config.connection_params, "api_key": SecretStr(KIT_API_KEY)}
    try:
        canary = config.model_copy(update={"connection_params": params})
        return h.session(auto_capture=False, config=canary), [KIT_API_KEY]
    except CheckFailed:  # the plugin refuses an api_key it does not know
        return h.session(auto_capture=False, config=config), []


@check(
    "scrubbing",
    "a card number, CVV and API key fed into every input never appear in log records, "
    "repr(plugin), exception messages or responses (raw_response included) of the hooks "
    "called directly, where the manager's own scrubbing cannot help",
)
def scrubbing(h: Harness) -> str | None:
    card = {"number": KIT_CARD_NUMBER, "cvc": KIT_CVV}
    with _captured_logs() as records:
        s, secrets = _scrub_session(h)
        run = drive_directly(h, s, data=card)
        # (where, which call, text): "where" groups the findings in the message.
        places = [("repr(plugin)", "", repr(s.plugin)), ("str(plugin)", "", str(s.plugin))]
    for call in run.calls:
        if call.error is not None:
            text = "".join(traceback.format_exception(call.error))
            places.append(("an exception message", call.name, text))
        if isinstance(call.result, GatewayResponse):
            # The stored values, not model_dump(): a response that skipped validation
            # may hold anything, and the search must not depend on serializing it.
            fields = vars(call.result)
            places += [(key, call.name, repr(value)) for key, value in fields.items()]
    places += [(f"a log record of logger {r.name!r}", "", _log_text(r)) for r in records]
    found: dict[tuple[str, str], list[str]] = {}
    for needle in _needles(h, secrets):
        for where, name, text in places:
            if needle.pattern.search(text):
                calls = found.setdefault((needle.what, where), [])
                if name and name not in calls:
                    calls.append(name)
    if found:
        raise CheckFailed("; ".join(_finding(*key, calls) for key, calls in found.items()))
    return f"{len(run.calls)} direct calls, {len(records)} log records searched"


def _finding(what: str, where: str, calls: list[str]) -> str:
    if not calls:
        return f"{what} appears in {where}"
    shown = ", ".join(calls[:2]) + (f" and {len(calls) - 2} more" if len(calls) > 2 else "")
    return f"{what} appears in {where} (answer to {shown})"
