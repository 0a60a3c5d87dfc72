"""Consumption: monthly use and export over any years, year on year, and a day's 15-minute
profile from a smart meter; both export to CSV and Green Button.

The whole monthly history of the place (or all places) in view is fetched once, because the
comparison with the year before needs months outside the range shown; choosing years then
needs no round trip. A day's profile is fetched on its own, in its own worker, so paging
through days leaves the monthly view as it is. Exports are written atomically into the
downloads folder under a name not yet taken, and the screen says where.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    Button,
    Input,
    Label,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from selfcare_tui.api import models
from selfcare_tui.api.errors import SelfcareError, TokenRejected
from selfcare_tui.core import exports
from selfcare_tui.core.dates import date_example, parse_date
from selfcare_tui.core.failures import describe
from selfcare_tui.core.loaders.consumption import ConsumptionData, load_consumption
from selfcare_tui.i18n import _, format_date, format_datetime, format_kwh, format_number
from selfcare_tui.session import Session
from selfcare_tui.widgets.loading import done_loading
from selfcare_tui.widgets.login_ended import LoginEnded
from selfcare_tui.widgets.monthly_bars import MonthlyBars, MonthRow, month_rows
from selfcare_tui.widgets.profile_chart import ProfileChart

from .base import AccountScreen

ALL_PLACES = "*"
MONTHS, PROFILE = "months", "profile"
CSV, GREEN_BUTTON = "csv", "green-button"


def last_day_with_data(until: dt.datetime | None) -> dt.date | None:
    """The last local day that has any remote-read data (`until` is where data ends)."""
    if until is None:
        return None
    return (until - dt.timedelta(microseconds=1)).astimezone().date()


def parse_day(text: str, meter: models.Meter, until: dt.datetime | None) -> dt.date | str:
    """The day typed, or why it cannot be shown (a message for the user)."""
    text = text.strip()
    day = parse_date(text)
    if day is None:
        example = last_day_with_data(until) or dt.date.today()
        return _("“{text}” is not a date: type it like {example}.").format(
            text=text, example=date_example(example)
        )
    return check_day(day, meter, until)


def check_day(day: dt.date, meter: models.Meter, until: dt.datetime | None) -> dt.date | str:
    last = last_day_with_data(until)
    if until is not None and last is not None and day > last:
        return _("15-minute data is in up to {when}: choose {day} or earlier.").format(
            when=format_datetime(until), day=format_date(last)
        )
    if day < meter.installed_on:
        return _("Meter {serial} was installed on {day}: choose that day or later.").format(
            serial=meter.serial_number, day=format_date(meter.installed_on)
        )
    return day


class ConsumptionScreen(AccountScreen[ConsumptionData]):
    """Tabs: months (years chosen with the selects or < >) and a day's profile ([ ] or type)."""

    section = "consumption"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "tab('months')", _("Months"), show=False),
        Binding("p", "tab('profile')", _("15-minute profile"), show=False),
        Binding("less_than_sign", "years(-1)", _("Earlier"), key_display="<"),
        Binding("greater_than_sign", "years(1)", _("Later"), key_display=">"),
        Binding("left_square_bracket", "day(-1)", _("Previous day"), key_display="["),
        Binding("right_square_bracket", "day(1)", _("Next day"), key_display="]"),
        Binding("e", "export('csv')", _("Export CSV")),
        Binding("b", "export('green-button')", _("Green Button")),
    ]

    CSS_PATH = "consumption.tcss"

    def __init__(
        self, session: Session, account: models.AccountSummary | None, me: models.Me
    ) -> None:
        super().__init__(session, account, me)
        self.data: ConsumptionData | None = None
        self.years: list[int] = []
        self.first_year: int | None = None
        self.last_year: int | None = None
        self.profile: models.IntervalSeries | None = None
        """The day in the profile tab, as the API gave it."""
        self._place: str | None = None
        self._smart: list[models.Meter] = []
        self._meter: models.Meter | None = None
        self._day: dt.date | None = None
        self._profile_of: tuple[str, str] | None = None
        """(account, meter) the chosen day belongs to; another meter starts at its last day."""

    # --- layout -------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="tabs", initial=MONTHS):
            with TabPane(_("Months"), id=MONTHS):
                with Horizontal(classes="controls"):
                    yield Label(_("Years"))
                    yield Select([("–", 0)], id="first-year", allow_blank=False, compact=True)
                    yield Label(_("to"))
                    yield Select([("–", 0)], id="last-year", allow_blank=False, compact=True)
                    yield Label(_("Place"), id="place-label")
                    yield Select(
                        [(_("All places"), ALL_PLACES)],
                        id="place",
                        allow_blank=False,
                        compact=True,
                    )
                yield Static("", id="months-note", classes="note", markup=False)
                yield MonthlyBars(id="bars")
                with Horizontal(classes="actions"):
                    yield Button(_("Export CSV (e)"), id="months-csv", compact=True)
                    yield Button(_("Export Green Button (b)"), id="months-gb", compact=True)
                yield Static("", id="months-saved", classes="message", markup=False)
            with TabPane(_("15-minute profile"), id=PROFILE):
                yield Static("", id="no-smart-meter", markup=False)
                with Vertical(id="profile-view"):
                    with Horizontal(classes="controls"):
                        yield Label(_("Day"))
                        yield Input(placeholder="YYYY-MM-DD", id="day", compact=True)
                        yield Button(
                            "◀", id="previous-day", compact=True, tooltip=_("Previous day ([)")
                        )
                        yield Button("▶", id="next-day", compact=True, tooltip=_("Next day (])"))
                        yield Label(_("Meter"), id="meter-label")
                        yield Select([("–", "")], id="meter", allow_blank=False, compact=True)
                    yield Static("", id="day-message", classes="message", markup=False)
                    yield Static("", id="profile-summary", markup=False)
                    yield ProfileChart(id="profile-chart")
                    with Horizontal(classes="actions"):
                        yield Button(_("Export CSV (e)"), id="profile-csv", compact=True)
                        yield Button(_("Export Green Button (b)"), id="profile-gb", compact=True)
                    yield Static("", id="profile-saved", classes="message", markup=False)

    # --- loading ------------------------------------------------------------------------

    async def fetch(self, number: str) -> ConsumptionData:
        return await load_consumption(self.session.client, number, self._place)

    def show(self, data: ConsumptionData) -> None:
        self.data = data
        self._place = data.place_id
        self._show_places(data)
        self.years = sorted({int(m.month[:4]) for m in data.series.months})
        if self.first_year not in self.years or self.last_year not in self.years:
            latest = self.years[-1] if self.years else None
            self.first_year = self.last_year = latest
        self._show_range()
        self._show_months()
        self._show_profile_setup(data)

    def _show_places(self, data: ConsumptionData) -> None:
        select: Select[str] = self.query_one("#place", Select)
        several = len(data.places) > 1
        select.display = several
        self.query_one("#place-label").display = several
        options = [(_("All places"), ALL_PLACES)] + [
            (f"{p.address.street}, {p.address.city}", p.id) for p in data.places
        ]
        with self.prevent(Select.Changed):
            select.set_options(options)
            select.value = data.place_id or ALL_PLACES

    def _show_range(self) -> None:
        options = [(str(year), year) for year in self.years] or [("–", 0)]
        for select_id, value in (("#first-year", self.first_year), ("#last-year", self.last_year)):
            select: Select[int] = self.query_one(select_id, Select)
            with self.prevent(Select.Changed):
                select.set_options(options)
                select.value = value or 0
            select.disabled = not self.years

    # --- months -------------------------------------------------------------------------

    @property
    def rows(self) -> list[MonthRow]:
        """The months shown, oldest first, each with the same month a year before."""
        if self.data is None or self.first_year is None or self.last_year is None:
            return []
        return month_rows(self.data.series.months, self.first_year, self.last_year)

    def _is_prosumer(self) -> bool:
        """Export has its column when there was any, or a meter in view can measure it."""
        data = self.data
        if data is None:
            return False
        meters = [m for m in data.meters if data.place_id in (None, m.place_id)]
        return any(m.export_kwh for m in data.series.months) or any(
            r.kind is models.RegisterKind.export for m in meters for r in m.registers
        )

    def _show_months(self) -> None:
        self.query_one(MonthlyBars).set_rows(self.rows, show_export=self._is_prosumer())
        self.query_one("#months-note", Static).update(self._months_note())

    def _months_note(self) -> str:
        if self.data is None:
            return ""
        lines = []
        until = self.data.series.data_available_until
        if until is not None:
            lines.append(
                _("Remote-read data is in up to {when}.").format(when=format_datetime(until))
            )
        if any(r.estimated for r in self.rows):
            lines.append(_("≈ and ▒: billed on an estimate, not on a reading."))
        if any(r.last_year_kwh is not None for r in self.rows):
            lines.append(_("A year's total is compared with the same months of the year before."))
        if self._is_prosumer():
            lines.append(_("Export is shown beside use, never subtracted from it."))
        return "\n".join(lines)

    @on(Select.Changed, "#first-year, #last-year")
    def _year_chosen(self, event: Select.Changed) -> None:
        value: object = event.value
        if not isinstance(value, int) or value not in self.years:
            return
        year: int = value
        if event.select.id == "first-year":
            self._set_range(year, max(self.last_year or year, year))
        else:
            self._set_range(min(self.first_year or year, year), year)

    def _set_range(self, first: int, last: int) -> None:
        self.first_year, self.last_year = first, last
        self._show_range()
        self._show_months()

    def action_years(self, step: int) -> None:
        if self.first_year is None or self.last_year is None or not self.years:
            return
        first, last = self.first_year + step, self.last_year + step
        if first < self.years[0] or last > self.years[-1]:
            self.app.bell()
            return
        self._set_range(first, last)

    @on(Select.Changed, "#place")
    def _place_chosen(self, event: Select.Changed) -> None:
        place = None if event.value == ALL_PLACES else str(event.value)
        if place != self._place:
            self._place = place
            self.action_reload()

    # --- the 15-minute profile ----------------------------------------------------------

    def _show_profile_setup(self, data: ConsumptionData) -> None:
        self._smart = [
            m
            for m in data.meters
            if m.smart
            and m.removed_on is None
            and (data.place_id is None or m.place_id == data.place_id)
        ]
        none = self.query_one("#no-smart-meter", Static)
        none.display = not self._smart
        none.update(
            _(
                "No smart meter here: 15-minute data comes only from remote-read meters. "
                "Monthly figures are in the Months tab."
            )
        )
        self.query_one("#profile-view").display = bool(self._smart)
        if not self._smart:
            self._meter = None
            self.profile = None
            self.refresh_bindings()
            return
        select: Select[str] = self.query_one("#meter", Select)
        with self.prevent(Select.Changed):
            select.set_options([(f"{m.serial_number} ({m.id})", m.id) for m in self._smart])
        several = len(self._smart) > 1
        select.display = several
        self.query_one("#meter-label").display = several
        meter = next((m for m in self._smart if self._meter and m.id == self._meter.id), None)
        self._choose_meter(meter or self._smart[0])

    def _choose_meter(self, meter: models.Meter) -> None:
        self._meter = meter
        with self.prevent(Select.Changed):
            self.query_one("#meter", Select).value = meter.id
        key = (self.account.number if self.account else "", meter.id)
        if self._profile_of != key or self._day is None:
            self._profile_of = key
            self._day = self._default_day()
        self.refresh_bindings()
        self._go_to_day(self._day)

    def _until(self) -> dt.datetime | None:
        if self.profile is not None and self._meter and self.profile.meter_id == self._meter.id:
            return self.profile.data_available_until or self._series_until()
        return self._series_until()

    def _series_until(self) -> dt.datetime | None:
        return self.data.series.data_available_until if self.data else None

    def _default_day(self) -> dt.date:
        """The last day with data: the most recent complete picture."""
        last = last_day_with_data(self._series_until())
        return last if last is not None else dt.date.today() - dt.timedelta(days=1)

    @on(Select.Changed, "#meter")
    def _meter_chosen(self, event: Select.Changed) -> None:
        meter = next((m for m in self._smart if m.id == event.value), None)
        if meter is not None and meter != self._meter:
            self._choose_meter(meter)

    @on(Input.Submitted, "#day")
    def _day_typed(self, event: Input.Submitted) -> None:
        if self._meter is None:
            return
        day = parse_day(event.value, self._meter, self._until())
        if isinstance(day, str):
            self._day_message(day, error=True)
            return
        self._go_to_day(day)

    @on(Button.Pressed, "#previous-day")
    def _previous_pressed(self) -> None:
        self.action_day(-1)

    @on(Button.Pressed, "#next-day")
    def _next_pressed(self) -> None:
        self.action_day(1)

    def action_day(self, step: int) -> None:
        if self._meter is None or self._day is None:
            return
        day = check_day(self._day + dt.timedelta(days=step), self._meter, self._until())
        if isinstance(day, str):
            self._day_message(day, error=True)
            return
        self._go_to_day(day)

    def _go_to_day(self, day: dt.date) -> None:
        self._day = day
        self.query_one("#day", Input).value = day.isoformat()
        self._day_message("")
        if self.account is not None and self._meter is not None:
            self._load_profile(self.account.number, self._meter, day)

    def _day_message(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#day-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    @work(exclusive=True, group="profile")
    async def _load_profile(self, number: str, meter: models.Meter, day: dt.date) -> None:
        view = self.query_one("#profile-chart")
        view.loading = True
        try:
            series = await self.session.client.intervals(number, meter.id, day)
        except TokenRejected as exc:
            self.post_message(LoginEnded(describe(exc)))
            return
        except SelfcareError as exc:
            self._day_message(self.failure_message(exc), error=True)
            return
        finally:
            done_loading(view)
        if self.account is None or self.account.number != number or self._meter != meter:
            return
        self.profile = series
        self.query_one(ProfileChart).set_points(
            series.points,
            show_export=any(r.kind is models.RegisterKind.export for r in meter.registers),
        )
        self.query_one("#profile-summary", Static).update(self._profile_summary(series, meter))

    def _profile_summary(self, series: models.IntervalSeries, meter: models.Meter) -> str:
        heading = _("Meter {serial}, {day}, every {minutes} minutes.").format(
            serial=meter.serial_number, day=format_date(series.day), minutes=series.interval_minutes
        )
        if not series.points:
            return heading + "\n" + _("No 15-minute data for this day.")
        used = sum((p.consumption_kwh for p in series.points), Decimal(0))
        exported = sum((p.export_kwh for p in series.points), Decimal(0))
        peak = max(series.points, key=lambda p: p.consumption_kwh)
        totals = _("Used {used}, fed into the grid {exported}.").format(
            used=format_kwh(used), exported=format_kwh(exported)
        )
        most = _("Most in one interval: {amount} kWh from {start}.").format(
            amount=format_number(peak.consumption_kwh, 3), start=format_datetime(peak.start)
        )
        return "\n".join([heading, f"{totals} {most}"])

    # --- tabs and keys ------------------------------------------------------------------

    def _tab(self) -> str:
        return self.query_one(TabbedContent).active

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted or not self.query("#tabs"):
            return True
        if action == "years":
            return self._tab() == MONTHS
        if action == "day":
            return self._tab() == PROFILE and self._meter is not None
        return True

    # --- exports ------------------------------------------------------------------------

    @on(Button.Pressed, "#months-csv, #profile-csv")
    def _csv_pressed(self) -> None:
        self.action_export(CSV)

    @on(Button.Pressed, "#months-gb, #profile-gb")
    def _green_button_pressed(self) -> None:
        self.action_export(GREEN_BUTTON)

    def action_export(self, kind: str) -> None:
        if self.account is None:
            return
        number = self.account.number
        extension = "csv" if kind == CSV else "xml"
        now = dt.datetime.now(dt.UTC)
        if self._tab() == MONTHS:
            target = "#months-saved"
            months = self._months_shown()
            if self.data is None or not months:
                self._saved(target, _("No months to export in these years."), error=True)
                return
            place = self.data.place_id
            name = exports.monthly_filename(
                number, place, months[0].month, months[-1].month, extension
            )
            data = (
                exports.monthly_csv(months).encode()
                if kind == CSV
                else exports.monthly_green_button(months, account=number, place_id=place, now=now)
            )
        else:
            target = "#profile-saved"
            series = self.profile
            if series is None or not series.points:
                self._saved(target, _("No 15-minute data to export for this day."), error=True)
                return
            name = exports.intervals_filename(number, series.meter_id, series.day, extension)
            data = (
                exports.intervals_csv(series).encode()
                if kind == CSV
                else exports.intervals_green_button(series, account=number, now=now)
            )
        self._save(target, name, data, kind)

    def _months_shown(self) -> list[models.MonthlyConsumption]:
        if self.data is None:
            return []
        shown = {r.month for r in self.rows}
        return [m for m in self.data.series.months if m.month in shown]

    @work(group="export")
    async def _save(self, target: str, name: str, data: bytes, kind: str) -> None:
        folder = exports.download_dir()
        try:
            path = await asyncio.to_thread(exports.save_export, name, data, folder)
        except OSError as exc:
            self._saved(
                target,
                _("Could not save the export in {folder}: {error}").format(
                    folder=folder, error=exc.strerror or exc
                ),
                error=True,
            )
            return
        what = _("CSV") if kind == CSV else _("Green Button XML")
        text = _("Saved {what} to {path}").format(what=what, path=path)
        self._saved(target, text)
        self.notify(text, title=_("Exported"))

    def _saved(self, target: str, text: str, *, error: bool = False) -> None:
        message = self.query_one(target, Static)
        message.update(text)
        message.set_class(error, "-error")
