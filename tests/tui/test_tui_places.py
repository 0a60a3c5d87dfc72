"""Places and meters: what the screen shows is what the API returns, for every account kind."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, OptionList

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.i18n import format_date, format_datetime, format_number
from selfcare_tui.screens.places import PlacesScreen
from selfcare_tui.screens.reading_history import ReadingHistory
from selfcare_tui.screens.switcher import AccountSwitcher

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import StoppableServer, overview_shown, ready_app, text_of, wait_for

pytestmark = pytest.mark.anyio

FLAT, COTTAGE, BUSINESS = "1000000001", "1000000002", "2000000001"


def places_loaded(pilot: Pilot[None], account: str) -> bool:
    screen = pilot.app.screen
    return (
        isinstance(screen, PlacesScreen)
        and screen.shown_for == account
        and not screen.query_one("#body").loading
    )


async def open_places(pilot: Pilot[None], account: str) -> PlacesScreen:
    await pilot.press("g", "m")
    await wait_for(pilot, lambda: places_loaded(pilot, account))
    screen = pilot.app.screen
    assert isinstance(screen, PlacesScreen)
    return screen


def table_rows(table: DataTable[str]) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def history_loaded(pilot: Pilot[None], count: int) -> bool:
    screen = pilot.app.screen
    return (
        isinstance(screen, ReadingHistory)
        and not screen.loading_page
        and len(screen.readings) >= count
    )


async def api_readings(
    client: SelfcareClient, number: str, meter: models.Meter, register: models.Register
) -> list[models.Reading]:
    return [r async for r in client.iter_readings(number, meter.id, register_id=register.id)]


def expected_history_rows(
    readings: list[models.Reading], register: models.Register, shown: int
) -> list[list[str]]:
    """Date, value, difference to the next older reading, source, recorded: as the API says."""
    sources = {
        models.ReadingSource.customer: "customer",
        models.ReadingSource.utility: "utility",
        models.ReadingSource.estimated: "estimated",
        models.ReadingSource.remote: "remote",
    }
    rows = []
    for index, reading in enumerate(readings[:shown]):
        older = readings[index + 1] if index + 1 < len(readings) else None
        difference = (
            format_number(reading.value - older.value, register.decimal_places) if older else ""
        )
        rows.append(
            [
                format_date(reading.read_on),
                format_number(reading.value, register.decimal_places),
                difference,
                sources[reading.source],
                format_datetime(reading.submitted_at),
            ]
        )
    return rows


async def test_the_flat_shows_its_place_contract_meter_and_readings(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    client = await live_server.login("maria")
    (place,) = await client.places(FLAT)
    (contract,) = await client.contracts(FLAT)
    (meter,) = await client.meters(FLAT, include_removed=True)
    works = [w for w in await client.works(FLAT) if place.id in w.place_ids]
    await client.aclose()
    assert works, "the demo announces a work in the flat's area"

    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        screen = await open_places(pilot, FLAT)

        options = screen.query_one("#places", OptionList)
        assert [o.id for o in options.options] == [place.id]
        where = place.address
        assert str(options.get_option_at_index(0).prompt).split("\n") == [
            f"{where.street}, {where.postal_code} {where.city}",
            f"  connected · EIC {place.eic} · grid area {place.area}",
        ]
        facts = text_of(pilot, "#place")
        assert (
            f"Contract (supply): {contract.product.name}, "
            f"from {format_date(contract.start_date)}, open-ended"
        ) in facts
        assert "Disconnected" not in facts
        for work in works:
            assert work.description in facts
            assert format_datetime(work.starts_at) in facts

        meters = text_of(pilot, "#meters-text")
        assert f"Meter {meter.serial_number}: manual" in meters
        assert f"seal {meter.seal_number}, installed on {format_date(meter.installed_on)}" in (
            meters
        )
        table = screen.query_one("#registers", DataTable)
        expected = []
        for register in meter.registers:
            last = register.last_reading
            assert last is not None
            expected.append(
                [
                    meter.serial_number,
                    register.code,
                    register.kind.value,  # the English label is the value for these
                    format_number(last.value, register.decimal_places),
                    format_date(last.read_on),
                    last.source.value,
                ]
            )
        assert table_rows(table) == expected
        assert {r[2] for r in expected} == {"day", "night"}


async def choose_place(pilot: Pilot[None], screen: PlacesScreen, place: models.Place) -> None:
    """With the keyboard: from the top of the list down to the place."""
    assert screen.data is not None
    screen.query_one("#places", OptionList).focus()
    await pilot.press("home", *["down"] * screen.data.places.index(place))
    await wait_for(pilot, lambda: screen.place == place)


async def test_a_business_sees_states_works_and_a_replaced_meter(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    client = await live_server.login("acme")
    places = await client.places(BUSINESS)
    meters = await client.meters(BUSINESS, include_removed=True)
    works = await client.works(BUSINESS)
    await client.aclose()
    (disconnected,) = [p for p in places if p.state is models.PlaceState.disconnected]
    accident = next(w for w in works if w.kind is models.WorkKind.accidental)
    struck = next(p for p in places if p.id in accident.place_ids)
    (replaced,) = [m for m in meters if m.removed_on is not None]
    removed_on = replaced.removed_on
    assert removed_on is not None
    (current,) = [m for m in meters if m.place_id == replaced.place_id and m is not replaced]
    swapped = next(p for p in places if p.id == replaced.place_id)

    app = await ready_app(live_server.base_url, "acme")
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        screen = await open_places(pilot, BUSINESS)
        options = screen.query_one("#places", OptionList)
        assert [o.id for o in options.options] == [p.id for p in places]
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(len(places))]
        assert [i for i, p in enumerate(prompts) if "\n  disconnected · " in p] == [
            places.index(disconnected)
        ]
        assert "Disconnected" not in text_of(pilot, "#place")

        await choose_place(pilot, screen, disconnected)
        assert text_of(pilot, "#place").startswith(
            "Disconnected: no electricity is supplied here under the contract."
        )
        assert screen.query_one("#place-panel").border_title == (
            f"Contracts and works: {disconnected.address.street}"
        )

        await choose_place(pilot, screen, struck)
        facts = text_of(pilot, "#place")
        assert f"Work (accidental): {accident.description}" in facts
        assert format_datetime(accident.ends_at) in facts

        await choose_place(pilot, screen, swapped)
        meters_text = text_of(pilot, "#meters-text")
        assert meters_text.index(current.serial_number) < meters_text.index(replaced.serial_number)
        assert f"removed on {format_date(removed_on)}" in meters_text
        rows = table_rows(screen.query_one("#registers", DataTable))
        assert [r[0] for r in rows] == [
            current.serial_number,
            f"{replaced.serial_number} (removed)",
        ]


async def test_a_registers_history_matches_the_api(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    client = await live_server.login("maria")
    (meter,) = await client.meters(FLAT)
    day, night = meter.registers
    day_readings = await api_readings(client, FLAT, meter, day)
    night_readings = await api_readings(client, FLAT, meter, night)
    await client.aclose()
    page = ReadingHistory.PAGE_SIZE
    assert len(day_readings) > page, "the demo flat has more readings than one page"
    assert {r.source for r in day_readings} >= {
        models.ReadingSource.customer,
        models.ReadingSource.estimated,
    }
    assert [r.read_on for r in day_readings] == sorted(
        (r.read_on for r in day_readings), reverse=True
    )

    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        screen = await open_places(pilot, FLAT)
        assert app.focused is not None and app.focused.id == "places"
        await pilot.press("enter")  # the place: on to its registers
        assert app.focused.id == "registers"
        await pilot.press("enter")  # the first register: day
        await wait_for(pilot, lambda: history_loaded(pilot, page))
        history = app.screen
        assert isinstance(history, ReadingHistory)
        assert history.register.id == day.id
        rows = table_rows(history.query_one("#readings", DataTable))
        assert rows == expected_history_rows(day_readings, day, page)
        assert f"{page} newest readings shown" in text_of(pilot, "#history-status")

        await pilot.press("m")  # older readings, from the server
        await wait_for(pilot, lambda: history_loaded(pilot, len(day_readings)))
        rows = table_rows(history.query_one("#readings", DataTable))
        assert rows == expected_history_rows(day_readings, day, len(day_readings))
        assert f"All {len(day_readings)} readings shown" in text_of(pilot, "#history-status")
        assert not history.query_one("#more").display

        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("down", "h")  # the second register: night
        await wait_for(pilot, lambda: history_loaded(pilot, page))
        assert isinstance(app.screen, ReadingHistory)
        assert app.screen.register.id == night.id
        rows = table_rows(app.screen.query_one("#readings", DataTable))
        assert rows == expected_history_rows(night_readings, night, page)


async def test_a_register_is_chosen_with_the_mouse(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await overview_shown(pilot)
        screen = await open_places(pilot, FLAT)
        night = screen.register_rows[1][1]
        # Row 2 of the table (under the header): a click chooses it, a second click opens it.
        await pilot.click("#registers", offset=(2, 2))
        await pilot.click("#registers", offset=(2, 2))
        await wait_for(pilot, lambda: history_loaded(pilot, 1))
        assert isinstance(app.screen, ReadingHistory)
        assert app.screen.register.id == night.id
        await pilot.click("#close")
        await wait_for(pilot, lambda: app.screen is screen)


async def test_switching_account_shows_the_cottages_smart_meter(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    client = await live_server.login("maria")
    (place,) = await client.places(COTTAGE)
    (meter,) = await client.meters(COTTAGE)
    await client.aclose()
    assert meter.smart

    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        screen = await open_places(pilot, FLAT)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountSwitcher))
        options = app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count == 2)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: places_loaded(pilot, COTTAGE))
        assert app.screen is screen
        assert screen.query_one("#meters-panel").border_title == f"Meters: {place.address.street}"
        assert f"Meter {meter.serial_number}: smart" in text_of(pilot, "#meters-text")
        rows = table_rows(screen.query_one("#registers", DataTable))
        assert [(r[1], r[2]) for r in rows] == [(r.code, r.kind.value) for r in meter.registers]
        assert "export" in {r[2] for r in rows}
        assert {r[5] for r in rows} == {"remote"}


async def test_switching_account_from_a_history_closes_it(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    """A history belongs to a register of the account that was in view."""
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        screen = await open_places(pilot, FLAT)
        await pilot.press("h")
        await wait_for(pilot, lambda: history_loaded(pilot, 1))
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountSwitcher))
        options = app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count == 2)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: places_loaded(pilot, COTTAGE))
        assert app.screen is screen
        assert "Meter LGZ" in text_of(pilot, "#meters-text")


async def test_a_failed_page_keeps_the_readings_shown(
    stoppable_server: StoppableServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(stoppable_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        screen = await open_places(pilot, FLAT)
        screen.query_one("#registers", DataTable).focus()
        await pilot.press("h")
        page = ReadingHistory.PAGE_SIZE
        await wait_for(pilot, lambda: history_loaded(pilot, page))
        history = app.screen
        assert isinstance(history, ReadingHistory)
        stoppable_server.stop()
        await pilot.press("m")
        await wait_for(
            pilot, lambda: "Cannot reach the server" in text_of(pilot, "#history-status")
        )
        assert history.query_one("#readings", DataTable).row_count == page
        assert str(history.query_one("#more", Button).label) == "Try again"
