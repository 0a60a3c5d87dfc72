"""The account's places, contracts, meters (removed ones too) and works, in one load; works
are kept as their refusal should the server refuse them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import ApiError
from selfcare_tui.core.loaders.parts import or_refusal


@dataclass
class PlacesData:
    places: list[models.Place]
    contracts: list[models.Contract]
    meters: list[models.Meter]
    works: list[models.Work] | ApiError


async def load_places(client: SelfcareClient, number: str) -> PlacesData:
    places, contracts, meters, works = await asyncio.gather(
        client.places(number),
        client.contracts(number),
        client.meters(number, include_removed=True),
        or_refusal(client.works(number)),
    )
    return PlacesData(places, contracts, meters, works)
