"""Shopper messages in the shopper's language, from gettext catalogs shipped in the package.

The English texts in the code are the message ids; translations live in
standard gettext catalogs next to the code::

    gateway_plugins/locale/gateway_plugins.pot               the template (English)
    gateway_plugins/locale/<lang>/LC_MESSAGES/gateway_plugins.po   translations
    gateway_plugins/locale/<lang>/LC_MESSAGES/gateway_plugins.mo   compiled, read at run time

A host picks the language per call with ``PaymentData.language_code``;
:meth:`GatewayResponse.failure <gateway_plugins.interface.GatewayResponse.failure>`
then writes ``error`` in that language. Language tags are BCP 47 (``de``,
``de-CH``) or POSIX-style (``de_CH``), case-insensitive. A tag falls back to
its base language, then to English: ``de-CH`` → ``de``; ``pt-BR`` → ``pt`` →
English while no Portuguese catalog ships.

Catalogs are read on first use, once per language, and shared by all threads.
Maintenance commands (standard library only)::

    python -m gateway_plugins.i18n extract   # rewrite the .pot from the N_("…") marks in the code
    python -m gateway_plugins.i18n compile   # .po → .mo, for every language
    python -m gateway_plugins.i18n check     # exit 1 on a stale .mo, or a missing or fuzzy entry
"""

from __future__ import annotations

import logging
import re
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gettext import NullTranslations

log = logging.getLogger(__name__)

#: The gettext domain: the catalogs' file name.
DOMAIN = "gateway_plugins"
#: The language the message ids are written in; it needs no catalog.
SOURCE_LANGUAGE = "en"

# A language subtag, then subtags of 1-8 letters or digits joined by - or _.
_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
_REGION = re.compile(r"[A-Za-z]{2}|[0-9]{3}")
_MAX_TAG = 35  # RFC 5646 asks implementations to take at least 35 characters


def N_(message: str) -> str:
    """Mark ``message`` as translatable where it is defined; returns it unchanged.

    (``N_`` is gettext's conventional name for this no-op marker.)

    ``python -m gateway_plugins.i18n extract`` collects the literal strings
    passed to ``N_`` into the template; translate them at use with :func:`translate`.
    """
    return message


def check_language_tag(value: str) -> str:
    """``value`` if it is a language tag (``de``, ``de-CH``, ``pt_BR``), else ``ValueError``."""
    if len(value) > _MAX_TAG or not _TAG.fullmatch(value):
        raise ValueError("must be a language tag such as 'de', 'de-CH' or 'pt_BR'")
    return value


def locale_candidates(tag: str) -> tuple[str, ...]:
    """The catalog names to try for ``tag``, most specific first.

    ``"de-ch"`` → ``("de_CH", "de")``; ``"zh-Hant-TW"`` → ``("zh_TW", "zh")``;
    ``"fr"`` → ``("fr",)``. Script, extension and variant subtags are ignored,
    as gettext's catalog names (``language_REGION``) have no place for them. A
    malformed tag gives ``()``.
    """
    if len(tag) > _MAX_TAG or not _TAG.fullmatch(tag):
        return ()
    language, *subtags = re.split("[-_]", tag)
    language = language.lower()
    for subtag in subtags:
        if _REGION.fullmatch(subtag):
            return (f"{language}_{subtag.upper()}", language)
        if not (len(subtag) in (3, 4) and subtag.isalpha()):  # extlang or script: look on
            break
    return (language,)


class Catalogs:
    """The compiled catalogs of one gettext domain inside one package.

    Each ``<language>.mo`` is read at most once, on first use, under a lock, and
    then shared: every thread gets the same translations object. A regional
    catalog (``de_CH``) falls back to its base language's (``de``), and both to
    the source text. A catalog that cannot be read is logged and replaced by
    the source text, so a shopper message never raises.
    """

    def __init__(self, package: str = __package__ or "gateway_plugins", domain: str = DOMAIN):
        self.package = package
        self.domain = domain
        self._lock = threading.RLock()  # a regional catalog loads its base inside
        self._languages: frozenset[str] | None = None
        self._loaded: dict[str, NullTranslations] = {}

    @property
    def languages(self) -> frozenset[str]:
        """The languages with a compiled catalog, e.g. ``{"de", "fr"}`` (not the source's)."""
        if self._languages is None:
            with self._lock:
                if self._languages is None:
                    self._languages = frozenset(self._list())
        return self._languages

    def resolve(self, tag: str | None) -> str | None:
        """The catalog ``tag`` uses (``"de-AT"`` → ``"de"``), or ``None`` for the source text."""
        if tag is None:
            return None
        available = self.languages
        return next((name for name in locale_candidates(tag) if name in available), None)

    def translation(self, tag: str | None) -> NullTranslations:
        """The translations for ``tag``: a :class:`gettext.NullTranslations` or subclass."""
        name = self.resolve(tag)
        if name is None:
            return _source()
        loaded = self._loaded.get(name)
        if loaded is None:
            with self._lock:
                loaded = self._loaded.get(name) or self._load(name)
        return loaded

    def gettext(self, message: str, tag: str | None) -> str:
        """``message`` in the language of ``tag``; ``message`` itself when there is none."""
        return self.translation(tag).gettext(message)

    def _list(self) -> list[str]:
        from importlib.resources import files

        root = files(self.package) / "locale"
        if not root.is_dir():
            return []
        return [
            folder.name
            for folder in root.iterdir()
            if (folder / "LC_MESSAGES" / f"{self.domain}.mo").is_file()
        ]

    def _load(self, name: str) -> NullTranslations:
        # Called with the lock held; a regional catalog loads its base first.
        from gettext import GNUTranslations
        from importlib.resources import files
        from io import BytesIO

        path = files(self.package) / "locale" / name / "LC_MESSAGES" / f"{self.domain}.mo"
        try:
            loaded: NullTranslations = GNUTranslations(BytesIO(path.read_bytes()))
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            log.error("gettext catalog %s/%s unreadable, using English: %s", name, self.domain, exc)
            loaded = _source()
        base = name.partition("_")[0]
        if base != name and base in self.languages:
            loaded.add_fallback(self._loaded.get(base) or self._load(base))
        self._loaded[name] = loaded
        return loaded


def _source() -> NullTranslations:
    from gettext import NullTranslations

    return NullTranslations()


#: The framework's own catalogs (``gateway_plugins/locale``).
CATALOGS = Catalogs()


def translate(message: str, language: str | None) -> str:
    """``message`` (an English message id) in ``language``, falling back to English.

    >>> translate("Your card was declined.", "de-CH")
    'Ihre Karte wurde abgelehnt.'
    >>> translate("Your card was declined.", "pt-BR")  # no Portuguese catalog: English
    'Your card was declined.'
    """
    if language is None:
        return message  # the common case costs nothing
    return CATALOGS.gettext(message, language)


def resolve_language(language: str | None) -> str:
    """The language :func:`translate` answers ``language`` in: ``"de-AT"`` → ``"de"``."""
    return CATALOGS.resolve(language) or SOURCE_LANGUAGE


def available_languages() -> tuple[str, ...]:
    """Every language shoppers can get messages in, English included, sorted."""
    return tuple(sorted({SOURCE_LANGUAGE, *CATALOGS.languages}))


if __name__ == "__main__":
    import sys

    from .catalog_tools import main

    sys.exit(main())
