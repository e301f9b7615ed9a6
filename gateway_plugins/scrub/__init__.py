"""Keep card data and secrets out of logs, exception texts and ``raw_response``.

Card data is toxic: a card number (PAN), a CVV or an API key must never be
written anywhere a human or a log shipper can read it. This package finds them
three ways (the idea of ActiveMerchant's ``scrub()``, done once for everyone):

* **card numbers**: 13 to 19 decimal digits that pass the Luhn check. A digit is
  ASCII or any Unicode decimal digit (Arabic-Indic ``٤``, Devanagari, fullwidth …),
  or its JSON escape (``\\u0034``) in a raw JSON text. Between two digits may
  stand up to four common separators: whitespace (space, no-break space, tab,
  newline), ``-``, ``.``, ``/``, ``+`` or ``%20``. Letters may touch the number
  (``card4242…``). In a run of digit groups joined by separators, any stretch of
  whole groups may be the card (``4242 4242 4242 4242 12/26``) and then the whole
  run is hidden; a run without separators is one number (a 20-digit order id is
  not a card). Numbers in data (``int``, ``Decimal``, ``float``) are read as they
  print, bytes as UTF-8;
* **sensitive keys**: any value under a key that names card data or a secret
  (``cvc``, ``number``, ``api_key``, ``authorization`` …);
* **known secrets**: any exact string the caller knows is secret (the configured
  API key, the token of the payment at hand).

Values under reference keys (``pspReference``, ``transId`` …) stay readable,
although Adyen's older all-digit references pass the Luhn check one time in ten,
unless they look like a payment card: a card number as above whose first digit is
2 to 6, the issuer ranges of Mastercard, Visa, Amex, Discover, JCB and UnionPay.
Adyen's numeric references start with 8 or 9 and Authorize.Net's transIds have
10 to 12 digits, so neither is hidden; a card number typed into a reference is.

Nothing here raises. What cannot be read (a cycle, a value deeper than
:data:`MAX_DEPTH`, a mapping whose ``items()`` raises, an int too long to print,
bytes that are not UTF-8, an object whose ``str`` or ``repr`` raises) is replaced
by ``[UNREADABLE]``.

Speed: :func:`inspect` walks a reply once, when a ``GatewayResponse`` is
validated; :meth:`Scrubber.needs_scrubbing` then only searches the joined text for
the gateway's secrets, and the full :meth:`Scrubber.data` runs only when one of
them says so.
"""

from .cards import REDACTED, looks_like_pan, luhn_valid
from .inspection import CLEAN, MAX_DEPTH, Inspection, inspect
from .keys import REFERENCE_KEYS, SENSITIVE_KEYS, is_reference_key, is_sensitive_key
from .scrubber import DEFAULT_SCRUBBER, UNREADABLE, Scrubber, scrub

__all__ = [
    "CLEAN",
    "DEFAULT_SCRUBBER",
    "MAX_DEPTH",
    "REDACTED",
    "REFERENCE_KEYS",
    "SENSITIVE_KEYS",
    "UNREADABLE",
    "Inspection",
    "Scrubber",
    "inspect",
    "is_reference_key",
    "is_sensitive_key",
    "looks_like_pan",
    "luhn_valid",
    "scrub",
]
