"""Turning database rows into API models: the one place that knows both shapes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from selfcare_tui.api import models

from . import tables
from .billing import money
from .deps import Grant
from .i18n import _, stored


def address(data: dict[str, Any]) -> models.Address:
    return models.Address.model_validate(data)


def _line(stored_line: dict[str, Any]) -> models.InvoiceLine:
    """A line as billing stored it, its words (in English) in the reader's language."""
    line = models.InvoiceLine.model_validate(stored_line)
    return line.model_copy(
        update={"description": stored(line.description), "unit": stored(line.unit)}
    )


def account_summary(grant: Grant) -> models.AccountSummary:
    a = grant.account
    return models.AccountSummary(
        number=a.number,
        name=a.name,
        kind=models.CustomerKind(a.kind),
        access=grant.access,
        scopes=sorted(grant.scopes),
        mandate_expires_at=grant.mandate.expires_at if grant.mandate else None,
    )


def balance(db: Session, number: str) -> Decimal:
    owed = db.scalar(
        select(
            func.coalesce(func.sum(tables.Invoice.amount - tables.Invoice.paid_amount), 0)
        ).where(tables.Invoice.account_number == number, tables.Invoice.status == "open")
    )
    return Decimal(owed or 0)


def account(db: Session, grant: Grant) -> models.Account:
    a = grant.account
    summary = account_summary(grant)
    return models.Account(
        **summary.model_dump(),
        payment_code=a.payment_code,
        home_address=address(a.home_address),
        correspondence_address=address(a.correspondence_address)
        if a.correspondence_address
        else None,
        phone=a.phone,
        email=a.email,
        invoice_channel=models.InvoiceChannel(a.invoice_channel),
        language=models.Language(a.language),
        balance=money(balance(db, a.number)),
    )


def place(p: tables.Place) -> models.Place:
    return models.Place(
        id=p.id,
        address=models.Address(
            street=p.street, city=p.city, postal_code=p.postal_code, country=p.country
        ),
        area=p.area,
        state=models.PlaceState(p.state),
        eic=p.eic,
    )


def product(p: tables.Product) -> models.Product:
    return models.Product(
        code=p.code,
        name=stored(p.name),
        day_price=models.Money(amount=p.day_price),
        night_price=models.Money(amount=p.night_price) if p.night_price is not None else None,
        monthly_fee=money(p.monthly_fee),
        export_price=models.Money(amount=p.export_price) if p.export_price is not None else None,
    )


def contract(c: tables.Contract) -> models.Contract:
    return models.Contract(
        id=c.id,
        place_id=c.place_id,
        kind=models.ContractKind(c.kind),
        product=product(c.product),
        start_date=c.start_date,
        end_date=c.end_date,
    )


def reading(r: tables.Reading, meter_id: str) -> models.Reading:
    return models.Reading(
        id=r.id,
        register_id=r.register_id,
        meter_id=meter_id,
        read_on=r.read_on,
        value=r.value,
        source=models.ReadingSource(r.source),
        submitted_at=r.submitted_at,
    )


def last_reading(db: Session, register: tables.Register) -> tables.Reading | None:
    """The last accepted reading: an estimate is the utility's guess, not a reading to
    compare with, prefill a form from, or show as the meter's state."""
    return db.scalars(
        select(tables.Reading)
        .where(
            tables.Reading.register_id == register.id,
            tables.Reading.source != models.ReadingSource.estimated.value,
        )
        .order_by(tables.Reading.read_on.desc(), tables.Reading.submitted_at.desc())
        .limit(1)
    ).first()


def meter(db: Session, m: tables.Meter) -> models.Meter:
    registers = []
    for reg in m.registers:
        last = last_reading(db, reg)
        registers.append(
            models.Register(
                id=reg.id,
                code=reg.code,
                kind=models.RegisterKind(reg.kind),
                integer_places=reg.integer_places,
                decimal_places=reg.decimal_places,
                last_reading=reading(last, m.id) if last else None,
            )
        )
    return models.Meter(
        id=m.id,
        place_id=m.place_id,
        serial_number=m.serial_number,
        seal_number=m.seal_number,
        installed_on=m.installed_on,
        removed_on=m.removed_on,
        smart=m.smart,
        registers=registers,
    )


def invoice(i: tables.Invoice, document: tables.Document | None = None) -> models.Invoice:
    return models.Invoice(
        number=i.number,
        account_number=i.account_number,
        place_id=i.place_id,
        period_start=i.period_start,
        period_end=i.period_end,
        issued_on=i.issued_on,
        due_on=i.due_on,
        kwh=i.kwh,
        amount=money(i.amount),
        balance=money(i.amount - i.paid_amount if i.status == "open" else Decimal(0)),
        estimated=i.estimated,
        status=models.InvoiceStatus(i.status),
        replaced_by=i.replaced_by,
        payment_reference=i.payment_reference,
        correspondence_address=address(i.correspondence_address),
        lines=[_line(line) for line in i.lines],
        tax_rate=i.tax_rate,
        tax_amount=money(i.tax_amount),
        document=models.DocumentInfo(size=document.size, sha256=document.sha256)
        if document
        else None,
    )


