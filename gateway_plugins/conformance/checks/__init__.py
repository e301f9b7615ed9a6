"""The checks, one module per theme; importing this package registers them in order."""

# structural first: they explain why behavioural checks fail.
from . import structural  # noqa: F401, I001
from . import flows, order, money, outcomes, routing, containment, scrubbing, notifications  # noqa: F401
