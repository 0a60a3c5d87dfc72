"""The backend on PostgreSQL: migrations, demo data, and the main flows against a live server.

The other tests run on SQLite, the default; these prove the same code holds on PostgreSQL,
whose types, locks and constraint errors differ. scripts/postgres.sh finds PostgreSQL (or
installs Debian's package, as root) and runs a throwaway server for the session; where it
cannot be installed, the tests skip and say why.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from selfcare_tui.api import models
from selfcare_tui.api.errors import RuleViolation
from selfcare_tui.server import db, tables
from selfcare_tui.server.demo import BUSINESS_ACCOUNT, COTTAGE_ACCOUNT, FLAT_ACCOUNT
from selfcare_tui.server.local_mail import LocalMailServer
from selfcare_tui.server.payments import settle_session
from selfcare_tui.server.reading_rules import check_submission
from selfcare_tui.server.routes.outages import eligibility
from selfcare_tui.server.run import seed_if_empty
from selfcare_tui.server.settings import Clock, Settings

from ..support.builders import make_pdf, write
from ..support.contract_scenarios import control_characters_are_refused_naming_the_field
from ..support.demo_users import EMAIL, login
from ..support.live_server import IN_WINDOW, NOW, LiveServer, serving
from ..support.mail import code_in, last_mail_to
from ..support.outages_scenarios import flat_place, report
from ..support.payments_scenarios import (
    ACME_MONTHS,
    ACME_PLACES,
    follow_processor,
    only_open_invoice,
    overdue_invoice,
    strictly_newest_first,
)
from ..support.readings_scenarios import (
    check_replaced,
    flat_meter,
    move_clock,
    open_estimate,
    plausible,
    stored,
    submission,
)
from ..support.throttle_scenarios import (
    concurrent_logins_are_limited_per_address,
    concurrent_wrong_lookups_are_limited_per_address,
    concurrent_wrong_passwords_cost_one_attempt_each,
    the_right_password_among_guesses_never_fails,
)

SCRIPT = Path(__file__).parents[2] / "scripts" / "postgres.sh"
CANNOT_INSTALL = 77
"""The script's exit status when PostgreSQL is missing and cannot be installed here."""
INSTALL_SECONDS = 900


def _script(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout, check=False
    )


# Installing PostgreSQL (apt-get, once per machine) takes longer than a test may.
_INSTALL_TIME = [] if _script("find").returncode == 0 else [pytest.mark.timeout(INSTALL_SECONDS)]
# One worker runs them all (pytest -n, --dist loadgroup), so one PostgreSQL serves the module.
pytestmark = [pytest.mark.anyio, pytest.mark.xdist_group("postgres"), *_INSTALL_TIME]


@dataclass(frozen=True)
class Postgres:
    """A running throwaway server, reached over the Unix socket in its directory."""

    directory: str

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.directory}"

    def _admin(self, statement: str) -> None:
        engine = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()

    def create_database(self, name: str, template: str = "template0") -> str:
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    """Started for this module and stopped when it is done, not at the end of the run."""
    started = _script("start", timeout=INSTALL_SECONDS)
    if started.returncode == CANNOT_INSTALL:
        pytest.skip(f"no PostgreSQL: {started.stderr.strip()}")
    assert started.returncode == 0, f"scripts/postgres.sh start failed:\n{started.stderr}"
    server = Postgres(started.stdout.strip())
    try:
        yield server
    finally:
        stopped = _script("stop", server.directory)
        assert stopped.returncode == 0, stopped.stderr


@pytest.fixture(scope="module")
def postgres_demo(postgres: Postgres) -> str:
    """The demo data seeded once; each live server gets a copy (a cheap file copy)."""
    url = postgres.create_database("demo")
    seed_if_empty(Settings(database_url=url, clock=Clock(NOW)), 0)
    return "demo"


@pytest.fixture
def pg_server(postgres: Postgres, postgres_demo: str) -> Iterator[LiveServer]:
    """Like conftest's live_server, on a fresh copy of the PostgreSQL demo database."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    settings = Settings(
        database_url=postgres.create_database(name, template=postgres_demo), clock=Clock(NOW)
    )
    try:
        # No SQLite file here: helpers that read one must not be used with this server.
        with serving(settings) as server:
            yield server
    finally:
        postgres.drop_database(name)


def fetch(server: LiveServer, query: Any) -> list[tuple[Any, ...]]:
    """Rows straight from the server's database, for what the API does not show."""
    engine = create_engine(server.settings.database_url)
    try:
        with Session(engine) as session:
            return [tuple(row) for row in session.execute(query)]
    finally:
        engine.dispose()


