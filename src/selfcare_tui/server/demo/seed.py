"""The entry point: ``seed_demo`` fills an empty database with every part of the demo, in order."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import tables
from ..reference_data import ensure_reference_data
from .customers import _acme, _attachable, _jaan, _maria, _named_users, _works
from .requests import _queue_items, _requests
from .seeder import _Seeder
from .synthetic import _synthetic_customers


def seed_demo(session: Session, *, today: dt.date, customers: int = 0, seed: int = 2026) -> None:
    """Fill an empty database with the demo customers, plus ``customers`` synthetic ones.

    ``today`` anchors every date, so tests and screenshots do not drift with the calendar;
    the working day's "now" is 12:00 UTC.
    """
    if session.scalar(select(func.count()).select_from(tables.User)):
        raise ValueError("seed_demo needs an empty database; this one already has users")
    ensure_reference_data(session)
    seeder = _Seeder(session, random.Random(seed), today)
    users = _named_users(seeder)
    _maria(seeder, *users["maria"])
    _jaan(seeder, *users["jaan"])
    _acme(seeder, users["acme"][0])
    _attachable(seeder)
    _works(seeder)
    seeder.flush()
    _requests(session, seeder.now)
    _queue_items(session, seeder.now)
    _synthetic_customers(seeder, customers)
