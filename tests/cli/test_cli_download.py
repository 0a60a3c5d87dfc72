"""`selfcare invoices download` as a user runs it: the real command against a real server.

Every file is checked against what the server itself says (HEAD: Content-Length and
Repr-Digest), not against what the command believes, and opened with pypdf.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import json
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pypdf
import pytest

from selfcare_tui.api import SelfcareClient, models
from selfcare_tui.server.demo import COTTAGE_ACCOUNT, FLAT_ACCOUNT, JAAN_ACCOUNT
from selfcare_tui.server.run import free_port

from ..support.cli import Cli, cli_environment
from ..support.slow_proxy import slow_proxy

SELFCARE = [sys.executable, "-m", "selfcare_tui"]
PROGRESS_CHARACTERS = ("━", "\r", "\x1b[")


def download(cli: Cli, out: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    result = cli("invoices", "download", "--out", str(out), "--json", *args)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout.startswith("{"), result.stderr
    return result.returncode, json.loads(result.stdout), result.stderr


def api_invoices(base: str, username: str, account: str, **filters: Any) -> list[models.Invoice]:
    async def go() -> list[models.Invoice]:
        async with SelfcareClient(base, retries=0) as client:
            await client.login(username, f"{username}-demo")
            return [i async for i in client.iter_invoices(account, **filters)]

    return asyncio.run(go())


def name(invoice: models.Invoice) -> str:
    return f"{invoice.account_number}_{invoice.number}_{invoice.issued_on.isoformat()}.pdf"


def assert_server_copies(base: str, username: str, files: list[Path]) -> None:
    """Each file is a readable PDF, byte for byte the one the server serves."""
    token = httpx.post(
        f"{base}/api/v1/auth/token", json={"username": username, "password": f"{username}-demo"}
    ).json()["access_token"]
    with httpx.Client(base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {token}"}) as h:
        for path in files:
            account, number, _issued = path.stem.split("_")
            head = h.head(f"/accounts/{account}/invoices/{number}/pdf")
            head.raise_for_status()
            content = path.read_bytes()
            assert len(content) == int(head.headers["Content-Length"]), path
            digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
            assert head.headers["Repr-Digest"] == f"sha-256=:{digest}:", path
            assert len(pypdf.PdfReader(path).pages) >= 1


def assert_listed_copies(base: str, username: str, account: str, files: list[Path]) -> None:
    """The same check for many files, against the listing's size and SHA-256 (one request
    per hundred invoices instead of one per file)."""
    documents = {name(i): i.document for i in api_invoices(base, username, account)}
    for path in files:
        document = documents[path.name]
        assert document is not None, path
        content = path.read_bytes()
        assert (len(content), hashlib.sha256(content).hexdigest()) == (
            document.size,
            document.sha256,
        ), path
        assert len(pypdf.PdfReader(path).pages) >= 1


def leftovers(out: Path) -> list[Path]:
    return [p for p in out.iterdir() if p.name.endswith(".part") or p.name.startswith(".")]


def test_downloads_a_period_verified_and_a_rerun_skips_or_repairs(cli: Cli, tmp_path: Path) -> None:
    cli.login("maria")
    out = tmp_path / "invoices"
    since = dt.date(2026, 3, 1)
    expected = api_invoices(cli.server, "maria", FLAT_ACCOUNT, since=since)
    assert 3 <= len(expected) < 20  # a period, not everything

    code, summary, stderr = download(cli, out, "--account", FLAT_ACCOUNT, "--since", "2026-03-01")
    assert code == 0, stderr
    names = sorted(name(i) for i in expected)
    assert sorted(p.name for p in out.iterdir()) == names
    assert sorted(Path(p).name for p in summary["downloaded"]) == names
    assert summary["skipped"] == [] and summary["failed"] == []
    assert_server_copies(cli.server, "maria", sorted(out.iterdir()))
    # On a pipe: no progress bar, only the one-line summary.
    assert not any(c in stderr for c in PROGRESS_CHARACTERS), repr(stderr)
    assert stderr.splitlines() == [
        f"{out}: downloaded {len(names)} files, 0 already there, 0 failed."
    ]

    code, summary, stderr = download(cli, out, "--account", FLAT_ACCOUNT, "--since", "2026-03-01")
    assert code == 0, stderr
    assert summary["downloaded"] == []
    assert sorted(Path(p).name for p in summary["skipped"]) == names

    damaged = out / names[0]
    damaged.write_bytes(damaged.read_bytes()[:-10])  # truncated
    changed = out / names[1]
    content = bytearray(changed.read_bytes())
    content[len(content) // 2] ^= 0xFF  # same size, different bytes
    changed.write_bytes(bytes(content))
    code, summary, stderr = download(cli, out, "--account", FLAT_ACCOUNT, "--since", "2026-03-01")
    assert code == 0, stderr
    assert sorted(Path(p).name for p in summary["downloaded"]) == sorted([names[0], names[1]])
    assert len(summary["skipped"]) == len(names) - 2
    assert_server_copies(cli.server, "maria", [damaged, changed])
    assert leftovers(out) == []


def test_status_filter(cli: Cli, tmp_path: Path) -> None:
    cli.login("maria")
    out = tmp_path / "open"
    expected = {
        name(i)
        for account in (FLAT_ACCOUNT, COTTAGE_ACCOUNT)
        for i in api_invoices(cli.server, "maria", account, status=models.InvoiceStatus.open)
    }
    assert expected
    code, summary, stderr = download(cli, out, "--all-accounts", "--status", "open")
    assert code == 0, stderr
    assert {p.name for p in out.iterdir()} == expected
    assert {Path(p).name for p in summary["downloaded"]} == expected


def test_all_accounts_covers_own_and_mandated_accounts(cli: Cli, tmp_path: Path) -> None:
    """jaan holds his flat and a mandate on maria's flat; his mandate on her cottage expired."""
    cli.login("jaan")
    out = tmp_path / "all"
    since = dt.date(2026, 6, 1)
    expected = {
        name(i)
        for account in (JAAN_ACCOUNT, FLAT_ACCOUNT)
        for i in api_invoices(cli.server, "jaan", account, since=since)
    }
    code, summary, stderr = download(cli, out, "--all-accounts", "--since", since.isoformat())
    assert code == 0, stderr
    assert {p.name for p in out.iterdir()} == expected
    assert {p.name.split("_")[0] for p in out.iterdir()} == {JAAN_ACCOUNT, FLAT_ACCOUNT}
    assert summary["total"] == len(expected)


