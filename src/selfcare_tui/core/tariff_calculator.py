"""What a place's own recent months would have cost under each tariff package.

Free of Textual and of I/O, so every figure can be checked by hand. A month is priced the way
the utility prices an invoice (server/billing.py): each line rounded to the cent half-up, the
monthly fee once a month, exported energy credited only by a package with an export price and
never netted against consumption, tax on the rounded net. A period's cost is the sum of its
monthly invoices, so the package the place is on comes out at what its invoices said.

The API gives monthly consumption, not its day/night split, so the split comes from the best
source the place has (`DaySplit`): its day and night registers, else a smart meter's interval
data of recent days, else a stated assumption.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from selfcare_tui.api import models

CENT = Decimal("0.01")
MONTHS = 12
"""How many of the latest months the calculator prices."""
DAY_RATE_HOURS = (7, 22)
"""Local hours [from, to) of the day rate on working days; an assumption, as the API does not
publish them (the reference backend's demo data uses these)."""
WORKING_DAYS = 5
"""Monday to Friday take the day rate in its hours; weekends are all night rate."""
ASSUMED_DAY_SHARE = Decimal("0.6")
"""Share of energy at the day rate taken for a meter that records neither day and night
apart nor intervals."""
INTERVAL_DAYS = 14
"""Days of interval data the split is measured on: whole weeks, so weekends weigh as usual."""
_ACTUAL = frozenset(
    {models.ReadingSource.customer, models.ReadingSource.utility, models.ReadingSource.remote}
)


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, ROUND_HALF_UP)


# --- the day/night split -------------------------------------------------------------------


class SplitBasis(StrEnum):
    registers = "registers"
    """The meter's day and night registers, month by month."""
    intervals = "intervals"
    """A smart meter's quarter-hour data of recent days, split by `DAY_RATE_HOURS`."""
    assumed = "assumed"
    """Nothing measured: `ASSUMED_DAY_SHARE`."""


