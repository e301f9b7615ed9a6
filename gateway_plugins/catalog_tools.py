"""Keeping the gettext catalogs in step with the code: extract, compile, check.

Run as ``python -m gateway_plugins.i18n extract|compile|check`` (see
:mod:`gateway_plugins.i18n`). Standard library only; GNU ``msgfmt`` is not needed.
"""

from __future__ import annotations

import argparse
import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .i18n import DOMAIN
from .po import Entry, PoError, mo_catalog, parse_po, read_mo, write_mo

#: The framework's package folder, the default for every command.
PACKAGE_DIR = Path(__file__).resolve().parent
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\w*\}")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


@dataclass
class Message:
    """A message id marked with ``N_`` in the code, and where."""

    msgid: str
    comments: list[str] = field(default_factory=list)
    """What the message is for, e.g. ``ErrorCode.DECLINED`` (the dict key it is the value of)."""
    references: list[str] = field(default_factory=list)
    """The files that mark it, relative to the package's parent."""


def extract_messages(package_dir: Path = PACKAGE_DIR) -> dict[str, Message]:
    """Every ``N_("…")`` literal in the package's Python files, in order of appearance.

    Raises ``ValueError`` for an ``N_`` call whose argument is not one string literal,
    since such a message could not be translated.
    """
    messages: dict[str, Message] = {}
    for path in sorted(package_dir.rglob("*.py")):
        reference = path.relative_to(package_dir.parent).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        keys = {
            id(value): ast.unparse(key)
            for node in ast.walk(tree)
            if isinstance(node, ast.Dict)
            for key, value in zip(node.keys, node.values, strict=True)
            if key is not None
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _is_marker(node.func)):
                continue
            argument = node.args[0] if len(node.args) == 1 and not node.keywords else None
            if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
                raise ValueError(f"{reference}:{node.lineno}: N_() takes one string literal")
            message = messages.setdefault(argument.value, Message(argument.value))
            if id(node) in keys and keys[id(node)] not in message.comments:
                message.comments.append(keys[id(node)])
            if reference not in message.references:
                message.references.append(reference)
    return messages


def _is_marker(function: ast.expr) -> bool:
    return (isinstance(function, ast.Name) and function.id == "N_") or (
        isinstance(function, ast.Attribute) and function.attr == "N_"
    )


def template(messages: dict[str, Message]) -> str:
    """The ``.pot`` text for ``messages``: English ids, empty translations."""
    lines = [
        "# Shopper messages of gateway-plugins: the template translations start from.",
        "# Written by `python -m gateway_plugins.i18n extract`; do not edit by hand.",
        'msgid ""',
        'msgstr ""',
        '"Project-Id-Version: gateway-plugins\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
    ]
    for message in messages.values():
        lines += ["", *(f"#. {comment}" for comment in message.comments)]
        lines += [f"#: {' '.join(message.references)}", f"msgid {quote(message.msgid)}"]
        lines.append('msgstr ""')
    return "\n".join(lines) + "\n"


def quote(text: str) -> str:
    """``text`` as one PO string literal."""
    return '"' + "".join(_ESCAPES.get(char, char) for char in text) + '"'


def _locale(package_dir: Path) -> Path:
    return package_dir / "locale"


def catalog_files(package_dir: Path = PACKAGE_DIR, domain: str = DOMAIN) -> list[Path]:
    """The ``.po`` files under ``<package>/locale/*/LC_MESSAGES/``."""
    return sorted(_locale(package_dir).glob(f"*/LC_MESSAGES/{domain}.po"))


def compile_catalogs(package_dir: Path = PACKAGE_DIR, domain: str = DOMAIN) -> list[Path]:
    """Write each ``.po``'s ``.mo`` where it differs; return the files written."""
    written = []
    for po_path in catalog_files(package_dir, domain):
        entries = parse_po(po_path.read_text(encoding="utf-8"), str(po_path))
        data = write_mo(mo_catalog(entries))
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.is_file() or mo_path.read_bytes() != data:
            mo_path.write_bytes(data)
            written.append(mo_path)
    return written


