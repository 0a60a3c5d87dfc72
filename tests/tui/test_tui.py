"""The terminal app against the real reference server on loopback (frozen clock, demo data)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList

from selfcare_tui import config
from selfcare_tui.app import SelfcareApp
from selfcare_tui.screens.login import LoginScreen
from selfcare_tui.screens.switcher import AccountSwitcher

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import (
    StoppableServer,
    log_in,
    overview_loaded,
    overview_shown,
    ready_app,
    submit_login,
    text_of,
    wait_for,
)

pytestmark = pytest.mark.anyio

FLAT, COTTAGE = "1000000001", "1000000002"


async def test_log_in_through_the_form_and_see_the_overview(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = SelfcareApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, live_server.base_url)
        assert FLAT in (app.screen.sub_title or "")
        assert "Balance: €" in text_of(pilot, "#money")
        assert "30 Nov 2026" in text_of(pilot, "#window")
        # S4: the flat missed the last window, so the overview reminds of the next one.
        assert "Reminder: Opens on 30 Nov 2026" in text_of(pilot, "#window")
        assert "meter EMH000000001" in text_of(pilot, "#window")
        assert "Planned" in text_of(pilot, "#works")
        assert "estimated" in text_of(pilot, "#invoice")
    service = f"selfcare-tui {live_server.base_url}"
    assert (service, "maria") in memory_keyring.secrets  # remember me was on
    assert config.load().profile(None).username == "maria"


async def test_the_saved_profile_opens_without_the_form(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async with SelfcareApp().run_test(size=(80, 24)) as pilot:
        await log_in(pilot, live_server.base_url)
    app = SelfcareApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: overview_loaded(pilot, FLAT))
        assert not isinstance(app.screen, LoginScreen)


async def test_a_wrong_password_keeps_the_form(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = SelfcareApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await submit_login(pilot, live_server.base_url, "maria", "wrong")
        await wait_for(
            pilot, lambda: "Wrong username or password" in text_of(pilot, "#login-message")
        )
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#username", Input).value == "maria"
        assert app.screen.query_one("#server", Input).value == live_server.base_url


async def test_an_unreachable_server_is_named(memory_keyring: MemoryKeyring) -> None:
    app = SelfcareApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await submit_login(pilot, "http://127.0.0.1:9", "maria", "maria-demo")
        await wait_for(pilot, lambda: "Cannot reach the server" in text_of(pilot, "#login-message"))
        assert app.screen.query_one("#username", Input).value == "maria"


async def test_a_malformed_server_address_is_explained_before_connecting(
    memory_keyring: MemoryKeyring,
) -> None:
    app = SelfcareApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await submit_login(pilot, "http://127.0.0.1:99999", "maria", "maria-demo")
        await wait_for(pilot, lambda: "port must be between 1" in text_of(pilot, "#login-message"))
        assert app.screen.query_one("#server", Input).has_focus
        assert app.screen.query_one("#password", Input).value == "maria-demo"


async def test_the_agent_answers_the_one_time_code_step(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    import pyotp

    app = SelfcareApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await submit_login(pilot, live_server.base_url, "agent", "agent-demo")
        await wait_for(pilot, lambda: app.screen.query_one("#otp", Input).has_focus)
        code = pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").at(live_server.clock.now())
        await pilot.press(*code, "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, LoginScreen))
        assert app.me is not None and app.me.username == "agent"


async def test_switch_account_with_the_key_binding(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        first_balance = text_of(pilot, "#money")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountSwitcher))
        options = app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count == 2)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: overview_loaded(pilot, COTTAGE))
        assert text_of(pilot, "#money") != first_balance
        assert "Payment reminder" in text_of(pilot, "#notices")


async def test_switch_account_from_the_command_palette(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"switch account")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountSwitcher))
        options = app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count == 2)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: overview_loaded(pilot, COTTAGE))


async def test_a_mandate_is_marked(live_server: LiveServer, memory_keyring: MemoryKeyring) -> None:
    app = await ready_app(live_server.base_url, "jaan")
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountSwitcher))
        options = app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count >= 2)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        marked = [p for p in prompts if FLAT in p]
        assert marked and "by mandate" in marked[0] and "readings" in marked[0]
        options.highlighted = prompts.index(marked[0])
        await pilot.press("enter")
        await wait_for(pilot, lambda: overview_loaded(pilot, FLAT))
        assert "Acting by mandate for" in text_of(pilot, "AccountBanner")


async def test_a_lost_connection_offers_retry(
    stoppable_server: StoppableServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(stoppable_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        stoppable_server.stop()
        await pilot.pause(0.5)
        await pilot.press("r")
        await wait_for(pilot, lambda: "connection" in text_of(pilot, "#problem-text"))
        assert "retry" in text_of(pilot, "#problem-text").lower()
        assert app.screen.query_one("#retry").display
