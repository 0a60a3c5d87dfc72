"""`selfcare login`, `logout`, `status` and `auth token` as a user runs them: subprocesses."""

from __future__ import annotations

import json
import tomllib

import pyotp
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from selfcare_tui.server import tables
from selfcare_tui.server.demo import AGENT_TOTP_SECRET, FLAT_ACCOUNT

from ..support.cli import Cli
from ..support.live_server import NOW, LiveServer


def test_login_keeps_a_refresh_token_in_the_keyring_and_the_profile_in_toml(
    cli_process: Cli,
) -> None:
    cli = cli_process  # a subprocess smoke test: the real entry point and keyring loading
    result = cli(
        "login", "--server", cli.server, "-u", "maria", "--password-stdin", input="maria-demo\n"
    )
    assert result.returncode == 0, result.stderr
    assert "Logged in" in result.stderr and result.stdout == ""
    service = f"selfcare-tui {cli.server}"
    assert list(cli.keyring) == [f"{service}\0maria"]
    assert "maria-demo" not in cli.keyring.values()  # a token, never the password
    config = tomllib.loads((cli.home / "config" / "selfcare-tui" / "config.toml").read_text())
    assert config["profiles"]["default"] == {"server": cli.server, "username": "maria"}
    assert "maria-demo" not in json.dumps(config)


def test_status_shows_who_what_and_what_is_due(cli: Cli) -> None:
    cli.login()
    result = cli("status")
    assert result.returncode == 0, result.stderr
    assert "Maria" in result.stdout and FLAT_ACCOUNT in result.stdout
    assert "opens on 30 Nov 2026" in result.stdout  # the window opens on the month's last day
    assert "no reading of EMH000000001 in the last one (to 3 Nov 2026)" in result.stdout
    data = json.loads(cli("status", "--json").stdout)
    assert data["user"]["username"] == "maria"
    assert data["account"]["number"] == FLAT_ACCOUNT
    assert data["reading_window"] == {
        "is_open": False,
        "opens_on": "2026-11-30",
        "closes_on": "2026-12-03",
        "last_opened_on": "2026-10-31",
        "last_closed_on": "2026-11-03",
        "missed_meters": ["EMH000000001"],
    }
    assert [i["status"] for i in data["open_invoices"]] == ["open"]


def test_every_command_refreshes_and_rotates_the_stored_token(cli: Cli) -> None:
    cli.login()
    before = dict(cli.keyring)
    assert cli("status").returncode == 0
    assert cli.keyring.keys() == before.keys() and cli.keyring != before


def test_logout_revokes_on_the_server_and_forgets_the_token(cli: Cli) -> None:
    cli.login()
    stored = next(iter(cli.keyring.values()))
    assert cli("logout").returncode == 0
    assert cli.keyring == {}
    again = cli("status")
    assert again.returncode == 3
    assert "selfcare login" in again.stderr and "SELFCARE_TOKEN" in again.stderr
    # The revoked token is dead on the server too, not only forgotten here.
    (cli.home / "keyring.json").write_text(
        json.dumps({f"selfcare-tui {cli.server}\0maria": stored})
    )
    revoked = cli("status")
    assert revoked.returncode == 3 and "Log in again" in revoked.stderr


def test_wrong_password_exits_3_without_traceback(cli: Cli) -> None:
    result = cli("login", "--server", cli.server, "-u", "maria", "--password-stdin", input="x\n")
    assert result.returncode == 3
    assert "Wrong username or password" in result.stderr
    assert "Traceback" not in result.stderr
    assert cli.keyring == {}


def test_no_prompt_without_a_terminal(cli: Cli) -> None:
    result = cli("login", "--server", cli.server, "-u", "maria", input="")
    assert result.returncode == 3
    assert "not a terminal" in result.stderr and "SELFCARE_TOKEN" in result.stderr
    status = cli("status", input="")
    assert status.returncode == 3


def test_second_factor_code_on_the_next_line(cli: Cli) -> None:
    code = pyotp.TOTP(AGENT_TOTP_SECRET).at(NOW)
    result = cli(
        "login",
        "--server",
        cli.server,
        "-u",
        "agent",
        "--password-stdin",
        input=f"agent-demo\n{code}\n",
    )
    assert result.returncode == 0, result.stderr
    me = json.loads(cli("status", "--json").stdout)["user"]
    assert me["role"] == "agent"


