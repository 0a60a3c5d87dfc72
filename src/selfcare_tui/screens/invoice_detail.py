"""One invoice in full: the fields the sources name, its lines and tax; its PDF, and paying it.

The dialog opens with the invoice as the list had it and fetches it afresh at once, so an
invoice reached by its number alone (the one that replaced an estimate) shows too. The PDF
goes to the downloads folder, whole or not at all, and the dialog always says where; it is
opened only where a desktop can show it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from selfcare_tui.api import models
from selfcare_tui.api.errors import SelfcareError
from selfcare_tui.core import downloads
from selfcare_tui.core.failures import describe
from selfcare_tui.core.file_names import document_file_name
from selfcare_tui.core.labels import label
from selfcare_tui.i18n import (
    _,
    format_date,
    format_kwh,
    format_money,
    format_number,
    format_percent,
    format_unit_price,
)
from selfcare_tui.session import Session
from selfcare_tui.widgets.loading import done_loading

from .dialog import Dialog
from .pay import PayDialog

Changed = Callable[[], None]


def payable(invoice: models.Invoice) -> bool:
    return invoice.status is models.InvoiceStatus.open and invoice.balance.amount > 0


def address_text(address: models.Address) -> str:
    return f"{address.street}, {address.postal_code} {address.city}, {address.country}"


def basis_text(invoice: models.Invoice) -> str:
    if not invoice.estimated:
        return _("actual meter readings")
    if invoice.replaced_by:
        return _("estimated; replaced by invoice {number} on actual readings").format(
            number=invoice.replaced_by
        )
    return _("estimated readings")


def facts_table(invoice: models.Invoice) -> Table:
    """Label and value, two columns; every fact in words, nothing told by colour alone."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    rows = [
        (_("Status"), label(invoice.status)),
        (
            _("Period"),
            _("{start} – {end}").format(
                start=format_date(invoice.period_start), end=format_date(invoice.period_end)
            ),
        ),
        (_("Issued on"), format_date(invoice.issued_on)),
        (_("Due on"), format_date(invoice.due_on)),
        (_("Billed"), format_kwh(invoice.kwh)),
        (_("Based on"), basis_text(invoice)),
        (_("Amount"), format_money(invoice.amount)),
        (_("Balance"), format_money(invoice.balance)),
        (_("Payment reference"), invoice.payment_reference),
        (_("Sent to"), address_text(invoice.correspondence_address)),
    ]
    for name, value in rows:
        grid.add_row(Text(name), Text(value))
    return grid


def lines_table(invoice: models.Invoice) -> Table:
    table = Table(box=None, padding=(0, 1), show_edge=False, expand=False)
    table.add_column(_("Line"), overflow="fold")
    table.add_column(_("Quantity"), justify="right", no_wrap=True)
    table.add_column(_("Unit price"), justify="right", no_wrap=True)
    table.add_column(_("Amount"), justify="right", no_wrap=True)
    for line in invoice.lines:
        table.add_row(
            Text(line.description),
            Text(f"{format_number(line.quantity)} {line.unit}"),
            Text(format_unit_price(line.unit_price)),
            Text(format_money(line.amount)),
        )
    table.add_row(
        Text(_("VAT {rate}").format(rate=format_percent(invoice.tax_rate))),
        "",
        "",
        Text(format_money(invoice.tax_amount)),
    )
    table.add_row(
        Text(_("Total"), style="bold"), "", "", Text(format_money(invoice.amount), style="bold")
    )
    return table


