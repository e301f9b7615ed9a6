"""Setting up the gateways a command needs: the configuration file, then the plugins.

A command on one gateway loads only the plugin it needs: the entry point named
like the gateway, or the one its configuration file entry names. Importing
every installed plugin (and so ``requests`` for the HTTP ones) would more than
double the command's start-up time. When no single entry point provides the
gateway, every installed plugin is loaded, as ``list`` always does.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from ..exceptions import PluginRegistrationError
from ..hookspecs import ENTRY_POINT_GROUP
from ..interface import GatewayConfig
from ..manager import PluginManager
from .console import Console

if TYPE_CHECKING:
    from ..config_file import GatewaysFile, Problem

#: ``gateway_plugins.config_file.ENV_VARIABLE``. The module itself is imported only
#: when there is a file to read: its pydantic models take a while to build.
CONFIG_VARIABLE = "GATEWAY_PLUGINS_CONFIG"

#: How the registry words a gateway whose configuration the plugin refused.
REFUSED = "configuration refused: "
_EXCEPTION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:Error|Exception): ")


class ManagerFactory(Protocol):
    """Builds the manager for one command (tests pass their own)."""

    def __call__(
        self,
        *,
        configs: Mapping[str, GatewayConfig],
        plugin: str | None = None,
        gateway: str | None = None,
    ) -> PluginManager:
        """A manager with ``configs``; ``plugin`` is the entry point that should provide
        ``gateway`` when the command needs only that gateway, ``None`` for every plugin."""
        ...


def load_manager(
    *,
    configs: Mapping[str, GatewayConfig],
    plugin: str | None = None,
    gateway: str | None = None,
) -> PluginManager:
    """Only the plugin installed as ``plugin`` if it loads and provides ``gateway``;
    every installed plugin otherwise (broken ones recorded, as always)."""
    if plugin is not None:
        manager = _only(plugin, gateway, configs)
        if manager is not None:
            return manager
    return PluginManager(configs=configs)


def _only(
    name: str, gateway: str | None, configs: Mapping[str, GatewayConfig]
) -> PluginManager | None:
    found = list(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP, name=name))
    if len(found) != 1:
        return None
    entry_point = found[0]
    try:
        loaded = entry_point.load()
        plugin = loaded() if inspect.isclass(loaded) or inspect.isfunction(loaded) else loaded
    except Exception:
        return None  # full discovery records the failure and says why
    dist = getattr(entry_point, "dist", None)
    distribution = (dist.metadata["Name"], dist.version) if dist is not None else (None, None)
    manager = PluginManager(discover=False, configs=configs)
    try:
        manager.register(plugin, name, distribution=distribution)
    except (PluginRegistrationError, ValueError):
        return None
    provided = {record.gateway.id for record in manager.plugins if record.gateway is not None}
    if gateway is not None and gateway not in provided:
        return None
    return manager


class UnreadableConfig(ValueError):
    """The configuration file cannot be read at all; the message says why."""


def read_config(path: str | None, console: Console) -> GatewaysFile | None:
    """The configuration file at ``path`` or named by the environment; ``None`` if neither.

    Raises :class:`UnreadableConfig` when the file cannot be read at all. Its
    secrets are hidden from the console from here on.
    """
    from_environment = path is None
    path = path if path is not None else (os.environ.get(CONFIG_VARIABLE) or None)
    if path is None:
        return None
    from ..config_file import ConfigFileError, load

    try:
        file = load(path)
    except ConfigFileError as exc:
        named = f" (named by ${CONFIG_VARIABLE})" if from_environment else ""
        raise UnreadableConfig(f"{exc}{named}") from None
    console.hide(file.hidden)
    for entry in file.gateways.values():
        if entry.configuration is not None:
            console.hide(entry.configuration.secret_values())
    console.reported_refusals |= set(file.gateways)
    return file


def needs(problem: str) -> str | None:
    """What a refused configuration lacks, from the registry's problem text; ``None`` if
    the problem is not a refusal (an inactive gateway)."""
    if not problem.startswith(REFUSED):
        return None
    # The exception's type name is no help to someone writing a configuration.
    return _EXCEPTION_NAME.sub("", problem[len(REFUSED) :], count=1)


def entry_problems(file: GatewaysFile, manager: PluginManager) -> list[Problem]:
    """What is wrong with the file's valid entries once their plugins are known.

    Entries whose plugin is installed but was not loaded for this command are
    checked when a command uses them.
    """
    from ..config_file import Problem

    records = {record.name: record for record in manager.plugins}
    broken = {plugin.name: plugin for plugin in manager.broken_plugins}
    installed = {ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
    installed |= set(records) | set(broken)
    problems = []
    for gateway_id, entry in file.gateways.items():

        def problem(field: str, message: str, gateway_id: str = gateway_id) -> None:
            problems.append(Problem(file.path, gateway_id, field, message))

        name = entry.plugin
        record = records.get(name)
        if record is None:
            if name in broken:
                failed = broken[name]
                problem("plugin", f"plugin {name!r} is broken ({failed.stage}): {failed.reason}")
            elif name not in installed:
                known = ", ".join(sorted(installed)) or "none"
                problem("plugin", f"no plugin is installed as {name!r} (installed: {known})")
            continue
        if record.gateway is None:
            problem("plugin", f"plugin {name!r} provides no gateway")
        elif record.gateway.id != gateway_id:
            provided = record.gateway.id
            problem(
                "plugin",
                f"plugin {name!r} provides the gateway {provided!r}, and one plugin is one "
                f"gateway today: name the table [gateways.{provided}]",
            )
        elif record.problem is not None and (lacking := needs(record.problem)) is not None:
            if entry.configuration is None:
                problem("configuration", f"missing, and the plugin needs one: {lacking}")
            else:
                problem("configuration", f"refused by plugin {name!r}: {lacking}")
    return problems


__all__ = [
    "CONFIG_VARIABLE",
    "REFUSED",
    "ManagerFactory",
    "UnreadableConfig",
    "entry_problems",
    "load_manager",
    "needs",
    "read_config",
]
