"""Counting attempts per user and per client address, atomically, in the database.

An attempt is counted *before* the secret is checked, in one upsert that also starts a new
window when the old one has passed: N guesses sent at once cost N attempts, and no more than
the limit are ever checked, on SQLite as on PostgreSQL and across server processes. An attempt
that turns out right is forgiven afterwards, so only failures use up the limit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import case, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from selfcare_tui.api.models import ErrorCode

from . import tables
from .i18n import ngettext
from .problems import ApiProblem
from .settings import Settings

Counter = tables.ThrottleCounter


def _count(
    db: Session, key: str, now: dt.datetime, window: dt.timedelta
) -> tuple[int, dt.datetime]:
    """Add one attempt to the key's window (a new window when the last one has passed)."""
    dialect = db.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    expired = Counter.window_start <= now - window
    statement = (
        insert(Counter)
        .values(key=key, window_start=now, count=1)
        .on_conflict_do_update(
            index_elements=[Counter.key],
            # Both expressions see the row as it was before this update, on both databases.
            set_={
                "count": case((expired, 1), else_=Counter.count + 1),
                "window_start": case((expired, now), else_=Counter.window_start),
            },
        )
        .returning(Counter.count, Counter.window_start)
    )
    count, started = db.execute(statement).one()
    return int(count), started


def attempt(db: Session, settings: Settings, limits: Mapping[str, int]) -> None:
    """Count an attempt against every key; refuse with 429 when one of them is over its limit.

    Committed at once, before the caller checks anything, so the count holds even if the
    request then fails.
    """
    now, window = settings.now(), settings.throttle_window
    ends = []
    for key, limit in limits.items():
        count, started = _count(db, key, now, window)
        if count > limit:
            ends.append(started + window)
    db.commit()
    if ends:
        seconds = max(1, int((max(ends) - now).total_seconds()))
        minutes = (seconds + 59) // 60
        raise ApiProblem(
            429,
            ErrorCode.too_many_attempts,
            ngettext(
                "Too many attempts. Try again in {minutes} minute.",
                "Too many attempts. Try again in {minutes} minutes.",
                minutes,
            ).format(minutes=minutes),
            retry_after_seconds=seconds,
            headers={"Retry-After": str(seconds)},
        )


def forgive(db: Session, keys: list[str]) -> None:
    """Take back the attempt just counted on each key: it was right, so it uses no limit."""
    db.execute(
        update(Counter)
        .where(Counter.key.in_(keys), Counter.count > 0)
        .values(count=Counter.count - 1)
        .execution_options(synchronize_session=False)
    )


def clear(db: Session, key: str) -> None:
    """Forget the key's failures: the user proved who they are."""
    db.execute(
        delete(Counter).where(Counter.key == key).execution_options(synchronize_session=False)
    )
