"""What every back-office call shares: agents only, each call in the audit log, and every
change based on the version the agent saw (ETag / If-Match), so two agents never overwrite
each other's work unseen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request, Response
from sqlalchemy import ColumnElement, Select, or_, select, text, update
from sqlalchemy.orm import Session

from selfcare_tui.api import models
from selfcare_tui.api.models import ErrorCode

from . import tables
from .deps import Config, CurrentUser, Db, operation_of
from .i18n import _
from .problems import ApiProblem, title


@dataclass(frozen=True)
class DeskCall:
    """A support agent's back-office call, already written to the audit log."""

    agent: tables.User
    entry_id: int

    def concerns(self, db: Session, number: str) -> None:
        """Name the account the call turned out to concern in its audit entry (committed at
        once, like the entry: it stays even if the call then fails)."""
        db.execute(
            update(tables.AuditEntry)
            .where(tables.AuditEntry.id == self.entry_id)
            .values(account_number=number)
        )
        db.commit()


def desk_call(request: Request, db: Db, settings: Config, user: CurrentUser) -> DeskCall:
    """Let only support agents in. Anyone else gets the very answer of a path that does not
    exist, so the back office looks to them like nothing at all."""
    if user.role != "agent":
        raise ApiProblem(404, ErrorCode.not_found, title(404))
    entry = tables.AuditEntry(
        at=settings.now(),
        agent_id=user.id,
        account_number=None,
        action=f"{request.method} {request.url.path}"[:200],
        operation=operation_of(request),
    )
    db.add(entry)
    db.commit()
    return DeskCall(user, entry.id)


Agent = Annotated[DeskCall, Depends(desk_call)]


def based_on(
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            max_length=100,
            description='The ETag of the item this change is based on (`"7"`), or `*`.',
        ),
    ] = None,
) -> int | None:
    """The version a change is based on; None for `*` (any version, knowingly)."""
    if if_match is None:
        raise ApiProblem(
            428,
            ErrorCode.precondition_required,
            _("Send If-Match with the version (ETag) of the item this change is based on."),
        )
    value = if_match.strip()
    if value == "*":
        return None
    digits = value.removeprefix("W/").strip('"')
    if not digits.isdigit() or len(digits) > 18:
        raise stale()
    return int(digits)


BasedOn = Annotated[int | None, Depends(based_on)]


def stale() -> ApiProblem:
    return ApiProblem(
        412,
        ErrorCode.version_mismatch,
        _("The item has changed since you read it. Read it again, then decide."),
    )


def tag(response: Response, version: int) -> None:
    response.headers["ETag"] = f'"{version}"'


def taken_by(holder: tables.User) -> ApiProblem:
    return ApiProblem(
        409,
        ErrorCode.item_taken,
        _("{name} ({username}) has taken this item.").format(
            name=holder.display_name, username=holder.username
        ),
        blocking={"kind": "agent", "id": holder.username, "name": holder.display_name},
    )


Item = tables.Request | tables.OutageReport
Versioned = TypeVar("Versioned", tables.Request, tables.OutageReport, tables.Work)


def committed(db: Session, item: Versioned, response: Response) -> Versioned:
    """Commit a change of the item and send its new version as the ETag."""
    db.commit()
    db.refresh(item)
    tag(response, item.version)
    return item


def queue(
    table: type[tables.Request] | type[tables.OutageReport],
    open_items: str,
    status: str | None,
    agent: tables.User,
    area: str | None,
    taken: models.TakenFilter,
) -> tuple[Select[Any], list[ColumnElement[bool]]]:
    """What both work queues page through: the open items (the condition of their partial
    index, as written there) or those of one status; and the filters both share, the area
    of the item's place and who holds it."""
    scope = select(table).where(text(open_items) if status is None else table.status == status)
    filters: list[ColumnElement[bool]] = []
    if area:
        places = select(tables.Place.id).where(tables.Place.area == area)
        filters.append(table.place_id.in_(places))
    if taken is models.TakenFilter.mine:
        filters.append(table.holder_id == agent.id)
    elif taken is models.TakenFilter.untaken:
        filters.append(table.holder_id.is_(None))
    return scope, filters


def _bump(
    db: Session,
    item: Item | tables.Work,
    where: list[ColumnElement[bool]],
    version: int | None,
    values: dict[str, Any] | None = None,
) -> bool:
    """One atomic UPDATE bumping the item's version where `where` holds and the version is
    still `version` (None: any); whether it got the row. The item is read again either way."""
    table = type(item)
    query = update(table).where(*where)
    if version is not None:
        query = query.where(table.version == version)
    query = query.values(version=table.version + 1, **(values or {}))
    result = db.execute(query.execution_options(synchronize_session=False))
    got = bool(result.rowcount == 1)  # type: ignore[attr-defined]
    if not got:
        db.rollback()
    db.refresh(item)
    return got


def claim(
    db: Session, item: Item, agent: tables.User, version: int | None, *, taking: bool = False
) -> None:
    """Start a change of a queue item: its version is bumped only if it is still the one the
    change is based on and the agent holds the item (or, `taking`, nobody else does). Of two
    agents at once exactly one gets the row; the other is told why not."""
    key = (
        tables.Request.id == item.id
        if isinstance(item, tables.Request)
        else tables.OutageReport.reference == item.reference
    )
    holder = type(item).holder_id
    held = or_(holder.is_(None), holder == agent.id) if taking else holder == agent.id
    if _bump(db, item, [key, held], version, {"holder_id": agent.id} if taking else None):
        return
    if item.holder is not None and item.holder_id != agent.id:
        raise taken_by(item.holder)
    if item.holder_id is None and not taking:
        raise ApiProblem(409, ErrorCode.item_not_taken, _("Take this item first."))
    raise stale()


def claim_work(db: Session, work: tables.Work, version: int | None) -> None:
    """The same for a work, which nobody takes: only its version counts."""
    if not _bump(db, work, [tables.Work.id == work.id], version):
        raise stale()
