"""Gettext catalogs with the standard library only: read ``.po``, write and read ``.mo``.

Python ships a reader for compiled ``.mo`` files (:mod:`gettext`) but no
compiler, so this module is the small ``msgfmt`` the project needs: it parses
the PO format (comments, ``#, fuzzy`` flags, ``msgctxt``, plural forms,
continued strings, C escapes) and writes the GNU ``.mo`` layout that
:class:`gettext.GNUTranslations` and GNU gettext read. As ``msgfmt`` does, it
leaves fuzzy and untranslated entries out of the ``.mo``, so they fall back to
the source text. Files are UTF-8.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: The ``.mo`` magic number (written little-endian; both byte orders are read).
MO_MAGIC = 0x950412DE
#: Joins ``msgctxt`` and ``msgid`` into one ``.mo`` key, as GNU gettext does.
CONTEXT_SEPARATOR = "\x04"

_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*)$")
_ESCAPE = re.compile(rb"\\(?:([\\\"'?abfnrtv])|([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.?))")
_SIMPLE_ESCAPES = {
    b"\\": b"\\", b'"': b'"', b"'": b"'", b"?": b"?",
    b"a": b"\a", b"b": b"\b", b"f": b"\f", b"n": b"\n", b"r": b"\r", b"t": b"\t", b"v": b"\v",
}  # fmt: skip


class PoError(ValueError):
    """A ``.po`` or ``.mo`` file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Entry:
    """One message of a catalog."""

    msgid: str
    msgstr: tuple[str, ...]
    """The translation; one string per plural form when :attr:`msgid_plural` is set."""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    fuzzy: bool = False
    comments: tuple[str, ...] = ()
    """Extracted comments (``#.``): notes for translators, e.g. ``ErrorCode.DECLINED``."""
    line: int = 0
    """Where the entry's ``msgid`` is, for messages."""

    @property
    def key(self) -> str:
        """The ``.mo`` key: context, ``\\x04``, msgid, and ``\\0`` plural msgid when plural."""
        key = self.msgid if self.msgctxt is None else self.msgctxt + CONTEXT_SEPARATOR + self.msgid
        return key if self.msgid_plural is None else key + "\0" + self.msgid_plural

    @property
    def translated(self) -> bool:
        """Not fuzzy and every form has text: the entry goes into the ``.mo``."""
        return not self.fuzzy and bool(self.msgstr) and all(self.msgstr)


def unquote(literal: str, where: str = "<string>") -> str:
    """The text of one PO string literal (``"..."`` with C escapes)."""
    if len(literal) < 2 or literal[0] != '"' or literal[-1] != '"':
        raise PoError(f"{where}: expected a string in double quotes")
    body = literal[1:-1]
    if re.search(r'(?<!\\)(?:\\\\)*"', body):
        raise PoError(f'{where}: unescaped " inside a string')

    # Escapes stand for bytes (``\\303\\244`` is UTF-8 "ä"), so unescape bytes, then decode.
    def replace(match: re.Match[bytes]) -> bytes:
        simple, octal, hexa, unknown = match.groups()
        if simple is not None:
            return _SIMPLE_ESCAPES[simple]
        if octal is not None:
            return bytes([int(octal, 8) & 0xFF])
        if hexa is not None:
            return bytes([int(hexa, 16)])
        raise PoError(f"{where}: unknown escape \\{unknown.decode(errors='replace')}")

    try:
        return _ESCAPE.sub(replace, body.encode()).decode()
    except UnicodeDecodeError:
        raise PoError(f"{where}: escapes that are not UTF-8") from None


def parse_po(text: str, source: str = "<po>") -> list[Entry]:
    """The entries of a ``.po`` file's text, header (``msgid ""``) included.

    Obsolete entries (``#~``) are skipped. Raises :class:`PoError` naming
    ``source`` and the line for anything malformed, and for duplicate messages.
    """
    entries: list[Entry] = []
    parser = _Parser(source)
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        line = raw.strip()
        entry = parser.feed(number, line)
        if entry is not None:
            entries.append(entry)
    last = parser.finish()
    if last is not None:
        entries.append(last)
    seen: dict[str, int] = {}
    for entry in entries:
        if entry.key in seen:
            raise PoError(
                f"{source}:{entry.line}: duplicate message (first at line {seen[entry.key]})"
            )
        seen[entry.key] = entry.line
    return entries


