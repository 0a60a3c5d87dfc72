"""Snapshots of the login screen's two dialogs: creating an account (a refusal beside its
field) and forgot password; 80x24, no server needed (the default one is named, no port of a
test server)."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from selfcare_tui.app import SelfcareApp
from selfcare_tui.screens.login import LoginScreen
from selfcare_tui.screens.password_reset import PasswordResetDialog
from selfcare_tui.screens.sign_up import SignUpDialog

from ..support.keyring_backends import MemoryKeyring
from ..support.tui_helpers import wait_for

SnapCompare = Callable[..., bool]


def test_sign_up_snapshot(snap_compare: SnapCompare, memory_keyring: MemoryKeyring) -> None:
    async def refused(pilot: Pilot[None]) -> None:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, LoginScreen))
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, SignUpDialog))
        for value in ("ilona", "ilona@example.org", "a long passphrase", "a long passphrase!"):
            await pilot.press(*value, "enter")

    assert snap_compare(SelfcareApp(), terminal_size=(80, 24), run_before=refused)


def test_forgot_password_snapshot(snap_compare: SnapCompare, memory_keyring: MemoryKeyring) -> None:
    async def opened(pilot: Pilot[None]) -> None:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, LoginScreen))
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PasswordResetDialog))
        await pilot.press(*"ilona@example.org")

    assert snap_compare(SelfcareApp(), terminal_size=(80, 24), run_before=opened)
