"""Payments, notices and statistics in the terminal app, against the real reference server.

Reached with the keys a user presses (`g p`, `g s`); what the screens show is compared with
what the API says, and the statistics with sums worked out here from the API's own lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

from selfcare_tui.api import models
from selfcare_tui.core.labels import label
from selfcare_tui.core.loaders.payments import PAGE_SIZE
from selfcare_tui.i18n import format_date, format_money, format_month, format_number
from selfcare_tui.screens.payments import PaymentsScreen
from selfcare_tui.screens.statistics import StatisticsScreen
from selfcare_tui.widgets.bars import draw_bar
from selfcare_tui.widgets.statistics.bar_chart import BarChart

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import (
    StoppableServer,
    overview_shown,
    ready_app,
    text_of,
    wait_for,
)
from ..support.tui_payments import (
    COTTAGE,
    FLAT,
    open_payments,
    search,
    statistics_loaded,
    switch_to_cottage,
)

pytestmark = pytest.mark.anyio

D = Decimal


# --- helpers -------------------------------------------------------------------------------


def rows(pilot: Pilot[None], selector: str) -> list[list[str]]:
    table = pilot.app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def focus(pilot: Pilot[None], widget_id: str) -> None:
    """Tab through the screen as a user would until the widget has the focus."""
    for _ in range(12):
        if pilot.app.focused is not None and pilot.app.focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"tab never reached #{widget_id}")


def payment_row(payment: models.Payment) -> list[str]:
    return [
        format_date(payment.paid_on),
        format_money(payment.amount),
        label(payment.method),
        payment.reference,
        ", ".join(s.invoice_number for s in payment.settled),
    ]


def euros(amounts: Iterable[Decimal]) -> str:
    return format_money(models.Money(amount=sum(amounts, D(0))))


# --- payments ------------------------------------------------------------------------------


async def test_payments_match_the_api_and_more_come_on_request(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    client = await live_server.login("maria")
    async with client:
        expected = [p async for p in client.iter_payments(FLAT)]
    assert len(expected) > PAGE_SIZE  # the flat has more than one page
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        screen = await open_payments(pilot)
        assert rows(pilot, "#payments") == [payment_row(p) for p in expected[:PAGE_SIZE]]
        assert rows(pilot, "#payments")[0] == [
            "19 Oct 2026",
            "€38.95",
            "bank transfer",
            "1000000355",
            "INV100000035",
        ]
        assert screen.query_one("#more-payments").display
        await pilot.press("m")
        await wait_for(pilot, lambda: len(screen.payments) == len(expected))
        assert rows(pilot, "#payments") == [payment_row(p) for p in expected]
        assert not screen.query_one("#more-payments").display
        # The payment made late for two invoices shows both, with what each got.
        together = next(p for p in expected if len(p.settled) == 2)
        index = expected.index(together)
        table = screen.query_one("#payments", DataTable)
        assert app.focused is table
        await pilot.press(*["down"] * index)
        detail = text_of(pilot, "#payment-detail")
        assert "€79.88 by bank transfer, reference 1000000313" in detail
        assert "INV100000030 €41.41; INV100000031 €38.47" in detail


async def test_has_my_payment_arrived(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    client = await live_server.login("maria")
    async with client:
        together = [p async for p in client.iter_payments(FLAT, reference="1000000313")]
        last = await client.invoice(FLAT, "INV100000031")
    assert [p.amount.amount for p in together] == [D("79.88")]
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await open_payments(pilot)
        answer = await search(pilot, "1000 0003 13")  # grouped as printed: spaces ignored
        assert "Yes: a payment with reference 1000000313 has arrived." in answer
        assert "23 Jun 2026: €79.88 by bank transfer." in answer
        assert "settled INV100000030 for 1 Apr 2026 – 30 Apr 2026: €41.41" in answer
        assert "settled INV100000031 for 1 May 2026 – 31 May 2026: €38.47" in answer
        assert f"up to {format_date(last.period_end)}." in answer
        assert last.period_end == dt.date(2026, 5, 31)

        answer = await search(pilot, "1234561")
        assert answer == "No payment with reference 1234561 has arrived yet."
        # The open invoice's reference: not paid, so nothing has arrived.
        answer = await search(pilot, "1000000368")
        assert answer == "No payment with reference 1000000368 has arrived yet."
        # A typo breaks the check digit, and the answer says so.
        answer = await search(pilot, "1000000314")
        assert answer.startswith("No payment with reference 1000000314 has arrived yet.")
        assert "may be mistyped" in answer

        field = app.screen.query_one("#reference", Input)
        field.clear()
        await pilot.press("enter")
        assert "Enter the payment reference" in text_of(pilot, "#search-result")
        await pilot.press(*"INV-1", "enter")
        assert "is not a payment reference" in text_of(pilot, "#search-result")
        assert "such as 1234561" in text_of(pilot, "#search-result")
        assert field.value == "INV-1"  # what was typed stays
        assert app.focused is field


async def test_a_lost_connection_keeps_the_reference(
    stoppable_server: StoppableServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(stoppable_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await open_payments(pilot)
        stoppable_server.stop()
        answer = await search(pilot, "1000000313")
        assert "Cannot reach the server" in answer
        assert app.screen.query_one("#reference", Input).value == "1000000313"
        assert isinstance(app.screen, PaymentsScreen)


# --- notices -------------------------------------------------------------------------------


async def test_notices_and_their_pdf(
    live_server: LiveServer,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    downloads = tmp_path / "downloads"
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(downloads))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    client = await live_server.login("maria")
    async with client:
        notices = [n async for n in client.iter_notices(COTTAGE)]
    assert [n.number for n in notices] == ["NT000000001", "NT000000002"]
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await switch_to_cottage(pilot)
        await open_payments(pilot, COTTAGE)
        assert rows(pilot, "#notices") == [
            [
                n.number,
                label(n.kind),
                format_date(n.deadline),
                format_money(n.amount),
                label(n.status),
                ", ".join(n.invoice_numbers),
            ]
            for n in notices
        ]
        assert rows(pilot, "#notices")[0] == [
            "NT000000001",
            "payment reminder",
            "11 Dec 2026",
            "€8.87",
            "open",
            "INV100000071",
        ]
        await focus(pilot, "notices")
        assert "sent on 20 Nov 2026" in text_of(pilot, "#notice-detail")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Saved to" in text_of(pilot, "#notices-status"))
        saved = downloads / "1000000002_NT000000001_2026-11-20.pdf"
        status = text_of(pilot, "#notices-status")
        assert str(saved) in status
        assert "no desktop" in status  # no display here: the path is what the user gets
        text = "".join(page.extract_text() for page in PdfReader(saved).pages)
        assert "NT000000001" in text
        assert "INV100000071" in text

        await pilot.press("down", "d")
        older = downloads / "1000000002_NT000000002_2026-01-01.pdf"
        await wait_for(pilot, lambda: str(older) in text_of(pilot, "#notices-status"))
        assert "NT000000002" in "".join(p.extract_text() for p in PdfReader(older).pages)
        assert sorted(p.name for p in downloads.iterdir()) == [saved.name, older.name]


async def test_an_account_without_notices_says_so(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        screen = await open_payments(pilot)
        assert rows(pilot, "#notices") == []
        assert "No payment reminders" in text_of(pilot, "#notice-detail")
        assert not screen.query_one("#download").display
        await pilot.press("d")
        assert "no notice to save" in text_of(pilot, "#notices-status")


# --- statistics ----------------------------------------------------------------------------


def hand_totals(
    invoices: list[models.Invoice],
    payments: list[models.Payment],
    notices: list[models.Notice],
    year: int,
    month: int | None = None,
) -> list[str]:
    """A table row worked out here: the invoices issued, the payments made, the notices sent in
    that year (and month); replaced estimates left out."""

    def within(day: dt.date) -> bool:
        return day.year == year and (month is None or day.month == month)

    billed = [i for i in invoices if within(i.issued_on) and i.status != "replaced"]
    reminders = [n for n in notices if within(n.issued_on) and n.kind == "reminder"]
    warnings = [n for n in notices if within(n.issued_on) and n.kind != "reminder"]
    return [
        str(year) if month is None else format_month(f"{year}-{month:02d}"),
        euros(i.amount.amount for i in billed),
        euros(p.amount.amount for p in payments if within(p.paid_on)),
        format_number(sum((i.kwh for i in billed), D(0)), 1),
        str(len(reminders)),
        str(len(warnings)),
    ]


async def test_statistics_of_a_year_match_the_api(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    client = await live_server.login("maria")
    async with client:
        invoices = [i async for i in client.iter_invoices(FLAT)]
        payments = [p async for p in client.iter_payments(FLAT)]
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await pilot.press("g", "s")
        await wait_for(pilot, lambda: statistics_loaded(pilot, FLAT, 2026))
        months = rows(pilot, "#months-table")
        assert months == [hand_totals(invoices, payments, [], 2026, m) for m in range(1, 13)]
        years = rows(pilot, "#years-table")
        assert years == [hand_totals(invoices, payments, [], y) for y in (2026, 2025, 2024)]
        assert years[0][:3] == ["2026", "€484.50", "€437.92"]
        # June: one payment settled April's and May's invoices together.
        assert months[5][:3] == ["Jun 2026", "€38.47", "€79.88"]
        summary = text_of(pilot, "#summary")
        assert "invoiced €484.50 in 11 invoices" in summary
        assert "paid €437.92 in 9 payments" in summary
        chart = app.screen.query_one("#months-money", BarChart).render_text(76).plain
        june = chart.splitlines()[10:12]
        assert june[0].startswith("Jun 2026  invoiced █") and june[0].endswith("€38.47")
        assert june[1].startswith("          paid     ▒") and june[1].endswith("€79.88")

        await pilot.press("left_square_bracket")  # an earlier year
        await wait_for(pilot, lambda: statistics_loaded(pilot, FLAT, 2025))
        assert rows(pilot, "#years-table") == [
            hand_totals(invoices, payments, [], y) for y in (2025, 2024, 2023)
        ]
        assert rows(pilot, "#months-table")[0][0] == "Jan 2025"
        assert app.screen.query_one("#year", Select).value == 2025
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: statistics_loaded(pilot, FLAT, 2026))


async def test_statistics_count_notices_and_credits(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    client = await live_server.login("maria")
    async with client:
        invoices = [i async for i in client.iter_invoices(COTTAGE)]
        payments = [p async for p in client.iter_payments(COTTAGE)]
        notices = [n async for n in client.iter_notices(COTTAGE)]
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await switch_to_cottage(pilot)
        await pilot.press("g", "s")
        await wait_for(pilot, lambda: statistics_loaded(pilot, COTTAGE, 2026))
        months = rows(pilot, "#months-table")
        assert months == [hand_totals(invoices, payments, notices, 2026, m) for m in range(1, 13)]
        assert [m[4] for m in months] == ["1"] + ["0"] * 9 + ["1", "0"]  # January, November
        assert rows(pilot, "#years-table")[0][4:] == ["2", "0"]
        assert "Notices: 2 reminders, 0 disconnection warnings." in text_of(pilot, "#summary")
        # June's invoice was a credit (solar export): its bar grows left of the zero line.
        assert months[5][1] == "-€10.86"
        chart = app.screen.query_one("#months-money", BarChart).render_text(76).plain
        june = chart.splitlines()[10]
        assert "█│" in june and june.endswith("-€10.86")


def test_bars_grow_both_ways_from_zero() -> None:
    assert draw_bar(D(5), D(0), D(10), 10, "█") == "█████     "
    assert draw_bar(D(-5), D(-10), D(10), 20, "▒") == "     ▒▒▒▒▒│         "
    assert draw_bar(D("0.01"), D(0), D(100), 10, "█") == "█         "  # never invisible
    assert draw_bar(D(0), D(0), D(0), 4, "█") == "    "


async def test_only_years_with_data_are_offered(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    """Jaan's account began a year ago: no empty year is offered or compared."""
    client = await live_server.login("jaan")
    async with client:
        issued = sorted({i.issued_on.year async for i in client.iter_invoices("1000000003")})
    assert issued == [2025, 2026]
    app = await ready_app(live_server.base_url, "jaan")
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await pilot.press("g", "s")
        await wait_for(pilot, lambda: statistics_loaded(pilot, "1000000003", 2026))
        screen = app.screen
        assert isinstance(screen, StatisticsScreen)
        assert screen.years == [2026, 2025]
        assert [r[0] for r in rows(pilot, "#years-table")] == ["2026", "2025"]
        await focus(pilot, "year")  # the year list: enter opens it, enter chooses
        await pilot.press("enter", "down", "enter")
        await wait_for(pilot, lambda: statistics_loaded(pilot, "1000000003", 2025))
        assert [r[0] for r in rows(pilot, "#years-table")] == ["2025"]
        await pilot.press("left_square_bracket")  # nothing before 2025
        await pilot.pause(0.1)
        assert screen.stats is not None and screen.stats.year == 2025
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: statistics_loaded(pilot, "1000000003", 2026))
        assert app.screen.query_one("#year", Select).value == 2026
