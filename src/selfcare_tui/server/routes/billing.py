"""Invoices, their PDFs, payments, payment sessions, and notices."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from selfcare_tui.api import models
from selfcare_tui.api.models import ErrorCode

from .. import convert, tables
from ..billing import money
from ..contract import NOT_FOUND, answers, refusals
from ..deps import CanPay, CanView, Config, CurrentUser, Db, IdPath, IdQuery, text_query
from ..documents import document_key, invoice_document, notice_document, pdf_response
from ..i18n import _
from ..idempotency import IdempotencyKey, fingerprint, run_once
from ..pagination import Cursor, Limit, paginate
from ..problems import not_found, refused
from ..security import digest, new_id, new_token

router = APIRouter(prefix="/accounts/{number:account_number}", tags=["billing"])


@router.get("/invoices", response_model=models.Page[models.Invoice])
def list_invoices(
    grant: CanView,
    db: Db,
    status: models.InvoiceStatus | None = None,
    place_id: IdQuery = None,
    since: Annotated[models.Day | None, Query(description="Issued on or after")] = None,
    until: Annotated[models.Day | None, Query(description="Issued on or before")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> models.Page[models.Invoice]:
    """Newest first; keyset-paginated so 100,000 invoices list as fast as ten."""
    I = tables.Invoice  # noqa: E741 - the table, as in SQL
    filters = [
        *([I.status == status.value] if status else []),
        *([I.place_id == place_id] if place_id else []),
        *([I.issued_on >= since] if since else []),
        *([I.issued_on <= until] if until else []),
    ]
    rows, next_cursor = paginate(
        db,
        select(I).where(I.account_number == grant.account.number),
        [I.issued_on, I.number],
        filters=filters,
        cursor=cursor,
        limit=limit,
    )
    language = grant.account.language
    documents = {
        d.key: d
        for d in db.scalars(
            select(tables.Document).where(
                tables.Document.key.in_([document_key("invoice", i.number, language) for i in rows])
            )
        )
    }
    return models.Page(
        items=[
            convert.invoice(i, documents.get(document_key("invoice", i.number, language)))
            for i in rows
        ],
        next_cursor=next_cursor,
    )


def invoice_of(db: Db, number: str, invoice_number: str) -> tables.Invoice:
    invoice = db.get(tables.Invoice, invoice_number)
    if invoice is None or invoice.account_number != number:
        raise not_found(_("No such invoice."))
    return invoice


@router.get("/invoices/{invoice_number}", response_model=models.Invoice)
@answers(NOT_FOUND)
def get_invoice(invoice_number: IdPath, grant: CanView, db: Db) -> models.Invoice:
    invoice = invoice_of(db, grant.account.number, invoice_number)
    return convert.invoice(invoice, invoice_document(db, invoice))


@router.get(
    "/invoices/{invoice_number}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
@router.head("/invoices/{invoice_number}/pdf", response_class=Response)
@answers(NOT_FOUND)
def get_invoice_pdf(invoice_number: IdPath, request: Request, grant: CanView, db: Db) -> Response:
    invoice = invoice_of(db, grant.account.number, invoice_number)
    document = invoice_document(db, invoice)
    filename = f"{invoice.account_number}_{invoice.number}_{invoice.issued_on}.pdf"
    return pdf_response(document, filename, head=request.method == "HEAD")


@router.get("/payments", response_model=models.Page[models.Payment])
def list_payments(
    grant: CanView,
    db: Db,
    reference: Annotated[
        str | None, text_query(64, "Has the payment with this reference arrived?")
    ] = None,
    since: models.Day | None = None,
    until: models.Day | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> models.Page[models.Payment]:
    P = tables.Payment
    filters = [
        *([P.reference == reference.strip()] if reference else []),
        *([P.paid_on >= since] if since else []),
        *([P.paid_on <= until] if until else []),
    ]
    rows, next_cursor = paginate(
        db,
        select(P).where(P.account_number == grant.account.number),
        [P.paid_on, P.id],
        filters=filters,
        cursor=cursor,
        limit=limit,
    )
    return models.Page(items=[convert.payment(p) for p in rows], next_cursor=next_cursor)


def _session_model(
    session: tables.PaymentSession, redirect_url: str | None
) -> models.PaymentSession:
    return models.PaymentSession(
        id=session.id,
        status=models.PaymentSessionStatus(session.status),
        amount=money(session.amount),
        invoice_numbers=list(session.invoice_numbers),
        redirect_url=redirect_url,
        created_at=session.created_at,
    )


def processor_url(request: Request, base: str | None, session_id: str, token: str) -> str:
    root = (base or str(request.base_url)).rstrip("/")
    return f"{root}/processor/checkout/{session_id}?token={token}"


@router.post("/payment-sessions", response_model=models.PaymentSession, status_code=201)
@answers(NOT_FOUND, *refusals(ErrorCode.invoice_not_payable))
def start_payment(
    body: models.PaymentStart,
    request: Request,
    grant: CanPay,
    db: Db,
    settings: Config,
    user: CurrentUser,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Open a session at the payment processor; the customer pays on its page, not through us."""

    def create() -> models.PaymentSession:
        total = Decimal(0)
        for n in dict.fromkeys(body.invoice_numbers):
            invoice = invoice_of(db, grant.account.number, n)
            if invoice.status != "open" or invoice.amount <= invoice.paid_amount:
                raise refused(
                    ErrorCode.invoice_not_payable,
                    _("Invoice {number} has nothing left to pay.").format(number=n),
                    errors=[
                        models.FieldError(field="invoice_numbers", code="not_payable", message=n)
                    ],
                )
            total += invoice.amount - invoice.paid_amount
        token = new_token()
        session = tables.PaymentSession(
            id=new_id("PS"),
            account_number=grant.account.number,
            amount=total,
            invoice_numbers=list(dict.fromkeys(body.invoice_numbers)),
            status="pending",
            processor_token_hash=digest(token),
            created_at=settings.now(),
        )
        db.add(session)
        return _session_model(
            session, processor_url(request, settings.public_url, session.id, token)
        )

    return run_once(
        db,
        settings,
        principal=str(user.id),
        key=idempotency_key,
        request_hash=fingerprint(grant.account.number, "payment", body.model_dump_json()),
        create=create,
    )


