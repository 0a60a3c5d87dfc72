"""One-time codes of the second factor: TOTP codes (each time step taken once per user, never
replayed) and recovery codes (each good once), checked in one conditional UPDATE each, so of
two logins with the same code at once exactly one gets in."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any, cast

import pyotp
from sqlalchemy import CursorResult, delete, func, or_, select, update
from sqlalchemy.orm import Session

from selfcare_tui.api.models import RECOVERY_CODE_PATTERN

from . import tables
from .security import digest, same
from .settings import Settings


def totp_step(secret: str, code: str, settings: Settings) -> int | None:
    """The time step whose code `code` is (this one, or one either side for clock drift)."""
    totp = pyotp.TOTP(secret)
    now = settings.now()
    for drift in (0, -1, 1):
        moment = now + timedelta(seconds=drift * totp.interval)
        if same(totp.at(moment), code):
            return int(totp.timecode(moment))
    return None


def spend_totp_step(db: Session, user: tables.User, step: int) -> bool:
    """Record `step` as used, in one conditional UPDATE: of two logins with the same code at
    once, one wins; a code of the same or an earlier step is refused after."""
    User = tables.User
    spent = db.execute(
        update(User)
        .where(User.id == user.id, or_(User.mfa_last_step.is_(None), User.mfa_last_step < step))
        .values(mfa_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return bool(cast("CursorResult[Any]", spent).rowcount == 1)


RECOVERY_CODES = 10
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"


def is_recovery_code(code: str) -> bool:
    return re.fullmatch(RECOVERY_CODE_PATTERN, code) is not None


def _recovery_hash(user_id: int, code: str) -> str:
    return digest(f"{user_id}\n{code}")


def new_recovery_codes(db: Session, user: tables.User) -> list[str]:
    """Replace the user's recovery codes by ten new ones (not committed)."""
    db.execute(
        delete(tables.RecoveryCode)
        .where(tables.RecoveryCode.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    codes = []
    for _index in range(RECOVERY_CODES):
        text = "".join(secrets.choice(_BASE32) for _ in range(10))
        code = f"{text[:5]}-{text[5:]}"
        codes.append(code)
        db.add(tables.RecoveryCode(code_hash=_recovery_hash(user.id, code), user_id=user.id))
    return codes


def spend_recovery_code(db: Session, settings: Settings, user: tables.User, code: str) -> bool:
    """Use one recovery code up, in one conditional UPDATE: good once, even sent twice at once."""
    Code = tables.RecoveryCode
    spent = db.execute(
        update(Code)
        .where(
            Code.code_hash == _recovery_hash(user.id, code),
            Code.user_id == user.id,
            Code.used_at.is_(None),
        )
        .values(used_at=settings.now())
        .execution_options(synchronize_session=False)
    )
    return bool(cast("CursorResult[Any]", spent).rowcount == 1)


def recovery_codes_left(db: Session, user_id: int) -> int:
    Code = tables.RecoveryCode
    count = db.scalar(select(func.count()).where(Code.user_id == user_id, Code.used_at.is_(None)))
    return int(count or 0)
