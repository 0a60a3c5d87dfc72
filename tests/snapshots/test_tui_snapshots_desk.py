"""Snapshots at 80x24 of the support agents' desk: the counts, a queue (with NO_COLOR, as on
a thin client's plain terminal) and an item with its actions.

Deterministic as the other snapshots: frozen server clock, times in UTC, the app's own theme,
and nothing that shows a temporary path or the test server's port.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from selfcare_tui.screens.desk_item import DeskItemScreen
from selfcare_tui.screens.desk_queue import QueueScreen

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import desk_shown, ready_agent_app_for_snapshot, wait_for

SnapCompare = Callable[..., bool]


async def _queue_open(pilot: Pilot[None]) -> QueueScreen:
    await desk_shown(pilot)
    await pilot.press("1")

    def loaded() -> bool:
        screen = pilot.app.screen
        return (
            isinstance(screen, QueueScreen)
            and screen.pages_loaded > 0
            and not screen.query_one("#queue").loading
        )

    await wait_for(pilot, loaded)
    screen = pilot.app.screen
    assert isinstance(screen, QueueScreen)
    return screen


def test_desk_snapshot(
    snap_compare: SnapCompare, live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = ready_agent_app_for_snapshot(live_server)
    assert snap_compare(app, terminal_size=(80, 24), run_before=desk_shown)


def test_desk_queue_snapshot(
    snap_compare: SnapCompare,
    live_server: LiveServer,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The requests queue, oldest first, the cursor on the third row: reversed under
    NO_COLOR, so it shows without colour."""
    monkeypatch.setenv("NO_COLOR", "1")

    async def queue_open(pilot: Pilot[None]) -> None:
        await _queue_open(pilot)
        await pilot.press("down", "down")

    app = ready_agent_app_for_snapshot(live_server)
    assert snap_compare(app, terminal_size=(80, 24), run_before=queue_open)


def test_desk_item_snapshot(
    snap_compare: SnapCompare, live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    """The change of holder the agent holds, with the document the utility asked for."""

    async def item_open(pilot: Pilot[None]) -> None:
        queue = await _queue_open(pilot)
        table = queue.query_one("#queue", DataTable)
        while table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value != (
            "RQ000000006"
        ):
            await pilot.press("down")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, DeskItemScreen))
        await pilot.pause()

    app = ready_agent_app_for_snapshot(live_server)
    assert snap_compare(app, terminal_size=(80, 24), run_before=item_open)
