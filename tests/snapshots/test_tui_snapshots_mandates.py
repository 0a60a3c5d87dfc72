"""Snapshots of the mandates section (maria's flat: jaan's mandate) and of the form giving a
new one, refused beside the field; 80x24, frozen server clock, the app's own theme."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import overview_shown, ready_app_for_snapshot, text_of, wait_for
from ..tui.test_tui_mandates import mandates_loaded

SnapCompare = Callable[..., bool]


def test_mandates_snapshot(
    snap_compare: SnapCompare, live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async def mandates_open(pilot: Pilot[None]) -> None:
        await overview_shown(pilot)
        await pilot.press("g", "a")
        await wait_for(pilot, lambda: mandates_loaded(pilot))

    app = ready_app_for_snapshot(live_server.base_url)
    assert snap_compare(app, terminal_size=(80, 24), run_before=mandates_open)


def test_mandate_form_snapshot(
    snap_compare: SnapCompare, live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async def refused(pilot: Pilot[None]) -> None:
        await overview_shown(pilot)
        await pilot.press("g", "a")
        await wait_for(pilot, lambda: mandates_loaded(pilot))
        await pilot.press("n", *"agent", "tab", "tab", "space", "tab", "tab", "tab", *"2027-06-30")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: text_of(pilot, "#delegate_username-error") != "")

    app = ready_app_for_snapshot(live_server.base_url)
    assert snap_compare(app, terminal_size=(80, 24), run_before=refused)
