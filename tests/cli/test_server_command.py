"""`selfcare server` as a user runs it: a real process on loopback, its database and its log."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from selfcare_tui.server.run import free_port

SELFCARE = [sys.executable, "-m", "selfcare_tui"]


@contextmanager
def running_server(
    args: list[str], env: dict[str, str]
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    process = subprocess.Popen(
        [*SELFCARE, "server", "--port", str(port), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/api/v1/request-types", timeout=1).raise_for_status()
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.1)
        yield base, process
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


def test_demo_server_logs_one_line_per_request_and_no_secrets(tmp_path: Path) -> None:
    env = {**os.environ, "SELFCARE_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    with running_server(["--demo"], env) as (base, process):
        login = httpx.post(
            f"{base}/api/v1/auth/token", json={"username": "maria", "password": "maria-demo"}
        )
        tokens = login.json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert httpx.get(f"{base}/api/v1/accounts", headers=headers).status_code == 200
        assert httpx.get(f"{base}/api/v1/accounts/9999999999", headers=headers).status_code == 404
    assert process.stdout is not None
    log = process.stdout.read()
    requests = [line for line in log.splitlines() if "selfcare.server.access" in line]
    assert len(requests) == 4, log  # the readiness probe, login, list, not found
    assert '"POST /api/v1/auth/token" 200' in requests[1]
    assert '"GET /api/v1/accounts/9999999999" 404' in requests[3]
    for secret in ("maria-demo", tokens["access_token"], tokens["refresh_token"]):
        assert secret not in log
    assert (tmp_path / "db.sqlite3").exists()


def test_default_database_lives_in_the_user_data_dir(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SELFCARE_DATABASE_URL"}
    env["XDG_DATA_HOME"] = str(tmp_path)
    with running_server([], env):
        pass
    assert (tmp_path / "selfcare-tui" / "server.sqlite3").exists()


def test_customers_without_demo_is_a_usage_error() -> None:
    result = subprocess.run(
        [*SELFCARE, "server", "--customers", "5"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "--customers needs --demo" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["--help"], ["server", "--help"]])
def test_help_has_examples(args: list[str]) -> None:
    result = subprocess.run([*SELFCARE, *args], capture_output=True, text=True, check=True)
    assert "Usage:" in result.stdout


def test_demo_without_a_terminal_serves_and_says_how_to_log_in() -> None:
    """`make demo` in a pipe cannot open the app: it runs the backend and prints the way in."""
    port = free_port()
    process = subprocess.Popen(
        [*SELFCARE, "demo", "--port", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        assert lines[0].startswith(f"Demo server: http://127.0.0.1:{port} ")
        assert f"selfcare login --server http://127.0.0.1:{port} -u maria" in lines[1]
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/v1/request-types", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the demo backend did not start"
                time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
