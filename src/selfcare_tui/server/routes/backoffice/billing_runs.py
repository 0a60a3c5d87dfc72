"""The monthly billing run from the back office: started here, run after the answer, watched
by its month (a run of 100,000 customers outlasts any HTTP timeout)."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Path, Request, Response

from selfcare_tui.api import models
from selfcare_tui.api.models import BILLING_MONTH_PATTERN, ErrorCode

from ... import billing_run, tables
from ...contract import NOT_FOUND, answers, refusals
from ...deps import Config, Db
from ...desk import Agent
from ...i18n import _
from ...problems import not_found

router = APIRouter()


@router.post("/billing-runs", response_model=models.BillingRun, status_code=202)
@answers(
    *refusals(ErrorCode.billing_run_too_early),
    *refusals(ErrorCode.billing_run_running, status=409),
)
def start_billing_run(
    body: models.BillingRunStart,
    agent: Agent,
    db: Db,
    settings: Config,
    request: Request,
    response: Response,
    background: BackgroundTasks,
) -> models.BillingRun:
    """Issue the month's invoices (for the month before it) and the overdue reminders.

    Answers at once with the run; follow it at its Location. Running a month again issues
    only what is missing; while it runs, another start is refused.
    """
    run = billing_run.claim(db, settings, body.month, agent.agent.id)
    background.add_task(billing_run.execute, request.app.state.sessions, settings, body.month)
    response.headers["Location"] = f"{request.url.path}/{body.month}"
    return billing_run.as_model(settings, run)


@router.get("/billing-runs/{month}", response_model=models.BillingRun)
@answers(NOT_FOUND)
def get_billing_run(
    month: str = Path(pattern=BILLING_MONTH_PATTERN),
    *,
    agent: Agent,
    db: Db,
    settings: Config,
) -> models.BillingRun:
    run = db.get(tables.BillingRun, month)
    if run is None:
        raise not_found(_("No billing run of that month."))
    return billing_run.as_model(settings, run)
