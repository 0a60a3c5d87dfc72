"""The login kept in a real OS keyring, and no keyring at all where none is safe.

The other CLI tests keep the refresh token in a test-only keyring
(tests/support/keyring_backends.py). Here `selfcare login`, `status` and `logout` run against
gnome-keyring's Secret Service on a private D-Bus session bus
(tests/support/secret_service_driver.py under dbus-run-session), and the keyring's file on
disk is checked to hold neither the password nor a token in the clear.
scripts/ensure-secret-service.sh installs gnome-keyring and D-Bus where they are missing (as
root, with apt-get); where it cannot, that test skips and says why.

The other tests need no D-Bus: with a placeholder keyring, or keyrings.alt's plain-text files
(the real package if it is importable, else the stand-in in tests/support/fake_keyrings_alt),
chosen by name or found by keyring's own detection, `selfcare login` must refuse, explain the
two ways out, and leave no file behind.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from selfcare_tui.server import tables
from selfcare_tui.server.demo import FLAT_ACCOUNT

from ..support.cli import REPO, Cli, cli_environment
from ..support.live_server import LiveServer

# One worker runs them all (pytest -n, --dist loadgroup): one D-Bus session and keyring daemon.
pytestmark = pytest.mark.xdist_group("secret-service")

SCRIPT = REPO / "scripts" / "ensure-secret-service.sh"
SUPPORT = Path(__file__).parents[1] / "support"
DRIVER = SUPPORT / "secret_service_driver.py"
FAKE_KEYRINGS_ALT = SUPPORT / "fake_keyrings_alt"
CANNOT_INSTALL = 77
"""The script's exit status when gnome-keyring or D-Bus is missing and cannot be installed."""
SECRET_SERVICE = "keyring.backends.SecretService.Keyring"
PASSWORD = "maria-demo"


def _tools_present() -> bool:
    return all(shutil.which(tool) for tool in ("dbus-run-session", "gnome-keyring-daemon"))


# Installing gnome-keyring (apt-get, once per machine) may take longer than the usual 120 s.
INSTALL_TIMEOUT = 120 if _tools_present() else 900


def _keyrings_alt_installed() -> bool:
    try:
        return importlib.util.find_spec("keyrings.alt") is not None
    except ModuleNotFoundError:
        return False


def with_keyrings_alt(env: dict[str, str]) -> dict[str, str]:
    """`env` where keyrings.alt is importable and registered: as installed, else the stand-in."""
    if _keyrings_alt_installed():
        return env
    return {**env, "PYTHONPATH": os.pathsep.join([str(FAKE_KEYRINGS_ALT), env["PYTHONPATH"]])}


def live_refresh_tokens(server: LiveServer, username: str) -> tuple[int, int]:
    """How many refresh tokens the server issued to `username`, and how many are unrevoked."""
    engine = create_engine(f"sqlite:///{server.database}")
    try:
        with Session(engine) as db:
            tokens = db.scalars(
                select(tables.Token)
                .join(tables.User)
                .where(tables.User.username == username, tables.Token.kind == "refresh")
            ).all()
            return len(tokens), sum(t.revoked_at is None for t in tokens)
    finally:
        engine.dispose()


def selfcare(*args: str) -> list[str]:
    return [sys.executable, "-m", "selfcare_tui", *args]


