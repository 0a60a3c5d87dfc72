"""`g`: the list of sections; a section's key (or enter on it) opens it."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from selfcare_tui.i18n import _

from .dialog import Dialog
from .sections import Section, sections

TITLES = 24
"""The title column's least width; a language with longer titles widens it, up to MOST_TITLES."""
MOST_TITLES = 34


def title_width(titles: list[str]) -> int:
    return min(MOST_TITLES, max([TITLES, *(len(t) + 2 for t in titles)]))


def section_prompt(section: Section, current: bool, width: int = 64, titles: int = TITLES) -> Text:
    """One line per section, so the whole list fits a 24-line terminal: the description is
    cut to what the title column leaves."""
    title = f"{'● ' if current else ''}{section.title}"
    if len(title) > titles:
        title = title[: titles - 1] + "…"
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f" {section.key} ", style="bold reverse")
    text.append(f" {title:<{titles}}", style="bold")
    room = max(0, width - titles - 5)
    description = section.description
    if len(description) > room:
        description = description[: max(0, room - 1)].rstrip() + "…"
    text.append(f" {description}", style="italic")
    return text


class GoToMenu(Dialog[str | None]):
    """Dismisses with the chosen section's name, or None."""

    CSS_PATH = "goto.tcss"

    def __init__(self, current: str | None, *, agent: bool = False) -> None:
        super().__init__()
        self._current = current
        self._sections = sections(agent)

    def compose(self) -> ComposeResult:
        with Vertical(id="goto", classes="dialog-box") as box:
            box.border_title = _("Go to")
            box.border_subtitle = _("key or enter opens · esc close")
            titles = title_width([s.title for s in self._sections])
            yield OptionList(
                *(
                    Option(section_prompt(s, s.name == self._current, titles=titles), id=s.name)
                    for s in self._sections
                )
            )

    def on_mount(self) -> None:
        names = [s.name for s in self._sections]
        if self._current in names:
            self.query_one(OptionList).highlighted = names.index(self._current)

    def on_key(self, event: events.Key) -> None:
        chosen = next((s for s in self._sections if s.key == event.character), None)
        if chosen is not None:
            event.stop()
            self.dismiss(chosen.name)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_id)
