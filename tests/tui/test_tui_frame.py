"""The app frame against the real server: login edge cases, agent search, sections, help, theme."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail
from textual.pilot import Pilot
from textual.widgets import Button, Input, OptionList, Static

from selfcare_tui import config, i18n
from selfcare_tui.app import SelfcareApp
from selfcare_tui.screens.attach import AttachAccount
from selfcare_tui.screens.goto import GoToMenu, section_prompt, title_width
from selfcare_tui.screens.help import HelpScreen
from selfcare_tui.screens.login import LoginScreen
from selfcare_tui.screens.overview import OverviewScreen
from selfcare_tui.screens.profile import ProfileScreen
from selfcare_tui.screens.sections import sections
from selfcare_tui.screens.switcher import AccountSwitcher
from selfcare_tui.server.demo import ATTACHABLE_ACCOUNT

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import (
    desk_shown,
    log_in,
    overview_loaded,
    overview_shown,
    ready_app,
    submit_login,
    text_of,
    wait_for,
)

pytestmark = pytest.mark.anyio

FLAT, COTTAGE, BUSINESS = "1000000001", "1000000002", "2000000001"


async def test_without_a_keyring_the_login_works_for_this_run(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    app = SelfcareApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, live_server.base_url)
        assert any("keyring" in str(n.message).lower() for n in app._notifications)
        assert "Balance" in text_of(pilot, "#money")  # the session works
    assert memory_keyring.secrets == {}


async def test_a_locked_login_says_so_and_keeps_the_form(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = SelfcareApp()
    async with app.run_test(size=(80, 24)) as pilot:
        for _attempt in range(6):  # the server locks after 5 failures
            await submit_login(pilot, live_server.base_url, "maria", "wrong")
            await wait_for(  # the answer, not the "Logging in…" shown while it is awaited
                pilot,
                lambda: (
                    not app.screen.query_one("#login", Button).disabled
                    and text_of(pilot, "#login-message") != ""
                ),
            )
            if "locked" in text_of(pilot, "#login-message"):
                break
            app.screen.query_one("#login-message", Static).update("")
        message = text_of(pilot, "#login-message")
        assert "locked" in message and "min" in message
        assert app.screen.query_one("#username", Input).value == "maria"
        # Even the right password is refused while the lock lasts.
        await submit_login(pilot, live_server.base_url, "maria", "maria-demo")
        await pilot.pause(0.5)
        assert isinstance(app.screen, LoginScreen)


async def log_in_as_agent(pilot: Pilot[None], live_server: LiveServer) -> None:
    await submit_login(pilot, live_server.base_url, "agent", "agent-demo")
    await wait_for(pilot, lambda: pilot.app.screen.query_one("#otp", Input).has_focus)
    code = live_server.next_code()
    await pilot.press(*code, "enter")
    await desk_shown(pilot)  # an agent lands on the desk


async def test_an_agent_searches_and_acts_with_the_audit_banner(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = SelfcareApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_as_agent(pilot, live_server)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountSwitcher))
        await pilot.press(*"Acme")
        options = app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count == 1 and not options.loading)
        assert BUSINESS in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter", "enter")  # to the list, then choose
        await wait_for(pilot, lambda: overview_loaded(pilot, BUSINESS))
        assert "support agent" in text_of(pilot, "AccountBanner")
        assert "audited" in text_of(pilot, "AccountBanner")


async def test_the_switched_account_is_kept_in_the_profile(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async with SelfcareApp().run_test(size=(80, 24)) as pilot:
        await log_in(pilot, live_server.base_url)
        await pilot.press("ctrl+o")
        options = pilot.app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count == 2 and not options.loading)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: overview_loaded(pilot, COTTAGE))
    assert config.load().profile(None).account == COTTAGE
    async with SelfcareApp().run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: overview_loaded(pilot, COTTAGE))  # the next start


async def test_sections_open_from_the_go_to_menu_and_the_palette(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, GoToMenu))
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, ProfileScreen))
        await pilot.press("ctrl+p")
        await pilot.press(*"go to overview")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        assert len(app.screen_stack) == 2  # sections replace each other, nothing piles up


async def test_a_switch_elsewhere_reloads_a_section_when_shown_again(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await pilot.press("g", "u")
        await wait_for(pilot, lambda: FLAT in text_of(pilot, "#facts"))
        await pilot.press("g", "o")
        await wait_for(pilot, lambda: overview_loaded(pilot, FLAT))
        await pilot.press("ctrl+o")
        options = app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count == 2 and not options.loading)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: overview_loaded(pilot, COTTAGE))
        await pilot.press("g", "u")
        await wait_for(pilot, lambda: COTTAGE in text_of(pilot, "#facts"))


async def test_help_lists_the_keys_of_the_screen_in_view(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await pilot.press("g", "u")
        await wait_for(pilot, lambda: isinstance(app.screen, ProfileScreen))
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = str(app.screen.query_one("#help Static", Static).content)
        for key, words in (("^s", "Save"), ("^o", "Accounts"), ("g u", "Your details")):
            line = next(line for line in text.splitlines() if line.startswith(key))
            assert words in line
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ProfileScreen))


async def test_the_chosen_theme_is_kept_for_the_next_start(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async with SelfcareApp().run_test(size=(80, 24)) as pilot:
        assert pilot.app.theme == "selfcare"
        pilot.app.theme = "textual-light"  # what the palette's "Change theme" sets
        await pilot.pause()
    assert config.load().settings.theme == "textual-light"
    async with SelfcareApp().run_test(size=(80, 24)) as pilot:
        assert pilot.app.theme == "textual-light"


async def test_state_reads_without_colour(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    """With NO_COLOR, on and off must differ in their characters, not only their colours."""
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await pilot.press("g", "u")
        await wait_for(pilot, lambda: FLAT in text_of(pilot, "#facts"))
        marks = {
            name: str(app.screen.query_one(f"#channel-{name}").render())
            for name in ("email", "sms", "paper")
        }
        assert "●" in marks["email"]  # maria gets invoices by e-mail
        assert "●" not in marks["sms"] and "●" not in marks["paper"]


async def test_attach_an_account_from_the_switcher(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    number, code = ATTACHABLE_ACCOUNT
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountSwitcher))
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AttachAccount))
        await pilot.press(*number, "enter", *"12345", "enter")
        await wait_for(pilot, lambda: text_of(pilot, "#account_number-error") != "")
        assert "do not match" in text_of(pilot, "#account_number-error")
        assert app.screen.query_one("#account_number", Input).value == number  # kept
        code_input = app.screen.query_one("#payment_code", Input)
        code_input.focus()
        await pilot.press("end", *["backspace"] * 5, *code, "enter")
        await wait_for(pilot, lambda: overview_loaded(pilot, number))
    async with await live_server.login("maria") as client:
        assert number in [a.number for a in await client.accounts()]


@pytest.mark.parametrize("language", ["en", "ro", "et", "uk", "ru"])
def test_the_go_to_menu_keeps_one_line_a_section_in_every_language(language: str) -> None:
    i18n.choose_language(language)
    try:
        listed = sections()
        titles = title_width([s.title for s in listed])
        prompts = [section_prompt(s, current=i == 0, titles=titles) for i, s in enumerate(listed)]
    finally:
        i18n.choose_language(None)
    assert all(prompt.cell_len <= 64 for prompt in prompts), [p.plain for p in prompts]
    assert all(s.title.split()[0] in p.plain for s, p in zip(listed, prompts, strict=True))
