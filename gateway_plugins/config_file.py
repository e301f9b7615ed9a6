"""Gateway configuration files: one ``[gateways.ID]`` TOML table per gateway.

::

    [gateways.dummy]                 # the gateway id hosts use in PaymentData.gateway
    plugin = "dummy"                 # the plugin's entry point name (default: the table name)
    label = "Test cards"             # optional, for admins
    [gateways.dummy.configuration]   # a GatewayConfig; the plugin's default when absent
    gateway_name = "Test cards"
    auto_capture = false
    supported_currencies = ["USD", "EUR"]
    [gateways.dummy.configuration.connection_params]
    api_key = "${DUMMY_API_KEY}"     # secrets come from the environment, never the file

Each table is a *gateway instance* (Drupal Commerce's payment gateway entity:
id, label, plugin, configuration); weight, status, conditions and mode may join
them later. Today one plugin provides one gateway, so a table's name must be the
id of the gateway its plugin provides.

String values may hold ``${NAME}`` references to environment variables, whole
(``"${KEY}"``) or embedded (``"https://${HOST}/v1"``); nothing else is expanded,
and a variable that is unset or empty is an error.

:func:`load` reads a file into :class:`GatewaysFile`: the entries that are valid,
and one :class:`Problem` per thing wrong with the others (naming the file, the
gateway id and the field), all of them rather than the first. A broken entry
never stops the others from loading. Messages never repeat a value taken from
the environment.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .interface import GatewayConfig
from .scrub import Scrubber

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: The environment variable naming the configuration file used when none is given.
ENV_VARIABLE = "GATEWAY_PLUGINS_CONFIG"

_GATEWAY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class GatewayEntry(BaseModel):
    """One ``[gateways.ID]`` table: a gateway instance."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    id: str = Field(pattern=f"^{_GATEWAY_ID.pattern}$")
    """The gateway id: the table's name."""
    plugin: str = Field(min_length=1)
    """The plugin's entry point name in ``gateway_plugins.gateways``."""
    label: str | None = Field(default=None, min_length=1)
    """A name for admins."""
    configuration: GatewayConfig | None = None
    """The gateway's configuration; ``None`` leaves the plugin's default."""


_TABLE_FIELDS = ("plugin", "label", "configuration")

#: Reports a problem of one table: (field or None, message).
_Report = Callable[[str | None, str], None]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a configuration file."""

    file: str
    gateway: str | None
    """The gateway id (table name), or ``None`` for the file as a whole."""
    field: str | None
    """The field, dotted below the gateway's table (``configuration.auto_capture``)."""
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.gateway is not None:
            parts.append(f"gateway {self.gateway!r}")
        if self.field:
            parts.append(self.field)
        return ": ".join([*parts, self.message])


