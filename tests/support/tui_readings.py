"""Driving the readings screen (`g r`) in the app: for tests/tui/test_tui_readings.py and the
readings snapshots. The window is open on `window_server` (tests/conftest.py), on WINDOW_DAY;
the demo's own day is outside it."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from selfcare_tui.screens.readings import ReadingsScreen
from selfcare_tui.server.demo import FLAT_ACCOUNT
from selfcare_tui.widgets.readings.meter_form import MeterForm

from .tui_helpers import overview_shown, wait_for

WINDOW_DAY = "2026-11-30"
"""The first day of the reading window: `window_server`'s day (IN_WINDOW)."""
OUTSIDE_DAY = "2026-11-25"
"""The demo's NOW: the window is closed, and opens on the 30th."""


def forms_shown(pilot: Pilot[None], number: str = FLAT_ACCOUNT) -> bool:
    screen = pilot.app.screen
    if not isinstance(screen, ReadingsScreen) or screen.query_one("#body").loading:
        return False
    forms = list(screen.query(MeterForm))
    return bool(forms) and all(f.number == number and f.is_mounted for f in forms)


def field(pilot: Pilot[None], selector: str) -> Input:
    return pilot.app.screen.query_one(selector, Input)


async def open_readings(pilot: Pilot[None]) -> None:
    """In the ready app, go to the section with its keys, as a user would."""
    await overview_shown(pilot)
    await pilot.press("g", "r")
    await wait_for(pilot, lambda: forms_shown(pilot))
    await pilot.pause()


async def type_into(pilot: Pilot[None], selector: str, text: str) -> None:
    """Move to the field (its text is selected, as on tab) and type over it."""
    field(pilot, selector).focus()
    await pilot.pause()
    await pilot.press(*text)
