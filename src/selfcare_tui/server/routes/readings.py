"""Meter readings, the reading window, ordering a bill, and consumption data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy import Integer, cast, func, select

from selfcare_tui.api import models
from selfcare_tui.api.models import ID_PATTERN, ErrorCode

from .. import convert, tables
from ..bill_orders import BILL_ORDER_REFUSALS, order_bill
from ..contract import NOT_FOUND, answers, refusals
from ..deps import CanRead, CanView, Config, CurrentUser, Db, IdPath, IdQuery
from ..i18n import _, format_date
from ..idempotency import IdempotencyKey, fingerprint, run_once
from ..pagination import Cursor, Limit, paginate
from ..problems import refused
from ..reading_rules import (
    READING_REFUSALS,
    check_submission,
    last_accepted_before,
    last_closed_window,
    meters_that_missed,
    reading_window,
)
from ..security import new_id
from .places import meter_of, place_of

router = APIRouter(prefix="/accounts/{number:account_number}", tags=["readings"])


@router.get("/reading-window", response_model=models.ReadingWindow)
def get_reading_window(grant: CanView, settings: Config, db: Db) -> models.ReadingWindow:
    """The current or next window, and which manual meters missed the last one."""
    window = reading_window(settings)
    first, last = last_closed_window(settings, settings.today())
    return window.model_copy(
        update={
            "last_opened_on": first,
            "last_closed_on": last,
            "missed_meters": meters_that_missed(db, grant.account.number, first, last),
        }
    )


@router.get("/readings", response_model=models.Page[models.Reading])
@answers(NOT_FOUND)
def list_readings(
    grant: CanView,
    db: Db,
    meter_id: Annotated[str, Query(pattern=ID_PATTERN)],
    register_id: IdQuery = None,
    since: models.Day | None = None,
    until: models.Day | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> models.Page[models.Reading]:
    """A meter's recorded readings, newest first, with their source, so customers can check them."""
    meter = meter_of(db, grant.account.number, meter_id)
    R = tables.Reading
    scope = select(R).where(R.register_id.in_([r.id for r in meter.registers]))
    filters = [
        *([R.register_id == register_id] if register_id else []),
        *([R.read_on >= since] if since else []),
        *([R.read_on <= until] if until else []),
    ]
    rows, next_cursor = paginate(
        db, scope, [R.read_on, R.id], filters=filters, cursor=cursor, limit=limit
    )
    return models.Page(items=[convert.reading(r, meter.id) for r in rows], next_cursor=next_cursor)


