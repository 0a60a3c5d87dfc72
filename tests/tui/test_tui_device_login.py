"""Log in with another device from the login screen: the code and address shown (with a QR
code), allowed on the approval page over real HTTP, and the app logged in."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from selfcare_tui.app import SelfcareApp
from selfcare_tui.screens.device_login import DeviceLoginDialog
from selfcare_tui.screens.login import LoginScreen

from ..support.device_page import approve, consent_in, decide, log_in_on_page
from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import overview_loaded, text_of, wait_for

pytestmark = pytest.mark.anyio


async def test_log_in_with_another_device(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    live_server.settings.device_poll_interval = 1
    app = SelfcareApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        app.screen.query_one("#server", Input).value = live_server.base_url
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, DeviceLoginDialog))
        await wait_for(pilot, lambda: text_of(pilot, "#device-code") != "")
        assert text_of(pilot, "#device-url") == f"{live_server.base_url}/device"
        assert "█" in str(app.screen.query_one("#device-qr", Static).render())
        assert "Waiting for you" in text_of(pilot, "#device-message")
        await approve(live_server.base_url, text_of(pilot, "#device-code"), "acme", "acme-demo")
        await wait_for(pilot, lambda: app.me is not None and app.me.username == "acme")
        await wait_for(pilot, lambda: overview_loaded(pilot))
    assert (f"selfcare-tui {live_server.base_url}", "acme") in memory_keyring.secrets


async def test_a_denied_device_login_says_so_and_starts_again(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    live_server.settings.device_poll_interval = 1
    app = SelfcareApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        app.screen.query_one("#server", Input).value = live_server.base_url
        await pilot.click("#device")
        await wait_for(pilot, lambda: text_of(pilot, "#device-code") != "")
        code = text_of(pilot, "#device-code")
        asked = await log_in_on_page(live_server.base_url, code, "maria", "maria-demo")
        await decide(live_server.base_url, code, consent_in(asked), "deny")
        await wait_for(pilot, lambda: "denied" in text_of(pilot, "#device-message"))
        await pilot.click("#again")
        await wait_for(pilot, lambda: text_of(pilot, "#device-code") not in ("", code))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
