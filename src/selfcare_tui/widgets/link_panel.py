"""Bordered panels that lead to a section: enter or a click opens it.

Focusable, so tab reaches every overview item from the keyboard alone. A panel whose section
does not exist (None) is plain text: nothing leads nowhere.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Click
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from selfcare_tui.i18n import _

PANEL_CSS = """
{name} {{
    border: round $primary-darken-2;
    border-title-color: $text;
    height: auto;
    padding: 0 1;
}}
{name}:focus {{ border: round $accent; border-title-style: bold reverse; }}
"""


class SectionOpened(Message):
    def __init__(self, section: str) -> None:
        super().__init__()
        self.section = section


class _Link(Widget):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "open", _("Open"))]

    section: str | None = None

    def _link(self, section: str | None, title: str) -> None:
        self.section = section
        self.can_focus = section is not None
        self.border_title = title

    def action_open(self) -> None:
        if self.section is not None:
            self.post_message(SectionOpened(self.section))

    def on_click(self, event: Click) -> None:
        event.stop()
        self.action_open()


class LinkPanel(Static, _Link):
    DEFAULT_CSS = PANEL_CSS.format(name="LinkPanel")

    def __init__(self, section: str | None, title: str, *, id: str) -> None:
        super().__init__("", id=id, markup=False)
        self._link(section, title)


class LinkBox(Vertical, _Link):
    """Like LinkPanel, for a panel holding other widgets (a chart)."""

    DEFAULT_CSS = PANEL_CSS.format(name="LinkBox")

    def __init__(self, section: str | None, title: str, *, id: str) -> None:
        super().__init__(id=id)
        self._link(section, title)
