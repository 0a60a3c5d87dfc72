"""A work queue of the agents' desk: requests or outage reports, oldest first.

The server pages the queue: the screen asks for one page when it opens or a filter changes,
and the next when the agent reaches the last row (moving down, scrolling, or `m`). A queue
of 100,000 items opens as fast as one of ten, and the table holds only what was looked at.
An item's screen hands back each change it made, so its row shows it without a reload.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Select, Static

from selfcare_tui.api import models
from selfcare_tui.api.errors import SelfcareError, TokenRejected
from selfcare_tui.core.desk import DeskItem, holder_name
from selfcare_tui.core.failures import describe
from selfcare_tui.core.labels import label
from selfcare_tui.core.loaders.desk import QueueFilters, report_page, request_page
from selfcare_tui.core.request_history import stage_label, type_title
from selfcare_tui.i18n import _, format_short_date, ngettext
from selfcare_tui.session import Session
from selfcare_tui.widgets.loading import done_loading
from selfcare_tui.widgets.login_ended import LoginEnded

from .desk_item import ReportItemScreen, RequestItemScreen

ALL = ""


def taken_choices() -> list[tuple[str, models.TakenFilter]]:
    return [
        (_("anyone's"), models.TakenFilter.any),
        (_("not taken"), models.TakenFilter.untaken),
        (_("mine"), models.TakenFilter.mine),
    ]


def cut(text: str, width: int) -> str:
    """Narrow enough for the table to fit 80 columns; the item's screen has it whole."""
    return text if len(text) <= width else text[: width - 1] + "…"


def item_id(item: DeskItem) -> str:
    return item.reference if isinstance(item, models.DeskOutageReport) else item.id


