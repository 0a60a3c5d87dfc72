"""Security in the app against the real server: the login's sessions, ending another one,
and changing the password with refusals beside their fields."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from selfcare_tui.api import models
from selfcare_tui.api.errors import TokenRejected
from selfcare_tui.screens.security import SecurityDialog

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import overview_shown, ready_app, text_of, wait_for

pytestmark = pytest.mark.anyio


def sessions_shown(pilot: Pilot[None], count: int) -> bool:
    screen = pilot.app.screen
    return (
        isinstance(screen, SecurityDialog)
        and screen.sessions is not None
        and screen.query_one("#sessions", DataTable).row_count == count
        and not screen.query_one("#sessions", DataTable).loading
    )


async def open_security(pilot: Pilot[None], sessions: int) -> None:
    await overview_shown(pilot)
    await pilot.press("g", "u")
    await wait_for(pilot, lambda: bool(pilot.app.screen.query("#home_address-street")))
    await pilot.press("ctrl+t")
    await wait_for(pilot, lambda: sessions_shown(pilot, sessions))


async def type_into(pilot: Pilot[None], field: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#{field}", Input)
    widget.focus()
    await pilot.press("end", *["backspace"] * len(widget.value), *text)


async def test_another_session_is_ended_from_the_app(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    laptop = await live_server.login("maria")
    app = await ready_app(live_server.base_url)
    async with laptop, app.run_test(size=(80, 24)) as pilot:
        await open_security(pilot, 2)
        screen = app.screen
        assert isinstance(screen, SecurityDialog) and screen.sessions is not None
        current = [s.current for s in screen.sessions].index(True)
        table = screen.query_one("#sessions", DataTable)
        table.move_cursor(row=current)
        await pilot.press("x")  # the session in use is not ended from here
        await wait_for(pilot, lambda: "log out to end it" in text_of(pilot, "#sessions-status"))
        table.move_cursor(row=1 - current)
        await pilot.press("x")
        await wait_for(pilot, lambda: sessions_shown(pilot, 1))
        with pytest.raises(TokenRejected):
            await laptop.me()


async def test_changing_the_password_shows_refusals_beside_the_fields(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_security(pilot, 1)
        await type_into(pilot, "current_password", "not-it")
        await type_into(pilot, "new_password", "a long new passphrase")
        await type_into(pilot, "again", "a long new passphrase")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: text_of(pilot, "#current_password-error") == "Not your current password."
        )
        await type_into(pilot, "current_password", "maria-demo")
        await type_into(pilot, "new_password", "qwerty123456")
        await pilot.press("ctrl+s")  # the second field no longer matches: not sent
        await wait_for(pilot, lambda: "Not the same" in text_of(pilot, "#again-error"))
        await type_into(pilot, "again", "qwerty123456")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "tried first" in text_of(pilot, "#new_password-error"))
        assert app.screen.query_one("#current_password", Input).value == "maria-demo"  # kept
        await type_into(pilot, "new_password", "a long new passphrase")
        await type_into(pilot, "again", "a long new passphrase")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Password changed" in text_of(pilot, "#password-message"))
        assert all(
            app.screen.query_one(f"#{f}", Input).value == ""
            for f in ("current_password", "new_password", "again")
        )
    async with live_server.client(retries=0) as anonymous:
        result = await anonymous.login("maria", "a long new passphrase")
        assert isinstance(result, models.TokenPair)
