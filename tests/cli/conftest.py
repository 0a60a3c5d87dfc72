"""Fixtures of the command-line tests: `selfcare` with its own home, bound to a live server."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..support.cli import Cli, cli_environment
from ..support.live_server import LiveServer


@pytest.fixture
def cli(live_server: LiveServer, tmp_path: Path) -> Cli:
    home = tmp_path / "home"
    home.mkdir()
    return Cli(cli_environment(home), home, live_server.base_url)


@pytest.fixture
def cli_process(live_server: LiveServer, tmp_path: Path) -> Cli:
    """`selfcare` as a subprocess: the real entry point, interpreter and keyring loading."""
    home = tmp_path / "home"
    home.mkdir()
    return Cli(cli_environment(home), home, live_server.base_url, as_subprocess=True)
