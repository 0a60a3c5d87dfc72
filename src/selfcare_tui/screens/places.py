"""The account's consumption places: state, contracts, works, meters and their registers.

One load fetches places, contracts, meters (removed ones too, whose readings a customer may
still need to check) and works; choosing a place only changes what is shown. A register's
readings open in a dialog (enter, a click on the chosen row, or h), fetched page by page.
Works are fetched apart: should the server refuse them, the places still show, with why.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from selfcare_tui.api import models
from selfcare_tui.api.errors import ApiError
from selfcare_tui.core.failures import describe
from selfcare_tui.core.labels import label
from selfcare_tui.core.loaders.places import PlacesData, load_places
from selfcare_tui.i18n import _, format_date, format_datetime
from selfcare_tui.session import Session

from .base import AccountScreen
from .reading_history import ReadingHistory, reading_value

T = TypeVar("T")


def address_line(address: models.Address) -> str:
    return f"{address.street}, {address.postal_code} {address.city}"


def meter_kind(meter: models.Meter) -> str:
    return _("smart (read remotely)") if meter.smart else _("manual (you read it)")


def works_at(place: models.Place, works: list[models.Work]) -> list[models.Work]:
    """Works the server names for the place, and those announced for its grid area."""
    return [w for w in works if place.id in w.place_ids or w.area == place.area]


def place_prompt(place: models.Place) -> Text:
    """The place's identity in two lines: where it is, then its state, EIC and grid area."""
    text = Text(address_line(place.address), style="bold")
    text.append("\n  ")
    text.append(
        _("{state} · EIC {eic} · grid area {area}").format(
            state=label(place.state), eic=place.eic, area=place.area
        ),
        style="italic",
    )
    return text