@router.post("/readings", response_model=models.ReadingReceipt, status_code=201)
@answers(NOT_FOUND, *refusals(*READING_REFUSALS, *BILL_ORDER_REFUSALS, ErrorCode.duplicate_reading))
def submit_readings(
    body: models.ReadingSubmission,
    grant: CanRead,
    db: Db,
    settings: Config,
    user: CurrentUser,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    meter = meter_of(db, grant.account.number, body.meter_id)

    def create() -> models.ReadingReceipt:
        check_submission(db, settings, meter, body)
        readings, consumption = [], []
        for entry in body.values:
            # From the last accepted reading, as the rules and the bill count: counting from an
            # estimate (or a later reading, for a back-dated one) gave negative or no consumption.
            previous = last_accepted_before(db, entry.register_id, body.read_on)
            row = tables.Reading(
                id=new_id("RD"),
                register_id=entry.register_id,
                read_on=body.read_on,
                value=entry.value,
                source="customer",
                submitted_at=settings.now(),
            )
            db.add(row)
            readings.append(convert.reading(row, meter.id))
            if previous is not None:
                consumption.append(
                    models.RegisterConsumption(
                        register_id=entry.register_id,
                        kwh=entry.value - previous.value,
                        days=(body.read_on - previous.read_on).days,
                    )
                )
        db.flush()
        invoice = order_bill(db, settings, grant.account, meter) if body.order_bill else None
        return models.ReadingReceipt(
            readings=readings,
            consumption_since_last=consumption,
            ordered_invoice=convert.invoice(invoice) if invoice else None,
        )

    return run_once(
        db,
        settings,
        principal=str(user.id),
        key=idempotency_key,
        request_hash=fingerprint(grant.account.number, "readings", body.model_dump_json()),
        create=create,
        conflict=refused(
            ErrorCode.duplicate_reading,
            _("A reading for this meter on {day} was recorded at the same moment.").format(
                day=format_date(body.read_on)
            ),
        ),
    )


@router.post("/bill-orders", response_model=models.Invoice, status_code=201)
@answers(NOT_FOUND, *refusals(*BILL_ORDER_REFUSALS))
def create_bill_order(
    body: models.BillOrder,
    grant: CanRead,
    db: Db,
    settings: Config,
    user: CurrentUser,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Bill on the actual reading now, any day; the estimated invoice it supersedes is replaced."""
    meter = meter_of(db, grant.account.number, body.meter_id)
    return run_once(
        db,
        settings,
        principal=str(user.id),
        key=idempotency_key,
        request_hash=fingerprint(grant.account.number, "bill-order", body.model_dump_json()),
        create=lambda: convert.invoice(order_bill(db, settings, grant.account, meter)),
    )


@router.get("/consumption", response_model=models.ConsumptionSeries)
@answers(NOT_FOUND)
def get_consumption(
    grant: CanView,
    db: Db,
    place_id: IdQuery = None,
    since: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
    until: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
) -> models.ConsumptionSeries:
    """Monthly consumption and export (never netted), for one place or the whole account."""
    number = grant.account.number
    place_ids = (
        [place_of(db, number, place_id).id]
        if place_id
        else list(db.scalars(select(tables.Place.id).where(tables.Place.account_number == number)))
    )
    mc = tables.MonthlyConsumption
    query = (
        select(
            mc.month,
            func.sum(mc.consumption_kwh),
            func.sum(mc.export_kwh),
            func.max(cast(mc.estimated, Integer)),  # PostgreSQL has no max(boolean)
        )
        .where(mc.place_id.in_(place_ids))
        .group_by(mc.month)
        .order_by(mc.month)
    )
    if since:
        query = query.where(mc.month >= since)
    if until:
        query = query.where(mc.month <= until)
    months = [
        models.MonthlyConsumption(
            month=month,
            consumption_kwh=Decimal(used),
            export_kwh=Decimal(exported),
            estimated=bool(estimated),
        )
        for month, used, exported, estimated in db.execute(query)
    ]
    available = db.scalar(
        select(func.min(tables.Meter.data_available_until)).where(
            tables.Meter.place_id.in_(place_ids),
            tables.Meter.smart.is_(True),
            tables.Meter.removed_on.is_(None),
        )
    )
    return models.ConsumptionSeries(
        place_id=place_id, months=months, data_available_until=available
    )


@router.get("/meters/{meter_id}/intervals", response_model=models.IntervalSeries)
@answers(NOT_FOUND)
def get_intervals(
    meter_id: IdPath, day: models.Day, grant: CanView, db: Db, settings: Config
) -> models.IntervalSeries:
    """The 15-minute profile of one day, in the utility's local day."""
    meter = meter_of(db, grant.account.number, meter_id)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=settings.zone)
    end = start + dt.timedelta(days=1)
    rows = db.scalars(
        select(tables.IntervalReading)
        .where(
            tables.IntervalReading.meter_id == meter.id,
            tables.IntervalReading.starts_at >= start,
            tables.IntervalReading.starts_at < end,
        )
        .order_by(tables.IntervalReading.starts_at)
    )
    return models.IntervalSeries(
        meter_id=meter.id,
        day=day,
        points=[
            models.IntervalPoint(
                start=r.starts_at, consumption_kwh=r.consumption_kwh, export_kwh=r.export_kwh
            )
            for r in rows
        ],
        data_available_until=meter.data_available_until,
    )