def test_progress_bar_on_a_terminal(cli: Cli, tmp_path: Path) -> None:
    cli.login("maria")
    out = tmp_path / "tty"
    args = ["invoices", "download", "-a", FLAT_ACCOUNT, "--since", "2026-06-01", "--out", str(out)]
    terminal, child_end = pty.openpty()
    process = subprocess.Popen(
        [*SELFCARE, *args],
        stdin=child_end,
        stdout=child_end,
        stderr=child_end,
        env=cli.env,
    )
    os.close(child_end)
    screen = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _w, _x = select.select([terminal], [], [], 1)
        if not ready:
            continue
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # EIO: the command has exited and closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    os.close(terminal)
    text = screen.decode(errors="replace")
    assert process.wait(timeout=10) == 0, text
    assert "━" in text and "Invoices" in text
    assert "downloaded" in text and "Traceback" not in text


def test_mutually_exclusive_options_are_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    args = ("invoices", "download", "--out", str(tmp_path), "--all-accounts")
    result = cli(*args, "--account", FLAT_ACCOUNT)
    assert result.returncode == 2
    assert "--account or --all-accounts" in result.stderr
    result = cli(*args, "--concurrency", "17")
    assert result.returncode == 2


def test_unreachable_server_before_listing_exits_6(cli: Cli, tmp_path: Path) -> None:
    cli.env.update(
        SELFCARE_SERVER=f"http://127.0.0.1:{free_port()}", SELFCARE_TOKEN="not-a-real-token"
    )
    out = tmp_path / "none"
    result = cli("invoices", "download", "--account", FLAT_ACCOUNT, "--out", str(out))
    assert result.returncode == 6, result.stderr
    assert "Cannot reach the server" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() or list(out.iterdir()) == []


