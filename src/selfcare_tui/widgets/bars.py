"""The drawing that every bar chart of the app shares: block characters and scaling.

Four charts draw bars (monthly columns on the overview, the consumption page's months and its
15-minute profile, the statistics' totals). They differ in layout, not in how a value becomes
cells, so that is done here once: a value's share of the peak in eighths of a cell, a column
or a bar of those eighths, a whole-cell bar either side of a zero line, and the widest label
that sets a text column. Shapes carry the meaning, so the charts read the same without colour.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

FULL = "█"
SHADED = "▒"
"""A full cell of an estimate, or of a second series: it reads apart from FULL in NO_COLOR."""
RISING = " ▁▂▃▄▅▆▇█"
"""Eighths of a cell from the bottom, for columns; RISING[8] is FULL."""
GROWING = " ▏▎▍▌▋▊▉█"
"""Eighths of a cell from the left, for bars; GROWING[8] is FULL."""


def peak(values: Iterable[Decimal]) -> Decimal:
    """The value that fills a chart: the largest, or 1 when that is zero or there is none, so
    nothing divides by zero (and every bar is empty)."""
    return max(values, default=Decimal(0)) or Decimal(1)


def eighths(value: Decimal, peak: Decimal, cells: int, *, visible: bool = False) -> int:
    """How many eighths of `cells` cells the value fills when `peak` fills them all, rounded
    down; `visible` gives a positive value at least one (a little is not nothing)."""
    level = int(value / peak * cells * 8) if peak else 0
    if visible and value > 0:
        level = max(level, 1)
    return level


def column(level: int, rows: int, *, full: str = FULL) -> str:
    """A column `level` eighths high as `rows` characters, top first; `full` fills whole
    cells (SHADED for an estimate)."""
    cells = []
    for row in range(rows, 0, -1):
        filled = level - (row - 1) * 8
        if filled >= 8:
            cells.append(full)
        elif filled > 0:
            cells.append(RISING[filled])
        else:
            cells.append(" ")
    return "".join(cells)


def bar(level: int, width: int, *, shaded: bool = False) -> str:
    """A bar `level` eighths long from the left, padded to `width`. A shaded bar has no
    partial characters: its last cell is there from half a cell on."""
    full, part = divmod(level, 8)
    if shaded:
        return (SHADED * (full + (1 if part >= 4 else 0))).ljust(width)
    return (FULL * full + (GROWING[part] if part else "")).ljust(width)


def draw_bar(value: Decimal, low: Decimal, high: Decimal, width: int, fill: str) -> str:
    """`width` cells with the value's bar from the zero line (left edge unless there are
    negative values, such as a prosumer's credits, which grow leftwards from it)."""
    spread = high - low
    if spread <= 0 or width <= 0:
        return " " * max(width, 0)
    zero = round(-low / spread * width)
    cells = round(abs(value) / spread * width)
    if value != 0:
        cells = max(cells, 1)
    line = [" "] * width
    if low < 0 and 0 <= zero < width:
        line[zero] = "│"
    if value > 0:
        for i in range(zero, min(width, zero + cells)):
            line[i] = fill
    elif value < 0:
        for i in range(max(0, zero - cells), zero):
            line[i] = fill
    return "".join(line)


def widest(*columns: Iterable[str]) -> int:
    """The width of a text column: its longest entry."""
    return max((len(text) for texts in columns for text in texts), default=0)