class PlacesScreen(AccountScreen[PlacesData]):
    """Places on top; below, the chosen place's facts and its meters' registers."""

    section = "places"
    AUTO_FOCUS = "#places"
    """The list of places first, so the arrows choose a place straight away."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h", "history", _("Reading history")),
    ]

    CSS_PATH = "places.tcss"

    def __init__(
        self, session: Session, account: models.AccountSummary | None, me: models.Me
    ) -> None:
        super().__init__(session, account, me)
        self.data: PlacesData | None = None
        self.shown_for: str | None = None
        """The number of the account whose places are shown."""
        self.place: models.Place | None = None
        """The place shown below the list."""
        self.register_rows: list[tuple[models.Meter, models.Register]] = []
        """The rows of the registers table, in order."""

    def compose_body(self) -> ComposeResult:
        with Vertical(id="places-panel", classes="panel") as panel:
            panel.border_title = _("Places")
            yield OptionList(id="places")
        with Vertical(id="place-panel", classes="panel") as panel:
            panel.border_title = _("Contracts and works")
            yield Static("", id="place", markup=False)
        with Vertical(id="meters-panel", classes="panel") as panel:
            panel.border_title = _("Meters")
            yield Static("", id="meters-text", markup=False)
            yield DataTable[str](id="registers", cursor_type="row")
            yield Static(
                _("enter, a click on the chosen row, or h: the register's reading history"),
                id="registers-hint",
                markup=False,
            )

    async def fetch(self, number: str) -> PlacesData:
        return await load_places(self.session.client, number)

    def show(self, data: PlacesData) -> None:
        self.data = data
        self.shown_for = self.account.number if self.account is not None else None
        previous = self.place.id if self.place is not None else None
        ids = [p.id for p in data.places]
        options = self.query_one("#places", OptionList)
        options.set_options(Option(place_prompt(p), id=p.id) for p in data.places)
        self.query_one("#places-panel").border_title = _("Places ({count})").format(
            count=len(data.places)
        )
        if not data.places:
            self.show_place(None)
            return
        index = ids.index(previous) if previous in ids else 0
        options.highlighted = index
        self.show_place(data.places[index])

    @on(OptionList.OptionHighlighted, "#places")
    def _place_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.data is None:
            return
        place = next((p for p in self.data.places if p.id == event.option_id), None)
        if place is not None and place != self.place:
            self.show_place(place)

    @on(OptionList.OptionSelected, "#places")
    def _place_chosen(self) -> None:
        """Enter on a place goes on to its registers, where enter shows a history."""
        table = self.query_one("#registers", DataTable)
        if table.row_count:
            table.focus()

    # --- the chosen place -------------------------------------------------------------

    def show_place(self, place: models.Place | None) -> None:
        self.place = place
        data = self.data
        if place is None or data is None:
            self.query_one("#place", Static).update(_("No consumption place on this account."))
            self.query_one("#place-panel").border_title = _("Contracts and works")
            self.query_one("#meters-panel").border_title = _("Meters")
            self._show_meters([])
            return
        self.query_one("#place", Static).update(self._place_text(place, data))
        street = place.address.street
        self.query_one("#place-panel").border_title = _("Contracts and works: {street}").format(
            street=street
        )
        self.query_one("#meters-panel").border_title = _("Meters: {street}").format(street=street)
        meters = [m for m in data.meters if m.place_id == place.id]
        # Meters in use first; removed ones after, most recently removed first.
        meters.sort(
            key=lambda m: (m.removed_on is not None, -(m.removed_on or m.installed_on).toordinal())
        )
        self._show_meters(meters)

    def _place_text(self, place: models.Place, data: PlacesData) -> str:
        lines = []
        if place.state is models.PlaceState.disconnected:
            lines.append(_("Disconnected: no electricity is supplied here under the contract."))
        contracts = [c for c in data.contracts if c.place_id == place.id]
        lines += [self._contract_line(c) for c in contracts] or [_("No contract.")]
        if isinstance(data.works, ApiError):
            lines.append(_("Works: {problem}").format(problem=describe(data.works)))
        else:
            works = works_at(place, data.works)
            lines += [self._work_line(w) for w in works] or [
                _("No works announced for this place.")
            ]
        return "\n".join(lines)

    @staticmethod
    def _contract_line(contract: models.Contract) -> str:
        if contract.end_date is None:
            term = _("from {start}, open-ended").format(start=format_date(contract.start_date))
        else:
            term = _("{start} – {end}").format(
                start=format_date(contract.start_date), end=format_date(contract.end_date)
            )
        return _("Contract ({kind}): {product}, {term}").format(
            kind=label(contract.kind), product=contract.product.name, term=term
        )

    @staticmethod
    def _work_line(work: models.Work) -> str:
        return _("Work ({kind}): {description}\n  {start} – {end}").format(
            kind=label(work.kind),
            description=work.description,
            start=format_datetime(work.starts_at),
            end=format_datetime(work.ends_at),
        )

    def _show_meters(self, meters: list[models.Meter]) -> None:
        lines = []
        for meter in meters:
            lines.append(
                _("Meter {serial}: {kind}").format(
                    serial=meter.serial_number, kind=meter_kind(meter)
                )
            )
            if meter.removed_on is None:
                detail = _("seal {seal}, installed on {day}").format(
                    seal=meter.seal_number, day=format_date(meter.installed_on)
                )
            else:
                detail = _("seal {seal}, installed on {day}, removed on {removed}").format(
                    seal=meter.seal_number,
                    day=format_date(meter.installed_on),
                    removed=format_date(meter.removed_on),
                )
            lines.append("  " + detail)
        self.query_one("#meters-text", Static).update(
            "\n".join(lines) or _("No meter at this place.")
        )
        table = self.query_one("#registers", DataTable)
        table.clear(columns=True)  # columns keep the width of the longest cell they ever held
        table.add_column(_("Meter"), key="meter")
        table.add_column(_("Register"), key="code")
        table.add_column(_("Kind"), key="kind")
        table.add_column(_("Last reading"), key="value")
        table.add_column(_("Read on"), key="read_on")
        table.add_column(_("Source"), key="source")
        self.register_rows = [(m, r) for m in meters for r in m.registers]
        for meter, register in self.register_rows:
            last = register.last_reading
            serial = meter.serial_number
            if meter.removed_on is not None:
                serial = _("{serial} (removed)").format(serial=serial)
            table.add_row(
                serial,
                register.code,
                label(register.kind),
                reading_value(last.value, register) if last else _("none yet"),
                format_date(last.read_on) if last else "",
                label(last.source) if last else "",
                key=register.id,
            )
        table.display = bool(self.register_rows)
        self.query_one("#registers-hint").display = bool(self.register_rows)

    # --- reading history --------------------------------------------------------------

    @on(DataTable.RowSelected, "#registers")
    def _register_chosen(self, event: DataTable.RowSelected) -> None:
        self.open_history(event.cursor_row)

    def action_history(self) -> None:
        table = self.query_one("#registers", DataTable)
        if not self.register_rows:
            self.notify(_("This place has no meter register."), severity="warning")
            return
        self.open_history(table.cursor_row)

    def open_history(self, row: int) -> None:
        if self.account is None or not 0 <= row < len(self.register_rows):
            return
        meter, register = self.register_rows[row]
        self.app.push_screen(
            ReadingHistory(self.session.client, self.account.number, meter, register)
        )
