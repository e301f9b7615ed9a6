"""Cut what the Adyen tests use out of Adyen's full Checkout spec (``CheckoutService-v71.json``).

    python plugins/adyen/tests/spec/make_subset.py PATH/TO/CheckoutService-v71.json [OUT]

writes ``CheckoutService-v71-subset.json`` beside this script (or OUT): the ``POST`` operations
of ``PATHS`` (parameters and request body schema; no examples, no responses), the schemas of
``SCHEMAS``, and everything those reach through ``$ref``, so each reference resolves inside the
file. Prose (``description`` and ``summary`` strings) is dropped; every schema is kept whole.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: The operations the fake Adyen serves (``adyen_spec.REQUEST_SCHEMAS``), all ``POST``.
PATHS = (
    "/payments",
    "/payments/details",
    "/payments/{paymentPspReference}/captures",
    "/payments/{paymentPspReference}/refunds",
    "/payments/{paymentPspReference}/cancels",
    "/payments/{paymentPspReference}/reversals",
    "/storedPaymentMethods",
)
#: The replies the tests check the fake's answers against.
SCHEMAS = (
    "PaymentResponse",
    "PaymentDetailsResponse",
    "PaymentCaptureResponse",
    "PaymentRefundResponse",
    "PaymentCancelResponse",
    "PaymentReversalResponse",
    "StoredPaymentMethodResource",
    "ServiceError",
)

OUT = Path(__file__).with_name("CheckoutService-v71-subset.json")
_PREFIX = "#/components/"
_PROSE = ("description", "summary")


def _refs(node: Any) -> Iterator[str]:
    """Every ``$ref`` under ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _place(ref: str) -> tuple[str, str]:
    """``#/components/schemas/Amount`` → ``("schemas", "Amount")``."""
    section, _, name = ref.removeprefix(_PREFIX).partition("/")
    if not ref.startswith(_PREFIX) or not name or "/" in name:
        raise ValueError(f"unexpected $ref {ref!r}: only {_PREFIX}<section>/<name> is handled")
    return section, name


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


def _operation(operation: dict[str, Any]) -> dict[str, Any]:
    """An operation's id, parameters and request body schema."""
    content = operation["requestBody"]["content"]
    body = {media: {"schema": content[media]["schema"]} for media in content}
    return {
        "operationId": operation["operationId"],
        "parameters": operation.get("parameters", []),
        "requestBody": {"content": body},
    }


def subset(spec: dict[str, Any]) -> dict[str, Any]:
    """The part of ``spec`` the tests use, every ``$ref`` in it resolvable inside it."""
    missing = [path for path in PATHS if "post" not in spec["paths"].get(path, {})]
    if missing:
        raise SystemExit(f"the spec has no POST {', '.join(missing)}")
    paths = {
        path: {"post": _operation(item["post"])}
        for path, item in spec["paths"].items()
        if path in PATHS
    }
    kept: set[tuple[str, str]] = set()
    todo = [("schemas", name) for name in SCHEMAS] + [_place(ref) for ref in _refs(paths)]
    while todo:
        place = todo.pop()
        if place not in kept:
            kept.add(place)
            section, name = place
            todo += [_place(ref) for ref in _refs(spec["components"][section][name])]
    components = {
        section: {
            name: _without_prose(item)
            for name, item in spec["components"][section].items()
            if (section, name) in kept
        }
        for section in spec["components"]
        if any(place[0] == section for place in kept)
    }
    return {
        "openapi": spec["openapi"],
        "info": {
            "title": spec["info"]["title"],
            "version": spec["info"]["version"],
            "x-subset": "Only what the tests use; see README.md beside this file.",
        },
        "paths": _without_prose(paths),
        "components": components,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", type=Path, help="the full CheckoutService-v71.json")
    parser.add_argument("out", type=Path, nargs="?", default=OUT, help=f"default: {OUT}")
    args = parser.parse_args(argv)
    cut = subset(json.loads(args.spec.read_text(encoding="utf-8")))
    text = json.dumps(cut, indent=1, ensure_ascii=False) + "\n"
    args.out.write_text(text, encoding="utf-8")
    kept = cut["components"]["schemas"]
    print(f"{args.out}: {len(cut['paths'])} paths, {len(kept)} schemas, {len(text)} bytes")


if __name__ == "__main__":
    main()
