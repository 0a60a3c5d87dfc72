"""The palette's "Change language": the languages, each in its own words."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from selfcare_tui.i18n import LANGUAGES, _, language, language_name

from .dialog import Dialog


class LanguagePicker(Dialog[str | None]):
    """Dismisses with the chosen language's code (as i18n.LANGUAGES names it), or None."""

    CSS_PATH = "language.tcss"

    def compose(self) -> ComposeResult:
        spoken = language()
        with Vertical(id="languages", classes="dialog-box") as box:
            box.border_title = _("Language")
            box.border_subtitle = _("enter chooses · esc close")
            yield OptionList(
                *(
                    Option(f"{'● ' if code == spoken else '  '}{language_name(code)}", id=code)
                    for code in LANGUAGES
                )
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = LANGUAGES.index(language())

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_id)
