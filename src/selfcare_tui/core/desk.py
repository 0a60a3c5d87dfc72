"""The support agents' desk in words and rules, for its screens and `selfcare desk` alike."""

from __future__ import annotations

from selfcare_tui.api import models

DeskItem = models.DeskRequest | models.DeskOutageReport


def is_report(item_id: str) -> bool:
    """Outage report references start with OR; everything else is a request."""
    return item_id.upper().startswith("OR")


def holder_name(item: DeskItem) -> str:
    """Who has taken the item; empty when nobody has."""
    return item.holder.display_name if item.holder else ""


def held_by(item: DeskItem, username: str) -> bool:
    return item.holder is not None and item.holder.username == username


def next_stage(request: models.Request, rtype: models.RequestType | None) -> str | None:
    """The one stage the request may move to: the next its type publishes (the server
    refuses any other), or None at the last one, where it is resolved instead."""
    if rtype is None or not rtype.stages:
        return None
    stages = rtype.stages
    at = stages.index(request.stage) if request.stage in stages else -1
    return stages[at + 1] if at + 1 < len(stages) else None
