"""PDF documents of the reference backend: invoices and payment notices.

The output is deterministic (same input, same bytes) because the API publishes a sha256 of
each document so clients can verify downloads and skip unchanged ones. Hence the creation
date comes from the document's issue date, the producer string is fixed, and the file
identifier is fpdf's default: a hash of the content and that creation date.

Only the core font Helvetica is used, so no font file has to ship with the server; it can
only encode latin-1, so every string goes through ``latin1_safe`` first. Layout does not
use automatic page breaks: an invoice is always exactly two pages and a notice one.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from selfcare_tui.api.models import Address, Invoice, Money, Notice, NoticeKind, Reading

UTILITY_NAME = "Selfcare Reference Utility"

_CENTS = Decimal("0.01")
_PAGE_WIDTH = 210.0  # A4, mm
_PAGE_HEIGHT = 297.0
_MARGIN = 18.0
_CONTENT_WIDTH = _PAGE_WIDTH - 2 * _MARGIN
_FOOTER_Y = _PAGE_HEIGHT - 14.0
_LABEL_WIDTH = 55.0
_ROW = 6.0
_TABLE_ROW = 5.0
# Page two stops its tables here, leaving room for the totals and the footer.
_TABLES_BOTTOM = _FOOTER_Y - 30.0

# Characters that latin-1 lacks and Unicode does not decompose, with an obvious spelling:
# typographic punctuation and a few letters of European names.
_REPLACEMENTS = {
    "\u0141": "L",
    "\u0142": "l",
    "\u0110": "D",
    "\u0111": "d",
    "\u0131": "i",
    "\u0152": "OE",
    "\u0153": "oe",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2026": "...",
    "\u20ac": "EUR",
    "\u00a0": " ",
}


def latin1_safe(text: str) -> str:
    """Return text that the latin-1 core fonts can draw, so rendering never fails on a name.

    Characters outside latin-1 lose their accents where they have one (``Ș`` -> ``S``,
    ``š`` -> ``s``), a few typographic ones get an ASCII spelling, and the rest become
    ``?``. Control characters become spaces: a cell is one line.
    """
    out: list[str] = []
    for char in text:
        code = ord(char)
        if code < 0x20 or 0x7F <= code < 0xA0:
            out.append(" ")
        elif char in _REPLACEMENTS:
            out.append(_REPLACEMENTS[char])
        elif code <= 0xFF:
            out.append(char)
        else:
            base = "".join(
                c
                for c in unicodedata.normalize("NFKD", char)
                if not unicodedata.combining(c) and ord(c) <= 0xFF
            )
            out.append(base or "?")
    return "".join(out)


def format_money(money: Money) -> str:
    """Format an amount as ``123.45 EUR``: two places, rounded half up, never via float."""
    return f"{money.amount.quantize(_CENTS, rounding=ROUND_HALF_UP):f} {money.currency}"


def format_unit_price(money: Money) -> str:
    """Format a price per unit, keeping sub-cent digits since kWh prices have up to five."""
    cents = money.amount.quantize(_CENTS)
    amount = cents if cents == money.amount else money.amount.normalize()
    return f"{amount:f} {money.currency}"


def format_decimal(value: Decimal) -> str:
    """Format a quantity as stored, in plain notation (never ``1E+2``)."""
    return f"{value:f}"


def format_tax_rate(rate: Decimal) -> str:
    """Format a tax rate stored as a fraction (0.2200) as a percentage (22%)."""
    percent = (rate * 100).normalize()
    return f"{percent:f}%"


def _address_lines(address: Address) -> list[str]:
    return [address.street, f"{address.postal_code} {address.city}", address.country]


def _creation_date(day: dt.date) -> dt.datetime:
    """The fixed creation timestamp that keeps the bytes of a document stable."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC)


