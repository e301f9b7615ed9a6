"""A fake Authorize.Net for tests: a real HTTP server on 127.0.0.1 that behaves like the sandbox.

``FakeAuthorizeNet`` serves the JSON API at ``/xml/v1/request.api``
(``createTransactionRequest`` for every transaction type the plugin uses, and
``getTransactionDetailsRequest``). Like the real API it:

* answers HTTP 200 with a UTF-8 byte order mark before the JSON;
* parses bodies keeping key order and refuses, with ``E00003``, an element
  out of XSD order, unknown, repeated or missing, or a string longer (or
  shorter) than the XSD allows (``schema``);
* checks ``merchantAuthentication`` (``E00007``);
* keeps transactions with real states and refuses what the gateway refuses
  (``account``): captures of voided or captured authorizations, over-captures,
  over-refunds, refunds before settlement, the duplicate window …;
* knows the sandbox's triggers and test cards, and fake Accept.js nonces (``cards``);
* records what happened in a ``ledger`` ("charged exactly once");
* raises webhook events, signed with ``X-ANET-Signature`` (``notifications()``);
* misbehaves on demand (``inject``): slow replies, dropped connections, 5xx,
  malformed JSON, HTML error pages.

Simplified: one account; cards only (no eCheck, profiles, Apple Pay); nonces
are reusable; partial authorizations, the Fraud Detection Suite's other
filters and batch reports are not simulated. The webhook events are handed
to the test (``notifications()``), not POSTed anywhere.
"""

from gateway_plugins.testing import Fault, Injection

from .account import Account, Refusal, Transaction
from .cards import (
    AVS_BY_ZIP,
    CVV_BY_CODE,
    DECLINE_ZIP,
    FUTURE,
    NONCES,
    REASONS,
    SANDBOX_CARDS,
    TRIGGER_CARD,
    Card,
)
from .ledger import Ledger, LedgerEntry, Movement
from .schema import LENGTHS, SEQUENCES, Pairs, SchemaError
from .server import API_PATH, FakeAuthorizeNet, RecordedRequest, decimal_of
from .wire import BOM

__all__ = [
    "API_PATH",
    "AVS_BY_ZIP",
    "BOM",
    "CVV_BY_CODE",
    "DECLINE_ZIP",
    "FUTURE",
    "LENGTHS",
    "NONCES",
    "REASONS",
    "SANDBOX_CARDS",
    "SEQUENCES",
    "TRIGGER_CARD",
    "Account",
    "Card",
    "FakeAuthorizeNet",
    "Fault",
    "Injection",
    "Ledger",
    "LedgerEntry",
    "Movement",
    "Pairs",
    "RecordedRequest",
    "Refusal",
    "SchemaError",
    "Transaction",
    "decimal_of",
]
