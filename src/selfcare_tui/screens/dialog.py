"""The base of the app's modal dialogs, so each states only what is its own.

Every dialog is one box in the middle of the screen with the same frame (dialog.tcss), and
most close on escape with no answer. A dialog adds its size and parts in its own .tcss file,
and its own escape binding where escape means more (cancel with an answer, keep a draft).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.screen import ModalScreen

from selfcare_tui.i18n import _

T = TypeVar("T")

DIALOG_CSS = Path(__file__).with_name("dialog.tcss")
"""Absolute: Textual resolves a relative CSS_PATH next to the subclass's module, not this one."""


class Dialog(ModalScreen[T]):
    """A modal screen showing one box with the class `dialog-box`; escape closes it.

    The box's frame is loaded before the dialog's own CSS_PATH, which sets its size.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", _("Close"))]

    def __init__(
        self, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.css_path = [DIALOG_CSS, *self.css_path]

    def action_close(self) -> None:
        """Close with no answer; a dialog whose answer on closing is another overrides this."""
        self.dismiss(None)
