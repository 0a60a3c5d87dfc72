"""The readings recorded on one register, newest first, so the customer can check them.

Readings come a page at a time: the dialog asks the server for readings up to the oldest one
shown and skips those already shown, so nothing is held open between pages and a failed page
is simply asked for again. One reading beyond the page is kept back to give the last row
shown its difference from the reading before it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Static

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import SelfcareError, TokenRejected
from selfcare_tui.core.failures import describe
from selfcare_tui.core.labels import label
from selfcare_tui.i18n import _, format_date, format_datetime, format_number
from selfcare_tui.widgets.loading import done_loading
from selfcare_tui.widgets.login_ended import LoginEnded

from .dialog import Dialog


def register_title(meter: models.Meter, register: models.Register) -> str:
    return _("Register {code} ({kind}) of meter {serial}").format(
        code=register.code, kind=label(register.kind), serial=meter.serial_number
    )


def reading_value(value: Decimal, register: models.Register) -> str:
    """As the meter shows it: with the register's own number of decimal places."""
    return format_number(value, register.decimal_places)


class ReadingHistory(Dialog[None]):
    """One register's readings with their source (customer, utility, estimated, remote)."""

    PAGE_SIZE: ClassVar[int] = 24
    """Two years of monthly readings: enough to compare with last year's bills."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "more", _("Older readings")),
        # The app's key for switching account: a modal screen hides the app's own bindings.
        Binding("ctrl+o", "app.switch_account", _("Accounts"), show=False),
    ]

    CSS_PATH = "reading_history.tcss"

    def __init__(
        self,
        client: SelfcareClient,
        number: str,
        meter: models.Meter,
        register: models.Register,
    ) -> None:
        super().__init__()
        self._client = client
        self._number = number
        self.meter = meter
        self.register = register
        self.readings: list[models.Reading] = []
        """The readings shown, newest first."""
        self._kept: models.Reading | None = None
        self.complete = False
        """True when every reading of the register is shown."""
        self.loading_page = False

    def compose(self) -> ComposeResult:
        with Vertical(id="history", classes="dialog-box") as box:
            box.border_title = _("Reading history")
            box.border_subtitle = _("m older readings · esc close")
            yield Static(self._meter_text(), id="history-meter", markup=False)
            table: DataTable[str] = DataTable(id="readings", cursor_type="row", zebra_stripes=True)
            table.add_column(_("Read on"), key="read_on")
            table.add_column(_("Reading"), key="value")
            table.add_column(_("Difference"), key="difference")
            table.add_column(_("Source"), key="source")
            table.add_column(_("Recorded"), key="recorded")
            yield table
            yield Static("", id="history-status", markup=False)
            with Horizontal(id="history-buttons"):
                yield Button(_("Older readings"), id="more", variant="primary")
                yield Button(_("Close"), id="close")

    def _meter_text(self) -> str:
        lines = [register_title(self.meter, self.register)]
        if self.meter.removed_on is not None:
            lines.append(
                _("This meter was removed on {day}.").format(day=format_date(self.meter.removed_on))
            )
        lines.append(_("Newest first. Difference: the change since the reading before it, in kWh."))
        return "\n".join(lines)

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.action_more()

    def on_screen_resume(self) -> None:
        """After switching account from here, this register is no longer the one in view."""
        account = getattr(self.app, "account", None)
        if account is not None and account.number != self._number:
            self.dismiss(None)

    # --- paging -----------------------------------------------------------------------

    def action_more(self) -> None:
        if not self.complete and not self.loading_page:
            self._load_page()

    @on(Button.Pressed, "#more")
    def _more_pressed(self) -> None:
        self.action_more()

    @work(group="history")
    async def _load_page(self) -> None:
        self.loading_page = True
        table = self.query_one(DataTable)
        button = self.query_one("#more", Button)
        button.disabled = True
        table.loading = not self.readings
        self._status(_("Loading readings…"))
        try:
            page = await self._fetch_page()
        except TokenRejected as exc:
            self.dismiss(None)
            self.app.post_message(LoginEnded(describe(exc)))
            return
        except SelfcareError as exc:
            self._status(describe(exc, self._client.base_url))
            button.label = _("Try again")
            button.disabled = False
            return
        finally:
            self.loading_page = False
            done_loading(table)
        button.label = _("Older readings")
        self._add(page)

    async def _fetch_page(self) -> list[models.Reading]:
        """Up to PAGE_SIZE + 1 readings older than those shown (the extra one is kept back)."""
        shown = {r.id for r in self.readings}
        oldest = self.readings[-1].read_on if self.readings else None
        readings = self._client.iter_readings(
            self._number, self.meter.id, register_id=self.register.id, until=oldest
        )
        page: list[models.Reading] = []
        try:
            async for reading in readings:
                if reading.id in shown:
                    continue
                page.append(reading)
                if len(page) > self.PAGE_SIZE:
                    break
        finally:
            close = getattr(readings, "aclose", None)
            if close is not None:
                await close()
        return page

    def _add(self, page: list[models.Reading]) -> None:
        self.complete = len(page) <= self.PAGE_SIZE
        self._kept = None if self.complete else page[self.PAGE_SIZE]
        new = page[: self.PAGE_SIZE]
        table = self.query_one(DataTable)
        for index, reading in enumerate(new):
            before = new[index + 1] if index + 1 < len(new) else self._kept
            table.add_row(
                format_date(reading.read_on),
                reading_value(reading.value, self.register),
                self._difference(reading, before),
                label(reading.source),
                format_datetime(reading.submitted_at),
                key=reading.id,
            )
        self.readings += new
        button = self.query_one("#more", Button)
        button.disabled = self.complete
        button.display = not self.complete
        if not self.readings:
            self._status(_("No readings recorded on this register yet."))
        elif self.complete:
            self._status(_("All {count} readings shown.").format(count=len(self.readings)))
        else:
            self._status(
                _("{count} newest readings shown; m or the button shows older ones.").format(
                    count=len(self.readings)
                )
            )

    def _difference(self, reading: models.Reading, before: models.Reading | None) -> str:
        if before is None:
            return ""
        return reading_value(reading.value - before.value, self.register)

    def _status(self, text: str) -> None:
        self.query_one("#history-status", Static).update(text)

    # --- closing ----------------------------------------------------------------------

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close()
