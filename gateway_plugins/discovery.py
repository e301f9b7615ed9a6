"""Finding plugins published as entry points, one failure never stopping the rest.

A distribution publishes a gateway plugin in the ``gateway_plugins.gateways``
group::

    [project.entry-points."gateway_plugins.gateways"]
    dummy = "gateway_plugins_dummy:DummyGatewayPlugin"

The entry point may name a class (instantiated with no arguments), a factory
function, a module or a ready object.

stevedore does the loading. Its entry-point cache is bypassed: the on-disk
cache is keyed by a hash of ``sys.path`` mtimes stored as float32, which cannot
tell apart changes less than ~128 s apart, and the in-process one never
refreshes, so a plugin installed a moment ago could go unseen. Reading
``importlib.metadata`` afresh costs the same scan the cache was meant to save
only on a cold cache, and is always right.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import logging
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from stevedore import ExtensionManager

log = logging.getLogger("gateway_plugins")


@dataclass(frozen=True)
class LoadedPlugin:
    """A plugin object made from an entry point, not yet registered."""

    name: str
    obj: object
    distribution: tuple[str | None, str | None]


@dataclass(frozen=True)
class BrokenPlugin:
    """An entry point that could not become a registered plugin."""

    name: str
    distribution: str | None
    version: str | None
    stage: str
    """``import``, ``instantiate`` or ``validate``."""
    reason: str


class _FreshExtensionManager(ExtensionManager):  # type: ignore[type-arg]
    """stevedore's loader, reading entry points afresh (see the module docstring)."""

    def list_entry_points(self) -> list[importlib.metadata.EntryPoint]:
        return list(importlib.metadata.entry_points(group=self.namespace))

    def _load_one_plugin(self, ep: importlib.metadata.EntryPoint, *args: Any) -> Any:
        try:
            return super()._load_one_plugin(ep, *args)
        except AssertionError as exc:
            # stevedore lets AssertionError escape and stop every other plugin.
            assert self._on_load_failure_callback is not None
            self._on_load_failure_callback(self, ep, exc)
            return None


def _distribution(ep: importlib.metadata.EntryPoint) -> tuple[str | None, str | None]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return None, None
    return dist.metadata["Name"], dist.version


def _instantiate(loaded: Any) -> object:
    # Classes and factory functions are called; modules and objects are used as they are.
    if isinstance(loaded, ModuleType):
        return loaded
    if inspect.isclass(loaded) or inspect.isfunction(loaded):
        return loaded()
    return loaded


def load_entry_points(group: str) -> tuple[list[LoadedPlugin], list[BrokenPlugin]]:
    """Import and instantiate every plugin in ``group``; collect failures, never raise."""
    broken: list[BrokenPlugin] = []

    def on_failure(_manager: Any, ep: importlib.metadata.EntryPoint, exc: BaseException) -> None:
        reason = f"{type(exc).__name__}: {exc}"
        broken.append(BrokenPlugin(ep.name, *_distribution(ep), "import", reason))
        log.warning("could not import plugin %r: %s", ep.name, reason)

    extensions = _FreshExtensionManager(group, on_load_failure_callback=on_failure)
    loaded = []
    for ext in extensions:
        dist = _distribution(ext.entry_point)
        try:
            obj = _instantiate(ext.plugin)
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
            broken.append(BrokenPlugin(ext.name, *dist, "instantiate", reason))
            log.warning("could not instantiate plugin %r: %s", ext.name, reason)
            continue
        loaded.append(LoadedPlugin(ext.name, obj, dist))
    return loaded, broken
