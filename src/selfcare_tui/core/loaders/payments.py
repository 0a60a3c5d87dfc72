"""The account's payments and notices a page at a time: the listings are read only as far as
a page needs, then closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient

T = TypeVar("T")


PAGE_SIZE = 30
"""Rows per page: two and a half years of monthly payments."""


@dataclass
class Listing(Generic[T]):
    items: list[T]
    more: bool
    """True when the server has more beyond these."""


async def next_page(
    items: AsyncIterator[T], shown: Callable[[T], bool], size: int = PAGE_SIZE
) -> Listing[T]:
    """Up to `size` items not shown yet, and whether more follow; closes the listing after."""
    page: list[T] = []
    try:
        async for item in items:
            if shown(item):
                continue
            if len(page) == size:
                return Listing(page, True)
            page.append(item)
        return Listing(page, False)
    finally:
        close = getattr(items, "aclose", None)
        if close is not None:
            await close()


@dataclass
class PaymentsData:
    payments: Listing[models.Payment]
    notices: Listing[models.Notice]


async def load_payments(client: SelfcareClient, number: str) -> PaymentsData:
    """The first page of payments and of notices."""
    payments, notices = await asyncio.gather(
        next_page(client.iter_payments(number), lambda _p: False),
        next_page(client.iter_notices(number), lambda _n: False),
    )
    return PaymentsData(payments, notices)
