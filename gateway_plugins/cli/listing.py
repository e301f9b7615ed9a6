"""``list``: installed plugins, one block each, within 100 columns; ``--json`` for everything."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from ..manager import PluginManager
from ..registry import PluginRecord
from .console import Console
from .gateways import ManagerFactory, entry_problems, needs
from .output import EXIT_OK

if TYPE_CHECKING:
    from ..config_file import GatewaysFile

WIDTH = 100
_LABEL_WIDTH = 16  # "  capabilities: " and the values aligned after it


def run_list(
    file: GatewaysFile | None, manager_factory: ManagerFactory, as_json: bool, console: Console
) -> int:
    """List plugins (with the file's labels and configurations); return the exit status."""
    manager = manager_factory(configs=file.configs() if file else {})
    problems = [*file.problems, *entry_problems(file, manager)] if file else []
    for problem in problems:
        console.warning(str(problem))
    plugins, broken = _plugin_rows(manager, file), _broken_rows(manager)
    if as_json:
        console.print_json(
            {"plugins": plugins, "broken": broken, "problems": [str(p) for p in problems]}
        )
        return EXIT_OK
    blocks = [_plugin_block(plugin) for plugin in plugins] or ["No plugins installed."]
    if broken:
        blocks.append("Broken plugins:")
        blocks += [_broken_block(plugin) for plugin in broken]
    console.print(console.text("\n\n".join(blocks)))
    return EXIT_OK


def status(record: PluginRecord, file: GatewaysFile | None) -> str:
    """``active``, ``inactive``, ``needs configuration: …`` or ``configuration refused: …``."""
    if record.problem is None:
        return "active"
    lacking = needs(record.problem)
    if lacking is None:
        return record.problem
    gateway = record.gateway.id if record.gateway else None
    given = file is not None and gateway in file.configs()
    return f"{'configuration refused' if given else 'needs configuration'}: {lacking}"


def _plugin_rows(manager: PluginManager, file: GatewaysFile | None) -> list[dict[str, Any]]:
    rows = []
    for record in sorted(manager.plugins, key=lambda r: r.name):
        gateway, config = record.gateway, record.config
        entry = file.gateways.get(gateway.id) if file and gateway else None
        rows.append(
            {
                "name": record.name,
                "distribution": record.distribution,
                "version": record.version,
                "gateway_id": gateway.id if gateway else None,
                "gateway_name": gateway.name if gateway else None,
                "label": entry.label if entry else None,
                "currencies": list(config.supported_currencies) if config else [],
                "capabilities": sorted(c.value for c in gateway.capabilities) if gateway else [],
                "status": status(record, file) if gateway else "active",
            }
        )
    return rows


def _broken_rows(manager: PluginManager) -> list[dict[str, Any]]:
    return [
        {
            "name": broken.name,
            "distribution": broken.distribution,
            "version": broken.version,
            "stage": broken.stage,
            "reason": broken.reason,
        }
        for broken in sorted(manager.broken_plugins, key=lambda b: b.name)
    ]


def _title(row: dict[str, Any]) -> str:
    origin = " ".join(filter(None, [row["distribution"], row["version"]]))
    return f"{row['name']} ({origin})" if origin else row["name"]


def _plugin_block(row: dict[str, Any]) -> str:
    if row["gateway_id"] is None:
        return _block(_title(row), [("gateway", "none: takes part in every gateway's calls")])
    name = (
        row["gateway_name"] if row["label"] is None else f"{row['label']} ({row['gateway_name']})"
    )
    return _block(
        _title(row),
        [
            ("gateway", f"{row['gateway_id']}: {name}"),
            ("status", row["status"]),
            ("currencies", ", ".join(row["currencies"]) or "-"),
            ("capabilities", ", ".join(row["capabilities"]) or "-"),
        ],
    )


def _broken_block(row: dict[str, Any]) -> str:
    return _block(_title(row), [("failed at", row["stage"]), ("reason", row["reason"])])


def _block(title: str, pairs: list[tuple[str, str]]) -> str:
    """A title line, then ``label: value`` lines wrapped at :data:`WIDTH` columns."""
    lines = textwrap.wrap(title, WIDTH, subsequent_indent="    ")
    for label, value in pairs:
        lead = f"  {label}:".ljust(_LABEL_WIDTH)
        lines += textwrap.wrap(
            value,
            WIDTH,
            initial_indent=lead,
            subsequent_indent=" " * _LABEL_WIDTH,
            break_on_hyphens=False,
        ) or [lead.rstrip()]
    return "\n".join(lines)


__all__ = ["WIDTH", "run_list", "status"]