class _Parser:
    """The PO state machine: comments, then keywords each followed by strings."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._reset()

    def _reset(self) -> None:
        self.fields: dict[str, list[str]] = {}
        self.current: str | None = None
        self.fuzzy = False
        self.comments: list[str] = []
        self.line = 0

    def feed(self, number: int, line: str) -> Entry | None:
        """Consume one stripped line; return the previous entry when this one starts a new."""
        where = f"{self.source}:{number}"
        done: Entry | None = None
        if not line:
            return self.finish()
        if line.startswith("#"):
            if self._has_msgstr():
                done = self.finish()
            if line.startswith("#~"):
                return done
            if line.startswith("#,"):
                flags = {flag.strip() for flag in line[2:].split(",")}
                self.fuzzy = self.fuzzy or "fuzzy" in flags
            elif line.startswith("#."):
                self.comments.append(line[2:].strip())
            return done
        if line.startswith('"'):
            if self.current is None:
                raise PoError(f"{where}: a string with no keyword before it")
            self.fields[self.current].append(unquote(line, where))
            return None
        match = _KEYWORD.match(line)
        if match is None:
            raise PoError(f"{where}: expected msgctxt, msgid, msgid_plural or msgstr")
        keyword, _, literal = match.groups()
        if keyword in ("msgctxt", "msgid") and self._has_msgstr():
            done = self.finish()
        if keyword in self.fields:
            raise PoError(f"{where}: {keyword} given twice in one entry")
        if keyword == "msgid":
            self.line = number
        self.fields[keyword] = [unquote(literal, where)]
        self.current = keyword
        return done

    def _has_msgstr(self) -> bool:
        return any(key.startswith("msgstr") for key in self.fields)

    def finish(self) -> Entry | None:
        """The entry collected so far (``None`` if there is none); start afresh."""
        fields, where = self.fields, f"{self.source}:{self.line}"
        if not fields:
            self._reset()  # flags or comments with no entry (e.g. a file's top comment)
            return None
        if "msgid" not in fields:
            raise PoError(f"{self.source}: an entry without msgid")
        text = {key: "".join(parts) for key, parts in fields.items()}
        plural = text.get("msgid_plural")
        if plural is None:
            if set(text) - {"msgctxt", "msgid"} != {"msgstr"}:
                raise PoError(f"{where}: a singular entry needs exactly one msgstr")
            msgstr: tuple[str, ...] = (text["msgstr"],)
        else:
            forms = sorted(int(key[7:-1]) for key in text if key.startswith("msgstr["))
            if not forms or forms != list(range(len(forms))) or "msgstr" in text:
                raise PoError(f"{where}: a plural entry needs msgstr[0], msgstr[1] …")
            msgstr = tuple(text[f"msgstr[{n}]"] for n in forms)
        entry = Entry(
            msgid=text["msgid"],
            msgstr=msgstr,
            msgctxt=text.get("msgctxt"),
            msgid_plural=plural,
            fuzzy=self.fuzzy,
            comments=tuple(self.comments),
            line=self.line,
        )
        self._reset()
        return entry


def mo_catalog(entries: Iterable[Entry]) -> dict[str, str]:
    """What a ``.mo`` compiled from ``entries`` holds: key → translation, translated only."""
    return {entry.key: "\0".join(entry.msgstr) for entry in entries if entry.translated}


def write_mo(catalog: Mapping[str, str]) -> bytes:
    """A GNU ``.mo`` file holding ``catalog`` (keys sorted, no hash table), UTF-8 encoded."""
    pairs = sorted((key.encode(), value.encode()) for key, value in catalog.items())
    count = len(pairs)
    originals_at = 7 * 4
    translations_at = originals_at + count * 8
    data_at = translations_at + count * 8
    table: list[int] = []
    blob = bytearray()
    for strings in ([key for key, _ in pairs], [value for _, value in pairs]):
        for text in strings:
            table += [len(text), data_at + len(blob)]
            blob += text + b"\0"
    header = struct.pack("<7I", MO_MAGIC, 0, count, originals_at, translations_at, 0, data_at)
    return header + struct.pack(f"<{len(table)}I", *table) + bytes(blob)


def compile_po(text: str, source: str = "<po>") -> bytes:
    """The ``.mo`` bytes for a ``.po`` file's text."""
    return write_mo(mo_catalog(parse_po(text, source)))


def read_mo(data: bytes, source: str = "<mo>") -> dict[str, str]:
    """The key → translation pairs of a ``.mo`` file (either byte order)."""
    for order in "<>":
        if len(data) >= 20 and struct.unpack(f"{order}I", data[:4])[0] == MO_MAGIC:
            break
    else:
        raise PoError(f"{source}: not a .mo file (bad magic number)")
    revision, count, originals_at, translations_at = struct.unpack(f"{order}4I", data[4:20])
    if revision >> 16 not in (0, 1):
        raise PoError(f"{source}: unknown .mo revision {revision >> 16}")
    catalog: dict[str, str] = {}
    try:
        for index in range(count):
            key, value = (
                _mo_string(data, order, table + index * 8)
                for table in (originals_at, translations_at)
            )
            catalog[key] = value
    except (struct.error, UnicodeDecodeError) as exc:
        raise PoError(f"{source}: truncated or not UTF-8 ({exc})") from None
    return catalog


def _mo_string(data: bytes, order: str, at: int) -> str:
    length, offset = struct.unpack(f"{order}2I", data[at : at + 8])
    if offset + length > len(data):
        raise struct.error("string past the end of the file")
    return data[offset : offset + length].decode()


__all__ = [
    "CONTEXT_SEPARATOR",
    "MO_MAGIC",
    "Entry",
    "PoError",
    "compile_po",
    "mo_catalog",
    "parse_po",
    "read_mo",
    "unquote",
    "write_mo",
]
