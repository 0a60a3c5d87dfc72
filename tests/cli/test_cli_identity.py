"""`selfcare sessions` and `selfcare password change` in process, against the real server."""

from __future__ import annotations

import httpx

from ..support.cli import Cli
from ..support.cli_results import as_json
from ..support.live_server import LiveServer


def test_sessions_list_and_end(cli: Cli, live_server: LiveServer) -> None:
    cli.login("maria")
    api = f"{live_server.base_url}/api/v1"
    laptop = httpx.post(f"{api}/auth/token", json={"username": "maria", "password": "maria-demo"})
    bearer = {"Authorization": f"Bearer {laptop.json()['access_token']}"}
    assert httpx.get(f"{api}/me", headers=bearer).status_code == 200
    listed = as_json(cli("sessions", "list", "--json"))
    assert len(listed) == 2 and [s["current"] for s in listed].count(True) == 1
    (other,) = [s for s in listed if not s["current"]]
    assert other["client_name"].startswith("python-httpx/")
    human = cli("sessions", "list").stdout
    assert "this one" in human and "127.0.0.1" in human and "selfcare-tui/" in human
    ended = cli("sessions", "end", other["id"])
    assert ended.returncode == 0 and f"Session {other['id']} ended." in ended.stderr
    assert httpx.get(f"{api}/me", headers=bearer).status_code == 401  # logged out at once
    assert [s["current"] for s in as_json(cli("sessions", "list", "--json"))] == [True]
    unknown = cli("sessions", "end", "NO-SUCH")
    assert unknown.returncode == 4 and unknown.stderr == "Error: No such session.\n"


def test_password_change_from_stdin(cli: Cli, live_server: LiveServer) -> None:
    cli.login("maria")
    weak = cli("password", "change", "--password-stdin", input="maria-demo\nqwerty123456\n")
    assert weak.returncode == 5
    assert weak.stderr.startswith("Error: weak_password: Choose another new password.\n")
    assert "new_password: This password is among those tried first" in weak.stderr
    wrong = cli("password", "change", "--password-stdin", input="nope\nmy new long passphrase\n")
    assert wrong.returncode == 5 and "current_password: Not your current password." in wrong.stderr
    changed = cli(
        "password", "change", "--password-stdin", input="maria-demo\nmy new long passphrase\n"
    )
    assert changed.returncode == 0, changed.stderr
    assert "Your other sessions have ended; this one goes on." in changed.stderr
    assert cli("accounts", "list").returncode == 0
    login = {"username": "maria", "password": "my new long passphrase"}
    assert httpx.post(f"{live_server.base_url}/api/v1/auth/token", json=login).status_code == 200
    one_line = cli("password", "change", "--password-stdin", input="only-one\n")
    assert one_line.returncode == 3 and "two lines" in one_line.stderr
    no_terminal = cli("password", "change", input="")
    assert no_terminal.returncode == 3 and "--password-stdin" in no_terminal.stderr
