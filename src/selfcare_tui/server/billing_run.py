"""The monthly billing run: each supplied place's invoice for the month before, issued after
the reading window closes (S3: bills are produced on the 1st-9th, not at reading entry).

A place is billed on the actual reading of each register in the window where there is one,
otherwise on an estimate from its earlier consumption (the invoice is then marked estimated
and the estimate is recorded as an estimated reading, so the next bill counts from it). The
energy is priced by `billing.price`, as ordered bills and the demo's invoices are.

Running a month twice issues nothing twice: a place whose invoices already reach the end of
the period is skipped, and the database holds one invoice per place and run month (a unique
constraint) as the last word. One process runs a month at a time: the run is claimed in the
database, and a claim whose heartbeat stopped (its process died) may be taken over; the work
is committed in batches, so a run that stopped is continued, not redone, by the next.

PDFs are rendered from the stored invoice on its first download and kept (`documents`), like
every invoice's, so the run writes rows only and stays fast at 100,000 customers.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby
from operator import attrgetter

from pydantic import ValidationError
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from selfcare_tui.api import models
from selfcare_tui.api.models import ErrorCode

from . import billing, tables
from .bulk_insert import BulkInsert, core_table
from .bulk_insert import Row as Values
from .db import make_engine, session_factory, upgrade
from .i18n import _, format_date, speaking
from .problems import ApiProblem, refused
from .reading_rules import window_of_month
from .security import new_id
from .settings import Settings

log = logging.getLogger("selfcare.server.billing")

BATCH = 2_000
"""Places per transaction: small enough to keep memory flat, large enough to be fast."""
HISTORY = dt.timedelta(days=400)
"""How far back readings are read: the closing reading of the last bill and a year of use."""
_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """What a run month bills: the calendar month before it, and that month's window."""

    month: str
    first: dt.date
    last: dt.date
    window_opens: dt.date
    window_closes: dt.date

    @classmethod
    def of(cls, settings: Settings, month: str) -> Period:
        year, number = (int(part) for part in month.split("-"))
        last = dt.date(year, number, 1) - _DAY
        opens, closes = window_of_month(settings, last)
        return cls(month, last.replace(day=1), last, opens, closes)


def _too_early(period: Period) -> ApiProblem:
    return refused(
        ErrorCode.billing_run_too_early,
        _(
            "The billing run of {month} can start on {day}: readings of the month before are "
            "accepted until {closes}."
        ).format(
            month=period.month,
            day=format_date(period.window_closes + _DAY),
            closes=format_date(period.window_closes),
        ),
    )


def _running(run: tables.BillingRun) -> ApiProblem:
    return ApiProblem(
        409,
        ErrorCode.billing_run_running,
        _("The billing run of {month} is running already (since {started}).").format(
            month=run.month, started=run.started_at.strftime("%Y-%m-%d %H:%M UTC")
        ),
    )


def claim(db: Session, settings: Settings, month: str, agent_id: int | None) -> tables.BillingRun:
    """Start the month's run, or refuse: before its window closed, or while it runs elsewhere.

    The claim is one conditional UPDATE (or the INSERT of a first run), so of two processes
    claiming at once exactly one wins. A run again starts its counts afresh.
    """
    period = Period.of(settings, month)
    if settings.today() <= period.window_closes:
        raise _too_early(period)
    now = settings.now()
    fresh = {
        "status": models.BillingRunStatus.running.value,
        "started_at": now,
        "heartbeat_at": now,
        "finished_at": None,
        "started_by": agent_id,
        "issued": 0,
        "estimated": 0,
        "already_billed": 0,
        "notices": 0,
        "total_amount": Decimal(0),
        "error": None,
    }
    taken = db.execute(
        update(tables.BillingRun)
        .where(
            tables.BillingRun.month == month,
            or_(
                tables.BillingRun.status != models.BillingRunStatus.running.value,
                tables.BillingRun.heartbeat_at < now - settings.billing_run_stale_after,
            ),
        )
        .values(**fresh)
    )
    if taken.rowcount == 0:  # type: ignore[attr-defined]
        existing = db.get(tables.BillingRun, month)
        if existing is not None:
            db.rollback()
            raise _running(existing)
        db.add(tables.BillingRun(month=month, **fresh))
        try:
            db.commit()
        except IntegrityError:
            db.rollback()  # another process inserted it first
            raise _running(db.get(tables.BillingRun, month) or tables.BillingRun(**fresh)) from None
    else:
        db.commit()
    run = db.get(tables.BillingRun, month)
    assert run is not None
    return run


