"""The account's places, the works announced for them, and its outage reports."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient


@dataclass
class OutagesData:
    number: str
    places: list[models.Place]
    works: list[models.Work]
    reports: list[models.OutageReport]


async def load_outages(client: SelfcareClient, number: str, *, include_past: bool) -> OutagesData:

    async def reports() -> list[models.OutageReport]:
        return [r async for r in client.iter_outage_reports(number)]

    places, works, found = await asyncio.gather(
        client.places(number), client.works(number, include_past=include_past), reports()
    )
    return OutagesData(number, places, works, found)
