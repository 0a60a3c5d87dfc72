"""The support agents' desk: what waits in each work queue, and the way to the queues, the
customer search and the audit log. Where an agent lands after logging in (`g d` returns).

Built for shared thin clients: one screen at 80x24, every choice a key (1-4), the counts in
words and numbers rather than colour.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from selfcare_tui.core.loaders.desk import DeskData, load_desk
from selfcare_tui.core.request_history import stage_label, type_title
from selfcare_tui.i18n import _

from .audit_log import AuditLog
from .base import AccountScreen
from .desk_queue import QueueScreen


def choice_prompt(key: str, title: str, detail: str) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f" {key} ", style="bold reverse")
    text.append(f" {title:<22}", style="bold")
    text.append(f" {detail}")
    return text


def requests_detail(data: DeskData | None) -> str:
    if data is None:
        return ""
    counts = data.counts
    return _("{open} open · {untaken} not taken · {mine} yours").format(
        open=counts.requests_open, untaken=counts.requests_untaken, mine=counts.requests_mine
    )


def reports_detail(data: DeskData | None) -> str:
    if data is None:
        return ""
    counts = data.counts
    return _("{open} open · {acknowledged} acknowledged · {mine} yours").format(
        open=counts.outage_reports_open,
        acknowledged=counts.outage_reports_in_progress,
        mine=counts.outage_reports_mine,
    )


def breakdown_text(data: DeskData) -> str:
    """Open requests by type and by stage, most first."""
    counts = data.counts
    by_type = sorted(counts.requests_by_type.items(), key=lambda kv: (-kv[1], kv[0]))
    by_stage = sorted(counts.requests_by_stage.items(), key=lambda kv: (-kv[1], kv[0]))
    if not by_type:
        return _("No open requests.")
    types = ", ".join(f"{type_title(code, data.types)} {n}" for code, n in by_type)
    stages = ", ".join(f"{stage_label(stage)} {n}" for stage, n in by_stage)
    return "\n".join(
        [_("By type: {types}").format(types=types), _("By stage: {stages}").format(stages=stages)]
    )


class DeskScreen(AccountScreen[DeskData]):
    """1 requests, 2 outage reports, 3 customer search (the account switcher), 4 audit log."""

    section: ClassVar[str] = "desk"
    NEEDS_ACCOUNT: ClassVar[bool] = False

    CSS_PATH = "desk.tcss"

    data: DeskData | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(id="queues-panel", classes="panel") as panel:
            panel.border_title = _("Work queues")
            yield OptionList(id="choices")
        with Vertical(id="breakdown-panel", classes="panel") as panel:
            panel.border_title = _("Open requests")
            yield Static("", id="breakdown", markup=False)

    def on_mount(self) -> None:
        self.title = _("Desk")
        self.sub_title = self.me.display_name
        self._fill_choices()
        super().on_mount()

    async def on_screen_resume(self) -> None:
        """Back from a queue or an item: the counts have changed."""
        await super().on_screen_resume()
        if not self.redrawing:
            self.action_reload()

    def _fill_choices(self) -> None:
        choices = self.query_one("#choices", OptionList)
        highlighted = choices.highlighted
        choices.set_options(
            [
                Option(choice_prompt("1", _("Requests"), requests_detail(self.data)), "requests"),
                Option(
                    choice_prompt("2", _("Outage reports"), reports_detail(self.data)), "outages"
                ),
                Option(
                    choice_prompt(
                        "3", _("Find a customer"), _("number, name, address, meter, reference")
                    ),
                    "search",
                ),
                Option(
                    choice_prompt("4", _("Audit log"), _("who opened or changed what, when")),
                    "audit",
                ),
            ]
        )
        choices.highlighted = highlighted if highlighted is not None else 0

    async def fetch(self, number: str) -> DeskData:
        return await load_desk(self.session.client)

    def show(self, data: DeskData) -> None:
        self.data = data
        self.title = _("Desk")  # again after a redraw in another language
        self._fill_choices()
        self.query_one("#breakdown", Static).update(breakdown_text(data))

    def forget_drawn(self) -> None:
        self.data = None

    async def on_key(self, event: events.Key) -> None:
        keys = {"1": "requests", "2": "outages", "3": "search", "4": "audit"}
        if event.character in keys:
            event.stop()
            await self.open(keys[event.character])

    @on(OptionList.OptionSelected, "#choices")
    async def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option_id is not None:
            await self.open(event.option_id)

    async def open(self, choice: str) -> None:
        types = self.data.types if self.data is not None else []
        if choice in ("requests", "outages"):
            self.app.push_screen(
                QueueScreen(self.session, self.me.username, choice == "outages", types)
            )
        elif choice == "search":
            await self.run_action("app.switch_account")  # the customer search
        elif choice == "audit":
            self.app.push_screen(AuditLog(self.session.client))