class QueueScreen(Screen[None]):
    """enter opens an item; the filters above the table narrow the queue."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", _("Back")),
        Binding("r", "reload", _("Refresh")),
        Binding("m", "more", _("More")),
    ]

    CSS_PATH = "desk_queue.tcss"
    AUTO_FOCUS = "#queue"

    def __init__(
        self, session: Session, agent: str, reports: bool, types: list[models.RequestType]
    ) -> None:
        super().__init__()
        self.session = session
        self.agent = agent
        self.reports = reports
        self.types = types
        self.items: dict[str, DeskItem] = {}
        self.next_cursor: str | None = None
        self.pages_loaded = 0
        self._generation = 0
        self._loading_more = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="queue-filters"):
            yield Label(_("Taken by"))
            yield Select(
                taken_choices(),
                id="taken",
                value=models.TakenFilter.any,
                allow_blank=False,
                compact=True,
            )
            if not self.reports:
                yield Label(_("Type"))
                yield Select[str](
                    [(_("all types"), ALL), *((t.name, t.code) for t in self.types)],
                    id="type",
                    value=ALL,
                    allow_blank=False,
                    compact=True,
                )
        table: DataTable[str] = DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        if self.reports:
            columns = [_("Reference"), _("Reported"), _("Status"), _("Area")]
        else:
            columns = [_("ID"), _("Received"), _("Type"), _("Stage")]
        for column in [*columns, _("Taken by"), _("Account")]:
            table.add_column(column)
        yield table
        yield Static("", id="queue-summary", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = _("Outage reports") if self.reports else _("Requests")
        self.sub_title = _("oldest first")
        table = self.query_one("#queue", DataTable)
        self.watch(table, "scroll_y", self._scrolled, init=False)
        table.focus()
        self.action_reload()

    @property
    def filters(self) -> QueueFilters:
        taken = self.query_one("#taken", Select).value
        type_code = None if self.reports else self.query_one("#type", Select).value
        return QueueFilters(
            taken=taken if isinstance(taken, models.TakenFilter) else models.TakenFilter.any,
            type_code=type_code if isinstance(type_code, str) and type_code else None,
        )

    @on(Select.Changed)
    def _filtered(self) -> None:
        if self.is_mounted:
            self.action_reload()

    def action_back(self) -> None:
        self.dismiss(None)

    # --- loading --------------------------------------------------------------------------

    def action_reload(self) -> None:
        self._generation += 1
        self.workers.cancel_group(self, "more")
        self._loading_more = False
        self._load(self.filters, self._generation)

    @work(exclusive=True, group="queue")
    async def _load(self, filters: QueueFilters, generation: int) -> None:
        table = self.query_one("#queue", DataTable)
        table.loading = True
        try:
            page = await self._page(filters, None)
        except TokenRejected as exc:
            self.app.post_message(LoginEnded(describe(exc)))
            return
        except SelfcareError as exc:
            self._summary(describe(exc, self.session.server))
            return
        finally:
            done_loading(table)
        if generation != self._generation:
            return
        table.clear()
        self.items = {}
        self.pages_loaded = 0
        self._append(page)

    async def _page(
        self, filters: QueueFilters, cursor: str | None
    ) -> models.Page[models.DeskRequest] | models.Page[models.DeskOutageReport]:
        if self.reports:
            return await report_page(self.session.client, filters, cursor)
        return await request_page(self.session.client, filters, cursor)

    def _append(
        self, page: models.Page[models.DeskRequest] | models.Page[models.DeskOutageReport]
    ) -> None:
        table = self.query_one("#queue", DataTable)
        for item in page.items:
            key = item_id(item)
            if key in self.items:
                continue  # moved between pages while paging
            self.items[key] = item
            table.add_row(*self._cells(item), key=key)
        self.next_cursor = page.next_cursor
        self.pages_loaded += 1
        self._summary()
        self.refresh_bindings()

    def _cells(self, item: DeskItem) -> list[str]:
        if isinstance(item, models.DeskOutageReport):
            first = [
                item.reference,
                format_short_date(item.created_at.date()),
                label(item.status),
                item.area,
            ]
        else:
            first = [
                item.id,
                format_short_date(item.created_at.date()),
                cut(type_title(item.type_code, self.types), 18),
                stage_label(item.stage) if item.stage else label(item.status),
            ]
        return [*first, cut(holder_name(item), 14), item.account_name]

    def _summary(self, problem: str | None = None) -> None:
        count = len(self.items)
        if problem is not None:
            text = _("{problem} Press r to try again.").format(problem=problem)
        elif self._loading_more:
            text = _("{count} shown; loading more…").format(count=count)
        elif count == 0:
            text = _("Nothing waits in this queue.")
        elif self.next_cursor is not None:
            text = ngettext(
                "{count} item shown, oldest first; more: m or scroll down.",
                "{count} items shown, oldest first; more: m or scroll down.",
                count,
            ).format(count=count)
        else:
            text = ngettext(
                "{count} item, oldest first; enter opens it.",
                "{count} items, oldest first; enter opens one.",
                count,
            ).format(count=count)
        self.query_one("#queue-summary", Static).update(text)

    # --- more -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "more":
            return self.next_cursor is not None
        return True

    def action_more(self) -> None:
        if self.next_cursor is not None and not self._loading_more:
            self._loading_more = True
            self._summary()
            self._more(self.filters, self.next_cursor, self._generation)

    def _scrolled(self, scroll_y: float) -> None:
        table = self.query_one("#queue", DataTable)
        if table.max_scroll_y > 0 and scroll_y >= table.max_scroll_y:
            self.action_more()

    @on(DataTable.RowHighlighted, "#queue")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - 1:
            self.action_more()

    @work(exclusive=True, group="more")
    async def _more(self, filters: QueueFilters, cursor: str, generation: int) -> None:
        problem = None
        try:
            page = await self._page(filters, cursor)
        except TokenRejected as exc:
            self.app.post_message(LoginEnded(describe(exc)))
            return
        except SelfcareError as exc:
            problem = describe(exc, self.session.server)
        finally:
            if generation == self._generation:
                self._loading_more = False
        if generation != self._generation:
            return
        if problem is not None:
            self._summary(problem)
            return
        self._append(page)

    # --- an item --------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#queue")
    def _open(self, event: DataTable.RowSelected) -> None:
        item = self.items.get(str(event.row_key.value))
        if isinstance(item, models.DeskOutageReport):
            self.app.push_screen(ReportItemScreen(self.session, self.agent, item, self.changed))
        elif item is not None:
            self.app.push_screen(
                RequestItemScreen(self.session, self.agent, item, self.changed, self.types)
            )

    def changed(self, item: DeskItem) -> None:
        """An item's screen changed it: its row shows it as it is now."""
        key = item_id(item)
        if key not in self.items:
            return
        self.items[key] = item
        table = self.query_one("#queue", DataTable)
        for column, value in zip(table.columns, self._cells(item), strict=True):
            table.update_cell(key, column, value, update_width=True)
