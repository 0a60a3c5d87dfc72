"""The `selfcare` command as the tests run it: its own home, config and keyring.

The `cli` and `cli_process` fixtures (tests/cli/conftest.py) hand a test one of these, bound
to its live server; a test without a server builds one from `cli_environment` itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .cli_in_process import run_as_process

REPO = Path(__file__).parents[2]
"""The checkout: tests/support/cli.py is two folders down."""


@dataclass
class Cli:
    """The `selfcare` command with its own config and keyring: run in this process as if it
    were a new one (tests/support/cli_in_process.py), or as a real subprocess (`cli_process`)."""

    env: dict[str, str]
    home: Path
    server: str
    as_subprocess: bool = False

    def __call__(
        self, *args: str, input: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        if not self.as_subprocess:
            return run_as_process(list(args), {**self.env, **(env or {})}, input)
        return subprocess.run(
            [sys.executable, "-m", "selfcare_tui", *args],
            input=input,
            capture_output=True,
            text=True,
            env={**self.env, **(env or {})},
            timeout=60,
            check=False,
        )

    @property
    def keyring(self) -> dict[str, str]:
        path = Path(self.env["SELFCARE_TEST_KEYRING"])
        return dict(json.loads(path.read_text())) if path.exists() else {}

    def login(self, username: str = "maria") -> None:
        result = self(
            "login",
            "--server",
            self.server,
            "--username",
            username,
            "--password-stdin",
            input=f"{username}-demo\n",
        )
        assert result.returncode == 0, result.stderr


def cli_environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELFCARE_")}
    env.update(
        {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "PYTHON_KEYRING_BACKEND": "tests.support.keyring_backends.FileKeyring",
            "SELFCARE_TEST_KEYRING": str(home / "keyring.json"),
            "PYTHONPATH": str(REPO),
            "LANG": "en_GB.UTF-8",
            "COLUMNS": "200",
        }
    )
    return env
