"""The sandbox's test data: cards, fake Accept.js nonces, AVS and CVV triggers, reason codes.

Sandbox triggers (psp-reference §6.3, Authorize.Net testing guide):

* billing ZIP ``46282`` → declined, reason 2;
* billing ZIPs ``46201``… → the AVS result codes in :data:`AVS_BY_ZIP`;
* card codes ``900``–``904`` → the CVV result codes in :data:`CVV_BY_CODE`;
* card ``4222222222222`` with an amount equal to a reason code (``27.00``) →
  that reason (:data:`REASONS`; the fake answers every code of that table,
  ``252.00``/``253.00`` are the held-for-review trigger).

Fake Accept.js nonces (:data:`NONCES`): Accept.js turns the card the shopper
typed (number, expiry, and optionally card code and ZIP) into an opaque
``dataValue``. The fake's nonces are readable names standing for such cards.
Unlike real ones (single use, valid 15 minutes) they can be used again and
again, as Stripe's ``pm_card_visa`` can; any other ``dataValue`` is an
invalid token (``E00114``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Card:
    """A card as Accept.js captured it (or as a PCI merchant sends it)."""

    number: str
    expiration: str  # YYYY-MM
    card_code: str | None = None
    zip: str | None = None


#: Far enough ahead for the tests' lifetime: Authorize.Net declines expired cards (reason 8).
FUTURE = "2039-12"

#: Test card numbers of the sandbox, by brand (psp-reference §6.3).
SANDBOX_CARDS: Mapping[str, str] = {
    "visa": "4111111111111111",
    "visa_13": "4007000000027",
    "visa_alt": "4012888818888",
    "mastercard": "5424000000000015",
    "mastercard_2": "2223000010309703",
    "amex": "370000000000002",
    "discover": "6011000000000012",
    "jcb": "3088000000000017",
    "diners": "38000000000006",
}

#: The card whose amount picks the reason code in test mode.
TRIGGER_CARD = "4222222222222"

#: The billing ZIP the sandbox always declines (reason 2).
DECLINE_ZIP = "46282"

#: AVS result code by billing ZIP. Without a ZIP the result is ``P`` (not applicable),
#: any other ZIP gives ``Y`` (street and ZIP match).
AVS_BY_ZIP: Mapping[str, str] = {
    "46205": "N", "46201": "A", "46217": "Z", "46211": "W", "46214": "X", "46203": "E",
    "46207": "R", "46208": "S", "46209": "U", "46204": "G", "46206": "P",
}  # fmt: skip

#: CVV result code by card code. Any other card code matches (``M``); none sent, none checked.
CVV_BY_CODE: Mapping[str, str] = {"900": "M", "901": "N", "902": "S", "903": "U", "904": "P"}

#: Each outcome nonce stands for its own sandbox card, so that one test can pay with
#: several of them without tripping the duplicate window (same card, same amount).
NONCES: Mapping[str, Card] = {
    "fake-nonce-visa": Card(SANDBOX_CARDS["visa"], FUTURE),
    "fake-nonce-mastercard": Card(SANDBOX_CARDS["mastercard"], FUTURE),
    "fake-nonce-amex": Card(SANDBOX_CARDS["amex"], FUTURE, card_code="9000"),
    "fake-nonce-discover": Card(SANDBOX_CARDS["discover"], FUTURE),
    # Outcomes the sandbox produces from what the shopper typed:
    "fake-nonce-declined": Card(SANDBOX_CARDS["visa_13"], FUTURE, zip=DECLINE_ZIP),
    "fake-nonce-expired": Card(SANDBOX_CARDS["visa_alt"], "2020-01"),
    "fake-nonce-cvv-mismatch": Card(SANDBOX_CARDS["mastercard_2"], FUTURE, card_code="901"),
    "fake-nonce-avs-mismatch": Card(SANDBOX_CARDS["jcb"], FUTURE, zip="46205"),
    "fake-nonce-zip-mismatch": Card(SANDBOX_CARDS["diners"], FUTURE, zip="46201"),
    "fake-nonce-trigger": Card(TRIGGER_CARD, FUTURE),
}

#: Card types Authorize.Net names in ``accountType``, by leading digits.
_BRANDS = (
    ("4", "Visa"), ("51", "MasterCard"), ("52", "MasterCard"), ("53", "MasterCard"),
    ("54", "MasterCard"), ("55", "MasterCard"), ("2", "MasterCard"), ("34", "AmericanExpress"),
    ("37", "AmericanExpress"), ("6011", "Discover"), ("65", "Discover"), ("35", "JCB"),
    ("30", "JCB"), ("36", "DinersClub"), ("38", "DinersClub"),
)  # fmt: skip


def brand(number: str) -> str:
    """``accountType`` of a card number (``Visa`` …)."""
    return next((name for prefix, name in _BRANDS if number.startswith(prefix)), "Visa")


def luhn_valid(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


@dataclass(frozen=True)
class Reason:
    """A response reason code: the ``responseCode`` it comes with, and its text."""

    response_code: str
    text: str


_DECLINED = "This transaction has been declined."
_TRY_AGAIN = "An error occurred during processing. Please try again in 5 minutes."
_SETUP = "The configuration with the processor is invalid. Call Merchant Service Provider."
_REVIEW = "Your order has been received. Thank you for your business!"

#: The response reason codes the fake knows (Authorize.Net docs: response codes).
#: The texts are short paraphrases; the codes and response codes are what matter.
REASONS: Mapping[int, Reason] = {
    1: Reason("1", "This transaction has been approved."),
    2: Reason("2", _DECLINED),
    3: Reason("2", _DECLINED),
    4: Reason("2", "This transaction has been declined (pick up card)."),
    5: Reason("3", "A valid amount is required."),
    6: Reason("3", "The credit card number is invalid."),
    7: Reason("3", "Credit card expiration date is invalid."),
    8: Reason("3", "The credit card has expired."),
    9: Reason("3", "The ABA code is invalid."),
    11: Reason("3", "A duplicate transaction has been submitted."),
    13: Reason("3", "The merchant login ID or password is invalid or the account is inactive."),
    15: Reason("3", "The transaction ID is invalid or not present."),
    16: Reason("3", "The transaction cannot be found."),
    17: Reason("3", "The merchant does not accept this type of credit card."),
    19: Reason("3", _TRY_AGAIN),
    20: Reason("3", _TRY_AGAIN),
    21: Reason("3", _TRY_AGAIN),
    22: Reason("3", _TRY_AGAIN),
    23: Reason("3", _TRY_AGAIN),
    25: Reason("3", _TRY_AGAIN),
    26: Reason("3", _TRY_AGAIN),
    27: Reason("2", "The transaction has been declined because of an AVS mismatch."),
    28: Reason("2", "The merchant does not accept this type of credit card."),
    30: Reason("3", _SETUP),
    31: Reason("3", "The FDC Merchant ID or Terminal ID is incorrect. Call Merchant Service "
                    "Provider."),
    32: Reason("3", "The merchant password is invalid or not present."),
    34: Reason("3", "The VITAL identification numbers are incorrect. Call Merchant Service "
                    "Provider."),
    38: Reason("3", "The Global Payment System identification numbers are incorrect."),
    43: Reason("3", "The merchant was incorrectly set up at the processor."),
    33: Reason("3", "A required field cannot be left blank."),
    35: Reason("3", "An error occurred during processing. Call Merchant Service Provider."),
    37: Reason("2", "The credit card number is invalid."),
    39: Reason("3", "The supplied currency code is either invalid, not supported or not "
                    "allowed for this merchant."),
    41: Reason("2", _DECLINED),
    44: Reason("2", "This transaction has been declined (card code mismatch)."),
    45: Reason("2", "This transaction has been declined (AVS and card code mismatch)."),
    47: Reason("3", "The amount requested for settlement cannot be greater than the original "
                    "amount authorized."),
    50: Reason("3", "This transaction is awaiting settlement and cannot be refunded."),
    51: Reason("3", "The sum of all credits against this transaction is greater than the "
                    "original transaction amount."),
    52: Reason("3", "The transaction was authorized but the client could not be notified; "
                    "it will not be settled."),
    54: Reason("3", "The referenced transaction does not meet the criteria for issuing a "
                    "credit."),
    55: Reason("3", "The sum of credits against the referenced transaction would exceed "
                    "original debit amount."),
    **{code: Reason("3", "An error occurred in processing. Please try again in 5 minutes.")
       for code in range(57, 64)},
    65: Reason("2", "This transaction has been declined (card code filter)."),
    78: Reason("3", "The Card Code (CVV2/CVC2/CID) is invalid."),
    127: Reason("2", "The transaction resulted in an AVS mismatch; the system void failed."),
    141: Reason("2", _DECLINED),
    145: Reason("2", "This transaction has been declined (card code and AVS mismatch; "
                     "the system void failed)."),
    165: Reason("2", "This transaction has been declined (card code mismatch; the system "
                     "void failed)."),
    200: Reason("2", "This transaction has been declined (card number invalid)."),
    201: Reason("2", "This transaction has been declined (expiration date invalid)."),
    # FDC Omaha's answers: declines and (202-208, 210-213) merchant or request setup.
    **{code: Reason("2", f"{_DECLINED} (FDC Omaha {code})") for code in range(202, 225)},
    250: Reason("2", _DECLINED),
    251: Reason("2", _DECLINED),
    252: Reason("4", _REVIEW),
    253: Reason("4", _REVIEW),
    254: Reason("2", "Your transaction has been declined after review."),
    261: Reason("3", "An error occurred during processing. Please try again."),
    310: Reason("3", "This transaction has already been voided."),
    311: Reason("3", "This transaction has already been captured."),
    315: Reason("2", "The credit card number is invalid."),
    316: Reason("2", "Credit card expiration date is invalid."),
    317: Reason("2", "The credit card has expired."),
    318: Reason("3", "A duplicate transaction has been submitted."),
    319: Reason("3", "The transaction cannot be found."),
}  # fmt: skip

#: Reasons whose AVS or card code check failed, for the result codes the fake reports.
AVS_REASONS = frozenset({27, 45, 127, 145})
CVV_REASONS = frozenset({44, 45, 65, 145, 165})
