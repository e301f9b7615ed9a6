"""``python -m gateway_plugins.cli``: the ``gateway-plugins`` command."""

from gateway_plugins.cli import main

raise SystemExit(main())
