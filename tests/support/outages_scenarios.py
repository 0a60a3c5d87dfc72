"""Outage scenarios for tests/api/test_outages.py and the PostgreSQL run: the flat's place and
a report for it."""

from __future__ import annotations

from selfcare_tui.api import SelfcareClient
from selfcare_tui.api.models import OutageReportCreate, Place
from selfcare_tui.server.demo import FLAT_ACCOUNT


def report(place: Place, description: str = "No power since 9:00.") -> OutageReportCreate:
    return OutageReportCreate(
        place_id=place.id, description=description, contact_phone="+372 5123 4567"
    )


async def flat_place(client: SelfcareClient) -> Place:
    (place,) = await client.places(FLAT_ACCOUNT)
    return place
