"""Driving the tariffs screen (`g t`) in the app: for tests/tui/test_tui_tariffs.py and the
tariffs snapshots."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable

from selfcare_tui.screens.tariffs import TariffsScreen

from .tui_helpers import overview_shown, text_of, wait_for


def loaded(pilot: Pilot[None], place_id: str | None = None) -> bool:
    screen = pilot.app.screen
    if not isinstance(screen, TariffsScreen) or not screen.query("#products"):
        return False
    if screen.query_one("#body").loading or screen.query_one("#place-detail").loading:
        return False
    if place_id is not None and place_id not in text_of(pilot, "#place-line"):
        return False
    return screen.query_one("#products", DataTable).row_count > 0


async def open_tariffs(pilot: Pilot[None]) -> None:
    await overview_shown(pilot)
    await pilot.press("g", "t")
    await wait_for(pilot, lambda: loaded(pilot))
