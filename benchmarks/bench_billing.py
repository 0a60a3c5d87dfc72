"""Measure the monthly billing run at the scale the server claims: one month issued for
100,000 customers (BENCH_BILLING_CUSTOMERS overrides it), on SQLite and on PostgreSQL (started
by scripts/postgres.sh; skipped, and said so, where it cannot be installed).

Run with `make bench`. The demo data and the synthetic customers are seeded as of 25 November
2026; two meters in three then get a reading on 30 November, in the window. The run of
December bills November on 5 December (on those readings, else on an estimate), and runs
again to show that a second run issues nothing. Prints a Markdown table for the
README. Loopback and temporary files only.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, select, text

from selfcare_tui.api import models
from selfcare_tui.server import billing_run, tables
from selfcare_tui.server.app import create_app
from selfcare_tui.server.bulk_insert import BulkInsert, core_table
from selfcare_tui.server.run import seed_if_empty
from selfcare_tui.server.settings import Clock, Settings

SEEDED_ON = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
RUN_ON = dt.datetime(2026, 12, 5, 6, 0, tzinfo=dt.UTC)
CUSTOMERS = int(os.environ.get("BENCH_BILLING_CUSTOMERS", "100000"))
POSTGRES = Path(__file__).parents[1] / "scripts" / "postgres.sh"
Measured = tuple[float, float, models.BillingRun, float, models.BillingRun]
"""Seconds to seed, seconds to bill, that run, seconds to run again, that run."""


def read_november(settings: Settings) -> None:
    """Two meters in three read in the window (30 November), 250 kWh on from October's
    closing reading; the rest are billed on an estimate."""
    app = create_app(settings)
    with app.state.sessions() as db:
        closing = db.execute(
            select(tables.Reading.register_id, tables.Reading.value)
            .join(tables.Register, tables.Register.id == tables.Reading.register_id)
            .join(tables.Meter, tables.Meter.id == tables.Register.meter_id)
            .where(
                tables.Reading.read_on == dt.date(2026, 10, 31), tables.Meter.removed_on.is_(None)
            )
        ).all()
        rows = [
            {
                "id": f"RDBENCH{index:09d}",
                "register_id": register_id,
                "read_on": dt.date(2026, 11, 30),
                "value": value + Decimal(250),
                "source": "customer",
                "submitted_at": SEEDED_ON,
            }
            for index, (register_id, value) in enumerate(closing)
            if index % 3
        ]
        connection = db.connection()
        insert = BulkInsert(core_table(tables.Reading), list(rows[0]), connection.dialect)
        for start in range(0, len(rows), 5_000):
            insert.execute(connection, rows[start : start + 5_000])
        db.commit()
    app.state.engine.dispose()


def bill(database_url: str) -> Measured:
    settings = Settings(database_url=database_url, clock=Clock(SEEDED_ON))
    started = time.perf_counter()
    seed_if_empty(settings, CUSTOMERS)
    seeded = time.perf_counter() - started
    read_november(settings)
    settings.clock.frozen = RUN_ON
    app = create_app(settings)
    try:
        started = time.perf_counter()
        first = billing_run.run_month(app.state.sessions, settings, "2026-12")
        billed = time.perf_counter() - started
        started = time.perf_counter()
        again = billing_run.run_month(app.state.sessions, settings, "2026-12")
        rerun = time.perf_counter() - started
    finally:
        app.state.engine.dispose()
    return seeded, billed, first, rerun, again


def on_postgres() -> Measured | str:
    started = subprocess.run(  # noqa: S603 - the project's own script
        [str(POSTGRES), "start"], capture_output=True, text=True, check=False
    )
    if started.returncode != 0:
        return started.stderr.strip() or "scripts/postgres.sh start failed"
    directory = started.stdout.strip()
    try:
        admin = create_engine(
            f"postgresql+psycopg://postgres@/postgres?host={directory}",
            isolation_level="AUTOCOMMIT",
        )
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE bench"))
        admin.dispose()
        return bill(f"postgresql+psycopg://postgres@/bench?host={directory}")
    finally:
        subprocess.run([str(POSTGRES), "stop", directory], check=False)  # noqa: S603


def main() -> None:
    rows: list[tuple[str, Measured | str]] = []
    with tempfile.TemporaryDirectory() as folder:
        rows.append(("SQLite", bill(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")))
    rows.append(("PostgreSQL", on_postgres()))
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores\n")
    print(
        f"The billing run of December 2026 for the demo customers and {CUSTOMERS:,} synthetic "
        "ones, then the same run again:\n"
    )
    print("| database | seed | billing run | invoices (estimated) | run again | issued again |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, result in rows:
        if isinstance(result, str):
            print(f"| {name} | not measured: {result} | | | | |")
            continue
        seeded, billed, first, rerun, again = result
        print(
            f"| {name} | {seeded:.0f} s | {billed:.1f} s | {first.issued:,} ({first.estimated:,})"
            f" | {rerun:.1f} s | {again.issued} |"
        )


if __name__ == "__main__":
    main()
