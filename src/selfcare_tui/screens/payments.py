"""Payments and notices: what arrived and what it settled, has my payment arrived, reminders.

Payments and notices come a page at a time: the first page with the screen, more on request
(m, or the button). A further page is asked for afresh (payments up to the oldest one shown),
skipping what is shown, so nothing is held open between pages and a failed page is simply asked
for again. "Has my payment arrived" searches the server by reference and says what the payment
settled and up to which day that pays for; an unknown reference gets a plain answer. A notice's
PDF is saved in the downloads folder and opened where a desktop can show it; its path is always
shown, since over SSH nothing opens.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import ClassVar, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Static

from selfcare_tui.api import models
from selfcare_tui.api.errors import SelfcareError, TokenRejected
from selfcare_tui.core import downloads
from selfcare_tui.core.failures import describe
from selfcare_tui.core.file_names import document_file_name
from selfcare_tui.core.labels import label
from selfcare_tui.core.loaders.parts import or_refusal
from selfcare_tui.core.loaders.payments import (
    Listing,
    PaymentsData,
    load_payments,
    next_page,
)
from selfcare_tui.core.payment_references import (
    check_digit_fits,
    clean_reference,
    reference_hint,
    reference_problem,
)
from selfcare_tui.i18n import _, format_date, format_money, ngettext
from selfcare_tui.session import Session
from selfcare_tui.widgets.login_ended import LoginEnded

from .base import AccountScreen

T = TypeVar("T")


# --- references ----------------------------------------------------------------------------


# --- pages ---------------------------------------------------------------------------------


# --- texts ---------------------------------------------------------------------------------


def settled_text(payment: models.Payment) -> str:
    return ", ".join(s.invoice_number for s in payment.settled) or "–"


def payment_detail(payment: models.Payment) -> str:
    head = _("{day}: {amount} by {method}, reference {reference}.").format(
        day=format_date(payment.paid_on),
        amount=format_money(payment.amount),
        method=label(payment.method),
        reference=payment.reference,
    )
    if not payment.settled:
        return head + "\n" + _("It has not been booked against an invoice yet.")
    settled = "; ".join(
        _("{invoice} {amount}").format(invoice=s.invoice_number, amount=format_money(s.amount))
        for s in payment.settled
    )
    return head + "\n" + _("It settled: {invoices}").format(invoices=settled)


def notice_detail(notice: models.Notice) -> str:
    return "\n".join(
        [
            _("{kind} {number}, sent on {issued}: {amount} by {deadline} ({status}).").format(
                kind=label(notice.kind),
                number=notice.number,
                issued=format_date(notice.issued_on),
                amount=format_money(notice.amount),
                deadline=format_date(notice.deadline),
                status=label(notice.status),
            ),
            _("For invoices: {invoices}").format(invoices=", ".join(notice.invoice_numbers)),
        ]
    )


def search_answer(
    reference: str,
    payments: Sequence[models.Payment],
    invoices: dict[str, models.Invoice],
) -> str:
    """The answer to "has my payment arrived", with what each payment paid for."""
    if not payments:
        answer = _("No payment with reference {reference} has arrived yet.").format(
            reference=reference
        )
        if reference.isdigit() and not check_digit_fits(reference):
            answer += "\n" + _(
                "Check the number: its last digit does not fit the others, so it may be mistyped."
            )
        return answer
    lines = [
        arrived_message(len(payments)).format(count=len(payments), reference=reference),
    ]
    for payment in payments:
        lines.append(
            _("{day}: {amount} by {method}.").format(
                day=format_date(payment.paid_on),
                amount=format_money(payment.amount),
                method=label(payment.method),
            )
        )
        for settlement in payment.settled:
            invoice = invoices.get(settlement.invoice_number)
            if invoice is None:
                lines.append(
                    _("  settled {invoice}: {amount}").format(
                        invoice=settlement.invoice_number, amount=format_money(settlement.amount)
                    )
                )
            else:
                lines.append(
                    _("  settled {invoice} for {start} – {end}: {amount}").format(
                        invoice=settlement.invoice_number,
                        start=format_date(invoice.period_start),
                        end=format_date(invoice.period_end),
                        amount=format_money(settlement.amount),
                    )
                )
    covered = [
        invoices[s.invoice_number].period_end
        for p in payments
        for s in p.settled
        if s.invoice_number in invoices
    ]
    if covered:
        lines.append(
            _("This pays for your electricity up to {day}.").format(day=format_date(max(covered)))
        )
    return "\n".join(lines)


def arrived_message(count: int) -> str:
    return ngettext(
        "Yes: a payment with reference {reference} has arrived.",
        "Yes: {count} payments with reference {reference} have arrived.",
        count,
    )


# --- the screen ----------------------------------------------------------------------------


class PaymentsScreen(AccountScreen[PaymentsData]):
    """Search on top; payments, then notices, each with the highlighted row's details."""

    section = "payments"
    AUTO_FOCUS = "#payments"
    """Keys such as m and d work at once; / goes to the search."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "find", _("Find a payment"), key_display="/"),
        Binding("m", "more", _("More rows")),
        Binding("d", "download", _("Notice PDF")),
    ]

    CSS_PATH = "payments.tcss"

    def __init__(
        self, session: Session, account: models.AccountSummary | None, me: models.Me
    ) -> None:
        super().__init__(session, account, me)
        self.payments: list[models.Payment] = []
        """The payments shown, newest first."""
        self.notices: list[models.Notice] = []
        self.more_payments = False
        self.more_notices = False
        self._shown_for: str | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(id="search-panel", classes="panel") as panel:
            panel.border_title = _("Has my payment arrived?")
            with Horizontal(id="search-row"):
                yield Input(
                    id="reference",
                    placeholder=_("Payment reference"),
                    max_length=80,
                    compact=True,
                )
                yield Button(_("Search"), id="search", compact=True)
            yield Static(reference_hint(), id="reference-hint", markup=False)
            yield Static("", id="search-result", markup=False)
        with Vertical(id="payments-panel", classes="panel") as panel:
            panel.border_title = _("Payments")
            yield DataTable[str](id="payments", cursor_type="row", zebra_stripes=True)
            yield Static("", id="payment-detail", classes="detail", markup=False)
            with Horizontal(classes="more-row"):
                yield Button(_("More payments"), id="more-payments", compact=True)
                yield Static("", id="payments-status", classes="status", markup=False)
        with Vertical(id="notices-panel", classes="panel") as panel:
            panel.border_title = _("Reminders and warnings")
            yield DataTable[str](id="notices", cursor_type="row", zebra_stripes=True)
            yield Static("", id="notice-detail", classes="detail", markup=False)
            with Horizontal(classes="more-row"):
                yield Button(_("Save PDF"), id="download", variant="primary", compact=True)
                yield Button(_("More notices"), id="more-notices", compact=True)
            yield Static("", id="notices-status", classes="status", markup=False)

    def on_mount(self) -> None:
        payments = self.query_one("#payments", DataTable)
        payments.add_column(_("Paid on"), key="paid_on")
        payments.add_column(_("Amount"), key="amount")
        payments.add_column(_("Method"), key="method")
        payments.add_column(_("Reference"), key="reference")
        payments.add_column(_("Settled invoices"), key="settled")
        notices = self.query_one("#notices", DataTable)
        notices.add_column(_("Notice"), key="number")
        notices.add_column(_("Kind"), key="kind")
        notices.add_column(_("Deadline"), key="deadline")
        notices.add_column(_("Amount"), key="amount")
        notices.add_column(_("Status"), key="status")
        notices.add_column(_("Invoices"), key="invoices")
        for status in ("#search-result", "#payments-status", "#notices-status"):
            self._say(status, "")
        self._show_more()
        super().on_mount()

    # --- loading ---------------------------------------------------------------------------

    async def fetch(self, number: str) -> PaymentsData:
        return await load_payments(self.session.client, number)

    def show(self, data: PaymentsData) -> None:
        number = self.account.number if self.account is not None else None
        if number != self._shown_for:
            self._say("#search-result", "")
            self._say("#notices-status", "")
        self._shown_for = number
        self.payments, self.more_payments = [], data.payments.more
        self.notices, self.more_notices = [], data.notices.more
        self.query_one("#payments", DataTable).clear()
        self.query_one("#notices", DataTable).clear()
        self._add_payments(data.payments.items)
        self._add_notices(data.notices.items)
        self._say("#payments-status", "")

    def _add_payments(self, page: list[models.Payment]) -> None:
        table = self.query_one("#payments", DataTable)
        for payment in page:
            table.add_row(
                format_date(payment.paid_on),
                format_money(payment.amount),
                label(payment.method),
                payment.reference,
                settled_text(payment),
                key=payment.id,
            )
        self.payments += page
        if not self.payments:
            self._say("#payment-detail", _("No payments on this account yet."))
        else:
            self._show_payment(table.cursor_row)
        self._show_more()

    def _add_notices(self, page: list[models.Notice]) -> None:
        table = self.query_one("#notices", DataTable)
        for notice in page:
            table.add_row(
                notice.number,
                label(notice.kind),
                format_date(notice.deadline),
                format_money(notice.amount),
                label(notice.status),
                ", ".join(notice.invoice_numbers),
                key=notice.number,
            )
        self.notices += page
        if not self.notices:
            self._say("#notice-detail", _("No payment reminders or disconnection warnings."))
        else:
            self._show_notice(table.cursor_row)
        self._show_more()

    def _show_more(self) -> None:
        self.query_one("#more-payments", Button).display = self.more_payments
        self.query_one("#more-notices", Button).display = self.more_notices
        self.query_one("#download", Button).display = bool(self.notices)
        self.query_one("#payments-panel").border_title = (
            _("Payments ({count} shown, more with m)").format(count=len(self.payments))
            if self.more_payments
            else _("Payments ({count})").format(count=len(self.payments))
        )

    def _say(self, selector: str, text: str, *, error: bool = False) -> None:
        widget = self.query_one(selector, Static)
        widget.update(text)
        widget.set_class(error, "-error")
        widget.display = bool(text)

    # --- details of the highlighted rows ---------------------------------------------------

    @on(DataTable.RowHighlighted, "#payments")
    def _payment_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_payment(event.cursor_row)

    @on(DataTable.RowHighlighted, "#notices")
    def _notice_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_notice(event.cursor_row)

    def _show_payment(self, row: int) -> None:
        if 0 <= row < len(self.payments):
            self._say("#payment-detail", payment_detail(self.payments[row]))

    def _show_notice(self, row: int) -> None:
        if 0 <= row < len(self.notices):
            hint = _("enter or d: save its PDF to your downloads folder")
            self._say("#notice-detail", notice_detail(self.notices[row]) + "\n" + hint)

    # --- more rows -------------------------------------------------------------------------

    def action_more(self) -> None:
        """More of the list in focus; payments when neither is."""
        focused = self.focused
        if focused is not None and focused.id in ("notices", "more-notices"):
            self._more_notices()
        elif self.more_payments:
            self._more_payments()
        elif self.more_notices:
            self._more_notices()

    @on(Button.Pressed, "#more-payments")
    def _more_payments(self) -> None:
        if self.more_payments and self.account is not None:
            self._load_more_payments(self.account.number)

    @on(Button.Pressed, "#more-notices")
    def _more_notices(self) -> None:
        if self.more_notices and self.account is not None:
            self._load_more_notices(self.account.number)

    @work(exclusive=True, group="more-payments")
    async def _load_more_payments(self, number: str) -> None:
        shown = {p.id for p in self.payments}
        oldest = self.payments[-1].paid_on if self.payments else None
        items = self.session.client.iter_payments(number, until=oldest)
        page = await self._more("#payments-status", next_page(items, lambda p: p.id in shown))
        if page is None or self.account is None or self.account.number != number:
            return
        self.more_payments = page.more
        self._add_payments(page.items)

    @work(exclusive=True, group="more-notices")
    async def _load_more_notices(self, number: str) -> None:
        shown = {n.number for n in self.notices}
        items = self.session.client.iter_notices(number)
        page = await self._more("#notices-status", next_page(items, lambda n: n.number in shown))
        if page is None or self.account is None or self.account.number != number:
            return
        self.more_notices = page.more
        self._add_notices(page.items)

    async def _more(self, status: str, call: Awaitable[Listing[T]]) -> Listing[T] | None:
        self._say(status, _("Loading…"))
        try:
            page = await call
        except TokenRejected as exc:
            self.post_message(LoginEnded(describe(exc)))
            return None
        except SelfcareError as exc:
            self._say(
                status,
                _("{problem} Press m to try again.").format(
                    problem=describe(exc, self.session.server)
                ),
                error=True,
            )
            return None
        self._say(status, "")
        return page

    # --- has my payment arrived ------------------------------------------------------------

    def action_find(self) -> None:
        self.query_one("#reference", Input).focus()

    @on(Input.Submitted, "#reference")
    @on(Button.Pressed, "#search")
    def _search(self) -> None:
        reference = clean_reference(self.query_one("#reference", Input).value)
        problem = reference_problem(reference)
        if problem is not None:
            self._say("#search-result", problem, error=True)
            self.query_one("#reference", Input).focus()
            return
        if self.account is not None:
            self._find(self.account.number, reference)

    @work(exclusive=True, group="search")
    async def _find(self, number: str, reference: str) -> None:
        self._say(
            "#search-result",
            _("Looking for a payment with reference {reference}…").format(reference=reference),
        )
        client = self.session.client
        try:
            found = await client.find_payments(number, reference)
            wanted = sorted({s.invoice_number for p in found for s in p.settled})
            fetched = await asyncio.gather(
                *(or_refusal(client.invoice(number, invoice)) for invoice in wanted)
            )
        except TokenRejected as exc:
            self.post_message(LoginEnded(describe(exc)))
            return
        except SelfcareError as exc:
            self._say("#search-result", describe(exc, self.session.server), error=True)
            return
        if self.account is None or self.account.number != number:
            return
        invoices = {i.number: i for i in fetched if isinstance(i, models.Invoice)}
        self._say("#search-result", search_answer(reference, found, invoices))

    # --- notice PDFs -----------------------------------------------------------------------

    @on(DataTable.RowSelected, "#notices")
    def _notice_selected(self) -> None:
        self.action_download()

    @on(Button.Pressed, "#download")
    def action_download(self) -> None:
        row = self.query_one("#notices", DataTable).cursor_row
        if self.account is None or not 0 <= row < len(self.notices):
            self._say("#notices-status", _("There is no notice to save."), error=True)
            return
        self._download(self.account.number, self.notices[row])

    @work(exclusive=True, group="download")
    async def _download(self, number: str, notice: models.Notice) -> None:
        self._say("#notices-status", _("Saving notice {number}…").format(number=notice.number))
        try:
            path = downloads.downloads_dir() / document_file_name(
                number, notice.number, notice.issued_on
            )
            await self.session.client.download_notice(number, notice.number, path)
        except TokenRejected as exc:
            self.post_message(LoginEnded(describe(exc)))
            return
        except SelfcareError as exc:
            self._say("#notices-status", describe(exc, self.session.server), error=True)
            return
        except OSError as exc:
            self._say(
                "#notices-status",
                _("Could not save the PDF: {problem}").format(problem=exc.strerror or exc),
                error=True,
            )
            return
        if downloads.open_file(path):
            text = _("Saved to {path} and opened.").format(path=path)
        else:
            text = _(
                "Saved to {path}. Nothing here can show it (no desktop, as over SSH): "
                "open it from there."
            ).format(path=path)
        self._say("#notices-status", text)