def catalog_problems(package_dir: Path = PACKAGE_DIR, domain: str = DOMAIN) -> list[str]:
    """What is wrong with the catalogs (empty when none): each line names the file.

    Checked: the template lists exactly the code's messages; every catalog
    translates every message (not fuzzy, same placeholders) and no other; its
    ``Language`` header names its folder and its charset is UTF-8; its ``.mo``
    holds exactly what compiling the ``.po`` gives; no ``.mo`` lacks its ``.po``.
    """
    messages = extract_messages(package_dir)
    problems = []
    pot = _locale(package_dir) / f"{domain}.pot"
    if not pot.is_file() or pot.read_text(encoding="utf-8") != template(messages):
        problems.append(f"{pot}: stale; run python -m gateway_plugins.i18n extract")
    for mo_path in sorted(_locale(package_dir).glob(f"*/LC_MESSAGES/{domain}.mo")):
        if not mo_path.with_suffix(".po").is_file():
            problems.append(f"{mo_path}: no .po next to it")
    for po_path in catalog_files(package_dir, domain):
        try:
            entries = parse_po(po_path.read_text(encoding="utf-8"), str(po_path))
        except (PoError, UnicodeDecodeError) as exc:
            problems.append(f"{po_path}: {exc}")
            continue
        language = po_path.parent.parent.name
        problems += [f"{po_path}: {problem}" for problem in _header_problems(entries, language)]
        problems += [f"{po_path}: {problem}" for problem in _entry_problems(entries, messages)]
        mo_path = po_path.with_suffix(".mo")
        try:
            fresh = mo_path.is_file() and read_mo(mo_path.read_bytes()) == mo_catalog(entries)
        except PoError:
            fresh = False
        if not fresh:
            problems.append(
                f"{mo_path}: stale or missing; run python -m gateway_plugins.i18n compile"
            )
    return problems


def _header_problems(entries: list[Entry], language: str) -> list[str]:
    header = next((entry for entry in entries if entry.key == ""), None)
    if header is None:
        return ['no header (msgid "")']
    fields = dict(line.partition(":")[::2] for line in header.msgstr[0].splitlines() if ":" in line)
    problems = []
    if fields.get("Language", "").strip() != language:
        problems.append(f"the Language header must be {language!r}, the folder's name")
    if "charset=utf-8" not in fields.get("Content-Type", "").replace(" ", "").lower():
        problems.append("the Content-Type header must say charset=UTF-8")
    return problems


def _entry_problems(entries: list[Entry], messages: dict[str, Message]) -> list[str]:
    problems = []
    found = {entry.key: entry for entry in entries if entry.key}
    for msgid in messages:
        entry = found.get(msgid)
        if entry is None:
            problems.append(f"no entry for {msgid!r}")
        elif entry.fuzzy:
            problems.append(f"line {entry.line}: fuzzy translation of {msgid!r}")
        elif not entry.translated:
            problems.append(f"line {entry.line}: {msgid!r} is not translated")
        elif sorted(_PLACEHOLDER.findall(entry.msgstr[0])) != sorted(_PLACEHOLDER.findall(msgid)):
            problems.append(f"line {entry.line}: placeholders differ from {msgid!r}")
    for key, entry in found.items():
        if key not in messages:
            problems.append(f"line {entry.line}: {key!r} is not in the code; remove it")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m gateway_plugins.i18n {extract,compile,check}``."""
    parser = argparse.ArgumentParser(
        prog="python -m gateway_plugins.i18n",
        description="Maintain gettext catalogs with the standard library only.",
    )
    parser.add_argument("command", choices=["extract", "compile", "check"])
    parser.add_argument(
        "--package-dir", type=Path, default=PACKAGE_DIR, help="the package (default: this one)"
    )
    parser.add_argument("--domain", default=DOMAIN, help=f"catalog file name (default: {DOMAIN})")
    args = parser.parse_args(argv)
    package_dir, domain = args.package_dir.resolve(), args.domain
    if args.command == "extract":
        pot = _locale(package_dir) / f"{domain}.pot"
        pot.parent.mkdir(parents=True, exist_ok=True)
        pot.write_text(template(extract_messages(package_dir)), encoding="utf-8")
        print(f"wrote {pot}")
    elif args.command == "compile":
        for path in compile_catalogs(package_dir, domain):
            print(f"wrote {path}")
    else:
        problems = catalog_problems(package_dir, domain)
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    return 0


__all__ = [
    "PACKAGE_DIR",
    "Message",
    "catalog_files",
    "catalog_problems",
    "compile_catalogs",
    "extract_messages",
    "main",
    "quote",
    "template",
]
