"""Outage reports and works: the refusals of source S0, each naming what blocks the report."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

import pytest

from selfcare_tui.api import SelfcareClient
from selfcare_tui.api.errors import PermissionDenied, RuleViolation
from selfcare_tui.api.models import (
    ErrorCode,
    OutageReportStatus,
    PlaceState,
    Work,
    WorkKind,
)
from selfcare_tui.server.demo import BUSINESS_ACCOUNT, COTTAGE_ACCOUNT, FLAT_ACCOUNT
from selfcare_tui.server.routes.outages import eligibility

from ..support.live_server import NOW, LiveServer
from ..support.outages_scenarios import flat_place, report

pytestmark = pytest.mark.anyio

ACCIDENT_AREA = "AREA-HARJU-7"
FLAT_AREA = "AREA-TALLINN-3"


async def planned_flat_work(client: SelfcareClient) -> Work:
    (work,) = await client.works(FLAT_ACCOUNT)
    assert work.kind is WorkKind.planned and work.starts_at.date() == NOW.date() + dt.timedelta(3)
    return work


async def test_report_for_an_allowed_place_then_refuse_a_second(maria: SelfcareClient) -> None:
    """The flat's planned work is 3 days away, so a report is allowed now, but only once."""
    place = await flat_place(maria)
    verdict = await maria.outage_eligibility(FLAT_ACCOUNT, place.id)
    assert verdict.allowed and verdict.code is None and verdict.blocking is None

    created = await maria.report_outage(FLAT_ACCOUNT, report(place))

    assert created.reference.startswith("OR")
    assert created.place_id == place.id and created.status is OutageReportStatus.open
    assert created.created_at == NOW
    listed = [r async for r in maria.iter_outage_reports(FLAT_ACCOUNT)]
    assert listed == [created]
    opened = [r async for r in maria.iter_outage_reports(FLAT_ACCOUNT, status=created.status)]
    assert opened == [created]
    resolved = OutageReportStatus.resolved
    assert [r async for r in maria.iter_outage_reports(FLAT_ACCOUNT, status=resolved)] == []

    with pytest.raises(RuleViolation) as refused:
        await maria.report_outage(FLAT_ACCOUNT, report(place, "Still no power."))
    assert refused.value.code is ErrorCode.outage_already_reported
    assert refused.value.status == 409
    assert refused.value.problem.blocking == {
        "kind": "outage_report",
        "id": created.reference,
        "status": "open",
    }
    assert created.reference in refused.value.message
    now = await maria.outage_eligibility(FLAT_ACCOUNT, place.id)
    assert not now.allowed and now.code is ErrorCode.outage_already_reported
    assert now.blocking == refused.value.problem.blocking
    assert len([r async for r in maria.iter_outage_reports(FLAT_ACCOUNT)]) == 1


async def test_disconnected_place_is_refused(acme: SelfcareClient) -> None:
    (place,) = [
        p for p in await acme.places(BUSINESS_ACCOUNT) if p.state is PlaceState.disconnected
    ]
    before = [r async for r in acme.iter_outage_reports(BUSINESS_ACCOUNT)]

    verdict = await acme.outage_eligibility(BUSINESS_ACCOUNT, place.id)
    assert not verdict.allowed and verdict.code is ErrorCode.place_disconnected
    assert verdict.message and "disconnected" in verdict.message
    with pytest.raises(RuleViolation) as refused:
        await acme.report_outage(BUSINESS_ACCOUNT, report(place))
    assert refused.value.code is ErrorCode.place_disconnected
    assert [r async for r in acme.iter_outage_reports(BUSINESS_ACCOUNT)] == before


async def test_place_under_an_accidental_work_is_refused_with_the_work(
    acme: SelfcareClient,
) -> None:
    """The refusal names the work and its window, so the user knows when supply returns."""
    (place,) = [p for p in await acme.places(BUSINESS_ACCOUNT) if p.area == ACCIDENT_AREA]
    (work,) = [w for w in await acme.works(BUSINESS_ACCOUNT) if w.kind is WorkKind.accidental]
    assert work.starts_at <= NOW < work.ends_at and work.place_ids == [place.id]
    expected = {
        "kind": "work",
        "id": work.id,
        "work_kind": "accidental",
        "starts_at": work.starts_at.isoformat(),
        "ends_at": work.ends_at.isoformat(),
    }

    verdict = await acme.outage_eligibility(BUSINESS_ACCOUNT, place.id)
    assert not verdict.allowed and verdict.code is ErrorCode.work_in_progress
    assert verdict.blocking == expected
    with pytest.raises(RuleViolation) as refused:
        await acme.report_outage(BUSINESS_ACCOUNT, report(place))
    assert refused.value.code is ErrorCode.work_in_progress
    assert refused.value.problem.blocking == expected


async def test_place_with_an_open_report_is_refused(acme: SelfcareClient) -> None:
    (existing,) = [r async for r in acme.iter_outage_reports(BUSINESS_ACCOUNT)]
    assert existing.status is OutageReportStatus.open
    verdict = await acme.outage_eligibility(BUSINESS_ACCOUNT, existing.place_id)
    assert verdict.code is ErrorCode.outage_already_reported
    assert verdict.blocking == {"kind": "outage_report", "id": existing.reference, "status": "open"}


