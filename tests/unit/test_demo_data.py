"""The demo data keeps the promises the README and the feature tests rely on."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from selfcare_tui.api import models
from selfcare_tui.server import demo, tables
from selfcare_tui.server.reference_data import REQUEST_TYPES, ensure_reference_data

TODAY = dt.date(2026, 11, 25)
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@contextmanager
def _seeded(customers: int = 0) -> Iterator[Session]:
    engine = create_engine("sqlite://")
    tables.Base.metadata.create_all(engine)
    try:
        with Session(engine) as session:
            demo.seed_demo(session, today=TODAY, customers=customers)
            session.commit()
            yield session
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def db() -> Iterator[Session]:
    with _seeded() as session:
        yield session


def _user(db: Session, username: str) -> tables.User:
    return db.scalars(select(tables.User).where(tables.User.username == username)).one()


def _places(db: Session, account_number: str) -> list[tables.Place]:
    query = select(tables.Place).where(tables.Place.account_number == account_number)
    return list(db.scalars(query.order_by(tables.Place.id)))


def _meters(db: Session, place_id: str) -> list[tables.Meter]:
    query = select(tables.Meter).where(tables.Meter.place_id == place_id)
    return list(db.scalars(query.order_by(tables.Meter.id)))


def _invoices(db: Session, account_number: str) -> list[tables.Invoice]:
    query = select(tables.Invoice).where(tables.Invoice.account_number == account_number)
    return list(db.scalars(query.order_by(tables.Invoice.issued_on, tables.Invoice.number)))


def test_maria_owns_the_flat_and_the_cottage(db: Session) -> None:
    maria = _user(db, "maria")
    assert maria.role == "customer" and maria.national_id
    numbers = db.scalars(select(tables.Account.number).where(tables.Account.owner_id == maria.id))
    assert sorted(numbers) == [demo.FLAT_ACCOUNT, demo.COTTAGE_ACCOUNT]
    cottage = db.get_one(tables.Account, demo.COTTAGE_ACCOUNT)
    assert cottage.invoice_channel == "paper"
    assert cottage.payment_code == demo.PAYMENT_CODES[demo.COTTAGE_ACCOUNT]


def test_flat_has_a_manual_day_night_meter(db: Session) -> None:
    [place] = _places(db, demo.FLAT_ACCOUNT)
    [meter] = _meters(db, place.id)
    assert not meter.smart
    assert [(r.code, r.kind) for r in meter.registers] == [("1.8.1", "day"), ("1.8.2", "night")]
    contract = db.scalars(select(tables.Contract).where(tables.Contract.place_id == place.id)).one()
    assert contract.product_code == "DAYNIGHT"


def test_cottage_has_a_smart_export_meter_with_interval_data(db: Session) -> None:
    [place] = _places(db, demo.COTTAGE_ACCOUNT)
    [meter] = _meters(db, place.id)
    assert meter.smart
    assert {r.kind for r in meter.registers} == {"single", "export"}
    until = dt.datetime.combine(TODAY - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    assert meter.data_available_until == until
    query = select(
        func.count(),
        func.min(tables.IntervalReading.starts_at),
        func.max(tables.IntervalReading.starts_at),
        func.sum(tables.IntervalReading.export_kwh),
    ).where(tables.IntervalReading.meter_id == meter.id)
    count, first, last, exported = db.execute(query).one()
    assert count == 30 * 96
    assert (first, last) == (until - dt.timedelta(days=30), until - dt.timedelta(minutes=15))
    assert exported > 0
    months = db.scalars(
        select(tables.MonthlyConsumption).where(tables.MonthlyConsumption.place_id == place.id)
    ).all()
    assert len(months) == 36 and max(m.export_kwh for m in months) > 0


def test_flat_latest_invoice_alone_is_estimated_and_open(db: Session) -> None:
    invoices = _invoices(db, demo.FLAT_ACCOUNT)
    estimated_open = [i for i in invoices if i.estimated and i.status == "open"]
    assert estimated_open == [invoices[-1]]
    assert invoices[-1].paid_amount == 0
    assert all(i.status == "paid" for i in invoices[:-1])
    reading_sources = db.scalars(
        select(tables.Reading.source)
        .where(tables.Reading.read_on == invoices[-1].period_end)
        .join(tables.Register)
        .join(tables.Meter)
        .where(tables.Meter.place_id == invoices[-1].place_id)
    ).all()
    assert reading_sources == ["estimated", "estimated"]


def test_cottage_overdue_invoice_has_an_open_reminder(db: Session) -> None:
    overdue = [
        i for i in _invoices(db, demo.COTTAGE_ACCOUNT) if i.status == "open" and i.due_on < TODAY
    ]
    assert len(overdue) == 1
    notices = db.scalars(
        select(tables.Notice).where(tables.Notice.account_number == demo.COTTAGE_ACCOUNT)
    ).all()
    [reminder] = [n for n in notices if n.status == "open"]
    assert reminder.kind == "reminder" and reminder.deadline > TODAY
    assert reminder.invoice_numbers == [overdue[0].number]
    assert reminder.amount == overdue[0].amount - overdue[0].paid_amount
    assert reminder.place_id == overdue[0].place_id
    assert [n.status for n in notices if n is not reminder] == ["closed"]


def test_jaan_holds_a_current_and_an_expired_mandate(db: Session) -> None:
    jaan = _user(db, "jaan")
    mandates = {
        m.account_number: m
        for m in db.scalars(select(tables.Mandate).where(tables.Mandate.delegate_id == jaan.id))
    }
    current, expired = mandates[demo.FLAT_ACCOUNT], mandates[demo.COTTAGE_ACCOUNT]
    assert current.scopes == ["view", "readings"]
    assert current.expires_at.date() == TODAY.replace(year=TODAY.year + 1)
    assert expired.expires_at == NOW - dt.timedelta(days=10)
    assert db.get_one(tables.Account, demo.JAAN_ACCOUNT).owner_id == jaan.id


def test_business_places_cover_the_outage_rules(db: Session) -> None:
    account = db.get_one(tables.Account, demo.BUSINESS_ACCOUNT)
    assert account.kind == "business"
    places = _places(db, demo.BUSINESS_ACCOUNT)
    assert len(places) == 24 and len({p.area for p in places}) > 3
    assert [p.state for p in places].count("disconnected") == 1
    active = db.scalars(
        select(tables.Work).where(tables.Work.starts_at <= NOW, tables.Work.ends_at > NOW)
    ).all()
    assert [(w.kind, w.area) for w in active] == [("accidental", "AREA-HARJU-7")]
    assert "AREA-HARJU-7" in {p.area for p in places}
    [report] = db.scalars(
        select(tables.OutageReport).where(
            tables.OutageReport.account_number == demo.BUSINESS_ACCOUNT
        )
    ).all()
    assert report.status == "open" and report.reference.startswith("OR")
    assert report.created_at.date() == TODAY - dt.timedelta(days=1)
    assert report.place_id in {p.id for p in places}


def test_the_agents_queues_hold_every_kind_and_stage(db: Session) -> None:
    """Every request type of the guide waits in the queue, at one of its own stages, taken by
    either agent or by nobody; the outage reports are open and acknowledged."""
    open_requests = db.scalars(
        select(tables.Request).where(tables.Request.status.in_(["submitted", "in_progress"]))
    ).all()
    types = {t.code: t.stages for t in db.scalars(select(tables.RequestType))}
    assert {r.type_code for r in open_requests} == set(types)
    for request in open_requests:
        assert request.stage in types[request.type_code], request.id
    holders = {r.holder.username if r.holder else None for r in open_requests}
    assert holders == {None, "agent", "mihai"}
    asked = [r for r in open_requests if r.requested_documents]
    assert [r.requested_documents for r in asked] == [["identity_document"]]
    reports = db.scalars(select(tables.OutageReport)).all()
    assert {r.status for r in reports} == {"open", "in_progress"}


def test_business_has_one_replaced_meter(db: Session) -> None:
    places = {p.id for p in _places(db, demo.BUSINESS_ACCOUNT)}
    meters = db.scalars(select(tables.Meter).where(tables.Meter.place_id.in_(places))).all()
    [removed] = [m for m in meters if m.removed_on is not None]
    successors = [m for m in meters if m.place_id == removed.place_id and m is not removed]
    assert [m.installed_on for m in successors] == [removed.removed_on]


def test_planned_works(db: Session) -> None:
    works = db.scalars(select(tables.Work).where(tables.Work.kind == "planned")).all()
    upcoming = [w for w in works if w.area == "AREA-TALLINN-3" and w.starts_at > NOW]
    assert [(w.starts_at.date(), w.ends_at - w.starts_at) for w in upcoming] == [
        (TODAY + dt.timedelta(days=3), dt.timedelta(hours=4))
    ]
    month_start = dt.datetime.combine(TODAY.replace(day=1), dt.time(), tzinfo=dt.UTC)
    assert any(month_start - dt.timedelta(days=31) < w.ends_at < month_start for w in works)
    demo_areas = set(db.scalars(select(tables.Place.area)))
    assert any(w.area not in demo_areas for w in works)


def test_attachable_account_and_agent(db: Session) -> None:
    number, payment_code = demo.ATTACHABLE_ACCOUNT
    account = db.get_one(tables.Account, number)
    assert account.owner_id is None and account.payment_code == payment_code
    agent = _user(db, "agent")
    assert agent.role == "agent" and agent.mfa_secret == demo.AGENT_TOTP_SECRET
    usernames = set(db.scalars(select(tables.User.username)))
    assert {login for login, _, _ in demo.DEMO_LOGINS} <= usernames


def test_readings_never_decrease(db: Session) -> None:
    values: dict[str, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for reading in db.scalars(select(tables.Reading)):
        values[reading.register_id].append((reading.read_on, reading.value))
    for series in values.values():
        ordered = [value for _, value in sorted(series)]
        assert ordered == sorted(ordered)


def test_invoice_totals_and_settlements_add_up(db: Session) -> None:
    settled: dict[str, Decimal] = defaultdict(Decimal)
    for settlement in db.scalars(select(tables.Settlement)):
        settled[settlement.invoice_number] += settlement.amount
    for invoice in db.scalars(select(tables.Invoice)):
        lines = [models.InvoiceLine.model_validate(line) for line in invoice.lines]
        assert invoice.amount == sum(line.amount.amount for line in lines) + invoice.tax_amount
        assert settled.get(invoice.number, Decimal(0)) == invoice.paid_amount
        assert invoice.paid_amount == (invoice.amount if invoice.status == "paid" else 0)
    for payment in db.scalars(select(tables.Payment)):
        assert payment.amount == sum(s.amount for s in payment.settlements)
    assert any(len(p.settlements) == 2 for p in db.scalars(select(tables.Payment)))


def test_reference_data_matches_the_contract_and_is_idempotent(db: Session) -> None:
    for row in db.scalars(select(tables.RequestType)):
        models.RequestType.model_validate(row, from_attributes=True)
    ensure_reference_data(db)
    db.flush()
    assert db.scalar(select(func.count()).select_from(tables.RequestType)) == len(REQUEST_TYPES)
    assert db.scalar(select(func.count()).select_from(tables.Product)) == 4


def test_same_seed_and_day_give_the_same_invoices(db: Session) -> None:
    def invoices(session: Session) -> list[tuple[str, Decimal]]:
        query = select(tables.Invoice.number, tables.Invoice.amount).order_by(tables.Invoice.number)
        return [(number, amount) for number, amount in session.execute(query)]

    with _seeded() as again:
        assert invoices(again) == invoices(db)


def test_synthetic_customers_are_added() -> None:
    with _seeded(customers=2000) as session:
        users = session.scalar(select(func.count()).select_from(tables.User))
        assert users == 2000 + len(demo.DEMO_LOGINS)
        invoices = session.scalar(select(func.count()).select_from(tables.Invoice))
        assert invoices is not None and invoices > 2000 * 12
        codes = session.scalars(select(tables.Account.payment_code)).all()
        assert len(codes) == len(set(codes)) and all(code.isdigit() for code in codes)


def test_refuses_a_database_that_has_users(db: Session) -> None:
    with pytest.raises(ValueError, match="empty database"):
        demo.seed_demo(db, today=TODAY)


def test_requests_show_each_stage_of_their_life(db: Session) -> None:
    """A grid connection under review, a draft missing documents, an answered complaint."""
    requests = {r.id: r for r in db.scalars(select(tables.Request))}
    grid, holder, complaint = (requests[f"RQ00000000{n}"] for n in (1, 2, 3))
    assert (grid.type_code, grid.status, grid.stage) == (
        "grid_connection",
        "in_progress",
        "technical_review",
    )
    assert [h.status for h in grid.history] == ["draft", "submitted", "in_progress"]
    assert (holder.status, [a.document_code for a in holder.attachments]) == (
        "draft",
        ["identity_document"],
    )
    assert complaint.history[-1].note and complaint.status == "completed"
    assert all(a.content.startswith(b"%PDF-") for r in requests.values() for a in r.attachments)
