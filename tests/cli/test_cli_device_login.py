"""`selfcare login --device` as a subprocess against the real server: it shows the code and
the address, waits, and keeps the login once it is allowed on the approval page."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time

from ..support.cli import Cli
from ..support.device_page import approve
from ..support.live_server import LiveServer


def test_login_by_another_device(cli: Cli, live_server: LiveServer) -> None:
    live_server.settings.device_poll_interval = 1
    process = subprocess.Popen(
        [sys.executable, "-m", "selfcare_tui", "login", "--device", "--server", cli.server],
        env=cli.env,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    seen = ""
    deadline = time.monotonic() + 30
    while "Waiting for you" not in seen and time.monotonic() < deadline:
        seen += process.stderr.readline()
    found = re.search(r"open (\S+) and type the code ([A-Z]{4}-[A-Z]{4})", seen)
    assert found is not None, seen
    assert found.group(1) == f"{cli.server}/device"
    assert "▀" in seen or "▄" in seen  # the QR code of the page, for a phone
    asyncio.run(approve(cli.server, found.group(2), "maria", "maria-demo"))
    _out, rest = process.communicate(timeout=30)
    assert process.returncode == 0, seen + rest
    assert f"Logged in to {cli.server} as Maria Tamm (maria)." in rest
    assert len(cli.keyring) == 1  # the refresh token, as a password login keeps it
    assert cli("accounts", "list").returncode == 0
