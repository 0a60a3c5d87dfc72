"""PDF documents of the reference backend: invoices and payment notices.

The output is deterministic (same input and language, same bytes) because the API publishes
a sha256 of each document so clients can verify downloads and skip unchanged ones. Hence the
creation date comes from the document's issue date, the producer string is fixed, and the
file identifier is fpdf's default: a hash of the content and that creation date.

A document is written in the account's language (`language`), its words from the server's
catalogs and its dates, amounts and numbers as that language writes them. It is drawn in
DejaVu Sans, embedded (only the glyphs used), so Romanian ș ț, Estonian õ š ž and Cyrillic
render as they are: `fonts/` has the files and their licence. Layout does not use automatic
page breaks: an invoice is always exactly two pages and a notice one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from babel.numbers import format_currency, format_decimal
from babel.numbers import format_percent as _babel_percent
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from selfcare_tui.api.models import (
    Address,
    Invoice,
    InvoiceStatus,
    Money,
    Notice,
    NoticeKind,
    Reading,
    ReadingSource,
)

from .i18n import N_, _, format_date, locale, ngettext, speaking, stored

UTILITY_NAME = "Selfcare Reference Utility"
FONTS = Path(__file__).parent / "fonts"
FONT = "DejaVuSans"

_CENTS = Decimal("0.01")
_UNIT_PRICE_STEP = Decimal("0.00001")
_PAGE_WIDTH = 210.0  # A4, mm
_PAGE_HEIGHT = 297.0
_MARGIN = 18.0
_CONTENT_WIDTH = _PAGE_WIDTH - 2 * _MARGIN
_FOOTER_Y = _PAGE_HEIGHT - 14.0
_LABEL_WIDTH = 62.0
_ROW = 6.0
_TABLE_ROW = 5.0
# Page two stops its tables here, leaving room for the totals and the footer.
_TABLES_BOTTOM = _FOOTER_Y - 30.0

_STATUSES = {
    InvoiceStatus.open: N_("open"),
    InvoiceStatus.paid: N_("paid"),
    InvoiceStatus.replaced: N_("replaced"),
}
_SOURCES = {
    ReadingSource.customer: N_("customer"),
    ReadingSource.utility: N_("utility"),
    ReadingSource.estimated: N_("estimated"),
    ReadingSource.remote: N_("remote"),
}


def printable(text: str) -> str:
    """One line of text as a cell can hold it: control characters become spaces."""
    return "".join(" " if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 else c for c in text)


def format_money(money: Money) -> str:
    """An amount as the document's language writes it (41,50 € in Estonian): to the cent,
    rounded half up, never via float."""
    amount = money.amount.quantize(_CENTS, rounding=ROUND_HALF_UP)
    return format_currency(amount, money.currency, locale=locale())


def format_unit_price(money: Money) -> str:
    """A price per unit, keeping sub-cent digits since kWh prices have up to five."""
    amount = money.amount.quantize(_UNIT_PRICE_STEP, rounding=ROUND_HALF_UP)
    return format_currency(
        amount,
        money.currency,
        locale=locale(),
        currency_digits=False,
        decimal_quantization=False,
    )


def format_quantity(value: Decimal) -> str:
    """A quantity as stored (all its decimals), in the language's digits and separators."""
    return format_decimal(value, format="#,##0.###", locale=locale())


def format_tax_rate(rate: Decimal) -> str:
    """A tax rate stored as a fraction (0.2200) as a percentage (22%), keeping decimals."""
    return _babel_percent(rate.normalize(), locale=locale(), decimal_quantization=False)


def _address_lines(address: Address) -> list[str]:
    return [address.street, f"{address.postal_code} {address.city}", address.country]


