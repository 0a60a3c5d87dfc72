"""Invoices: every invoice of the account, newest first, with filters; details, PDF, paying.

The list is paged by the server: one page is fetched when the screen opens or a filter is
applied, and the next when the user reaches the end of the table (scrolling, moving down to
the last row) or presses `m`. So an account with 100,000 invoices opens as fast as one with
ten, and the table never holds more rows than the user has looked through.

Filters are read from the form and checked before anything is sent: a date the user's locale
writes (or ISO), from not after to. A bad filter says which field and what it takes, leaves
what was typed in place, and keeps the list as it was.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from selfcare_tui.api import models
from selfcare_tui.api.errors import SelfcareError, TokenRejected
from selfcare_tui.core.dates import EXAMPLE_DAY, parse_date
from selfcare_tui.core.failures import describe
from selfcare_tui.core.labels import label
from selfcare_tui.core.loaders.invoices import (
    Filters,
    InvoicesData,
    invoices_after,
    load_invoices,
)
from selfcare_tui.i18n import _, format_date, format_money, format_short_date, ngettext
from selfcare_tui.session import Session
from selfcare_tui.widgets.login_ended import LoginEnded

from .base import AccountScreen
from .invoice_detail import InvoiceDetail, payable
from .pay import PayDialog

ALL = ""
CURRENT = "●"
ESTIMATED = "*"
MARKED = "✓"

# --- filters --------------------------------------------------------------------------------


class FilterError(Exception):
    """What is wrong with a filter, in words, and which input it is about."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def since_label() -> str:
    return _("Issued from")


def until_label() -> str:
    return _("Issued to")


def read_day(text: str, field: str, name: str) -> dt.date | None:
    if not text.strip():
        return None
    day = parse_date(text)
    if day is None:
        raise FilterError(
            _(
                "{field}: “{text}” is not a date. Type it like {example} or {iso}, or leave it "
                "empty."
            ).format(
                field=name,
                text=text.strip(),
                example=format_date(EXAMPLE_DAY),
                iso=EXAMPLE_DAY.isoformat(),
            ),
            field,
        )
    return day


def read_filters(since: str, until: str, status: str, place: str) -> Filters:
    """The filters the form holds; FilterError names the field that is not right."""
    first = read_day(since, "since", since_label())
    last = read_day(until, "until", until_label())
    if first is not None and last is not None and first > last:
        raise FilterError(
            _(
                "{since} ({first}) is after {until} ({last}): the first date must be on or "
                "before the second."
            ).format(
                since=since_label(),
                first=format_date(first),
                until=until_label(),
                last=format_date(last),
            ),
            "until",
        )
    return Filters(
        since=first,
        until=last,
        status=models.InvoiceStatus(status) if status else None,
        place_id=place or None,
    )


# --- the screen -----------------------------------------------------------------------------


def place_text(place: models.Place) -> str:
    return f"{place.address.street}, {place.address.city}"


def status_cell(invoice: models.Invoice) -> str:
    """The status as the table shows it: an estimate marked, the mark explained below the
    table, so the column stays narrow in every language."""
    return label(invoice.status) + (ESTIMATED if invoice.estimated else "")