def as_model(settings: Settings, run: tables.BillingRun) -> models.BillingRun:
    period = Period.of(settings, run.month)
    return models.BillingRun(
        month=run.month,
        status=models.BillingRunStatus(run.status),
        period_start=period.first,
        period_end=period.last,
        started_at=run.started_at,
        finished_at=run.finished_at,
        issued=run.issued,
        estimated=run.estimated,
        already_billed=run.already_billed,
        notices=run.notices,
        total_amount=billing.money(run.total_amount),
    )


def execute(sessions: sessionmaker[Session], settings: Settings, month: str) -> None:
    """Do the claimed run's work, batch by batch; a failure is recorded on the run."""
    period = Period.of(settings, month)
    try:
        with sessions() as db:
            after = ""
            while True:
                places = _supplied_places(db, period, after)
                if not places:
                    break
                _bill_batch(db, settings, period, places)
                after = places[-1].id
            _remind(db, settings, month)
            db.execute(
                update(tables.BillingRun)
                .where(tables.BillingRun.month == month)
                .values(status=models.BillingRunStatus.done.value, finished_at=settings.now())
            )
            db.commit()
    except Exception as error:
        log.exception("billing run %s failed", month)
        with sessions() as db:
            db.execute(
                update(tables.BillingRun)
                .where(tables.BillingRun.month == month)
                .values(
                    status=models.BillingRunStatus.failed.value,
                    finished_at=settings.now(),
                    error=type(error).__name__,
                )
            )
            db.commit()
        raise


def run_month(sessions: sessionmaker[Session], settings: Settings, month: str) -> models.BillingRun:
    """Claim and run a month in this process (`selfcare server bill`)."""
    with sessions() as db:
        claim(db, settings, month, None)
    execute(sessions, settings, month)
    with sessions() as db:
        run = db.get(tables.BillingRun, month)
        assert run is not None
        return as_model(settings, run)


def run_by_command(
    database_url: str | None, month: str | None, language: str = "en"
) -> models.BillingRun:
    """`selfcare server bill`: the month (default: this one) on the server's database, its
    refusals written in `language`. A malformed month is refused like the API refuses it."""
    settings = Settings(database_url=database_url) if database_url else Settings()
    with speaking(language):
        chosen = month or settings.today().strftime("%Y-%m")
        try:
            models.BillingRunStart(month=chosen)
        except ValidationError:
            raise refused(
                ErrorCode.validation_error,
                _("The month must be given as YYYY-MM, for example {example}.").format(
                    example=settings.today().strftime("%Y-%m")
                ),
            ) from None
        engine = make_engine(settings.database_url)
        try:
            upgrade(engine)
            return run_month(session_factory(engine), settings, chosen)
        finally:
            engine.dispose()


# --- one batch of places ----------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    id: str
    account_number: str
    mail_to: Values
    product: tables.Product
    supplied_since: dt.date


def _supplied_places(db: Session, period: Period, after: str) -> list[_Place]:
    """The next batch of connected places with a supply contract in force at the period's end."""
    in_force = (
        select(tables.Contract.place_id, func.max(tables.Contract.start_date).label("since"))
        .where(
            tables.Contract.kind == "supply",
            tables.Contract.start_date <= period.last,
            or_(tables.Contract.end_date.is_(None), tables.Contract.end_date >= period.last),
        )
        .group_by(tables.Contract.place_id)
        .subquery()
    )
    rows = db.execute(
        select(
            tables.Place.id,
            tables.Place.account_number,
            tables.Account.correspondence_address,
            tables.Account.home_address,
            tables.Contract.product_code,
            in_force.c.since,
        )
        .join(in_force, in_force.c.place_id == tables.Place.id)
        .join(
            tables.Contract,
            (tables.Contract.place_id == tables.Place.id)
            & (tables.Contract.kind == "supply")
            & (tables.Contract.start_date == in_force.c.since),
        )
        .join(tables.Account, tables.Account.number == tables.Place.account_number)
        .where(tables.Place.state == "connected", tables.Place.id > after)
        .order_by(tables.Place.id)
        .limit(BATCH)
    ).all()
    products = {p.code: p for p in db.scalars(select(tables.Product))}
    places: dict[str, _Place] = {}
    for place_id, account, correspondence, home, product, since in rows:
        places.setdefault(
            place_id, _Place(place_id, account, correspondence or home, products[product], since)
        )
    return list(places.values())


