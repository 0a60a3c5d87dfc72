"""Snapshots of the tariffs screen: the calculator's packages for the flat, 80x24 and 120x40.

Deterministic as the other snapshots: frozen server clock, times in UTC, the app's own theme.
(Moved here from tests/tui/test_tui_tariffs.py, which checks the same screen's figures.)
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import ready_app_for_snapshot
from ..support.tui_tariffs import open_tariffs

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
SnapCompare = Callable[..., bool]


@pytest.mark.parametrize("size", SIZES)
def test_tariffs_snapshot(
    snap_compare: SnapCompare,
    live_server: LiveServer,
    memory_keyring: MemoryKeyring,
    size: tuple[int, int],
) -> None:
    async def opened(pilot: Pilot[None]) -> None:
        await open_tariffs(pilot)

    app = ready_app_for_snapshot(live_server.base_url)
    assert snap_compare(app, terminal_size=size, run_before=opened)
