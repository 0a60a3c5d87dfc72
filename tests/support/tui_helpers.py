"""Driving the terminal app in tests: a ready session, waiting for what a screen shows, and
the login form. (The isolated config and keyring is the `memory_keyring` fixture in
tests/conftest.py.)"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static

from selfcare_tui.app import SelfcareApp
from selfcare_tui.i18n import _
from selfcare_tui.screens.desk import DeskScreen
from selfcare_tui.screens.invoices import InvoicesScreen
from selfcare_tui.screens.login import LoginScreen
from selfcare_tui.screens.overview import OverviewScreen
from selfcare_tui.session import Session, password_session

from .live_server import LiveServer

StoppableServer = LiveServer
"""A live server a test may stop (`.stop()`), to see what the app says when the connection is
lost: the `stoppable_server` fixture (tests/tui/conftest.py)."""


async def wait_for(pilot: Pilot[None], ready: Callable[[], bool], limit: float = 15) -> None:
    deadline = time.monotonic() + limit
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; screen is {pilot.app.screen!r}")
        await pilot.pause(0.05)


def text_of(pilot: Pilot[None], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).content)


async def submit_login(pilot: Pilot[None], server: str, username: str, password: str) -> None:
    """Fill the form as a user would (typing username and password) and press enter."""
    await wait_for(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, LoginScreen) and bool(pilot.app.screen.query("#server"))
        ),
    )
    screen = pilot.app.screen
    screen.query_one("#server", Input).value = server
    screen.query_one("#username", Input).value = ""
    screen.query_one("#username", Input).focus()
    await pilot.press(*username)
    screen.query_one("#password", Input).focus()
    await pilot.press(*password, "enter")


def overview_loaded(pilot: Pilot[None], account: str | None = None) -> bool:
    screen = pilot.app.screen
    if not isinstance(screen, OverviewScreen):
        return False
    if account is not None and account not in (screen.sub_title or ""):
        return False
    if not screen.query("#money"):
        return False  # pushed but not composed yet
    money = str(screen.query_one("#money", Static).content)
    balance = _("Balance: {amount}").split("{amount}")[0].strip()  # in the language spoken
    return balance in money and not screen.query_one("#body").loading


def invoices_loaded(pilot: Pilot[None]) -> bool:
    """The invoices screen shows its first page (in any language)."""
    screen = pilot.app.screen
    return (
        isinstance(screen, InvoicesScreen)
        and screen.pages_loaded > 0
        and not screen.query_one("#body").loading
    )


async def overview_shown(pilot: Pilot[None], account: str | None = None) -> None:
    """Wait until the overview (of `account`, if given) is loaded: where every login lands."""
    await wait_for(pilot, lambda: overview_loaded(pilot, account))


async def ready_app(server: str, username: str = "maria", **kwargs: Any) -> SelfcareApp:
    """The app started from a ready session, as `selfcare demo` starts it.

    App tests start here: typing into the login form takes about 2 s a test. The session
    lives only for the run: nothing goes to the keyring or the config file, so the tests of
    logging in and of what it keeps (the keyring, the saved profile and account, the code
    step, the form's messages) use the form (`log_in`). Wait with `overview_shown` before
    pressing keys: the app opens the overview itself.
    """
    session = await password_session(server, username, f"{username}-demo")
    return SelfcareApp(session=session, **kwargs)


async def ready_agent_app(server: LiveServer, username: str = "agent") -> SelfcareApp:
    """`ready_app` for a support agent, who answers her TOTP step at the server's clock; the
    app opens the desk (wait with `desk_shown`)."""
    return SelfcareApp(session=await _agent_session(server, username))


def ready_agent_app_for_snapshot(server: LiveServer, username: str = "agent") -> SelfcareApp:
    return SelfcareApp(session=asyncio.run(_agent_session(server, username)))


async def _agent_session(server: LiveServer, username: str) -> Session:
    return await password_session(
        server.base_url,
        username,
        f"{username}-demo",
        one_time_code=lambda: server.next_code(username),
    )


def desk_loaded(pilot: Pilot[None]) -> bool:
    screen = pilot.app.screen
    return (
        isinstance(screen, DeskScreen)
        and screen.data is not None
        and not screen.query_one("#body").loading
    )


async def desk_shown(pilot: Pilot[None]) -> None:
    await wait_for(pilot, lambda: desk_loaded(pilot))


def ready_app_for_snapshot(server: str, username: str = "maria", **kwargs: Any) -> SelfcareApp:
    """`ready_app` for the snapshot tests, which are not async: snap_compare runs the app in
    an event loop of its own (the session's client is fresh, so it may be used there)."""
    session = asyncio.run(password_session(server, username, f"{username}-demo"))
    return SelfcareApp(session=session, **kwargs)


async def log_in(pilot: Pilot[None], server: str, username: str = "maria") -> None:
    """Log in through the form, as a user does; for the tests of logging in."""
    await submit_login(pilot, server, username, f"{username}-demo")
    await overview_shown(pilot)
