"""Snapshots in Romanian and Ukrainian at 80x24: the overview, the invoices and the go-to menu,
where longer labels and Cyrillic text must still fit (footers, tables, the menu's columns).

Deterministic as the English ones: the frozen clock and the seeded demo data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from textual.pilot import Pilot

from selfcare_tui import i18n
from selfcare_tui.screens.goto import GoToMenu

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import (
    invoices_loaded,
    overview_shown,
    ready_app_for_snapshot,
    wait_for,
)

SnapCompare = Callable[..., bool]
LANGUAGES = ["ro", "uk"]


@pytest.fixture(params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    i18n.choose_language(request.param)
    yield request.param
    i18n.choose_language(None)


async def overview(pilot: Pilot[None]) -> None:
    await overview_shown(pilot)


async def invoices(pilot: Pilot[None]) -> None:
    await overview_shown(pilot)
    await pilot.press("g", "i")

    await wait_for(pilot, lambda: invoices_loaded(pilot))


async def go_to_menu(pilot: Pilot[None]) -> None:
    await overview_shown(pilot)
    await pilot.press("g")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, GoToMenu))


@pytest.mark.parametrize(
    "shown",
    [
        pytest.param(overview, id="overview"),
        pytest.param(invoices, id="invoices"),
        pytest.param(go_to_menu, id="go_to_menu"),
    ],
)
def test_screens_in_the_language_fit_80x24(
    snap_compare: SnapCompare,
    live_server: LiveServer,
    memory_keyring: MemoryKeyring,
    language: str,
    shown: Callable[[Pilot[None]], object],
) -> None:
    app = ready_app_for_snapshot(live_server.base_url)
    assert snap_compare(app, terminal_size=(80, 24), run_before=shown)
