"""Adyen's operations as gateway commands: a builder and a reply handler each.

The pool is built per configuration, so builders know the merchant account and
return URL. The toolkit (``gateway_plugins.http``) sends the requests and turns
timeouts, dropped connections and unreadable replies into unknown outcomes.
"""

from __future__ import annotations

from functools import partial

from gateway_plugins import TransactionKind
from gateway_plugins.http import Command, CommandPool

from .builders import (
    cancel_request,
    capture_request,
    details_request,
    payment_request,
    refund_request,
)
from .replies import modification_handler, payment_handler
from .settings import AdyenSettings

GATEWAY_ID = "adyen"

K = TransactionKind


def command_pool(settings: AdyenSettings) -> CommandPool:
    """The commands for one configuration.

    * ``authorize``: ``/payments`` with ``manualCapture``; kind ``auth``.
    * ``sale``: ``/payments`` captured at once; kind ``capture`` (also what
      ``capture`` without a ``psp_reference`` runs).
    * ``capture`` / ``void``: answered ``pending``; ``refund``: ``refund_ongoing``.
    * ``confirm_payment``: ``/payments/details``. Adyen's answer does not say
      whether the payment was created as a sale, so an authorised payment is
      reported as ``auth``: claiming captured money that is only reserved
      would be the worse mistake.
    """
    return CommandPool(
        GATEWAY_ID,
        {
            "authorize": Command(
                K.AUTH,
                partial(payment_request, settings=settings, manual_capture=True),
                payment_handler(K.AUTH, K.AUTH),
            ),
            "sale": Command(
                K.CAPTURE,
                partial(payment_request, settings=settings, manual_capture=False),
                payment_handler(K.CAPTURE, K.CAPTURE),
            ),
            "capture": Command(
                K.CAPTURE,
                partial(capture_request, settings=settings),
                modification_handler(K.PENDING, K.CAPTURE),
            ),
            "refund": Command(
                K.REFUND,
                partial(refund_request, settings=settings),
                modification_handler(K.REFUND_ONGOING, K.REFUND),
            ),
            "void": Command(
                K.VOID,
                partial(cancel_request, settings=settings),
                modification_handler(K.PENDING, K.VOID),
            ),
            "confirm_payment": Command(
                K.AUTH,
                partial(details_request, settings=settings),
                payment_handler(K.AUTH, K.AUTH),
            ),
        },
    )
