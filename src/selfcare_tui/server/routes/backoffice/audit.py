"""The audit log: every back-office call and every agent access to an account."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime
from sqlalchemy import select

from selfcare_tui.api import models
from selfcare_tui.api.models import ACCOUNT_NUMBER_PATTERN

from ... import tables
from ...deps import Db, IdQuery, text_query
from ...desk import Agent
from ...pagination import Cursor, Limit, paginate

router = APIRouter()


def record(entry: tables.AuditEntry) -> models.AuditRecord:
    return models.AuditRecord(
        id=str(entry.id),
        at=entry.at,
        agent_username=entry.agent.username,
        agent_name=entry.agent.display_name,
        account_number=entry.account_number,
        operation=entry.operation,
        action=entry.action,
    )


def entry_cursor(cursor: str | None) -> int | None:
    """The cursor as the entry's number; one that cannot be one names no entry (0)."""
    if cursor is None:
        return None
    return int(cursor) if cursor.isdigit() and len(cursor) < 18 else 0


@router.get("/audit", response_model=models.Page[models.AuditRecord])
def list_audit(
    agent: Agent,
    db: Db,
    account_number: Annotated[str | None, Query(pattern=ACCOUNT_NUMBER_PATTERN)] = None,
    agent_username: Annotated[str | None, text_query(150, "The agent's username.")] = None,
    operation: IdQuery = None,
    since: AwareDatetime | None = None,
    until: AwareDatetime | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> models.Page[models.AuditRecord]:
    """Newest first, narrowed by account, agent, operation and time (since inclusive, until
    exclusive)."""
    A = tables.AuditEntry
    filters = [
        *([A.account_number == account_number] if account_number else []),
        *(
            [A.agent_id.in_(select(tables.User.id).where(tables.User.username == agent_username))]
            if agent_username
            else []
        ),
        *([A.operation == operation] if operation else []),
        *([A.at >= since] if since else []),
        *([A.at < until] if until else []),
    ]
    rows, next_cursor = paginate(
        db,
        select(A),
        [A.id],
        filters=filters,
        cursor=entry_cursor(cursor),  # type: ignore[arg-type]
        limit=limit,
    )
    return models.Page(items=[record(e) for e in rows], next_cursor=next_cursor)
