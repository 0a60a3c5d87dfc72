"""Submit meter readings: the reading window, a meter to choose, and that meter's form.

The form (`widgets.readings.meter_form`) checks, sends and confirms the values and orders a
bill; this screen shows what `core.loaders.readings` gathers (the window, the meters, their
places and open estimates), one form at a time, and asks the customer about values the
server finds implausible.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from selfcare_tui.api import models
from selfcare_tui.core.loaders.readings import MeterInfo, ReadingsData, load_readings
from selfcare_tui.core.reading_values import Jump
from selfcare_tui.i18n import _, format_date
from selfcare_tui.session import Session
from selfcare_tui.widgets.readings.meter_form import MeterForm

from .base import AccountScreen
from .confirm_reading import ConfirmReadingDialog

# --- data ---------------------------------------------------------------------------------


# --- texts --------------------------------------------------------------------------------


def window_text(window: models.ReadingWindow) -> str:
    if window.is_open:
        return _("The reading window is open until {closes}: send your readings now.").format(
            closes=format_date(window.closes_on)
        )
    return _("The reading window is closed. It opens on {opens} and closes on {closes}.").format(
        opens=format_date(window.opens_on), closes=format_date(window.closes_on)
    )


# --- the screen ---------------------------------------------------------------------------


def meter_choice(info: MeterInfo) -> str:
    meter = info.meter
    where = f" · {info.place.address.street}, {info.place.address.city}" if info.place else ""
    smart = " " + _("(smart meter)") if meter.smart else ""
    return f"{meter.serial_number}{where}{smart}"


class ReadingsScreen(AccountScreen[ReadingsData]):
    """The reading window, and the form of the meter chosen.

    One form at a time: a business has dozens of meters, and building every form up front was
    slow and made a long scroll. A form once opened stays (hidden when another meter is
    chosen), so what was typed into it is still there when the user comes back to it.
    """

    section = "readings"

    CSS_PATH = "readings.tcss"

    def __init__(
        self, session: Session, account: models.AccountSummary | None, me: models.Me
    ) -> None:
        super().__init__(session, account, me)
        self._data: ReadingsData | None = None
        self._shown_for: tuple[str, list[str]] | None = None
        """The account and meters the forms are for: other ones rebuild them."""

    def compose_body(self) -> ComposeResult:
        yield Static("", id="window-state", markup=False)
        yield Static("", id="no-meters", markup=False)
        yield Select[str]([], id="meter-choice", prompt=_("Choose a meter"))
        yield Vertical(id="forms")

    async def fetch(self, number: str) -> ReadingsData:
        return await load_readings(self.session.client, number)

    def show(self, data: ReadingsData) -> None:
        self._data = data
        self.query_one("#window-state", Static).update(window_text(data.window))
        none = self.query_one("#no-meters", Static)
        none.update("" if data.meters else _("This account has no meters to read."))
        none.display = not data.meters
        assert self.account is not None
        shown_for = (self.account.number, [i.meter.id for i in data.meters])
        if shown_for == self._shown_for:
            infos = {i.meter.id: i for i in data.meters}
            for form in self.query(MeterForm):
                form.update_info(infos[form.info.meter.id], data.window)
            return
        self._shown_for = shown_for
        self._rebuild(data)

    def forget_drawn(self) -> None:
        self._shown_for = None

    def after_show(self) -> None:
        """Typed values go back once the forms are built again (`_rebuild`)."""
        if self.query(MeterForm):
            super().after_show()

    @work(exclusive=True, group="forms")
    async def _rebuild(self, data: ReadingsData) -> None:
        """Another account's meters: the old forms go (with anything typed for that account)."""
        await self.query_one("#forms").remove_children()
        choice = self.query_one("#meter-choice", Select)
        choice.set_options((meter_choice(i), i.meter.id) for i in data.meters)
        choice.display = len(data.meters) > 1
        if not data.meters:
            return
        first = data.meters[0].meter.id
        choice.value = first
        form = self._open(first)
        if form is not None and (self.focused is None or self.focused.id == "retry"):
            self.call_after_refresh(self._focus_first_field, form)
        self.call_after_refresh(self.after_show)

    @staticmethod
    def _focus_first_field(form: MeterForm) -> None:
        fields = [i for i in form.query(Input) if i.id and i.id.startswith("value-")]
        if fields:
            fields[0].focus()

    def _open(self, meter_id: str) -> MeterForm | None:
        """Show the meter's form, building it the first time it is chosen."""
        if self._data is None or self.account is None:
            return None
        forms = self.query_one("#forms")
        found = None
        for form in forms.query_children(MeterForm):
            form.display = form.info.meter.id == meter_id
            if form.display:
                found = form
        if found is not None:
            return found
        info = next((i for i in self._data.meters if i.meter.id == meter_id), None)
        if info is None:
            return None
        form = MeterForm(
            self.session, self.account.number, info, self._data.window, self._confirm_jumps
        )
        forms.mount(form)
        return form

    async def _confirm_jumps(self, serial_number: str, jumps: list[Jump]) -> bool:
        return await self.app.push_screen_wait(ConfirmReadingDialog(serial_number, jumps))

    @on(Select.Changed, "#meter-choice")
    def _chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self._open(event.value)