class ConfigFileError(ValueError):
    """The file cannot be read at all (missing, unreadable, not TOML)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class GatewaysFile:
    """What a configuration file holds: valid entries, and the problems of the others."""

    path: str
    gateways: dict[str, GatewayEntry]
    """The valid entries, by gateway id, in file order."""
    problems: tuple[Problem, ...] = ()
    broken: frozenset[str] = frozenset()
    """Ids of the tables that had problems (and are not in :attr:`gateways`)."""
    hidden: tuple[str, ...] = field(default=(), repr=False)
    """Every value taken from the environment, to keep out of anything printed."""

    def configs(self) -> dict[str, GatewayConfig]:
        """The configurations given, by gateway id, for ``PluginManager(configs=...)``."""
        return {
            gateway_id: entry.configuration
            for gateway_id, entry in self.gateways.items()
            if entry.configuration is not None
        }

    def plugin_for(self, gateway_id: str) -> str:
        """The entry point name of ``gateway_id``'s plugin: the table's ``plugin``, or the id."""
        entry = self.gateways.get(gateway_id)
        return entry.plugin if entry is not None else gateway_id


def default_path(environ: Mapping[str, str] | None = None) -> str | None:
    """The file named by :data:`ENV_VARIABLE`, or ``None`` when it is unset or empty."""
    value = (os.environ if environ is None else environ).get(ENV_VARIABLE, "")
    return value or None


def load(path: str | os.PathLike[str], environ: Mapping[str, str] | None = None) -> GatewaysFile:
    """Read and check the file at ``path``; raises :class:`ConfigFileError` if unreadable."""
    name = os.fspath(path)
    try:
        text = Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigFileError(Problem(name, None, None, "no such file")) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise ConfigFileError(Problem(name, None, None, f"cannot read it: {reason}")) from None
    return parse(text, name, environ)


def parse(
    text: str, file: str = "<string>", environ: Mapping[str, str] | None = None
) -> GatewaysFile:
    """Check the TOML ``text`` of a configuration file called ``file``; see :func:`load`."""
    environ = os.environ if environ is None else environ
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(Problem(file, None, None, f"not valid TOML: {exc}")) from None
    problems: list[Problem] = []
    for key in document:
        if key != "gateways":
            problems.append(
                Problem(file, None, key, "unknown key; the file holds [gateways.ID] tables")
            )
    tables = document.get("gateways", {})
    if not isinstance(tables, dict):
        problems.append(Problem(file, None, "gateways", "must be a table of [gateways.ID] tables"))
        tables = {}
    gateways: dict[str, GatewayEntry] = {}
    broken: set[str] = set()
    hidden: list[str] = []
    for gateway_id, table in tables.items():
        entry, entry_problems = _entry(file, gateway_id, table, environ, hidden)
        if entry is None:
            broken.add(gateway_id)
            problems += entry_problems
        else:
            gateways[gateway_id] = entry
    scrubber = Scrubber(hidden, card_numbers=False)
    return GatewaysFile(
        path=file,
        gateways=gateways,
        problems=tuple(
            Problem(p.file, p.gateway, p.field, scrubber.text(p.message)) for p in problems
        ),
        broken=frozenset(broken),
        hidden=tuple(hidden),
    )


def _entry(
    file: str, gateway_id: str, table: object, environ: Mapping[str, str], hidden: list[str]
) -> tuple[GatewayEntry | None, list[Problem]]:
    """One table as a :class:`GatewayEntry`, or ``None`` and every problem it has."""
    problems: list[Problem] = []

    def problem(field_name: str | None, message: str) -> None:
        problems.append(Problem(file, gateway_id, field_name, message))

    def reported(where: str) -> bool:
        # A reference that could not be expanded is one problem, not two.
        return any(
            p.field is not None and (where == p.field or where.startswith(p.field + "."))
            for p in problems
        )

    if not _GATEWAY_ID.fullmatch(gateway_id):
        problem(None, "not a gateway id: letters, digits and _ . : - (not first)")
    if not isinstance(table, dict):
        problem(None, "must be a table: [gateways.ID] with plugin, label and [configuration]")
        return None, problems
    if "id" in table:
        problem("id", "the gateway id is the table's name ([gateways.ID]), not a field")
        table = {key: value for key, value in table.items() if key != "id"}
    expanded = _expand(table, "", environ, problem, hidden)
    values = {"id": gateway_id, "plugin": gateway_id, **expanded}
    try:
        entry = GatewayEntry.model_validate(values)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            if where == "id" or reported(where):
                continue  # reported above, in words of the file
            problem(where or None, _error_message(error))
        return None, problems
    return (entry, []) if not problems else (None, problems)


def _expand(
    value: Any, where: str, environ: Mapping[str, str], problem: _Report, hidden: list[str]
) -> Any:
    """``value`` with ``${NAME}`` references replaced, at any depth; problems reported."""
    if isinstance(value, dict):
        return {
            key: _expand(item, f"{where}.{key}" if where else key, environ, problem, hidden)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [
            _expand(item, f"{where}.{index}", environ, problem, hidden)
            for index, item in enumerate(value)
        ]
    if not isinstance(value, str) or "${" not in value:
        return value
    parts: list[str] = []
    rest = value
    while (start := rest.find("${")) >= 0:
        end = rest.find("}", start)
        if end < 0:
            problem(where, "an unclosed ${ (write references as ${NAME})")
            return value
        name = rest[start + 2 : end]
        if not _VARIABLE_NAME.fullmatch(name):
            problem(
                where,
                "a ${...} reference must name an environment variable: "
                "letters, digits and _, not starting with a digit",
            )
            return value
        found = environ.get(name)
        if not found:
            problem(
                where, f"environment variable {name} is {'empty' if found == '' else 'not set'}"
            )
            return value
        hidden.append(found)
        parts += [rest[:start], found]
        rest = rest[end + 1 :]
    return "".join([*parts, rest])


def _error_message(error: Any) -> str:
    """A pydantic error in words, never with the input (it may be a secret)."""
    kind = error["type"]
    location = error["loc"]
    if kind == "extra_forbidden":
        if len(location) == 1:
            return f"unknown field; a gateway table takes {', '.join(_TABLE_FIELDS)}"
        if len(location) == 2 and location[0] == "configuration":
            names = ", ".join(GatewayConfig.model_fields)
            return f"unknown field; a configuration takes {names}"
        return "unknown field"
    if kind == "missing":
        return "required, missing"
    if kind in _TYPE_WORDS:
        found = _TOML_TYPES.get(type(error.get("input")), "another type")
        return f"must be {_TYPE_WORDS[kind]}, not {found}"
    if kind == "string_too_short":
        return "must not be empty"
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, Exception):
        return str(cause)
    return str(error["msg"])


#: pydantic's type errors, in TOML's words.
_TYPE_WORDS = {
    "string_type": "a string",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "list_type": "an array",
    "tuple_type": "an array",
}
_TOML_TYPES: dict[type, str] = {
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a float",
    dict: "a table",
    list: "an array",
}


__all__ = [
    "ENV_VARIABLE",
    "ConfigFileError",
    "GatewayEntry",
    "GatewaysFile",
    "Problem",
    "default_path",
    "load",
    "parse",
]
