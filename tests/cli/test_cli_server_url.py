"""A server address from an option, the environment or the config file is checked before the
first connection: a bad one is a usage error naming where it came from, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..support.cli_in_process import run_selfcare

BAD = {
    "http://127.0.0.1:99999": "port must be between 1 and 65535",
    "http://[::1": "Not a valid URL",
    "ftp://example.com": "starting with http:// or https://",
    "https://maria:secret@example.com": "Leave the user name and password out",
}


@pytest.mark.parametrize("url", list(BAD))
def test_a_bad_selfcare_server_names_the_variable(tmp_path: Path, url: str) -> None:
    result = run_selfcare(
        tmp_path, "accounts", "list", env={"SELFCARE_SERVER": url, "SELFCARE_TOKEN": "x"}
    )
    assert result.exit_code == 2, result.output
    assert "SELFCARE_SERVER is not a usable server URL" in result.stderr
    assert BAD[url] in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["login", "--username", "maria", "--password-stdin"],
        ["pay", "--payment-code", "59428595753", "--email", "maria@example.com"],
        ["outages", "planned"],
    ],
)
def test_a_bad_server_option_is_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    result = run_selfcare(tmp_path, *args, "--server", "http://[::1", input="x\n")
    assert result.exit_code == 2, result.output
    assert "'--server'" in result.stderr and "Not a valid URL" in result.stderr


def test_a_bad_server_in_the_config_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config" / "selfcare-tui" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text('[profiles.default]\nserver = "http://127.0.0.1:99999"\nusername = "maria"\n')
    result = run_selfcare(tmp_path, "accounts", "list")
    assert result.exit_code == 2, result.output
    assert str(path) in result.stderr and "profiles.default.server" in result.stderr
    assert "Traceback" not in result.output
