"""Invoice and payment scenarios against a live server, for tests/api/test_invoices_payments.py
and the PostgreSQL run of the same flows: the demo's invoice counts, the open and the overdue
invoice, and the customer's browser on the processor's page."""

from __future__ import annotations

import itertools
import re

import httpx

from selfcare_tui.api import SelfcareClient
from selfcare_tui.api.models import Invoice, InvoiceStatus, PaymentSession
from selfcare_tui.server.demo import COTTAGE_ACCOUNT

from .live_server import NOW

TODAY = NOW.date()  # 12:00 in Tallinn: the same calendar day


ACME_PLACES = 24


ACME_MONTHS = 12


def strictly_newest_first(invoices: list[Invoice]) -> bool:
    keys = [(i.issued_on, i.number) for i in invoices]
    return all(a > b for a, b in itertools.pairwise(keys))


async def only_open_invoice(client: SelfcareClient, number: str) -> Invoice:
    page = await client.invoices_page(number, status=InvoiceStatus.open)
    assert len(page.items) == 1, page.items
    return page.items[0]


async def overdue_invoice(client: SelfcareClient) -> Invoice:
    """The cottage's open invoice whose due date has passed: the one its reminder is about."""
    overdue = [
        i
        async for i in client.iter_invoices(COTTAGE_ACCOUNT, status=InvoiceStatus.open)
        if i.due_on < TODAY
    ]
    assert len(overdue) == 1, overdue
    return overdue[0]


async def follow_processor(session: PaymentSession, action: str) -> str:
    """Do what the customer's browser does: open the processor's page, press a button."""
    assert session.redirect_url is not None
    async with httpx.AsyncClient(timeout=10) as browser:
        page = await browser.get(session.redirect_url)
        assert page.status_code == 200
        assert "<form" in page.text
        found = re.search(r'name="token" value="([^"]+)"', page.text)
        assert found is not None, page.text
        answer = await browser.post(
            session.redirect_url,
            data={"token": found.group(1), "action": action, "card": "4242424242424242"},
        )
        assert answer.status_code == 200
        return answer.text