class InvoicesScreen(AccountScreen[InvoicesData]):
    """enter opens an invoice; space marks open ones to pay together; p pays; m loads more."""

    section = "invoices"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "more", _("More")),
        Binding("space", "mark", _("Mark to pay")),
        Binding("p", "pay", _("Pay")),
        Binding("f", "filters", _("Filters")),
    ]

    CSS_PATH = "invoices.tcss"

    def __init__(
        self, session: Session, account: models.AccountSummary | None, me: models.Me
    ) -> None:
        super().__init__(session, account, me)
        self.filters = Filters()
        """The filters of the list shown; what the form holds may differ until applied."""
        self._wanted = Filters()
        """The filters of the load under way."""
        self.shown_account: str | None = None
        """The account whose invoices the table holds."""
        self.invoices: dict[str, models.Invoice] = {}
        """The rows loaded so far, by number, in the table's order."""
        self.next_cursor: str | None = None
        self.marked: set[str] = set()
        self.pages_loaded = 0
        self._places: list[models.Place] = []
        self._current: dt.date | None = None
        self._generation = 0
        self._loading_more = False
        self._more_problem: str | None = None
        self._columns_for: bool | None = None

    # --- layout ---------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        example = _("e.g. {day}").format(day=format_short_date(EXAMPLE_DAY))  # fits the field
        with Horizontal(classes="filters"):
            yield Label(since_label())
            yield Input(id="since", placeholder=example, compact=True)
            yield Label(until_label())
            yield Input(id="until", placeholder=example, compact=True)
            yield Label(_("Status"))
            yield Select[str](
                [(_("all"), ALL), *((label(s), s.value) for s in models.InvoiceStatus)],
                id="status",
                value=ALL,
                allow_blank=False,
                compact=True,
            )
        with Horizontal(classes="filters"):
            yield Label(_("Place"))
            yield Select[str](
                [(_("all places"), ALL)], id="place", value=ALL, allow_blank=False, compact=True
            )
            yield Button(_("Apply"), id="apply", compact=True)
        yield Static("", id="filter-error", markup=False)
        yield DataTable[str | Text](id="invoices", cursor_type="row")
        yield Static("", id="invoices-summary", markup=False)

    def on_mount(self) -> None:
        self.query_one("#filter-error").display = False
        table = self.query_one("#invoices", DataTable)
        self.watch(table, "scroll_y", self._scrolled, init=False)
        super().on_mount()
        table.focus()

    # --- filters --------------------------------------------------------------------------

    def _form(self) -> Filters:
        return read_filters(
            self.query_one("#since", Input).value,
            self.query_one("#until", Input).value,
            str(self.query_one("#status", Select).value),
            str(self.query_one("#place", Select).value),
        )

    def action_reload(self) -> None:
        """Refresh and applying filters alike: a filter that is not right stops here."""
        if self.redrawing:  # the list as it was, on the filters applied, not those typed
            super().action_reload()
            return
        try:
            filters = self._form()
        except FilterError as exc:
            self._filter_problem(exc.message, exc.field)
            if self.account is not None and self.account.number != self.shown_account:
                super().action_reload()  # another account: its list, on the filters last applied
            return
        self._filter_problem(None, None)
        self._wanted = filters
        super().action_reload()

    def _filter_problem(self, message: str | None, field: str | None) -> None:
        error = self.query_one("#filter-error", Static)
        error.update(message or "")
        error.display = message is not None
        for name in ("since", "until"):
            self.query_one(f"#{name}", Input).set_class(name == field, "-invalid")
        if field is not None:
            self.query_one(f"#{field}", Input).focus()

    @on(Input.Submitted, "#since, #until")
    @on(Button.Pressed, "#apply")
    def _apply(self) -> None:
        self.action_reload()

    @on(Select.Changed, "#status, #place")
    def _chosen(self) -> None:
        self.action_reload()

    def action_filters(self) -> None:
        self.query_one("#since", Input).focus()

    # --- loading --------------------------------------------------------------------------

    async def fetch(self, number: str) -> InvoicesData:
        self.workers.cancel_group(self, "more")
        return await load_invoices(self.session.client, number, self._wanted)

    def show(self, data: InvoicesData) -> None:
        self._generation += 1
        self.shown_account = data.number
        self._loading_more = False
        self._more_problem = None
        self.filters = data.filters
        self._current = data.current_issued_on
        self._show_places(data.places, data.filters.place_id)
        table = self.query_one("#invoices", DataTable)
        highlighted = self._highlighted_number()
        self._columns(len(data.places) > 1)
        table.clear()
        self.invoices = {}
        self.marked &= {i.number for i in data.page.items if payable(i)}
        self.pages_loaded = 0
        self.next_cursor = None
        self._append(data.page)
        if highlighted in self.invoices:
            table.move_cursor(row=table.get_row_index(highlighted), animate=False)

    def _show_places(self, places: list[models.Place], chosen: str | None) -> None:
        if [p.id for p in places] == [p.id for p in self._places]:
            return
        self._places = places
        select: Select[str] = self.query_one("#place", Select)
        with self.prevent(Select.Changed):
            select.set_options([(_("all places"), ALL), *((place_text(p), p.id) for p in places)])
            select.value = chosen or ALL

    def forget_drawn(self) -> None:
        self._columns_for = None

    def _columns(self, with_place: bool) -> None:
        if self._columns_for == with_place:
            return
        self._columns_for = with_place
        table = self.query_one("#invoices", DataTable)
        table.clear(columns=True)
        table.add_column("", key="mark", width=2)
        table.add_column(_("Invoice"), key="number")
        table.add_column(_("Issued"), key="issued")
        table.add_column(_("Status"), key="status")
        table.add_column(_("Amount"), key="amount")
        table.add_column(_("Balance"), key="balance")
        table.add_column(_("Due"), key="due")
        if with_place:
            table.add_column(_("Place"), key="place")

    def _is_current(self, invoice: models.Invoice) -> bool:
        return (
            invoice.issued_on == self._current
            and invoice.status is not models.InvoiceStatus.replaced
        )

    def _mark_text(self, invoice: models.Invoice) -> str:
        return (CURRENT if self._is_current(invoice) else " ") + (
            MARKED if invoice.number in self.marked else " "
        )

    def _append(self, page: models.Page[models.Invoice]) -> None:
        table = self.query_one("#invoices", DataTable)
        places = {p.id: place_text(p) for p in self._places}
        for invoice in page.items:
            if invoice.number in self.invoices:
                continue  # an invoice issued meanwhile shifts the pages; never show it twice
            self.invoices[invoice.number] = invoice
            style = "bold" if self._is_current(invoice) else ""
            cells: list[str | Text] = [
                self._mark_text(invoice),
                Text(invoice.number, style=style),
                Text(format_short_date(invoice.issued_on), style=style),
                Text(status_cell(invoice), style=style),
                Text(format_money(invoice.amount), style=style, justify="right"),
                Text(format_money(invoice.balance), style=style, justify="right"),
                Text(format_short_date(invoice.due_on), style=style),
            ]
            if self._columns_for:
                cells.append(Text(places.get(invoice.place_id, invoice.place_id), style=style))
            table.add_row(*cells, key=invoice.number)
        self.pages_loaded += 1
        self.next_cursor = page.next_cursor
        self._summary()
        self.refresh_bindings()

    def _summary(self, loading: bool = False) -> None:
        count = len(self.invoices)
        if count == 0:
            filtered = self.filters != Filters()
            text = _("No invoices match these filters.") if filtered else _("No invoices yet.")
        elif loading:
            text = _("{count} shown; loading more…").format(count=count)
        elif self.next_cursor is not None:
            text = ngettext(
                "{count} invoice, newest first; more: m or scroll down.",
                "{count} invoices, newest first; more: m or scroll down.",
                count,
            ).format(count=count)
        else:
            text = ngettext(
                "{count} invoice, all shown, newest first.",
                "{count} invoices, all shown, newest first.",
                count,
            ).format(count=count)
        if self._more_problem is not None:
            text = _("{problem} Press m to try again.").format(problem=self._more_problem)
        elif count and self._current is not None:
            text += " " + _("{mark} current").format(mark=CURRENT)
        if self._more_problem is None and any(i.estimated for i in self.invoices.values()):
            text += " " + _("{mark} estimated").format(mark=ESTIMATED)
        self.query_one("#invoices-summary", Static).update(text)

    # --- more -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "more":
            return self.next_cursor is not None  # the key shows only while there is more
        return True

    def action_more(self) -> None:
        if self.next_cursor is not None and not self._loading_more and self.account is not None:
            self._loading_more = True
            self._more(self.account.number, self.next_cursor, self._generation)

    def _scrolled(self, scroll_y: float) -> None:
        table = self.query_one("#invoices", DataTable)
        if table.max_scroll_y > 0 and scroll_y >= table.max_scroll_y:
            self.action_more()

    @on(DataTable.RowHighlighted, "#invoices")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - 1:
            self.action_more()

    @work(exclusive=True, group="more")
    async def _more(self, number: str, cursor: str, generation: int) -> None:
        filters = self.filters
        self._more_problem = None
        self._summary(loading=True)
        try:
            page = await invoices_after(self.session.client, number, filters, cursor)
        except TokenRejected as exc:
            self.post_message(LoginEnded(describe(exc)))
            return
        except SelfcareError as exc:
            self._more_problem = describe(exc, self.session.server)
            self._summary()
            return
        finally:
            if generation == self._generation:
                self._loading_more = False
        if generation == self._generation:  # not a list since replaced by a reload
            self._append(page)

    # --- details, marks, paying ------------------------------------------------------------

    def _highlighted_number(self) -> str | None:
        table = self.query_one("#invoices", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return key if key in self.invoices else None

    @on(DataTable.RowSelected, "#invoices")
    def _open(self, event: DataTable.RowSelected) -> None:
        number = event.row_key.value
        if number is None or number not in self.invoices or self.account is None:
            return
        self.app.push_screen(
            InvoiceDetail(
                self.session,
                self.account.number,
                number,
                self.invoices[number],
                on_changed=self.action_reload,
            )
        )

    def action_mark(self) -> None:
        number = self._highlighted_number()
        if number is None:
            return
        invoice = self.invoices[number]
        if not payable(invoice):
            self.notify(
                _("Invoice {number} is {status}: nothing to pay.").format(
                    number=number, status=label(invoice.status)
                ),
                severity="warning",
            )
            return
        self.marked ^= {number}
        table = self.query_one("#invoices", DataTable)
        table.update_cell(number, "mark", self._mark_text(invoice))

    def action_pay(self) -> None:
        if self.account is None:
            return
        chosen = [n for n in self.invoices if n in self.marked]
        if not chosen:
            number = self._highlighted_number()
            if number is None or not payable(self.invoices[number]):
                self.notify(
                    _("Choose an open invoice to pay, or mark several with space."),
                    severity="warning",
                )
                return
            chosen = [number]
        self.app.push_screen(PayDialog(self.session, self.account.number, chosen, self._paid))

    def _paid(self, payment: models.PaymentSession) -> None:
        if payment.status is models.PaymentSessionStatus.succeeded:
            self.marked -= set(payment.invoice_numbers)
        self.action_reload()
