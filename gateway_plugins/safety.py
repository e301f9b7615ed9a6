"""Turning whatever a plugin hands us into text, without letting it raise.

A plugin's exception may have a ``__str__`` that raises, or hold an int too long
to print (Python refuses ints of over 4,300 digits). The manager must still
contain it: these helpers always return a string.
"""

from __future__ import annotations

import traceback


def safe_text(value: object) -> str:
    """``str(value)``, or a description of ``value`` when it cannot be printed."""
    try:
        text = str(value)
    except Exception:
        return f"<{_type_name(value)} that cannot be printed>"
    return text if isinstance(text, str) else f"<{_type_name(value)}>"


def safe_traceback(exc: BaseException) -> str:
    """The formatted traceback of ``exc``, or its type alone when it cannot be formatted."""
    try:
        return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    except Exception:
        return f"{_type_name(exc)} (its traceback cannot be printed)"


def _type_name(value: object) -> str:
    try:
        return type(value).__name__
    except Exception:  # pragma: no cover - a type always has a name
        return "object"


__all__ = ["safe_text", "safe_traceback"]
