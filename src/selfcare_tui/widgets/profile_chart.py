"""A day of a smart meter's 15-minute readings as columns, one per interval.

96 quarter hours do not fit in 80 columns, so a narrow terminal gets the day in halves, one
under the other, rather than averaged-away detail. Consumption and export have their own
labelled rows on one scale, so a prosumer's midday export is comparable to the evening use,
and nothing depends on colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Size
from textual.widget import Widget

from selfcare_tui.api import models
from selfcare_tui.i18n import _
from selfcare_tui.widgets import bars

ROWS = 3
"""Rows of each series' columns; eighth blocks give 24 steps of height."""


def _columns(values: Sequence[Decimal], peak: Decimal, rows: int) -> list[str]:
    """Each value's column as `rows` characters, top first; any use at all shows."""
    return [bars.column(bars.eighths(v, peak, rows, visible=True), rows) for v in values]


class ProfileChart(Widget):
    """Consumption above its time axis, export (when there is any) below it."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "profile-chart--used",
        "profile-chart--export",
        "profile-chart--axis",
    }

    DEFAULT_CSS = """
    ProfileChart { height: auto; width: 1fr; text-wrap: nowrap; text-overflow: clip; }
    ProfileChart > .profile-chart--used { color: $primary; }
    ProfileChart > .profile-chart--export { color: $success; }
    ProfileChart > .profile-chart--axis { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._points: list[models.IntervalPoint] = []
        self._show_export = False

    @property
    def points(self) -> list[models.IntervalPoint]:
        return list(self._points)

    def set_points(self, points: Sequence[models.IntervalPoint], *, show_export: bool) -> None:
        self._points = list(points)
        self._show_export = show_export
        self.refresh(layout=True)

    def _label_width(self) -> int:
        return max(len(_("Used")), len(_("Fed in")) if self._show_export else 0) + 1

    def _blocks(self, width: int) -> int:
        room = max(1, width - self._label_width())
        return max(1, math.ceil(len(self._points) / room))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self._points:
            return 1
        per_block = ROWS + 1 + (ROWS if self._show_export else 0)
        blocks = self._blocks(width)
        return blocks * per_block + blocks - 1

    def render(self) -> RenderResult:
        return self.render_text(self.size.width)

    def render_text(self, width: int) -> Text:
        points = self._points
        if not points:
            return Text(_("No 15-minute data for this day."))
        style = self.get_component_rich_style
        used_style = style("profile-chart--used", partial=True)
        export_style = style("profile-chart--export", partial=True)
        axis_style = style("profile-chart--axis", partial=True)
        label_w = self._label_width()
        peak = bars.peak(
            [p.consumption_kwh for p in points]
            + [p.export_kwh for p in points if self._show_export]
        )
        used = _columns([p.consumption_kwh for p in points], peak, ROWS)
        exported = _columns([p.export_kwh for p in points], peak, ROWS)
        blocks = self._blocks(width)
        size = math.ceil(len(points) / blocks)
        text = Text(no_wrap=True, overflow="crop")
        for block in range(blocks):
            part = slice(block * size, (block + 1) * size)
            if block:
                text.append("\n\n")
            self._series(text, _("Used"), used[part], label_w, used_style)
            text.append("\n")
            text.append(" " * label_w)
            text.append(self._axis(points[part]), axis_style)
            if self._show_export:
                text.append("\n")
                self._series(text, _("Fed in"), exported[part], label_w, export_style)
        return text

    @staticmethod
    def _series(text: Text, label: str, columns: Sequence[str], label_w: int, style: Style) -> None:
        for row in range(ROWS):
            if row:
                text.append("\n")
            text.append((label if row == ROWS - 1 else "").ljust(label_w))
            text.append("".join(column[row] for column in columns), style)

    @staticmethod
    def _axis(points: Sequence[models.IntervalPoint]) -> str:
        """Hours every three hours, in the user's local time, where they start."""
        axis = [" "] * len(points)
        for index, point in enumerate(points):
            local = point.start.astimezone()
            on_the_hour = local.minute == 0 and local.hour % 3 == 0
            free = all(c == " " for c in axis[max(0, index - 1) : index + 2])
            if on_the_hour and free and index + 2 <= len(points):
                axis[index : index + 2] = list(f"{local.hour:02d}")
        return "".join(axis)
