"""Which connection parameters are secret, how they are hidden, how they are read back.

A value is hidden when its key names a secret (:data:`SECRET_KEY`), at any
depth, whatever its type: ``str`` and ``int`` become ``SecretStr``, ``bytes``
``SecretBytes``, a list or tuple (rotated webhook secrets) ``Secret`` of a
tuple, anything else ``Secret``. ``None`` and booleans (``use_hmac=True``)
hide nothing and stay as they are. A string anywhere that is a URL with
credentials in it (``https://user:pw@host``) is hidden whole, under any key.
All of these print as ``**********`` in ``repr``, ``str`` and JSON.
"""

from __future__ import annotations

import re
from typing import Any, TypeAlias

from pydantic import Secret, SecretBytes, SecretStr

#: Keys whose values are secret (case-insensitive, anywhere in the key).
SECRET_KEY = re.compile(
    r"secret|passw(?:or)?d|passphrase|api_?key|private|token|hmac|signing|signature|credential"
    r"|transaction_?key|bearer|authorization|(?<!public)(?<!publishable)(?:^|_)key$",
    re.IGNORECASE,
)
#: A URL with userinfo: ``scheme://user:password@…``.
_URL_WITH_CREDENTIALS = re.compile(r"\s*[A-Za-z][A-Za-z0-9+.-]*://(?P<userinfo>[^/?#@]*)@")

#: What a connection parameter is when read back with ``GatewayConfig.secret``:
#: text for a ``str`` or a number, ``bytes`` for bytes, a tuple for a list or
#: tuple (its items as given), a dict for a dict.
SecretValue: TypeAlias = str | bytes | tuple[Any, ...] | dict[Any, Any]


def hide_secrets(params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with every secret wrapped so that it prints as ``**********``."""
    return {key: _hide(item, _is_secret_key(key)) for key, item in params.items()}


def _is_secret_key(key: object) -> bool:
    return isinstance(key, str) and SECRET_KEY.search(key) is not None


def _hide(item: Any, secret: bool) -> Any:
    if isinstance(item, SecretStr | SecretBytes | Secret) or item is None:
        return item
    if secret and not isinstance(item, bool):  # a flag like use_hmac=True is no secret
        if isinstance(item, str | int):
            return SecretStr(str(item))
        if isinstance(item, bytes | bytearray):
            return SecretBytes(bytes(item))
        if isinstance(item, list | tuple):
            return Secret(tuple(item))
        return Secret(item)
    if isinstance(item, dict):
        return hide_secrets(item)
    if isinstance(item, list):
        return [_hide(child, False) for child in item]
    if isinstance(item, tuple):
        return tuple(_hide(child, False) for child in item)
    if isinstance(item, str) and _URL_WITH_CREDENTIALS.match(item):
        return SecretStr(item)
    return item


def plain(value: Any) -> SecretValue:
    """A connection parameter's plain value, hidden or not (see :data:`SecretValue`)."""
    if isinstance(value, SecretStr | SecretBytes | Secret):
        value = value.get_secret_value()
    if isinstance(value, str | bytes | tuple | dict):
        return value
    if isinstance(value, bytearray):
        return bytes(value)
    if isinstance(value, list):
        return tuple(value)
    return str(value)


def secret_values(params: dict[str, Any]) -> list[str]:
    """Every secret in ``params`` as text, lists flattened and bytes decoded.

    For a URL with credentials, its password and ``user:password`` as well, so
    that a scrubber hides them wherever they show.
    """
    return [text for text in dict.fromkeys(_secrets(params)) if text]


def _secrets(item: Any) -> list[str]:
    if isinstance(item, dict):
        item = list(item.values())
    if isinstance(item, list | tuple):
        return [text for child in item for text in _secrets(child)]
    if isinstance(item, SecretStr | SecretBytes | Secret):
        return _texts(item)
    return []


def _texts(value: Any) -> list[str]:
    """Every text inside a secret value (it nests at most as deep as the config allows)."""
    if isinstance(value, SecretStr | SecretBytes | Secret):
        value = value.get_secret_value()
    if isinstance(value, str):
        return [value, *_credentials(value)]
    if isinstance(value, bytes | bytearray):
        return [bytes(value).decode("utf-8", "replace")]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return [text for item in value for text in _texts(item)]
    if value is None or isinstance(value, bool):
        return []
    return [str(value)]


def _credentials(text: str) -> list[str]:
    match = _URL_WITH_CREDENTIALS.match(text)
    if match is None:
        return []
    userinfo = match["userinfo"]
    return [userinfo, userinfo.partition(":")[2]]
