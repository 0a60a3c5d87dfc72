"""Snapshots of the consumption screen at 80x24: the flat (estimated month, year on year)
and the cottage (export beside use, remote-read data).

Deterministic: the server's clock is frozen (NOW, tests/support/live_server.py), times are
shown in UTC and nothing shows the random port of the test server.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from selfcare_tui.screens.consumption import ConsumptionScreen
from selfcare_tui.screens.switcher import AccountSwitcher
from selfcare_tui.server.demo import COTTAGE_ACCOUNT, FLAT_ACCOUNT

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import overview_shown, ready_app_for_snapshot, wait_for

SnapCompare = Callable[..., bool]


@pytest.mark.parametrize("account", [FLAT_ACCOUNT, COTTAGE_ACCOUNT])
def test_consumption_snapshot(
    snap_compare: SnapCompare,
    live_server: LiveServer,
    memory_keyring: MemoryKeyring,
    account: str,
) -> None:
    async def consumption_open(pilot: Pilot[None]) -> None:
        await overview_shown(pilot)
        if account != FLAT_ACCOUNT:
            await pilot.press("ctrl+o")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, AccountSwitcher))
            options = pilot.app.screen.query_one(OptionList)
            await wait_for(pilot, lambda: options.option_count == 2)
            await pilot.press("down", "enter")
            await wait_for(pilot, lambda: account in (pilot.app.screen.sub_title or ""))
        await pilot.press("g", "c")

        def loaded() -> bool:
            screen = pilot.app.screen
            return (
                isinstance(screen, ConsumptionScreen)
                and screen.data is not None
                and account in (screen.sub_title or "")
                and not screen.query_one("#body").loading
            )

        await wait_for(pilot, loaded)

    app = ready_app_for_snapshot(live_server.base_url)
    assert snap_compare(app, terminal_size=(80, 24), run_before=consumption_open)
