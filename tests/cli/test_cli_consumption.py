"""`selfcare consumption`: its CSV and Green Button (ESPI) files read back give the API's
numbers, in the units, times and structure the format prescribes (the format itself, on
known numbers, is tests/unit/test_exports.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from selfcare_tui.server.demo import COTTAGE_ACCOUNT, FLAT_ACCOUNT

from ..support.cli import Cli
from ..support.green_button import TALLINN, meter_readings, parse, values


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
