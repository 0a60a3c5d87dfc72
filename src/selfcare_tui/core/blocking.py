"""What blocks an action, in words: a refusal's `blocking` item (a work and its window, or an
earlier outage report), for the command line and the screens alike."""

from __future__ import annotations

import datetime as dt

from selfcare_tui.api.models import OutageReportStatus, WorkKind
from selfcare_tui.core.labels import label_of
from selfcare_tui.i18n import _, format_datetime


def _when(text: str | None) -> str:
    """An ISO timestamp from a problem's `blocking` member, in the reader's time."""
    if not text:
        return "?"
    try:
        return format_datetime(dt.datetime.fromisoformat(text))
    except ValueError:
        return text


def blocking_text(blocking: dict[str, str]) -> str:
    """Plain text for stderr (not rich: nothing in it is markup)."""
    kind = blocking.get("kind")
    if kind == "work":
        return _("{kind} work {id}, {start} to {end}").format(
            kind=label_of(WorkKind, blocking.get("work_kind", "")),
            id=blocking.get("id", "?"),
            start=_when(blocking.get("starts_at")),
            end=_when(blocking.get("ends_at")),
        )
    if kind == "outage_report":
        return _("outage report {reference} ({status})").format(
            reference=blocking.get("id", "?"),
            status=label_of(OutageReportStatus, blocking.get("status", "")),
        )
    if kind == "agent":
        return _("agent {name} ({username})").format(
            name=blocking.get("name", "?"), username=blocking.get("id", "?")
        )
    return ", ".join(f"{key}={value}" for key, value in blocking.items())
