"""Which estimated bills a bill ordered on an actual reading replaced, as the server says.

The server marks each estimate it supersedes `replaced`, with `replaced_by` naming the new
bill; the app's readings screen and `selfcare invoices order` both ask it this one way.
"""

from __future__ import annotations

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient


async def bills_replaced_by(
    client: SelfcareClient, account: str, bill: models.Invoice
) -> list[models.Invoice]:
    """The invoices of `bill`'s place that the server marked replaced by it."""
    return [
        invoice
        async for invoice in client.iter_invoices(
            account, status=models.InvoiceStatus.replaced, place_id=bill.place_id
        )
        if invoice.replaced_by == bill.number
    ]
