"""Stripe's form encoding, read back into nested data (as Stripe's API reads a request).

Shared by the fake Stripe, which answers what the plugin sent, and the tests'
spec checks (``plugins/stripe/tests/stripe_spec.py``).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

_KEY = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")
_DIGITS = re.compile(r"[0-9]+")  # not ``str.isdigit``/``\d``: those accept "²" and "٣"


def parse_form(body: str | bytes) -> dict[str, Any]:
    """Decode a Stripe form body into nested data; every leaf stays a string.

    ``a[b][c]=v`` → ``{"a": {"b": {"c": "v"}}}``; ``a[]=x&a[]=y`` appends; dicts whose keys are all
    digits become lists in numeric order (``[10]`` after ``[9]``). Malformed pairs, a key sent twice
    and a key used both as a value and as a container raise ``ValueError``.
    """
    text = body.decode() if isinstance(body, bytes) else body
    root: dict[str, Any] = {}
    for key, value in parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text)):
        match = _KEY.fullmatch(key)
        if match is None:
            raise ValueError(f"malformed form key {key!r}")
        parts = [match[1], *re.findall(r"\[([^\[\]]*)\]", match[2])]
        node = root
        for depth, part in enumerate(parts):
            name = part or str(len(node))  # ``a[]`` appends
            if depth == len(parts) - 1:
                if name in node:
                    raise ValueError(f"form key {key!r} is sent more than once or clashes")
                node[name] = value
            else:
                node = node.setdefault(name, {})
                if not isinstance(node, dict):
                    raise ValueError(f"form key {key!r} nests under a plain value")
    return {key: _listify(value) for key, value in root.items()}  # the top level stays a dict


def _listify(node: Any) -> Any:
    """Turn dicts whose keys are all digits into lists in numeric order, recursively."""
    if not isinstance(node, dict):
        return node
    items = {key: _listify(value) for key, value in node.items()}
    if items and all(_DIGITS.fullmatch(key) for key in items):
        return [items[key] for key in sorted(items, key=int)]
    return items