# --- schema and data -----------------------------------------------------------------------


def test_migrations_build_exactly_the_models_schema(postgres: Postgres) -> None:
    """A deployment on PostgreSQL upgrades from nothing to the models' schema, index for index."""
    engine = create_engine(postgres.create_database("migrations"))
    try:
        db.upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, tables.Base.metadata)
    finally:
        engine.dispose()
        postgres.drop_database("migrations")
    assert differences == []


def test_demo_data_is_row_for_row_what_sqlite_gets(
    postgres: Postgres, postgres_demo: str, demo_database: Path
) -> None:
    """The fast bulk insert writes through each dialect's own conversions: same rows on both.

    Password hashes differ only by their random salt; logging in below proves them.
    """
    engines = {
        "postgresql": create_engine(postgres.url(postgres_demo)),
        "sqlite": create_engine(f"sqlite:///{demo_database}"),
    }
    contents: dict[str, dict[str, list[tuple[Any, ...]]]] = {name: {} for name in engines}
    try:
        for name, engine in engines.items():
            with engine.connect() as connection:
                for table in tables.Base.metadata.sorted_tables:
                    columns = [c for c in table.columns if c.name != "password_hash"]
                    query = select(*columns).order_by(*table.primary_key.columns)
                    contents[name][table.name] = [tuple(row) for row in connection.execute(query)]
    finally:
        for engine in engines.values():
            engine.dispose()
    assert len(contents["postgresql"]["invoices"]) > 300
    for table in tables.Base.metadata.sorted_tables:
        assert contents["postgresql"][table.name] == contents["sqlite"][table.name], table.name


# --- the API on PostgreSQL -----------------------------------------------------------------


async def snapshot(server: LiveServer, username: str) -> dict[str, Any]:
    """Every read-only answer a customer sees, as parsed JSON: amounts are strings, so their
    scale must match too."""
    client = await server.login(username)
    headers = {"Authorization": f"Bearer {client.access_token}"}
    answers: dict[str, Any] = {}
    async with client, httpx.AsyncClient(base_url=f"{server.base_url}/api/v1") as http:

        async def get(path: str) -> Any:
            response = await http.get(path, headers=headers)
            assert response.status_code == 200, (path, response.text)
            answers[path] = response.json()
            return answers[path]

        for path in ("/me", "/products", "/request-types", "/works?include_past=true"):
            await get(path)
        for account in (await get("/accounts"))["items"]:
            base = f"/accounts/{account['number']}"
            for part in ("", "/places", "/contracts", "/consumption", "/works", "/mandates"):
                await get(base + part)
            for part in ("/invoices", "/payments", "/notices", "/outage-reports", "/requests"):
                page = await get(f"{base}{part}?limit=200")
                if page["next_cursor"]:
                    await get(f"{base}{part}?limit=200&cursor={page['next_cursor']}")
            for meter in (await get(f"{base}/meters?include_removed=true"))["items"]:
                await get(f"{base}/readings?meter_id={meter['id']}&limit=200")
                day = (NOW - dt.timedelta(days=2)).date()  # the last with data
                await get(f"{base}/meters/{meter['id']}/intervals?day={day}")
    return answers


async def test_read_answers_are_exactly_those_on_sqlite(
    pg_server: LiveServer, live_server: LiveServer
) -> None:
    """Same demo data, same clock: every list and detail reads the same, to the last digit.

    This catches what SQL dialects do differently without a test per endpoint: aggregates,
    numeric scale, time zones, ordering, booleans.
    """
    for username in ("maria", "acme"):
        on_postgres = await snapshot(pg_server, username)
        on_sqlite = await snapshot(live_server, username)
        assert on_postgres.keys() == on_sqlite.keys()
        for path, answer in on_postgres.items():
            assert answer == on_sqlite[path], path
        if username == "maria":  # her cottage's smart meter has 15-minute data
            assert any("/intervals" in p and a["points"] for p, a in on_postgres.items())


