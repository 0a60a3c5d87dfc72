"""Device logins (OAuth 2.0 device authorization grant, RFC 8628), as `gh auth login` does it:
a device that should never see the password (a shared thin client over SSH) asks for a
code, the user approves it on a device of their own, and the first device polls for its
tokens. The rules both the API (routes/device_login.py) and the approval page
(routes/device_page.py) need are here.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import tables
from .settings import Settings

USER_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ"
"""RFC 8628 section 6.1: consonants only (no words, no 0/O or 1/I to confuse); 20^8 codes."""


def new_user_code() -> str:
    letters = "".join(secrets.choice(USER_CODE_LETTERS) for _ in range(8))
    return f"{letters[:4]}-{letters[4:]}"


def typed_user_code(text: str) -> str:
    """As typed (any case, with or without the dash or spaces) to the stored form."""
    letters = re.sub(r"[^A-Z]", "", text.upper())
    return f"{letters[:4]}-{letters[4:]}" if len(letters) == 8 else letters


def wall_clock() -> dt.datetime:
    """Polls are paced by real time: a device waits real seconds, whatever the server's
    clock (frozen in tests) says for the rules."""
    return dt.datetime.now(dt.UTC)


def pending_grant(db: Session, settings: Settings, user_code: str) -> tables.DeviceGrant | None:
    """The grant a code typed on the approval page names, if it still waits for a decision."""
    Grant = tables.DeviceGrant
    return db.scalars(
        select(Grant).where(
            Grant.user_code == typed_user_code(user_code),
            Grant.state == "pending",
            Grant.expires_at > settings.now(),
        )
    ).first()
