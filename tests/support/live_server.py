"""The reference server running for real on a free loopback port, inside the contract guard.

tests/conftest.py's fixtures (`live_server`, `demo_database`, ...) start it with these; tests
that need a server of their own (another clock, another database) call `serving` directly.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyotp

from selfcare_tui.api import SelfcareClient
from selfcare_tui.server.demo import AGENT_TOTP_SECRET
from selfcare_tui.server.run import BackgroundServer
from selfcare_tui.server.settings import Clock, Settings

from .contract_guard import ContractGuard

# The demo data is generated relative to this day, and the server's clock is frozen here, so
# tests see the same invoices, windows and works whatever day they run (12:00 UTC is the
# demo data's own "now": works are placed around it). 2026-11-25 is outside
# the reading window (which opens on the 30th).
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
IN_WINDOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
"""Noon in Tallinn on the first day of the window around the end of November."""


@dataclass
class LiveServer:
    base_url: str
    settings: Settings
    database: Path
    server: BackgroundServer
    """For the tests that stop it, to see what a lost connection does."""
    totp_steps: dict[str, set[int]] = field(default_factory=dict)
    """The TOTP steps each demo login has answered with: the server takes a code once."""

    @property
    def clock(self) -> Clock:
        return self.settings.clock

    def client(self, **kwargs: object) -> SelfcareClient:
        return SelfcareClient(self.base_url, **kwargs)  # type: ignore[arg-type]

    def stop(self) -> None:
        """Stop it before the test ends (stopping twice is harmless)."""
        self.server.stop()

    def next_code(self, username: str = "agent") -> str:
        """The demo agent's current one-time code, as her app shows it; when this step's code
        was used already, the clock moves on to the next step first, as the agent would
        wait for it (the server accepts a code once)."""
        totp = pyotp.TOTP(AGENT_TOTP_SECRET)
        used = self.totp_steps.setdefault(username, set())
        while totp.timecode(self.clock.now()) in used:
            self.clock.frozen = self.clock.now() + dt.timedelta(seconds=totp.interval)
        used.add(totp.timecode(self.clock.now()))
        return totp.at(self.clock.now())

    async def login(self, username: str, password: str | None = None) -> SelfcareClient:
        client = self.client(retries=0)
        await client.login(username, password or f"{username}-demo")
        return client


@contextmanager
def serving(settings: Settings, database: Path = Path(os.devnull)) -> Iterator[LiveServer]:
    """Every test's backend: on a free loopback port, inside the contract guard. When it
    stops, each answer it gave must be one the published contract lists for its operation.
    (`database` is the SQLite file, for tests that read it; none for PostgreSQL.)"""
    server = BackgroundServer(settings, wrap=ContractGuard).start()
    try:
        yield LiveServer(server.url, settings, database, server)
    finally:
        server.stop()
    assert isinstance(server.asgi, ContractGuard)
    assert server.asgi.violations == [], "\n".join(server.asgi.violations)


@contextmanager
def serving_demo_copy(
    demo_database: Path, database: Path, now: dt.datetime = NOW, smtp_url: str | None = None
) -> Iterator[LiveServer]:
    """`serving` on a copy of the seeded demo database, the server's clock frozen at `now`
    (and its mail sent to `smtp_url`, when given)."""
    shutil.copy(demo_database, database)
    settings = Settings(database_url=f"sqlite:///{database}", clock=Clock(now), smtp_url=smtp_url)
    with serving(settings, database) as s:
        yield s
