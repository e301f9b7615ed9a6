"""Fixtures for the Adyen plugin's tests: a fresh fake Adyen per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from plugins.adyen.tests.fake_adyen import FakeAdyen


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
