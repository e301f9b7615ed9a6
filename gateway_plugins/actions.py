"""What the shopper must do before a payment can complete, in one shape for every PSP.

A gateway that needs the shopper (a 3-D Secure challenge, a bank's or wallet's
own page, a QR code to scan) answers ``action_required=True``, kind
``action_to_confirm``, and a :class:`CustomerAction` in
``GatewayResponse.action_required_data``. A host writes one handler for all of
them::

    action = response.action_required_data
    if action.url and action.method == "GET":
        return redirect(action.url)                  # mobile apps: action.mobile_url
    if action.url:
        return auto_submitting_form(action.url, action.form_fields)
    if action.qr_code or action.voucher_url:
        return show_to_shopper(action.qr_code, action.voucher_url, action.expires_at)
    return pass_to_psp_sdk(action.sdk_data)          # Stripe.js, Adyen Drop-in

When the shopper is back (the return URL, or the SDK's callback), the host calls
``confirm_payment`` with ``psp_reference=action.psp_reference`` and what came
back in ``PaymentData.data``.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class ActionKind(str, Enum):
    """Why the shopper is needed."""

    THREE_D_SECURE = "three_d_secure"
    """Strong Customer Authentication of a card, on the issuer's page or in the PSP's SDK."""
    REDIRECT = "redirect"
    """An off-site payment: a hosted checkout, the shopper's bank (iDEAL), a wallet."""
    PRESENT = "present"
    """Something to show the shopper: a QR code to scan, a voucher to pay elsewhere."""


class CustomerAction(BaseModel):
    """One customer action; see the module docstring for how a host handles it.

    ``url`` is where to send the shopper's browser (``method`` ``POST`` with
    ``form_fields`` as an auto-submitted form); ``mobile_url`` the same for an app
    (PGM's ``redirectToUrlMobile``). ``qr_code`` (the payload to render) and
    ``voucher_url`` are shown to the shopper. ``sdk_data`` is what the PSP's own
    client SDK takes to run the action in the page (Stripe's client secret and
    ``next_action``, Adyen's ``action`` object): a host using the SDK passes it on
    untouched.
    """

    # Validated again wherever it is put into a response: an instance made by
    # model_construct() could otherwise carry a javascript: URL to the host.
    model_config = ConfigDict(
        frozen=True, hide_input_in_errors=True, extra="forbid", revalidate_instances="always"
    )

    kind: ActionKind
    psp_reference: str = Field(min_length=1)
    """The transaction ``confirm_payment`` names once the shopper is back."""
    url: str | None = None
    method: Literal["GET", "POST"] = "GET"
    form_fields: dict[str, str] = Field(default_factory=dict)
    mobile_url: str | None = None
    qr_code: str | None = None
    voucher_url: str | None = None
    expires_at: datetime | None = None
    sdk_data: dict[str, Any] | None = None

    @field_validator("url", "mobile_url", "voucher_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        # A javascript: or data: URL in a redirect would run in the shop's page.
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("https", "http") or not parts.netloc:
                raise ValueError("must be an http(s) URL with a host")
        return value

    @model_validator(mode="after")
    def _something_to_do(self) -> CustomerAction:
        if self.form_fields and (self.url is None or self.method != "POST"):
            raise ValueError("form_fields: only a POST to a url carries form fields")
        if self.kind is ActionKind.REDIRECT and self.url is None:
            raise ValueError("url: a redirect needs the url to send the shopper to")
        if self.kind is ActionKind.PRESENT and not (self.qr_code or self.voucher_url):
            raise ValueError("qr_code: something to present needs a qr_code or a voucher_url")
        if self.kind is ActionKind.THREE_D_SECURE and not (self.url or self.sdk_data):
            raise ValueError("url: a 3-D Secure challenge needs a url or sdk_data")
        return self


__all__ = ["ActionKind", "CustomerAction"]
