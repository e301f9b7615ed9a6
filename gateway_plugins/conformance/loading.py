"""Turning what the inputs name (a class, a factory, an entry point) into plugin objects."""

from __future__ import annotations

import functools
import importlib.metadata
import inspect
import sys
from dataclasses import dataclass
from types import ModuleType

from ..hookspecs import ENTRY_POINT_GROUP


@dataclass(frozen=True)
class PluginSource:
    """Where plugin objects come from, and what to call the plugin in reports."""

    obj: object
    """A class or factory function (called for each new instance), or a ready object."""
    label: str
    distribution: str | None
    version: str | None

    def instantiate(self) -> object:
        """A plugin object: a new one when the source is a class or a factory."""
        if isinstance(self.obj, ModuleType):
            return self.obj
        if inspect.isclass(self.obj) or inspect.isfunction(self.obj):
            return self.obj()
        return self.obj


def find_entry_point(name: str) -> importlib.metadata.EntryPoint:
    """The entry point ``name`` in the gateway group (``LookupError`` if not installed)."""
    found = list(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP, name=name))
    if not found:
        installed = sorted(
            ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
        )
        raise LookupError(
            f"no plugin is installed under the entry point {name!r} in group "
            f"{ENTRY_POINT_GROUP!r} (installed: {', '.join(installed) or 'none'})"
        )
    return found[0]


def from_entry_point(name: str) -> PluginSource:
    """Load the plugin installed as ``name``; import errors propagate."""
    entry_point = find_entry_point(name)
    dist = getattr(entry_point, "dist", None)
    return PluginSource(
        obj=entry_point.load(),
        label=name,
        distribution=dist.metadata["Name"] if dist is not None else None,
        version=dist.version if dist is not None else None,
    )


def from_object(obj: object) -> PluginSource:
    """Describe a plugin given in code (class, factory, module or object).

    When an installed entry point publishes exactly this object, the report
    names the plugin by that entry point and its distribution.
    """
    if isinstance(obj, ModuleType):
        module, name = obj.__name__, None
    else:
        target = obj if inspect.isclass(obj) or inspect.isfunction(obj) else type(obj)
        module = getattr(target, "__module__", "") or ""
        name = getattr(target, "__qualname__", type(obj).__name__)
    label = f"{module}.{name}" if name else module
    distribution, version = None, None
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry_point.module.partition(".")[0] != module.partition(".")[0]:
            continue
        dist = getattr(entry_point, "dist", None)
        if dist is not None:
            distribution, version = dist.metadata["Name"], dist.version
        if _publishes(entry_point, obj):
            label = entry_point.name
            break
    if distribution is None:
        distribution, version = _distribution_of(module)
    return PluginSource(obj=obj, label=label, distribution=distribution, version=version)


def _publishes(entry_point: importlib.metadata.EntryPoint, obj: object) -> bool:
    # Compared by name, without importing anything: only already imported modules count.
    module = sys.modules.get(entry_point.module)
    if module is None:
        return False
    published: object = module
    for part in (entry_point.attr or "").split("."):
        if part:
            published = getattr(published, part, None)
    return published is obj


def _distribution_of(module: str) -> tuple[str | None, str | None]:
    return _distribution_of_package(module.partition(".")[0])


@functools.cache  # scanning every distribution's files takes ~10 ms
def _distribution_of_package(top: str) -> tuple[str | None, str | None]:
    try:
        names = importlib.metadata.packages_distributions().get(top) or []
        if not names:
            return None, None
        return names[0], importlib.metadata.version(names[0])
    except Exception:  # metadata is a nicety for reports; never fail a run on it
        return None, None
