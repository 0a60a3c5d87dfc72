"""What the agents' desk shows: the queues' counts with the guide's type names, and the
queues a page at a time (the server pages them: a queue of 100,000 opens as fast as one)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient

PAGE_SIZE = 50


@dataclass
class DeskData:
    counts: models.QueueCounts
    types: list[models.RequestType]


async def load_desk(client: SelfcareClient) -> DeskData:
    counts, types = await asyncio.gather(client.queue_counts(), client.request_types())
    return DeskData(counts, types)


@dataclass(frozen=True)
class QueueFilters:
    taken: models.TakenFilter = models.TakenFilter.any
    type_code: str | None = None
    """Requests only."""


async def request_page(
    client: SelfcareClient, filters: QueueFilters, cursor: str | None
) -> models.Page[models.DeskRequest]:
    return await client.request_queue(
        type_code=filters.type_code, taken=filters.taken, cursor=cursor, limit=PAGE_SIZE
    )


async def report_page(
    client: SelfcareClient, filters: QueueFilters, cursor: str | None
) -> models.Page[models.DeskOutageReport]:
    return await client.outage_report_queue(taken=filters.taken, cursor=cursor, limit=PAGE_SIZE)
