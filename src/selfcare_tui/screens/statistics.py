"""Statistics: invoiced and paid per year and per month, kWh billed, notices.

Only the chosen year and the two before it are loaded, with the API's date filters, so an
account with thousands of invoices costs no more than three years of them. The years offered
are found by asking for the newest invoice before each year found, one small request per year
with invoices. Charts draw each series with its own character and name, so they read the same
without colour; the tables below them give the exact figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, Select, Static

from selfcare_tui.api import models
from selfcare_tui.core import statistics
from selfcare_tui.core.loaders.statistics import (
    StatisticsData,
    load_statistics,
)
from selfcare_tui.i18n import _, format_kwh, format_money, format_month, format_number, ngettext
from selfcare_tui.session import Session
from selfcare_tui.widgets import bars
from selfcare_tui.widgets.statistics.bar_chart import Bar, BarChart, BarGroup

from .base import AccountScreen

T = TypeVar("T")
INVOICED_BAR, PAID_BAR, KWH_BAR = bars.FULL, bars.SHADED, "■"


# --- loading -------------------------------------------------------------------------------


# --- the screen ----------------------------------------------------------------------------


def _money(amount: Decimal, currency: str) -> str:
    return format_money(models.Money(amount=amount, currency=currency))


def money_groups(rows: Sequence[tuple[str, statistics.Totals]], currency: str) -> list[BarGroup]:
    return [
        BarGroup(
            label,
            (
                Bar(_("invoiced"), t.invoiced, _money(t.invoiced, currency), INVOICED_BAR),
                Bar(_("paid"), t.paid, _money(t.paid, currency), PAID_BAR),
            ),
        )
        for label, t in rows
    ]


def kwh_groups(rows: Sequence[tuple[str, statistics.Totals]]) -> list[BarGroup]:
    return [
        BarGroup(label, (Bar(_("billed"), t.kwh, format_kwh(t.kwh), KWH_BAR),)) for label, t in rows
    ]


def notices_text(totals: statistics.Totals) -> str:
    return _("{reminders} reminders, {warnings} disconnection warnings").format(
        reminders=totals.reminders, warnings=totals.warnings
    )


class StatisticsScreen(AccountScreen[StatisticsData]):
    """Choose the year (the list, or [ and ]); the figures follow."""

    section = "statistics"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "earlier", _("Earlier year"), key_display="["),
        Binding("right_square_bracket", "later", _("Later year"), key_display="]"),
    ]

    CSS_PATH = "statistics.tcss"

    def __init__(
        self, session: Session, account: models.AccountSummary | None, me: models.Me
    ) -> None:
        super().__init__(session, account, me)
        self.year: int | None = None
        """The chosen year; None for the newest with data."""
        self.years: list[int] = []
        self.stats: statistics.Statistics | None = None
        self._shown_for: str | None = None

    def compose_body(self) -> ComposeResult:
        nothing = _("Nothing to show.")
        with Horizontal(id="year-row"):
            yield Label(_("Year"))
            yield Select[int]([], id="year", allow_blank=True, compact=True, prompt="–")
            yield Static(
                _("[ earlier · ] later year"),
                id="year-hint",
                markup=False,
            )
        yield Static("", id="summary", markup=False)
        with Vertical(id="years-panel", classes="panel") as panel:
            panel.border_title = _("Year by year")
            yield Static(_("Invoiced and paid"), classes="chart-title", markup=False)
            yield BarChart(empty=nothing, id="years-money")
            yield Static(_("Energy billed"), classes="chart-title", markup=False)
            yield BarChart(empty=nothing, id="years-kwh")
            yield DataTable[str](id="years-table", cursor_type="row", zebra_stripes=True)
        with Vertical(id="months-panel", classes="panel") as panel:
            panel.border_title = _("Month by month")
            yield Static(_("Invoiced and paid"), classes="chart-title", markup=False)
            yield BarChart(empty=nothing, id="months-money")
            yield Static(_("Energy billed"), classes="chart-title", markup=False)
            yield BarChart(empty=nothing, id="months-kwh")
            yield DataTable[str](id="months-table", cursor_type="row", zebra_stripes=True)
        yield Static(
            _(
                "Invoices count in the month they were issued, payments in the month they "
                "were paid, notices in the month they were sent. Estimated invoices that a "
                "bill on an actual reading replaced are left out."
            ),
            id="rules",
            markup=False,
        )

    def on_mount(self) -> None:
        for table_id, first in (("#years-table", _("Year")), ("#months-table", _("Month"))):
            table = self.query_one(table_id, DataTable)
            table.add_column(first, key="period")
            table.add_column(_("Invoiced"), key="invoiced")
            table.add_column(_("Paid"), key="paid")
            table.add_column(_("kWh"), key="kwh")
            table.add_column(_("Reminders"), key="reminders")
            table.add_column(_("Disconnection warnings"), key="warnings")
        super().on_mount()

    # --- loading ---------------------------------------------------------------------------

    async def fetch(self, number: str) -> StatisticsData:
        wanted = self.year if self._shown_for == number else None
        return await load_statistics(self.session.client, number, wanted)

    def show(self, data: StatisticsData) -> None:
        self._shown_for = self.account.number if self.account is not None else None
        self.years = data.years
        self.stats = data.stats
        self.year = data.stats.year if data.stats is not None else None
        select = self.query_one("#year", Select)
        with select.prevent(Select.Changed):
            select.set_options((str(y), y) for y in data.years)
            if self.year is not None:
                select.value = self.year
        if data.stats is None:
            self.query_one("#summary", Static).update(
                _("No invoices or payments on this account yet.")
            )
            self._fill(None)
            return
        self.query_one("#summary", Static).update(self._summary(data.stats))
        self._fill(data.stats)

    # --- choosing the year -------------------------------------------------------------------

    @on(Select.Changed, "#year")
    def _year_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, int) and event.value != self.year:
            self._choose(event.value)

    def action_earlier(self) -> None:
        self._step(+1)

    def action_later(self) -> None:
        self._step(-1)

    def _step(self, offset: int) -> None:
        """Years are newest first, so an earlier year is further down the list."""
        if self.year not in self.years:
            return
        index = self.years.index(self.year) + offset
        if 0 <= index < len(self.years):
            self._choose(self.years[index])
        else:
            self.notify(
                _("No earlier year has data.") if offset > 0 else _("No later year has data."),
                severity="information",
            )

    def _choose(self, year: int) -> None:
        self.year = year
        self.action_reload()

    # --- showing ---------------------------------------------------------------------------

    def _summary(self, stats: statistics.Statistics) -> str:
        total = stats.total
        lines = [
            _(
                "{year}: invoiced {invoiced} in {invoices} for {kwh}; paid {paid} in {payments}."
            ).format(
                year=stats.year,
                invoiced=_money(total.invoiced, stats.currency),
                invoices=ngettext("{n} invoice", "{n} invoices", total.invoices).format(
                    n=total.invoices
                ),
                kwh=format_kwh(total.kwh),
                paid=_money(total.paid, stats.currency),
                payments=ngettext("{n} payment", "{n} payments", total.payments).format(
                    n=total.payments
                ),
            ),
            _("Notices: {notices}.").format(notices=notices_text(total)),
        ]
        if stats.replaced:
            lines.append(
                ngettext(
                    "{n} replaced estimate left out.",
                    "{n} replaced estimates left out.",
                    stats.replaced,
                ).format(n=stats.replaced)
            )
        if stats.other_currency:
            lines.append(
                _("{n} items in another currency than {currency} left out.").format(
                    n=stats.other_currency, currency=stats.currency
                )
            )
        return "\n".join(lines)

    def _fill(self, stats: statistics.Statistics | None) -> None:
        years = list(stats.years.items()) if stats is not None else []
        months = list(stats.months.items()) if stats is not None else []
        currency = stats.currency if stats is not None else "EUR"
        year_rows = [(str(y), t) for y, t in reversed(years)]
        month_rows = [(format_month(m), t) for m, t in months]
        self.query_one("#years-money", BarChart).set_groups(money_groups(year_rows, currency))
        self.query_one("#years-kwh", BarChart).set_groups(kwh_groups(year_rows))
        self.query_one("#months-money", BarChart).set_groups(money_groups(month_rows, currency))
        self.query_one("#months-kwh", BarChart).set_groups(kwh_groups(month_rows))
        self._table("#years-table", year_rows, currency)
        self._table("#months-table", month_rows, currency)
        if stats is not None:
            self.query_one("#months-panel").border_title = _("Month by month, {year}").format(
                year=stats.year
            )
            self.query_one("#years-panel").border_title = _("Year by year, {first}–{last}").format(
                first=min(stats.years), last=stats.year
            )

    def _table(
        self, selector: str, rows: Sequence[tuple[str, statistics.Totals]], currency: str
    ) -> None:
        table = self.query_one(selector, DataTable)
        table.clear()
        for label, t in rows:
            table.add_row(
                label,
                _money(t.invoiced, currency),
                _money(t.paid, currency),
                format_number(t.kwh, 1),
                str(t.reminders),
                str(t.warnings),
                key=label,
            )
