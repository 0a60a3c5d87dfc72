"""The reference backend is an optional part of the install: `selfcare-tui[server]`.

A customer's `pip install selfcare-tui` gets the client, the command line and the app; the
utility's backend (FastAPI, SQLAlchemy, uvicorn...) comes with the extra. `selfcare server`
and `selfcare demo` check for it first, so a client-only install says what to install
instead of failing on an import deep inside.
"""

from __future__ import annotations

import importlib.util

from selfcare_tui.i18n import _

from .context import EXIT_USAGE, fail

BACKEND_MODULES = (
    "fastapi",
    "uvicorn",
    "sqlalchemy",
    "alembic",
    "argon2",
    "pyotp",
    "fpdf",
    "aiosmtplib",
    "aiosmtpd",
)
"""What the `server` extra installs, by import name."""


def require_backend() -> None:
    """Leave with exit 2 and one line saying what to install when the backend is missing."""
    missing = [name for name in BACKEND_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        fail(
            _(
                "Error: the reference backend is not installed (no module {module}): "
                "pip install 'selfcare-tui[server]'"
            ).format(module=missing[0]),
            EXIT_USAGE,
        )
