"""A customer's install: the built wheel, without the `server` extra, in a fresh venv.

The client, the command line and the app work; the utility's backend stack is absent, and
the commands that need it say in one line what to install.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).parents[2]
BACKEND = ("fastapi", "sqlalchemy", "uvicorn", "alembic", "argon2", "pyotp", "fpdf")


def run(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=check, timeout=300
    )


def test_the_client_installs_and_runs_without_the_backend(tmp_path: Path) -> None:
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check")
    run(*pip, "wheel", "--quiet", "--no-deps", "--wheel-dir", tmp_path / "dist", REPO)
    (wheel,) = (tmp_path / "dist").glob("selfcare_tui-*.whl")
    stylesheets = {str(p.relative_to(REPO / "src")) for p in REPO.glob("src/**/*.tcss")}
    assert stylesheets, "the app's stylesheets"
    contents = set(zipfile.ZipFile(wheel).namelist())
    assert stylesheets <= contents  # the app needs every one
    catalogs = {
        f"selfcare_tui/{where}/locale/{language}/LC_MESSAGES/{domain}.mo"
        for where, domain in (("i18n", "selfcare"), ("server", "server"))
        for language in ("ro", "et", "uk", "ru")
    }
    assert catalogs <= contents  # compiled by the build, from .po files alone
    assert "selfcare_tui/server/fonts/DejaVuSans.ttf" in contents
    assert "selfcare_tui/server/fonts/LICENSE" in contents
    venv = tmp_path / "customer"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    run(*pip, "--python", python, "install", "--quiet", "--no-compile", wheel)

    found = run(
        python,
        "-c",
        "import importlib.util as u, sys; "
        f"print(' '.join(m for m in {BACKEND!r} if u.find_spec(m)))",
    )
    assert found.stdout.strip() == ""
    selfcare = venv / "bin" / "selfcare"
    assert "invoices" in run(selfcare, "--help").stdout
    assert "--status" in run(selfcare, "invoices", "list", "--help").stdout
    for command in (["server"], ["server", "openapi"], ["demo", "--server-only"]):
        refused = run(selfcare, *command, check=False)
        assert refused.returncode == 2, (command, refused.stderr)
        assert refused.stderr.count("\n") == 1, refused.stderr  # one line, no traceback
        assert "pip install 'selfcare-tui[server]'" in refused.stderr
