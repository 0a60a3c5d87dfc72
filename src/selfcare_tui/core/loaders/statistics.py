"""The years an account has data for, and one year's statistics with the years it is compared
with: as few requests as the listings allow (one per year to find the years).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TypeVar

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.core import statistics

T = TypeVar("T")


async def _first(items: AsyncIterator[T]) -> T | None:
    """The first item, closing the listing so no further page is asked for."""
    try:
        async for item in items:
            return item
        return None
    finally:
        close = getattr(items, "aclose", None)
        if close is not None:
            await close()


async def years_with_invoices(client: SelfcareClient, number: str) -> list[int]:
    """Newest first; one request per year that has invoices, none for the gaps between them."""
    years: list[int] = []
    until: dt.date | None = None
    while len(years) < statistics.MAX_YEARS:
        page = await client.invoices_page(number, until=until, limit=1)
        if not page.items:
            break
        year = page.items[0].issued_on.year
        years.append(year)
        until = dt.date(year - 1, 12, 31)
    return years


async def _notices_since(
    client: SelfcareClient, number: str, since: dt.date
) -> list[models.Notice]:
    """Notices come newest first and have no date filter: stop at the first older one."""
    found: list[models.Notice] = []
    notices = client.iter_notices(number)
    try:
        async for notice in notices:
            if notice.issued_on < since:
                break
            found.append(notice)
    finally:
        close = getattr(notices, "aclose", None)
        if close is not None:
            await close()
    return found


@dataclass
class StatisticsData:
    years: list[int]
    """Years to choose from, newest first; empty when the account has nothing yet."""
    stats: statistics.Statistics | None


async def load_statistics(
    client: SelfcareClient, number: str, wanted: int | None
) -> StatisticsData:
    """The years to offer, and the statistics of `wanted` (the newest when it has none)."""
    invoice_years, newest_payment = await asyncio.gather(
        years_with_invoices(client, number), _first(client.iter_payments(number))
    )
    found = list(invoice_years)
    if newest_payment is not None:
        found.append(newest_payment.paid_on.year)
    years = statistics.years_with_data(found)
    if not years:
        return StatisticsData([], None)
    year = wanted if wanted in years else years[0]
    first = statistics.first_year_compared(year, years)
    since, until = statistics.span(first, year)
    invoices, payments, notices = await asyncio.gather(
        _all(client.iter_invoices(number, since=since, until=until)),
        _all(client.iter_payments(number, since=since, until=until)),
        _notices_since(client, number, since),
    )
    stats = statistics.summarise(invoices, payments, notices, year=year, first_year=first)
    return StatisticsData(years, stats)


async def _all(items: AsyncIterator[T]) -> list[T]:
    return [item async for item in items]
