"""What every back-office call shares: agents only, each call in the audit log, and every
change based on the version the agent saw (ETag / If-Match), so two agents never overwrite
each other's work unseen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request, Response
from sqlalchemy import or_, update
from sqlalchemy.orm import Session

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


def claim(
    db: Session, item: Item, agent: tables.User, version: int | None, *, taking: bool = False
) -> None:
    """Start a change of a queue item: one atomic UPDATE that bumps its version only if it is
    still the one the change is based on and the agent holds the item (or, `taking`, nobody
    else does). Of two agents at once exactly one gets the row; the other is told why not."""
    table = type(item)
    key = tables.Request.id if isinstance(item, tables.Request) else tables.OutageReport.reference
    item_key = item.id if isinstance(item, tables.Request) else item.reference
    holder = table.holder_id
    held = or_(holder.is_(None), holder == agent.id) if taking else holder == agent.id
    query = update(table).where(key == item_key, held)
    if version is not None:
        query = query.where(table.version == version)
    values = {"version": table.version + 1, **({"holder_id": agent.id} if taking else {})}
    result = db.execute(query.values(**values).execution_options(synchronize_session=False))
    db.refresh(item)
    if result.rowcount == 1:  # type: ignore[attr-defined]
        return
    db.rollback()
    db.refresh(item)
    if item.holder is not None and item.holder_id != agent.id:
        raise taken_by(item.holder)
    if item.holder_id is None and not taking:
        raise ApiProblem(409, ErrorCode.item_not_taken, _("Take this item first."))
    raise stale()


def claim_work(db: Session, work: tables.Work, version: int | None) -> None:
    """The same for a work, which nobody takes: only its version counts."""
    query = update(tables.Work).where(tables.Work.id == work.id)
    if version is not None:
        query = query.where(tables.Work.version == version)
    result = db.execute(
        query.values(version=tables.Work.version + 1).execution_options(synchronize_session=False)
    )
    db.refresh(work)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.rollback()
        raise stale()