async def test_sign_in_pages_and_the_agent_audit(pg_server: LiveServer) -> None:
    """Password and TOTP logins, cursor pages over hundreds of invoices, audited agent reads."""
    async with await pg_server.login("maria") as maria:
        accounts = await maria.accounts()
        assert [a.number for a in accounts] == [FLAT_ACCOUNT, COTTAGE_ACCOUNT]

    async with await pg_server.login("acme") as acme:
        everything = [i async for i in acme.iter_invoices(BUSINESS_ACCOUNT)]
        paged: list[models.Invoice] = []
        cursor: str | None = None
        while True:
            page = await acme.invoices_page(BUSINESS_ACCOUNT, cursor=cursor, limit=7)
            paged.extend(page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    assert len(paged) == ACME_PLACES * ACME_MONTHS
    assert len({i.number for i in paged}) == len(paged)
    assert strictly_newest_first(paged)
    assert [i.number for i in paged] == [i.number for i in everything]

    async with await login(pg_server, "agent") as agent:
        assert (await agent.me()).role is models.Role.agent
        await agent.account(FLAT_ACCOUNT)
        found = [a.number for a in await agent.accounts("TAMM")]  # any case: ILIKE here
    assert FLAT_ACCOUNT in found
    ((agent_id,),) = fetch(pg_server, select(tables.User.id).where(tables.User.username == "agent"))
    audit = fetch(
        pg_server,
        select(
            tables.AuditEntry.agent_id,
            tables.AuditEntry.account_number,
            tables.AuditEntry.action,
            tables.AuditEntry.at,
        ).order_by(tables.AuditEntry.id),
    )
    assert audit == [
        (agent_id, FLAT_ACCOUNT, f"GET /api/v1/accounts/{FLAT_ACCOUNT}", NOW),
        *((agent_id, number, "GET /api/v1/accounts search", NOW) for number in found),
    ]


async def test_readings_duplicates_and_a_bill_order(
    pg_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reading in the window, its idempotent retry, duplicates refused by the rules and, for
    simultaneous ones, by the partial unique index; then a bill replaces the estimate."""
    async with await pg_server.login("maria") as maria:
        await move_clock(pg_server, maria, IN_WINDOW)
        meter = await flat_meter(maria)
        estimate = await open_estimate(maria)
        before = await stored(maria, FLAT_ACCOUNT, meter.id)
        day, night = await plausible(maria, meter)
        body = submission(meter, IN_WINDOW.date(), day, night)

        receipt = await maria.submit_readings(FLAT_ACCOUNT, body, idempotency_key="reading-1")
        assert await maria.submit_readings(FLAT_ACCOUNT, body, idempotency_key="reading-1") == (
            receipt
        )
        with pytest.raises(RuleViolation) as again:
            await maria.submit_readings(FLAT_ACCOUNT, body)
        assert again.value.code is models.ErrorCode.duplicate_reading

        def slow_check(*args: Any, **kwargs: Any) -> None:
            check_submission(*args, **kwargs)
            time.sleep(0.2)  # both requests pass the rules before either stores

        # The server runs in this process, so its rule check can be slowed down from here.
        monkeypatch.setattr("selfcare_tui.server.routes.readings.check_submission", slow_check)
        tomorrow = IN_WINDOW + dt.timedelta(days=1)
        await move_clock(pg_server, maria, tomorrow)
        next_day = submission(meter, tomorrow.date(), day + 5, night + 2)
        outcomes = await asyncio.gather(
            *(maria.submit_readings(FLAT_ACCOUNT, next_day) for _ in range(2)),
            return_exceptions=True,
        )
        refusals = [o for o in outcomes if isinstance(o, RuleViolation)]
        assert len(refusals) == 1, outcomes
        assert refusals[0].code is models.ErrorCode.duplicate_reading
        assert len(await stored(maria, FLAT_ACCOUNT, meter.id)) == len(before) + 4

        ordered = await maria.order_bill(FLAT_ACCOUNT, meter.id)
        assert ordered.period_end == tomorrow.date() and not ordered.estimated
        assert ordered.kwh == sum(c.kwh for c in receipt.consumption_since_last) + 7
        await check_replaced(maria, estimate, ordered)


async def test_outage_reports_and_a_request_with_a_document(
    pg_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simultaneous reports make one (the place's row lock), a later one is refused; a request's
    PDF is stored (bytea) byte for byte and the request submitted."""

    def slow_eligibility(*args: Any, **kwargs: Any) -> Any:
        verdict = eligibility(*args, **kwargs)
        time.sleep(0.2)  # widen the window between checking and storing
        return verdict

    monkeypatch.setattr("selfcare_tui.server.routes.outages.eligibility", slow_eligibility)
    async with await pg_server.login("maria") as maria:
        place = await flat_place(maria)
        outcomes = await asyncio.gather(
            *(maria.report_outage(FLAT_ACCOUNT, report(place)) for _ in range(2)),
            return_exceptions=True,
        )
        (created,) = [o for o in outcomes if isinstance(o, models.OutageReport)]
        (refused,) = [o for o in outcomes if isinstance(o, RuleViolation)]
        assert refused.code is models.ErrorCode.outage_already_reported
        with pytest.raises(RuleViolation) as later:
            await maria.report_outage(FLAT_ACCOUNT, report(place, "Still no power."))
        assert later.value.code is models.ErrorCode.outage_already_reported
        assert [r.reference async for r in maria.iter_outage_reports(FLAT_ACCOUNT)] == [
            created.reference
        ]

        draft = await maria.create_request(
            FLAT_ACCOUNT, models.RequestCreate(type_code="general", subject="Signed letter")
        )
        letter = write(tmp_path, "letter.pdf", make_pdf("Signed letter"))
        attachment = await maria.add_attachment(FLAT_ACCOUNT, draft.id, "signed_request", letter)
        sent = await maria.submit_request(FLAT_ACCOUNT, draft.id)
    assert sent.status is models.RequestStatus.submitted
    assert [a.id for a in sent.attachments] == [attachment.id]
    ((content,),) = fetch(
        pg_server,
        select(tables.Attachment.content).where(tables.Attachment.id == attachment.id),
    )
    assert content == letter.read_bytes()


async def test_pay_through_the_processor(
    pg_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Start (retried with its key), pay, and a double click that books one payment only; the
    public lookup then owes what is left; an invoice PDF is stored and served back unchanged."""
    async with await pg_server.login("maria") as maria, pg_server.client() as anonymous:
        cottage = await maria.account(COTTAGE_ACCOUNT)
        due = await anonymous.amount_due(cottage.payment_code, EMAIL)
        assert due.amount == cottage.balance and due.amount.amount > 0

        overdue = await overdue_invoice(maria)
        session = await maria.start_payment(
            COTTAGE_ACCOUNT, [overdue.number], idempotency_key="pay-1"
        )
        retried = await maria.start_payment(
            COTTAGE_ACCOUNT, [overdue.number], idempotency_key="pay-1"
        )
        assert retried.id == session.id
        assert "Payment received" in await follow_processor(session, "pay")
        assert (await maria.invoice(COTTAGE_ACCOUNT, overdue.number)).status is (
            models.InvoiceStatus.paid
        )
        notices = maria.iter_notices(COTTAGE_ACCOUNT, status=models.NoticeStatus.open)
        assert [n async for n in notices] == []
        after = await anonymous.amount_due(cottage.payment_code, EMAIL)
        assert after.amount.amount == due.amount.amount - overdue.amount.amount

        # A double click on the processor's page: the session's claim is a row lock here.
        def slow_settle(*args: Any, **kwargs: Any) -> Any:
            time.sleep(0.2)  # widen the window between reading "pending" and booking
            return settle_session(*args, **kwargs)

        monkeypatch.setattr("selfcare_tui.server.routes.processor.settle_session", slow_settle)
        invoice = await only_open_invoice(maria, FLAT_ACCOUNT)
        count = len([p async for p in maria.iter_payments(FLAT_ACCOUNT)])
        second = await maria.start_payment(FLAT_ACCOUNT, [invoice.number])
        assert second.redirect_url is not None
        token = second.redirect_url.split("token=", 1)[1]
        async with httpx.AsyncClient(timeout=10) as browser:
            answers = await asyncio.gather(
                *(
                    browser.post(second.redirect_url, data={"token": token, "action": "pay"})
                    for _ in range(2)
                )
            )
        assert sorted("Payment received" in a.text for a in answers) == [False, True]
        payments = [p async for p in maria.iter_payments(FLAT_ACCOUNT)]
        assert len(payments) == count + 1 and payments[0].amount == invoice.amount

        target = tmp_path / "invoice.pdf"
        first = await maria.download_invoice(FLAT_ACCOUNT, invoice.number, target)
        again = await maria.download_invoice(FLAT_ACCOUNT, invoice.number, target)
    assert again == first and target.read_bytes().startswith(b"%PDF")


# --- throttling under concurrent attack ------------------------------------------------------


async def test_concurrent_guesses_are_counted_exactly(pg_server: LiveServer) -> None:
    """Row locks instead of SQLite's one writer: the same exact counts (test_throttle.py)."""
    await concurrent_wrong_passwords_cost_one_attempt_each(pg_server)


async def test_the_right_password_among_guesses_never_fails(pg_server: LiveServer) -> None:
    await the_right_password_among_guesses_never_fails(pg_server)


async def test_concurrent_lookups_and_sprays_are_limited(pg_server: LiveServer) -> None:
    await concurrent_wrong_lookups_are_limited_per_address(pg_server)
    await concurrent_logins_are_limited_per_address(pg_server)


def test_control_characters_are_refused_naming_the_field(pg_server: LiveServer) -> None:
    """PostgreSQL cannot store a NUL at all: refused by the contract before it gets there."""
    control_characters_are_refused_naming_the_field(pg_server)


# --- mail ------------------------------------------------------------------------------------


async def test_sign_up_by_mailed_code_on_postgresql(
    postgres: Postgres, postgres_demo: str, mail_server: LocalMailServer
) -> None:
    """The upserts and counted guesses of a sign-up, and one login of four confirmations."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    url = postgres.create_database(name, template=postgres_demo)
    settings = Settings(database_url=url, clock=Clock(NOW), smtp_url=mail_server.url)
    try:
        with serving(settings) as server:
            async with server.client(retries=0) as client:
                await client.sign_up("ilona", "ilona@example.org", "correct horse battery")
                await client.sign_up("ilona", "ilona@example.org", "correct horse battery")
                code = code_in(last_mail_to(mail_server, "ilona@example.org", 2))
                with pytest.raises(RuleViolation):
                    await client.confirm_sign_up("ilona@example.org", "00000000")
            clients = [server.client(retries=0) for _ in range(4)]
            results = await asyncio.gather(
                *(c.confirm_sign_up("ilona@example.org", code) for c in clients),
                return_exceptions=True,
            )
            for c in clients:
                await c.aclose()
            assert sum(not isinstance(r, BaseException) for r in results) == 1, results
    finally:
        postgres.drop_database(name)


def test_two_servers_on_one_database_send_each_mail_once(
    postgres: Postgres, postgres_demo: str, mail_server: LocalMailServer
) -> None:
    """Each server's sender takes due mail with a lease: 40 mails written at once arrive once
    each, though both senders look for them at the same time."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    url = postgres.create_database(name, template=postgres_demo)
    settings = [Settings(database_url=url, clock=Clock(NOW), smtp_url=mail_server.url)] * 2
    try:
        with serving(settings[0]) as first, serving(dataclasses.replace(settings[1])) as second:
            assert first.base_url != second.base_url
            engine = create_engine(url)
            with Session(engine) as session:
                session.add_all(
                    tables.OutgoingMail(
                        recipient=f"person{i}@example.org",
                        subject=f"mail {i}",
                        body="hello",
                        created_at=NOW,
                        due_at=NOW,
                        attempts=0,
                    )
                    for i in range(40)
                )
                session.commit()
            engine.dispose()
            deadline = time.monotonic() + 20
            while len(mail_server.messages()) < 40 and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(2.5)  # a sender that took a mail again would have sent it by now
            subjects = sorted(m["Subject"] for m in mail_server.messages())
            assert subjects == sorted(f"mail {i}" for i in range(40))
            sent = fetch(first, select(tables.OutgoingMail.sent_at.is_not(None)))
            assert [row[0] for row in sent] == [True] * 40
    finally:
        postgres.drop_database(name)
