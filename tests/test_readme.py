"""The README's Python examples run as written, against the installed dummy gateway."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks(section: str) -> list[str]:
    """The ```python blocks of the README section headed ``section``."""
    text = README.read_text(encoding="utf-8")
    start = text.index(section)
    end = text.find("\n## ", start + len(section))
    body = text[start : end if end != -1 else None]
    return re.findall(r"```python\n(.*?)```", body, flags=re.S)


def run(block: str, namespace: dict[str, Any] | None = None) -> dict[str, Any]:
    namespace = {} if namespace is None else namespace
    exec(compile(block, str(README), "exec"), namespace)
    return namespace


def test_the_host_example_authorizes_and_captures_part() -> None:
    host = run(python_blocks("## Using it from a host application")[0])

    assert host["auth"].is_success
    assert host["capture"].is_success and host["capture"].amount == Decimal("20.00")
    assert host["capture"].psp_reference == host["auth"].psp_reference


def test_the_shopper_messages_example_says_what_its_comments_say() -> None:
    blocks = python_blocks("## Using it from a host application")
    example = next(block for block in blocks if "language_code" in block)
    scope = run(example, run(blocks[0]))  # it uses the host example's manager

    shown = dict(re.findall(r"^(\S.*?)\s+# '(.*)'$", example, flags=re.M))
    assert shown, "the example shows its results in comments"
    for expression, expected in shown.items():
        assert eval(expression, scope) == expected
