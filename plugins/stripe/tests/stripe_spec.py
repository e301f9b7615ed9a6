"""Validate Stripe form-encoded requests offline against Stripe's OpenAPI spec (psp-reference §9).

The spec is ``spec/spec3-subset.json`` beside this module: the part of Stripe's ``spec3.json``
(OpenAPI 3.0.0, API version 2020-08-27) the tests use, cut by ``spec/make_subset.py`` (see
``spec/README.md``). It is loaded, registered as ``urn:stripe`` and turned into validators once per
process.

Which schema applies: the operation's query parameters if it declares any (every ``GET``), else its
``application/x-www-form-urlencoded`` request body (``POST``, and ``DELETE``, whose parameters
stripe-python sends in the query string). The parameters checked are the path's query string plus
the body, so ``validate_form_request("GET", "/v1/payment_intents?limit=3", "")`` checks ``limit``.
"""

from __future__ import annotations

import functools
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from gateway_plugins_stripe.testing.form import parse_form
from jsonschema import Draft4Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4

SPEC_FILE = Path(__file__).with_name("spec") / "spec3-subset.json"
_FORM = "application/x-www-form-urlencoded"
_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")

__all__ = ["SPEC_FILE", "StripeSpecError", "parse_form", "spec_path", "validate_form_request"]


class StripeSpecError(AssertionError):
    """A request does not match Stripe's spec; ``errors`` has one ``"<path>: <message>"`` each."""

    def __init__(self, method: str, path: str, template: str, errors: list[str]) -> None:
        self.errors = errors
        lines = "\n  ".join(errors)
        super().__init__(f"{method} {path} ({template}) violates Stripe's spec:\n  {lines}")


@functools.cache
def _spec() -> dict[str, Any]:
    """The parsed Stripe spec (read once)."""
    spec: dict[str, Any] = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    return spec


@functools.cache
def _registry() -> Registry[Any]:
    """The whole spec registered as ``urn:stripe`` (Draft 4)."""
    registry: Registry[Any] = Registry().with_resource(
        "urn:stripe", DRAFT4.create_resource(_spec())
    )
    return registry


@functools.cache
def _templates() -> list[tuple[re.Pattern[str], int, str]]:
    """(regex, literal segment count, template) for every templated path in the spec."""
    out = []
    for template in _spec()["paths"]:
        segments = template.strip("/").split("/")
        regex = "/".join("[^/]+" if s.startswith("{") else re.escape(s) for s in segments)
        literal = sum(not s.startswith("{") for s in segments)
        out.append((re.compile("/" + regex), literal, template))
    return out


def spec_path(path: str) -> str:
    """The spec's template for a concrete path or URL.

    ``/v1/payment_intents/pi_1/capture`` → ``/v1/payment_intents/{intent}/capture``; literal
    segments win (``/v1/payment_intents/search`` over ``{intent}``).
    """
    concrete = "/" + urlsplit(path).path.strip("/")
    found = [(literal, tpl) for regex, literal, tpl in _templates() if regex.fullmatch(concrete)]
    if not found:
        raise ValueError(
            f"{concrete!r} matches no path in the tests' subset of Stripe's spec"
            " (to add one: PATHS in spec/make_subset.py, then regenerate)"
        )
    return max(found)[1]


def _pointer(*parts: str) -> str:
    """A ``urn:stripe#/...`` JSON pointer to the given keys."""
    return "urn:stripe#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _deref(schema: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` (all point into the spec) until a concrete schema."""
    while "$ref" in schema:
        node: Any = _spec()
        for part in schema["$ref"].split("#", 1)[1].strip("/").split("/"):
            key = part.replace("~1", "/").replace("~0", "~")
            node = node[int(key)] if isinstance(node, list) else node[key]
        schema = node
    return schema


