"""Validate Adyen JSON bodies offline against Adyen's Checkout API v71 spec (psp-reference §9).

The spec is ``spec/CheckoutService-v71-subset.json`` beside this module: the part of Adyen's
``CheckoutService-v71.json`` (OpenAPI 3.1.0, whose schemas are JSON Schema 2020-12) the tests use,
cut by ``spec/make_subset.py`` (see ``spec/README.md``). It is loaded once, registered as
``urn:adyen`` and checked with
``Draft202012Validator({"$ref": "urn:adyen#/components/schemas/<Name>"})``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SPEC_FILE = Path(__file__).with_name("spec") / "CheckoutService-v71-subset.json"

#: The request schema of every operation the fake serves, by method and path template.
REQUEST_SCHEMAS: dict[tuple[str, str], str] = {
    ("POST", "/payments"): "PaymentRequest",
    ("POST", "/payments/details"): "PaymentDetailsRequest",
    ("POST", "/payments/{paymentPspReference}/captures"): "PaymentCaptureRequest",
    ("POST", "/payments/{paymentPspReference}/refunds"): "PaymentRefundRequest",
    ("POST", "/payments/{paymentPspReference}/cancels"): "PaymentCancelRequest",
    ("POST", "/payments/{paymentPspReference}/reversals"): "PaymentReversalRequest",
    ("POST", "/storedPaymentMethods"): "StoredPaymentMethodRequest",
}

__all__ = [
    "REQUEST_SCHEMAS",
    "SPEC_FILE",
    "AdyenSpecError",
    "schema_errors",
    "template_of",
    "validate",
]


class AdyenSpecError(AssertionError):
    """An instance does not match a schema; ``errors`` has one ``"<path>: <message>"`` each."""

    def __init__(self, schema: str, errors: list[str]) -> None:
        self.schema = schema
        self.errors = errors
        lines = "\n  ".join(errors)
        super().__init__(f"does not match Adyen's {schema}:\n  {lines}")


@functools.cache
def _spec() -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    return spec


@functools.cache
def _registry() -> Registry[Any]:
    registry: Registry[Any] = Registry().with_resource(
        "urn:adyen", DRAFT202012.create_resource(_spec())
    )
    return registry


@functools.cache
def _validator(schema: str) -> Draft202012Validator:
    if schema not in _spec()["components"]["schemas"]:
        raise ValueError(
            f"the tests' subset of Adyen's spec has no schema {schema!r}"
            " (to add one: SCHEMAS in spec/make_subset.py, then regenerate)"
        )
    reference = {"$ref": f"urn:adyen#/components/schemas/{schema}"}
    return Draft202012Validator(reference, registry=_registry())


def schema_errors(schema: str, instance: Any) -> list[str]:
    """Every way ``instance`` fails ``schema`` (empty when it is valid), sorted by place.

    Messages never repeat a value from the instance (it may be card data): jsonschema's
    ``'x' is not of type 'integer'`` reads ``value is not of type 'integer'`` here.
    """
    errors = sorted(
        _validator(schema).iter_errors(instance),
        key=lambda e: (list(map(str, e.path)), e.message),
    )
    lines = []
    for error in errors:
        lines.append(f"{_where(error.json_path)}: {_redacted(error)}")
        if error.validator in ("oneOf", "anyOf") and error.context:
            # The alternatives that got furthest say best what is wrong.
            depth = max(len(sub.path) for sub in error.context)
            deepest = [sub for sub in error.context if len(sub.path) == depth][:3]
            lines += [f"    {_where(sub.json_path)}: {_redacted(sub)}" for sub in deepest]
    return lines


def validate(schema: str, instance: Any) -> None:
    """Raise :class:`AdyenSpecError` unless ``instance`` matches ``schema``."""
    errors = schema_errors(schema, instance)
    if errors:
        raise AdyenSpecError(schema, errors)


def template_of(path: str) -> str | None:
    """The spec's path template for a concrete path (``/payments/X/captures`` → ``…/{…}/captures``).

    Literal segments win (``/payments/details`` is not a capture of payment ``details``).
    """
    segments = path.strip("/").split("/")
    best: tuple[int, str] | None = None
    for _, template in REQUEST_SCHEMAS:
        parts = template.strip("/").split("/")
        if len(parts) != len(segments):
            continue
        literal = 0
        for part, segment in zip(parts, segments, strict=True):
            if part.startswith("{"):
                continue
            if part != segment:
                break
            literal += 1
        else:
            if best is None or literal > best[0]:
                best = (literal, template)
    return best[1] if best else None


def _where(json_path: str) -> str:
    return json_path.removeprefix("$").removeprefix(".") or "(root)"


def _redacted(error: ValidationError) -> str:
    return str(error.message).replace(repr(error.instance), "value")