class _Document:
    """A thin layer over FPDF that makes every string latin-1 safe and fitted to its cell."""

    def __init__(self, *, title: str, issued_on: dt.date) -> None:
        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        pdf.set_creation_date(_creation_date(issued_on))
        pdf.set_producer(UTILITY_NAME)
        pdf.set_creator(UTILITY_NAME)
        pdf.set_author(UTILITY_NAME)
        pdf.set_title(latin1_safe(title))
        pdf.set_margins(_MARGIN, 15.0, _MARGIN)
        pdf.set_auto_page_break(auto=False)
        self.pdf = pdf

    def page(self) -> None:
        self.pdf.add_page()

    def font(self, size: float, style: str = "") -> None:
        self.pdf.set_font("Helvetica", style=style, size=size)

    def fit(self, text: str, width: float) -> str:
        """Shorten text with "..." so it stays inside a cell instead of overprinting the next."""
        safe = latin1_safe(text)
        room = width - 2 * self.pdf.c_margin
        if self.pdf.get_string_width(safe) <= room:
            return safe
        while safe and self.pdf.get_string_width(safe + "...") > room:
            safe = safe[:-1]
        return safe + "..."

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
) -> bytes:
    """Render an invoice: page one the summary to pay from, page two the details behind it.

    ``readings`` are shown in the given order. Should there be more readings or lines than
    page two holds, the earliest readings and then the last lines are left out with a note,
    so the document stays two pages; the totals are always printed.
    """
    doc = _Document(title=f"Invoice {invoice.number}", issued_on=invoice.issued_on)
    amount_due = format_money(invoice.balance)

    # Page one: the summary.
    doc.page()
    doc.line(UTILITY_NAME, size=16, style="B", height=9)
    doc.line(f"Electricity invoice {invoice.number}", size=13, height=8)
    doc.pdf.ln(3)
    if invoice.estimated:
        _banner(doc, "ESTIMATED - this invoice is based on an estimated meter reading")
    if invoice.replaced_by:
        _banner(doc, f"Replaced by invoice {invoice.replaced_by} - nothing is owed on this one")

    doc.heading("Customer")
    doc.field("Customer", account_name)
    doc.field("Account number", invoice.account_number)
    doc.field("Place of supply", _address_lines(place_address))
    doc.field("Correspondence address", _address_lines(invoice.correspondence_address))

    doc.heading("Invoice")
    doc.field("Invoice number", invoice.number)
    doc.field(
        "Billing period", f"{invoice.period_start.isoformat()} to {invoice.period_end.isoformat()}"
    )
    doc.field("Issue date", invoice.issued_on.isoformat())
    doc.field("Energy billed", f"{format_decimal(invoice.kwh)} kWh")
    doc.field("Status", invoice.status.value)

    doc.heading("Payment")
    doc.field("Amount due", amount_due, style="B")
    doc.field("Invoice total", format_money(invoice.amount))
    doc.field("Due date", invoice.due_on.isoformat())
    doc.field("Payment reference", invoice.payment_reference, style="B")
    doc.pdf.ln(4)
    doc.font(9)
    doc.cell(
        _CONTENT_WIDTH,
        "Please quote the payment reference with your payment. Details are on page 2.",
        height=5,
        last=True,
    )
    doc.footer(f"{UTILITY_NAME} - invoice {invoice.number} - page 1 of 2")

    # Page two: the details.
    doc.page()
    doc.line(f"Invoice {invoice.number} - details", size=13, style="B", height=8)

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

    doc.heading("Meter readings")
    if readings:
        doc.table_row(
            reading_widths, ("Register", "Date", "Reading", "Source"), reading_aligns, header=True
        )
        for reading in shown_readings:
            doc.table_row(
                reading_widths,
                (
                    reading.register_id,
                    reading.read_on.isoformat(),
                    format_decimal(reading.value),
                    reading.source.value,
                ),
                reading_aligns,
            )
        if len(shown_readings) < len(readings):
            doc.line(
                f"{len(readings) - len(shown_readings)} earlier readings not shown.",
                size=8,
                height=_TABLE_ROW,
            )
    else:
        doc.line("No meter readings for this period.", size=9, height=_TABLE_ROW)

    doc.heading("Charges")
    doc.table_row(
        line_widths,
        ("Description", "Quantity", "Unit", "Unit price", "Amount"),
        line_aligns,
        header=True,
    )
    for item in shown_lines:
        doc.table_row(
            line_widths,
            (
                item.description,
                format_decimal(item.quantity),
                item.unit,
                format_unit_price(item.unit_price),
                format_money(item.amount),
            ),
            line_aligns,
        )
    if len(shown_lines) < len(invoice.lines):
        doc.line(
            f"{len(invoice.lines) - len(shown_lines)} further lines not shown; "
            "they are included in the total.",
            size=8,
            height=_TABLE_ROW,
        )

    doc.pdf.ln(3)
    totals_label = sum(line_widths[:-1])
    for label, value, style in (
        (f"Tax ({format_tax_rate(invoice.tax_rate)})", format_money(invoice.tax_amount), ""),
        ("Total", format_money(invoice.amount), "B"),
        ("Amount due", amount_due, "B"),
    ):
        doc.font(10, style)
        doc.cell(totals_label, label, align=Align.R)
        doc.cell(line_widths[-1], value, align=Align.R, last=True)
    doc.footer(f"{UTILITY_NAME} - invoice {invoice.number} - page 2 of 2")
    return doc.output()


