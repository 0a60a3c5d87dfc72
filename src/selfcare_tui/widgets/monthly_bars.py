"""Monthly consumption as horizontal bars, one line per month, with export and last year.

A line per month keeps its name, its value, what was fed into the grid and the change from
the same month a year before side by side, for any number of years, at 80 columns. Shapes
carry the meaning, so it reads the same in 16 colours and with NO_COLOR: estimated months
have a shaded bar (▒) and a ≈ before the value; export has its own labelled column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Size
from textual.widget import Widget

from selfcare_tui.api import models
from selfcare_tui.i18n import _, format_kwh, format_month, format_percent
from selfcare_tui.widgets import bars

ESTIMATE_MARK = "≈"


def _previous(month: str) -> str:
    year, number = month.split("-")
    return f"{int(year) - 1}-{number}"


@dataclass(frozen=True)
class MonthRow:
    """A month as drawn: its use and export, and the same month a year before."""

    month: str
    consumption_kwh: Decimal
    export_kwh: Decimal
    estimated: bool
    last_year_kwh: Decimal | None

    @property
    def difference_kwh(self) -> Decimal | None:
        if self.last_year_kwh is None:
            return None
        return self.consumption_kwh - self.last_year_kwh

    @property
    def change(self) -> Decimal | None:
        """The difference as a fraction of last year's use; None when there is nothing to
        divide by."""
        if self.last_year_kwh is None or self.last_year_kwh == 0:
            return None
        return (self.consumption_kwh - self.last_year_kwh) / self.last_year_kwh


@dataclass(frozen=True)
class YearRow:
    """A year's totals; compared with the same months of the year before that have data."""

    year: int
    consumption_kwh: Decimal
    export_kwh: Decimal
    months: int
    compared_kwh: Decimal
    """This year's use in the months that the year before also has."""
    last_year_kwh: Decimal | None
    """The year before's use in those months; None when it has none of them."""

    @property
    def difference_kwh(self) -> Decimal | None:
        if self.last_year_kwh is None:
            return None
        return self.compared_kwh - self.last_year_kwh

    @property
    def change(self) -> Decimal | None:
        if self.last_year_kwh is None or self.last_year_kwh == 0:
            return None
        return (self.compared_kwh - self.last_year_kwh) / self.last_year_kwh


def month_rows(
    months: Sequence[models.MonthlyConsumption], first_year: int, last_year: int
) -> list[MonthRow]:
    """The months of the years first_year..last_year, oldest first, each with the same month
    of the year before taken from `months` (which may reach further back than the range)."""
    by_month = {m.month: m for m in months}
    rows = []
    for m in months:
        if not first_year <= int(m.month[:4]) <= last_year:
            continue
        before = by_month.get(_previous(m.month))
        rows.append(
            MonthRow(
                month=m.month,
                consumption_kwh=m.consumption_kwh,
                export_kwh=m.export_kwh,
                estimated=m.estimated,
                last_year_kwh=before.consumption_kwh if before is not None else None,
            )
        )
    return sorted(rows, key=lambda r: r.month)


def year_rows(rows: Sequence[MonthRow]) -> list[YearRow]:
    """Totals per year of `rows`, oldest first."""
    years: dict[int, list[MonthRow]] = {}
    for row in rows:
        years.setdefault(int(row.month[:4]), []).append(row)
    totals = []
    for year, months in sorted(years.items()):
        compared = [r for r in months if r.last_year_kwh is not None]
        totals.append(
            YearRow(
                year=year,
                consumption_kwh=sum((r.consumption_kwh for r in months), Decimal(0)),
                export_kwh=sum((r.export_kwh for r in months), Decimal(0)),
                months=len(months),
                compared_kwh=sum((r.consumption_kwh for r in compared), Decimal(0)),
                last_year_kwh=(
                    sum((r.last_year_kwh or Decimal(0) for r in compared), Decimal(0))
                    if compared
                    else None
                ),
            )
        )
    return totals


def signed_kwh(value: Decimal) -> str:
    return ("+" if value > 0 else "") + format_kwh(value)


def signed_percent(change: Decimal) -> str:
    rate = change.quantize(Decimal("0.001")).normalize()
    return ("+" if rate > 0 else "") + format_percent(rate)


def comparison_text(difference: Decimal | None, change: Decimal | None) -> str:
    """'+4.7 kWh +1.9%'; only the difference when last year was zero; '–' without data."""
    if difference is None:
        return "–"
    if change is None:
        return signed_kwh(difference)
    return f"{signed_kwh(difference)} {signed_percent(change)}"


