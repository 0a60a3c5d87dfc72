"""Snapshots of payments and notices (with an answer to "has my payment arrived") and of the
statistics of a prosumer, whose credits draw left of the zero line; 80x24.

Deterministic as the other snapshots: frozen server clock, times in UTC, the app's own theme.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Input

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import overview_shown, ready_app_for_snapshot, wait_for
from ..support.tui_payments import (
    COTTAGE,
    open_payments,
    search,
    statistics_loaded,
    switch_to_cottage,
)

SnapCompare = Callable[..., bool]


def test_payments_snapshot(
    snap_compare: SnapCompare, live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async def payments_open(pilot: Pilot[None]) -> None:
        await overview_shown(pilot)
        await switch_to_cottage(pilot)
        await open_payments(pilot, COTTAGE)
        await search(pilot, "1000000724")
        # A blinking cursor is drawn or not by the moment the shot is taken: keep it steady.
        pilot.app.screen.query_one("#reference", Input).cursor_blink = False
        await pilot.pause()

    app = ready_app_for_snapshot(live_server.base_url)
    assert snap_compare(app, terminal_size=(80, 24), run_before=payments_open)


def test_statistics_snapshot(
    snap_compare: SnapCompare, live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async def statistics_open(pilot: Pilot[None]) -> None:
        await overview_shown(pilot)
        await switch_to_cottage(pilot)
        await pilot.press("g", "s")
        await wait_for(pilot, lambda: statistics_loaded(pilot, COTTAGE, 2026))
        # The months of the year, with the credits of the summer.
        pilot.app.screen.query_one("#months-panel").scroll_visible(top=True, animate=False)
        await pilot.pause()

    app = ready_app_for_snapshot(live_server.base_url)
    assert snap_compare(app, terminal_size=(80, 24), run_before=statistics_open)
