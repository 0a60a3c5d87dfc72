"""Invoice and notice PDFs: rendered once per language, kept, and served with their checksum.

A document is in its account's language (contact data), whoever asks for it: a delegate or an
agent reading another language downloads what the customer got. A changed language makes the
next download a new document; the one before stays, as it was sent.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from selfcare_tui.api import models

from . import convert, tables
from .billing import money
from .i18n import speaking
from .pdf import render_invoice_pdf, render_notice_pdf


def document_key(kind: str, number: str, language: str) -> str:
    """A document's row: one per invoice or notice and language."""
    return f"{kind}:{number}:{language}"


def _store(db: Session, key: str, content: bytes) -> tables.Document:
    document = tables.Document(
        key=key, content=content, sha256=hashlib.sha256(content).hexdigest(), size=len(content)
    )
    db.add(document)
    try:
        db.commit()
    except IntegrityError:
        # A concurrent request rendered it first; rendering is deterministic, so keep its row.
        db.rollback()
        stored = db.get(tables.Document, key)
        if stored is None:
            raise
        return stored
    return document


def invoice_document(db: Session, invoice: tables.Invoice) -> tables.Document:
    """The invoice as issued: later payments or replacement change the API view, not the PDF."""
    account = db.get(tables.Account, invoice.account_number)
    assert account is not None
    key = document_key("invoice", invoice.number, account.language)
    document = db.get(tables.Document, key)
    if document is not None:
        return document
    with speaking(account.language):  # the lines' words too
        as_issued = convert.invoice(invoice)
    as_issued = as_issued.model_copy(
        update={
            "balance": money(invoice.amount),
            "status": models.InvoiceStatus.open,
            "replaced_by": None,
        }
    )
    place = db.get(tables.Place, invoice.place_id)
    assert place is not None
    readings = [
        convert.reading(reading, meter_id)
        for reading, meter_id in db.execute(
            select(tables.Reading, tables.Register.meter_id)
            .join(tables.Register)
            .join(tables.Meter)
            .where(
                tables.Meter.place_id == invoice.place_id,
                tables.Reading.read_on >= invoice.period_start - dt.timedelta(days=1),
                tables.Reading.read_on <= invoice.period_end,
            )
            .order_by(tables.Reading.read_on, tables.Register.code)
        )
    ]
    content = render_invoice_pdf(
        as_issued,
        account_name=account.name,
        place_address=convert.place(place).address,
        readings=readings,
        language=account.language,
    )
    return _store(db, key, content)


def notice_document(db: Session, notice: tables.Notice) -> tables.Document:
    account = db.get(tables.Account, notice.account_number)
    assert account is not None
    key = document_key("notice", notice.number, account.language)
    document = db.get(tables.Document, key)
    if document is not None:
        return document
    first_invoice = (
        db.get(tables.Invoice, notice.invoice_numbers[0]) if notice.invoice_numbers else None
    )
    content = render_notice_pdf(
        convert.notice(notice),
        account_number=account.number,
        account_name=account.name,
        address=convert.address(account.correspondence_address or account.home_address),
        payment_reference=first_invoice.payment_reference
        if first_invoice
        else account.payment_code,
        language=account.language,
    )
    return _store(db, key, content)


def pdf_response(document: tables.Document, filename: str, *, head: bool = False) -> Response:
    """Send the PDF with its size and RFC 9530 digest, so clients verify and skip downloads."""
    digest = base64.b64encode(bytes.fromhex(document.sha256)).decode()
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Repr-Digest": f"sha-256=:{digest}:",
        "ETag": f'"{document.sha256}"',
        "Content-Length": str(document.size),
        "Content-Language": document.key.rsplit(":", 1)[-1],
    }
    return Response(
        b"" if head else document.content, media_type="application/pdf", headers=headers
    )