class InvoiceDetail(Dialog[None]):
    """`on_changed` is called when a payment finished, so the list behind shows it too."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "download", _("Download PDF")),
        Binding("p", "pay", _("Pay")),
        Binding("o", "open_replacement", _("Open replacing invoice"), show=False),
    ]

    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]  # noqa: RUF012
    """Below 32 lines the box fills the screen and its body scrolls above the buttons."""

    CSS_PATH = "invoice_detail.tcss"

    def __init__(
        self,
        session: Session,
        number: str,
        invoice_number: str,
        invoice: models.Invoice | None = None,
        on_changed: Changed | None = None,
    ) -> None:
        super().__init__()
        self._session = session
        self._number = number
        self._invoice_number = invoice_number
        self.invoice = invoice
        self._on_changed = on_changed
        self.saved_to: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="detail-box", classes="dialog-box") as box:
            box.border_title = _("Invoice {number}").format(number=self._invoice_number)
            box.border_subtitle = _("d PDF · p pay · esc close")
            with VerticalScroll(id="detail-body"):
                yield Static("", id="detail-facts")
                yield Static("", id="detail-lines")
            yield Static("", id="detail-message", markup=False)
            with Horizontal(id="detail-buttons"):
                yield Button(_("Download PDF"), id="detail-download", compact=True)
                yield Button(_("Pay"), id="detail-pay", variant="primary", compact=True)
                yield Button(_("Open replacing invoice"), id="detail-replacement", compact=True)
                yield Button(_("Close"), id="detail-close", compact=True)

    def on_mount(self) -> None:
        self.query_one("#detail-message").display = False
        if self.invoice is not None:
            self._show(self.invoice)
        else:
            self.query_one("#detail-pay").display = False
            self.query_one("#detail-replacement").display = False
        self.query_one("#detail-close", Button).focus()
        self._load()

    # --- the invoice ----------------------------------------------------------------------

    @work(exclusive=True, group="invoice")
    async def _load(self) -> None:
        body = self.query_one("#detail-body")
        body.loading = self.invoice is None
        try:
            invoice = await self._session.client.invoice(self._number, self._invoice_number)
        except SelfcareError as exc:
            self._say(describe(exc, self._session.server), error=True)
            return
        finally:
            done_loading(body)
        self._show(invoice)

    def _show(self, invoice: models.Invoice) -> None:
        self.invoice = invoice
        self.query_one("#detail-facts", Static).update(facts_table(invoice))
        self.query_one("#detail-lines", Static).update(lines_table(invoice))
        self.query_one("#detail-pay").display = payable(invoice)
        self.query_one("#detail-replacement").display = invoice.replaced_by is not None
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pay":
            return self.invoice is not None and payable(self.invoice)
        if action == "open_replacement":
            return self.invoice is not None and self.invoice.replaced_by is not None
        return True

    def _say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#detail-message", Static)
        message.update(text)
        message.set_class(error, "-error")
        message.display = bool(text)

    # --- PDF ------------------------------------------------------------------------------

    @on(Button.Pressed, "#detail-download")
    def action_download(self) -> None:
        if self.invoice is not None:
            self._download(self.invoice)

    @work(exclusive=True, group="download")
    async def _download(self, invoice: models.Invoice) -> None:
        self._say(_("Downloading the PDF of invoice {number}…").format(number=invoice.number))
        try:
            name = document_file_name(invoice.account_number, invoice.number, invoice.issued_on)
            path = downloads.downloads_dir() / name
            await self._session.client.download_invoice(self._number, invoice.number, path)
        except SelfcareError as exc:
            self._say(describe(exc, self._session.server), error=True)
            return
        except OSError as exc:  # a full disk, a folder not writable
            self._say(
                _("Could not save the PDF: {error}").format(error=exc.strerror or exc), error=True
            )
            return
        self.saved_to = path
        if downloads.open_file(path):
            self._say(_("Saved to {path} and opened in your PDF viewer.").format(path=path))
        else:
            self._say(
                _("Saved to {path} (no viewer to open it on this machine).").format(path=path)
            )

    # --- paying and the replacing invoice ------------------------------------------------

    @on(Button.Pressed, "#detail-pay")
    def action_pay(self) -> None:
        if self.invoice is None or not payable(self.invoice):
            return
        self.app.push_screen(
            PayDialog(self._session, self._number, [self.invoice.number], self._paid)
        )

    def _paid(self, payment: models.PaymentSession) -> None:
        self._load()
        if self._on_changed is not None:
            self._on_changed()

    @on(Button.Pressed, "#detail-replacement")
    def action_open_replacement(self) -> None:
        if self.invoice is not None and self.invoice.replaced_by is not None:
            self.app.push_screen(
                InvoiceDetail(
                    self._session,
                    self._number,
                    self.invoice.replaced_by,
                    on_changed=self._on_changed,
                )
            )

    @on(Button.Pressed, "#detail-close")
    def _close_pressed(self) -> None:
        self.action_close()
