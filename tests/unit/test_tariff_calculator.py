"""The tariff calculator on numbers worked out by hand (written out below, not recomputed).

Rounding is the server's: every invoice line to the cent half-up, tax on the rounded net.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from selfcare_tui.api import models
from selfcare_tui.core import tariff_calculator as calc

D = Decimal
VAT = D("0.22")
AT = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def money(amount: str) -> models.Money:
    return models.Money(amount=D(amount))


def product(
    code: str, day: str, night: str | None, fee: str, export: str | None = None
) -> models.Product:
    return models.Product(
        code=code,
        name=code.title(),
        day_price=money(day),
        night_price=money(night) if night else None,
        monthly_fee=money(fee),
        export_price=money(export) if export else None,
    )


UNIVERSAL = product("UNIVERSAL", "0.14500", None, "2.49")
DAYNIGHT = product("DAYNIGHT", "0.16120", "0.11230", "2.49")
SOLAR = product("SOLAR", "0.15490", "0.10890", "3.49", export="0.07250")


def test_a_day_and_night_month_is_priced_line_by_line() -> None:
    use = calc.MonthUse("2026-01", consumed_kwh=D("150.75"), day_kwh=D("100.5"), export_kwh=D(10))
    cost = calc.price_month(DAYNIGHT, use, VAT)
    # day   100.5  × 0.1612 = 16.2006   -> 16.20
    # night  50.25 × 0.1123 =  5.643075 ->  5.64
    # fee                               ->  2.49
    # export: DAYNIGHT has no export price, so 10 kWh earn nothing
    # net 24.33; VAT 24.33 × 0.22 = 5.3526 -> 5.35; total 29.68
    assert cost.energy == D("21.84")
    assert cost.fee == D("2.49")
    assert cost.export_credit == 0
    assert (cost.net, cost.tax, cost.total) == (D("24.33"), D("5.35"), D("29.68"))


def test_single_rate_bills_all_energy_and_rounds_half_up() -> None:
    use = calc.MonthUse("2026-01", consumed_kwh=D(101), day_kwh=D("60.6"))
    cost = calc.price_month(UNIVERSAL, use, VAT)
    # 101 × 0.145 = 14.645 -> 14.65 (half up; half-even would give 14.64)
    # net 14.65 + 2.49 = 17.14; VAT 3.7708 -> 3.77; total 20.91
    assert cost.energy == D("14.65")
    assert (cost.net, cost.tax, cost.total) == (D("17.14"), D("3.77"), D("20.91"))


def test_export_is_credited_by_a_package_with_an_export_price() -> None:
    use = calc.MonthUse("2026-06", consumed_kwh=D(120), day_kwh=D(80), export_kwh=D(200))
    cost = calc.price_month(SOLAR, use, VAT)
    # day 80 × 0.1549 = 12.392 -> 12.39; night 40 × 0.1089 = 4.356 -> 4.36; fee 3.49
    # export 200 × −0.0725 = −14.50; net 5.74; VAT 1.2628 -> 1.26; total 7.00
    assert cost.export_credit == D("-14.50")
    assert (cost.net, cost.tax, cost.total) == (D("5.74"), D("1.26"), D("7.00"))


def test_a_month_exporting_more_than_it_costs_is_a_credit() -> None:
    use = calc.MonthUse("2026-06", consumed_kwh=D(120), day_kwh=D(80), export_kwh=D(400))
    cost = calc.price_month(SOLAR, use, VAT)
    # 12.39 + 4.36 + 3.49 − 29.00 = −8.76; VAT −1.9272 -> −1.93 (half away from zero)
    assert (cost.net, cost.tax, cost.total) == (D("-8.76"), D("-1.93"), D("-10.69"))


def test_a_year_is_the_sum_of_its_monthly_invoices() -> None:
    uses = [
        calc.MonthUse("2026-01", consumed_kwh=D(101), day_kwh=D(60)),
        calc.MonthUse("2026-02", consumed_kwh=D(50), day_kwh=D(10)),
    ]
    offers = calc.quotes([UNIVERSAL, DAYNIGHT], uses, VAT)
    universal, daynight = offers
    # UNIVERSAL: January 20.91 (above); February 50 × 0.145 = 7.25, + 2.49 = 9.74,
    #   VAT 2.1428 -> 2.14, 11.88. Year 32.79.
    # DAYNIGHT: January 60 × 0.1612 = 9.672 -> 9.67, 41 × 0.1123 = 4.6043 -> 4.60, + 2.49
    #   = 16.76, VAT 3.6872 -> 3.69, 20.45; February 10 × 0.1612 = 1.612 -> 1.61,
    #   40 × 0.1123 = 4.492 -> 4.49, + 2.49 = 8.59, VAT 1.8898 -> 1.89, 10.48. Year 30.93.
    assert [m.total for m in universal.months] == [D("20.91"), D("11.88")]
    assert universal.total == D("32.79")
    assert [m.total for m in daynight.months] == [D("20.45"), D("10.48")]
    assert daynight.total == D("30.93")
    assert daynight.tax == D("5.58")
    assert calc.cheapest(offers) is daynight
    assert daynight.money(daynight.total) == models.Money(amount=D("30.93"), currency="EUR")


def test_a_tie_keeps_the_customers_own_package() -> None:
    same_a = calc.Quote(UNIVERSAL, (calc.MonthCost("2026-01", D(1), D(0), D(0), D(1), D(0), D(1)),))
    same_b = calc.Quote(DAYNIGHT, (calc.MonthCost("2026-01", D(1), D(0), D(0), D(1), D(0), D(1)),))
    assert calc.cheapest([same_a, same_b], current="DAYNIGHT") is same_b
    assert calc.cheapest([same_a, same_b]) is same_a
    assert calc.cheapest([]) is None


def reading(day: dt.date, value: str, source: str = "customer") -> models.Reading:
    return models.Reading(
        id=f"RD{day}{source}",
        register_id="R",
        meter_id="M",
        read_on=day,
        value=D(value),
        source=models.ReadingSource(source),
        submitted_at=AT,
    )


def test_day_and_night_registers_split_each_month() -> None:
    day = [
        reading(dt.date(2025, 12, 31), "1000", "utility"),
        reading(dt.date(2026, 1, 31), "1100"),
        reading(dt.date(2026, 2, 28), "1160", "estimated"),
        reading(dt.date(2026, 2, 28), "1150"),  # the actual reading wins over the estimate
    ]
    night = [
        reading(dt.date(2025, 12, 31), "500", "utility"),
        reading(dt.date(2026, 1, 31), "550"),
        reading(dt.date(2026, 2, 28), "590"),
    ]
    split = calc.register_split(day, night, ["2026-01", "2026-02", "2026-03"])
    assert split is not None
    assert split.basis is calc.SplitBasis.registers
    # January day 100, night 50; February day 50, night 40; March has no end reading.
    assert split.months == {"2026-01": (D(100), D(50)), "2026-02": (D(50), D(40))}
    assert split.share == D("0.625")  # 150 of 240
    consumption = [
        models.MonthlyConsumption(month=m, consumption_kwh=D(kwh), export_kwh=D(0), estimated=False)
        for m, kwh in (("2026-01", 150), ("2026-02", 90), ("2026-03", 80))
    ]
    uses = calc.month_uses(consumption, split)
    assert [(u.day_kwh, u.night_kwh) for u in uses] == [
        (D(100), D(50)),
        (D(50), D(40)),
        (D(50), D(30)),  # March: 80 × 0.625
    ]


def test_no_readings_at_month_ends_gives_no_register_split() -> None:
    day = [reading(dt.date(2026, 1, 15), "1000")]
    night = [reading(dt.date(2026, 1, 15), "500")]
    assert calc.register_split(day, night, ["2026-01"]) is None


def series(day: dt.date, kwh: str, points: int = 96) -> models.IntervalSeries:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)
    return models.IntervalSeries(
        meter_id="M",
        day=day,
        points=[
            models.IntervalPoint(
                start=start + dt.timedelta(minutes=15 * q),
                consumption_kwh=D(kwh),
                export_kwh=D(0),
            )
            for q in range(points)
        ],
        data_available_until=None,
    )


def test_interval_data_splits_by_the_day_rate_hours() -> None:
    monday, saturday, sunday = dt.date(2026, 11, 9), dt.date(2026, 11, 14), dt.date(2026, 11, 15)
    split = calc.interval_split(
        [series(monday, "0.25"), series(saturday, "0.5"), series(sunday, "9", points=95)]
    )
    assert split is not None
    # Monday: 07:00-22:00 is 60 quarters × 0.25 = 15 kWh day rate of 96 × 0.25 = 24 kWh.
    # Saturday: 96 × 0.5 = 48 kWh, all night rate. Sunday lacks a quarter: left out.
    # Share 15 / 72.
    assert split.share == D(15) / D(72)
    assert (split.first_day, split.last_day, split.days) == (monday, saturday, 2)
    use = calc.month_uses(
        [
            models.MonthlyConsumption(
                month="2026-11", consumption_kwh=D(144), export_kwh=D(0), estimated=False
            )
        ],
        split,
    )[0]
    assert use.day_kwh == D(30)  # 144 × 15/72


def test_without_measurements_the_split_is_the_stated_assumption() -> None:
    split = calc.assumed_split()
    assert split.basis is calc.SplitBasis.assumed
    assert split.day_kwh("2026-01", D(200)) == D(120)  # 60 %


def test_only_the_latest_twelve_months_are_priced() -> None:
    consumption = [
        models.MonthlyConsumption(
            month=f"{2025 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}",
            consumption_kwh=D(m),
            export_kwh=D(0),
            estimated=False,
        )
        for m in range(14, 0, -1)  # 14 months, newest first
    ]
    uses = calc.month_uses(consumption, calc.assumed_split())
    assert [u.month for u in uses] == [
        "2025-03", "2025-04", "2025-05", "2025-06", "2025-07", "2025-08",
        "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02",
    ]  # fmt: skip
    assert calc.month_end("2024-02") == dt.date(2024, 2, 29)
    assert calc.month_before("2026-01") == "2025-12"