class MonthlyBars(Widget):
    """Years newest first, each with its total and its months, newest first: month, use,
    export, change from the year before."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "monthly-bars--used",
        "monthly-bars--export",
        "monthly-bars--estimated",
        "monthly-bars--heading",
    }

    DEFAULT_CSS = """
    MonthlyBars { height: auto; width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    MonthlyBars > .monthly-bars--used { color: $primary; }
    MonthlyBars > .monthly-bars--export { color: $success; }
    MonthlyBars > .monthly-bars--estimated { color: $text-muted; }
    MonthlyBars > .monthly-bars--heading { text-style: bold; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[MonthRow] = []
        self._show_export = False

    @property
    def rows(self) -> list[MonthRow]:
        """What is drawn, oldest first."""
        return list(self._rows)

    def set_rows(self, rows: Sequence[MonthRow], *, show_export: bool) -> None:
        """`show_export` for prosumers: their export column shows even in months of none."""
        self._rows = list(rows)
        self._show_export = show_export
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self._rows:
            return 1
        years = len({r.month[:4] for r in self._rows})
        return 1 + len(self._rows) + 2 * years - 1

    def render(self) -> RenderResult:
        return self.render_text(self.size.width)

    def render_text(self, width: int) -> Text:
        """Header, then per year (newest first) its total line and its months."""
        rows = self._rows
        if not rows:
            return Text(_("No consumption recorded in these years."))
        style = self.get_component_rich_style
        used_style = style("monthly-bars--used", partial=True)
        export_style = style("monthly-bars--export", partial=True)
        estimated_style = style("monthly-bars--estimated", partial=True)
        heading = style("monthly-bars--heading", partial=True)
        years = year_rows(rows)

        labels = {r.month: format_month(r.month) for r in rows}
        year_labels = {y.year: _("{year} total").format(year=y.year) for y in years}
        used = {r.month: self._value(r.consumption_kwh, r.estimated) for r in rows}
        used_totals = {y.year: format_kwh(y.consumption_kwh) for y in years}
        exported = {r.month: format_kwh(r.export_kwh) for r in rows}
        exported_totals = {y.year: format_kwh(y.export_kwh) for y in years}
        compared = {r.month: comparison_text(r.difference_kwh, r.change) for r in rows}
        compared_totals = {y.year: comparison_text(y.difference_kwh, y.change) for y in years}
        compare_title = _("vs last year")

        label_w = bars.widest(labels.values(), year_labels.values())
        used_w = bars.widest(used.values(), used_totals.values())
        export_w = (
            bars.widest(exported.values(), exported_totals.values()) if self._show_export else 0
        )
        compare_w = max(
            bars.widest(compared.values(), compared_totals.values()), len(compare_title)
        )
        fixed = label_w + 1 + (1 + used_w + 2) + compare_w
        if self._show_export:
            fixed += 1 + export_w + 2
        bar_w = max(3, (width - fixed) // (2 if self._show_export else 1))
        peak = bars.peak(
            [r.consumption_kwh for r in rows] + [r.export_kwh for r in rows if self._show_export]
        )

        text = Text(no_wrap=True, overflow="ellipsis")
        used_col = bar_w + 1 + used_w + 2
        head = " " * (label_w + 1) + _("Used").ljust(used_col)[:used_col]
        if self._show_export:
            export_col = bar_w + 1 + export_w + 2
            head += _("Fed into the grid").ljust(export_col)[:export_col]
        text.append(head + compare_title.rjust(compare_w), style=heading)
        by_year: dict[int, list[MonthRow]] = {}
        for row in rows:
            by_year.setdefault(int(row.month[:4]), []).append(row)
        for total in reversed(years):
            if total is not years[-1]:
                text.append("\n")
            text.append("\n")
            line = year_labels[total.year].ljust(label_w + 1)
            line += " " * (bar_w + 1) + used_totals[total.year].rjust(used_w) + "  "
            if self._show_export:
                line += " " * (bar_w + 1) + exported_totals[total.year].rjust(export_w) + "  "
            text.append(line + compared_totals[total.year].rjust(compare_w), style=heading)
            for row in reversed(by_year[total.year]):
                text.append("\n")
                text.append(labels[row.month].ljust(label_w + 1))
                bar_style = estimated_style if row.estimated else used_style
                bar = self._bar(row.consumption_kwh, peak, bar_w, row.estimated)
                text.append(bar, bar_style)
                text.append(" " + used[row.month].rjust(used_w) + "  ")
                if self._show_export:
                    text.append(self._bar(row.export_kwh, peak, bar_w, False), export_style)
                    text.append(" " + exported[row.month].rjust(export_w) + "  ")
                text.append(compared[row.month].rjust(compare_w))
        return text

    @staticmethod
    def _value(kwh: Decimal, estimated: bool) -> str:
        return (ESTIMATE_MARK if estimated else "") + format_kwh(kwh)

    @staticmethod
    def _bar(kwh: Decimal, peak: Decimal, width: int, estimated: bool) -> str:
        return bars.bar(bars.eighths(kwh, peak, width), width, shaded=estimated)
