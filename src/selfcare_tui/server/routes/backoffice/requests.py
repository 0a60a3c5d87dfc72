"""The requests queue: take a request, move it through its type's stages, write to the
customer, ask for a document, and close it with a resolution."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from selfcare_tui.api import models
from selfcare_tui.api.models import ErrorCode, FieldError, HistoryKind

from ... import convert, tables
from ...contract import NOT_FOUND, answers, refusals
from ...deps import Config, Db, IdPath, IdQuery
from ...desk import Agent, BasedOn, claim, committed, queue, tag
from ...i18n import _
from ...pagination import Cursor, Limit, paginate
from ...problems import not_found, refused
from ...request_rules import OPEN_STATUSES
from ...settings import Settings

router = APIRouter()


def _type_of(db: Session, request: tables.Request) -> tables.RequestType:
    rtype = db.get(tables.RequestType, request.type_code)
    assert rtype is not None
    return rtype


def _area(db: Session, request: tables.Request) -> str | None:
    if request.place_id is None:
        return None
    place = db.get(tables.Place, request.place_id)
    return place.area if place else None


def view(db: Session, request: tables.Request) -> models.DeskRequest:
    account = db.get(tables.Account, request.account_number)
    assert account is not None
    return convert.desk_request(request, _type_of(db, request), account, _area(db, request))


def _request(db: Session, agent: Agent, request_id: str) -> tables.Request:
    request = db.get(tables.Request, request_id)
    if request is None or request.status == "draft":  # a draft is the customer's own still
        raise not_found(_("No such request."))
    agent.concerns(db, request.account_number)
    return request


@router.get("/requests", response_model=models.Page[models.DeskRequest])
def request_queue(
    agent: Agent,
    db: Db,
    settings: Config,
    status: Annotated[
        models.RequestStatus | None,
        Query(description="Open requests (submitted or in progress) when not given."),
    ] = None,
    type_code: IdQuery = None,
    stage: IdQuery = None,
    area: IdQuery = None,
    place_id: IdQuery = None,
    older_than_days: Annotated[int | None, Query(ge=0, le=36500)] = None,
    taken: models.TakenFilter = models.TakenFilter.any,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> models.Page[models.DeskRequest]:
    """Customers' requests, oldest first: the work queue of the utility's agents."""
    R = tables.Request
    if status is models.RequestStatus.draft:
        return models.Page(items=[])  # a draft is the customer's own until they submit it
    scope, filters = queue(
        R, tables.OPEN_REQUESTS, status and status.value, agent.agent, area, taken
    )
    filters += [
        *([R.type_code == type_code] if type_code else []),
        *([R.stage == stage] if stage else []),
        *([R.place_id == place_id] if place_id else []),
        *(
            [R.created_at <= settings.now() - dt.timedelta(days=older_than_days)]
            if older_than_days
            else []
        ),
    ]
    rows, next_cursor = paginate(
        db,
        scope,
        [R.created_at, R.id],
        filters=filters,
        cursor=cursor,
        limit=limit,
        descending=False,
    )
    return models.Page(items=[view(db, r) for r in rows], next_cursor=next_cursor)


@router.get("/requests/{request_id}", response_model=models.DeskRequest)
@answers(NOT_FOUND)
def desk_get_request(
    request_id: IdPath, agent: Agent, db: Db, response: Response
) -> models.DeskRequest:
    request = _request(db, agent, request_id)
    tag(response, request.version)
    return view(db, request)


def _history(
    db: Session,
    settings: Settings,
    request: tables.Request,
    kind: HistoryKind,
    note: str | None,
    document_code: str | None = None,
) -> None:
    db.add(
        tables.RequestHistory(
            request_id=request.id,
            status=request.status,
            stage=request.stage,
            at=settings.now(),
            note=note,
            kind=kind.value,
            document_code=document_code,
        )
    )


def _open(request: tables.Request) -> None:
    if request.status not in OPEN_STATUSES:
        raise refused(
            ErrorCode.request_closed,
            _("This request is closed: it cannot change any more."),
        )


@router.post("/requests/{request_id}/take", response_model=models.DeskRequest)
@answers(NOT_FOUND, (409, ErrorCode.item_taken))
def take_request(
    request_id: IdPath, agent: Agent, db: Db, version: BasedOn, response: Response
) -> models.DeskRequest:
    """Take the request: from now on only you change it. Two agents at once: one gets it."""
    request = _request(db, agent, request_id)
    claim(db, request, agent.agent, version, taking=True)
    return view(db, committed(db, request, response))


HELD = ((409, ErrorCode.item_taken), (409, ErrorCode.item_not_taken))
"""What a change of an item answers when the caller does not hold it."""


@router.post("/requests/{request_id}/stage", response_model=models.DeskRequest)
@answers(
    NOT_FOUND,
    *HELD,
    *refusals(ErrorCode.request_closed, ErrorCode.unknown_stage, ErrorCode.stage_not_allowed),
)
def move_request(
    request_id: IdPath,
    body: models.StageMove,
    agent: Agent,
    db: Db,
    settings: Config,
    version: BasedOn,
    response: Response,
) -> models.DeskRequest:
    """Move the request to the next stage its type publishes in the request guide."""
    request = _request(db, agent, request_id)
    claim(db, request, agent.agent, version)  # first: a refusal below undoes it
    _open(request)
    stages = list(_type_of(db, request).stages)
    if body.stage not in stages:
        raise refused(
            ErrorCode.unknown_stage,
            _("A request of this type has these stages: {stages}.").format(
                stages=", ".join(stages)
            ),
            errors=[
                FieldError(field="stage", code="unknown", message=_("Not a stage of this type."))
            ],
        )
    at = stages.index(request.stage) if request.stage in stages else -1
    following = stages[at + 1] if at + 1 < len(stages) else None
    if body.stage != following:
        detail = (
            _("From '{current}' the request moves on to '{next}' only.").format(
                current=request.stage, next=following
            )
            if following
            else _("The request is at its last stage; resolve it.")
        )
        raise refused(
            ErrorCode.stage_not_allowed,
            detail,
            errors=[FieldError(field="stage", code="not_next", message=detail)],
        )
    request.stage = body.stage
    request.status = models.RequestStatus.in_progress.value
    _history(db, settings, request, HistoryKind.status, body.note)
    return view(db, committed(db, request, response))


@router.post("/requests/{request_id}/messages", response_model=models.DeskRequest)
@answers(NOT_FOUND, *HELD, *refusals(ErrorCode.request_closed))
def message_request(
    request_id: IdPath,
    body: models.DeskMessage,
    agent: Agent,
    db: Db,
    settings: Config,
    version: BasedOn,
    response: Response,
) -> models.DeskRequest:
    """Write to the customer; the message shows in the request's history."""
    request = _request(db, agent, request_id)
    claim(db, request, agent.agent, version)  # first: a refusal below undoes it
    _open(request)
    _history(db, settings, request, HistoryKind.message, body.text)
    return view(db, committed(db, request, response))


