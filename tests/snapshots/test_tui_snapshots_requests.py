"""Snapshots at 80x24 of the requests section, a new request's form and a request's history.

Deterministic as the other snapshots: frozen server clock, times in UTC, the app's own theme,
and nothing that shows a temporary path or the test server's port.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import OptionList

from selfcare_tui.screens.request_detail import RequestDetailScreen
from selfcare_tui.screens.request_form import RequestFormScreen
from selfcare_tui.screens.requests import RequestsScreen

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import overview_shown, ready_app_for_snapshot, wait_for

SnapCompare = Callable[..., bool]
FLAT, BUSINESS = "1000000001", "2000000001"


async def _requests_open(pilot: Pilot[None], account: str) -> None:
    """In the ready app, go to requests (of `account`)."""
    await overview_shown(pilot)
    await pilot.press("g", "q")

    def loaded() -> bool:
        screen = pilot.app.screen
        return (
            isinstance(screen, RequestsScreen)
            and screen.shown_for == account
            and not screen.query_one("#body").loading
        )

    await wait_for(pilot, loaded)


async def _highlight(pilot: Pilot[None], options: OptionList, option_id: str) -> None:
    for _ in range(options.option_count):
        if options.highlighted_option is not None and options.highlighted_option.id == option_id:
            return
        await pilot.press("down")
    raise AssertionError(f"{option_id} is not in the list")


def test_requests_snapshot(
    snap_compare: SnapCompare, live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async def requests_open(pilot: Pilot[None]) -> None:
        await _requests_open(pilot, BUSINESS)
        await _highlight(pilot, pilot.app.screen.query_one("#types", OptionList), "grid_connection")

    app = ready_app_for_snapshot(live_server.base_url, "acme")
    assert snap_compare(app, terminal_size=(80, 24), run_before=requests_open)


def test_request_form_snapshot(
    snap_compare: SnapCompare, live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async def form_open(pilot: Pilot[None]) -> None:
        await _requests_open(pilot, FLAT)
        await _highlight(pilot, pilot.app.screen.query_one("#types", OptionList), "general")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, RequestFormScreen))
        await pilot.press(*"Invoices by post")

    app = ready_app_for_snapshot(live_server.base_url)
    assert snap_compare(app, terminal_size=(80, 24), run_before=form_open)


def test_request_detail_snapshot(
    snap_compare: SnapCompare, live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async def detail_open(pilot: Pilot[None]) -> None:
        await _requests_open(pilot, BUSINESS)
        await pilot.press("l")
        await _highlight(pilot, pilot.app.screen.query_one("#requests", OptionList), "RQ000000001")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, RequestDetailScreen))

    app = ready_app_for_snapshot(live_server.base_url, "acme")
    assert snap_compare(app, terminal_size=(80, 24), run_before=detail_open)