def payment(p: tables.Payment) -> models.Payment:
    return models.Payment(
        id=p.id,
        paid_on=p.paid_on,
        amount=money(p.amount),
        method=models.PaymentMethod(p.method),
        reference=p.reference,
        settled=[
            models.Settlement(invoice_number=s.invoice_number, amount=money(s.amount))
            for s in p.settlements
        ],
    )


def notice(n: tables.Notice) -> models.Notice:
    return models.Notice(
        number=n.number,
        kind=models.NoticeKind(n.kind),
        issued_on=n.issued_on,
        deadline=n.deadline,
        amount=money(n.amount),
        status=models.NoticeStatus(n.status),
        invoice_numbers=list(n.invoice_numbers),
        place_id=n.place_id,
    )


def work(w: tables.Work, place_ids: list[str] | None = None) -> models.Work:
    return models.Work(
        id=w.id,
        kind=models.WorkKind(w.kind),
        area=w.area,
        description=w.description,
        starts_at=w.starts_at,
        ends_at=w.ends_at,
        place_ids=place_ids or [],
    )


def outage_report(r: tables.OutageReport) -> models.OutageReport:
    return models.OutageReport(
        reference=r.reference,
        place_id=r.place_id,
        description=r.description,
        status=models.OutageReportStatus(r.status),
        created_at=r.created_at,
        work_id=r.work_id,
        note=r.note,
    )


def mandate(m: tables.Mandate, now: dt.datetime) -> models.Mandate:
    if m.revoked_at is not None:
        state = models.MandateState.revoked
    elif m.expires_at <= now:
        state = models.MandateState.expired
    else:
        state = models.MandateState.active
    return models.Mandate(
        id=m.id,
        account_number=m.account_number,
        delegate_username=m.delegate.username,
        scopes=sorted(models.Scope(s) for s in m.scopes),
        expires_at=m.expires_at,
        revoked=m.revoked_at is not None,
        state=state,
        created_at=m.created_at,
    )


def _document(document: dict[str, Any]) -> models.RequiredDocument:
    return models.RequiredDocument.model_validate({**document, "name": stored(document["name"])})


def request_type(t: tables.RequestType) -> models.RequestType:
    return models.RequestType(
        code=t.code,
        name=stored(t.name),
        description=stored(t.description),
        fields=[
            models.RequestField.model_validate({**f, "label": stored(f["label"])}) for f in t.fields
        ],
        documents=[_document(d) for d in t.documents],
        stages=list(t.stages),
    )


def request(r: tables.Request, rtype: tables.RequestType) -> models.Request:
    attached = {a.document_code for a in r.attachments}
    return models.Request(
        id=r.id,
        type_code=r.type_code,
        place_id=r.place_id,
        subject=r.subject,
        message=r.message,
        fields=dict(r.fields),
        status=models.RequestStatus(r.status),
        stage=r.stage,
        attachments=[
            models.Attachment(
                id=a.id,
                document_code=a.document_code,
                filename=a.filename,
                content_type=a.content_type,
                size=a.size,
                sha256=a.sha256,
            )
            for a in r.attachments
        ],
        missing_documents=[_document(d) for d in rtype.documents if d["code"] not in attached],
        history=[
            models.StatusChange(
                status=models.RequestStatus(h.status),
                stage=h.stage,
                at=h.at,
                note=h.note,
                kind=models.HistoryKind(h.kind),
                document_code=h.document_code,
            )
            for h in r.history
        ],
        created_at=r.created_at,
        requested_documents=[document_of(rtype, code) for code in r.requested_documents],
    )


OTHER_DOCUMENT = "other"
"""The code of a document outside the type's list, which every request may carry."""


def document_of(rtype: tables.RequestType, code: str) -> models.RequiredDocument:
    """The type's document of that code, named in the reader's language."""
    for document in rtype.documents:
        if document["code"] == code:
            return _document(document)
    return models.RequiredDocument(code=code, name=_("Other document"))


def holder(user: tables.User | None) -> models.Holder | None:
    return (
        None
        if user is None
        else models.Holder(username=user.username, display_name=user.display_name)
    )


def desk_request(
    r: tables.Request, rtype: tables.RequestType, account: tables.Account, area: str | None
) -> models.DeskRequest:
    return models.DeskRequest(
        **dict(request(r, rtype)),
        account_number=account.number,
        account_name=account.name,
        area=area,
        version=r.version,
        holder=holder(r.holder),
    )


def desk_outage_report(
    r: tables.OutageReport, account: tables.Account, area: str
) -> models.DeskOutageReport:
    return models.DeskOutageReport(
        **dict(outage_report(r)),
        account_number=account.number,
        account_name=account.name,
        area=area,
        contact_phone=r.contact_phone,
        version=r.version,
        holder=holder(r.holder),
    )


def desk_work(w: tables.Work) -> models.DeskWork:
    return models.DeskWork(**dict(work(w)), version=w.version)
