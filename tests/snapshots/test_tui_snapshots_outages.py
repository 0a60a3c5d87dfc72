"""Snapshots of outages and works at 80x24: the screen, and a report refused for a work.

Deterministic as the other snapshots: frozen server clock (and the app's clock set to it),
times in UTC, the app's own theme.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Select

from selfcare_tui.screens import outages
from selfcare_tui.screens.outage_report import OutageReportDialog
from selfcare_tui.screens.outages import OutagesScreen

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import NOW, LiveServer
from ..support.tui_helpers import overview_shown, ready_app_for_snapshot, text_of, wait_for

SnapCompare = Callable[..., bool]
BUSINESS = "2000000001"
STRUCK_STREET = "Tule 18"
"""The demo business's place in the area of the accidental work in progress at NOW."""


@pytest.fixture(autouse=True)
def server_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outages, "now", lambda: NOW)


async def _outages_open(pilot: Pilot[None]) -> None:
    """In acme's ready app, go to outages and works."""
    await overview_shown(pilot)
    await pilot.press("g", "w")

    def loaded() -> bool:
        screen = pilot.app.screen
        return (
            isinstance(screen, OutagesScreen)
            and screen.data is not None
            and screen.data.number == BUSINESS
            and not screen.query_one("#body").loading
        )

    await wait_for(pilot, loaded)


def test_outages_snapshot(
    snap_compare: SnapCompare, live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async def outages_open(pilot: Pilot[None]) -> None:
        await _outages_open(pilot)

    app = ready_app_for_snapshot(live_server.base_url, "acme")
    assert snap_compare(app, terminal_size=(80, 24), run_before=outages_open)


def test_report_refused_snapshot(
    snap_compare: SnapCompare, live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async def refused(pilot: Pilot[None]) -> None:
        await _outages_open(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, OutageReportDialog))
        chooser = pilot.app.screen.query_one("#place", Select)
        await wait_for(pilot, lambda: chooser.has_focus)
        await pilot.press("enter", *STRUCK_STREET, "enter")
        await wait_for(pilot, lambda: "Blocked by" in text_of(pilot, "#eligibility"))
        await pilot.pause()

    app = ready_app_for_snapshot(live_server.base_url, "acme")
    assert snap_compare(app, terminal_size=(80, 24), run_before=refused)
