"""The rules of a mandate that the app and the command line share: what a chosen last day
means, and the words for its scopes."""

from __future__ import annotations

import datetime as dt

from selfcare_tui.api import models
from selfcare_tui.i18n import _

from .labels import label


def scopes_text(scopes: list[models.Scope]) -> str:
    """In the API's order (view, readings, pay, requests), in words."""
    order = list(models.Scope)
    return ", ".join(label(s) for s in sorted(scopes, key=order.index))


def holds_text(mandate: models.Mandate, until: str) -> str:
    """What a mandate lets its delegate do, said after giving or changing it; `until` is its
    last day as the front end writes it."""
    return _("{user} may act on account {number} ({scopes}) until {when}.").format(
        user=mandate.delegate_username,
        number=mandate.account_number,
        scopes=scopes_text(mandate.scopes),
        when=until,
    )


def end_of_day(day: dt.date) -> dt.datetime:
    """A mandate "until 30 June 2027" lasts through that day, in the user's time zone."""
    return dt.datetime.combine(day, dt.time(23, 59, 59)).astimezone()


def past_day_message(day: dt.date, today: dt.date | None = None) -> str | None:
    """Why `day` cannot be a mandate's last day, or None when it can."""
    if day < (today or dt.date.today()):
        return _("That day has passed: a mandate must end today or later.")
    return None
