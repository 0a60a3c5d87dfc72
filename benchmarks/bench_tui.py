"""Measure the terminal app: how long the invoices screen takes to show its first rows.

An account with 100,000 invoices must open as fast as one with a dozen, because the screen
asks the server for one page at a time. Run with `make bench` (BENCH_INVOICES overrides the
size). Headless Textual (App.run_test) against the reference backend on loopback; prints a
Markdown table for the README.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from textual.widgets import DataTable

from selfcare_tui.app import SelfcareApp
from selfcare_tui.screens.invoices import InvoicesScreen
from selfcare_tui.server.run import BackgroundServer, seed_if_empty
from selfcare_tui.server.settings import Clock, Settings
from selfcare_tui.session import password_session

sys.path.insert(0, str(Path(__file__).parent))
from bench_server import BIG_ACCOUNT, NOW, add_invoices

INVOICES = int(os.environ.get("BENCH_INVOICES", "100000"))
SMALL_ACCOUNT = "1000000002"  # maria's cottage: a dozen invoices
REPEAT = 7


async def time_invoices_screen(url: str, account: str) -> float:
    """Seconds from pressing `g i` to the first page of rows on screen."""
    session = await password_session(url, "maria", "maria-demo")
    if account != BIG_ACCOUNT:
        session.profile.account = account
    app = SelfcareApp(session=session)
    async with app.run_test(size=(120, 40)) as pilot:
        while app.account is None or not app.screen.query("#body"):
            await pilot.pause(0.01)
        started = time.perf_counter()
        await pilot.press("g", "i")
        while True:
            screen = app.screen
            if isinstance(screen, InvoicesScreen) and screen.query("#invoices"):
                table = screen.query_one("#invoices", DataTable)
                if table.row_count and not screen.query_one("#body").loading:
                    break
            await pilot.pause(0.001)
        await pilot.pause()  # let the rows paint
        elapsed = time.perf_counter() - started
    await session.aclose()
    return elapsed


async def measure(url: str) -> list[tuple[str, float, float]]:
    rows = []
    for label, account in (
        (f"invoices screen, first rows, account with {INVOICES:,} invoices", BIG_ACCOUNT),
        ("invoices screen, first rows, account with 13 invoices", SMALL_ACCOUNT),
    ):
        samples = sorted([await time_invoices_screen(url, account) for _ in range(REPEAT)])
        rows.append((label, statistics.median(samples) * 1000, samples[-1] * 1000))
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite:///{Path(folder) / 'bench.sqlite3'}", clock=Clock(NOW)
        )
        seed_if_empty(settings, 0)
        add_invoices(settings, INVOICES)
        server = BackgroundServer(settings).start()
        try:
            results = asyncio.run(measure(server.url))
        finally:
            server.stop()
    print(f"| measurement | median | slowest of {REPEAT} |")
    print("| --- | --- | --- |")
    for label, median, slowest in results:
        print(f"| {label} | {median:.0f} ms | {slowest:.0f} ms |")


if __name__ == "__main__":
    main()
