"""Turning the second factor on and off from Security (ctrl+t in Your details): the QR code
and the secret, the first code, the recovery codes shown once, and the login after."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from textual.widgets import Input, Static

from selfcare_tui.screens.mfa_change import MfaDisableDialog
from selfcare_tui.screens.mfa_enrol import MfaEnrolDialog
from selfcare_tui.screens.security import SecurityDialog

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import ready_app, text_of, wait_for
from .test_tui_security import open_security

pytestmark = pytest.mark.anyio


async def test_turn_the_second_factor_on_and_off(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_security(pilot, 1)
        await wait_for(pilot, lambda: text_of(pilot, "#mfa-status").startswith("Off"))
        await pilot.click("#mfa-on")
        await wait_for(pilot, lambda: isinstance(app.screen, MfaEnrolDialog))
        await wait_for(pilot, lambda: text_of(pilot, "#mfa-secret") != "")
        secret = text_of(pilot, "#mfa-secret").replace(" ", "")
        assert "█" in str(app.screen.query_one("#mfa-qr", Static).render())
        await pilot.press(*"000000", "enter")
        await wait_for(pilot, lambda: "Not the code" in text_of(pilot, "#mfa-message"))
        app.screen.query_one("#code", Input).value = ""
        await pilot.press(*pyotp.TOTP(secret).at(live_server.clock.now()), "enter")
        await wait_for(pilot, lambda: text_of(pilot, "#recovery-codes") != "")
        codes = text_of(pilot, "#recovery-codes").split()
        assert len(codes) == 10
        await pilot.press("enter")  # Done
        await wait_for(pilot, lambda: isinstance(app.screen, SecurityDialog))
        await wait_for(pilot, lambda: "10 recovery codes left" in text_of(pilot, "#mfa-status"))
        await pilot.click("#mfa-off")
        await wait_for(pilot, lambda: isinstance(app.screen, MfaDisableDialog))
        await pilot.press(*"maria-demo", "enter", *"12", "enter")
        assert text_of(pilot, "#code-error") == "6 digits from the app, or a recovery code."
        app.screen.query_one("#code", Input).value = ""
        live_server.clock.frozen = live_server.clock.now() + dt.timedelta(seconds=30)
        await pilot.press(*pyotp.TOTP(secret).at(live_server.clock.now()), "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SecurityDialog))
        await wait_for(pilot, lambda: text_of(pilot, "#mfa-status").startswith("Off"))
    async with await live_server.login("maria") as plain:
        assert not (await plain.me()).mfa_enabled
