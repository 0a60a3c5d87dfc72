"""Asked when the server finds a reading far above the usual use: a typo, or real?

The numbers are shown side by side (what was typed, the last reading, what that means a day),
so the customer can compare them with the meter's display before anything is recorded.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from selfcare_tui.core.reading_values import Jump
from selfcare_tui.i18n import _, format_date, format_kwh, format_number, ngettext

from .dialog import Dialog


def jump_text(jump: Jump) -> str:
    lines = [
        _("{register}: you entered {value}").format(
            register=jump.register, value=format_number(jump.value, jump.decimal_places)
        )
    ]
    if jump.previous is not None and jump.previous_on is not None:
        days = max(1, (jump.read_on - jump.previous_on).days)
        used = jump.value - jump.previous
        lines.append(
            _("  last reading {value} on {day}").format(
                value=format_number(jump.previous, jump.decimal_places),
                day=format_date(jump.previous_on),
            )
        )
        lines.append(
            "  "
            + ngettext(
                "that is {kwh} in {days} day, {daily} a day",
                "that is {kwh} in {days} days, {daily} a day",
                days,
            ).format(kwh=format_kwh(used), days=days, daily=format_kwh(used / days))
        )
    lines.append("  " + jump.server_says)
    return "\n".join(lines)


class ConfirmReadingDialog(Dialog[bool]):
    """Dismisses with True to send the values as they are, False to go back and correct them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Correct the values")),
    ]

    CSS_PATH = "confirm_reading.tcss"

    def __init__(self, meter: str, jumps: list[Jump]) -> None:
        super().__init__()
        self._meter = meter
        self._jumps = jumps

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="confirm-box", classes="dialog-box") as box:
            box.border_title = _("Check the reading of meter {meter}").format(meter=self._meter)
            box.border_subtitle = _("esc: correct the values")
            yield Static(
                _(
                    "This is far above your usual use. Compare the numbers with the meter's "
                    "display: a wrong digit is the usual cause. Nothing has been recorded yet."
                ),
                id="confirm-intro",
                markup=False,
            )
            yield Static("\n\n".join(jump_text(j) for j in self._jumps), id="jumps", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(_("The values are right: send them"), id="confirm", variant="warning")
                yield Button(_("Correct the values"), id="cancel", variant="primary")

    def on_mount(self) -> None:
        # The safe answer is the default: enter alone never records a doubtful value.
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
