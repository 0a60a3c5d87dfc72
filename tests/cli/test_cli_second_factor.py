"""`selfcare mfa enable|disable|recovery-codes` in process against the real server, as a
script without a terminal runs them: the secret first, the code from stdin after."""

from __future__ import annotations

import datetime as dt

import pyotp

from ..support.cli import Cli
from ..support.cli_results import as_json
from ..support.live_server import LiveServer


def _code(server: LiveServer, secret: str) -> str:
    server.clock.frozen = server.clock.now() + dt.timedelta(seconds=30)  # a code is taken once
    return pyotp.TOTP(secret).at(server.clock.now())


def test_enable_new_recovery_codes_and_disable(cli: Cli, live_server: LiveServer) -> None:
    cli.login("maria")
    started = cli("mfa", "enable", "--json")
    assert started.returncode == 0, started.stderr
    secret = as_json(started)["secret"]
    assert "Then finish with: selfcare mfa enable --code-stdin" in started.stderr
    human = cli("mfa", "enable")  # a new secret replaces the one not yet confirmed
    assert "Secret (to type into the app instead): " in human.stdout
    assert "▀" in human.stdout or "▄" in human.stdout  # the QR code, drawn in text
    secret = human.stdout.split("instead): ")[1].split()[0]
    bad = cli("mfa", "enable", "--code-stdin", input="12345\n")
    assert bad.returncode == 2 and "6 digits" in bad.stderr
    on = cli("mfa", "enable", "--code-stdin", "--json", input=f"{_code(live_server, secret)}\n")
    assert on.returncode == 0, on.stderr
    codes = as_json(on)["recovery_codes"]
    assert len(codes) == 10 and "every login now asks for a code" in on.stderr
    wrong = cli("mfa", "recovery-codes", "--code-stdin", input="000000\n")
    assert wrong.returncode == 5 and "invalid_code" in wrong.stderr
    renewed = cli("mfa", "recovery-codes", "--code-stdin", input=f"{_code(live_server, secret)}\n")
    assert renewed.returncode == 0, renewed.stderr
    new = [line.strip() for line in renewed.stdout.splitlines() if line.strip()]
    assert len(new) == 10 and not set(new) & set(codes)
    assert "They are not shown again." in renewed.stderr
    old = cli("mfa", "disable", "--password-stdin", input=f"maria-demo\n{codes[0]}\n")
    assert old.returncode == 5 and "invalid_code" in old.stderr  # replaced codes are dead
    off = cli("mfa", "disable", "--password-stdin", input=f"maria-demo\n{new[0]}\n")
    assert off.returncode == 0, off.stderr
    assert "logins ask for the password alone" in off.stderr
    no_terminal = cli("mfa", "disable", input="")
    assert no_terminal.returncode == 2 and "--password-stdin" in no_terminal.stderr
