"""Snapshot of the invoices screen at 80x24: maria's flat, the current invoice marked.

Deterministic: the server's clock is frozen (NOW, tests/support/live_server.py) and the demo
data is seeded, so the list, its dates and amounts are the same on every run.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import (
    invoices_loaded,
    overview_shown,
    ready_app_for_snapshot,
    wait_for,
)

SnapCompare = Callable[..., bool]


def test_invoices_snapshot(
    snap_compare: SnapCompare, live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async def invoices_open(pilot: Pilot[None]) -> None:
        await overview_shown(pilot)
        await pilot.press("g", "i")

        await wait_for(pilot, lambda: invoices_loaded(pilot))

    app = ready_app_for_snapshot(live_server.base_url)
    assert snap_compare(app, terminal_size=(80, 24), run_before=invoices_open)
