"""The invoices screen against the real server, driven with keys as a user would: filters
compared with what the API returns for the same filter, server paging, the detail against the
API's invoice, the PDF read back, and paying through the simulated payment processor."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import httpx
import pypdf
import pytest
from rich.console import Console
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Select, Static

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.core.loaders.invoices import PAGE_SIZE
from selfcare_tui.core.qr import qr_text
from selfcare_tui.i18n import format_date, format_kwh, format_money
from selfcare_tui.screens.invoice_detail import InvoiceDetail
from selfcare_tui.screens.invoices import InvoicesScreen
from selfcare_tui.screens.pay import PayDialog
from selfcare_tui.screens.switcher import AccountSwitcher

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import NOW, LiveServer
from ..support.readings_scenarios import plausible, submission
from ..support.tui_helpers import overview_shown, ready_app, wait_for

pytestmark = pytest.mark.anyio

FLAT, COTTAGE, ACME = "1000000001", "1000000002", "2000000001"


@pytest.fixture
def downloads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """platformdirs takes XDG_DOWNLOAD_DIR on Linux; without a display nothing is opened."""
    folder = tmp_path / "Downloads"
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(folder))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    return folder


def invoices_screen(pilot: Pilot[None]) -> InvoicesScreen:
    screen = pilot.app.screen
    assert isinstance(screen, InvoicesScreen)
    return screen


def loaded(pilot: Pilot[None], account: str | None = None) -> bool:
    screen = pilot.app.screen
    return (
        isinstance(screen, InvoicesScreen)
        and screen.pages_loaded > 0
        and not screen.query_one("#body").loading
        and (account is None or account in (screen.sub_title or ""))
    )


async def open_invoices(pilot: Pilot[None], account: str | None = None) -> InvoicesScreen:
    await pilot.press("g", "i")
    await wait_for(pilot, lambda: loaded(pilot, account))
    return invoices_screen(pilot)


def table(pilot: Pilot[None]) -> DataTable[object]:
    return pilot.app.screen.query_one("#invoices", DataTable)


def shown(pilot: Pilot[None]) -> list[str]:
    """Invoice numbers in the order the table shows them."""
    rows = table(pilot)
    return [str(rows.get_row_at(i)[1]) for i in range(rows.row_count)]


def cells(pilot: Pilot[None], number: str) -> list[str]:
    return [str(c) for c in table(pilot).get_row(number)]


def text(pilot: Pilot[None], selector: str) -> str:
    """What a Static shows, as plain text (also for rich tables)."""
    content = pilot.app.screen.query_one(selector, Static).content
    if isinstance(content, str):
        return content
    if isinstance(content, Text):
        return content.plain
    console = Console(file=io.StringIO(), width=200, record=True, color_system=None)
    console.print(content)
    return console.export_text()


async def api_numbers(client: SelfcareClient, number: str, **filters: object) -> list[str]:
    return [i.number async for i in client.iter_invoices(number, **filters)]  # type: ignore[arg-type]


async def type_into(pilot: Pilot[None], selector: str, value: str) -> None:
    """Clear the field and type, as a user would (home, then delete to the end)."""
    pilot.app.screen.query_one(selector, Input).focus()
    await pilot.press("home", "ctrl+k", *value)


async def choose(pilot: Pilot[None], selector: str, steps: int) -> None:
    """Open a select with enter and move `steps` down (up when negative) from the current."""
    pilot.app.screen.query_one(selector, Select).focus()
    await pilot.press("enter")
    await pilot.press(*["down" if steps > 0 else "up"] * abs(steps), "enter")


# --- dates as typed -------------------------------------------------------------------------


# --- the list -------------------------------------------------------------------------------


async def test_filters_show_what_the_api_returns_for_them(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    client = await live_server.login("maria")
    app = await ready_app(live_server.base_url)
    async with client, app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        screen = await open_invoices(pilot, FLAT)
        everything = await api_numbers(client, FLAT)
        assert shown(pilot) == everything  # 36: one page, newest first

        # A period, typed as the locale shows dates and as ISO
        await type_into(pilot, "#since", "5 Jan 2026")
        await type_into(pilot, "#until", "2026-06-30")
        await pilot.press("enter")
        since, until = dt.date(2026, 1, 5), dt.date(2026, 6, 30)
        period = await api_numbers(client, FLAT, since=since, until=until)
        await wait_for(pilot, lambda: loaded(pilot) and shown(pilot) == period)
        assert len(period) == 6

        # and a status
        await choose(pilot, "#status", 2)  # all -> open -> paid
        paid = await api_numbers(
            client, FLAT, since=since, until=until, status=models.InvoiceStatus.paid
        )
        await wait_for(pilot, lambda: screen.filters.status is models.InvoiceStatus.paid)
        await wait_for(pilot, lambda: loaded(pilot) and shown(pilot) == paid)
        await choose(pilot, "#status", 1)  # paid -> replaced: none in this period
        await wait_for(pilot, lambda: loaded(pilot) and table(pilot).row_count == 0)
        assert "No invoices match" in text(pilot, "#invoices-summary")
        await choose(pilot, "#status", -3)  # back up to all
        await wait_for(pilot, lambda: loaded(pilot) and shown(pilot) == period)

        # A date that is not one: the field is named, what was typed stays, the list too
        await type_into(pilot, "#since", "31 Feb 2026")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Issued from" in text(pilot, "#filter-error"))
        assert "31 Feb 2026" in text(pilot, "#filter-error")
        assert "2026-01-31" in text(pilot, "#filter-error")  # what is allowed
        assert screen.query_one("#since", Input).value == "31 Feb 2026"
        assert screen.query_one("#since", Input).has_class("-invalid")
        assert app.focused is screen.query_one("#since", Input)
        assert shown(pilot) == period and screen.filters.since == since

        # From after to
        await type_into(pilot, "#since", "2026-07-01")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "is after Issued to" in text(pilot, "#filter-error"))
        assert screen.query_one("#since", Input).value == "2026-07-01"
        assert shown(pilot) == period

        # Put right, the message goes and the list follows
        await type_into(pilot, "#since", "")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not screen.query_one("#filter-error").display)
        up_to = await api_numbers(client, FLAT, until=until)
        await wait_for(pilot, lambda: loaded(pilot) and shown(pilot) == up_to)

        # Another account while a filter is not right: its list, on the filters last applied
        await type_into(pilot, "#since", "soon")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "“soon” is not a date" in text(pilot, "#filter-error"))
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountSwitcher))
        options = app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count >= 2)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        options.highlighted = next(i for i, p in enumerate(prompts) if COTTAGE in p)
        await pilot.press("enter")
        cottage = await api_numbers(client, COTTAGE, until=until)
        await wait_for(pilot, lambda: loaded(pilot, COTTAGE) and shown(pilot) == cottage)
        assert screen.query_one("#since", Input).value == "soon"
        assert "“soon” is not a date" in text(pilot, "#filter-error")


async def test_the_list_is_paged_by_the_server(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    client = await live_server.login("acme")
    app = await ready_app(live_server.base_url, "acme")
    async with client, app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        screen = await open_invoices(pilot, ACME)
        first = await client.invoices_page(ACME, limit=PAGE_SIZE)
        assert first.next_cursor is not None  # the API has more than one page
        assert table(pilot).row_count == PAGE_SIZE
        assert shown(pilot) == [i.number for i in first.items]
        assert screen.pages_loaded == 1
        assert "more" in text(pilot, "#invoices-summary")

        invoices = [i async for i in client.iter_invoices(ACME)]
        everything = [i.number for i in invoices]
        assert len(everything) > 3 * PAGE_SIZE

        # The more key
        await pilot.press("m")
        await wait_for(pilot, lambda: table(pilot).row_count == 2 * PAGE_SIZE)
        assert shown(pilot) == everything[: 2 * PAGE_SIZE]

        # Moving to the last row
        await pilot.press("ctrl+end")
        await wait_for(pilot, lambda: table(pilot).row_count == 3 * PAGE_SIZE)
        assert shown(pilot) == everything[: 3 * PAGE_SIZE]

        # Scrolling to the end, as the mouse wheel does
        await pilot.pause()
        table(pilot).scroll_end(animate=False)
        await wait_for(pilot, lambda: table(pilot).row_count == 4 * PAGE_SIZE)
        assert shown(pilot) == everything[: 4 * PAGE_SIZE]
        assert screen.pages_loaded == 4

        # The current invoices (issued last, one per place) are marked by a symbol
        newest = invoices[0].issued_on
        current = [n for n in shown(pilot) if cells(pilot, n)[0].startswith("●")]
        assert current == [i.number for i in invoices[: 4 * PAGE_SIZE] if i.issued_on == newest]
        assert 1 < len(current) < table(pilot).row_count

        # A filter starts again from the first page: one place's invoices, all in one page
        places = await client.places(ACME)
        await choose(pilot, "#place", 2)  # all places -> first -> second
        place = await api_numbers(client, ACME, place_id=places[1].id)
        await wait_for(pilot, lambda: loaded(pilot) and shown(pilot) == place)
        assert screen.pages_loaded == 1 and screen.next_cursor is None


# --- detail and PDF -------------------------------------------------------------------------


async def test_the_detail_shows_the_api_invoice_and_saves_its_pdf(
    live_server: LiveServer, memory_keyring: MemoryKeyring, downloads: Path
) -> None:
    client = await live_server.login("maria")
    app = await ready_app(live_server.base_url)
    async with client, app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await open_invoices(pilot, FLAT)
        number = shown(pilot)[0]
        invoice = await client.invoice(FLAT, number)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InvoiceDetail))
        detail = app.screen
        assert isinstance(detail, InvoiceDetail)
        assert number in str(detail.query_one("#detail-box").border_title)
        facts = text(pilot, "#detail-facts")
        for expected in (
            "open",
            format_date(invoice.period_start),
            format_date(invoice.period_end),
            format_date(invoice.issued_on),
            format_date(invoice.due_on),
            format_kwh(invoice.kwh),
            format_money(invoice.amount),
            format_money(invoice.balance),
            "estimated readings",
            invoice.payment_reference,
            invoice.correspondence_address.street,
            invoice.correspondence_address.city,
        ):
            assert expected in facts, expected
        lines = text(pilot, "#detail-lines")
        for line in invoice.lines:
            assert line.description in lines and format_money(line.amount) in lines
        assert format_money(invoice.tax_amount) in lines and "VAT 22%" in lines

        await pilot.press("d")
        await wait_for(pilot, lambda: "Saved to" in text(pilot, "#detail-message"))
        path = downloads / f"{FLAT}_{number}_{invoice.issued_on.isoformat()}.pdf"
        message = text(pilot, "#detail-message")
        assert str(path) in message
        assert "no viewer" in message  # no display: nothing was opened
        assert detail.saved_to == path
        pdf = "".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
        assert number in pdf
        assert f"{invoice.amount.amount:.2f}" in pdf
        assert [p.name for p in downloads.iterdir()] == [path.name]  # no partial file left

        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, InvoicesScreen))


# --- paying ---------------------------------------------------------------------------------


async def test_paying_through_the_processor_shows_the_invoice_paid(
    live_server: LiveServer, memory_keyring: MemoryKeyring, downloads: Path
) -> None:
    client = await live_server.login("maria")
    app = await ready_app(live_server.base_url)
    async with client, app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await open_invoices(pilot, FLAT)
        number = shown(pilot)[0]
        owed = await client.invoice(FLAT, number)
        assert owed.status is models.InvoiceStatus.open
        await pilot.press("p")  # the highlighted invoice: the current, open one
        await wait_for(pilot, lambda: isinstance(app.screen, PayDialog))
        dialog = app.screen
        assert isinstance(dialog, PayDialog)
        await wait_for(pilot, lambda: "/processor/checkout/" in text(pilot, "#pay-link"))
        link = text(pilot, "#pay-link")
        assert text(pilot, "#pay-qr") == qr_text(link)  # the same link for a phone
        assert "No browser here" in text(pilot, "#pay-opened")
        assert format_money(owed.balance) in text(pilot, "#pay-title")
        assert "waiting for payment" in text(pilot, "#pay-status")

        # The phone: the processor's page, then its Pay button
        async with httpx.AsyncClient() as phone:
            page = await phone.get(link)
            assert page.status_code == 200 and number in page.text
            token = httpx.URL(link).params["token"]
            done = await phone.post(
                link.split("?")[0], data={"token": token, "action": "pay", "card": "4242"}
            )
            assert "Payment received" in done.text

        await wait_for(pilot, lambda: "Paid" in text(pilot, "#pay-status"))
        assert format_money(owed.balance) in text(pilot, "#pay-status")
        assert not dialog.query_one("#pay-qr").display  # a spent link is not offered again
        assert (await client.invoice(FLAT, number)).status is models.InvoiceStatus.paid

        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, InvoicesScreen))
        await wait_for(pilot, lambda: loaded(pilot) and "paid" in cells(pilot, number)[3])
        assert "€0.00" in cells(pilot, number)[5]


async def test_marked_invoices_are_paid_together(
    live_server: LiveServer, memory_keyring: MemoryKeyring, downloads: Path
) -> None:
    client = await live_server.login("acme")
    app = await ready_app(live_server.base_url, "acme")
    async with client, app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await open_invoices(pilot, ACME)
        first, second = shown(pilot)[:2]
        await pilot.press("space", "down", "space")
        assert cells(pilot, first)[0].endswith("✓") and cells(pilot, second)[0].endswith("✓")
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PayDialog))
        await wait_for(pilot, lambda: "/processor/checkout/" in text(pilot, "#pay-link"))
        title = text(pilot, "#pay-title")
        assert first in title and second in title
        balances = [(await client.invoice(ACME, n)).balance.amount for n in (first, second)]
        assert format_money(models.Money(amount=sum(balances, Decimal(0)))) in title

        link = text(pilot, "#pay-link")
        async with httpx.AsyncClient() as phone:
            token = httpx.URL(link).params["token"]
            await phone.post(link.split("?")[0], data={"token": token, "action": "cancel"})
        await wait_for(pilot, lambda: "cancelled" in text(pilot, "#pay-status"))
        for n in (first, second):
            assert (await client.invoice(ACME, n)).status is models.InvoiceStatus.open


async def test_a_mandate_without_pay_gets_the_servers_refusal(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url, "jaan")
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountSwitcher))
        options = app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count >= 2)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        options.highlighted = next(i for i, p in enumerate(prompts) if FLAT in p)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.account is not None and app.account.number == FLAT)
        assert app.account is not None and models.Scope.pay not in app.account.scopes
        await open_invoices(pilot, FLAT)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PayDialog))
        await wait_for(pilot, lambda: "Not allowed" in text(pilot, "#pay-status"))
        assert "'pay'" in text(pilot, "#pay-status")  # the server's own words
        assert not app.screen.query_one("#pay-qr").display
        assert not app.screen.query_one("#pay-retry").display  # a refusal is not retried
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, InvoicesScreen))


async def test_an_estimate_leads_to_the_invoice_that_replaced_it(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    client = await live_server.login("maria")
    async with client:
        estimate = (await client.invoices_page(FLAT, limit=1)).items[0]
        assert estimate.estimated and estimate.status is models.InvoiceStatus.open
        meter = (await client.meters(FLAT))[0]
        day, night = await plausible(client, meter)
        receipt = await client.submit_readings(
            FLAT, submission(meter, NOW.date(), day, night, order_bill=True)
        )
        actual = receipt.ordered_invoice
        assert actual is not None
        assert (await client.invoice(FLAT, estimate.number)).replaced_by == actual.number

    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await open_invoices(pilot, FLAT)
        assert shown(pilot)[:2] == [actual.number, estimate.number]
        assert cells(pilot, actual.number)[0].startswith("●")  # the current one now
        assert not cells(pilot, estimate.number)[0].startswith("●")
        assert cells(pilot, estimate.number)[3] == "replaced*"

        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InvoiceDetail))
        first = app.screen
        await wait_for(
            pilot, lambda: f"replaced by invoice {actual.number}" in text(pilot, "#detail-facts")
        )
        assert "replaced" in text(pilot, "#detail-facts")
        assert not first.query_one("#detail-pay").display  # nothing is owed on it

        await pilot.press("o")
        await wait_for(
            pilot, lambda: isinstance(app.screen, InvoiceDetail) and app.screen is not first
        )
        await wait_for(pilot, lambda: "actual meter readings" in text(pilot, "#detail-facts"))
        assert actual.number in str(app.screen.query_one("#detail-box").border_title)
        assert format_money(actual.amount) in text(pilot, "#detail-facts")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is first)