# --- the kill test: the server dies mid-run --------------------------------------------------


@contextmanager
def server_process(database: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """`selfcare server --demo` on `port`, on the given SQLite file."""
    env = {**os.environ, "SELFCARE_DATABASE_URL": f"sqlite:///{database}"}
    process = subprocess.Popen(
        [*SELFCARE, "server", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/v1/request-types", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=20)


def as_from_a_shell() -> None:
    """Start the command with SIGINT as a shell leaves it (unblocked, default): a child
    inherits an ignored or blocked signal from whatever ran before in the test worker."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.timeout(120)
def test_killed_server_leaves_no_partial_file_and_a_rerun_finishes(
    demo_database: Path, tmp_path: Path
) -> None:
    # Its own copy of the demo database the other tests seeded already: `--demo` leaves a
    # seeded database alone, and the run saves the seconds seeding takes.
    database, port = tmp_path / "server.sqlite3", free_port()
    shutil.copy(demo_database, database)
    home = tmp_path / "home"
    home.mkdir()
    # The CLI goes through a forwarder that holds each answer back 0.15 s, so the download
    # is still running when the test (maybe waiting for the CPU) sees its third file.
    with slow_proxy(port) as proxy:
        cli = Cli(cli_environment(home), home, f"http://127.0.0.1:{proxy}")
        downloads_killed_server(cli, database, port, tmp_path / "maria")


def downloads_killed_server(cli: Cli, database: Path, port: int, out: Path) -> None:
    base = f"http://127.0.0.1:{port}"
    account = ["--account", FLAT_ACCOUNT]  # 36 invoices: enough to stop twice midway

    with server_process(database, port) as server:
        total = len(api_invoices(base, "maria", FLAT_ACCOUNT))
        assert total == 36
        cli.login("maria")
        command = [*SELFCARE, "invoices", "download", *account]
        command += ["--out", str(out), "--concurrency", "1"]

        def start_and_wait_for(files: int) -> subprocess.Popen[str]:
            run = subprocess.Popen(
                command,
                env=cli.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                preexec_fn=as_from_a_shell,
            )
            deadline = time.monotonic() + 30
            while len(list(out.glob("*.pdf"))) < files:
                assert run.poll() is None and time.monotonic() < deadline, "download ended early"
                time.sleep(0.02)
            return run

        # Ctrl+C first: the temp file of the file in flight goes, a summary says what was done.
        run = start_and_wait_for(3)
        run.send_signal(signal.SIGINT)
        _stdout, stderr = run.communicate(timeout=30)
        assert run.returncode == 130, stderr
        assert "Interrupted. Run the same command again" in stderr and "Traceback" not in stderr
        assert leftovers(out) == []
        interrupted = len(list(out.glob("*.pdf")))

        # Then the server dies under a second run, which resumes after the first.
        run = start_and_wait_for(interrupted + 3)
        server.send_signal(signal.SIGKILL)
        _stdout, stderr = run.communicate(timeout=60)

    assert run.returncode in (1, 6), stderr
    assert "Traceback" not in stderr
    assert "Stopped: the server could not be reached. Run the same command again" in stderr
    assert "Run the same command again" in stderr
    assert leftovers(out) == []
    survivors = sorted(out.glob("*.pdf"))
    assert interrupted + 3 <= len(survivors) < total

    with server_process(database, port):  # the same database and port: a restart
        assert_server_copies(base, "maria", survivors)
        code, summary, stderr = download(cli, out, *account)
        assert code == 0, stderr
        assert len(summary["downloaded"]) + len(summary["skipped"]) == total
        assert sorted(Path(p) for p in summary["skipped"]) == survivors
        assert len(list(out.glob("*.pdf"))) == total and leftovers(out) == []
        assert_listed_copies(base, "maria", FLAT_ACCOUNT, sorted(out.glob("*.pdf")))
