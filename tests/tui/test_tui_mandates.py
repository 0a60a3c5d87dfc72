"""Mandates in the app against the real server: giving one (refusals beside the field first),
changing what it allows and its last day, revoking after a confirmation, and what a delegate
sees of the mandates they hold."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input, OptionList

from selfcare_tui.api import models
from selfcare_tui.screens.mandate_form import MandateForm
from selfcare_tui.screens.mandate_revoke import RevokeMandateDialog
from selfcare_tui.screens.mandates import MandatesScreen
from selfcare_tui.screens.switcher import AccountSwitcher
from selfcare_tui.server.demo.accounts import FLAT_ACCOUNT

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import overview_shown, ready_app, text_of, wait_for

pytestmark = pytest.mark.anyio


def mandates_loaded(pilot: Pilot[None]) -> bool:
    screen = pilot.app.screen
    return (
        isinstance(screen, MandatesScreen)
        and screen.given is not None
        and not screen.query_one("#body").loading
    )


async def open_mandates(pilot: Pilot[None]) -> None:
    await overview_shown(pilot)
    await pilot.press("g", "a")
    await wait_for(pilot, lambda: mandates_loaded(pilot))


def given_rows(pilot: Pilot[None]) -> list[list[str]]:
    table = pilot.app.screen.query_one("#given", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def retype(pilot: Pilot[None], selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    await pilot.press("end", *["backspace"] * len(field.value), *text)


async def toggle(pilot: Pilot[None], scope: str) -> None:
    pilot.app.screen.query_one(f"#scope-{scope}", Checkbox).focus()
    await pilot.press("space")


async def test_giving_a_mandate_shows_refusals_beside_the_field_and_keeps_the_form(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_mandates(pilot)
        assert given_rows(pilot) == [["jaan", "view, readings", "25 Nov 2027", "active"]]
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, MandateForm))
        # Nothing sent while the form itself can tell what is wrong.
        await toggle(pilot, "view")  # no scope left
        await retype(pilot, "#expires_at", "2020-01-31")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "nothing was sent" in text_of(pilot, "#mandate-message"))
        assert text_of(pilot, "#delegate_username-error").startswith("Their login: give")
        assert text_of(pilot, "#scopes-error") == "They may: choose at least one."
        assert "has passed" in text_of(pilot, "#expires_at-error")
        # The server's refusals: a login that does not exist, then one that is no customer's.
        await retype(pilot, "#delegate_username", "nobody-here")
        await toggle(pilot, "view")
        await toggle(pilot, "pay")
        await retype(pilot, "#expires_at", "2027-06-30")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot,
            lambda: text_of(pilot, "#delegate_username-error") == "No login with this username.",
        )
        assert text_of(pilot, "#scopes-error") == text_of(pilot, "#expires_at-error") == ""
        await retype(pilot, "#delegate_username", "agent")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: text_of(pilot, "#delegate_username-error") == "Not a customer's login."
        )
        assert app.screen.query_one("#expires_at", Input).value == "2027-06-30"  # kept
        await retype(pilot, "#delegate_username", "acme")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: mandates_loaded(pilot) and len(given_rows(pilot)) == 2)
        assert given_rows(pilot)[0] == ["acme", "view, pay", "30 Jun 2027", "active"]
    async with await live_server.login("acme") as acme:
        (flat,) = [a for a in await acme.accounts() if a.number == FLAT_ACCOUNT]
    assert flat.scopes == [models.Scope.pay, models.Scope.view]
    assert flat.mandate_expires_at is not None
    assert flat.mandate_expires_at.astimezone().date() == dt.date(2027, 6, 30)


async def test_changing_and_revoking_a_mandate(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_mandates(pilot)
        app.screen.query_one("#given", DataTable).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MandateForm))
        assert not app.screen.query("#delegate_username")  # who it is for stays
        assert app.screen.query_one("#expires_at", Input).value == "25 Nov 2027"
        await toggle(pilot, "readings")
        await toggle(pilot, "requests")
        await retype(pilot, "#expires_at", "next spring")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "type a date like" in text_of(pilot, "#expires_at-error"))
        await retype(pilot, "#expires_at", "31 Mar 2027")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot,
            lambda: mandates_loaded(pilot) and given_rows(pilot)[0][1] == "view, requests",
        )
        assert given_rows(pilot) == [["jaan", "view, requests", "31 Mar 2027", "active"]]

        # Revoking asks first; escape (and enter, on the default button) keep the mandate.
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, RevokeMandateDialog))
        assert "jaan can no longer act on account 1000000001" in text_of(pilot, "#revoke-text")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MandatesScreen))
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, RevokeMandateDialog))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MandatesScreen))
        assert given_rows(pilot)[0][3] == "active"
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, RevokeMandateDialog))
        await pilot.click("#revoke")
        await wait_for(
            pilot, lambda: mandates_loaded(pilot) and given_rows(pilot)[0][3] == "revoked"
        )
        app.screen.query_one("#given", DataTable).focus()  # back from the dialog, as a user
        await pilot.press("enter")  # an ended mandate is not changed: a new one is given
        await wait_for(pilot, lambda: "give a new one" in text_of(pilot, "#given-note"))
        assert isinstance(app.screen, MandatesScreen)
    async with await live_server.login("jaan") as jaan:
        assert [a.number for a in await jaan.accounts()] == ["1000000003"]


async def test_a_delegate_sees_the_mandates_they_hold_not_the_holders(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url, "jaan")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_mandates(pilot)
        held = app.screen.query_one("#held", DataTable)
        assert [[str(c) for c in held.get_row_at(i)] for i in range(held.row_count)] == [
            [FLAT_ACCOUNT, "Maria Tamm", "view, readings", "25 Nov 2027"]
        ]
        assert given_rows(pilot) == []  # nobody acts for jaan on his own flat
        assert "Nobody acts for you" in text_of(pilot, "#given-note")
        assert isinstance(app.screen, MandatesScreen)
        await pilot.press("ctrl+o")  # to maria's flat, which he acts on by her mandate
        await wait_for(pilot, lambda: isinstance(app.screen, AccountSwitcher))
        options = app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count >= 2 and not options.loading)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index(FLAT_ACCOUNT)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "only its holder" in text_of(pilot, "#given-note"))
        await pilot.press("n")  # giving one on maria's account is not offered
        await pilot.pause()
        assert isinstance(app.screen, MandatesScreen)
        assert not app.screen.query_one("#given-hint").display
