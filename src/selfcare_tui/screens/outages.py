"""Outages and works: interruptions at the account's places, reporting an outage, the reports.

Works are listed in the server's order (in progress now, then upcoming, then ended ones when
asked for), each with its window and the customer's places it touches. Whether a work is in
progress is read against this machine's clock, as the API does not say. A report is made in
a dialog that asks the server first whether one is allowed (S0). Works announced in any
other grid area are one lookup away in the public list.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, DataTable, Input, Label, Static

from selfcare_tui.api import models
from selfcare_tui.api.errors import SelfcareError
from selfcare_tui.core.failures import describe
from selfcare_tui.core.labels import label
from selfcare_tui.core.loaders.outages import OutagesData, load_outages
from selfcare_tui.i18n import _, format_datetime
from selfcare_tui.session import Session
from selfcare_tui.widgets.toggles import MarkedCheckbox

from .base import AccountScreen
from .outage_report import Draft, OutageReportDialog, address_line


def now() -> dt.datetime:
    """This machine's clock, which says whether a work is in progress (tests set it)."""
    return dt.datetime.now(dt.UTC)


def phase(work: models.Work, at: dt.datetime) -> str:
    """Where a work stands at `at`, in words that do not need colour to be read."""
    if work.ends_at <= at:
        return _("Ended")
    if work.starts_at <= at:
        return _("In progress now")
    return _("Upcoming")


def touched(work: models.Work, places: list[models.Place]) -> list[models.Place]:
    """The customer's places the work touches: those the server names, else those in its area."""
    named = [p for p in places if p.id in work.place_ids]
    return named or [p for p in places if p.area == work.area]


def work_text(work: models.Work, places: list[models.Place], at: dt.datetime) -> Text:
    text = Text()
    text.append(f"[{phase(work, at)}]", style="bold reverse")
    text.append(" ")
    text.append(
        _("{kind} work {id} · grid area {area}").format(
            kind=label(work.kind).capitalize(), id=work.id, area=work.area
        ),
        style="bold",
    )
    text.append(
        "\n  "
        + _("{start} to {end}").format(
            start=format_datetime(work.starts_at), end=format_datetime(work.ends_at)
        )
    )
    text.append("\n  " + work.description)
    mine = touched(work, places)
    if mine:
        text.append(
            "\n  "
            + _("Your places: {places}").format(places="; ".join(address_line(p) for p in mine))
        )
    return text


def works_text(works: list[models.Work], places: list[models.Place], at: dt.datetime) -> Text:
    return Text("\n").join(work_text(w, places, at) for w in works)


