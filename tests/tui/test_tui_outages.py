"""Outages and works: the works the API lists, filing a report, and S0's three refusals.

Against the real reference server (frozen at NOW); the screen reads whether a work is in
progress from this machine's clock, which the tests set to the server's.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, OptionList, Select, Static, TextArea

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.i18n import format_datetime
from selfcare_tui.screens import outages
from selfcare_tui.screens.outage_report import OutageReportDialog
from selfcare_tui.screens.outages import OutagesScreen
from selfcare_tui.screens.switcher import AccountSwitcher

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import NOW, LiveServer
from ..support.tui_helpers import overview_shown, ready_app, text_of, wait_for

pytestmark = pytest.mark.anyio

FLAT, JAAN, BUSINESS = "1000000001", "1000000003", "2000000001"


@pytest.fixture(autouse=True)
def server_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The app's clock agrees with the server's frozen one, as real clocks do."""
    monkeypatch.setattr(outages, "now", lambda: NOW)
    yield


def outages_loaded(pilot: Pilot[None], account: str) -> bool:
    screen = pilot.app.screen
    return (
        isinstance(screen, OutagesScreen)
        and screen.data is not None
        and screen.data.number == account
        and not screen.query_one("#body").loading
    )


async def open_outages(pilot: Pilot[None], account: str) -> OutagesScreen:
    await overview_shown(pilot)
    await pilot.press("g", "w")
    await wait_for(pilot, lambda: outages_loaded(pilot, account))
    screen = pilot.app.screen
    assert isinstance(screen, OutagesScreen)
    return screen


async def open_report(pilot: Pilot[None]) -> OutageReportDialog:
    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, OutageReportDialog))
    dialog = pilot.app.screen
    assert isinstance(dialog, OutageReportDialog)
    return dialog


async def choose_place(pilot: Pilot[None], dialog: OutageReportDialog, place: models.Place) -> None:
    """As a user: open the list on the focused chooser, type the street, enter. An account
    with one place has it chosen already."""
    chooser = dialog.query_one("#place", Select)
    if len(dialog.places) > 1:
        assert chooser.value is Select.NULL
        await wait_for(pilot, lambda: chooser.has_focus)
        await pilot.press("enter", *place.address.street, "enter")
    await wait_for(pilot, lambda: chooser.value == place.id)
    await wait_for(pilot, lambda: verdict_shown(text_of(pilot, "#eligibility")))


def verdict_shown(text: str) -> bool:
    return text.startswith(("A report can be made", "No outage report can be made"))


def form_shown(dialog: OutageReportDialog) -> bool:
    return dialog.query_one("#report-form").display and dialog.query_one("#report-form").has_class(
        "-shown"
    )


async def type_into(pilot: Pilot[None], selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector).focus()
    await pilot.press(*text)


def table_rows(table: DataTable[str]) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def reports_of(client: SelfcareClient, number: str) -> list[models.OutageReport]:
    return [r async for r in client.iter_outage_reports(number)]


