"""The holder's view of the audit log: who from the utility opened the account, and when."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select

from selfcare_tui.api import models

from .. import tables
from ..access_log import summary
from ..deps import Db, OwnerOnly
from ..pagination import Cursor, Limit, paginate
from .backoffice.audit import entry_cursor

router = APIRouter(tags=["accounts"])


@router.get(
    "/accounts/{number:account_number}/access-log",
    response_model=models.Page[models.AccessLogEntry],
)
def access_log(
    request: Request, grant: OwnerOnly, db: Db, cursor: Cursor = None, limit: Limit = 50
) -> models.Page[models.AccessLogEntry]:
    """Every time a support agent opened or changed the account, newest first."""
    A = tables.AuditEntry
    rows, next_cursor = paginate(
        db,
        select(A).where(A.account_number == grant.account.number),
        [A.id],
        cursor=entry_cursor(cursor),  # type: ignore[arg-type]
        limit=limit,
    )
    return models.Page(
        items=[
            models.AccessLogEntry(
                at=e.at,
                agent_name=e.agent.display_name,
                operation=e.operation,
                summary=summary(request.app, e.operation, e.action),
            )
            for e in rows
        ],
        next_cursor=next_cursor,
    )