async def test_planned_work_blocks_reports_inside_its_window_only(
    live_server: LiveServer, maria: SelfcareClient
) -> None:
    """At the start the work covers the place; at the end it no longer does."""
    place = await flat_place(maria)
    work = await planned_flat_work(maria)

    live_server.clock.frozen = work.starts_at - dt.timedelta(seconds=1)
    assert (await maria.outage_eligibility(FLAT_ACCOUNT, place.id)).allowed

    for moment in (work.starts_at, work.starts_at + dt.timedelta(hours=1)):
        live_server.clock.frozen = moment
        verdict = await maria.outage_eligibility(FLAT_ACCOUNT, place.id)
        assert verdict.code is ErrorCode.work_in_progress
        assert verdict.blocking is not None
        assert verdict.blocking["id"] == work.id and verdict.blocking["work_kind"] == "planned"
        with pytest.raises(RuleViolation) as refused:
            await maria.report_outage(FLAT_ACCOUNT, report(place))
        assert refused.value.code is ErrorCode.work_in_progress
        assert refused.value.problem.blocking == verdict.blocking
    assert (await maria.works(FLAT_ACCOUNT))[0].id == work.id  # current first

    live_server.clock.frozen = work.ends_at
    assert (await maria.outage_eligibility(FLAT_ACCOUNT, place.id)).allowed
    assert [r async for r in maria.iter_outage_reports(FLAT_ACCOUNT)] == []


async def test_retry_with_the_same_key_creates_one_report(maria: SelfcareClient) -> None:
    place = await flat_place(maria)
    first = await maria.report_outage(FLAT_ACCOUNT, report(place), idempotency_key="outage-1")
    again = await maria.report_outage(FLAT_ACCOUNT, report(place), idempotency_key="outage-1")

    assert again == first  # the stored answer, not an outage_already_reported refusal
    assert [r.reference async for r in maria.iter_outage_reports(FLAT_ACCOUNT)] == [first.reference]
    with pytest.raises(RuleViolation) as reused:
        await maria.report_outage(
            FLAT_ACCOUNT, report(place, "Something else"), idempotency_key="outage-1"
        )
    assert reused.value.code is ErrorCode.idempotency_key_reused


async def test_simultaneous_reports_for_one_place_create_one(
    maria: SelfcareClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two devices reporting at once (different keys): the rule holds, one report is made."""

    def slow_eligibility(*args: Any, **kwargs: Any) -> Any:
        verdict = eligibility(*args, **kwargs)
        time.sleep(0.2)  # widen the window between checking and storing
        return verdict

    # The server runs in this process, so its rule check can be slowed down from here.
    monkeypatch.setattr("selfcare_tui.server.routes.outages.eligibility", slow_eligibility)
    place = await flat_place(maria)

    outcomes = await asyncio.gather(
        *(maria.report_outage(FLAT_ACCOUNT, report(place)) for _ in range(3)),
        return_exceptions=True,
    )

    refusals = [o for o in outcomes if isinstance(o, RuleViolation)]
    assert len(refusals) == 2, outcomes
    assert {r.code for r in refusals} == {ErrorCode.outage_already_reported}
    assert len([r async for r in maria.iter_outage_reports(FLAT_ACCOUNT)]) == 1


async def test_delegate_without_requests_scope_cannot_report(live_server: LiveServer) -> None:
    """Jaan may view maria's flat (so may ask whether a report is possible) but not report."""
    jaan = await live_server.login("jaan")
    async with jaan:
        place = await flat_place(jaan)
        assert (await jaan.outage_eligibility(FLAT_ACCOUNT, place.id)).allowed
        with pytest.raises(PermissionDenied) as denied:
            await jaan.report_outage(FLAT_ACCOUNT, report(place))
    assert denied.value.code is ErrorCode.scope_missing


async def test_public_works(live_server: LiveServer, anonymous: SelfcareClient) -> None:
    """Announced works without login: not yet ended, by start; past ones drop out."""
    works = [w async for w in anonymous.iter_public_works()]

    assert [(w.kind, w.area) for w in works] == [
        (WorkKind.accidental, ACCIDENT_AREA),
        (WorkKind.planned, FLAT_AREA),
        (WorkKind.planned, "AREA-NARVA-4"),
    ]
    assert all(w.ends_at > NOW for w in works)
    assert all(w.place_ids == [] for w in works)  # nobody's places in a public list
    in_area = [w async for w in anonymous.iter_public_works(area=FLAT_AREA)]
    assert [w.id for w in in_area] == [works[1].id]
    assert [w async for w in anonymous.iter_public_works(area="AREA-NOWHERE")] == []

    live_server.clock.frozen = works[0].ends_at
    assert [w.id async for w in anonymous.iter_public_works()] == [w.id for w in works[1:]]


async def test_account_works_current_first(acme: SelfcareClient, maria: SelfcareClient) -> None:
    """Current works first, then upcoming by start; ended ones only on request, and last."""
    places = {p.area: p.id for p in await acme.places(BUSINESS_ACCOUNT)}
    current = await acme.works(BUSINESS_ACCOUNT)

    assert [(w.kind, w.area) for w in current] == [
        (WorkKind.accidental, ACCIDENT_AREA),
        (WorkKind.planned, FLAT_AREA),
    ]
    assert current[0].starts_at <= NOW < current[0].ends_at
    assert current[0].place_ids == [places[ACCIDENT_AREA]]
    flat_area_sites = sorted(
        p.id for p in await acme.places(BUSINESS_ACCOUNT) if p.area == FLAT_AREA
    )
    assert sorted(current[1].place_ids) == flat_area_sites

    with_past = await acme.works(BUSINESS_ACCOUNT, include_past=True)
    assert with_past[:2] == current
    (past,) = with_past[2:]
    assert past.ends_at <= NOW and past.area == FLAT_AREA

    flat = await maria.works(FLAT_ACCOUNT)
    assert [w.id for w in flat] == [current[1].id]
    assert flat[0].place_ids == [(await flat_place(maria)).id]
    assert [w.id for w in await maria.works(FLAT_ACCOUNT, include_past=True)] == [
        current[1].id,
        past.id,
    ]
    assert await maria.works(COTTAGE_ACCOUNT, include_past=True) == []
