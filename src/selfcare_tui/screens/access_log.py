"""Who from the utility opened the account, when, and what they did: the holder's view of
the audit log, opened from Your details (`a`). No anchor portal shows its customers this."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Static

from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import SelfcareError, TokenRejected
from selfcare_tui.core.failures import describe
from selfcare_tui.i18n import _, format_datetime, ngettext
from selfcare_tui.widgets.loading import done_loading
from selfcare_tui.widgets.login_ended import LoginEnded

from .dialog import Dialog


class AccessLog(Dialog[None]):
    """The account's access log, newest first, a page at a time."""

    PAGE_SIZE: ClassVar[int] = 50

    BINDINGS: ClassVar[list[BindingType]] = [Binding("m", "more", _("Older entries"))]

    CSS_PATH = "access_log.tcss"

    def __init__(self, client: SelfcareClient, number: str) -> None:
        super().__init__()
        self._client = client
        self._number = number
        self._cursor: str | None = None
        self.complete = False
        self.loading_page = False
        self.shown = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="access-log", classes="dialog-box") as box:
            box.border_title = _("Access log")
            box.border_subtitle = _("m older entries · esc close")
            yield Static(
                _("Every time someone from the utility opened or changed this account."),
                id="access-intro",
                markup=False,
            )
            table: DataTable[str] = DataTable(id="entries", cursor_type="row", zebra_stripes=True)
            table.add_column(_("When"), key="at")
            table.add_column(_("Who"), key="who")
            table.add_column(_("What"), key="what")
            yield table
            yield Static("", id="access-status", markup=False)
            with Horizontal(id="access-buttons"):
                yield Button(_("Older entries"), id="more", variant="primary")
                yield Button(_("Close"), id="close")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.action_more()

    def action_more(self) -> None:
        if not self.complete and not self.loading_page:
            self._load_page()

    @on(Button.Pressed, "#more")
    def _more_pressed(self) -> None:
        self.action_more()

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close()

    @work(group="access-log")
    async def _load_page(self) -> None:
        self.loading_page = True
        table = self.query_one(DataTable)
        button = self.query_one("#more", Button)
        button.disabled = True
        table.loading = self.shown == 0
        self._status(_("Loading…"))
        try:
            page = await self._client.access_log_page(
                self._number, cursor=self._cursor, limit=self.PAGE_SIZE
            )
        except TokenRejected as exc:
            self.dismiss(None)
            self.app.post_message(LoginEnded(describe(exc)))
            return
        except SelfcareError as exc:
            self._status(describe(exc, self._client.base_url))
            button.disabled = False
            return
        finally:
            self.loading_page = False
            done_loading(table)
        for entry in page.items:
            table.add_row(format_datetime(entry.at), entry.agent_name, entry.summary)
        self.shown += len(page.items)
        self._cursor = page.next_cursor
        self.complete = page.next_cursor is None
        button.disabled = self.complete
        button.display = not self.complete
        if self.shown == 0:
            self._status(_("Nobody from the utility has opened this account."))
        elif self.complete:
            self._status(
                ngettext(
                    "The one entry is shown.", "All {count} entries shown.", self.shown
                ).format(count=self.shown)
            )
        else:
            self._status(
                _("The {count} newest entries are shown; m or the button shows older ones.").format(
                    count=self.shown
                )
            )

    def _status(self, text: str) -> None:
        self.query_one("#access-status", Static).update(text)
