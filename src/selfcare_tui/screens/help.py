"""`?`: the keys of the app, for people who use the keyboard alone."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from selfcare_tui.i18n import _


def help_text() -> str:
    rows = [
        ("ctrl+o", _("Switch account (own, by mandate, or search as agent)")),
        ("ctrl+p", _("Command palette: every command by name")),
        ("r", _("Refresh the screen")),
        ("tab / shift+tab", _("Move between fields and panels")),
        ("enter", _("Choose, or submit a form")),
        ("esc", _("Close a dialog")),
        ("?", _("This help")),
        ("ctrl+q", _("Quit")),
    ]
    width = max(len(key) for key, _text in rows)
    return "\n".join(f"{key.ljust(width)}  {text}" for key, text in rows)


class HelpScreen(ModalScreen[None]):
    """Any of escape, `?` or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", _("Close")),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help {
        width: 70;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as box:
            box.border_title = _("Keys")
            box.border_subtitle = _("esc close")
            yield Static(help_text(), markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