_NOTICE_TITLES = {
    NoticeKind.reminder: "Payment reminder",
    NoticeKind.disconnection_warning: "Disconnection warning",
}

_NOTICE_TEXTS = {
    NoticeKind.reminder: "Our records show that the invoices listed above are unpaid. "
    "Please pay the amount by the deadline.",
    NoticeKind.disconnection_warning: "The invoices listed above are still unpaid. If the amount "
    "is not paid by the deadline, the electricity supply may be disconnected.",
}


def render_notice_pdf(
    notice: Notice,
    *,
    account_number: str,
    account_name: str,
    address: Address,
    payment_reference: str,
) -> bytes:
    """Render a payment reminder or disconnection warning on one page."""
    title = _NOTICE_TITLES[notice.kind]
    doc = _Document(title=f"{title} {notice.number}", issued_on=notice.issued_on)
    doc.page()
    doc.line(UTILITY_NAME, size=16, style="B", height=9)
    doc.line(f"{title} {notice.number}", size=13, height=8)
    doc.pdf.ln(3)
    if notice.kind is NoticeKind.disconnection_warning:
        _banner(doc, "DISCONNECTION WARNING")

    doc.heading("Customer")
    doc.field("Customer", account_name)
    doc.field("Account number", account_number)
    doc.field("Address", _address_lines(address))

    doc.heading("Notice")
    doc.field("Notice number", notice.number)
    doc.field("Issue date", notice.issued_on.isoformat())
    doc.field("Amount to pay", format_money(notice.amount), style="B")
    doc.field("Deadline", notice.deadline.isoformat(), style="B")
    doc.field("Payment reference", payment_reference, style="B")
    # One row per invoice keeps the list readable; past 15 the rest is summarised so the
    # notice stays on one page (about 20 rows fit below the fields above).
    invoices = notice.invoice_numbers or ["-"]
    if len(invoices) > 15:
        invoices = [*invoices[:14], f"and {len(invoices) - 14} more"]
    doc.field("Invoices concerned", invoices)

    doc.pdf.ln(4)
    doc.font(10)
    doc.pdf.multi_cell(
        _CONTENT_WIDTH,
        5,
        latin1_safe(_NOTICE_TEXTS[notice.kind]),
        align=Align.L,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    doc.pdf.ln(2)
    doc.font(9)
    doc.cell(
        _CONTENT_WIDTH,
        "If you have paid in the meantime, please ignore this notice.",
        height=5,
        last=True,
    )
    doc.footer(f"{UTILITY_NAME} - notice {notice.number}")
    return doc.output()
