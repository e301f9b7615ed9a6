"""Cut what the Stripe tests use out of Stripe's full OpenAPI spec (stripe/openapi ``spec3.json``).

    python plugins/stripe/tests/spec/make_subset.py PATH/TO/spec3.json [OUT]

writes ``spec3-subset.json`` beside this script (or OUT): each operation of ``PATHS`` (its
parameters and request body, not its responses), the schemas of ``SCHEMAS``, and every schema
those reach through ``$ref``, so each reference resolves inside the file. Two trims keep it
small without loosening any other check: prose (``description`` and ``summary`` strings) is
dropped, and a resource reached only through an expandable field (``x-expansionResources``: an
id string, or the whole object when a request expands it) becomes a stub that accepts any object
with a string ``id``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: The path templates the plugin, the fake Stripe and the validator's tests use.
PATHS = (
    "/v1/payment_intents",
    "/v1/payment_intents/search",
    "/v1/payment_intents/{intent}",
    "/v1/payment_intents/{intent}/cancel",
    "/v1/payment_intents/{intent}/capture",
    "/v1/payment_intents/{intent}/confirm",
    "/v1/products",
    "/v1/refunds",
    "/v1/refunds/{refund}",
    "/v1/setup_intents",
)
#: The objects the tests check the fake's replies and events against.
SCHEMAS = ("error", "event", "payment_intent", "refund", "setup_intent")

OUT = Path(__file__).with_name("spec3-subset.json")
_PREFIX = "#/components/schemas/"
_OPERATION_KEYS = ("operationId", "parameters", "requestBody")
_PROSE = ("description", "summary")


def _refs(node: Any, expandable: bool = False) -> Iterator[tuple[str, bool]]:
    """Every ``$ref`` under ``node``, and whether it sits inside an expandable field."""
    if isinstance(node, dict):
        expandable = expandable or "x-expansionResources" in node
        for key, value in node.items():
            if key == "$ref":
                yield value, expandable
            else:
                yield from _refs(value, expandable)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item, expandable)


def _name(ref: str) -> str:
    if not ref.startswith(_PREFIX):
        raise ValueError(f"unexpected $ref {ref!r}: only {_PREFIX}<name> is handled")
    return ref.removeprefix(_PREFIX)


def _without_prose(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: _without_prose(value)
            for key, value in node.items()
            if not (key in _PROSE and isinstance(value, str))  # a property named so is a dict
        }
    if isinstance(node, list):
        return [_without_prose(item) for item in node]
    return node


def _stub(name: str) -> dict[str, Any]:
    return {
        "description": f"{name}: left out of this subset (only reached as an expandable field); "
        "an expanded object is checked for its string id only.",
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string"}},
    }


def subset(spec: dict[str, Any]) -> dict[str, Any]:
    """The part of ``spec`` the tests use, every ``$ref`` in it resolvable inside it."""
    missing = [path for path in PATHS if path not in spec["paths"]]
    if missing:
        raise SystemExit(f"the spec has no {', '.join(missing)}")
    paths = {
        path: {
            method: {key: operation[key] for key in _OPERATION_KEYS if key in operation}
            for method, operation in item.items()
        }
        for path, item in spec["paths"].items()
        if path in PATHS
    }
    schemas: dict[str, Any] = spec["components"]["schemas"]
    kept: set[str] = set()
    expandable_only: set[str] = set()
    todo = [*SCHEMAS, *(_name(ref) for ref, _ in _refs(paths))]
    while todo:
        name = todo.pop()
        if name in kept:
            continue
        kept.add(name)
        for ref, expandable in _refs(schemas[name]):
            (expandable_only.add if expandable else todo.append)(_name(ref))
    stubs = expandable_only - kept
    return {
        "openapi": spec["openapi"],
        "info": {
            "title": spec["info"]["title"],
            "version": spec["info"]["version"],
            "x-subset": "Only what the tests use; see README.md beside this file.",
        },
        "paths": _without_prose(paths),
        "components": {
            "schemas": {
                name: _stub(name) if name in stubs else _without_prose(schema)
                for name, schema in schemas.items()
                if name in kept or name in stubs
            }
        },
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", type=Path, help="the full spec3.json from stripe/openapi")
    parser.add_argument("out", type=Path, nargs="?", default=OUT, help=f"default: {OUT}")
    args = parser.parse_args(argv)
    cut = subset(json.loads(args.spec.read_text(encoding="utf-8")))
    text = json.dumps(cut, indent=1, ensure_ascii=False) + "\n"
    args.out.write_text(text, encoding="utf-8")
    kept = cut["components"]["schemas"]
    print(f"{args.out}: {len(cut['paths'])} paths, {len(kept)} schemas, {len(text)} bytes")


if __name__ == "__main__":
    main()
