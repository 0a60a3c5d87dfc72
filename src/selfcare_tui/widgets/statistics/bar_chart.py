"""Labelled horizontal bars per year or month: the statistics' charts.

A line per series, with its name and value written beside the bar, so money and kWh read
without colour or a legend; values below zero (a prosumer's credits) grow leftwards from a
zero line. The cells are drawn by `widgets.bars`, like the app's other charts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Size
from textual.widget import Widget

from selfcare_tui.widgets import bars


@dataclass(frozen=True)
class Bar:
    series: str
    """The series' name, written on the line: the bars read without colour or a legend."""
    value: Decimal
    text: str
    """The value as the user reads it (money, kWh)."""
    fill: str
    """The character the bar is drawn with."""


@dataclass(frozen=True)
class BarGroup:
    label: str
    bars: tuple[Bar, ...]


class BarChart(Widget):
    """Groups of labelled horizontal bars: a group per year or month, a line per series."""

    DEFAULT_CSS = """
    BarChart { height: auto; width: 1fr; }
    """

    def __init__(self, *, empty: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self._groups: list[BarGroup] = []
        self._empty = empty

    @property
    def groups(self) -> list[BarGroup]:
        return list(self._groups)

    def set_groups(self, groups: Sequence[BarGroup]) -> None:
        self._groups = list(groups)
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, sum(len(g.bars) for g in self._groups))

    def render(self) -> RenderResult:
        return self.render_text(self.size.width)

    def render_text(self, width: int) -> Text:
        groups = self._groups
        lines = [bar for group in groups for bar in group.bars]
        if not lines:
            return Text(self._empty)
        label_width = bars.widest(g.label for g in groups)
        series_width = bars.widest(b.series for b in lines)
        value_width = bars.widest(b.text for b in lines)
        room = max(5, width - label_width - series_width - value_width - 3)
        low = min([Decimal(0), *(b.value for b in lines)])
        high = max([Decimal(0), *(b.value for b in lines)])
        text = Text(no_wrap=True, overflow="ellipsis")
        drawn = 0
        for group in groups:
            for index, bar in enumerate(group.bars):
                if drawn:
                    text.append("\n")
                drawn += 1
                name = group.label if index == 0 else ""
                text.append(name.ljust(label_width) + " ", style="bold")
                text.append(bar.series.ljust(series_width) + " ")
                text.append(bars.draw_bar(bar.value, low, high, room, bar.fill))
                text.append(" " + bar.text.rjust(value_width))
        return text