@router.post("/requests/{request_id}/document-requests", response_model=models.DeskRequest)
@answers(NOT_FOUND, *HELD, *refusals(ErrorCode.request_closed, ErrorCode.unknown_document))
def ask_for_document(
    request_id: IdPath,
    body: models.DocumentAsk,
    agent: Agent,
    db: Db,
    settings: Config,
    version: BasedOn,
    response: Response,
) -> models.DeskRequest:
    """Ask the customer for a document, which they may then attach to the submitted request."""
    request = _request(db, agent, request_id)
    claim(db, request, agent.agent, version)  # first: a refusal below undoes it
    _open(request)
    rtype = _type_of(db, request)
    codes = [d["code"] for d in rtype.documents] + [convert.OTHER_DOCUMENT]
    if body.document_code not in codes:
        raise refused(
            ErrorCode.unknown_document,
            _("This request type takes these documents: {codes}.").format(codes=", ".join(codes)),
            errors=[
                FieldError(
                    field="document_code", code="unknown", message=_("Not a document of this type.")
                )
            ],
        )
    if body.document_code not in request.requested_documents:
        request.requested_documents = [*request.requested_documents, body.document_code]
    _history(db, settings, request, HistoryKind.document_requested, body.note, body.document_code)
    return view(db, committed(db, request, response))


@router.post("/requests/{request_id}/resolution", response_model=models.DeskRequest)
@answers(NOT_FOUND, *HELD, *refusals(ErrorCode.request_closed))
def resolve_request(
    request_id: IdPath,
    body: models.RequestResolution,
    agent: Agent,
    db: Db,
    settings: Config,
    version: BasedOn,
    response: Response,
) -> models.DeskRequest:
    """Close the request, completed (at its type's last stage) or rejected, with the answer."""
    request = _request(db, agent, request_id)
    claim(db, request, agent.agent, version)  # first: a refusal below undoes it
    _open(request)
    stages = list(_type_of(db, request).stages)
    if body.outcome is models.RequestOutcome.completed and stages:
        request.stage = stages[-1]
    request.status = body.outcome.value
    request.requested_documents = []
    _history(db, settings, request, HistoryKind.status, body.note)
    return view(db, committed(db, request, response))
