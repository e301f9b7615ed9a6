"""URLs in logs without card data, secrets or credentials: the toolkit's lines and urllib3's.

A URL is as toxic as a body: a PSP that takes a card number or an API key in
the path or the query (some lookups do) puts them in every request line. The
toolkit writes URLs through :func:`scrub_url`, and :func:`guard_urllib3_logs`
puts a :class:`UrlScrubbingFilter` on urllib3's loggers, whose DEBUG lines
carry the request line with path and query. The filter rewrites only a record
that holds something to hide; every other record passes untouched.
"""

from __future__ import annotations

import logging
import re
import threading
import weakref
from urllib.parse import unquote_plus

from ..scrub import DEFAULT_SCRUBBER, REDACTED, Scrubber, is_sensitive_key

#: ``//user:password@`` in a URL.
_USERINFO = re.compile(r"(?<=//)[^/\s@\"']+@")
#: ``key=value`` after ``?``, ``&`` or ``;`` in a query string.
_QUERY_ITEM = re.compile(r"(?<=[?&;])([^=&;\s\"'#]+)=([^&;\s\"'#]*)")

#: urllib3's loggers: each module logs under its own name, and a logger's filters
#: see only the records logged on it, not those of its children.
URLLIB3_LOGGERS = (
    "urllib3",
    "urllib3.connection",
    "urllib3.connectionpool",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
)


def scrub_url(text: str, scrubber: Scrubber = DEFAULT_SCRUBBER) -> str:
    """``text`` (a URL, or a log line holding URLs) without user information, values of
    sensitive query keys (``cvc=``, ``api_key=`` …), card numbers or ``scrubber``'s secrets.

    Card numbers and secrets are also looked for in the percent-decoded text; when
    found there, the decoded text is returned, scrubbed.
    """
    text = _USERINFO.sub(f"{REDACTED}@", text)
    text = _QUERY_ITEM.sub(_hide_sensitive_value, text)
    clean = scrubber.text(text)
    if "%" in clean or "+" in clean:
        decoded = unquote_plus(clean)
        scrubbed = scrubber.text(decoded)
        if scrubbed != decoded:
            return scrubbed
    return clean


def _hide_sensitive_value(item: re.Match[str]) -> str:
    key = item.group(1)
    return f"{key}={REDACTED}" if is_sensitive_key(unquote_plus(key)) else item.group(0)


class UrlScrubbingFilter(logging.Filter):
    """Hides card data, credentials and the secrets of live clients in a record's message.

    Clients register their :class:`~gateway_plugins.scrub.Scrubber` with
    :meth:`watch`; it is forgotten when the client is.
    """

    def __init__(self) -> None:
        super().__init__()
        self._scrubbers: weakref.WeakSet[Scrubber] = weakref.WeakSet()
        self._lock = threading.Lock()

    def watch(self, scrubber: Scrubber) -> None:
        """Hide ``scrubber``'s secrets too, for as long as it lives."""
        with self._lock:
            self._scrubbers.add(scrubber)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: logging reports it, not us
            return True
        with self._lock:
            scrubbers = list(self._scrubbers)
        clean = scrub_url(message)
        for scrubber in scrubbers:
            clean = scrub_url(clean, scrubber)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


#: The one filter on urllib3's loggers.
URL_FILTER = UrlScrubbingFilter()
_install_lock = threading.Lock()


def guard_urllib3_logs(scrubber: Scrubber | None = None) -> None:
    """Put :data:`URL_FILTER` on urllib3's loggers (once) and make it hide ``scrubber``'s
    secrets too. Idempotent; called by every ``HttpClient``."""
    with _install_lock:
        names = set(URLLIB3_LOGGERS)
        names.update(
            name for name in logging.Logger.manager.loggerDict if name.startswith("urllib3.")
        )
        for name in sorted(names):
            logger = logging.getLogger(name)
            if URL_FILTER not in logger.filters:
                logger.addFilter(URL_FILTER)
        if scrubber is not None:
            URL_FILTER.watch(scrubber)


__all__ = ["URLLIB3_LOGGERS", "URL_FILTER", "UrlScrubbingFilter", "guard_urllib3_logs", "scrub_url"]
