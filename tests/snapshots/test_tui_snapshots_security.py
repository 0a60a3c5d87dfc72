"""A snapshot of the Security dialog (the login's sessions, the password form with a refusal
beside its field); 80x24, frozen server clock, the app's own theme."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import ready_app_for_snapshot, text_of, wait_for
from ..tui.test_tui_security import open_security, type_into

SnapCompare = Callable[..., bool]


def test_security_snapshot(
    snap_compare: SnapCompare, live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async def refused(pilot: Pilot[None]) -> None:
        await open_security(pilot, 1)
        await type_into(pilot, "current_password", "maria-demo")
        await type_into(pilot, "new_password", "too short")
        await type_into(pilot, "again", "too short")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: text_of(pilot, "#new_password-error") != "")

    app = ready_app_for_snapshot(live_server.base_url)
    assert snap_compare(app, terminal_size=(80, 24), run_before=refused)
