"""How much the dummy PSP remembers: its last N authorizations and its last N replies.

A PSP in memory that kept everything would grow without end in a long-running
host. The dummy keeps the ``connection_params.max_records`` most recent of each
(:data:`DEFAULT_MAX_RECORDS` by default) and forgets the oldest first.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TypeVar

from gateway_plugins import GatewayConfig

#: How many authorizations, and how many replies, the dummy keeps by default.
DEFAULT_MAX_RECORDS = 10_000
#: The ``connection_params`` key that sets the bound.
MAX_RECORDS_PARAM = "max_records"

K = TypeVar("K")
V = TypeVar("V")


class Recent(OrderedDict[K, V]):
    """A dict that keeps its last ``limit`` entries: adding one more forgets the oldest.

    Not locked: its owner holds a lock around every use.
    """

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        self._trim()

    def resize(self, limit: int) -> None:
        """Keep the last ``limit`` entries from now on (forgetting the oldest at once)."""
        self.limit = limit
        self._trim()

    def _trim(self) -> None:
        while len(self) > self.limit:
            self.popitem(last=False)


def max_records(config: GatewayConfig) -> int:
    """The bound ``config`` sets; ``ValueError`` naming the parameter when it is not one."""
    value = config.connection_params.get(MAX_RECORDS_PARAM, DEFAULT_MAX_RECORDS)
    whole = isinstance(value, int) and not isinstance(value, bool)
    if not whole or value < 1:
        given = str(value) if whole else f"a {type(value).__name__}"
        raise ValueError(
            f"connection_params.{MAX_RECORDS_PARAM} must be an int of at least 1 (how many "
            f"authorizations, and how many replies, the dummy keeps), not {given}"
        )
    return int(value)
