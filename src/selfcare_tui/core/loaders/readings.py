"""What the readings screen needs: the reading window, and per meter its place, last accepted
readings and the open estimates a bill on the reading would replace.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import ApiError, TokenRejected


@dataclass
class MeterInfo:
    """What a meter's form shows: the screen loads it, the form keeps it up to date."""

    meter: models.Meter
    place: models.Place | None
    last_actual: dict[str, models.Reading | None]
    """Per register: the last accepted reading (never an estimate), which the rules compare
    with; the newest one once the user has sent one here."""
    estimates: list[models.Invoice] = field(default_factory=list)
    """Open estimated invoices of the meter's place: what ordering a bill replaces."""


@dataclass
class ReadingsData:
    window: models.ReadingWindow
    meters: list[MeterInfo]


async def _open_estimates(client: SelfcareClient, number: str) -> list[models.Invoice]:
    """A login that may not see invoices still sends readings: it just is not told what a bill
    replaces."""
    try:
        return [
            i
            async for i in client.iter_invoices(number, status=models.InvoiceStatus.open)
            if i.estimated
        ]
    except TokenRejected:
        raise
    except ApiError:
        return []


async def load_readings(client: SelfcareClient, number: str) -> ReadingsData:
    window, meters, places, estimates = await asyncio.gather(
        client.reading_window(number),
        client.meters(number),
        client.places(number),
        _open_estimates(client, number),
    )
    by_id = {p.id: p for p in places}
    infos = [
        MeterInfo(
            meter,
            by_id.get(meter.place_id),
            {r.id: r.last_reading for r in meter.registers},
            [e for e in estimates if e.place_id == meter.place_id],
        )
        for meter in meters
    ]
    return ReadingsData(window, infos)
