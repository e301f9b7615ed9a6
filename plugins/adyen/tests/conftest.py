"""Fixtures for the Adyen plugin's tests: a fresh fake Adyen per test, checked against the spec."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from gateway_plugins_adyen.testing import FakeAdyen, install_request_check

from plugins.adyen.tests import adyen_spec


def spec_check(method: str, path: str, document: Any) -> tuple[str, list[str]] | None:
    """Adyen's OpenAPI spec as the fake's request check: the schema broken, and how."""
    schema = adyen_spec.REQUEST_SCHEMAS.get((method, adyen_spec.template_of(path) or ""))
    if schema is None:
        return None
    errors = adyen_spec.schema_errors(schema, document)
    return (schema, errors) if errors else None


@pytest.fixture(scope="session", autouse=True)
def _requests_checked_against_the_spec() -> Iterator[None]:
    """Every fake Adyen of these tests refuses bodies off Adyen's spec."""
    install_request_check(spec_check)
    yield
    install_request_check(None)


@pytest.fixture
def fake_adyen() -> Iterator[FakeAdyen]:
    """A fake Adyen on 127.0.0.1 with empty state.

    Fails the test if the fake crashed, or if a request broke Adyen's spec and the
    test did not take that violation itself (``fake_adyen.take_spec_violations()``).
    """
    with FakeAdyen() as fake:
        yield fake
    assert not fake.server_errors, "the fake Adyen crashed:\n" + "\n".join(fake.server_errors)
    violations = fake.take_spec_violations()
    assert not violations, "requests broke Adyen's spec:\n" + "\n".join(map(str, violations))
