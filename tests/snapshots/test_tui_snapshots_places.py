"""Snapshots of places and meters (80x24, 120x40; a business's many places) and a reading history.

Deterministic as the other snapshots: frozen server clock, times in UTC, the app's own theme.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList

from selfcare_tui.api import models
from selfcare_tui.screens.places import PlacesScreen
from selfcare_tui.screens.reading_history import ReadingHistory

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import overview_shown, ready_app_for_snapshot, wait_for

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
SnapCompare = Callable[..., bool]
FLAT, BUSINESS = "1000000001", "2000000001"


async def _places_open(pilot: Pilot[None], account: str = FLAT) -> None:
    """In the ready app, go to places and meters (of `account`)."""
    await overview_shown(pilot)
    await pilot.press("g", "m")

    def loaded() -> bool:
        screen = pilot.app.screen
        return (
            isinstance(screen, PlacesScreen)
            and screen.shown_for == account
            and not screen.query_one("#body").loading
        )

    await wait_for(pilot, loaded)


@pytest.mark.parametrize("size", SIZES)
def test_places_snapshot(
    snap_compare: SnapCompare,
    live_server: LiveServer,
    memory_keyring: MemoryKeyring,
    size: tuple[int, int],
) -> None:
    async def places_open(pilot: Pilot[None]) -> None:
        await _places_open(pilot)

    app = ready_app_for_snapshot(live_server.base_url)
    assert snap_compare(app, terminal_size=size, run_before=places_open)


def test_many_places_snapshot(
    snap_compare: SnapCompare,
    live_server: LiveServer,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A business's 24 places scroll in their list; the disconnected one is chosen, and with
    NO_COLOR the choice still shows (reversed)."""
    monkeypatch.setenv("NO_COLOR", "1")

    async def disconnected_chosen(pilot: Pilot[None]) -> None:
        await _places_open(pilot, BUSINESS)
        screen = pilot.app.screen
        assert isinstance(screen, PlacesScreen) and screen.data is not None
        states = [p.state for p in screen.data.places]
        options = screen.query_one("#places", OptionList)
        options.focus()
        await pilot.press(*["down"] * states.index(models.PlaceState.disconnected))
        await wait_for(
            pilot,
            lambda: (
                screen.place is not None and screen.place.state in (models.PlaceState.disconnected,)
            ),
        )
        await pilot.pause()

    app = ready_app_for_snapshot(live_server.base_url, "acme")
    assert snap_compare(app, terminal_size=(80, 24), run_before=disconnected_chosen)


def test_reading_history_snapshot(
    snap_compare: SnapCompare, live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async def history_open(pilot: Pilot[None]) -> None:
        await _places_open(pilot)
        pilot.app.screen.query_one("#registers", DataTable).focus()
        await pilot.press("h")

        def loaded() -> bool:
            screen = pilot.app.screen
            return isinstance(screen, ReadingHistory) and len(screen.readings) > 0

        await wait_for(pilot, loaded)

    app = ready_app_for_snapshot(live_server.base_url)
    assert snap_compare(app, terminal_size=(80, 24), run_before=history_open)