@router.get("/payment-sessions/{session_id}", response_model=models.PaymentSession)
@answers(NOT_FOUND)
def get_payment_session(
    session_id: IdPath, request: Request, grant: CanPay, db: Db
) -> models.PaymentSession:
    """Poll this until the processor has confirmed; the hand-off link is not repeated here."""
    session = db.get(tables.PaymentSession, session_id)
    if session is None or session.account_number != grant.account.number:
        raise not_found(_("No such payment session."))
    return _session_model(session, redirect_url=None)


@router.get("/notices", response_model=models.Page[models.Notice])
def list_notices(
    grant: CanView,
    db: Db,
    status: models.NoticeStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> models.Page[models.Notice]:
    N = tables.Notice
    rows, next_cursor = paginate(
        db,
        select(N).where(N.account_number == grant.account.number),
        [N.issued_on, N.number],
        filters=[N.status == status.value] if status else [],
        cursor=cursor,
        limit=limit,
    )
    return models.Page(items=[convert.notice(n) for n in rows], next_cursor=next_cursor)


@router.get(
    "/notices/{notice_number}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
@router.head("/notices/{notice_number}/pdf", response_class=Response)
@answers(NOT_FOUND)
def get_notice_pdf(notice_number: IdPath, request: Request, grant: CanView, db: Db) -> Response:
    notice = db.get(tables.Notice, notice_number)
    if notice is None or notice.account_number != grant.account.number:
        raise not_found(_("No such notice."))
    filename = f"{notice.account_number}_{notice.number}_{notice.issued_on}.pdf"
    return pdf_response(notice_document(db, notice), filename, head=request.method == "HEAD")
