"""`make demo` = `selfcare demo`: the app opens logged in as maria on a backend it started."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from selfcare_tui.app import SelfcareApp
from selfcare_tui.server.run import seed_if_empty
from selfcare_tui.server.settings import Clock, Settings
from selfcare_tui.session import password_session

from ..support.live_server import NOW, serving
from ..support.tui_helpers import overview_loaded, text_of, wait_for


def test_the_demo_session_opens_the_overview_logged_in(tmp_path: Path) -> None:
    """Logged in on one event loop, used by the app on another: exactly what the demo does."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'demo.sqlite3'}", clock=Clock(NOW))
    seed_if_empty(settings, 0)
    with serving(settings) as server:
        session = asyncio.run(password_session(server.base_url, "maria", "maria-demo"))
        app = SelfcareApp(session=session)

        async def run() -> str:
            async with app.run_test(size=(80, 24)) as pilot:
                await wait_for(pilot, lambda: overview_loaded(pilot))
                assert "€46.58" in text_of(pilot, "#money")  # maria's flat balance
                assert app.account is not None
                return app.account.number

        assert asyncio.run(run()) == "1000000001"
    with pytest.raises(OSError):  # quitting the demo stops its backend
        socket.create_connection(("127.0.0.1", server.server.port), timeout=1).close()
