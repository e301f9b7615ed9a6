"""Stripe's wire format: bracket-keyed form bodies and Stripe's minor units."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway_plugins.money import MinorUnits, WireFormat

#: Stripe's deviations from ISO 4217 (Stripe docs: currencies). ISK and UGX are
#: sent ×100 but only whole units are allowed; MGA is zero-decimal at Stripe; the
#: three-decimal currencies are sent ×1000 with a last digit of 0.
STRIPE_UNITS = MinorUnits(
    {
        "ISK": WireFormat(exponent=2, precision=0),
        "UGX": WireFormat(exponent=2, precision=0),
        "MGA": 0,
        **{
            code: WireFormat(exponent=3, precision=2)
            for code in ("BHD", "JOD", "KWD", "OMR", "TND")
        },
    }
)


def form_encode(params: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Flatten nested params the way Stripe's SDKs do.

    ``{"metadata": {"order": 42}, "expand": ["charges"], "confirm": True}`` →
    ``[("metadata[order]", "42"), ("expand[0]", "charges"), ("confirm", "true")]``.
    ``None`` values are left out.
    """
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None:
            continue
        name = f"{prefix}[{key}]" if prefix else str(key)
        kind = type(value)
        # Exact types first: every payment call goes through here.
        if kind is str:
            pairs.append((name, value))
        elif kind is int:
            pairs.append((name, str(value)))
        elif kind is bool:
            pairs.append((name, "true" if value else "false"))
        elif isinstance(value, Mapping):
            pairs += form_encode(value, name)
        elif isinstance(value, list | tuple):
            pairs += form_encode({str(index): item for index, item in enumerate(value)}, name)
        else:
            pairs.append((name, str(value)))
    return pairs
