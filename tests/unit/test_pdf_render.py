"""The invoice and notice PDFs: page count, searchable text, determinism, every script."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal
from functools import partial

import pytest
from pypdf import PdfReader

from selfcare_tui.api.models import (
    Address,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Money,
    Notice,
    NoticeKind,
    NoticeStatus,
    Reading,
    ReadingSource,
)
from selfcare_tui.server.pdf import (
    format_money,
    format_tax_rate,
    format_unit_price,
    printable,
    render_invoice_pdf,
    render_notice_pdf,
)

from ..support.languages import server_said

PLACE = Address(street="Tartu mnt 1-5", city="Tallinn", postal_code="10115")
CORRESPONDENCE = Address(street="Postkast 12", city="Tartu", postal_code="50090")


def eur(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="EUR")


def make_invoice(*, estimated: bool = False, replaced_by: str | None = None) -> Invoice:
    return Invoice(
        number="INV-2025-000123",
        account_number="100200300",
        place_id="place-1",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 1, 31),
        issued_on=dt.date(2025, 2, 3),
        due_on=dt.date(2025, 2, 17),
        kwh=Decimal("350.000"),
        amount=eur("78.09"),
        balance=eur("41.5"),
        estimated=estimated,
        status=InvoiceStatus.replaced if replaced_by else InvoiceStatus.open,
        replaced_by=replaced_by,
        payment_reference="RF18539007547034",
        correspondence_address=CORRESPONDENCE,
        lines=[
            InvoiceLine(
                description="Energy, day rate",
                quantity=Decimal("350.000"),
                unit="kWh",
                unit_price=eur("0.15230"),
                amount=eur("53.31"),
            ),
            InvoiceLine(
                description="Monthly fee",
                quantity=Decimal("1"),
                unit="month",
                unit_price=eur("2.70"),
                amount=eur("2.70"),
            ),
            InvoiceLine(
                description="Network charge",
                quantity=Decimal("350.000"),
                unit="kWh",
                unit_price=eur("0.02"),
                amount=eur("7.00"),
            ),
        ],
        tax_rate=Decimal("0.2400"),
        tax_amount=eur("15.08"),
    )


def make_readings() -> list[Reading]:
    submitted = dt.datetime(2025, 2, 1, 8, 30, tzinfo=dt.UTC)
    return [
        Reading(
            id=f"r{index}",
            register_id="REG-0001",
            meter_id="MTR-77",
            read_on=day,
            value=Decimal(value),
            source=source,
            submitted_at=submitted,
        )
        for index, (day, value, source) in enumerate(
            [
                (dt.date(2024, 12, 31), "12000.0", ReadingSource.utility),
                (dt.date(2025, 1, 31), "12350.0", ReadingSource.customer),
            ]
        )
    ]


def make_notice(kind: NoticeKind = NoticeKind.disconnection_warning) -> Notice:
    return Notice(
        number="NTC-000042",
        kind=kind,
        issued_on=dt.date(2025, 3, 1),
        deadline=dt.date(2025, 3, 15),
        amount=eur("119.6"),
        status=NoticeStatus.open,
        invoice_numbers=["INV-2025-000123", "INV-2025-000200"],
        place_id="place-1",
    )


def render_invoice(invoice: Invoice, name: str = "Mari Maasikas") -> bytes:
    return render_invoice_pdf(
        invoice, account_name=name, place_address=PLACE, readings=make_readings()
    )


def render_notice(notice: Notice, name: str = "Mari Maasikas") -> bytes:
    return render_notice_pdf(
        notice,
        account_number="100200300",
        account_name=name,
        address=PLACE,
        payment_reference="RF18539007547034",
    )


def pages_text(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [page.extract_text() for page in reader.pages]


def test_invoice_has_two_pages_with_summary_and_details() -> None:
    data = render_invoice(make_invoice())
    assert data.startswith(b"%PDF-")
    pages = pages_text(data)
    assert len(pages) == 2
    summary, details = pages
    assert "INV-2025-000123" in summary
    assert "€41.50" in summary  # the amount due (balance), quantized
    assert "€78.09" in summary  # the total
    assert "RF18539007547034" in summary
    assert "Selfcare Reference Utility" in summary
    assert "17 Feb 2025" in summary
    assert "Tallinn" in summary
    assert "Tartu" in summary
    assert "Energy, day rate" in details
    assert "Monthly fee" in details
    assert "€0.1523" in details
    assert "REG-0001" in details
    assert "12,350" in details
    assert "24%" in details
    assert "€15.08" in details


def test_estimated_marker_only_on_estimated_invoices() -> None:
    assert "ESTIMATED" in pages_text(render_invoice(make_invoice(estimated=True)))[0]
    assert all("ESTIMATED" not in text for text in pages_text(render_invoice(make_invoice())))


def test_replaced_invoice_names_its_replacement() -> None:
    pages = pages_text(render_invoice(make_invoice(estimated=True, replaced_by="INV-2025-000130")))
    assert len(pages) == 2
    assert "INV-2025-000130" in pages[0]


def test_rendering_is_deterministic() -> None:
    first = render_invoice(make_invoice(estimated=True))
    second = render_invoice(make_invoice(estimated=True))
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    assert render_notice(make_notice()) == render_notice(make_notice())


def test_names_in_every_script_render_as_written() -> None:
    name = "Ștefan Țurcanu, Õie Šults-Žukova – Łukasz, Олена Ґудзь"
    pages = pages_text(render_invoice(make_invoice(), name=name + "\n"))
    assert len(pages) == 2
    assert name in pages[0]
    assert name in pages_text(render_notice(make_notice(), name=name))[0]


def test_many_lines_and_readings_stay_on_two_pages() -> None:
    invoice = make_invoice()
    invoice.lines = invoice.lines * 30
    readings = make_readings() * 30
    data = render_invoice_pdf(
        invoice, account_name="Mari Maasikas", place_address=PLACE, readings=readings
    )
    pages = pages_text(data)
    assert len(pages) == 2
    assert "not shown" in pages[1]
    assert "€78.09" in pages[1]


def test_notice_is_one_page() -> None:
    pages = pages_text(render_notice(make_notice()))
    assert len(pages) == 1
    text = pages[0]
    assert "Disconnection warning" in text
    assert "NTC-000042" in text
    assert "€119.60" in text
    assert "15 Mar 2025" in text
    assert "INV-2025-000200" in text
    assert "RF18539007547034" in text

    reminder = pages_text(render_notice(make_notice(NoticeKind.reminder)))
    assert len(reminder) == 1
    assert "Payment reminder" in reminder[0]


def test_formatting_helpers() -> None:
    assert format_money(eur("123.455")) == "€123.46"
    assert format_money(eur("-5")) == "-€5.00"
    assert format_unit_price(eur("0.15000")) == "€0.15"
    assert format_unit_price(eur("0.12345")) == "€0.12345"
    assert format_tax_rate(Decimal("0.2200")) == "22%"
    assert format_tax_rate(Decimal("0.0950")) == "9.5%"
    assert printable("Ș ü € “x”\n") == "Ș ü € “x” "


@pytest.mark.parametrize("language", ["ro", "et", "uk", "ru"])
def test_documents_in_each_language_read_back_with_every_letter(language: str) -> None:
    """Headings, labels and line descriptions from the server's catalog; the customer's name
    in Romanian, Estonian and Cyrillic letters, extracted as written (the embedded font)."""
    words = partial(server_said, language)  # each one translated, never the English
    name = "Ștefan Țurcanu, Õie Šults-Žukova, Олена Ґудзь-Ёлкина"
    invoice = render_invoice_pdf(
        make_invoice(),
        account_name=name,
        place_address=PLACE,
        readings=make_readings(),
        language=language,
    )
    summary, details = pages_text(invoice)
    english = ("Customer", "Payment reference", "Amount due", "Meter readings", "Charges")
    assert all(words(heading) in summary + details for heading in english)
    assert words("Monthly fee") in details  # a line billing stored in English
    assert name in summary
    assert "Payment reference" not in summary
    notice = pages_text(
        render_notice_pdf(
            make_notice(),
            account_number="100200300",
            account_name=name,
            address=PLACE,
            payment_reference="RF18539007547034",
            language=language,
        )
    )[0]
    assert name in notice
    assert words("Deadline") in notice
