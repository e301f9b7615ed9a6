"""Building blocks for gateway plugins that talk HTTP to their PSP.

``transport`` sends requests (pooling, a deadline, safe retries, bounded
replies, scrubbed transcript); ``settings`` holds the rules for base URLs and
timeouts that plugins check their ``connection_params`` with; ``commands``
turns operations into requests and replies into ``GatewayResponse`` objects;
``connection`` keeps a configured client and its commands together, swapped
whole when the host reconfigures; ``hooks`` maps the money hooks onto those
commands. ``messages`` holds the request and reply types; ``wire`` and
``logs`` are the transport's inner parts (reading against the deadline and
the size limit, URLs kept out of logs). Importing this package imports
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
from .logs import scrub_url
from .settings import MAX_TIMEOUT, Timeouts, check_base_url, check_seconds
from .transport import (
    MAX_REPLY_BYTES,
    HttpClient,
    HttpReply,
    HttpRequest,
    MalformedReply,
    RetryPolicy,
    TransportError,
)

__all__ = [
    "INVALID_REQUEST",
    "MAX_REPLY_BYTES",
    "MAX_TIMEOUT",
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
    "check_base_url",
    "check_seconds",
    "outcome_unknown",
    "scrub_url",
]
