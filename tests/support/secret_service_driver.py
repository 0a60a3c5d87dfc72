"""Run `selfcare` commands against a real Secret Service, for tests/cli/test_secret_service.py.

Run it under `dbus-run-session`, with a plan as JSON on stdin:

    {"home": "...", "keyring_password": "...", "needles": {"name": "text", ...},
     "steps": [{"name": "...", "argv": [...], "input": "...", "env": {...}, "lock": false}]}

It starts gnome-keyring-daemon on that private session bus, with only its Secret Service
component; `--unlock` reads the keyring password from stdin and creates the login keyring with
it, unlocked, as a desktop login would (so nothing asks for a password on a screen). It waits
until the daemon owns org.freedesktop.secrets (before that, a call would have D-Bus start a
second daemon), then runs each step with the bus's address added to the step's environment,
locking the login keyring first where the step says "lock". After each step it records what
every collection holds (labels, attributes, secrets) and which files under HOME contain a
needle or a secret seen so far; it prints the record as JSON and stops the daemon, by its PID
as the bus reports it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import secretstorage
from jeepney.bus_messages import message_bus  # type: ignore[import-untyped]

SECRETS_BUS_NAME = "org.freedesktop.secrets"


def _bus_call(connection: Any, message: Any) -> Any:
    return connection.send_and_get_reply(message, timeout=10).body[0]


def start_daemon(keyring_password: str) -> int:
    """Start gnome-keyring-daemon with an unlocked login keyring; its PID."""
    daemon = shutil.which("gnome-keyring-daemon")
    if daemon is None:
        raise SystemExit("gnome-keyring-daemon is not on PATH")
    with tempfile.TemporaryFile("w+") as log:
        # To a file, not a pipe: the daemon forks into the background with our stdio.
        started = subprocess.run(
            [daemon, "--unlock", "--components=secrets"],
            input=keyring_password.encode(),
            stdout=log,
            stderr=log,
            timeout=30,
            check=False,
        )
        log.seek(0)
        output = log.read()
    if started.returncode != 0:
        raise SystemExit(f"gnome-keyring-daemon --unlock failed ({started.returncode}): {output}")
    connection = secretstorage.dbus_init()
    try:
        deadline = time.monotonic() + 10
        while not _bus_call(connection, message_bus.NameHasOwner(SECRETS_BUS_NAME)):
            if time.monotonic() > deadline:
                raise SystemExit(f"gnome-keyring-daemon never took {SECRETS_BUS_NAME}: {output}")
            time.sleep(0.05)
        pid = _bus_call(connection, message_bus.GetConnectionUnixProcessID(SECRETS_BUS_NAME))
    finally:
        connection.close()
    return int(pid)


def stop_daemon(pid: int) -> None:
    """SIGTERM the daemon started here (checked by name), and wait briefly for it to end."""
    proc = Path(f"/proc/{pid}")
    try:
        if not (proc / "comm").read_text().startswith("gnome-keyring"):
            return
        os.kill(pid, signal.SIGTERM)
    except (FileNotFoundError, ProcessLookupError):
        return
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError, IndexError):
            return
        if state in ("Z", "X"):
            return
        time.sleep(0.05)


def secret_service_contents() -> list[dict[str, Any]]:
    """Every item of every collection, with the collection's label, path and lock state."""
    connection = secretstorage.dbus_init()
    try:
        items: list[dict[str, Any]] = []
        for collection in secretstorage.get_all_collections(connection):
            for item in collection.get_all_items():
                items.append(
                    {
                        "collection": collection.get_label(),
                        "collection_path": collection.collection_path,
                        "locked": collection.is_locked(),
                        "label": item.get_label(),
                        "attributes": item.get_attributes(),
                        "secret": None if item.is_locked() else item.get_secret().decode(),
                    }
                )
        return items
    finally:
        connection.close()


def lock_default_collection() -> None:
    """Lock the login keyring, as after a timeout or on a machine reached over SSH."""
    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        collection.lock()
        assert collection.is_locked()
    finally:
        connection.close()


def files_under(home: Path, needles: dict[str, str]) -> tuple[dict[str, int], list[list[str]]]:
    """Every file under HOME with its size, and [file, needle name] for each needle in one."""
    sizes: dict[str, int] = {}
    found: list[list[str]] = []
    for path in sorted(home.rglob("*")):
        if not path.is_file():
            continue
        name = str(path.relative_to(home))
        content = path.read_bytes()
        sizes[name] = len(content)
        found += [[name, what] for what, text in needles.items() if text.encode() in content]
    return sizes, found


def main() -> None:
    plan = json.load(sys.stdin)
    home = Path(plan["home"])
    needles: dict[str, str] = dict(plan["needles"])
    pid = start_daemon(plan["keyring_password"])
    record: list[dict[str, Any]] = []
    try:
        bus = {"DBUS_SESSION_BUS_ADDRESS": os.environ["DBUS_SESSION_BUS_ADDRESS"]}
        for step in plan["steps"]:
            if step.get("lock"):
                lock_default_collection()
            result = subprocess.run(
                step["argv"],
                input=step.get("input"),
                capture_output=True,
                text=True,
                env={**step["env"], **bus},
                timeout=60,
                check=False,
            )
            items = secret_service_contents()
            for item in items:
                if item["secret"] is not None and item["secret"] not in needles.values():
                    needles[f"secret {len(needles)}"] = item["secret"]
            files, leaks = files_under(home, needles)
            record.append(
                {
                    "name": step["name"],
                    "returncode": result.returncode,
                    "stdout": result.stdout,
                    "stderr": result.stderr,
                    "items": items,
                    "files": files,
                    "leaks": leaks,
                }
            )
    finally:
        stop_daemon(pid)
    json.dump({"daemon_pid": pid, "steps": record}, sys.stdout)


if __name__ == "__main__":
    main()
