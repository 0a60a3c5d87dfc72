"""The overview of the account in view: money, invoice, readings, notices, works, usage.

Everything is fetched in one worker, section by section, so a section the login may not see
(a mandate without that scope) says so in its panel while the rest still shows. A lost
connection replaces the panels with a message and a retry.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from selfcare_tui.api import models
from selfcare_tui.api.errors import ApiError, ConnectionFailed, SelfcareError, TokenRejected
from selfcare_tui.i18n import (
    _,
    format_date,
    format_datetime,
    format_kwh,
    format_money,
)
from selfcare_tui.session import Session
from selfcare_tui.widgets.banner import AccountBanner
from selfcare_tui.widgets.chart import ConsumptionChart

from .messages import describe

T = TypeVar("T")
_OPEN_REQUESTS = (models.RequestStatus.submitted, models.RequestStatus.in_progress)


async def _section(call: Awaitable[T]) -> T | ApiError:
    """A refusal of one section is shown in its panel; anything else stops the whole load."""
    try:
        return await call
    except TokenRejected:
        raise
    except ApiError as exc:
        return exc


@dataclass
class OverviewData:
    account: models.Account
    window: models.ReadingWindow | ApiError
    open_invoices: list[models.Invoice] | ApiError
    latest: list[models.Invoice] | ApiError
    notices: list[models.Notice] | ApiError
    works: list[models.Work] | ApiError
    consumption: models.ConsumptionSeries | ApiError
    requests: list[models.Request] | ApiError
    reports: list[models.OutageReport] | ApiError


async def load_overview(session: Session, number: str) -> OverviewData:
    client = session.client

    async def invoices(status: models.InvoiceStatus | None, limit: int) -> list[models.Invoice]:
        return (await client.invoices_page(number, status=status, limit=limit)).items

    async def notices() -> list[models.Notice]:
        return [n async for n in client.iter_notices(number, status=models.NoticeStatus.open)]

    async def requests() -> list[models.Request]:
        return [r async for r in client.iter_requests(number) if r.status in _OPEN_REQUESTS]

    async def reports() -> list[models.OutageReport]:
        return [
            r
            async for r in client.iter_outage_reports(number)
            if r.status is not models.OutageReportStatus.resolved
        ]

    account = await client.account(number)
    results = await asyncio.gather(
        _section(client.reading_window(number)),
        _section(invoices(models.InvoiceStatus.open, 50)),
        _section(invoices(None, 1)),
        _section(notices()),
        _section(client.works(number)),
        _section(client.consumption(number)),
        _section(requests()),
        _section(reports()),
    )
    return OverviewData(account, *results)  # type: ignore[arg-type]


def _refused(value: object) -> str | None:
    return describe(value) if isinstance(value, ApiError) else None


class OverviewScreen(Screen[None]):
    """Shows one account; `show_account` reloads it for another."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("r", "reload", _("Refresh"))]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012

    DEFAULT_CSS = """
    #overview { height: 1fr; }
    #panels { grid-size: 1; grid-gutter: 0 1; height: auto; grid-rows: auto; }
    OverviewScreen.-wide #panels { grid-size: 2; }
    .panel {
        border: round $primary-darken-2;
        border-title-color: $text;
        height: auto;
        padding: 0 1;
    }
    #usage-panel { column-span: 1; }
    OverviewScreen.-wide #usage-panel { column-span: 2; }
    #problem { display: none; height: auto; padding: 1 2; border: round $error; }
    #problem.-shown { display: block; }
    #problem Button { margin-top: 1; }
    #no-account { padding: 1 2; }
    """

    def __init__(
        self, session: Session, account: models.AccountSummary | None, me: models.Me
    ) -> None:
        super().__init__()
        self._session = session
        self._account = account
        self._me = me

    def compose(self) -> ComposeResult:
        yield Header()
        yield AccountBanner(self._account)
        with Vertical(id="problem"):
            yield Static("", id="problem-text", markup=False)
            yield Button(_("Retry"), id="retry", variant="primary")
        with VerticalScroll(id="overview"), Grid(id="panels"):
            for panel, title in (
                ("money", _("Balance and what is due")),
                ("invoice", _("Current invoice")),
                ("window", _("Reading window")),
                ("notices", _("Open notices")),
                ("works", _("Planned works at your places")),
                ("open", _("Open requests and outage reports")),
            ):
                static = Static("", id=panel, classes="panel", markup=False)
                static.border_title = title
                yield static
            with Vertical(id="usage-panel", classes="panel") as usage:
                usage.border_title = _("Consumption, last 12 months")
                yield ConsumptionChart(id="chart")
        yield Footer()

    def on_mount(self) -> None:
        self.show_account(self._account)

    def show_account(self, account: models.AccountSummary | None) -> None:
        """Show another account (the switcher calls this), reloading every section."""
        self._account = account
        self.query_one(AccountBanner).show_account(account)
        if account is None:
            self.sub_title = ""
            self._problem(
                _("No account in view. Press ctrl+o to choose or search an account."),
                retry=False,
            )
            return
        self.sub_title = f"{account.number} · {account.name}"
        self.action_reload()

    def action_reload(self) -> None:
        if self._account is not None:
            self._load(self._account.number)

    @on(Button.Pressed, "#retry")
    def _retry(self) -> None:
        self.action_reload()

    def _problem(self, message: str | None, *, retry: bool = True) -> None:
        problem = self.query_one("#problem")
        problem.set_class(message is not None, "-shown")
        self.query_one("#overview").display = message is None
        self.query_one("#retry").display = retry
        if message is not None:
            self.query_one("#problem-text", Static).update(message)
            if retry:
                self.query_one("#retry").focus()

    @work(exclusive=True, group="overview")
    async def _load(self, number: str) -> None:
        panels = self.query_one("#overview")
        panels.loading = True
        try:
            data = await load_overview(self._session, number)
        except ConnectionFailed:
            self._problem(
                _(
                    "The connection to the server at {server} was lost. "
                    "Check your connection and retry (r)."
                ).format(server=self._session.server)
            )
            return
        except SelfcareError as exc:
            self._problem(describe(exc, self._session.server))
            return
        finally:
            panels.loading = False
        self._problem(None)
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
        self.query_one(f"#{panel}", Static).update(text)

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
            return _("Open now, until {day}: submit your readings.").format(
                day=format_date(window.closes_on)
            )
        return _("Opens on {opens}, closes on {closes}.").format(
            opens=format_date(window.opens_on), closes=format_date(window.closes_on)
        )

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
                _("Request {subject}: {status}").format(subject=r.subject, status=r.status.value)
                for r in data.requests
            ]
        if isinstance(data.reports, ApiError):
            lines.append(describe(data.reports))
        else:
            lines += [
                _("Outage report {reference}: {status}").format(
                    reference=r.reference, status=r.status.value
                )
                for r in data.reports
            ]
        return "\n".join(lines) or _("Nothing open.")