def _branches(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The concrete alternatives of a schema, with ``anyOf``/``oneOf``/``allOf`` flattened."""
    schema = _deref(schema)
    subs = [s for key in ("anyOf", "oneOf", "allOf") for s in schema.get(key, [])]
    return [b for s in subs for b in _branches(s)] if subs else [schema]


def _coerce(value: Any, schema: dict[str, Any]) -> Any:
    """Turn form strings into the JSON types the schema expects; anything unclear stays a string."""
    branches = _branches(schema)
    if isinstance(value, str):
        types = {b.get("type") for b in branches}
        if "integer" in types and _INTEGER.fullmatch(value):
            return int(value)
        if "boolean" in types and value in ("true", "false"):
            return value == "true"
        return Decimal(value) if "number" in types and _NUMBER.fullmatch(value) else value
    objects = [b for b in branches if b.get("type") == "object" or "properties" in b]
    arrays = [b["items"] for b in branches if isinstance(b.get("items"), dict)]
    if isinstance(value, list) and (arrays or not objects):
        return [_coerce(v, arrays[0]) for v in value] if arrays else value
    if isinstance(value, list):  # digit keys on an object (``metadata[0]=x``): a dict again
        value = {str(index): item for index, item in enumerate(value)}
    if not objects:
        return value
    fits = [b for b in objects if set(value) <= set(b.get("properties", {}))]
    chosen = (fits or objects)[0]
    props, extra = chosen.get("properties", {}), chosen.get("additionalProperties")
    sub = {k: props.get(k, extra if isinstance(extra, dict) else None) for k in value}
    return {k: _coerce(v, sub[k]) if sub[k] is not None else v for k, v in value.items()}


@functools.cache
def _validator(template: str, method: str) -> Draft4Validator:
    """The Draft 4 validator for one operation (see the module docstring for which schema)."""
    operation = _spec()["paths"][template].get(method)
    if operation is None:
        raise ValueError(f"Stripe's spec has no {method.upper()} {template}")
    params = [(i, p) for i, p in enumerate(operation.get("parameters", [])) if p["in"] == "query"]
    schema: dict[str, Any] = {
        "$ref": _pointer("paths", template, method, "requestBody", "content", _FORM, "schema")
    }
    if params:
        pointer = functools.partial(_pointer, "paths", template, method, "parameters")
        props = {p["name"]: {"$ref": pointer(str(i), "schema")} for i, p in params}
        schema = {"type": "object", "properties": props, "additionalProperties": False}
        required = [p["name"] for _, p in params if p.get("required")]
        if required:  # Draft 4 forbids an empty ``required``
            schema["required"] = required
    return Draft4Validator(schema, registry=_registry())


def validate_form_request(method: str, path: str, body: str | bytes) -> None:
    """Check a Stripe request against the spec; raise ``StripeSpecError`` listing every error.

    ``path`` may be a concrete path or a full URL, with a query string. Unknown paths or methods and
    malformed bodies raise ``ValueError``.
    """
    template = spec_path(path)
    validator = _validator(template, method.lower())
    text = body.decode() if isinstance(body, bytes) else body
    query = urlsplit(path).query
    instance = _coerce(parse_form("&".join(p for p in (query, text) if p)), validator.schema)
    errors = sorted(
        validator.iter_errors(instance), key=lambda e: (list(map(str, e.path)), e.message)
    )
    if errors:
        lines = []
        for error in errors:
            lines.append(f"{_where(error.json_path)}: {error.message}")
            for sub in error.context or []:
                where = f" {_where(sub.json_path)}:" if sub.relative_path else ""
                branch = f"{error.validator}[{sub.relative_schema_path[0]}]"
                lines.append(f"    {branch}:{where} {sub.message}")
        raise StripeSpecError(method.upper(), path, template, lines)


def _where(json_path: str) -> str:
    """``$.a.b[0]`` → ``a.b[0]``; the root is ``(root)``."""
    return json_path.removeprefix("$").removeprefix(".") or "(root)"
