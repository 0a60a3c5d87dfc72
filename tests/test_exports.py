"""CSV and Green Button (ESPI) exports: the files read back give the API's numbers, in the
units, times and structure the format prescribes; `selfcare consumption` writes them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from selfcare_tui.api import models
from selfcare_tui.core import exports
from selfcare_tui.server.demo import COTTAGE_ACCOUNT, FLAT_ACCOUNT

from .conftest import Cli

ATOM = "{http://www.w3.org/2005/Atom}"
ESPI = "{http://naesb.org/espi}"
TALLINN = ZoneInfo("Europe/Tallinn")
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def month(name: str, used: str, exported: str = "0", estimated: bool = False) -> Any:
    return models.MonthlyConsumption(
        month=name,
        consumption_kwh=Decimal(used),
        export_kwh=Decimal(exported),
        estimated=estimated,
    )


def parse(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314 - our own export


def entries_with(feed: ET.Element, resource: str) -> list[ET.Element]:
    return [
        e
        for e in feed.findall(f"{ATOM}entry")
        if e.find(f"{ATOM}content/{ESPI}{resource}") is not None
    ]


def resource(entry: ET.Element, name: str) -> ET.Element:
    found = entry.find(f"{ATOM}content/{ESPI}{name}")
    assert found is not None
    return found


def link(entry: ET.Element, rel: str) -> list[str]:
    return [str(a.get("href")) for a in entry.findall(f"{ATOM}link[@rel='{rel}']")]


def meter_readings(feed: ET.Element) -> dict[int, dict[str, Any]]:
    """Per flow direction: the ReadingType and the IntervalBlocks, followed by their links."""
    types = {
        link(e, "self")[0]: resource(e, "ReadingType") for e in entries_with(feed, "ReadingType")
    }
    blocks = entries_with(feed, "IntervalBlock")
    found = {}
    for entry in entries_with(feed, "MeterReading"):
        related = link(entry, "related")
        (reading_type,) = [types[h] for h in related if h in types]
        (collection,) = [h for h in related if h.endswith("/IntervalBlock")]
        mine = [resource(b, "IntervalBlock") for b in blocks if link(b, "up") == [collection]]
        flow = int(reading_type.findtext(f"{ESPI}flowDirection", "-1"))
        found[flow] = {"type": reading_type, "blocks": mine}
    return found


def values(reading: dict[str, Any]) -> list[tuple[int, int, Decimal, bool]]:
    """(start, duration, kWh, estimated) per IntervalReading, from value × 10^multiplier Wh."""
    power = int(reading["type"].findtext(f"{ESPI}powerOfTenMultiplier"))
    out = []
    for block in reading["blocks"]:
        for r in block.findall(f"{ESPI}IntervalReading"):
            quality = r.findtext(f"{ESPI}ReadingQuality/{ESPI}quality")
            out.append(
                (
                    int(r.findtext(f"{ESPI}timePeriod/{ESPI}start", "")),
                    int(r.findtext(f"{ESPI}timePeriod/{ESPI}duration", "")),
                    Decimal(r.findtext(f"{ESPI}value", "")).scaleb(power) / 1000,
                    quality == "8",
                )
            )
    return out


# --- the format, on known numbers ------------------------------------------------------


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


# --- `selfcare consumption` ------------------------------------------------------------


def as_json(cli: Cli, *args: str) -> Any:
    result = cli(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_cli_writes_green_button_for_months(cli: Cli, tmp_path: Path) -> None:
    cli.login("maria")
    period = ("--account", COTTAGE_ACCOUNT, "--since", "2025-11", "--until", "2026-10")
    series = as_json(cli, "consumption", *period)
    out = tmp_path / "cottage.xml"
    result = cli(
        "consumption",
        *period,
        "--format",
        "green-button",
        "--out",
        str(out),
        env={"TZ": "Europe/Tallinn"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert f"Saved to {out}." in result.stderr
    readings = meter_readings(parse(out.read_bytes()))

    def expected(key: str) -> list[tuple[int, int, Decimal, bool]]:
        rows = []
        for m in series["months"]:
            year, number = (int(p) for p in m["month"].split("-"))
            start = dt.datetime(year, number, 1, tzinfo=TALLINN)
            end = dt.datetime(year + number // 12, number % 12 + 1, 1, tzinfo=TALLINN)
            seconds = int(end.timestamp() - start.timestamp())  # DST changes count
            rows.append((int(start.timestamp()), seconds, Decimal(m[key]), m["estimated"]))
        return rows

    assert len(series["months"]) == 12
    assert values(readings[1]) == expected("consumption_kwh")
    assert values(readings[19]) == expected("export_kwh")


def test_cli_exports_a_day_of_fifteen_minute_data(cli: Cli, tmp_path: Path) -> None:
    cli.login("maria")
    day = ("--account", COTTAGE_ACCOUNT, "--day", "2026-11-23")
    series = as_json(cli, "consumption", *day)
    assert len(series["points"]) == 96
    expected = [
        (
            dt.datetime.fromisoformat(p["start"]),
            Decimal(p["consumption_kwh"]),
            Decimal(p["export_kwh"]),
        )
        for p in series["points"]
    ]

    out = tmp_path / "day.csv"
    result = cli("consumption", *day, "--format", "csv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open()))
    assert [
        (
            dt.datetime.fromisoformat(r["start"]),
            Decimal(r["consumption_kwh"]),
            Decimal(r["export_kwh"]),
        )
        for r in rows
    ] == expected

    xml = cli("consumption", *day, "-f", "green-button")  # to standard output
    assert xml.returncode == 0, xml.stderr
    readings = meter_readings(parse(xml.stdout.encode()))
    assert values(readings[1]) == [
        (int(start.timestamp()), 900, used, False) for start, used, _exported in expected
    ]
    assert values(readings[19]) == [
        (int(start.timestamp()), 900, exported, False) for start, _used, exported in expected
    ]
    assert "Remote-read data is in up to 24 Nov 2026" in xml.stderr

    table = cli("consumption", *day)
    assert table.returncode == 0, table.stderr
    assert table.stdout.count(" kWh") == 2 * 96


def test_cli_consumption_refusals(cli: Cli, tmp_path: Path) -> None:
    cli.login("maria")
    table_out = cli("consumption", "--out", str(tmp_path / "x.txt"))
    assert table_out.returncode == 2
    assert "--out writes a file" in table_out.stderr
    mixed = cli("consumption", "-a", COTTAGE_ACCOUNT, "--day", "2026-11-23", "--since", "2026-01")
    assert mixed.returncode == 2 and "leave out --since" in mixed.stderr
    not_smart = cli("consumption", "-a", FLAT_ACCOUNT, "--day", "2026-11-23")
    assert not_smart.returncode == 2
    assert "EMH000000001 is not a smart meter" in not_smart.stderr
    meter_alone = cli("consumption", "--meter", "M000000001")
    assert meter_alone.returncode == 2 and "--meter goes with --day" in meter_alone.stderr
    csv_to_stdout = cli("consumption", "--since", "2026-10", "-f", "csv")
    assert csv_to_stdout.returncode == 0
    assert list(csv.reader(io.StringIO(csv_to_stdout.stdout)))[1][0] == "2026-10"
