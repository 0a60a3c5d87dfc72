"""Snapshots of the login, overview and switcher at 80x24 and 120x40; profile and menu at 80x24.

Deterministic: the server's clock is frozen (NOW, tests/support/live_server.py), times are
shown in UTC, the theme is fixed by the app, and nothing shows the random port of the test
server.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from selfcare_tui.app import SelfcareApp
from selfcare_tui.screens.goto import GoToMenu
from selfcare_tui.screens.profile import ProfileScreen
from selfcare_tui.screens.switcher import AccountSwitcher

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import overview_shown, ready_app_for_snapshot, wait_for

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
SnapCompare = Callable[..., bool]


@pytest.mark.parametrize("size", SIZES)
def test_login_snapshot(
    snap_compare: SnapCompare, memory_keyring: MemoryKeyring, size: tuple[int, int]
) -> None:
    assert snap_compare(SelfcareApp(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_overview_snapshot(
    snap_compare: SnapCompare,
    live_server: LiveServer,
    memory_keyring: MemoryKeyring,
    size: tuple[int, int],
) -> None:
    async def logged_in(pilot: Pilot[None]) -> None:
        await overview_shown(pilot)

    app = ready_app_for_snapshot(live_server.base_url)
    assert snap_compare(app, terminal_size=size, run_before=logged_in)


@pytest.mark.parametrize("size", SIZES)
def test_switcher_snapshot(
    snap_compare: SnapCompare,
    live_server: LiveServer,
    memory_keyring: MemoryKeyring,
    size: tuple[int, int],
) -> None:
    async def switcher_open(pilot: Pilot[None]) -> None:
        await overview_shown(pilot)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, AccountSwitcher))
        options = pilot.app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count >= 2 and not options.loading)

    app = ready_app_for_snapshot(live_server.base_url, "jaan")
    assert snap_compare(app, terminal_size=size, run_before=switcher_open)


def test_profile_snapshot(
    snap_compare: SnapCompare, live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async def profile_open(pilot: Pilot[None]) -> None:
        await overview_shown(pilot)
        await pilot.press("g", "u")
        await wait_for(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, ProfileScreen)
                and "1000000001" in str(pilot.app.screen.query_one("#facts", Static).content)
            ),
        )

    app = ready_app_for_snapshot(live_server.base_url)
    assert snap_compare(app, terminal_size=(80, 24), run_before=profile_open)


def test_go_to_menu_snapshot(
    snap_compare: SnapCompare, live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async def menu_open(pilot: Pilot[None]) -> None:
        await overview_shown(pilot)
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, GoToMenu))

    app = ready_app_for_snapshot(live_server.base_url)
    assert snap_compare(app, terminal_size=(80, 24), run_before=menu_open)
