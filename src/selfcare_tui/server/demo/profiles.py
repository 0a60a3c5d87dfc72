"""Energy profiles: how much a flat, a summer cottage and a shop use per month and per quarter
hour, by season and hour of day, with a cottage's solar export."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from typing import Final

from .. import billing
from ..bulk_insert import Row
from .seeder import _at, _kwh, _Month, _month, _Period

# Share of a month of the year in the consumption of a heated flat, of a summer cottage and of
# a shop; and a 5 kWp solar array's export per month in Estonia (kWh).
_HOUSEHOLD_SEASON: Final = (1.35, 1.25, 1.1, 0.95, 0.85, 0.75, 0.7, 0.75, 0.85, 1.0, 1.2, 1.35)
_COTTAGE_SEASON: Final = (0.55, 0.55, 0.6, 0.75, 1.05, 1.45, 1.7, 1.55, 1.0, 0.7, 0.55, 0.55)
_BUSINESS_SEASON: Final = (1.15, 1.1, 1.05, 1.0, 0.95, 0.9, 0.85, 0.9, 0.95, 1.0, 1.05, 1.15)
_SOLAR_EXPORT: Final = (10, 45, 170, 330, 460, 500, 490, 390, 230, 95, 25, 5)
_DAYLIGHT_HOURS: Final = (7.0, 9.0, 11.5, 14.0, 16.5, 18.0, 17.5, 15.5, 12.5, 10.0, 7.5, 6.5)
# Consumption by hour of day (UTC; local time is two or three hours later).
_HOUR_SHAPE: Final = (
    *(0.5, 0.45, 0.45, 0.45, 0.5, 0.8, 1.1, 1.0, 0.9, 0.85, 0.85, 0.9),
    *(0.9, 0.9, 1.0, 1.3, 1.6, 1.8, 1.7, 1.4, 1.1, 0.8, 0.6, 0.55),
)

# Day rate applies 07-22 local time on working days; weekends are all night rate.
_DAY_SHARE: Final = sum(_HOUR_SHAPE[5:20]) / sum(_HOUR_SHAPE) * 5 / 7


def _single_rate_periods(
    rng: random.Random,
    months: Sequence[_Month],
    monthly_kwh: float,
    season: Sequence[float],
    places: int = 1,
) -> list[_Period]:
    """Consumption on one register, read by the customer with an occasional utility visit."""
    periods = []
    for i, month in enumerate(months):
        kwh = _kwh(monthly_kwh * season[month.first.month - 1] * rng.uniform(0.9, 1.1), places)
        source = "utility" if i % 6 == 5 else "customer"
        periods.append(_Period(month, billing.Energy(day_kwh=kwh), source))
    return periods


def _flat_periods(rng: random.Random, months: Sequence[_Month], estimated: int) -> list[_Period]:
    """Day and night registers; the month at index ``estimated`` had no reading."""
    periods = []
    for i, month in enumerate(months):
        total = 230 * _HOUSEHOLD_SEASON[month.first.month - 1] * rng.uniform(0.9, 1.1)
        day = _kwh(total * rng.uniform(0.58, 0.66))
        energy = billing.Energy(day_kwh=day, night_kwh=_kwh(total) - day)
        source = "estimated" if i == estimated else ("utility" if i % 6 == 5 else "customer")
        periods.append(_Period(month, energy, source))
    return periods


def _cottage_periods(rng: random.Random, months: Sequence[_Month]) -> list[_Period]:
    """A remote-read prosumer, priced day and night by the daily shape of its interval data."""
    periods = []
    for month in months:
        m = month.first.month - 1
        total = 150 * _COTTAGE_SEASON[m] * rng.uniform(0.9, 1.1)
        day = _kwh(total * _DAY_SHARE)
        export = _kwh(_SOLAR_EXPORT[m] * rng.uniform(0.8, 1.15))
        energy = billing.Energy(day_kwh=day, night_kwh=_kwh(total) - day, export_kwh=export)
        periods.append(_Period(month, energy, "remote"))
    return periods


def _days_in_month(day: dt.date) -> int:
    return _month(day.year, day.month).last.day


def _solar_weight(hour: float, month: int) -> float:
    """Relative output at an hour UTC; solar noon is near 11:00 UTC in Estonia."""
    daylight = _DAYLIGHT_HOURS[month - 1]
    phase = (hour - (11.0 - daylight / 2)) / daylight
    return math.sin(math.pi * phase) ** 2 if 0 < phase < 1 else 0.0


def _interval_day(rng: random.Random, meter_id: str, day: dt.date) -> list[Row]:
    """96 quarter hours of a cottage day, scaled to its month's typical totals."""
    m = day.month - 1
    days = _days_in_month(day)
    consumed = 150 * _COTTAGE_SEASON[m] / days
    exported = _SOLAR_EXPORT[m] / days * rng.uniform(0.2, 1.6)  # cloudy or sunny
    hours = [q / 4 for q in range(96)]
    solar = [_solar_weight(h, day.month) for h in hours]
    solar_total = sum(solar) or 1.0
    shape_total = sum(_HOUR_SHAPE) * 4
    start = _at(day, dt.time(0))
    return [
        {
            "meter_id": meter_id,
            "starts_at": start + dt.timedelta(minutes=15 * q),
            "consumption_kwh": _kwh(
                consumed * _HOUR_SHAPE[q // 4] / shape_total * rng.uniform(0.8, 1.2), 4
            ),
            "export_kwh": _kwh(exported * solar[q] / solar_total, 4),
        }
        for q in range(96)
    ]
