"""Creating an account and resetting a forgotten password from the login screen, with the
codes read from the mail the real server sent over SMTP to a real local one."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from selfcare_tui.app import SelfcareApp
from selfcare_tui.screens.login import LoginScreen
from selfcare_tui.screens.password_reset import PasswordResetDialog
from selfcare_tui.screens.sign_up import SignUpDialog
from selfcare_tui.server.local_mail import LocalMailServer

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.mail import code_in, last_mail_to
from ..support.tui_helpers import submit_login, text_of, wait_for

pytestmark = pytest.mark.anyio

PASSWORD = "correct horse battery staple"


async def _at_login(pilot: Pilot[None], server: str) -> LoginScreen:
    await wait_for(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, LoginScreen) and bool(pilot.app.screen.query("#server"))
        ),
    )
    screen = pilot.app.screen
    assert isinstance(screen, LoginScreen)
    screen.query_one("#server", Input).value = server
    return screen


async def _type(pilot: Pilot[None], *values: str) -> None:
    """Type each value into the focused field and press enter (which moves to the next)."""
    for value in values:
        await pilot.press(*value, "enter")


async def test_create_an_account_with_the_mailed_code(
    mailing_server: LiveServer, mail_server: LocalMailServer, memory_keyring: MemoryKeyring
) -> None:
    app = SelfcareApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await _at_login(pilot, mailing_server.base_url)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, SignUpDialog))
        await _type(pilot, "ilona", "ilona@example.org", PASSWORD, PASSWORD + "x")
        assert text_of(pilot, "#again-error") == "Not the same as the password: type it again."
        assert text_of(pilot, "#sign-up-message") == "Nothing was sent."
        app.screen.query_one("#again", Input).value = ""
        await _type(pilot, PASSWORD)
        await wait_for(pilot, lambda: "A mail is on its way" in text_of(pilot, "#sign-up-message"))
        assert app.screen.query_one("#code", Input).has_focus
        code = code_in(last_mail_to(mail_server, "ilona@example.org", 1))
        await _type(pilot, "00000000")
        await wait_for(pilot, lambda: "not right" in text_of(pilot, "#sign-up-message"))
        assert text_of(pilot, "#code-error") == "Not the code from the latest mail."
        app.screen.query_one("#code", Input).value = ""
        await _type(pilot, code)
        await wait_for(pilot, lambda: app.me is not None and app.me.username == "ilona")
        await wait_for(pilot, lambda: "holds no account yet" in text_of(pilot, "#problem-text"))
    assert (f"selfcare-tui {mailing_server.base_url}", "ilona") in memory_keyring.secrets


async def test_the_servers_refusals_are_shown_beside_their_fields(
    mailing_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = SelfcareApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await _at_login(pilot, mailing_server.base_url)
        await pilot.click("#sign-up")
        await wait_for(pilot, lambda: isinstance(app.screen, SignUpDialog))
        await _type(pilot, "Ilona", "ilona-at-example", "ilona-ilona-ilona", "ilona-ilona-ilona")
        await wait_for(pilot, lambda: bool(text_of(pilot, "#username-error")))
        assert text_of(pilot, "#username-error").startswith("3 to 32 characters: lowercase")
        assert text_of(pilot, "#email-error").startswith("Must be an e-mail address")
        assert app.screen.query_one("#username", Input).has_focus
        assert app.screen.query_one("#email", Input).value == "ilona-at-example"  # kept
        app.screen.query_one("#username", Input).value = "ilona"
        app.screen.query_one("#email", Input).value = "ilona@example.org"
        await pilot.click("#send")
        await wait_for(
            pilot, lambda: "among those tried first" in text_of(pilot, "#password-error")
        )
        assert not text_of(pilot, "#username-error")
        await pilot.press("escape")
        assert isinstance(app.screen, LoginScreen)


async def test_forgot_password_sets_a_new_one_with_the_mailed_code(
    mailing_server: LiveServer, mail_server: LocalMailServer, memory_keyring: MemoryKeyring
) -> None:
    new = "maria's new passphrase"
    app = SelfcareApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await _at_login(pilot, mailing_server.base_url)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, PasswordResetDialog))
        await _type(pilot, "maria@demo.selfcare.test")
        await wait_for(pilot, lambda: "A mail is on its way" in text_of(pilot, "#reset-message"))
        code = code_in(last_mail_to(mail_server, "maria@demo.selfcare.test", 1))
        await _type(pilot, code, "short", "short")
        await wait_for(pilot, lambda: "at least 12" in text_of(pilot, "#new_password-error"))
        assert app.screen.query_one("#code", Input).value == code  # the code is not spent
        for field in ("new_password", "again"):
            app.screen.query_one(f"#{field}", Input).value = new
        await pilot.click("#set")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert text_of(pilot, "#login-message").startswith("Password changed")
        await submit_login(pilot, mailing_server.base_url, "maria", new)
        await wait_for(pilot, lambda: app.me is not None and app.me.username == "maria")
