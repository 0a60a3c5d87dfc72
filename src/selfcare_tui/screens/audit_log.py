"""The audit log on the agents' desk: every back-office call and every account an agent
opened, newest first, a page at a time, narrowed to an account or an agent."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static

from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import SelfcareError, TokenRejected
from selfcare_tui.core.failures import describe
from selfcare_tui.i18n import _, format_datetime, ngettext
from selfcare_tui.widgets.loading import done_loading
from selfcare_tui.widgets.login_ended import LoginEnded

from .dialog import Dialog


class AuditLog(Dialog[None]):
    """enter in a filter applies it; m (in the table) shows older entries."""

    PAGE_SIZE: ClassVar[int] = 50

    BINDINGS: ClassVar[list[BindingType]] = [Binding("m", "more", _("Older entries"))]

    CSS_PATH = "audit_log.tcss"

    def __init__(self, client: SelfcareClient) -> None:
        super().__init__()
        self._client = client
        self._cursor: str | None = None
        self._generation = 0
        self.complete = False
        self.loading_page = False
        self.shown = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="audit-log", classes="dialog-box") as box:
            box.border_title = _("Audit log")
            box.border_subtitle = _("enter apply · m older entries · esc close")
            with Horizontal(id="audit-filters"):
                yield Label(_("Account"))
                yield Input(id="account", placeholder=_("number"), compact=True)
                yield Label(_("Agent"))
                yield Input(id="agent", placeholder=_("username"), compact=True)
            table: DataTable[str] = DataTable(id="audit", cursor_type="row", zebra_stripes=True)
            table.add_column(_("When"), key="at")
            table.add_column(_("Agent"), key="agent")
            table.add_column(_("Account"), key="account")
            table.add_column(_("What"), key="what")
            yield table
            yield Static("", id="audit-status", markup=False)

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self._restart()

    @on(Input.Submitted)
    def _apply(self) -> None:
        self._restart()
        self.query_one(DataTable).focus()

    def _restart(self) -> None:
        self._generation += 1
        self._cursor = None
        self.complete = False
        self.shown = 0
        self.query_one(DataTable).clear()
        self._load_page(self._generation)

    def action_more(self) -> None:
        if not self.complete and not self.loading_page:
            self._load_page(self._generation)

    @work(exclusive=True, group="audit-log")
    async def _load_page(self, generation: int) -> None:
        self.loading_page = True
        table = self.query_one(DataTable)
        table.loading = self.shown == 0
        self._status(_("Loading…"))
        account = self.query_one("#account", Input).value.strip() or None
        agent = self.query_one("#agent", Input).value.strip() or None
        try:
            page = await self._client.audit_page(
                account_number=account,
                agent_username=agent,
                cursor=self._cursor,
                limit=self.PAGE_SIZE,
            )
        except TokenRejected as exc:
            self.dismiss(None)
            self.app.post_message(LoginEnded(describe(exc)))
            return
        except SelfcareError as exc:
            self._status(describe(exc, self._client.base_url))
            return
        finally:
            self.loading_page = False
            done_loading(table)
        if generation != self._generation:
            return
        for record in page.items:
            table.add_row(
                format_datetime(record.at),
                record.agent_username,
                record.account_number or "",
                record.operation or record.action,
            )
        self.shown += len(page.items)
        self._cursor = page.next_cursor
        self.complete = page.next_cursor is None
        if self.shown == 0:
            self._status(_("No entries."))
        elif self.complete:
            self._status(
                ngettext(
                    "The one entry is shown.", "All {count} entries shown.", self.shown
                ).format(count=self.shown)
            )
        else:
            self._status(
                _("The {count} newest entries are shown; m shows older ones.").format(
                    count=self.shown
                )
            )

    def _status(self, text: str) -> None:
        self.query_one("#audit-status", Static).update(text)
