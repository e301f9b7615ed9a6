"""The ``gateway-plugins`` command: list plugins, run payments and what follows them.

::

    gateway-plugins [--config FILE] list [--json]
    gateway-plugins [--config FILE] pay --gateway ID --amount A --currency C --token T
                                        [--authorize-only] [--idempotency-key KEY] [--json]
    gateway-plugins [--config FILE] capture|refund|void --gateway ID --reference REF
                                        --amount A --currency C [--idempotency-key KEY] [--json]
    gateway-plugins [--config FILE] confirm ... [--data KEY=VALUE ... | --data-json JSON]
    gateway-plugins check NAME [--json] [--report FILE]

``--config FILE`` (default: the file named by ``$GATEWAY_PLUGINS_CONFIG``)
configures gateways; see :mod:`gateway_plugins.config_file`.

Exit status: 0 on success (a payment waiting for 3-D Secure or a redirect
counts as success), 1 when the call failed (declined, or refused by the PSP),
2 on bad input (one ``gateway-plugins: error: …`` line on stderr per problem)
and on usage errors, 3 when the outcome is unknown (the PSP may or may not have
acted: neither approved nor declined), 4 on an internal error (a bug).

No value on the command line that looks like a card number, and not the token
whatever it looks like, is ever written anywhere: output, error messages, logs.

One module per concern: :mod:`.parser` (arguments), :mod:`.console` (scrubbed
output), :mod:`.gateways` (configuration file and plugin loading),
:mod:`.listing` (``list``), :mod:`.payments` (the money commands) and
:mod:`.output` (showing a response).
"""

from .app import EXIT_INTERNAL, main
from .console import PROG
from .output import EXIT_FAILED, EXIT_OK, EXIT_UNKNOWN, EXIT_USAGE

__all__ = ["EXIT_FAILED", "EXIT_INTERNAL", "EXIT_OK", "EXIT_UNKNOWN", "EXIT_USAGE", "PROG", "main"]
