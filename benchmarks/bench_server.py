"""Measure the reference backend at scale: seeding, and list latency with huge accounts.

Run with `make bench` (BENCH_CUSTOMERS and BENCH_INVOICES override the sizes). Prints a
Markdown table for the README. Uses a temporary SQLite file and loopback only.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from decimal import Decimal
from pathlib import Path

import pyotp
import uvicorn
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from selfcare_tui.api import SelfcareClient, models
from selfcare_tui.server import tables
from selfcare_tui.server.app import create_app
from selfcare_tui.server.demo import AGENT_TOTP_SECRET
from selfcare_tui.server.run import seed_if_empty
from selfcare_tui.server.settings import Clock, Settings

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "100000"))
INVOICES = int(os.environ.get("BENCH_INVOICES", "100000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "100000"))
BIG_ACCOUNT = "1000000001"
ADDRESS = {"street": "Pikk 1", "city": "Tallinn", "postal_code": "10123", "country": "EE"}


def insert_batched(
    db: Session, table: type[tables.Base], rows: Iterable[dict[str, object]]
) -> None:
    """Many rows in few statements: 5,000 a time keeps memory flat."""
    batch: list[dict[str, object]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 5000:
            db.execute(insert(table), batch)
            batch = []
    if batch:
        db.execute(insert(table), batch)


def add_invoices(settings: Settings, count: int) -> None:
    """Give maria's flat `count` more historical invoices, as a huge business account has."""
    app = create_app(settings)
    with app.state.sessions() as db:
        place = db.scalars(
            select(tables.Place).where(tables.Place.account_number == BIG_ACCOUNT)
        ).first()
        assert place is not None

        def invoice(i: int) -> dict[str, object]:
            day = dt.date(1900, 1, 1) + dt.timedelta(days=i % 40000)
            return {
                "number": f"BIG{i:09d}",
                "account_number": BIG_ACCOUNT,
                "place_id": place.id,
                "period_start": day,
                "period_end": day,
                "issued_on": day,
                "due_on": day,
                "kwh": Decimal("100.000"),
                "amount": Decimal("20.00"),
                "paid_amount": Decimal("20.00"),
                "estimated": False,
                "status": "paid",
                "replaced_by": None,
                "payment_reference": f"9{i:09d}",
                "correspondence_address": ADDRESS,
                "lines": [],
                "tax_rate": Decimal("0.22"),
                "tax_amount": Decimal("3.61"),
            }

        insert_batched(db, tables.Invoice, map(invoice, range(count)))
        db.commit()
    app.state.engine.dispose()


def add_requests(settings: Settings, count: int) -> None:
    """Fill the agents' requests queue with `count` open requests, a year's worth."""
    app = create_app(settings)
    with app.state.sessions() as db:

        def request(i: int) -> dict[str, object]:
            return {
                "id": f"RQ9{i:08d}",
                "account_number": BIG_ACCOUNT,
                "type_code": "general",
                "place_id": None,
                "subject": f"Question {i}",
                "message": "",
                "fields": {},
                "status": "submitted",
                "stage": "registered",
                "created_at": NOW - dt.timedelta(minutes=count - i),
                "requested_documents": [],
                "version": 1,
                "holder_id": None,
            }

        insert_batched(db, tables.Request, map(request, range(count)))
        db.commit()
    app.state.engine.dispose()


def serve(settings: Settings) -> tuple[uvicorn.Server, threading.Thread, int]:
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    return server, thread, server.servers[0].sockets[0].getsockname()[1]


async def timed(
    label: str, call: Callable[[], Awaitable[object]], repeat: int = 30
) -> tuple[str, float, float]:
    samples: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return label, statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


async def measure(base_url: str) -> list[tuple[str, float, float]]:
    async with SelfcareClient(base_url) as client:
        await client.login("maria", "maria-demo")
        first = await client.invoices_page(BIG_ACCOUNT, limit=50)
        cursor = first.next_cursor
        for _ in range(200):  # walk 10,000 invoices deep
            page = await client.invoices_page(BIG_ACCOUNT, limit=50, cursor=cursor)
            cursor = page.next_cursor
        deep = cursor
        return [
            await timed(
                "first page of invoices (50)", lambda: client.invoices_page(BIG_ACCOUNT, limit=50)
            ),
            await timed(
                "page 201 of invoices (50)",
                lambda: client.invoices_page(BIG_ACCOUNT, limit=50, cursor=deep),
            ),
            await timed("accounts of the login", client.accounts),
            await timed("account with balance", lambda: client.account(BIG_ACCOUNT)),
            await timed("meters with last readings", lambda: client.meters(BIG_ACCOUNT)),
            *await measure_desk(base_url),
        ]


async def measure_desk(base_url: str) -> list[tuple[str, float, float]]:
    """The agents' requests queue holding REQUESTS open requests."""
    async with SelfcareClient(base_url) as agent:
        challenge = await agent.login("agent", "agent-demo")
        assert isinstance(challenge, models.MfaChallenge)
        await agent.answer_mfa(challenge.challenge_id, pyotp.TOTP(AGENT_TOTP_SECRET).at(NOW))
        cursor = (await agent.request_queue(limit=50)).next_cursor
        for _ in range(200):
            cursor = (await agent.request_queue(limit=50, cursor=cursor)).next_cursor
        deep = cursor
        return [
            await timed("desk: first page of the requests queue (50)", agent.request_queue),
            await timed(
                "desk: page 201 of the requests queue (50)",
                lambda: agent.request_queue(cursor=deep),
            ),
            await timed(
                "desk: first page of untaken requests",
                lambda: agent.request_queue(taken=models.TakenFilter.untaken),
            ),
            await timed("desk: queue counts", agent.queue_counts),
        ]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite:///{Path(folder) / 'bench.sqlite3'}", clock=Clock(NOW)
        )
        started = time.perf_counter()
        seed_if_empty(settings, CUSTOMERS)
        seeded = time.perf_counter() - started
        started = time.perf_counter()
        add_invoices(settings, INVOICES)
        added = time.perf_counter() - started
        add_requests(settings, REQUESTS)
        server, thread, port = serve(settings)
        try:
            results = asyncio.run(measure(f"http://127.0.0.1:{port}"))
        finally:
            server.should_exit = True
            thread.join()
    machine = f"Python {sys.version.split()[0]}, {os.cpu_count()} cores"
    print(f"{machine}, SQLite, server and client on loopback\n")
    print(
        f"One account holds {INVOICES:,} invoices and the agents' queue {REQUESTS:,} open "
        "requests; times are per API call through the client.\n"
    )
    print("| measurement | median | p95 |")
    print("| --- | --- | --- |")
    print(f"| seed demo data + {CUSTOMERS:,} synthetic customers | {seeded:.1f} s | |")
    print(f"| insert {INVOICES:,} invoices into one account | {added:.1f} s | |")
    for label, median, p95 in results:
        print(f"| {label} | {median:.1f} ms | {p95:.1f} ms |")


if __name__ == "__main__":
    main()
