"""The consumption screen against the real server: months over chosen years, export beside
use, year on year, a day's 15-minute profile, and exports read back and compared with what
the API says."""

from __future__ import annotations

import csv
import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select

from selfcare_tui.i18n import format_month
from selfcare_tui.screens.consumption import ConsumptionScreen
from selfcare_tui.screens.switcher import AccountSwitcher
from selfcare_tui.server.demo import COTTAGE_ACCOUNT, FLAT_ACCOUNT
from selfcare_tui.widgets.monthly_bars import MonthlyBars
from selfcare_tui.widgets.profile_chart import ProfileChart

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import overview_shown, ready_app, text_of, wait_for

pytestmark = pytest.mark.anyio

ATOM = "{http://www.w3.org/2005/Atom}"
ESPI = "{http://naesb.org/espi}"
COTTAGE_METER = "M000000002"


def screen_of(pilot: Pilot[None]) -> ConsumptionScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ConsumptionScreen)
    return screen


def loaded(pilot: Pilot[None], account: str) -> bool:
    screen = pilot.app.screen
    return (
        isinstance(screen, ConsumptionScreen)
        and screen.data is not None
        and account in (screen.sub_title or "")
        and not screen.query_one("#body").loading
    )


def profile_of(pilot: Pilot[None], day: dt.date) -> bool:
    screen = screen_of(pilot)
    return screen.profile is not None and screen.profile.day == day


def bars_text(pilot: Pilot[None]) -> str:
    bars = screen_of(pilot).query_one(MonthlyBars)
    return bars.render_text(bars.size.width).plain


def line_of(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(label + " "))


async def open_consumption(pilot: Pilot[None], account: str = FLAT_ACCOUNT) -> None:
    """In maria's ready app, switch to `account` if needed, and press g c as a user does."""
    await overview_shown(pilot)
    if account != FLAT_ACCOUNT:
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, AccountSwitcher))
        options = pilot.app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count == 2)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: account in (pilot.app.screen.sub_title or ""))
    await pilot.press("g", "c")
    await wait_for(pilot, lambda: loaded(pilot, account))


async def choose(pilot: Pilot[None], select_id: str, value: int) -> None:
    """Open a select with enter and move to `value` with the arrow keys, as a user would."""
    select: Select[int] = screen_of(pilot).query_one(f"#{select_id}", Select)
    select.focus()
    await pilot.press("enter")
    await pilot.pause()
    step = "up" if value < select.value else "down"  # type: ignore[operator]
    years = screen_of(pilot).years
    await pilot.press(*[step] * abs(years.index(value) - years.index(select.value)))  # type: ignore[arg-type]
    await pilot.press("enter")
    await wait_for(pilot, lambda: select.value == value)


def kwh_in(line: str) -> list[Decimal]:
    return [Decimal(n.replace(",", "")) for n in re.findall(r"([\d,]+\.\d) kWh", line)]