def _creation_date(day: dt.date) -> dt.datetime:
    """The fixed creation timestamp that keeps the bytes of a document stable."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC)


class _Document:
    """A thin layer over FPDF that fits every string to its cell, in the embedded font."""

    def __init__(self, *, title: str, issued_on: dt.date, language: str) -> None:
        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        pdf.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
        pdf.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
        pdf.set_creation_date(_creation_date(issued_on))
        pdf.set_producer(UTILITY_NAME)
        pdf.set_creator(UTILITY_NAME)
        pdf.set_author(UTILITY_NAME)
        pdf.set_lang(language)
        pdf.set_title(printable(title))
        pdf.set_margins(_MARGIN, 15.0, _MARGIN)
        pdf.set_auto_page_break(auto=False)
        self.pdf = pdf

    def page(self) -> None:
        self.pdf.add_page()

    def font(self, size: float, style: str = "") -> None:
        self.pdf.set_font(FONT, style=style, size=size)

    def fit(self, text: str, width: float) -> str:
        """Shorten text with "…" so it stays inside a cell instead of overprinting the next."""
        safe = printable(text)
        room = width - 2 * self.pdf.c_margin
        if self.pdf.get_string_width(safe) <= room:
            return safe
        while safe and self.pdf.get_string_width(safe + "…") > room:
            safe = safe[:-1]
        return safe + "…"

    def cell(
        self,
        width: float,
        text: str,
        *,
        height: float = _ROW,
        align: Align = Align.L,
        border: int = 0,
        last: bool = False,
    ) -> None:
        """Draw one single-line cell; ``last`` moves to the start of the next line."""
        self.pdf.cell(
            width,
            height,
            self.fit(text, width),
            border=1 if border else 0,
            align=align,
            new_x=XPos.LMARGIN if last else XPos.RIGHT,
            new_y=YPos.NEXT if last else YPos.TOP,
        )

    def line(self, text: str, *, size: float = 10, style: str = "", height: float = _ROW) -> None:
        self.font(size, style)
        self.cell(_CONTENT_WIDTH, text, height=height, last=True)

    def field(self, label: str, value: str | Sequence[str], *, style: str = "") -> None:
        """A label/value row; a sequence value (an address) takes one line per item."""
        values = [value] if isinstance(value, str) else list(value)
        for index, item in enumerate(values):
            self.font(10)
            self.cell(_LABEL_WIDTH, label if index == 0 else "")
            self.font(10, style)
            self.cell(_CONTENT_WIDTH - _LABEL_WIDTH, item, last=True)

    def heading(self, text: str) -> None:
        self.pdf.ln(3)
        self.line(text, size=11, style="B", height=7)
        y = self.pdf.get_y()
        self.pdf.line(_MARGIN, y, _PAGE_WIDTH - _MARGIN, y)
        self.pdf.ln(1)

    def table_row(
        self,
        widths: Sequence[float],
        cells: Sequence[str],
        aligns: Sequence[Align],
        *,
        header: bool = False,
    ) -> None:
        self.font(9, "B" if header else "")
        for index, (width, text, align) in enumerate(zip(widths, cells, aligns, strict=True)):
            self.cell(
                width, text, height=_TABLE_ROW, align=align, border=1, last=index == len(widths) - 1
            )

    def footer(self, text: str) -> None:
        self.pdf.set_y(_FOOTER_Y)
        self.font(8)
        self.cell(_CONTENT_WIDTH, text, height=4, align=Align.C, last=True)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _banner(doc: _Document, text: str) -> None:
    """A framed, bold line for the facts a reader must not miss (estimate, replacement)."""
    doc.font(11, "B")
    doc.pdf.set_text_color(170, 0, 0)
    doc.pdf.set_draw_color(170, 0, 0)
    doc.cell(_CONTENT_WIDTH, text, height=8, border=1, last=True)
    doc.pdf.set_text_color(0, 0, 0)
    doc.pdf.set_draw_color(0, 0, 0)
    doc.pdf.ln(2)


def render_invoice_pdf(
    invoice: Invoice,
    *,
    account_name: str,
    place_address: Address,
    readings: Sequence[Reading],
    language: str = "en",
) -> bytes:
    """Render an invoice in `language`: page one the summary to pay from, page two the details
    behind it.

    ``readings`` are shown in the given order. Should there be more readings or lines than
    page two holds, the earliest readings and then the last lines are left out with a note,
    so the document stays two pages; the totals are always printed.
    """
    with speaking(language):
        return _invoice(invoice, account_name, place_address, readings, language)


def _invoice(
    invoice: Invoice,
    account_name: str,
    place_address: Address,
    readings: Sequence[Reading],
    language: str,
) -> bytes:
    number = invoice.number
    doc = _Document(
        title=_("Invoice {number}").format(number=number),
        issued_on=invoice.issued_on,
        language=language,
    )
    amount_due = format_money(invoice.balance)

    # Page one: the summary.
    doc.page()
    doc.line(UTILITY_NAME, size=16, style="B", height=9)
    doc.line(_("Electricity invoice {number}").format(number=number), size=13, height=8)
    doc.pdf.ln(3)
    if invoice.estimated:
        _banner(doc, _("ESTIMATED: this invoice is based on an estimated meter reading"))
    if invoice.replaced_by:
        _banner(
            doc,
            _("Replaced by invoice {replacement}: nothing is owed on this one").format(
                replacement=invoice.replaced_by
            ),
        )

    doc.heading(_("Customer"))
    doc.field(_("Customer"), account_name)
    doc.field(_("Account number"), invoice.account_number)
    doc.field(_("Place of consumption"), _address_lines(place_address))
    doc.field(_("Correspondence address"), _address_lines(invoice.correspondence_address))

    doc.heading(_("Invoice"))
    doc.field(_("Invoice number"), number)
    doc.field(
        _("Billing period"),
        _("{start} to {end}").format(
            start=format_date(invoice.period_start), end=format_date(invoice.period_end)
        ),
    )
    doc.field(_("Issue date"), format_date(invoice.issued_on))
    doc.field(_("Energy billed"), _("{amount} kWh").format(amount=format_quantity(invoice.kwh)))
    doc.field(_("Status"), _(_STATUSES[invoice.status]))

    doc.heading(_("Payment"))
    doc.field(_("Amount due"), amount_due, style="B")
    doc.field(_("Invoice total"), format_money(invoice.amount))
    doc.field(_("Due date"), format_date(invoice.due_on))
    doc.field(_("Payment reference"), invoice.payment_reference, style="B")
    doc.pdf.ln(4)
    doc.font(9)
    doc.cell(
        _CONTENT_WIDTH,
        _("Please quote the payment reference with your payment. Details are on page 2."),
        height=5,
        last=True,
    )
    doc.footer(
        _("{utility} - invoice {number} - page {page} of {pages}").format(
            utility=UTILITY_NAME, number=number, page=1, pages=2
        )
    )

    # Page two: the details.
    doc.page()
    doc.line(_("Invoice {number}: details").format(number=number), size=13, style="B", height=8)

    reading_widths = (50.0, 35.0, 45.0, _CONTENT_WIDTH - 130.0)
    reading_aligns = (Align.L, Align.L, Align.R, Align.L)
    line_widths = (64.0, 24.0, 16.0, 34.0, _CONTENT_WIDTH - 138.0)
    line_aligns = (Align.L, Align.R, Align.L, Align.R, Align.R)

    # Rows that fit between the top of the readings table and the bottom of the tables,
    # less the two headings (8 mm each with rule and spacing), two table headers and the
    # one-line notes that an empty or shortened table may need.
    top = doc.pdf.get_y()
    capacity = int((_TABLES_BOTTOM - top - 2 * 11.0) / _TABLE_ROW) - 4
    shown_lines = list(invoice.lines)
    shown_readings = list(readings)
    if len(shown_readings) + len(shown_lines) > capacity:
        keep = max(capacity - len(shown_lines), 0)
        shown_readings = shown_readings[len(shown_readings) - keep :] if keep else []
    if len(shown_readings) + len(shown_lines) > capacity:
        shown_lines = shown_lines[: max(capacity - len(shown_readings), 0)]

    doc.heading(_("Meter readings"))
    if readings:
        doc.table_row(
            reading_widths,
            (_("Register"), _("Date"), _("Reading"), _("Source")),
            reading_aligns,
            header=True,
        )
        for reading in shown_readings:
            doc.table_row(
                reading_widths,
                (
                    reading.register_id,
                    format_date(reading.read_on),
                    format_quantity(reading.value),
                    _(_SOURCES[reading.source]),
                ),
                reading_aligns,
            )
        if len(shown_readings) < len(readings):
            left_out = len(readings) - len(shown_readings)
            doc.line(
                ngettext(
                    "{count} earlier reading not shown.",
                    "{count} earlier readings not shown.",
                    left_out,
                ).format(count=left_out),
                size=8,
                height=_TABLE_ROW,
            )
    else:
        doc.line(_("No meter readings for this period."), size=9, height=_TABLE_ROW)

    doc.heading(_("Charges"))
    doc.table_row(
        line_widths,
        (_("Description"), _("Quantity"), _("Unit"), _("Unit price"), _("Amount")),
        line_aligns,
        header=True,
    )
    for item in shown_lines:
        doc.table_row(
            line_widths,
            (
                stored(item.description),
                format_quantity(item.quantity),
                stored(item.unit),
                format_unit_price(item.unit_price),
                format_money(item.amount),
            ),
            line_aligns,
        )
    if len(shown_lines) < len(invoice.lines):
        left_out = len(invoice.lines) - len(shown_lines)
        doc.line(
            ngettext(
                "{count} further line not shown; it is included in the total.",
                "{count} further lines not shown; they are included in the total.",
                left_out,
            ).format(count=left_out),
            size=8,
            height=_TABLE_ROW,
        )

    doc.pdf.ln(3)
    totals_label = sum(line_widths[:-1])
    for label, value, style in (
        (
            _("Tax ({rate})").format(rate=format_tax_rate(invoice.tax_rate)),
            format_money(invoice.tax_amount),
            "",
        ),
        (_("Total"), format_money(invoice.amount), "B"),
        (_("Amount due"), amount_due, "B"),
    ):
        doc.font(10, style)
        doc.cell(totals_label, label, align=Align.R)
        doc.cell(line_widths[-1], value, align=Align.R, last=True)
    doc.footer(
        _("{utility} - invoice {number} - page {page} of {pages}").format(
            utility=UTILITY_NAME, number=number, page=2, pages=2
        )
    )
    return doc.output()


_NOTICE_TITLES = {
    NoticeKind.reminder: N_("Payment reminder {number}"),
    NoticeKind.disconnection_warning: N_("Disconnection warning {number}"),
}

_NOTICE_TEXTS = {
    NoticeKind.reminder: N_(
        "Our records show that the invoices listed above are unpaid. "
        "Please pay the amount by the deadline."
    ),
    NoticeKind.disconnection_warning: N_(
        "The invoices listed above are still unpaid. If the amount is not paid by the "
        "deadline, the electricity supply may be disconnected."
    ),
}


def render_notice_pdf(
    notice: Notice,
    *,
    account_number: str,
    account_name: str,
    address: Address,
    payment_reference: str,
    language: str = "en",
) -> bytes:
    """Render a payment reminder or disconnection warning on one page, in `language`."""
    with speaking(language):
        return _notice(notice, account_number, account_name, address, payment_reference, language)


def _notice(
    notice: Notice,
    account_number: str,
    account_name: str,
    address: Address,
    payment_reference: str,
    language: str,
) -> bytes:
    title = _(_NOTICE_TITLES[notice.kind]).format(number=notice.number)
    doc = _Document(title=title, issued_on=notice.issued_on, language=language)
    doc.page()
    doc.line(UTILITY_NAME, size=16, style="B", height=9)
    doc.line(title, size=13, height=8)
    doc.pdf.ln(3)
    if notice.kind is NoticeKind.disconnection_warning:
        _banner(doc, _("DISCONNECTION WARNING"))

    doc.heading(_("Customer"))
    doc.field(_("Customer"), account_name)
    doc.field(_("Account number"), account_number)
    doc.field(_("Address"), _address_lines(address))

    doc.heading(_("Notice"))
    doc.field(_("Notice number"), notice.number)
    doc.field(_("Issue date"), format_date(notice.issued_on))
    doc.field(_("Amount to pay"), format_money(notice.amount), style="B")
    doc.field(_("Deadline"), format_date(notice.deadline), style="B")
    doc.field(_("Payment reference"), payment_reference, style="B")
    # One row per invoice keeps the list readable; past 15 the rest is summarised so the
    # notice stays on one page (about 20 rows fit below the fields above).
    invoices = notice.invoice_numbers or ["-"]
    if len(invoices) > 15:
        more = len(invoices) - 14
        invoices = [
            *invoices[:14],
            ngettext("and {count} more", "and {count} more", more).format(count=more),
        ]
    doc.field(_("Invoices concerned"), invoices)

    doc.pdf.ln(4)
    doc.font(10)
    doc.pdf.multi_cell(
        _CONTENT_WIDTH,
        5,
        printable(_(_NOTICE_TEXTS[notice.kind])),
        align=Align.L,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    doc.pdf.ln(2)
    doc.font(9)
    doc.cell(
        _CONTENT_WIDTH,
        _("If you have paid in the meantime, please ignore this notice."),
        height=5,
        last=True,
    )
    doc.footer(_("{utility} - notice {number}").format(utility=UTILITY_NAME, number=notice.number))
    return doc.output()