def test_api_token_runs_a_script_without_keyring(cli_process: Cli) -> None:
    cli = cli_process  # a subprocess smoke test: the real entry point and keyring loading
    cli.login()
    created = cli("auth", "token", "create", "--name", "cron")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    env = {
        "SELFCARE_TOKEN": token,
        "SELFCARE_SERVER": cli.server,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    result = cli("status", "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["user"]["username"] == "maria"
    assert token not in result.stderr + result.stdout
    listed = json.loads(cli("auth", "token", "list", "--json").stdout)
    assert [t["name"] for t in listed] == ["cron"] and "token" not in listed[0]
    assert cli("auth", "token", "revoke", listed[0]["id"]).returncode == 0
    assert cli("status", env=env).returncode == 3


def test_no_keyring_is_explained_and_nothing_is_written(cli: Cli) -> None:
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    result = cli(
        "login",
        "--server",
        cli.server,
        "-u",
        "maria",
        "--password-stdin",
        input="maria-demo\n",
        env=env,
    )
    assert result.returncode == 3
    assert "No OS keyring" in result.stderr
    assert "SELFCARE_TOKEN" in result.stderr and "keyring backend" in result.stderr
    assert not any(p.is_file() for p in cli.home.rglob("*"))  # no keyring file, no profile


def test_profiles_keep_logins_apart(cli: Cli) -> None:
    cli.login("maria")
    result = cli(
        "--profile",
        "business",
        "login",
        "--server",
        cli.server,
        "-u",
        "acme",
        "--password-stdin",
        input="acme-demo\n",
    )
    assert result.returncode == 0, result.stderr
    maria = json.loads(cli("status", "--json").stdout)["user"]["username"]
    acme = json.loads(cli("status", "--json", env={"SELFCARE_PROFILE": "business"}).stdout)
    assert (maria, acme["user"]["username"]) == ("maria", "acme")


def test_debug_shows_the_traceback_that_is_otherwise_hidden(cli: Cli) -> None:
    plain = cli("status")
    debug = cli("--debug", "status")
    assert plain.returncode == debug.returncode == 3
    assert "Traceback" not in plain.stderr
    assert "Traceback (most recent call last)" in debug.stderr
    assert "NotLoggedIn" in debug.stderr and "Not logged in" in debug.stderr


def test_a_first_token_without_a_keyring_logs_in_for_that_call_only(cli: Cli) -> None:
    """An SSH host with no keyring: `login` cannot keep anything, `auth token create -u` can
    still make the token scripts and the app then use, and stores nothing itself."""
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    refused = cli("login", "--server", cli.server, "-u", "maria", env=env)
    assert (
        refused.returncode == 3 and "auth token create --name NAME --server URL" in refused.stderr
    )

    result = cli(
        "auth", "token", "create", "--name", "ssh-host", "--server", cli.server, "-u", "maria",
        "--password-stdin", input="maria-demo\n", env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert len(token) > 20 and "Keep it like a password" in result.stderr
    assert not any(p.is_file() for p in cli.home.rglob("*"))  # no keyring file, no profile

    scripted = {**env, "SELFCARE_TOKEN": token, "SELFCARE_SERVER": cli.server}
    listed = cli("accounts", "list", "--json", env=scripted)
    assert listed.returncode == 0, listed.stderr
    assert FLAT_ACCOUNT in listed.stdout
    assert [
        t["name"] for t in json.loads(cli("auth", "token", "list", "--json", env=scripted).stdout)
    ] == ["ssh-host"]


def test_the_one_call_login_answers_the_second_factor_and_ends(
    cli: Cli, live_server: LiveServer
) -> None:
    code = pyotp.TOTP(AGENT_TOTP_SECRET).at(NOW)
    result = cli(
        "auth", "token", "create", "--name", "desk", "--server", cli.server, "-u", "agent",
        "--password-stdin", "--json", input=f"agent-demo\n{code}\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    assert created["name"] == "desk" and created["token"]
    # The password login was logged out again: only the API token is live.
    with Session(create_engine(f"sqlite:///{live_server.database}")) as db:
        live = db.scalars(
            select(tables.Token.kind)
            .join(tables.User)
            .where(tables.User.username == "agent", tables.Token.revoked_at.is_(None))
        ).all()
    assert live == ["api"]


def test_server_without_username_is_a_usage_error(cli: Cli) -> None:
    result = cli("auth", "token", "create", "--name", "x", "--server", cli.server)
    assert result.returncode == 2
    assert "--server and --password-stdin go with --username" in result.stderr
