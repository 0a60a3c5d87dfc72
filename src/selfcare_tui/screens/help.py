"""`?`: the keys that work on the screen in view, for people who use the keyboard alone.

Built from the screen's real bindings (the app passes them in), so it cannot drift from them;
a few keys that belong to widgets (tab, enter, esc) are added in words.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from selfcare_tui.i18n import _

from .dialog import Dialog


class KeyHelp(NamedTuple):
    key: str
    text: str


def help_text(keys: list[KeyHelp]) -> str:
    rows = [
        *keys,
        KeyHelp("tab / shift+tab", _("Move between fields and panels")),
        KeyHelp("enter", _("Choose, open, or submit a form")),
        KeyHelp("esc", _("Close a dialog")),
    ]
    width = max(len(row.key) for row in rows)
    return "\n".join(f"{row.key.ljust(width)}  {row.text}" for row in rows)


class HelpScreen(Dialog[None]):
    """Any of escape, `?` or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("question_mark,q", "close", _("Close"))]

    CSS_PATH = "help.tcss"

    def __init__(self, keys: list[KeyHelp]) -> None:
        super().__init__()
        self._keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog-box") as box:
            box.border_title = _("Keys")
            box.border_subtitle = _("esc close")
            yield Static(help_text(self._keys), markup=False)