@dataclass
class _Register:
    id: str
    kind: str
    decimal_places: int
    removed_on: dt.date | None
    readings: list[tuple[dt.date, Decimal, str]] = field(default_factory=list)
    """(day, value, source), oldest first."""


@dataclass
class _Tally:
    issued: int = 0
    estimated: int = 0
    already_billed: int = 0
    total: Decimal = Decimal(0)


def _bill_batch(db: Session, settings: Settings, period: Period, places: list[_Place]) -> None:
    ids = [place.id for place in places]
    billed_to = {
        place_id: period_end
        for place_id, period_end in db.execute(
            select(tables.Invoice.place_id, func.max(tables.Invoice.period_end))
            .where(tables.Invoice.place_id.in_(ids), tables.Invoice.status != "replaced")
            .group_by(tables.Invoice.place_id)
        )
    }
    registers = _registers(db, period, ids)
    tally = _Tally()
    invoices: list[Values] = []
    estimates: list[Values] = []
    consumption: list[Values] = []
    for place in places:
        last_billed = billed_to.get(place.id)
        if last_billed is not None and last_billed >= period.last:
            tally.already_billed += 1
            continue
        # Never billed: from the supply's start, if that was within the period.
        start = (
            max(period.first, place.supplied_since) if last_billed is None else last_billed + _DAY
        )
        energy, estimated_readings = _energy(settings, period, start, registers[place.id])
        months = max(1, round((period.last - start).days / 30.4))
        bill = billing.price(place.product, energy, months)
        estimated = bool(estimated_readings)
        invoices.append(_invoice(settings, period, place, start, energy, bill, estimated))
        estimates.extend(estimated_readings)
        if start == period.first:
            consumption.append(
                {
                    "place_id": place.id,
                    "month": period.first.strftime("%Y-%m"),
                    "consumption_kwh": energy.consumed_kwh,
                    "export_kwh": energy.export_kwh,
                    "estimated": estimated,
                }
            )
        tally.issued += 1
        tally.estimated += estimated
        tally.total += bill.total
    for invoice, number in zip(
        invoices, billing.free_numbers(db, tables.Invoice.number, "INV", len(invoices)), strict=True
    ):
        invoice["number"] = number
        invoice["payment_reference"] = billing.reference_number(number[3:])
    _write(db, period, invoices, estimates, consumption)
    db.execute(
        update(tables.BillingRun)
        .where(tables.BillingRun.month == period.month)
        .values(
            issued=tables.BillingRun.issued + tally.issued,
            estimated=tables.BillingRun.estimated + tally.estimated,
            already_billed=tables.BillingRun.already_billed + tally.already_billed,
            total_amount=tables.BillingRun.total_amount + tally.total,
            heartbeat_at=settings.now(),
        )
    )
    db.commit()


