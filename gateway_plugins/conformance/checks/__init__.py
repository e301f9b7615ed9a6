"""The checks, one module per theme; importing this package registers them in order."""

# structural first: they explain why behavioural checks fail.
from . import structural  # noqa: F401, I001
from . import flows, order, money, outcomes, actions, routing, containment, scrubbing  # noqa: F401
from . import notifications  # noqa: F401
