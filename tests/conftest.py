"""Fixtures: the reference server running for real on a free loopback port."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from selfcare_tui.api import SelfcareClient
from selfcare_tui.server.run import BackgroundServer, seed_if_empty
from selfcare_tui.server.settings import Clock, Settings

from .cli_in_process import run_as_process
from .contract_guard import ContractGuard

# The demo data is generated relative to this day, and the server's clock is frozen here, so
# tests see the same invoices, windows and works whatever day they run (12:00 UTC is the
# demo data's own "now": works are placed around it). 2026-11-25 is outside
# the reading window (which opens on the 30th).
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@dataclass
class LiveServer:
    base_url: str
    settings: Settings
    database: Path
    server: BackgroundServer
    """For the tests that stop it, to see what a lost connection does."""

    @property
    def clock(self) -> Clock:
        return self.settings.clock

    def client(self, **kwargs: object) -> SelfcareClient:
        return SelfcareClient(self.base_url, **kwargs)  # type: ignore[arg-type]

    def stop(self) -> None:
        """Stop it before the test ends (stopping twice is harmless)."""
        self.server.stop()

    async def login(self, username: str, password: str | None = None) -> SelfcareClient:
        client = self.client(retries=0)
        await client.login(username, password or f"{username}-demo")
        return client


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
    demo_database: Path, database: Path, now: dt.datetime = NOW
) -> Iterator[LiveServer]:
    """`serving` on a copy of the seeded demo database, the server's clock frozen at `now`."""
    shutil.copy(demo_database, database)
    with serving(Settings(database_url=f"sqlite:///{database}", clock=Clock(now)), database) as s:
        yield s


@pytest.fixture
def live_server(demo_database: Path, tmp_path: Path) -> Iterator[LiveServer]:
    with serving_demo_copy(demo_database, tmp_path / "server.sqlite3") as server:
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


REPO = Path(__file__).parent.parent


@dataclass
class Cli:
    """The `selfcare` command with its own config and keyring: run in this process as if it
    were a new one (tests/cli_in_process.py), or as a real subprocess (`cli_process`)."""

    env: dict[str, str]
    home: Path
    server: str
    as_subprocess: bool = False

    def __call__(
        self, *args: str, input: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        if not self.as_subprocess:
            return run_as_process(list(args), {**self.env, **(env or {})}, input)
        return subprocess.run(
            [sys.executable, "-m", "selfcare_tui", *args],
            input=input,
            capture_output=True,
            text=True,
            env={**self.env, **(env or {})},
            timeout=60,
            check=False,
        )

    @property
    def keyring(self) -> dict[str, str]:
        path = Path(self.env["SELFCARE_TEST_KEYRING"])
        return dict(json.loads(path.read_text())) if path.exists() else {}

    def login(self, username: str = "maria") -> None:
        result = self(
            "login",
            "--server",
            self.server,
            "--username",
            username,
            "--password-stdin",
            input=f"{username}-demo\n",
        )
        assert result.returncode == 0, result.stderr


def cli_environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELFCARE_")}
    env.update(
        {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "PYTHON_KEYRING_BACKEND": "tests.keyring_backends.FileKeyring",
            "SELFCARE_TEST_KEYRING": str(home / "keyring.json"),
            "PYTHONPATH": str(REPO),
            "LANG": "en_GB.UTF-8",
            "COLUMNS": "200",
        }
    )
    return env


@pytest.fixture
def cli(live_server: LiveServer, tmp_path: Path) -> Cli:
    home = tmp_path / "home"
    home.mkdir()
    return Cli(cli_environment(home), home, live_server.base_url)


@pytest.fixture
def cli_process(live_server: LiveServer, tmp_path: Path) -> Cli:
    """`selfcare` as a subprocess: the real entry point, interpreter and keyring loading."""
    home = tmp_path / "home"
    home.mkdir()
    return Cli(cli_environment(home), home, live_server.base_url, as_subprocess=True)
