"""The profile screen against the real server: edits round-trip, refusals keep the form."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, DataTable, Input, OptionList, Select

from selfcare_tui.api import models
from selfcare_tui.screens.access_log import AccessLog
from selfcare_tui.screens.profile import ProfileScreen
from selfcare_tui.screens.switcher import AccountSwitcher

from ..support.demo_users import login
from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import overview_shown, ready_app, text_of, wait_for

pytestmark = pytest.mark.anyio

FLAT = "1000000001"


def field(pilot: Pilot[None], name: str) -> Input:
    return pilot.app.screen.query_one(f"#{name}", Input)


async def open_profile(pilot: Pilot[None]) -> None:
    await overview_shown(pilot)
    await pilot.press("g", "u")
    await wait_for(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, ProfileScreen)
            and bool(pilot.app.screen.query("#home_address-street"))
            and field(pilot, "home_address-street").value != ""
        ),
    )


async def jaans_profile_of_the_flat(pilot: Pilot[None]) -> None:
    """As jaan: Your details, then maria's flat (his mandate's) from the switcher."""
    app = pilot.app
    await open_profile(pilot)
    await pilot.press("ctrl+o")
    await wait_for(pilot, lambda: isinstance(app.screen, AccountSwitcher))
    options = app.screen.query_one(OptionList)
    await wait_for(pilot, lambda: options.option_count >= 2 and not options.loading)
    numbers = [options.get_option_at_index(i).id for i in range(options.option_count)]
    options.highlighted = numbers.index(FLAT)
    await pilot.press("enter")
    await wait_for(pilot, lambda: "Only the account holder" in text_of(pilot, "#profile-message"))


async def retype(pilot: Pilot[None], name: str, text: str) -> None:
    """Select the field, clear it and type, as a user does."""
    widget = field(pilot, name)
    widget.focus()
    await pilot.press("end", *["backspace"] * len(widget.value))
    if text:
        await pilot.press(*text)


async def click(pilot: Pilot[None], selector: str) -> None:
    """Scroll the widget into view first, as a user would, then click it."""
    widget = pilot.app.screen.query_one(selector)
    pilot.app.screen.query_one("#body").scroll_to_widget(widget, animate=False, immediate=True)
    await pilot.pause()
    await pilot.click(selector)


async def test_profile_update_round_trips(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_profile(pilot)
        await retype(pilot, "phone", "+372 5999 0000")
        await retype(pilot, "home_address-street", "Pikk 12-3")
        await click(pilot, "#channel-sms")
        pilot.app.screen.query_one("#language", Select).focus()
        await pilot.press("enter", "down", "enter")  # English, then Română: the invoices' language
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Saved." in text_of(pilot, "#profile-message"))
        assert field(pilot, "phone").value == "+372 5999 0000"
    async with await live_server.login("maria") as client:
        account = await client.account(FLAT)
    assert account.phone == "+372 5999 0000"
    assert account.home_address.street == "Pikk 12-3"
    assert account.invoice_channel is models.InvoiceChannel.sms
    assert account.language is models.Language.ro


async def test_a_server_refusal_is_shown_beside_the_field_and_keeps_the_form(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async with await live_server.login("maria") as client:
        before = await client.account(FLAT)
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_profile(pilot)
        await retype(pilot, "email", "")
        await retype(pilot, "phone", "+372 5000 1111")
        await click(pilot, "#channel-email")
        await click(pilot, "#save")
        await wait_for(pilot, lambda: "refused" in text_of(pilot, "#profile-message"))
        assert "e-mail" in text_of(pilot, "#email-error").lower()
        assert field(pilot, "phone").value == "+372 5000 1111"  # nothing typed is lost
        assert field(pilot, "email").value == ""
    async with await live_server.login("maria") as client:
        after = await client.account(FLAT)
    assert after == before  # the server changed nothing


async def test_a_bad_phone_is_refused_before_sending(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async with await live_server.login("maria") as client:
        before = await client.account(FLAT)
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_profile(pilot)
        await retype(pilot, "phone", "call me")
        await retype(pilot, "home_address-country", "Estonia")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "nothing was sent" in text_of(pilot, "#profile-message"))
        assert "Phone: 6 to 20 digits" in text_of(pilot, "#phone-error")
        assert "two capital letters" in text_of(pilot, "#home_address-country-error")
        assert field(pilot, "phone").value == "call me"
        assert app.focused is field(pilot, "home_address-country")  # the first bad field
    async with await live_server.login("maria") as client:
        assert await client.account(FLAT) == before


async def test_a_separate_correspondence_address(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_profile(pilot)
        same = app.screen.query_one("#same-address", Checkbox)
        assert same.value  # the demo flat has none
        await click(pilot, "#same-address")
        await wait_for(pilot, lambda: app.screen.query_one("#correspondence-rows").display)
        for name, text in (("street", "Postkast 7"), ("city", "Tartu"), ("postal_code", "50090")):
            await retype(pilot, f"correspondence_address-{name}", text)
        await retype(pilot, "correspondence_address-country", "EE")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Saved." in text_of(pilot, "#profile-message"))
    async with await live_server.login("maria") as client:
        account = await client.account(FLAT)
    assert account.correspondence_address == models.Address(
        street="Postkast 7", city="Tartu", postal_code="50090", country="EE"
    )


async def test_a_delegate_sees_the_details_but_cannot_save(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url, "jaan")
    async with app.run_test(size=(100, 40)) as pilot:
        await jaans_profile_of_the_flat(pilot)
        assert app.screen.query_one("#save", Button).disabled
        assert "Acting by mandate" in text_of(pilot, "AccountBanner")


async def test_the_access_log_shows_who_from_the_utility_opened_the_account(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    """An agent looks at maria's flat and its invoices; maria reads it in Your details."""
    async with await login(live_server, "agent") as agent:
        await agent.account(FLAT)
        await agent.invoices_page(FLAT, limit=1)
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_profile(pilot)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, AccessLog))
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        rows = [table.get_row_at(i)[1:] for i in range(2)]
        assert rows == [
            ["Liis Support", "Looked at your invoices, payments and notices"],
            ["Liis Support", "Looked at your account details"],
        ]
        assert "All 2 entries shown." in text_of(pilot, "#access-status")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ProfileScreen))


async def test_a_delegate_is_told_the_access_log_is_the_holders(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url, "jaan")
    async with app.run_test(size=(100, 40)) as pilot:
        await jaans_profile_of_the_flat(pilot)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, AccessLog))
        await wait_for(
            pilot,
            lambda: "Only the account holder may do this." in text_of(pilot, "#access-status"),
        )
