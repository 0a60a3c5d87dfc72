"""The `selfcare` command run in this process with click's runner: as fast as a function call,
with its own environment, config directory and exit code. tests/conftest.py's `cli` fixture
runs it as a subprocess where that proves more (the keyring, the real entry point)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner, Result

from selfcare_tui.cli.main import cli


def run_selfcare(
    home: Path, *args: str, env: Mapping[str, str] | None = None, input: str | None = None
) -> Result:
    """Run `selfcare ARGS` with a config and data directory under `home` and no SELFCARE_*
    variables but those in `env`."""
    clean = {name: None for name in os.environ if name.startswith("SELFCARE_")}
    environment: dict[str, str | None] = {
        **clean,
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_DOWNLOAD_DIR": str(home / "downloads"),
        "COLUMNS": "200",
        **(env or {}),
    }
    return CliRunner().invoke(cli, list(args), env=environment, input=input)
