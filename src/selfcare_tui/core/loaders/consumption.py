"""The account's places and meters, and the consumption of one place or of all of them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TypeVar

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient

T = TypeVar("T")


@dataclass
class ConsumptionData:
    places: list[models.Place]
    meters: list[models.Meter]
    series: models.ConsumptionSeries
    place_id: str | None
    """The place the series is of; None for all the account's places."""


async def load_consumption(
    client: SelfcareClient, number: str, place_id: str | None
) -> ConsumptionData:
    """The series of `place_id`, or of all places when it is None or not the account's."""
    places, meters = await asyncio.gather(client.places(number), client.meters(number))
    shown = place_id if any(p.id == place_id for p in places) else None
    series = await client.consumption(number, place_id=shown)
    return ConsumptionData(places, meters, series, shown)
