"""Mapping keys whose values are secrets, and keys whose values are PSP references."""

from __future__ import annotations

#: Keys whose values are always hidden, matched case-insensitively on the whole
#: key once ``-`` is read as ``_``. Kept narrow on purpose: ``token`` or ``key``
#: alone would also hide harmless PSP references.
SENSITIVE_KEYS = frozenset(
    {
        "number", "card_number", "cardnumber", "pan", "account_number",
        "cvc", "cvv", "cvv2", "cvc2", "cid", "security_code", "card_code", "cardcode",
        "encrypted_card_number", "encrypted_security_code",
        "encryptedcardnumber", "encryptedsecuritycode",  # Adyen's camelCase fields
        "encryptedexpirymonth", "encryptedexpiryyear",
        "datavalue",  # Authorize.Net's Accept.js token: a card for its 15 minutes
        "api_key", "apikey", "x_api_key", "secret", "secret_key", "secretkey",
        "client_secret", "password", "passwd", "transaction_key", "transactionkey",
        "private_key", "privatekey", "hmac_key", "hmackey", "signature_key",
        "signaturekey", "authorization", "proxy_authorization", "cookie",
    }
)  # fmt: skip

#: Keys whose values are PSP transaction references: readable unless they look
#: like a payment card (see the package docstring).
REFERENCE_KEYS = frozenset(
    {"psp_reference", "pspreference", "original_reference", "originalreference",
     "transaction_id", "trans_id", "transid", "ref_trans_id", "reftransid",
     "paymentpspreference"}
)  # fmt: skip

#: What a key says of its value (:func:`key_role`); ``UNREAD``: the key is no string.
PLAIN, SENSITIVE, REFERENCE, UNREAD = 0, 1, 2, 3
#: Roles of string keys already seen: a PSP's replies reuse few keys.
KEY_ROLES: dict[str, int] = {}


def _key_name(key: str) -> str:
    # Form keys in bracket notation are judged by their last part.
    if key.endswith("]"):
        key = key[key.rfind("[") + 1 : -1]
    return key.lower().replace("-", "_")


def is_sensitive_key(key: object) -> bool:
    """True when a mapping key names card data or a secret.

    Form keys in bracket notation are judged by their last part:
    ``payment_method_data[card][cvc]`` is as sensitive as ``cvc``.
    """
    return isinstance(key, str) and _key_name(key) in SENSITIVE_KEYS


def is_reference_key(key: object) -> bool:
    """True when a mapping key names a PSP transaction reference."""
    return isinstance(key, str) and _key_name(key) in REFERENCE_KEYS


def key_role(key: object) -> int:
    """``PLAIN``, ``SENSITIVE``, ``REFERENCE`` or ``UNREAD``; remembered in ``KEY_ROLES``."""
    if not isinstance(key, str):
        return UNREAD
    name = _key_name(key)
    role = SENSITIVE if name in SENSITIVE_KEYS else REFERENCE * (name in REFERENCE_KEYS)
    if type(key) is str and len(KEY_ROLES) < 10_000:
        KEY_ROLES[key] = role
    return role
