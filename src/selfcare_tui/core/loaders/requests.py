"""The request guide's types, the account's requests, and its places for choosing and naming."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import ApiError
from selfcare_tui.core.loaders.parts import or_refusal


@dataclass
class RequestsData:
    types: list[models.RequestType]
    requests: list[models.Request]
    places: list[models.Place] | ApiError
    """Only for choosing and naming places; a refusal leaves the rest usable."""


async def load_requests(client: SelfcareClient, number: str) -> RequestsData:

    async def requests() -> list[models.Request]:
        return [r async for r in client.iter_requests(number)]

    types, found, places = await asyncio.gather(
        client.request_types(), requests(), or_refusal(client.places(number))
    )
    return RequestsData(types, found, places)
