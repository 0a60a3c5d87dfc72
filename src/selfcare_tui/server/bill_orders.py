"""Billing a place on its actual reading on any day; the estimate it supersedes is replaced."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from selfcare_tui.api.models import ErrorCode

from . import tables
from .billing import ACTUAL, TAX_RATE, Energy, free_numbers, price, reference_number
from .i18n import _
from .problems import refused
from .settings import Settings


def _reading_on_or_before(db: Session, register_id: str, day: dt.date) -> tables.Reading | None:
    return db.scalars(
        select(tables.Reading)
        .where(
            tables.Reading.register_id == register_id,
            tables.Reading.read_on <= day,
            tables.Reading.source.in_(ACTUAL),
        )
        .order_by(tables.Reading.read_on.desc())
        .limit(1)
    ).first()


BILL_ORDER_REFUSALS = (
    ErrorCode.no_estimated_invoice,
    ErrorCode.no_new_reading,
    ErrorCode.no_supply_contract,
)
"""What order_bill refuses with (each a 422), for the published contract."""


def order_bill(
    db: Session, settings: Settings, account: tables.Account, meter: tables.Meter
) -> tables.Invoice:
    """Bill from the end of the last actual bill to the meter's newest actual reading.

    Open estimated invoices inside that period are marked replaced, so the customer owes only
    the new bill. Adds rows without committing; the caller commits.
    """
    invoices = list(
        db.scalars(
            select(tables.Invoice)
            .where(tables.Invoice.place_id == meter.place_id, tables.Invoice.status != "replaced")
            .order_by(tables.Invoice.period_end.desc())
        )
    )
    estimates = []
    for inv in invoices:
        if inv.estimated and inv.status == "open":
            estimates.append(inv)
        else:
            break
    if not estimates:
        raise refused(
            ErrorCode.no_estimated_invoice,
            _(
                "The latest bill of this place is already on an actual reading; there is no "
                "estimate to replace."
            ),
        )
    period_start = estimates[-1].period_start
    base_day = period_start - dt.timedelta(days=1)
    day_kwh = night_kwh = export_kwh = Decimal(0)
    read_on: dt.date | None = None
    unread: list[tables.Register] = []
    for register in meter.registers:
        base = _reading_on_or_before(db, register.id, base_day)
        latest = _reading_on_or_before(db, register.id, settings.today())
        if base is None or latest is None or latest.read_on <= base_day:
            unread.append(register)
            continue
        read_on = latest.read_on if read_on is None else max(read_on, latest.read_on)
        used = latest.value - base.value
        if register.kind == "export":
            export_kwh += used
        elif register.kind == "night":
            night_kwh += used
        else:
            day_kwh += used
    if unread:
        # Billing only the registers that were read would drop the others' energy while the
        # estimate that covered it is cancelled.
        raise refused(
            ErrorCode.no_new_reading,
            _(
                "Register {register} has no actual reading newer than the last bill; "
                "submit a reading of every register first."
            ).format(register=unread[0].code),
            register_id=unread[0].id,
        )
    assert read_on is not None
    contract = db.scalars(
        select(tables.Contract)
        .where(tables.Contract.place_id == meter.place_id, tables.Contract.kind == "supply")
        .order_by(tables.Contract.start_date.desc())
        .limit(1)
    ).first()
    if contract is None:
        raise refused(ErrorCode.no_supply_contract, _("This place has no supply contract to bill."))
    months = max(1, round((read_on - period_start).days / 30.4))
    bill = price(contract.product, Energy(day_kwh, night_kwh, export_kwh), months)
    (number,) = free_numbers(db, tables.Invoice.number, "INV", 1)
    today = settings.today()
    invoice = tables.Invoice(
        number=number,
        account_number=account.number,
        place_id=meter.place_id,
        period_start=period_start,
        period_end=read_on,
        issued_on=today,
        due_on=today + dt.timedelta(days=settings.payment_term_days),
        kwh=day_kwh + night_kwh,
        amount=bill.total,
        paid_amount=Decimal(0),
        estimated=False,
        status="open",
        replaced_by=None,
        payment_reference=reference_number(number[3:]),
        correspondence_address=account.correspondence_address or account.home_address,
        lines=[line.model_dump(mode="json") for line in bill.lines],
        tax_rate=TAX_RATE,
        tax_amount=bill.tax,
    )
    db.add(invoice)
    for estimate in estimates:
        estimate.status = "replaced"
        estimate.replaced_by = number
    return invoice
