"""The outcome of a run: one result per check, as JSON and as a text matrix.

JSON document (``gateway-plugins check NAME --json``, ``pytest --gateway-report``)::

    {"format": "gateway-plugins-conformance", "format_version": 1,
     "ok": false,
     "reports": [{"plugin": "dummy", "distribution": "gateway-plugins-dummy",
                  "version": "0.1.0", "gateway_id": "dummy",
                  "capabilities": ["client_token", ...], "ok": false,
                  "counts": {"pass": 30, "fail": 1, "skipped": 1, "xfail": 0},
                  "overrides": [],
                  "checks": [{"id": "scrubbing", "capability": null,
                              "description": "...", "outcome": "fail",
                              "message": "scrubbing: the card number appears in ..."}]}]}

``outcome`` is ``pass``, ``fail``, ``skipped`` (capability not declared, or
nothing to try) or ``xfail`` (a declared known failure that still fails).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

FORMAT = "gateway-plugins-conformance"
FORMAT_VERSION = 1


class Outcome(str, Enum):
    """What became of one check."""

    PASS = "pass"  # noqa: S105 (an outcome, not a password)
    FAIL = "fail"
    SKIPPED = "skipped"
    XFAIL = "xfail"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check; ``message`` starts with the check id."""

    id: str
    description: str
    capability: str | None
    outcome: Outcome
    message: str

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        return {
            "id": self.id,
            "capability": self.capability,
            "description": self.description,
            "outcome": self.outcome.value,
            "message": self.message,
        }


@dataclass(frozen=True)
class Report:
    """Every check of one plugin."""

    plugin: str
    distribution: str | None
    version: str | None
    gateway_id: str | None
    capabilities: tuple[str, ...]
    checks: tuple[CheckResult, ...]
    overrides: tuple[str, ...] = field(default=())
    """Kit tests a plugin's test class replaced or marked (pytest only); each is a failure."""

    @property
    def ok(self) -> bool:
        """No check failed and no kit test was overridden."""
        return not self.overrides and all(r.outcome is not Outcome.FAIL for r in self.checks)

    def counts(self) -> dict[str, int]:
        """How many checks had each outcome."""
        return {o.value: sum(r.outcome is o for r in self.checks) for o in Outcome}

    def result(self, check_id: str) -> CheckResult:
        """The result of ``check_id`` (``KeyError`` if it did not run)."""
        for result in self.checks:
            if result.id == check_id:
                return result
        raise KeyError(check_id)

    def failures(self) -> list[CheckResult]:
        """The results that failed."""
        return [r for r in self.checks if r.outcome is Outcome.FAIL]

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "plugin": self.plugin,
            "distribution": self.distribution,
            "version": self.version,
            "gateway_id": self.gateway_id,
            "capabilities": list(self.capabilities),
            "ok": self.ok,
            "counts": self.counts(),
            "overrides": list(self.overrides),
            "checks": [r.to_dict() for r in self.checks],
        }

    def matrix(self) -> str:
        """The text matrix: one line per check (check, capability, outcome, message)."""
        counts = self.counts()
        version = f" {self.version}" if self.version else ""
        gateway = f" (gateway {self.gateway_id!r})" if self.gateway_id else ""
        lines = [
            f"Conformance of {self.plugin}{version}{gateway}: {counts['pass']} passed, "
            f"{counts['fail']} failed, {counts['skipped']} skipped, "
            f"{counts['xfail']} expected failures"
        ]
        rows = [[r.id, r.capability or "-", _LABELS[r.outcome], _detail(r)] for r in self.checks]
        lines += _table(["CHECK", "CAPABILITY", "OUTCOME", "DETAIL"], rows)
        lines += [f"OVERRIDDEN: {item}" for item in self.overrides]
        return "\n".join(lines)


_LABELS = {
    Outcome.PASS: "pass",
    Outcome.FAIL: "FAIL",
    Outcome.SKIPPED: "skipped",
    Outcome.XFAIL: "xfail",
}


def _detail(result: CheckResult) -> str:
    # The message starts with "<id>: "; the matrix already shows the id.
    prefix = f"{result.id}: "
    text = result.message[len(prefix) :] if result.message.startswith(prefix) else result.message
    if result.outcome is Outcome.PASS and text == "passed":
        return ""
    return " ".join(text.split())


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers) - 1)]
    lines = []
    for row in [headers, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return lines


def document(reports: Iterable[Report]) -> dict[str, Any]:
    """The JSON document for one or more reports."""
    reports = list(reports)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "ok": all(r.ok for r in reports),
        "reports": [r.to_dict() for r in reports],
    }


def to_json(reports: Iterable[Report]) -> str:
    """:func:`document` as indented JSON text."""
    return json.dumps(document(reports), indent=2)
