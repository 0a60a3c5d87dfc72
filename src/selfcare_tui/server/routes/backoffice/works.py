"""Publishing planned and accidental works: customers with places in the area see them at
once, and the outage-report rules count them from the same rows."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from selfcare_tui.api import models
from selfcare_tui.api.models import ErrorCode, FieldError

from ... import convert, tables
from ...contract import NOT_FOUND, answers, refusals
from ...deps import Config, Db, IdPath
from ...desk import Agent, BasedOn, claim_work, committed, tag
from ...i18n import _
from ...idempotency import IdempotencyKey, fingerprint, run_once
from ...problems import not_found, refused
from ...security import new_id
from ...settings import Settings

router = APIRouter()


def _window(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        message = _("The work must end after it starts.")
        raise refused(
            ErrorCode.work_window_invalid,
            message,
            errors=[FieldError(field="ends_at", code="before_start", message=message)],
        )


def _work(db: Session, work_id: str) -> tables.Work:
    work = db.get(tables.Work, work_id)
    if work is None:
        raise not_found(_("No such work."))
    return work


def _running(settings: Settings, work: tables.Work) -> None:
    if work.ends_at <= settings.now():
        raise refused(ErrorCode.work_ended, _("This work has ended: it cannot change any more."))


@router.post("/works", response_model=models.DeskWork, status_code=201)
@answers(*refusals(ErrorCode.work_window_invalid))
def publish_work(
    body: models.WorkCreate,
    agent: Agent,
    db: Db,
    settings: Config,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Announce a work in an area with its window."""
    _window(body.starts_at, body.ends_at)

    def create() -> models.DeskWork:
        work = tables.Work(
            id=new_id("WK"),
            kind=body.kind.value,
            area=body.area,
            description=body.description,
            starts_at=body.starts_at,
            ends_at=body.ends_at,
            version=1,
        )
        db.add(work)
        return convert.desk_work(work)

    answer = run_once(
        db,
        settings,
        principal=str(agent.agent.id),
        key=idempotency_key,
        request_hash=fingerprint("work", body.model_dump_json()),
        create=create,
    )
    tag(answer, models.DeskWork.model_validate_json(bytes(answer.body)).version)  # a replay's too
    return answer


@router.get("/works/{work_id}", response_model=models.DeskWork)
@answers(NOT_FOUND)
def desk_get_work(work_id: IdPath, agent: Agent, db: Db, response: Response) -> models.DeskWork:
    work = _work(db, work_id)
    tag(response, work.version)
    return convert.desk_work(work)


@router.patch("/works/{work_id}", response_model=models.DeskWork)
@answers(NOT_FOUND, *refusals(ErrorCode.work_ended, ErrorCode.work_window_invalid))
def change_work(
    work_id: IdPath,
    body: models.WorkChange,
    agent: Agent,
    db: Db,
    settings: Config,
    version: BasedOn,
    response: Response,
) -> models.DeskWork:
    """Change a work's description or window; only what is given changes."""
    work = _work(db, work_id)
    claim_work(db, work, version)  # first: a refusal below undoes it
    _running(settings, work)
    starts_at = body.starts_at or work.starts_at
    ends_at = body.ends_at or work.ends_at
    _window(starts_at, ends_at)
    work.starts_at, work.ends_at = starts_at, ends_at
    if body.description is not None:
        work.description = body.description
    return convert.desk_work(committed(db, work, response))


@router.post("/works/{work_id}/end", response_model=models.DeskWork)
@answers(NOT_FOUND, *refusals(ErrorCode.work_ended))
def end_work(
    work_id: IdPath,
    agent: Agent,
    db: Db,
    settings: Config,
    version: BasedOn,
    response: Response,
) -> models.DeskWork:
    """End the work now; one that has not started yet is called off: its window shrinks to
    this moment, so it covers nothing and lists among the past works."""
    work = _work(db, work_id)
    claim_work(db, work, version)  # first: a refusal below undoes it
    _running(settings, work)
    now = settings.now()
    work.starts_at = min(work.starts_at, now)
    work.ends_at = now
    return convert.desk_work(committed(db, work, response))
