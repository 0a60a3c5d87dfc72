"""Recording what the payment processor confirmed: a payment, its settlements, paid invoices."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import tables
from .security import new_id
from .settings import Settings


def still_owed(db: Session, session: tables.PaymentSession) -> Decimal:
    """What the session's invoices owe now: another session may have paid them since it began."""
    owed = Decimal(0)
    for number in session.invoice_numbers:
        invoice = db.get(tables.Invoice, number, with_for_update=True, populate_existing=True)
        if invoice is not None and invoice.status == "open":
            owed += max(invoice.amount - invoice.paid_amount, Decimal(0))
    return owed


def settle_session(
    db: Session, settings: Settings, session: tables.PaymentSession
) -> tables.Payment:
    """Book the session's amount against its invoices and close notices that are then settled."""
    invoices = [db.get(tables.Invoice, n) for n in session.invoice_numbers]
    first_reference = next((i.payment_reference for i in invoices if i is not None), session.id)
    payment = tables.Payment(
        id=new_id("PAY"),
        account_number=session.account_number,
        paid_on=settings.today(),
        amount=session.amount,
        method="card",
        reference=first_reference,
    )
    db.add(payment)
    left = session.amount
    for invoice in invoices:
        if invoice is None or invoice.status != "open" or left <= 0:
            continue
        share = min(left, invoice.amount - invoice.paid_amount)
        if share <= 0:
            continue
        left -= share
        invoice.paid_amount += share
        if invoice.paid_amount >= invoice.amount:
            invoice.status = "paid"
        db.add(
            tables.Settlement(payment_id=payment.id, invoice_number=invoice.number, amount=share)
        )
    db.flush()
    _close_settled_notices(db, session.account_number)
    session.status = "succeeded"
    return payment


def _close_settled_notices(db: Session, account_number: str) -> None:
    for notice in db.scalars(
        select(tables.Notice).where(
            tables.Notice.account_number == account_number, tables.Notice.status == "open"
        )
    ):
        owed = Decimal(0)
        for number in notice.invoice_numbers:
            invoice = db.get(tables.Invoice, number)
            if invoice is not None and invoice.status == "open":
                owed += invoice.amount - invoice.paid_amount
        if owed <= 0:
            notice.status = "closed"
