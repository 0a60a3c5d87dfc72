"""Snapshots of the readings screen: open and closed window, refusals, the confirm dialog.

Deterministic: the server's clock is frozen (the open window on `window_server`), and the
reading date, which the form prefills with the real today, is typed over first.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from selfcare_tui.screens.confirm_reading import ConfirmReadingDialog
from selfcare_tui.widgets.readings.meter_form import MeterForm

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import ready_app_for_snapshot, wait_for
from ..support.tui_readings import OUTSIDE_DAY, WINDOW_DAY, open_readings, type_into

SnapCompare = Callable[..., bool]


def the_form(pilot: Pilot[None]) -> MeterForm:
    (form,) = pilot.app.screen.query(MeterForm)
    return form


async def readings_on(pilot: Pilot[None], day: str) -> MeterForm:
    await open_readings(pilot)
    form = the_form(pilot)
    await type_into(pilot, f"#date-{form.info.meter.id}", day)
    return form


@pytest.mark.parametrize(
    "size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
)
def test_open_window_snapshot(
    snap_compare: SnapCompare,
    window_server: LiveServer,
    memory_keyring: MemoryKeyring,
    size: tuple[int, int],
) -> None:
    async def ready(pilot: Pilot[None]) -> None:
        form = await readings_on(pilot, WINDOW_DAY)
        form.query_one(f"#value-{form.info.meter.registers[0].id}").focus()
        await pilot.pause()

    app = ready_app_for_snapshot(window_server.base_url)
    assert snap_compare(app, terminal_size=size, run_before=ready)


def test_closed_window_with_refusals_snapshot(
    snap_compare: SnapCompare, live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async def refused(pilot: Pilot[None]) -> None:
        form = await readings_on(pilot, OUTSIDE_DAY)
        day, night = form.info.meter.registers
        await type_into(pilot, f"#value-{day.id}", "123.45")
        await type_into(pilot, f"#value-{night.id}", "1")
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: "night" in str(form.query_one(f"#message-{night.id}", Static).content)
        )
        await pilot.pause()

    app = ready_app_for_snapshot(live_server.base_url)
    assert snap_compare(app, terminal_size=(120, 40), run_before=refused)


def test_implausible_dialog_snapshot(
    snap_compare: SnapCompare, window_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async def asked(pilot: Pilot[None]) -> None:
        form = await readings_on(pilot, WINDOW_DAY)
        day, _night = form.info.meter.registers
        last = form.info.last_actual[day.id]
        assert last is not None
        await type_into(pilot, f"#value-{day.id}", f"{last.value + 2440:.1f}")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmReadingDialog))
        await pilot.pause()

    app = ready_app_for_snapshot(window_server.base_url)
    assert snap_compare(app, terminal_size=(80, 24), run_before=asked)
