"""Counting failed attempts per user and per client address, kept in the database."""

from __future__ import annotations

from sqlalchemy.orm import Session

from selfcare_tui.api.models import ErrorCode

from . import tables
from .problems import ApiProblem
from .settings import Settings


def _counter(db: Session, settings: Settings, key: str) -> tables.ThrottleCounter:
    counter = db.get(tables.ThrottleCounter, key)
    now = settings.now()
    if counter is None:
        counter = tables.ThrottleCounter(key=key, window_start=now, count=0)
        db.add(counter)
    elif now - counter.window_start >= settings.throttle_window:
        counter.window_start, counter.count = now, 0
    return counter


def check(db: Session, settings: Settings, limits: dict[str, int]) -> None:
    """Refuse with 429 while any key has used up its limit in the current window."""
    for key, limit in limits.items():
        counter = _counter(db, settings, key)
        if counter.count >= limit:
            left = settings.throttle_window - (settings.now() - counter.window_start)
            seconds = max(1, int(left.total_seconds()))
            db.commit()
            raise ApiProblem(
                429,
                ErrorCode.too_many_attempts,
                f"Too many attempts. Try again in {(seconds + 59) // 60} minutes.",
                retry_after_seconds=seconds,
                headers={"Retry-After": str(seconds)},
            )


def fail(db: Session, settings: Settings, keys: list[str]) -> None:
    for key in keys:
        _counter(db, settings, key).count += 1
    db.commit()


def clear(db: Session, settings: Settings, key: str) -> None:
    counter = db.get(tables.ThrottleCounter, key)
    if counter is not None:
        db.delete(counter)
