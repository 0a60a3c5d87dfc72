"""A monthly consumption bar chart drawn with block characters (see `widgets.bars`).

Textual's Sparkline has no axis or labels; people reading their consumption want to see
which month a bar is, so this draws labelled columns. Characters carry the shape, so the
chart reads the same in 16 colours and with NO_COLOR.
"""

from __future__ import annotations

from decimal import Decimal

from babel.dates import get_month_names
from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget

from selfcare_tui.api import models
from selfcare_tui.i18n import _, format_kwh, locale
from selfcare_tui.widgets import bars


def _month_label(month: str) -> str:
    names = get_month_names("abbreviated", locale=locale())
    return str(names[int(month.split("-")[1])])


class ConsumptionChart(Widget):
    """Columns of kWh per month, newest on the right; estimated months shaded (▒)."""

    DEFAULT_CSS = """
    ConsumptionChart {
        height: 9;
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._months: list[models.MonthlyConsumption] = []

    def set_months(self, months: list[models.MonthlyConsumption]) -> None:
        self._months = list(months)
        self.refresh()

    def render(self) -> RenderResult:
        months = self._months
        if not months:
            return Text(_("No consumption recorded yet."))
        width, height = self.size.width, self.size.height
        rows = max(1, height - 2)
        column = max(2, min(7, width // len(months)))
        bar = max(1, column - 1)
        peak = bars.peak(m.consumption_kwh for m in months)
        columns = [
            bars.column(
                bars.eighths(m.consumption_kwh, peak, rows),
                rows,
                full=bars.SHADED if m.estimated else bars.FULL,
            )
            for m in months
        ]
        total = sum((m.consumption_kwh for m in months), Decimal(0))
        text = Text(
            _("Most {peak} · in all {total}").format(
                peak=format_kwh(peak), total=format_kwh(total)
            ),
            no_wrap=True,
        )
        for row in range(rows):
            text.append("\n")
            for cells, month in zip(columns, months, strict=True):
                style = "dim" if month.estimated else ""
                text.append(cells[row] * bar, style=style)
                text.append(" " * (column - bar))
        text.append("\n")
        for month in months:
            text.append(_month_label(month.month)[:bar].ljust(column))
        return text
