"""Planned and accidental works, and outage reports with the rules of source S0."""

from __future__ import annotations

import datetime as dt
import secrets

from fastapi import APIRouter, Response
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from selfcare_tui.api import models
from selfcare_tui.api.models import ErrorCode

from .. import convert, tables
from ..contract import NOT_FOUND, answers, refusals
from ..deps import CanRequest, CanView, Config, CurrentUser, Db, IdPath, IdQuery
from ..i18n import N_, _, format_date
from ..idempotency import IdempotencyKey, fingerprint, run_once
from ..pagination import Cursor, Limit, paginate
from ..problems import ApiProblem
from ..settings import Settings
from .places import place_of

router = APIRouter(tags=["outages"])


@router.get("/works", response_model=models.Page[models.Work])
def list_public_works(
    db: Db,
    settings: Config,
    area: IdQuery = None,
    include_past: bool = False,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> models.Page[models.Work]:
    """Announced interruptions by area; public, like the utility's outage map."""
    W = tables.Work
    filters = [
        *([W.area == area] if area else []),
        *([] if include_past else [W.ends_at > settings.now()]),
    ]
    rows, next_cursor = paginate(
        db,
        select(W),
        [W.starts_at, W.id],
        filters=filters,
        cursor=cursor,
        limit=limit,
        descending=False,
    )
    return models.Page(items=[convert.work(w) for w in rows], next_cursor=next_cursor)


@router.get("/accounts/{number:account_number}/works", response_model=models.Page[models.Work])
def list_account_works(
    grant: CanView, db: Db, settings: Config, include_past: bool = False
) -> models.Page[models.Work]:
    """Works touching the account's places: current ones first, then upcoming by start."""
    places = list(
        db.scalars(select(tables.Place).where(tables.Place.account_number == grant.account.number))
    )
    by_area: dict[str, list[str]] = {}
    for p in places:
        by_area.setdefault(p.area, []).append(p.id)
    query = select(tables.Work).where(tables.Work.area.in_(list(by_area)))
    now = settings.now()
    if not include_past:
        query = query.where(tables.Work.ends_at > now)

    # Ended works (include_past) go last, most recent first, never among the current ones.
    def order(w: tables.Work) -> tuple[int, float, str]:
        if w.ends_at <= now:
            return 2, -w.ends_at.timestamp(), w.id
        return (0 if w.starts_at <= now else 1), w.starts_at.timestamp(), w.id

    works = sorted(db.scalars(query), key=order)
    return models.Page(items=[convert.work(w, by_area[w.area]) for w in works])


def _moment(at: dt.datetime) -> str:
    return _("{day} {time}").format(day=format_date(at.date()), time=f"{at:%H:%M}")


def _window(work: tables.Work) -> str:
    return _("{starts} to {ends} UTC").format(
        starts=_moment(work.starts_at), ends=_moment(work.ends_at)
    )


_WORK_COVERS = {
    models.WorkKind.planned.value: N_(
        "Planned work covers this place now ({window}): {description}"
    ),
    models.WorkKind.accidental.value: N_(
        "Accidental work covers this place now ({window}): {description}"
    ),
}
"""One whole sentence per kind of work, so a translator can say each one naturally."""

_ALREADY_REPORTED = {
    models.OutageReportStatus.open.value: N_(
        "An outage at this place is already reported under {reference} (open)."
    ),
    models.OutageReportStatus.in_progress.value: N_(
        "An outage at this place is already reported under {reference} (in_progress)."
    ),
    models.OutageReportStatus.resolved.value: N_(
        "An outage at this place is already reported under {reference} (resolved)."
    ),
}


OUTAGE_REFUSALS = (
    ErrorCode.place_disconnected,
    ErrorCode.work_in_progress,
    ErrorCode.outage_already_reported,
)
"""What `eligibility` can say no with; a report it refuses answers 409 with the code."""


def eligibility(db: Session, settings: Settings, place: tables.Place) -> models.OutageEligibility:
    """Whether a report may be made for the place now; if not, which item blocks it (S0)."""
    if place.state == "disconnected":
        return models.OutageEligibility(
            allowed=False,
            code=ErrorCode.place_disconnected,
            message=_(
                "This place is disconnected under its contract, so there is no supply to "
                "report as interrupted."
            ),
        )
    now = settings.now()
    work = db.scalars(
        select(tables.Work)
        .where(
            tables.Work.area == place.area, tables.Work.starts_at <= now, tables.Work.ends_at > now
        )
        .order_by(tables.Work.ends_at)
    ).first()
    if work is not None:
        return models.OutageEligibility(
            allowed=False,
            code=ErrorCode.work_in_progress,
            message=_(_WORK_COVERS[work.kind]).format(
                window=_window(work), description=work.description
            ),
            blocking={
                "kind": "work",
                "id": work.id,
                "work_kind": work.kind,
                "starts_at": work.starts_at.isoformat(),
                "ends_at": work.ends_at.isoformat(),
            },
        )
    report = db.scalars(
        select(tables.OutageReport).where(
            tables.OutageReport.place_id == place.id, tables.OutageReport.status != "resolved"
        )
    ).first()
    if report is not None:
        return models.OutageEligibility(
            allowed=False,
            code=ErrorCode.outage_already_reported,
            message=_(_ALREADY_REPORTED[report.status]).format(reference=report.reference),
            blocking={"kind": "outage_report", "id": report.reference, "status": report.status},
        )
    return models.OutageEligibility(allowed=True)


@router.get(
    "/accounts/{number:account_number}/places/{place_id}/outage-eligibility",
    response_model=models.OutageEligibility,
)
@answers(NOT_FOUND)
def get_eligibility(
    place_id: IdPath, grant: CanView, db: Db, settings: Config
) -> models.OutageEligibility:
    return eligibility(db, settings, place_of(db, grant.account.number, place_id))


@router.get(
    "/accounts/{number:account_number}/outage-reports",
    response_model=models.Page[models.OutageReport],
)
def list_reports(
    grant: CanView,
    db: Db,
    status: models.OutageReportStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> models.Page[models.OutageReport]:
    R = tables.OutageReport
    rows, next_cursor = paginate(
        db,
        select(R).where(R.account_number == grant.account.number),
        [R.created_at, R.reference],
        filters=[R.status == status.value] if status else [],
        cursor=cursor,
        limit=limit,
    )
    return models.Page(items=[convert.outage_report(r) for r in rows], next_cursor=next_cursor)


@router.post(
    "/accounts/{number:account_number}/outage-reports",
    response_model=models.OutageReport,
    status_code=201,
)
@answers(NOT_FOUND, *refusals(*OUTAGE_REFUSALS, status=409))
def report_outage(
    body: models.OutageReportCreate,
    grant: CanRequest,
    db: Db,
    settings: Config,
    user: CurrentUser,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    place = place_of(db, grant.account.number, body.place_id)

    def create() -> models.OutageReport:
        # Check and insert under a write lock on the place (a row lock on PostgreSQL, the write
        # lock on SQLite), so simultaneous reports for one place cannot all pass the check.
        db.execute(
            update(tables.Place)
            .where(tables.Place.id == place.id)
            .values(state=tables.Place.state)
            .execution_options(synchronize_session=False)
        )
        verdict = eligibility(db, settings, place)
        if not verdict.allowed:
            assert verdict.code is not None
            raise ApiProblem(409, verdict.code, verdict.message or "", blocking=verdict.blocking)
        report = tables.OutageReport(
            reference=f"OR{secrets.randbelow(9 * 10**7) + 10**7}",
            account_number=grant.account.number,
            place_id=place.id,
            description=body.description,
            contact_phone=body.contact_phone,
            status="open",
            created_at=settings.now(),
        )
        db.add(report)
        return convert.outage_report(report)

    return run_once(
        db,
        settings,
        principal=str(user.id),
        key=idempotency_key,
        request_hash=fingerprint(grant.account.number, "outage", body.model_dump_json()),
        create=create,
    )
