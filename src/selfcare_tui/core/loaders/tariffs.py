"""A place's latest months priced under every package, and its open package change.

What the API does not say (the day/night split of a meter without day and night registers)
is taken from intervals, else assumed, and the data says which.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.core import tariff_calculator as calc

PACKAGE_CHANGE = "package_change"


PRODUCT_FIELD = "product_code"


OPEN_STATUSES = (
    models.RequestStatus.draft,
    models.RequestStatus.submitted,
    models.RequestStatus.in_progress,
)


@dataclass
class PlaceTariffs:
    """One place: its package, its priced months and its open package change, if any."""

    place: models.Place
    contract: models.Contract | None
    products: list[models.Product]
    uses: list[calc.MonthUse]
    split: calc.DaySplit
    tax_rate: Decimal | None
    """As on the place's latest invoice; None before its first invoice (prices before tax)."""
    request: models.Request | None

    @property
    def current_code(self) -> str | None:
        return self.contract.product.code if self.contract else None

    def quotes(self) -> list[calc.Quote]:
        return calc.quotes(self.products, self.uses, self.tax_rate or Decimal(0))


@dataclass
class TariffsData:
    places: list[models.Place]
    request_type: models.RequestType | None
    """The request guide's package change; None when this server takes none."""
    place: PlaceTariffs | None


def current_contract(contracts: list[models.Contract]) -> models.Contract | None:
    """The supply contract in force: an open-ended one, else the latest started."""
    supply = sorted(
        (c for c in contracts if c.kind is models.ContractKind.supply),
        key=lambda c: (c.end_date is None, c.start_date),
    )
    return supply[-1] if supply else None


async def _day_split(
    client: SelfcareClient,
    number: str,
    meters: list[models.Meter],
    months: list[str],
    data_until: dt.datetime | None,
) -> calc.DaySplit:
    """The best day/night split the place's meters give: registers, intervals, else assumed."""
    for meter in meters:
        kinds = {r.kind: r for r in meter.registers}
        day, night = kinds.get(models.RegisterKind.day), kinds.get(models.RegisterKind.night)
        if day is None or night is None or not months:
            continue
        since = calc.month_end(calc.month_before(calc.month_before(months[0])))
        day_readings, night_readings = await asyncio.gather(
            *(_readings(client, number, meter.id, register.id, since) for register in (day, night))
        )
        split = calc.register_split(day_readings, night_readings, months)
        if split is not None:
            return split
    smart = next((m for m in meters if m.smart), None)
    if smart is not None and data_until is not None:
        last = data_until.date() - dt.timedelta(days=1)  # the last whole day, in any zone
        days = [last - dt.timedelta(days=n) for n in range(calc.INTERVAL_DAYS)]
        series = await asyncio.gather(*(client.intervals(number, smart.id, d) for d in days))
        split = calc.interval_split(series)
        if split is not None:
            return split
    return calc.assumed_split()


async def _readings(
    client: SelfcareClient, number: str, meter_id: str, register_id: str, since: dt.date
) -> list[models.Reading]:
    return [
        r
        async for r in client.iter_readings(number, meter_id, register_id=register_id, since=since)
    ]


async def load_place(
    client: SelfcareClient,
    number: str,
    place: models.Place,
    products: list[models.Product],
    requests: list[models.Request],
) -> PlaceTariffs:
    contracts, series, meters, invoices = await asyncio.gather(
        client.contracts(number, place.id),
        client.consumption(number, place_id=place.id),
        client.meters(number, place.id),
        client.invoices_page(number, place_id=place.id, limit=1),
    )
    window = sorted(series.months, key=lambda m: m.month)[-calc.MONTHS :]
    split = await _day_split(
        client, number, meters, [m.month for m in window], series.data_available_until
    )
    contract = current_contract(contracts)
    offered = list(products)
    if contract is not None and all(p.code != contract.product.code for p in offered):
        offered.append(contract.product)  # a package no longer offered still compares
    return PlaceTariffs(
        place=place,
        contract=contract,
        products=offered,
        uses=calc.month_uses(window, split),
        split=split,
        tax_rate=invoices.items[0].tax_rate if invoices.items else None,
        request=open_request(requests, place.id),
    )


def open_request(requests: list[models.Request], place_id: str) -> models.Request | None:
    """The newest package change of the place not yet completed or rejected."""
    mine = [r for r in requests if r.place_id == place_id and r.status in OPEN_STATUSES]
    return max(mine, key=lambda r: r.created_at) if mine else None


async def _package_changes(client: SelfcareClient, number: str) -> list[models.Request]:
    return [r async for r in client.iter_requests(number, type_code=PACKAGE_CHANGE)]


async def load_chosen_place(
    client: SelfcareClient, number: str, place: models.Place
) -> PlaceTariffs:
    """Another place chosen: the packages offered and the package changes asked anew with it."""
    products, requests = await asyncio.gather(client.products(), _package_changes(client, number))
    return await load_place(client, number, place, products, requests)


async def load_tariffs(client: SelfcareClient, number: str, place_id: str | None) -> TariffsData:
    places, products, types, requests = await asyncio.gather(
        client.places(number),
        client.products(),
        client.request_types(),
        _package_changes(client, number),
    )
    request_type = next(
        (
            t
            for t in types
            if t.code == PACKAGE_CHANGE and any(f.name == PRODUCT_FIELD for f in t.fields)
        ),
        None,
    )
    place = next((p for p in places if p.id == place_id), places[0] if places else None)
    tariffs = None
    if place is not None:
        tariffs = await load_place(client, number, place, products, requests)
    return TariffsData(places, request_type, tariffs)
