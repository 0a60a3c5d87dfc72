"""CSV and Green Button (ESPI) exports, on known numbers: the files read back give them in the
units, times and structure the format prescribes. (`selfcare consumption`, which writes them
from the API's numbers, is tests/cli/test_cli_consumption.py.)"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from selfcare_tui.api import models
from selfcare_tui.core import exports

from ..support.green_button import (
    ATOM,
    ESPI,
    TALLINN,
    entries_with,
    meter_readings,
    parse,
    resource,
    values,
)

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def month(name: str, used: str, exported: str = "0", estimated: bool = False) -> Any:
    return models.MonthlyConsumption(
        month=name,
        consumption_kwh=Decimal(used),
        export_kwh=Decimal(exported),
        estimated=estimated,
    )


def test_monthly_green_button_structure_units_and_times() -> None:
    months = [
        month("2026-02", "77.300", "40.300"),
        month("2026-03", "90.600", "187.600"),
        month("2026-10", "252.000", "79.100", estimated=True),
    ]
    feed = parse(
        exports.monthly_green_button(
            months, account="1000000002", place_id="PL000000002", now=NOW, zone=TALLINN
        )
    )
    assert feed.tag == f"{ATOM}feed" and feed.findtext(f"{ATOM}updated") == "2026-11-25T12:00:00Z"
    (point,) = entries_with(feed, "UsagePoint")
    assert resource(point, "UsagePoint").findtext(f"{ESPI}ServiceCategory/{ESPI}kind") == "0"
    readings = meter_readings(feed)
    assert set(readings) == {1, 19}  # consumption forward, export reverse: two readings
    for reading in readings.values():
        kind = reading["type"]
        assert kind.findtext(f"{ESPI}uom") == "72"
        assert kind.findtext(f"{ESPI}powerOfTenMultiplier") == "0"  # whole Wh
        assert kind.findtext(f"{ESPI}accumulationBehaviour") == "4"
        assert kind.findtext(f"{ESPI}kind") == "12"
        assert len(reading["blocks"]) == 3  # one IntervalBlock per month
    february = int(dt.datetime(2026, 2, 1, tzinfo=TALLINN).timestamp())
    march = int(dt.datetime(2026, 3, 1, tzinfo=TALLINN).timestamp())
    april = int(dt.datetime(2026, 4, 1, tzinfo=TALLINN).timestamp())
    october = int(dt.datetime(2026, 10, 1, tzinfo=TALLINN).timestamp())
    assert march - february == 28 * 86400
    assert april - march == 31 * 86400 - 3600  # summer time starts in March
    assert values(readings[1]) == [
        (february, 28 * 86400, Decimal("77.3"), False),
        (march, april - march, Decimal("90.6"), False),
        (october, 31 * 86400 + 3600, Decimal("252"), True),  # summer time ends in October
    ]
    assert [v[2] for v in values(readings[19])] == [
        Decimal("40.3"),
        Decimal("187.6"),
        Decimal("79.1"),
    ]
    block = readings[1]["blocks"][0]
    assert block.findtext(f"{ESPI}interval/{ESPI}start") == str(february)
    assert block.findtext(f"{ESPI}interval/{ESPI}duration") == str(28 * 86400)
    raw = readings[1]["blocks"][0].findtext(f"{ESPI}IntervalReading/{ESPI}value")
    assert raw == "77300"  # Wh


def test_no_export_reading_for_a_customer_who_feeds_nothing_in() -> None:
    feed = parse(
        exports.monthly_green_button(
            [month("2026-09", "203.9")], account="1", place_id=None, now=NOW, zone=dt.UTC
        )
    )
    assert set(meter_readings(feed)) == {1}


def test_interval_values_keep_their_tenths_of_a_watt_hour() -> None:
    start = dt.datetime(2026, 11, 22, 22, 0, tzinfo=dt.UTC)
    series = models.IntervalSeries(
        meter_id="M1",
        day=dt.date(2026, 11, 23),
        points=[
            models.IntervalPoint(
                start=start + dt.timedelta(minutes=15 * i),
                consumption_kwh=Decimal("0.0165") + i,
                export_kwh=Decimal("0.0000"),
            )
            for i in range(3)
        ],
        data_available_until=None,
    )
    feed = parse(exports.intervals_green_button(series, account="1", now=NOW))
    readings = meter_readings(feed)
    assert set(readings) == {1}
    kind = readings[1]["type"]
    assert kind.findtext(f"{ESPI}powerOfTenMultiplier") == "-1"
    assert kind.findtext(f"{ESPI}intervalLength") == "900"
    (block,) = readings[1]["blocks"]
    assert block.findtext(f"{ESPI}interval/{ESPI}duration") == "2700"
    assert [r.findtext(f"{ESPI}value") for r in block.iter(f"{ESPI}IntervalReading")] == [
        "165",
        "10165",
        "20165",
    ]
    assert values(readings[1])[1] == (int(start.timestamp()) + 900, 900, Decimal("1.0165"), False)


def test_power_of_ten_and_scaling() -> None:
    assert exports.power_of_ten([Decimal("1.000"), Decimal("0")]) == 0
    assert exports.power_of_ten([Decimal("0.0165")]) == -1
    assert exports.power_of_ten([Decimal("1E+3")]) == 0
    assert exports.scaled(Decimal("0.0165"), -1) == 165
    assert exports.scaled(Decimal("252.000"), 0) == 252000


def test_files_are_written_whole_and_never_overwritten(tmp_path: Path) -> None:
    first = exports.save_export("usage.csv", b"one", tmp_path)
    second = exports.save_export("usage.csv", b"two", tmp_path)
    assert (first.name, second.name) == ("usage.csv", "usage-2.csv")
    assert first.read_bytes() == b"one" and second.read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["usage-2.csv", "usage.csv"]


def test_a_failed_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("selfcare_tui.core.exports.os.replace", broken)
    with pytest.raises(OSError, match="disk full"):
        exports.write_atomically(tmp_path / "usage.xml", b"<feed/>")
    assert list(tmp_path.iterdir()) == []


def test_monthly_csv_columns() -> None:
    text = exports.monthly_csv([month("2026-10", "252.000", "0.000", estimated=True)])
    assert text == "month,consumption_kwh,export_kwh,estimated\n2026-10,252.000,0.000,true\n"
