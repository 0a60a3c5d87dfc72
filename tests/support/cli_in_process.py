"""The `selfcare` command run in this process with click's runner: as fast as a function call,
with its own environment, config directory and exit code. tests/cli/conftest.py's `cli`
fixture runs commands this way; its `cli_process` runs the real entry point as a subprocess,
for the few tests where that proves more (a real keyring, signals, the interpreter's start)."""

from __future__ import annotations

import os
import subprocess
import time
import traceback
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


def run_as_process(
    args: list[str], env: Mapping[str, str], input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `selfcare ARGS` here, seeing what a new process with exactly `env` would see: that
    environment alone (TZ too), the keyring backend PYTHON_KEYRING_BACKEND names, the LANG.
    An exception that escapes becomes exit 1 with its traceback on stderr, as Python would."""
    import keyring
    import keyring.core

    from selfcare_tui import i18n
    from selfcare_tui.core import labels

    saved_environ, saved_keyring = dict(os.environ), keyring.get_keyring()
    os.environ.clear()
    os.environ.update(env)
    time.tzset()
    i18n.locale.cache_clear()
    i18n._translation.cache_clear()
    labels._labels.cache_clear()  # words in the language just chosen
    try:
        backend = env.get("PYTHON_KEYRING_BACKEND")
        if backend:
            keyring.set_keyring(keyring.core.load_keyring(backend))
        result = CliRunner().invoke(cli, args, input=input, prog_name="selfcare")
    finally:
        os.environ.clear()
        os.environ.update(saved_environ)
        time.tzset()
        keyring.set_keyring(saved_keyring)
        i18n.choose_language(None)  # what `--lang` and the config file chose ends with the run
        i18n.configure_language(None)
        labels._labels.cache_clear()
    stderr = result.stderr
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        if isinstance(result.exception, KeyboardInterrupt):
            code = 130
        else:
            assert result.exc_info is not None
            stderr += "".join(traceback.format_exception(*result.exc_info))
            code = 1
    return subprocess.CompletedProcess(["selfcare", *args], code, result.stdout, stderr)
