"""Driving the payments (`g p`) and statistics (`g s`) screens in the app: for
tests/tui/test_tui_payments.py and the payments snapshots."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from selfcare_tui.screens.payments import PaymentsScreen
from selfcare_tui.screens.statistics import StatisticsScreen
from selfcare_tui.screens.switcher import AccountSwitcher

from .tui_helpers import overview_loaded, text_of, wait_for

FLAT, COTTAGE = "1000000001", "1000000002"


def payments_loaded(pilot: Pilot[None], account: str) -> bool:
    screen = pilot.app.screen
    return (
        isinstance(screen, PaymentsScreen)
        and account in (screen.sub_title or "")
        and not screen.query_one("#body").loading
        and bool(screen.payments)
    )


def statistics_loaded(pilot: Pilot[None], account: str, year: int) -> bool:
    screen = pilot.app.screen
    return (
        isinstance(screen, StatisticsScreen)
        and account in (screen.sub_title or "")
        and not screen.query_one("#body").loading
        and screen.stats is not None
        and screen.stats.year == year
    )


async def open_payments(pilot: Pilot[None], account: str = FLAT) -> PaymentsScreen:
    await pilot.press("g", "p")
    await wait_for(pilot, lambda: payments_loaded(pilot, account))
    screen = pilot.app.screen
    assert isinstance(screen, PaymentsScreen)
    return screen


async def switch_to_cottage(pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+o")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, AccountSwitcher))
    options = pilot.app.screen.query_one(OptionList)
    await wait_for(pilot, lambda: options.option_count == 2)
    await pilot.press("down", "enter")
    await wait_for(pilot, lambda: overview_loaded(pilot, COTTAGE))


async def search(pilot: Pilot[None], reference: str) -> str:
    """Type a reference into the search (after /) and press enter; the answer."""
    before = text_of(pilot, "#search-result")
    await pilot.press("slash")
    field = pilot.app.screen.query_one("#reference", Input)
    assert pilot.app.focused is field
    field.clear()
    await pilot.press(*reference, "enter")
    await wait_for(
        pilot,
        lambda: (
            text_of(pilot, "#search-result") not in ("", before)
            and "Looking for" not in text_of(pilot, "#search-result")
        ),
    )
    return text_of(pilot, "#search-result")
