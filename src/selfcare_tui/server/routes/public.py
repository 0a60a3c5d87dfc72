"""Operations without login, with the codes printed on the invoice (source S2); throttled."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request, Response
from sqlalchemy import select

from selfcare_tui.api import models
from selfcare_tui.api.models import ErrorCode

from .. import convert, tables, throttle
from ..billing import money
from ..contract import NOT_FOUND, TOO_MANY_ATTEMPTS, answers
from ..deps import Config, Db
from ..documents import invoice_document, pdf_response
from ..i18n import N_, _
from ..problems import ApiProblem
from ..security import same
from ..settings import Settings
from .auth import client_address

router = APIRouter(prefix="/public", tags=["public"])

_NO_MATCH = N_("No account matches these codes. Check them on your latest invoice.")


def _account(
    db: Db, settings: Settings, request: Request, payment_code: str, check: str, field: str
) -> tables.Account:
    key = f"public:addr:{client_address(request)}"
    throttle.attempt(db, settings, {key: settings.public_lookups_per_address})
    account = db.scalars(
        select(tables.Account).where(tables.Account.payment_code == payment_code.strip())
    ).first()
    expected = getattr(account, field, None) if account is not None else None
    if account is None or not expected or not same(expected.strip().lower(), check.strip().lower()):
        raise ApiProblem(404, ErrorCode.not_found, _(_NO_MATCH))
    throttle.forgive(db, [key])
    db.commit()
    return account


def _year_before(day: dt.date) -> dt.date:
    """The same day a year earlier (28 February for 29 February): 12 months back exactly."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@router.post("/amount-due", response_model=models.AmountDue)
@answers(NOT_FOUND, TOO_MANY_ATTEMPTS)
def amount_due(
    body: models.AmountDueQuery, request: Request, db: Db, settings: Config
) -> models.AmountDue:
    account = _account(db, settings, request, body.payment_code, body.email, "email")
    oldest_open = db.scalars(
        select(tables.Invoice)
        .where(tables.Invoice.account_number == account.number, tables.Invoice.status == "open")
        .order_by(tables.Invoice.due_on)
        .limit(1)
    ).first()
    return models.AmountDue(
        account_name=account.name,
        amount=money(convert.balance(db, account.number)),
        due_on=oldest_open.due_on if oldest_open else None,
        invoice_number=oldest_open.number if oldest_open else None,
    )


@router.post(
    "/invoice-copies",
    response_model=list[models.InvoiceCopy],
    responses={200: {"content": {"application/pdf": {}}}},
)
@answers(NOT_FOUND, TOO_MANY_ATTEMPTS)
def invoice_copies(
    body: models.InvoiceCopyQuery, request: Request, db: Db, settings: Config
) -> list[models.InvoiceCopy] | Response:
    """Without invoice_number: the last invoice and those of the last 12 months; with: its PDF."""
    account = _account(db, settings, request, body.payment_code, body.national_id, "national_id")
    year_ago = _year_before(settings.today())
    newest_first = (
        select(tables.Invoice)
        .where(tables.Invoice.account_number == account.number)
        .order_by(tables.Invoice.issued_on.desc(), tables.Invoice.number.desc())
    )
    allowed = list(db.scalars(newest_first.where(tables.Invoice.issued_on > year_ago)))
    if not allowed:
        allowed = list(db.scalars(newest_first.limit(1)))
    if body.invoice_number is None:
        return [
            models.InvoiceCopy(number=i.number, issued_on=i.issued_on, amount=money(i.amount))
            for i in allowed
        ]
    chosen = next((i for i in allowed if i.number == body.invoice_number), None)
    if chosen is None:
        raise ApiProblem(
            404,
            ErrorCode.not_found,
            _("No such invoice among the copies available without login."),
        )
    filename = f"{chosen.account_number}_{chosen.number}_{chosen.issued_on}.pdf"
    return pdf_response(invoice_document(db, chosen), filename)