async def test_months_match_the_api_for_the_chosen_years(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async with await live_server.login("maria") as maria:
        api_2026 = (await maria.consumption(FLAT_ACCOUNT, since="2026-01", until="2026-12")).months
        api_range = (await maria.consumption(FLAT_ACCOUNT, since="2024-01", until="2025-12")).months
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_consumption(pilot)
        screen = screen_of(pilot)
        # the latest year with data comes first
        assert [(r.month, r.consumption_kwh, r.estimated) for r in screen.rows] == [
            (m.month, m.consumption_kwh, m.estimated) for m in api_2026
        ]
        text = bars_text(pilot)
        october = line_of(text, "Oct 2026")
        assert "▒" in october and "≈252.0 kWh" in october  # estimated: shape and sign
        assert "▒" not in line_of(text, "Sept 2026") and "≈" not in line_of(text, "Sept 2026")
        assert "billed on an estimate" in text_of(pilot, "#months-note")

        await pilot.press("<")  # one year earlier
        await wait_for(pilot, lambda: screen.first_year == screen.last_year == 2025)
        await choose(pilot, "first-year", 2024)
        await wait_for(pilot, lambda: (screen.first_year, screen.last_year) == (2024, 2025))
        assert [(r.month, r.consumption_kwh, r.export_kwh) for r in screen.rows] == [
            (m.month, m.consumption_kwh, m.export_kwh) for m in api_range
        ]
        text = bars_text(pilot)
        for month in api_range:
            shown = kwh_in(line_of(text, format_month(month.month)))[0]
            assert shown == month.consumption_kwh.quantize(Decimal("0.1"))
        assert "Fed into the grid" not in text  # the flat feeds nothing in
        assert text.index("2025 total") < text.index("2024 total")  # newest first


async def test_the_cottage_shows_export_beside_consumption(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async with await live_server.login("maria") as maria:
        api = await maria.consumption(COTTAGE_ACCOUNT, since="2026-01", until="2026-12")
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_consumption(pilot, COTTAGE_ACCOUNT)
        screen = screen_of(pilot)
        assert [(r.month, r.consumption_kwh, r.export_kwh) for r in screen.rows] == [
            (m.month, m.consumption_kwh, m.export_kwh) for m in api.months
        ]
        text = bars_text(pilot)
        assert "Fed into the grid" in text.splitlines()[0]
        june = next(m for m in api.months if m.month == "2026-06")
        assert june.export_kwh > june.consumption_kwh  # more fed in than used: never netted
        used, exported = kwh_in(line_of(text, "Jun 2026"))[:2]
        assert used == june.consumption_kwh.quantize(Decimal("0.1"))
        assert exported == june.export_kwh.quantize(Decimal("0.1"))
        note = text_of(pilot, "#months-note")
        assert "Remote-read data is in up to 24 Nov 2026, 00:00." in note
        assert "never subtracted" in note


async def test_year_on_year_matches_a_hand_computation(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async with await live_server.login("maria") as maria:
        months = {m.month: m for m in (await maria.consumption(FLAT_ACCOUNT)).months}
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_consumption(pilot)
        text = bars_text(pilot)
        compared = 0
        for number in range(1, 11):
            this, last = months[f"2026-{number:02d}"], months[f"2025-{number:02d}"]
            difference = this.consumption_kwh - last.consumption_kwh
            percent = difference / last.consumption_kwh * 100
            label = format_month(this.month)
            found = re.search(r"([+-][\d,.]+) kWh ([+-][\d.]+)%$", line_of(text, label))
            assert found, line_of(text, label)
            assert Decimal(found[1].replace(",", "")) == difference.quantize(Decimal("0.1"))
            assert Decimal(found[2]) == percent.quantize(Decimal("0.1"))
            compared += 1
        assert compared == 10
        this_year = sum((months[f"2026-{n:02d}"].consumption_kwh for n in range(1, 11)), Decimal(0))
        same_months = sum(
            (months[f"2025-{n:02d}"].consumption_kwh for n in range(1, 11)), Decimal(0)
        )
        total = line_of(text, "2026 total")
        assert kwh_in(total)[0] == this_year.quantize(Decimal("0.1"))
        found = re.search(r"([+-][\d,.]+) kWh ([+-][\d.]+)%$", total)
        assert found
        assert Decimal(found[1]) == (this_year - same_months).quantize(Decimal("0.1"))
        assert Decimal(found[2]) == ((this_year - same_months) / same_months * 100).quantize(
            Decimal("0.1")
        )


async def test_the_fifteen_minute_profile_of_a_day(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async with await live_server.login("maria") as maria:
        days = {
            day: await maria.intervals(COTTAGE_ACCOUNT, COTTAGE_METER, day)
            for day in (dt.date(2026, 11, 23), dt.date(2026, 11, 22), dt.date(2026, 11, 2))
        }
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_consumption(pilot, COTTAGE_ACCOUNT)
        await pilot.press("p")
        # the last day with remote-read data (up to 24 Nov 00:00)
        last = dt.date(2026, 11, 23)
        await wait_for(pilot, lambda: profile_of(pilot, last))
        chart = screen_of(pilot).query_one(ProfileChart)
        assert len(days[last].points) == 96
        assert chart.points == days[last].points
        assert screen_of(pilot).query_one("#day", Input).value == "2026-11-23"
        used = sum((p.consumption_kwh for p in days[last].points), Decimal(0))
        assert f"Used {used.quantize(Decimal('0.1'))} kWh" in text_of(pilot, "#profile-summary")

        await pilot.press("]")  # no data after the 23rd yet
        assert "choose 23 Nov 2026 or earlier" in text_of(pilot, "#day-message")
        assert screen_of(pilot).profile.day == last  # type: ignore[union-attr]

        await pilot.press("[")
        await wait_for(pilot, lambda: profile_of(pilot, dt.date(2026, 11, 22)))
        assert chart.points == days[dt.date(2026, 11, 22)].points
        assert text_of(pilot, "#day-message") == ""

        day_input = screen_of(pilot).query_one("#day", Input)
        day_input.focus()
        await pilot.press("end", *["backspace"] * len(day_input.value), *"2026-11-31", "enter")
        assert "“2026-11-31” is not a date" in text_of(pilot, "#day-message")
        assert day_input.value == "2026-11-31"  # what was typed stays
        await pilot.press("backspace", "backspace", *"02", "enter")
        await wait_for(pilot, lambda: profile_of(pilot, dt.date(2026, 11, 2)))
        assert chart.points == days[dt.date(2026, 11, 2)].points


def parse_feed(path: Path) -> ET.Element:
    return ET.fromstring(path.read_bytes())  # noqa: S314 - our own export


def readings_of(feed: ET.Element) -> dict[int, list[tuple[int, int, Decimal, bool]]]:
    """Per flow direction: (start, duration, kWh, estimated) of each IntervalReading."""
    entries = feed.findall(f"{ATOM}entry")
    types = {}
    for entry in entries:
        kind = entry.find(f"{ATOM}content/{ESPI}ReadingType")
        if kind is not None:
            href = entry.find(f"{ATOM}link[@rel='self']").get("href")  # type: ignore[union-attr]
            types[href] = kind
    found: dict[int, list[tuple[int, int, Decimal, bool]]] = {}
    for entry in entries:
        if entry.find(f"{ATOM}content/{ESPI}MeterReading") is None:
            continue
        related = [link.get("href") for link in entry.findall(f"{ATOM}link[@rel='related']")]
        kind = next(types[h] for h in related if h in types)
        flow = int(kind.findtext(f"{ESPI}flowDirection"))  # type: ignore[arg-type]
        assert kind.findtext(f"{ESPI}uom") == "72"  # Wh
        power = int(kind.findtext(f"{ESPI}powerOfTenMultiplier"))  # type: ignore[arg-type]
        blocks = next(h for h in related if h and h.endswith("/IntervalBlock"))
        readings = found.setdefault(flow, [])
        for block in entries:
            up = block.find(f"{ATOM}link[@rel='up']")
            if up is None or up.get("href") != blocks:
                continue
            for reading in block.iter(f"{ESPI}IntervalReading"):
                readings.append(
                    (
                        int(reading.findtext(f"{ESPI}timePeriod/{ESPI}start")),  # type: ignore[arg-type]
                        int(reading.findtext(f"{ESPI}timePeriod/{ESPI}duration")),  # type: ignore[arg-type]
                        Decimal(reading.findtext(f"{ESPI}value")).scaleb(power) / 1000,  # type: ignore[arg-type]
                        reading.find(f"{ESPI}ReadingQuality") is not None,
                    )
                )
    return found


def saved_path(pilot: Pilot[None], selector: str) -> Path:
    text = text_of(pilot, selector)
    assert text.startswith("Saved "), text
    return Path(text.split(" to ", 1)[1])


async def test_export_csv_and_green_button_from_the_screen(
    live_server: LiveServer,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    downloads = tmp_path / "downloads"
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(downloads))
    async with await live_server.login("maria") as maria:
        api = await maria.consumption(COTTAGE_ACCOUNT, since="2026-01", until="2026-12")
        day = await maria.intervals(COTTAGE_ACCOUNT, COTTAGE_METER, dt.date(2026, 11, 23))
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_consumption(pilot, COTTAGE_ACCOUNT)

        await pilot.press("e")
        await wait_for(pilot, lambda: text_of(pilot, "#months-saved").startswith("Saved CSV"))
        monthly_csv = saved_path(pilot, "#months-saved")
        assert monthly_csv.parent == downloads
        rows = list(csv.DictReader(monthly_csv.open()))
        assert [
            (r["month"], Decimal(r["consumption_kwh"]), Decimal(r["export_kwh"]), r["estimated"])
            for r in rows
        ] == [
            (m.month, m.consumption_kwh, m.export_kwh, str(m.estimated).lower()) for m in api.months
        ]

        await pilot.press("b")
        await wait_for(pilot, lambda: "Green Button" in text_of(pilot, "#months-saved"))
        feed = parse_feed(saved_path(pilot, "#months-saved"))
        readings = readings_of(feed)

        def month_span(month: str) -> tuple[int, int]:
            start = dt.datetime.fromisoformat(f"{month}-01T00:00:00+00:00")  # TZ=UTC here
            end = (start + dt.timedelta(days=32)).replace(day=1)
            return int(start.timestamp()), int((end - start).total_seconds())

        assert readings[1] == [
            (*month_span(m.month), m.consumption_kwh, m.estimated) for m in api.months
        ]
        assert readings[19] == [
            (*month_span(m.month), m.export_kwh, m.estimated) for m in api.months
        ]

        await pilot.press("e")  # again: a new file, the first is kept
        await wait_for(pilot, lambda: saved_path(pilot, "#months-saved") != monthly_csv)
        assert saved_path(pilot, "#months-saved").name.endswith("-2.csv")
        assert monthly_csv.exists()

        await pilot.press("p")
        await wait_for(pilot, lambda: profile_of(pilot, dt.date(2026, 11, 23)))
        await pilot.press("e")
        await wait_for(pilot, lambda: text_of(pilot, "#profile-saved").startswith("Saved CSV"))
        rows = list(csv.DictReader(saved_path(pilot, "#profile-saved").open()))
        assert [
            (
                dt.datetime.fromisoformat(r["start"]),
                Decimal(r["consumption_kwh"]),
                Decimal(r["export_kwh"]),
            )
            for r in rows
        ] == [(p.start, p.consumption_kwh, p.export_kwh) for p in day.points]
        assert all(
            dt.datetime.fromisoformat(r["end"]) - dt.datetime.fromisoformat(r["start"])
            == dt.timedelta(minutes=15)
            for r in rows
        )

        await pilot.press("b")
        await wait_for(pilot, lambda: "Green Button" in text_of(pilot, "#profile-saved"))
        readings = readings_of(parse_feed(saved_path(pilot, "#profile-saved")))
        assert readings[1] == [
            (int(p.start.timestamp()), 900, p.consumption_kwh, False) for p in day.points
        ]
        assert readings[19] == [
            (int(p.start.timestamp()), 900, p.export_kwh, False) for p in day.points
        ]
    assert not [p for p in downloads.iterdir() if p.name.startswith(".")]  # no temp files left


async def test_a_place_without_a_smart_meter_says_so(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_consumption(pilot)
        await pilot.press("p")
        await wait_for(pilot, lambda: screen_of(pilot).query_one("#no-smart-meter").display)
        assert "No smart meter here" in text_of(pilot, "#no-smart-meter")
        await pilot.press("b")
        assert "No 15-minute data to export" in text_of(pilot, "#profile-saved")


async def test_a_business_chooses_one_of_its_places(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async with await live_server.login("acme") as acme:
        (account,) = await acme.accounts()
        places = await acme.places(account.number)
        place = places[1]
        api = await acme.consumption(account.number, place_id=place.id)
        whole = await acme.consumption(account.number)
    app = await ready_app(live_server.base_url, "acme")
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await pilot.press("g", "c")
        await wait_for(pilot, lambda: loaded(pilot, account.number))
        screen = screen_of(pilot)
        latest = whole.months[-1]
        assert screen.rows[-1].consumption_kwh == latest.consumption_kwh  # all places summed

        select: Select[str] = screen.query_one("#place", Select)
        select.focus()
        await pilot.press("enter", "down", "down", "enter")  # all places, the first, the second
        await wait_for(
            pilot,
            lambda: (
                loaded(pilot, account.number)
                and screen.data is not None
                and screen.data.place_id == place.id
            ),
        )
        year = int(api.months[-1].month[:4])
        assert [(r.month, r.consumption_kwh) for r in screen.rows] == [
            (m.month, m.consumption_kwh) for m in api.months if m.month.startswith(str(year))
        ]
