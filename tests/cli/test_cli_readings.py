"""`selfcare readings` and `selfcare consumption` as a user runs them: subprocesses against the
live reference server. Refusals are checked for their exit code and message, and for storing
nothing; values the meter cannot show are refused before anything is sent."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

from selfcare_tui.server.demo import COTTAGE_ACCOUNT, FLAT_ACCOUNT

from ..support.cli import Cli
from ..support.live_server import LiveServer

IN_WINDOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
"""Noon in Tallinn on the first day of the reading window around the end of November."""


def as_json(cli: Cli, *args: str) -> Any:
    result = cli(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def last_actual(cli: Cli) -> tuple[Decimal, Decimal]:
    """The flat's day and night values the rules compare with: its last readings that are
    not estimates (those of 30 September; October was estimated)."""
    found = as_json(cli, "readings", "list", "--since", "2026-09-01")
    actual = {r["register_id"]: r for r in reversed(found) if r["source"] != "estimated"}
    day, night = sorted(actual.values(), key=lambda r: str(r["register_id"]))
    assert day["read_on"] == night["read_on"] == "2026-09-30"
    return Decimal(day["value"]), Decimal(night["value"])


def test_readings_list_with_filters_and_sources(cli: Cli) -> None:
    cli.login("maria")
    every = as_json(cli, "readings", "list")
    assert len(every) == 74 and len({r["meter_id"] for r in every}) == 1
    assert [r["read_on"] for r in every] == sorted((r["read_on"] for r in every), reverse=True)
    assert {r["source"] for r in every} == {"customer", "utility", "estimated"}
    meter_id = every[0]["meter_id"]

    night = as_json(
        cli,
        "readings",
        "list",
        "--register",
        "night",
        "--since",
        "2026-09-01",
        "--until",
        "2026-10-31",
    )
    assert [(r["read_on"], r["source"]) for r in night] == [
        ("2026-10-31", "estimated"),
        ("2026-09-30", "customer"),
    ]
    assert as_json(cli, "readings", "list", "--register", "1.8.2", "--since", "2026-09-01") == night

    human = cli("readings", "list", "--meter", "EMH000000001", "--since", "2026-09-01")
    assert human.returncode == 0, human.stderr
    assert "30 Sept 2026" in human.stdout and "2026-09-30" not in human.stdout
    assert "1.8.2 (night)" in human.stdout and "estimated" in human.stdout
    assert f"{Decimal(night[1]['value']):,.1f}" in human.stdout  # the dial's decimal places

    unknown = cli("readings", "list", "--meter", "X1")
    assert unknown.returncode == 4
    assert unknown.stderr == (
        f"Error: Account {FLAT_ACCOUNT} has no meter X1. Its meters: EMH000000001 ({meter_id}).\n"
    )
    register = cli("readings", "list", "--register", "export")
    assert register.returncode == 2
    assert (
        "Invalid value for --register: meter EMH000000001 has no register 'export'; its "
        "registers: 1.8.1 (day), 1.8.2 (night)." in register.stderr
    )

    remote = as_json(cli, "readings", "list", "--account", COTTAGE_ACCOUNT, "--since", "2026-10-01")
    assert len(remote) == 2 and {r["source"] for r in remote} == {"remote"}


def test_submit_outside_the_window_and_values_the_meter_cannot_show(cli: Cli) -> None:
    cli.login("maria")
    day, night = last_actual(cli)

    outside = cli("readings", "submit", "--date", "2026-11-25", str(day + 150), str(night + 60))
    assert outside.returncode == 5
    lines = outside.stderr.splitlines()
    assert lines[0].startswith(
        "Error: outside_reading_window: Readings are accepted from 30 Nov 2026 to 3 Dec 2026."
    )
    assert lines[1] == (
        "The next reading window opens on 30 Nov 2026. To be billed on this reading now, "
        "add --order-bill."
    )

    # Refused here, before sending: the server would have answered outside_reading_window.
    too_precise = str((day + Decimal("150.45")).normalize())
    decimals = cli("readings", "submit", "--date", "2026-11-25", too_precise, str(night))
    assert decimals.returncode == 2
    assert decimals.stderr.splitlines()[-1] == (
        f"Error: Invalid value for register 1.8.1 (day): at most 1 decimal place "
        f"({too_precise} has 2)."
    )
    count = cli("readings", "submit", "--date", "2026-11-25", "1")
    assert count.returncode == 2 and "give one value for each, in that order" in count.stderr

    smart = cli("readings", "submit", "--account", COTTAGE_ACCOUNT, "1", "1")
    assert smart.returncode == 5 and smart.stderr.startswith("Error: smart_meter: Meter LGZ")

    # A bill ordered on the reading is taken any day.
    receipt = as_json(
        cli,
        "readings",
        "submit",
        "--date",
        "2026-11-25",
        "--order-bill",
        "--register",
        f"night={night + Decimal('60.2')}",
        "--register",
        f"1.8.1={day + Decimal('150.4')}",
    )
    assert sorted(Decimal(c["kwh"]) for c in receipt["consumption_since_last"]) == [
        Decimal("60.2"),
        Decimal("150.4"),
    ]
    assert {c["days"] for c in receipt["consumption_since_last"]} == {56}
    assert {r["source"] for r in receipt["readings"]} == {"customer"}
    assert receipt["ordered_invoice"]["estimated"] is False
    stored = as_json(cli, "readings", "list", "--since", "2026-11-01")
    assert sorted(r["id"] for r in stored) == sorted(r["id"] for r in receipt["readings"])


def test_submit_in_the_window_below_previous_and_implausible(
    cli: Cli, live_server: LiveServer
) -> None:
    cli.login("maria")
    day, night = last_actual(cli)
    live_server.clock.frozen = IN_WINDOW

    below = cli("readings", "submit", "--date", "2026-11-30", "-r", f"day={day - 100}")
    assert below.returncode == 5
    assert below.stderr.startswith(
        "Error: less_than_previous: The register 1.8.1 reading is lower than the last accepted one"
    )

    accepted = cli(
        "readings",
        "submit",
        "--date",
        "2026-11-29",
        str(day + Decimal("150.4")),
        str(night + Decimal("60.2")),
    )
    assert accepted.returncode == 0, accepted.stderr
    assert "Recorded the reading of meter EMH000000001 on 29 Nov 2026." in accepted.stderr
    assert "150.4 kWh in 60 days" in accepted.stdout
    assert "60.2 kWh in 60 days" in accepted.stdout

    jump = str(night + Decimal("5060.2"))
    implausible = cli("readings", "submit", "--date", "2026-11-30", "-r", f"night={jump}")
    assert implausible.returncode == 5
    lines = implausible.stderr.splitlines()
    assert lines[0].startswith("Error: implausible_jump: The register 1.8.2 reading means")
    assert lines[-1].endswith("run the command again with --confirm.")

    confirmed = as_json(
        cli, "readings", "submit", "--date", "2026-11-30", "-r", f"night={jump}", "--confirm"
    )
    (reading,) = confirmed["readings"]
    assert Decimal(reading["value"]) == Decimal(jump) and reading["read_on"] == "2026-11-30"
    (used,) = confirmed["consumption_since_last"]
    assert (Decimal(used["kwh"]), used["days"]) == (Decimal(5000), 1)
    assert confirmed["ordered_invoice"] is None


def test_consumption_as_table_csv_and_json(cli: Cli) -> None:
    cli.login("maria")
    series = as_json(
        cli, "consumption", "--account", COTTAGE_ACCOUNT, "--since", "2026-01", "--until", "2026-10"
    )
    assert [m["month"] for m in series["months"]] == [f"2026-{m:02d}" for m in range(1, 11)]
    assert series["data_available_until"] == "2026-11-24T00:00:00Z"

    exported = cli(
        "consumption",
        "-a",
        COTTAGE_ACCOUNT,
        "--since",
        "2026-01",
        "--until",
        "2026-10",
        "-f",
        "csv",
    )
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert list(rows[0]) == ["month", "consumption_kwh", "export_kwh", "estimated"]
    assert [
        (r["month"], Decimal(r["consumption_kwh"]), Decimal(r["export_kwh"]), r["estimated"])
        for r in rows
    ] == [
        (
            m["month"],
            Decimal(m["consumption_kwh"]),
            Decimal(m["export_kwh"]),
            "true" if m["estimated"] else "false",
        )
        for m in series["months"]
    ]
    june = next(r for r in rows if r["month"] == "2026-06")
    assert Decimal(june["export_kwh"]) > Decimal(june["consumption_kwh"]) > 0  # never netted
    assert "Remote-read data is in up to 24 Nov 2026" in exported.stderr

    table = cli("consumption", "--since", "2026-09")
    assert table.returncode == 0, table.stderr
    october = next(line for line in table.stdout.splitlines() if "Oct 2026" in line)
    assert "kWh" in october and "an estimate" in october
    september = next(line for line in table.stdout.splitlines() if "Sept 2026" in line)
    assert "readings" in september
    assert "Remote-read" not in table.stderr  # the flat's meter is read by hand

    month = cli("consumption", "--since", "2026-13")
    assert month.returncode == 2
    assert "Invalid value for '--since': '2026-13' is not a month such as 2026-01." in month.stderr
    place = cli("consumption", "--place", "PL-NOPE")
    assert place.returncode == 4 and place.stderr == "Error: No such place.\n"
