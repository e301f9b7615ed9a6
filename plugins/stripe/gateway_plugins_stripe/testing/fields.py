"""Which fields each object of the fake carries, as Stripe's API (2020-08-27) sends them.

Stripe sends every field of an object, ``null`` when it has no value: a
client that reads ``charge["failure_balance_transaction"]`` must not meet a
``KeyError`` here that it would never meet at Stripe. A few fields are sent
only when they apply (a refund's ``failure_reason`` once it failed, Connect's
``account`` on an event); those are in :data:`SOMETIMES`, with the reason.

The lists are data, named by the schema they follow in Stripe's OpenAPI spec
(``components/schemas/<name>``), because the fake ships in the plugin's package
and must not read the spec; ``plugins/stripe/tests/test_fake_fields.py``
checks them against the spec and every object the fake serves against them.
Error objects are not listed: Stripe leaves their unset fields out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_OTHER_PAYMENT_METHOD = "a payment method of another type (the fake has cards only)"
_TYPES = (
    "acss_debit afterpay_clearpay alipay au_becs_debit bacs_debit bancontact boleto card_present "
    "eps fpx giropay grabpay ideal interac_present klarna konbini oxxo p24 paynow sepa_debit "
    "sofort us_bank_account wechat_pay"
).split()
_DETAIL_TYPES = sorted({*_TYPES, "ach_credit_transfer", "ach_debit", "multibanco",
                        "stripe_account", "wechat"})  # fmt: skip

#: Every field Stripe always sends, per schema, ``id`` and ``object`` first as Stripe orders them.
FIELDS: Mapping[str, tuple[str, ...]] = {
    name: tuple(fields.split())
    for name, fields in {
        "payment_intent": "id object amount amount_capturable amount_received application"
        " application_fee_amount automatic_payment_methods canceled_at cancellation_reason"
        " capture_method charges client_secret confirmation_method created currency customer"
        " description invoice last_payment_error livemode metadata next_action on_behalf_of"
        " payment_method payment_method_options payment_method_types processing receipt_email"
        " review setup_future_usage shipping statement_descriptor statement_descriptor_suffix"
        " status transfer_data transfer_group",
        "charge": "id object amount amount_captured amount_refunded application application_fee"
        " application_fee_amount balance_transaction billing_details"
        " calculated_statement_descriptor captured created currency customer description disputed"
        " failure_balance_transaction failure_code failure_message fraud_details invoice livemode"
        " metadata on_behalf_of order outcome paid payment_intent payment_method"
        " payment_method_details receipt_email receipt_number receipt_url refunded refunds review"
        " shipping source_transfer statement_descriptor statement_descriptor_suffix status"
        " transfer_data transfer_group",
        "charge_outcome": "network_status reason risk_level risk_score seller_message type",
        "refund": "id object amount balance_transaction charge created currency metadata"
        " payment_intent reason receipt_number source_transfer_reversal status transfer_reversal",
        "payment_method": "id object billing_details card created customer livemode metadata type",
        "payment_method_card": "brand checks country exp_month exp_year fingerprint funding"
        " generated_from last4 networks three_d_secure_usage wallet",
        "payment_method_card_checks": "address_line1_check address_postal_code_check cvc_check",
        "networks": "available preferred",
        "three_d_secure_usage": "supported",
        "payment_method_details": "card type",
        "payment_method_details_card": "brand checks country exp_month exp_year fingerprint"
        " funding installments last4 mandate network three_d_secure wallet",
        "payment_method_details_card_checks": "address_line1_check address_postal_code_check"
        " cvc_check",
        "three_d_secure_details": "authentication_flow result result_reason version",
        "billing_details": "address email name phone",
        "address": "city country line1 line2 postal_code state",
        "payment_intent_payment_method_options": "card",
        "payment_intent_payment_method_options_card": "installments mandate_options network"
        " request_three_d_secure",
        "payment_intent_next_action": "type",
        "payment_intent_next_action_redirect_to_url": "return_url url",
        "setup_intent": "id object application cancellation_reason client_secret created customer"
        " description last_setup_error latest_attempt livemode mandate metadata next_action"
        " on_behalf_of payment_method payment_method_options payment_method_types"
        " single_use_mandate status usage",
        "setup_intent_payment_method_options": "card",
        "setup_intent_payment_method_options_card": "mandate_options request_three_d_secure",
        "event": "id object api_version created data livemode pending_webhooks request type",
        "notification_event_data": "object",
        "notification_event_request": "id idempotency_key",
    }.items()
}

#: Fields Stripe sends only when they apply, per schema: field → when.
SOMETIMES: Mapping[str, Mapping[str, str]] = {
    "charge": {"transfer": "a Connect destination charge"},
    "charge_outcome": {"rule": "a Radar rule decided the outcome"},
    "refund": {
        "description": "a refund given one (the refunds API of 2020-08-27 takes none)",
        "failure_balance_transaction": "a refund that failed",
        "failure_reason": "a refund that failed",
        "next_action": "a refund the customer must act on (not simulated)",
    },
    "payment_method": dict.fromkeys(_TYPES, _OTHER_PAYMENT_METHOD),
    "payment_method_details": dict.fromkeys(_DETAIL_TYPES, _OTHER_PAYMENT_METHOD),
    "payment_intent_payment_method_options": dict.fromkeys(_TYPES, _OTHER_PAYMENT_METHOD),
    "payment_intent_payment_method_options_card": {
        "capture_method": "set per payment method (not simulated)",
        "setup_future_usage": "set per payment method (not simulated)",
    },
    "payment_intent_next_action": {
        "redirect_to_url": "next_action.type redirect_to_url",
        "use_stripe_sdk": "next_action.type use_stripe_sdk",
        **dict.fromkeys(
            "alipay_handle_redirect boleto_display_details card_await_notification"
            " konbini_display_details oxxo_display_details paynow_display_qr_code"
            " verify_with_microdeposits wechat_pay_display_qr_code"
            " wechat_pay_redirect_to_android_app wechat_pay_redirect_to_ios_app".split(),
            "a next action of another payment method (not simulated)",
        ),
    },
    "setup_intent_payment_method_options": dict.fromkeys(
        ("acss_debit", "sepa_debit", "us_bank_account"), _OTHER_PAYMENT_METHOD
    ),
    "event": {"account": "an event of a Connect account"},
    "notification_event_data": {"previous_attributes": "a *.updated event"},
}


def complete(schema: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` as the object Stripe sends: every field of ``schema``, ``None`` where unset.

    Fields of :data:`SOMETIMES` are kept only when ``values`` has them; a field the
    schema does not have is a bug of the fake (``KeyError``).
    """
    fields = FIELDS[schema]
    extra = [name for name in values if name not in fields]
    sometimes = SOMETIMES.get(schema, {})
    unknown = [name for name in extra if name not in sometimes]
    if unknown:
        raise KeyError(f"{schema} has no field {', '.join(unknown)}")
    body = {name: values.get(name) for name in fields}
    body.update((name, values[name]) for name in extra)
    return body
