"""The outage reports queue: take a report, acknowledge it, link it to the work behind the
fault, and resolve it with a note the customer reads."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from selfcare_tui.api import models
from selfcare_tui.api.models import ErrorCode, FieldError, OutageReportStatus

from ... import convert, tables
from ...contract import NOT_FOUND, answers, refusals
from ...deps import Db, IdPath, IdQuery
from ...desk import Agent, BasedOn, claim, committed, queue, tag
from ...i18n import _
from ...pagination import Cursor, Limit, paginate
from ...problems import not_found, refused
from .requests import HELD

router = APIRouter()


def view(db: Session, report: tables.OutageReport) -> models.DeskOutageReport:
    account = db.get(tables.Account, report.account_number)
    place = db.get(tables.Place, report.place_id)
    assert account is not None and place is not None
    return convert.desk_outage_report(report, account, place.area)


def _report(db: Session, agent: Agent, reference: str) -> tables.OutageReport:
    report = db.get(tables.OutageReport, reference)
    if report is None:
        raise not_found(_("No such outage report."))
    agent.concerns(db, report.account_number)
    return report


@router.get("/outage-reports", response_model=models.Page[models.DeskOutageReport])
def outage_report_queue(
    agent: Agent,
    db: Db,
    status: OutageReportStatus | None = None,
    area: IdQuery = None,
    taken: models.TakenFilter = models.TakenFilter.any,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> models.Page[models.DeskOutageReport]:
    """Customers' outage reports, oldest first; the open and acknowledged ones unless a
    status is given."""
    R = tables.OutageReport
    scope, filters = queue(
        R, tables.OPEN_REPORTS, status and status.value, agent.agent, area, taken
    )
    rows, next_cursor = paginate(
        db,
        scope,
        [R.created_at, R.reference],
        filters=filters,
        cursor=cursor,
        limit=limit,
        descending=False,
    )
    return models.Page(items=[view(db, r) for r in rows], next_cursor=next_cursor)


@router.get("/outage-reports/{reference}", response_model=models.DeskOutageReport)
@answers(NOT_FOUND)
def desk_get_outage_report(
    reference: IdPath, agent: Agent, db: Db, response: Response
) -> models.DeskOutageReport:
    report = _report(db, agent, reference)
    tag(response, report.version)
    return view(db, report)


def _unresolved(report: tables.OutageReport) -> None:
    if report.status == OutageReportStatus.resolved.value:
        raise refused(
            ErrorCode.report_closed, _("This outage report is resolved: it cannot change any more.")
        )


@router.post("/outage-reports/{reference}/take", response_model=models.DeskOutageReport)
@answers(NOT_FOUND, (409, ErrorCode.item_taken))
def take_outage_report(
    reference: IdPath, agent: Agent, db: Db, version: BasedOn, response: Response
) -> models.DeskOutageReport:
    report = _report(db, agent, reference)
    claim(db, report, agent.agent, version, taking=True)
    return view(db, committed(db, report, response))


@router.post("/outage-reports/{reference}/acknowledge", response_model=models.DeskOutageReport)
@answers(NOT_FOUND, *HELD, *refusals(ErrorCode.report_not_open))
def acknowledge_outage_report(
    reference: IdPath, agent: Agent, db: Db, version: BasedOn, response: Response
) -> models.DeskOutageReport:
    """Tell the customer the report is being worked on (status in_progress)."""
    report = _report(db, agent, reference)
    claim(db, report, agent.agent, version)  # first: a refusal below undoes it
    if report.status != OutageReportStatus.open.value:
        raise refused(ErrorCode.report_not_open, _("Only an open report can be acknowledged."))
    report.status = OutageReportStatus.in_progress.value
    return view(db, committed(db, report, response))


@router.post("/outage-reports/{reference}/work", response_model=models.DeskOutageReport)
@answers(
    NOT_FOUND,
    *HELD,
    *refusals(ErrorCode.report_closed, ErrorCode.unknown_work, ErrorCode.work_not_in_area),
)
def link_outage_report(
    reference: IdPath,
    body: models.OutageLink,
    agent: Agent,
    db: Db,
    version: BasedOn,
    response: Response,
) -> models.DeskOutageReport:
    """Link the report to the work behind the fault, which must cover the report's place."""
    report = _report(db, agent, reference)
    claim(db, report, agent.agent, version)  # first: a refusal below undoes it
    _unresolved(report)
    work = db.get(tables.Work, body.work_id)
    if work is None:
        raise refused(
            ErrorCode.unknown_work,
            _("There is no work '{id}'.").format(id=body.work_id),
            errors=[FieldError(field="work_id", code="unknown", message=_("No such work."))],
        )
    place = db.get(tables.Place, report.place_id)
    assert place is not None
    if work.area != place.area:
        raise refused(
            ErrorCode.work_not_in_area,
            _("That work is in {work_area}; the reported place is in {area}.").format(
                work_area=work.area, area=place.area
            ),
            errors=[
                FieldError(field="work_id", code="elsewhere", message=_("Another area's work."))
            ],
        )
    report.work_id = work.id
    return view(db, committed(db, report, response))


@router.post("/outage-reports/{reference}/resolution", response_model=models.DeskOutageReport)
@answers(NOT_FOUND, *HELD, *refusals(ErrorCode.report_closed))
def resolve_outage_report(
    reference: IdPath,
    body: models.OutageResolution,
    agent: Agent,
    db: Db,
    version: BasedOn,
    response: Response,
) -> models.DeskOutageReport:
    """Resolve the report with a note saying what was found and done."""
    report = _report(db, agent, reference)
    claim(db, report, agent.agent, version)  # first: a refusal below undoes it
    _unresolved(report)
    report.status = OutageReportStatus.resolved.value
    report.note = body.note
    return view(db, committed(db, report, response))
