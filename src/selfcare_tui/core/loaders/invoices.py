"""A page of the account's invoices by the filters chosen, its places, and when the newest
invoice was issued (the invoices of that day are the current ones).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient

T = TypeVar("T")


PAGE_SIZE = 50
"""Rows fetched at a time: a few screens' worth, one quick request."""


@dataclass(frozen=True)
class Filters:
    since: dt.date | None = None
    until: dt.date | None = None
    status: models.InvoiceStatus | None = None
    place_id: str | None = None


@dataclass
class InvoicesData:
    number: str
    filters: Filters
    places: list[models.Place]
    page: models.Page[models.Invoice]
    current_issued_on: dt.date | None
    """When the newest invoice was issued: the invoices of that day are the current ones."""


async def load_invoices(client: SelfcareClient, number: str, wanted: Filters) -> InvoicesData:
    """The first page by `wanted`; a place of another account is dropped from the filters."""
    places = await client.places(number)
    filters = wanted
    if filters.place_id not in {None, *(p.id for p in places)}:
        filters = Filters(filters.since, filters.until, filters.status, None)
    page, newest = await asyncio.gather(
        invoices_after(client, number, filters, None), client.invoices_page(number, limit=1)
    )
    current = newest.items[0].issued_on if newest.items else None
    return InvoicesData(number, filters, places, page, current)


async def invoices_after(
    client: SelfcareClient, number: str, filters: Filters, cursor: str | None
) -> models.Page[models.Invoice]:
    """The page after `cursor` (the first with None), by the same filters."""
    return await client.invoices_page(
        number,
        status=filters.status,
        place_id=filters.place_id,
        since=filters.since,
        until=filters.until,
        cursor=cursor,
        limit=PAGE_SIZE,
    )