def _registers(db: Session, period: Period, place_ids: list[str]) -> dict[str, list[_Register]]:
    """Registers of the meters in place during the period, each with its recent readings."""
    rows = db.execute(
        select(
            tables.Meter.place_id,
            tables.Register.id,
            tables.Register.kind,
            tables.Register.decimal_places,
            tables.Meter.removed_on,
        )
        .join(tables.Register, tables.Register.meter_id == tables.Meter.id)
        .where(
            tables.Meter.place_id.in_(place_ids),
            tables.Meter.installed_on <= period.last,
            or_(tables.Meter.removed_on.is_(None), tables.Meter.removed_on >= period.first),
        )
    ).all()
    by_place: dict[str, list[_Register]] = defaultdict(list)
    by_id: dict[str, _Register] = {}
    for place_id, register_id, kind, decimals, removed_on in rows:
        register = _Register(register_id, kind, decimals, removed_on)
        by_place[place_id].append(register)
        by_id[register_id] = register
    readings = db.execute(
        select(
            tables.Reading.register_id,
            tables.Reading.read_on,
            tables.Reading.value,
            tables.Reading.source,
        )
        .where(
            tables.Reading.register_id.in_(list(by_id)),
            tables.Reading.read_on >= period.first - HISTORY,
            tables.Reading.read_on <= period.window_closes,
        )
        .order_by(tables.Reading.register_id, tables.Reading.read_on)
    ).all()
    for register_id, group in groupby(readings, key=attrgetter("register_id")):
        by_id[register_id].readings = [(r.read_on, r.value, r.source) for r in group]
    return by_place


def _energy(
    settings: Settings, period: Period, start: dt.date, registers: Sequence[_Register]
) -> tuple[billing.Energy, list[Values]]:
    """The period's energy per kind, and the estimated readings it rests on (none: actual)."""
    used: dict[str, Decimal] = defaultdict(Decimal)
    estimates: list[Values] = []
    for register in registers:
        opening = _opening(register, start)
        if opening is None:
            continue  # never read at all: nothing to count from
        closing = _closing(period, register)
        if closing is None:
            value = _estimate(register, opening, start, period.last)
            estimates.append(_estimated_reading(settings, register, period.last, value))
        else:
            value = closing
        kind = register.kind if register.kind in ("night", "export") else "day"
        used[kind] += value - opening[1]
    energy = billing.Energy(used["day"], used["night"], used["export"])
    return energy, estimates


def _opening(register: _Register, start: dt.date) -> tuple[dt.date, Decimal] | None:
    """The reading the period counts from: the last one before it (an estimate counts: the
    bill that rested on it charged up to it), else the first in it (a meter installed then)."""
    before = [r for r in register.readings if r[0] < start]
    if before:
        return before[-1][0], before[-1][1]
    after = [r for r in register.readings if r[0] >= start]
    return (after[0][0], after[0][1]) if after else None


def _closing(period: Period, register: _Register) -> Decimal | None:
    """The actual reading that closes the period: in the window, or a removed meter's last."""
    if register.removed_on is not None and register.removed_on <= period.last:
        last = [
            r for r in register.readings if r[0] <= register.removed_on and r[2] in billing.ACTUAL
        ]
        return last[-1][1] if last else None
    in_window = [
        r
        for r in register.readings
        if period.window_opens <= r[0] <= period.window_closes and r[2] in billing.ACTUAL
    ]
    return in_window[-1][1] if in_window else None


def _estimate(
    register: _Register, opening: tuple[dt.date, Decimal], start: dt.date, last: dt.date
) -> Decimal:
    """The opening value plus the register's daily use over the year of actual readings before
    the period (no use without two of them), rounded as the register shows values."""
    year = [r for r in register.readings if start - dt.timedelta(days=366) <= r[0] < start]
    actual = [r for r in year if r[2] in billing.ACTUAL]
    daily = Decimal(0)
    if len(actual) >= 2 and actual[-1][0] > actual[0][0]:
        daily = max(
            Decimal(0), (actual[-1][1] - actual[0][1]) / (actual[-1][0] - actual[0][0]).days
        )
    value = opening[1] + daily * (last - opening[0]).days
    return value.quantize(Decimal(1).scaleb(-register.decimal_places), ROUND_HALF_UP)


def _estimated_reading(
    settings: Settings, register: _Register, day: dt.date, value: Decimal
) -> Values:
    return {
        "id": new_id("RD"),
        "register_id": register.id,
        "read_on": day,
        "value": value,
        "source": models.ReadingSource.estimated.value,
        "submitted_at": settings.now(),
    }