def ensure_secret_service() -> str:
    """Install gnome-keyring and D-Bus if missing; skip, with the script's reason, if it can't.

    Returns the path of dbus-run-session.
    """
    bash = shutil.which("bash") or "/bin/bash"
    result = subprocess.run(
        [bash, str(SCRIPT)], capture_output=True, text=True, timeout=900, check=False
    )
    if result.returncode == CANNOT_INSTALL:
        pytest.skip(f"no Secret Service to test against: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    dbus_run_session = shutil.which("dbus-run-session")
    assert dbus_run_session, "ensure-secret-service.sh succeeded, yet no dbus-run-session"
    return dbus_run_session


@pytest.mark.timeout(INSTALL_TIMEOUT)
def test_login_status_logout_through_gnome_keyring(live_server: LiveServer, tmp_path: Path) -> None:
    dbus_run_session = ensure_secret_service()
    home = tmp_path / "home"
    home.mkdir()
    base = cli_environment(home)
    base.pop("DBUS_SESSION_BUS_ADDRESS", None)
    explicit = {**base, "PYTHON_KEYRING_BACKEND": SECRET_SERVICE}
    # keyring's own choice, with keyrings.alt's plain-text file keyrings there to be chosen too.
    detected = with_keyrings_alt({k: v for k, v in base.items() if k != "PYTHON_KEYRING_BACKEND"})
    server = live_server.base_url
    login = ["login", "--server", server, "-u", "maria", "--password-stdin"]
    plan = {
        "home": str(home),
        "keyring_password": secrets.token_urlsafe(16),
        "needles": {"password": PASSWORD},
        "steps": [
            {"name": "login", "argv": selfcare(*login), "input": f"{PASSWORD}\n", "env": explicit},
            {"name": "status", "argv": selfcare("status", "--json"), "env": explicit},
            {"name": "detected", "argv": selfcare("status", "--json"), "env": detected},
            {"name": "logout", "argv": selfcare("logout"), "env": explicit},
            {"name": "after", "argv": selfcare("status"), "env": explicit},
            # Locked, with no screen to ask for its password on: refused, like no keyring.
            {
                "name": "locked",
                "argv": selfcare(*login),
                "input": f"{PASSWORD}\n",
                "env": explicit,
                "lock": True,
            },
        ],
    }
    # A short path of its own: gnome-keyring's control socket goes in XDG_RUNTIME_DIR, and a
    # socket's path may not be longer than 107 bytes.
    runtime = Path(tempfile.mkdtemp(prefix="selfcare-xdg-"))
    try:
        run = subprocess.run(
            [dbus_run_session, "--", sys.executable, str(DRIVER)],
            input=json.dumps(plan),
            capture_output=True,
            text=True,
            env={**base, "XDG_RUNTIME_DIR": str(runtime)},
            timeout=120,
            check=False,
        )
    finally:
        shutil.rmtree(runtime, ignore_errors=True)
    assert run.returncode == 0, run.stderr
    steps: dict[str, dict[str, Any]] = {s["name"]: s for s in json.loads(run.stdout)["steps"]}
    for name, step in steps.items():
        assert "Traceback" not in step["stderr"], (name, step["stderr"])
        # Neither the password nor any token that was ever in the keyring is in a file.
        assert step["leaks"] == [], (name, step["leaks"])
        assert not any("python_keyring" in f for f in step["files"]), (name, step["files"])

    service = f"selfcare-tui {server}"
    attributes = {"service": service, "username": "maria", "application": "Python keyring library"}

    def token_after(name: str) -> str:
        """The one refresh token in the keyring after a step, in the unlocked login keyring."""
        step = steps[name]
        assert step["returncode"] == 0, (name, step["stderr"])
        [item] = step["items"]
        assert attributes.items() <= item["attributes"].items()  # and gnome-keyring's xdg:schema
        assert item["collection_path"] == "/org/freedesktop/secrets/collection/login"
        assert not item["locked"]
        assert item["label"] == f"Password for 'maria' on '{service}'"
        secret: str = item["secret"]
        assert secret and PASSWORD not in secret
        return secret

    first = token_after("login")
    assert "Logged in" in steps["login"]["stderr"]
    # The token went to disk at once, encrypted: gnome-keyring's file grew with it (and it is
    # checked above to hold no token in the clear), and shrank again at logout.
    keyring_file = "data/keyrings/login.keyring"
    assert steps["login"]["files"][keyring_file] > steps["logout"]["files"][keyring_file] > 0
    # `status` read the token back out (it worked), and stored the one it was rotated to.
    second = token_after("status")
    status = json.loads(steps["status"]["stdout"])
    assert status["user"]["username"] == "maria" and status["account"]["number"] == FLAT_ACCOUNT
    assert second != first
    # Without PYTHON_KEYRING_BACKEND, keyring finds gnome-keyring by itself and keeps the
    # token there, not in keyrings.alt's plain file (no python_keyring folder, checked above).
    third = token_after("detected")
    assert json.loads(steps["detected"]["stdout"])["user"]["username"] == "maria"
    assert third != second
    # `logout` deleted it from the keyring and revoked it on the server.
    assert steps["logout"]["returncode"] == 0, steps["logout"]["stderr"]
    assert "Logged out" in steps["logout"]["stderr"]
    assert steps["logout"]["items"] == []
    assert steps["after"]["returncode"] == 3
    assert "selfcare login" in steps["after"]["stderr"]
    locked = steps["locked"]
    assert locked["returncode"] == 3, locked["stderr"]
    assert "No OS keyring" in locked["stderr"] and "SELFCARE_TOKEN" in locked["stderr"]
    assert locked["items"] == [] and locked["files"] == steps["after"]["files"]
    # Every refresh token the server issued (login, two rotations, the refused login) is dead.
    issued, live = live_refresh_tokens(live_server, "maria")
    assert issued == 4 and live == 0


def _no_secret_service(env: dict[str, str]) -> dict[str, str]:
    return {
        k: v
        for k, v in env.items()
        if k not in ("PYTHON_KEYRING_BACKEND", "DBUS_SESSION_BUS_ADDRESS")
    }


UNSAFE_BACKENDS: dict[str, Callable[[dict[str, str]], dict[str, str]]] = {
    "fail": lambda env: {**env, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    "null": lambda env: {**env, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"},
    "keyrings.alt-plaintext": lambda env: with_keyrings_alt(
        {**env, "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"}
    ),
    # No PYTHON_KEYRING_BACKEND and no D-Bus session: what keyring finds by itself (its fail
    # placeholder, or keyrings.alt's file keyrings if that is installed).
    "detected-without-dbus": _no_secret_service,
    "detected-without-dbus-with-keyrings.alt": lambda env: with_keyrings_alt(
        _no_secret_service(env)
    ),
}


# A backend named in PYTHON_KEYRING_BACKEND that cannot load: here the Secret Service with no
# D-Bus session (as over SSH), where keyring.get_keyring() raises RuntimeError.
UNLOADABLE = "named-secret-service-without-dbus"
UNSAFE_BACKENDS[UNLOADABLE] = lambda env: {
    **_no_secret_service(env),
    "PYTHON_KEYRING_BACKEND": SECRET_SERVICE,
}


@pytest.mark.parametrize("backend", list(UNSAFE_BACKENDS))
def test_login_refuses_an_unsafe_keyring_and_writes_nothing(
    backend: str, cli: Cli, live_server: LiveServer
) -> None:
    # A subprocess: what keyring detects by itself, it detects once, as a process starts.
    unsafe = Cli(UNSAFE_BACKENDS[backend](cli.env), cli.home, cli.server, as_subprocess=True)
    result = unsafe(
        "login", "--server", cli.server, "-u", "maria", "--password-stdin", input=f"{PASSWORD}\n"
    )
    assert result.returncode == 3, result.stderr
    assert "No OS keyring" in result.stderr and "Traceback" not in result.stderr
    # The two ways out.
    assert "SELFCARE_TOKEN" in result.stderr and "install a keyring backend" in result.stderr
    assert [p for p in cli.home.rglob("*") if p.is_file()] == []  # no keyring file, no profile
    # Refused before the password went anywhere: the server granted no login at all. (A
    # keyring that is there but refuses to store, a locked one, is the "locked" step of
    # test_login_status_logout_through_gnome_keyring.)
    assert live_refresh_tokens(live_server, "maria") == (0, 0)
