"""The overview of the account in view: money, invoice, readings, notices, works, usage.

Everything is fetched in one worker, section by section, so a section the login may not see
(a mandate without that scope) says so in its panel while the rest still shows. A lost
connection replaces the panels with a message and a retry.
"""

from __future__ import annotations

from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid

from selfcare_tui.api import models
from selfcare_tui.api.errors import ApiError
from selfcare_tui.core.failures import describe
from selfcare_tui.core.labels import label
from selfcare_tui.core.loaders.overview import OverviewData, load_overview
from selfcare_tui.i18n import (
    _,
    format_date,
    format_datetime,
    format_kwh,
    format_money,
    ngettext,
)
from selfcare_tui.widgets.chart import ConsumptionChart
from selfcare_tui.widgets.link_panel import LinkBox, LinkPanel, SectionOpened

from .base import AccountScreen
from .sections import section_named

T = TypeVar("T")


def _linked(section: str) -> str | None:
    """Only sections that exist are links: no item leads nowhere."""
    return section if section_named(section) is not None else None


class OverviewScreen(AccountScreen[OverviewData]):
    """Each panel leads to its section: tab to it and press enter, or click it."""

    section = "overview"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012

    CSS_PATH = "overview.tcss"

    def compose_body(self) -> ComposeResult:
        with Grid(id="panels"):
            for panel, section, title in (
                ("money", "invoices", _("Balance and what is due")),
                ("invoice", "invoices", _("Current invoice")),
                ("window", "readings", _("Reading window")),
                ("notices", "payments", _("Open notices")),
                ("works", "outages", _("Planned works at your places")),
                ("open", "requests", _("Open requests and outage reports")),
            ):
                yield LinkPanel(_linked(section), title, id=panel)
            with LinkBox(
                _linked("consumption"), _("Consumption, last 12 months"), id="usage-panel"
            ):
                yield ConsumptionChart(id="chart")

    async def fetch(self, number: str) -> OverviewData:
        return await load_overview(self.session.client, number)

    @on(SectionOpened)
    def _open_section(self, event: SectionOpened) -> None:
        event.stop()
        go = getattr(self.app, "go", None)
        if callable(go):
            go(event.section)

    def show(self, data: OverviewData) -> None:
        self._show_data(data)

    def _show_data(self, data: OverviewData) -> None:
        self._set_panel("money", self._money(data))
        self._set_panel("invoice", self._invoice(data))
        self._set_panel("window", self._window(data))
        self._set_panel("notices", self._notices(data))
        self._set_panel("works", self._works(data))
        self._set_panel("open", self._open(data))
        chart = self.query_one(ConsumptionChart)
        if isinstance(data.consumption, ApiError):
            chart.set_months([])
            self.query_one("#usage-panel").border_subtitle = describe(data.consumption)
        else:
            chart.set_months(data.consumption.months[-12:])
            self.query_one("#usage-panel").border_subtitle = ""

    def _set_panel(self, panel: str, text: str) -> None:
        self.query_one(f"#{panel}", LinkPanel).update(text)

    @staticmethod
    def _money(data: OverviewData) -> str:
        lines = [_("Balance: {amount}").format(amount=format_money(data.account.balance))]
        invoices = data.open_invoices
        if isinstance(invoices, ApiError):
            return "\n".join([*lines, describe(invoices)])
        if not invoices:
            return "\n".join([*lines, _("Nothing is due.")])
        nearest = min(invoices, key=lambda i: i.due_on)
        lines.append(
            _("Next due: {amount} by {day}").format(
                amount=format_money(nearest.balance), day=format_date(nearest.due_on)
            )
        )
        if len(invoices) > 1:
            total = sum((i.balance.amount for i in invoices), start=nearest.balance.amount * 0)
            lines.append(
                _("Open invoices: {count}, {amount} in all").format(
                    count=len(invoices),
                    amount=format_money(
                        models.Money(amount=total, currency=nearest.balance.currency)
                    ),
                )
            )
        return "\n".join(lines)

    @staticmethod
    def _invoice(data: OverviewData) -> str:
        if isinstance(data.latest, ApiError):
            return describe(data.latest)
        if not data.latest:
            return _("No invoices yet.")
        invoice = data.latest[0]
        kind = _("estimated") if invoice.estimated else _("on actual readings")
        return "\n".join(
            [
                _("{number}, {start} – {end}").format(
                    number=invoice.number,
                    start=format_date(invoice.period_start),
                    end=format_date(invoice.period_end),
                ),
                _("{amount} for {kwh} ({kind})").format(
                    amount=format_money(invoice.amount), kwh=format_kwh(invoice.kwh), kind=kind
                ),
                _("Due {day}; open {balance}").format(
                    day=format_date(invoice.due_on), balance=format_money(invoice.balance)
                ),
            ]
        )

    @staticmethod
    def _window(data: OverviewData) -> str:
        window = data.window
        if isinstance(window, ApiError):
            return describe(window)
        if window.is_open:
            text = _("Open now, until {day}: submit your readings.").format(
                day=format_date(window.closes_on)
            )
        else:
            text = _("Opens on {opens}, closes on {closes}.").format(
                opens=format_date(window.opens_on), closes=format_date(window.closes_on)
            )
        if window.missed_meters and window.last_opened_on and window.last_closed_on:
            reminder = ngettext(
                "No reading of meter {meters} reached us in the last window ({first} – {last}), "
                "so that bill was estimated.",
                "No reading of meters {meters} reached us in the last window ({first} – {last}), "
                "so those bills were estimated.",
                len(window.missed_meters),
            ).format(
                meters=", ".join(window.missed_meters),
                first=format_date(window.last_opened_on),
                last=format_date(window.last_closed_on),
            )
            text = "\n".join([_("Reminder: {text}").format(text=text), reminder])
        return text

    @staticmethod
    def _notices(data: OverviewData) -> str:
        if isinstance(data.notices, ApiError):
            return describe(data.notices)
        if not data.notices:
            return _("No open notices.")
        kinds = {
            models.NoticeKind.reminder: _("Payment reminder"),
            models.NoticeKind.disconnection_warning: _("Disconnection warning"),
        }
        return "\n".join(
            _("{kind} {number}: {amount} by {day}").format(
                kind=kinds[n.kind],
                number=n.number,
                amount=format_money(n.amount),
                day=format_date(n.deadline),
            )
            for n in data.notices
        )

    @staticmethod
    def _works(data: OverviewData) -> str:
        if isinstance(data.works, ApiError):
            return describe(data.works)
        if not data.works:
            return _("No works planned at your places.")
        kinds = {models.WorkKind.planned: _("Planned"), models.WorkKind.accidental: _("Accident")}
        return "\n".join(
            _("{kind}: {description}\n  {start} – {end}").format(
                kind=kinds[w.kind],
                description=w.description,
                start=format_datetime(w.starts_at),
                end=format_datetime(w.ends_at),
            )
            for w in data.works
        )

    @staticmethod
    def _open(data: OverviewData) -> str:
        lines: list[str] = []
        if isinstance(data.requests, ApiError):
            lines.append(describe(data.requests))
        else:
            lines += [
                _("Request {subject}: {status}").format(subject=r.subject, status=label(r.status))
                for r in data.requests
            ]
        if isinstance(data.reports, ApiError):
            lines.append(describe(data.reports))
        else:
            lines += [
                _("Outage report {reference}: {status}").format(
                    reference=r.reference, status=label(r.status)
                )
                for r in data.reports
            ]
        return "\n".join(lines) or _("Nothing open.")