class OutagesScreen(AccountScreen[OutagesData]):
    """Works at the top, then the reports with the way to make one, then any other area."""

    section = "outages"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "report", _("Report an outage")),
    ]

    CSS_PATH = "outages.tcss"

    def __init__(
        self, session: Session, account: models.AccountSummary | None, me: models.Me
    ) -> None:
        super().__init__(session, account, me)
        self.data: OutagesData | None = None
        self.draft: Draft | None = None
        """What was typed in the report dialog and not sent yet, for its account."""

    def compose_body(self) -> ComposeResult:
        with Vertical(id="works-panel", classes="panel") as panel:
            panel.border_title = _("Works at your places")
            yield Static("", id="works", markup=False)
            yield MarkedCheckbox(_("Show ended works too"), False, id="include-past", compact=True)
        with Vertical(id="reports-panel", classes="panel") as panel:
            panel.border_title = _("Your outage reports")
            yield Static("", id="report-note", markup=False)
            yield DataTable[str](id="reports", cursor_type="row", zebra_stripes=True)
            yield Static("", id="reports-empty", markup=False)
            with Horizontal(id="report-actions"):
                yield Button(_("Report an outage (n)"), id="report", variant="primary")
                yield Static("", id="report-hint", markup=False)
        with Vertical(id="area-panel", classes="panel") as panel:
            panel.border_title = _("Works in another grid area")
            with Horizontal(id="area-row"):
                yield Label(_("Grid area"))
                yield Input(
                    id="area",
                    placeholder=_("such as {area}").format(area="AREA-TALLINN-1"),
                    compact=True,
                )
                yield Button(_("Look up"), id="area-lookup", compact=True)
            yield Static("", id="area-works", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#reports", DataTable)
        table.add_columns(_("Reference"), _("Place"), _("Status"), _("Reported"))
        super().on_mount()

    # --- loading ----------------------------------------------------------------------

    async def fetch(self, number: str) -> OutagesData:
        include_past = self.query_one("#include-past", Checkbox).value
        return await load_outages(self.session.client, number, include_past=include_past)

    def show(self, data: OutagesData) -> None:
        if self.data is not None and self.data.number != data.number:
            self._note("")
        self.data = data
        if data.works:
            self.query_one("#works", Static).update(works_text(data.works, data.places, now()))
        else:
            self.query_one("#works", Static).update(
                _("No works at your places, ended or announced.")
                if self.query_one("#include-past", Checkbox).value
                else _("No works at your places now or announced.")
            )
        self._show_reports(data)
        self._show_report_action(data)

    def _show_reports(self, data: OutagesData) -> None:
        table = self.query_one("#reports", DataTable)
        table.clear()
        where = {p.id: address_line(p) for p in data.places}
        for report in data.reports:
            table.add_row(
                report.reference,
                where.get(report.place_id, report.place_id),
                label(report.status),
                format_datetime(report.created_at),
                key=report.reference,
            )
        table.display = bool(data.reports)
        empty = self.query_one("#reports-empty", Static)
        empty.update(_("You have made no outage reports for this account."))
        empty.display = not data.reports

    def _show_report_action(self, data: OutagesData) -> None:
        hint = ""
        if self.account is not None and models.Scope.requests not in self.account.scopes:
            hint = _("Your mandate on this account does not include reporting outages.")
        elif not data.places:
            hint = _("This account has no places to report an outage for.")
        self.query_one("#report", Button).disabled = bool(hint)
        self.query_one("#report-hint", Static).update(hint)

    @on(Checkbox.Changed, "#include-past")
    def _include_past(self) -> None:
        self.action_reload()

    # --- reporting --------------------------------------------------------------------

    @on(Button.Pressed, "#report")
    def action_report(self) -> None:
        data = self.data
        if data is None or self.query_one("#report", Button).disabled:
            return
        if self.draft is None or self.draft.number != data.number:
            self.draft = Draft(data.number)
        dialog = OutageReportDialog(self.session, data.places, self.draft)
        self.app.push_screen(dialog, self._reported)

    def _reported(self, report: models.OutageReport | None) -> None:
        if report is None:
            return
        self.draft = None
        places = self.data.places if self.data is not None else []
        where = next((address_line(p) for p in places if p.id == report.place_id), report.place_id)
        self._note(
            _("Outage reported under {reference} for {place}; quote it if you call us.").format(
                reference=report.reference, place=where
            )
        )
        self.notify(
            _("Reported under {reference}.").format(reference=report.reference),
            title=_("Outage reported"),
        )
        self.action_reload()

    def _note(self, text: str) -> None:
        note = self.query_one("#report-note", Static)
        note.update(text)
        note.set_class(bool(text), "-shown")

    # --- another area -----------------------------------------------------------------

    @on(Input.Submitted, "#area")
    @on(Button.Pressed, "#area-lookup")
    def _look_up(self) -> None:
        area = self.query_one("#area", Input).value.strip()
        if not area:
            self.query_one("#area-works", Static).update(
                _("Type a grid area, such as the one the places screen shows for a place.")
            )
            return
        self._public_works(area)

    @work(exclusive=True, group="area")
    async def _public_works(self, area: str) -> None:
        target = self.query_one("#area-works", Static)
        target.update(_("Looking up works in {area}…").format(area=area))
        try:
            found = [w async for w in self.session.client.iter_public_works(area=area)]
        except SelfcareError as exc:
            target.update(describe(exc, self.session.server))
            return
        if not found:
            target.update(_("No works now or announced in {area}.").format(area=area))
            return
        places = self.data.places if self.data is not None else []
        target.update(works_text(found, places, now()))