@dataclass(frozen=True)
class DaySplit:
    """How a month's consumption divides into day-rate and night-rate energy."""

    basis: SplitBasis
    share: Decimal
    """Day-rate share of all energy measured; used for months without a measurement."""
    months: Mapping[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    """Registers: the (day, night) kWh each month's readings recorded."""
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    """Intervals: the first and last day measured."""
    days: int = 0
    """Intervals: how many whole days were measured."""

    def day_kwh(self, month: str, consumed: Decimal) -> Decimal:
        measured = self.months.get(month)
        if measured is not None:
            day, night = measured
            return consumed * day / (day + night)  # exactly `day` when the totals agree
        return consumed * self.share


def assumed_split() -> DaySplit:
    return DaySplit(SplitBasis.assumed, ASSUMED_DAY_SHARE)


def _month_start(month: str) -> dt.date:
    year, number = month.split("-")
    return dt.date(int(year), int(number), 1)


def month_end(month: str) -> dt.date:
    """The last day of a YYYY-MM month."""
    first = _month_start(month)
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def month_before(month: str) -> str:
    return (_month_start(month) - dt.timedelta(days=1)).strftime("%Y-%m")


def _value_on(readings: Sequence[models.Reading], day: dt.date) -> Decimal | None:
    """The register's value on `day`: its latest reading by then, an actual one before an
    estimate of the same day."""
    known = [r for r in readings if r.read_on <= day]
    if not known:
        return None
    return max(known, key=lambda r: (r.read_on, r.source in _ACTUAL)).value


def register_split(
    day_readings: Sequence[models.Reading],
    night_readings: Sequence[models.Reading],
    months: Iterable[str],
) -> DaySplit | None:
    """Each month's day and night energy from the registers' values at the months' ends.

    A month lacking a value at either end (or going backwards: a replaced meter) is left out and
    takes the share of the others; None when no month could be measured.
    """
    measured: dict[str, tuple[Decimal, Decimal]] = {}
    for month in months:
        start, end = month_end(month_before(month)), month_end(month)
        values = [
            _value_on(readings, when)
            for readings in (day_readings, night_readings)
            for when in (start, end)
        ]
        day_start, day_end, night_start, night_end = values
        if day_start is None or day_end is None or night_start is None or night_end is None:
            continue
        day, night = day_end - day_start, night_end - night_start
        if day >= 0 and night >= 0 and day + night > 0:
            measured[month] = (day, night)
    if not measured:
        return None
    day_total = sum((d for d, _n in measured.values()), Decimal(0))
    all_total = sum((d + n for d, n in measured.values()), Decimal(0))
    return DaySplit(SplitBasis.registers, day_total / all_total, measured)


def is_day_rate(day: dt.date, minute_of_day: int) -> bool:
    start, end = DAY_RATE_HOURS
    return day.weekday() < WORKING_DAYS and start * 60 <= minute_of_day < end * 60


def interval_split(series: Iterable[models.IntervalSeries]) -> DaySplit | None:
    """The day-rate share of a smart meter's recent whole days.

    A day's series starts at the utility's local midnight, so point i starts i intervals later;
    a day without all its points (missing data, a daylight-saving change) is left out.
    """
    day_kwh = all_kwh = Decimal(0)
    days: list[dt.date] = []
    for one in series:
        if len(one.points) != 24 * 60 // one.interval_minutes:
            continue
        days.append(one.day)
        for i, point in enumerate(one.points):
            all_kwh += point.consumption_kwh
            if is_day_rate(one.day, i * one.interval_minutes):
                day_kwh += point.consumption_kwh
    if not days or all_kwh <= 0:
        return None
    return DaySplit(
        SplitBasis.intervals,
        day_kwh / all_kwh,
        first_day=min(days),
        last_day=max(days),
        days=len(days),
    )


# --- monthly energy ------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthUse:
    """One month's energy of a place, as an invoice would bill it."""

    month: str
    consumed_kwh: Decimal
    day_kwh: Decimal
    export_kwh: Decimal = Decimal(0)
    estimated: bool = False

    @property
    def night_kwh(self) -> Decimal:
        return self.consumed_kwh - self.day_kwh


def month_uses(
    consumption: Sequence[models.MonthlyConsumption], split: DaySplit, months: int = MONTHS
) -> list[MonthUse]:
    """The latest `months` months of the API's consumption, split into day and night."""
    return [
        MonthUse(
            month=m.month,
            consumed_kwh=m.consumption_kwh,
            day_kwh=split.day_kwh(m.month, m.consumption_kwh),
            export_kwh=m.export_kwh,
            estimated=m.estimated,
        )
        for m in sorted(consumption, key=lambda m: m.month)[-months:]
    ]


# --- pricing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthCost:
    month: str
    energy: Decimal
    """The energy lines (day and night, or the single rate), each rounded to the cent."""
    fee: Decimal
    export_credit: Decimal
    """Zero or negative."""
    net: Decimal
    tax: Decimal
    total: Decimal


def price_month(product: models.Product, use: MonthUse, tax_rate: Decimal) -> MonthCost:
    """One month as one invoice: the lines of server/billing.py `price`, with one month's fee."""
    if product.night_price is None:
        energy = _cents(use.consumed_kwh * product.day_price.amount)
    else:
        energy = _cents(use.day_kwh * product.day_price.amount) + _cents(
            use.night_kwh * product.night_price.amount
        )
    fee = _cents(product.monthly_fee.amount)
    credit = Decimal(0)
    if use.export_kwh and product.export_price is not None:
        credit = _cents(use.export_kwh * -product.export_price.amount)
    net = energy + fee + credit
    tax = _cents(net * tax_rate)
    return MonthCost(use.month, energy, fee, credit, net, tax, net + tax)


@dataclass(frozen=True)
class Quote:
    """A package's cost over the months priced."""

    product: models.Product
    months: tuple[MonthCost, ...]

    def _sum(self, part: str) -> Decimal:
        return sum((getattr(m, part) for m in self.months), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self._sum("total")

    @property
    def net(self) -> Decimal:
        return self._sum("net")

    @property
    def tax(self) -> Decimal:
        return self._sum("tax")

    @property
    def export_credit(self) -> Decimal:
        return self._sum("export_credit")

    def money(self, amount: Decimal) -> models.Money:
        return models.Money(amount=amount, currency=self.product.monthly_fee.currency)


def quote(product: models.Product, uses: Sequence[MonthUse], tax_rate: Decimal) -> Quote:
    return Quote(product, tuple(price_month(product, use, tax_rate) for use in uses))


def quotes(
    products: Iterable[models.Product], uses: Sequence[MonthUse], tax_rate: Decimal
) -> list[Quote]:
    return [quote(product, uses, tax_rate) for product in products]


def cheapest(offers: Sequence[Quote], current: str | None = None) -> Quote | None:
    """The lowest total; on a tie the customer's own package (no change for nothing), else the
    first listed."""
    if not offers:
        return None
    return min(offers, key=lambda q: (q.total, q.product.code != current))
