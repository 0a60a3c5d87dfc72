"""Fixtures every layer may use: the reference server running for real on a free loopback
port (tests/support/live_server.py), logged-in clients, and the app's isolated keyring.

Each layer's own fixtures are in its folder's conftest.py; shared code that is not a fixture
is in tests/support/.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import keyring
import pytest

from selfcare_tui.api import SelfcareClient
from selfcare_tui.server.local_mail import LocalMailServer
from selfcare_tui.server.run import seed_if_empty
from selfcare_tui.server.settings import Clock, Settings

from .support.keyring_backends import MemoryKeyring
from .support.live_server import IN_WINDOW, NOW, LiveServer, serving_demo_copy


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seed once per run; each test gets its own copy, so tests cannot see each other's changes."""
    path = tmp_path_factory.mktemp("template") / "demo.sqlite3"
    settings = Settings(database_url=f"sqlite:///{path}", clock=Clock(NOW))
    seed_if_empty(settings, 0)
    return path


@pytest.fixture
def live_server(demo_database: Path, tmp_path: Path) -> Iterator[LiveServer]:
    with serving_demo_copy(demo_database, tmp_path / "server.sqlite3") as server:
        yield server


@pytest.fixture
def mail_server(tmp_path: Path) -> Iterator[LocalMailServer]:
    """A real SMTP server on loopback, filing what it gets in a maildir (as the demo's does)."""
    server = LocalMailServer(tmp_path / "maildir").start()
    yield server
    server.stop()


@pytest.fixture
def mailing_server(
    demo_database: Path, tmp_path: Path, mail_server: LocalMailServer
) -> Iterator[LiveServer]:
    """`live_server` sending its mail over SMTP to `mail_server`."""
    database = tmp_path / "server.sqlite3"
    with serving_demo_copy(demo_database, database, smtp_url=mail_server.url) as server:
        yield server


@pytest.fixture
async def maria(live_server: LiveServer) -> AsyncIterator[SelfcareClient]:
    client = await live_server.login("maria")
    async with client:
        yield client


@pytest.fixture
async def anonymous(live_server: LiveServer) -> AsyncIterator[SelfcareClient]:
    async with live_server.client(retries=0) as client:
        yield client


# --- the terminal app (tests/tui and tests/snapshots) ----------------------------------------


@pytest.fixture
def memory_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    for name in ("SELFCARE_TOKEN", "SELFCARE_SERVER", "SELFCARE_PROFILE", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    previous = keyring.get_keyring()
    store = MemoryKeyring()
    keyring.set_keyring(store)
    yield store
    keyring.set_keyring(previous)
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def window_server(demo_database: Path, tmp_path: Path) -> Iterator[LiveServer]:
    """The demo data with the server's clock frozen inside the reading window."""
    with serving_demo_copy(demo_database, tmp_path / "window.sqlite3", IN_WINDOW) as server:
        yield server