def _invoice(
    settings: Settings,
    period: Period,
    place: _Place,
    start: dt.date,
    energy: billing.Energy,
    bill: billing.Bill,
    estimated: bool,
) -> Values:
    today = settings.today()
    return {
        "number": "",  # numbered per batch, with one query for collisions
        "account_number": place.account_number,
        "place_id": place.id,
        "period_start": start,
        "period_end": period.last,
        "issued_on": today,
        "due_on": today + dt.timedelta(days=settings.payment_term_days),
        "kwh": energy.consumed_kwh,
        "amount": bill.total,
        "paid_amount": Decimal(0),
        "estimated": estimated,
        "status": "open",
        "replaced_by": None,
        "payment_reference": "",
        "correspondence_address": place.mail_to,
        "lines": [line.model_dump(mode="json") for line in bill.lines],
        "tax_rate": billing.TAX_RATE,
        "tax_amount": bill.tax,
        "billing_month": period.month,
    }


def _write(
    db: Session,
    period: Period,
    invoices: list[Values],
    estimates: list[Values],
    consumption: list[Values],
) -> None:
    if estimates:
        # An estimate at the period's end from before (the demo's, or a run that failed before
        # its commit could not leave one) gives way to this run's.
        db.execute(
            delete(tables.Reading).where(
                tables.Reading.register_id.in_([row["register_id"] for row in estimates]),
                tables.Reading.read_on == period.last,
                tables.Reading.source == models.ReadingSource.estimated.value,
            )
        )
    if consumption:
        db.execute(
            delete(tables.MonthlyConsumption).where(
                tables.MonthlyConsumption.place_id.in_([row["place_id"] for row in consumption]),
                tables.MonthlyConsumption.month == consumption[0]["month"],
            )
        )
    connection = db.connection()
    for model, rows in (
        (tables.Invoice, invoices),
        (tables.Reading, estimates),
        (tables.MonthlyConsumption, consumption),
    ):
        if rows:
            BulkInsert(core_table(model), list(rows[0]), connection.dialect).execute(
                connection, rows
            )


# --- payment reminders --------------------------------------------------------------------


def _remind(db: Session, settings: Settings, month: str) -> None:
    """A reminder for each open invoice overdue by the configured days that has none yet."""
    today = settings.today()
    cutoff = today - dt.timedelta(days=settings.reminder_after_days)
    reminded = {
        number
        for numbers in db.scalars(
            select(tables.Notice.invoice_numbers).where(tables.Notice.kind == "reminder")
        )
        for number in numbers
    }
    overdue = [
        (number, account, place, owed)
        for number, account, place, owed in db.execute(
            select(
                tables.Invoice.number,
                tables.Invoice.account_number,
                tables.Invoice.place_id,
                tables.Invoice.amount - tables.Invoice.paid_amount,
            ).where(
                tables.Invoice.status == "open",
                tables.Invoice.due_on < cutoff,
                tables.Invoice.paid_amount < tables.Invoice.amount,
            )
        )
        if number not in reminded
    ]
    notices = _reminders(db, settings, overdue)
    if notices:
        connection = db.connection()
        insert = BulkInsert(core_table(tables.Notice), list(notices[0]), connection.dialect)
        for start in range(0, len(notices), BATCH):
            insert.execute(connection, notices[start : start + BATCH])
    db.execute(
        update(tables.BillingRun)
        .where(tables.BillingRun.month == month)
        .values(notices=tables.BillingRun.notices + len(notices), heartbeat_at=settings.now())
    )


def _reminders(
    db: Session, settings: Settings, overdue: Sequence[tuple[str, str, str, Decimal]]
) -> list[Values]:
    today = settings.today()
    numbers = billing.free_numbers(db, tables.Notice.number, "NT", len(overdue))
    return [
        {
            "number": number,
            "account_number": account,
            "kind": models.NoticeKind.reminder.value,
            "issued_on": today,
            "deadline": today + dt.timedelta(days=settings.reminder_deadline_days),
            "amount": owed,
            "status": models.NoticeStatus.open.value,
            "invoice_numbers": [invoice],
            "place_id": place,
        }
        for (invoice, account, place, owed), number in zip(overdue, numbers, strict=True)
    ]
