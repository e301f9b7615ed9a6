"""Building blocks for gateway plugins that talk HTTP to their PSP.

``transport`` sends requests (pooling, timeouts, safe retries, scrubbed
transcript); ``commands`` turns operations into requests and replies into
``GatewayResponse`` objects; ``connection`` keeps a configured client and its
commands together, swapped whole when the host reconfigures; ``hooks`` maps
the money hooks onto those commands. Importing this package imports
``requests``; the core framework does not.
"""

from .commands import (
    INVALID_REQUEST,
    OUTCOME_UNKNOWN,
    PSP_UNREACHABLE,
    Command,
    CommandPool,
    ReplyHandler,
    RequestBuilder,
    outcome_unknown,
)
from .connection import Connection, ConnectionSlot
from .hooks import CommandHooks
from .transport import (
    HttpClient,
    HttpReply,
    HttpRequest,
    MalformedReply,
    RetryPolicy,
    Timeouts,
    TransportError,
)

__all__ = [
    "INVALID_REQUEST",
    "OUTCOME_UNKNOWN",
    "PSP_UNREACHABLE",
    "Command",
    "CommandHooks",
    "CommandPool",
    "Connection",
    "ConnectionSlot",
    "HttpClient",
    "HttpReply",
    "HttpRequest",
    "MalformedReply",
    "ReplyHandler",
    "RequestBuilder",
    "RetryPolicy",
    "Timeouts",
    "TransportError",
    "outcome_unknown",
]