async def test_works_are_the_apis_with_the_one_in_progress_first(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    client = await live_server.login("acme")
    async with client:
        places = await client.places(BUSINESS)
        works = await client.works(BUSINESS)
        with_past = await client.works(BUSINESS, include_past=True)
    assert works[0].starts_at <= NOW < works[0].ends_at, "the demo has a work in progress"
    assert len(with_past) > len(works), "the demo has an ended work"
    struck = [p for p in places if p.id in works[0].place_ids]
    assert struck

    app = await ready_app(live_server.base_url, "acme")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_outages(pilot, BUSINESS)
        assert screen.data is not None
        assert [w.id for w in screen.data.works] == [w.id for w in works]
        entries = text_of(pilot, "#works").split("\n[")
        assert len(entries) == len(works)
        first = entries[0]
        assert first.startswith(f"[In progress now] Accidental work {works[0].id}")
        assert f"{format_datetime(works[0].starts_at)} to {format_datetime(works[0].ends_at)}" in (
            first
        )
        assert works[0].description in first
        assert all(p.address.street in first for p in struck)
        for entry, listed in zip(entries[1:], works[1:], strict=True):
            assert entry.startswith(f"Upcoming] {listed.kind.value.capitalize()} work {listed.id}")

        await pilot.click("#include-past")
        await wait_for(
            pilot,
            lambda: (
                outages_loaded(pilot, BUSINESS)
                and screen.data is not None
                and len(screen.data.works) == len(with_past)
            ),
        )
        assert [w.id for w in screen.data.works] == [w.id for w in with_past]
        last = text_of(pilot, "#works").split("\n[")[-1]
        assert last.startswith(f"Ended] Planned work {with_past[-1].id}")


async def test_an_allowed_report_is_filed_and_listed(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    client = await live_server.login("maria")
    async with client:
        flat = (await client.places(FLAT))[0]
        before = await reports_of(client, FLAT)
        assert (await client.outage_eligibility(FLAT, flat.id)).allowed

        app = await ready_app(live_server.base_url, "maria")
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_outages(pilot, FLAT)
            dialog = await open_report(pilot)
            await choose_place(pilot, dialog, flat)
            assert form_shown(dialog)
            assert dialog.query_one("#description", TextArea).has_focus
            await pilot.press(*"No power since 8")
            await type_into(pilot, "#phone", "+372 5123 4567")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: pilot.app.screen is screen)
            await wait_for(pilot, lambda: outages_loaded(pilot, FLAT))
            note = text_of(pilot, "#report-note")
            assert note.startswith("Outage reported under OR")
            reference = note.split()[3]

            after = await reports_of(client, FLAT)
            (filed,) = [r for r in after if r.reference == reference]
            assert len(after) == len(before) + 1
            assert filed.place_id == flat.id
            assert filed.description == "No power since 8"
            assert filed.status is models.OutageReportStatus.open

            table = screen.query_one("#reports", DataTable)
            await wait_for(pilot, lambda: table.row_count == len(after))
            assert [str(c) for c in table.get_row(reference)] == [
                reference,
                f"{flat.address.street}, {flat.address.postal_code} {flat.address.city}",
                "open",
                format_datetime(filed.created_at),
            ]


async def refusal_cases(client: SelfcareClient) -> dict[str, tuple[models.Place, str]]:
    """The demo business's place for each refusal, and what its reason must name."""
    places = await client.places(BUSINESS)
    works = await client.works(BUSINESS)
    reports = await reports_of(client, BUSINESS)
    (disconnected,) = [p for p in places if p.state is models.PlaceState.disconnected]
    accident = works[0]
    struck = next(p for p in places if p.id in accident.place_ids)
    (open_report,) = [r for r in reports if r.status is models.OutageReportStatus.open]
    reported = next(p for p in places if p.id == open_report.place_id)
    return {
        "disconnected": (disconnected, "disconnected under its contract"),
        "work": (
            struck,
            f"Blocked by: accidental work {accident.id}, {format_datetime(accident.starts_at)} "
            f"to {format_datetime(accident.ends_at)}",
        ),
        "reported": (reported, f"Blocked by: outage report {open_report.reference} (open)"),
    }


@pytest.mark.parametrize("kind", ["disconnected", "work", "reported"])
async def test_a_refusal_says_why_instead_of_the_form(
    live_server: LiveServer, memory_keyring: MemoryKeyring, kind: str
) -> None:
    client = await live_server.login("acme")
    async with client:
        place, reason = (await refusal_cases(client))[kind]
        verdict = await client.outage_eligibility(BUSINESS, place.id)
    assert not verdict.allowed

    app = await ready_app(live_server.base_url, "acme")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_outages(pilot, BUSINESS)
        dialog = await open_report(pilot)
        await choose_place(pilot, dialog, place)
        text = text_of(pilot, "#eligibility")
        assert text.startswith("No outage report can be made for this place now.")
        assert reason in text
        assert dialog.query_one("#eligibility").has_class("-refused")
        assert not form_shown(dialog)
        assert dialog.query_one("#send", Button).disabled
        assert not dialog.query_one("#send", Button).display
        await pilot.press("ctrl+s")
        assert pilot.app.screen is dialog


async def test_an_invalid_phone_is_refused_beside_the_field_and_kept(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    client = await live_server.login("maria")
    async with client:
        flat = (await client.places(FLAT))[0]
        before = await reports_of(client, FLAT)
        app = await ready_app(live_server.base_url, "maria")
        async with app.run_test(size=(80, 24)) as pilot:
            await open_outages(pilot, FLAT)
            dialog = await open_report(pilot)
            await choose_place(pilot, dialog, flat)
            await pilot.press(*"Sparks at the fuse box")
            await type_into(pilot, "#phone", "call me at 5123")
            await pilot.click("#send")
            error = dialog.query_one("#phone-error", Static)
            await wait_for(pilot, lambda: error.has_class("-shown"))
            assert str(error.content).startswith("A phone number: 6 to 20 digits")
            assert not dialog.query_one("#description-error").has_class("-shown")
            assert "nothing was sent" in text_of(pilot, "#report-message")
            assert dialog.query_one("#phone", Input).value == "call me at 5123"
            assert dialog.query_one("#phone", Input).has_focus
            assert dialog.query_one("#description", TextArea).text == "Sparks at the fuse box"
            assert pilot.app.screen is dialog
            assert len(await reports_of(client, FLAT)) == len(before)

            await pilot.press("escape")  # the draft stays with the screen
            dialog = await open_report(pilot)
            await wait_for(pilot, lambda: form_shown(dialog))
            assert dialog.query_one("#phone", Input).value == "call me at 5123"
            assert dialog.query_one("#description", TextArea).text == "Sparks at the fuse box"


async def test_a_refusal_when_sending_keeps_the_form(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    """The server checks again on receipt: a report filed meanwhile (here through the API)
    refuses this one, with the earlier reference, and nothing typed is lost."""
    client = await live_server.login("maria")
    async with client:
        flat = (await client.places(FLAT))[0]
        app = await ready_app(live_server.base_url, "maria")
        async with app.run_test(size=(80, 24)) as pilot:
            await open_outages(pilot, FLAT)
            dialog = await open_report(pilot)
            await choose_place(pilot, dialog, flat)
            assert form_shown(dialog)
            await pilot.press(*"Lights out")
            earlier = await client.report_outage(
                FLAT, models.OutageReportCreate(place_id=flat.id, description="From my phone")
            )
            await pilot.press("ctrl+s")
            message = dialog.query_one("#report-message", Static)
            await wait_for(pilot, lambda: message.has_class("-error"))
            text = str(message.content)
            assert text.startswith("The server refused the report; nothing was filed.")
            assert f"outage report {earlier.reference} (open)" in text
            assert pilot.app.screen is dialog
            assert form_shown(dialog)
            assert dialog.query_one("#description", TextArea).text == "Lights out"
            assert [r.reference for r in await reports_of(client, FLAT)].count(
                earlier.reference
            ) == 1


async def test_a_mandate_without_requests_cannot_report(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    """Jaan may view Maria's flat but not make requests for it: the screen says so instead of
    offering a form the server would refuse; on his own account he may report."""
    app = await ready_app(live_server.base_url, "jaan")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_outages(pilot, JAAN)
        assert not screen.query_one("#report", Button).disabled
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountSwitcher))
        options = app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count >= 2)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        options.highlighted = next(i for i, p in enumerate(prompts) if FLAT in p)
        await pilot.press("enter")
        await wait_for(pilot, lambda: outages_loaded(pilot, FLAT))
        assert app.screen is screen
        assert screen.query_one("#report", Button).disabled
        assert text_of(pilot, "#report-hint") == (
            "Your mandate on this account does not include reporting outages."
        )
        await pilot.press("n")
        assert app.screen is screen


async def test_works_in_another_area_are_the_public_list(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async with live_server.client(retries=0) as anonymous:
        public = [w async for w in anonymous.iter_public_works(area="AREA-NARVA-4")]
    assert public, "the demo announces a work where no customer lives"

    app = await ready_app(live_server.base_url, "maria")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_outages(pilot, FLAT)
        await type_into(pilot, "#area", "AREA-NARVA-4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: public[0].id in text_of(pilot, "#area-works"))
        entries = text_of(pilot, "#area-works").split("\n[")
        assert len(entries) == len(public)
        for entry, listed in zip(entries, public, strict=True):
            assert listed.id in entry.split("\n")[0]
            assert listed.description in entry
            assert "Your places" not in entry

        await type_into(pilot, "#area", "-NONE")
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: (
                text_of(pilot, "#area-works") == "No works now or announced in AREA-NARVA-4-NONE."
            ),
        )
