"""How much waits in each work queue: the first thing the agents' desk shows."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import func, select, text

from selfcare_tui.api import models

from ... import tables
from ...deps import Db
from ...desk import Agent

router = APIRouter()


@router.get("/queues", response_model=models.QueueCounts)
def queue_counts(agent: Agent, db: Db) -> models.QueueCounts:
    R, Rep = tables.Request, tables.OutageReport
    open_requests = select(R).where(text(tables.OPEN_REQUESTS)).subquery()
    rows = db.execute(
        select(
            open_requests.c.type_code,
            open_requests.c.stage,
            open_requests.c.holder_id,
            func.count(),
        ).group_by(open_requests.c.type_code, open_requests.c.stage, open_requests.c.holder_id)
    ).all()
    by_type: dict[str, int] = {}
    by_stage: dict[str, int] = {}
    untaken = mine = 0
    for type_code, stage, holder_id, count in rows:
        by_type[type_code] = by_type.get(type_code, 0) + count
        if stage is not None:
            by_stage[stage] = by_stage.get(stage, 0) + count
        untaken += count if holder_id is None else 0
        mine += count if holder_id == agent.agent.id else 0
    reports = db.execute(
        select(Rep.status, Rep.holder_id == agent.agent.id, func.count())
        .where(text(tables.OPEN_REPORTS))
        .group_by(Rep.status, Rep.holder_id == agent.agent.id)
    ).all()
    return models.QueueCounts(
        requests_open=sum(by_type.values()),
        requests_untaken=untaken,
        requests_mine=mine,
        requests_by_type=dict(sorted(by_type.items())),
        requests_by_stage=dict(sorted(by_stage.items())),
        outage_reports_open=sum(c for status, _, c in reports if status == "open"),
        outage_reports_in_progress=sum(c for status, _, c in reports if status == "in_progress"),
        outage_reports_mine=sum(c for _, held, c in reports if held),
    )
