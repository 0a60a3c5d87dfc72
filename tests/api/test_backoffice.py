"""The utility's side over real HTTP: work queues, taking an item, moving a request through
its type's stages, messages and asked-for documents, outage reports, works, the audit log and
the holder's access log."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from selfcare_tui.api import SelfcareClient, models
from selfcare_tui.api.errors import NotFound, PermissionDenied, RuleViolation
from selfcare_tui.api.models import ErrorCode, HistoryKind, RequestOutcome, RequestStatus
from selfcare_tui.server.demo import BUSINESS_ACCOUNT, FLAT_ACCOUNT

from ..support.builders import make_pdf, write
from ..support.demo_users import login
from ..support.live_server import NOW, LiveServer

pytestmark = pytest.mark.anyio


@pytest.fixture
async def agent(live_server: LiveServer) -> AsyncIterator[SelfcareClient]:
    async with await login(live_server, "agent") as client:
        yield client


@pytest.fixture
async def mihai(live_server: LiveServer) -> AsyncIterator[SelfcareClient]:
    async with await login(live_server, "mihai") as client:
        yield client


async def submitted_complaint(maria: SelfcareClient, subject: str = "Meter noise") -> str:
    draft = await maria.create_request(
        FLAT_ACCOUNT, models.RequestCreate(type_code="complaint", subject=subject)
    )
    await maria.submit_request(FLAT_ACCOUNT, draft.id)
    return draft.id


async def test_a_request_goes_from_queue_to_resolution_and_the_customer_sees_each_step(
    maria: SelfcareClient, agent: SelfcareClient, tmp_path: Path
) -> None:
    request_id = await submitted_complaint(maria)
    queue = await agent.request_queue(type_code="complaint", taken=models.TakenFilter.untaken)
    (item,) = [r for r in queue.items if r.id == request_id]
    assert (item.account_number, item.account_name, item.holder) == (
        FLAT_ACCOUNT,
        "Maria Tamm",
        None,
    )
    assert (item.status, item.stage) == (RequestStatus.submitted, "registered")

    item = await agent.take_request(request_id, item.version)
    assert item.holder == models.Holder(username="agent", display_name="Liis Support")
    item = await agent.move_request(request_id, item.version, "investigation", "Looking at it.")
    item = await agent.message_request(request_id, item.version, "Could you send a photo?")
    item = await agent.ask_for_document(request_id, item.version, "other", "A photo of the meter")
    assert [d.code for d in item.requested_documents] == ["other"]

    # The customer may attach the asked-for document although the request is submitted.
    seen = await maria.request(FLAT_ACCOUNT, request_id)
    assert seen.status is RequestStatus.in_progress and seen.stage == "investigation"
    assert [d.code for d in seen.requested_documents] == ["other"]
    photo = write(tmp_path, "meter.pdf", make_pdf("A photo of the meter"))
    await maria.add_attachment(FLAT_ACCOUNT, request_id, "other", photo)
    with pytest.raises(RuleViolation) as late:  # only what was asked for, and only once
        await maria.add_attachment(FLAT_ACCOUNT, request_id, "other", photo)
    assert late.value.code is ErrorCode.request_not_draft

    item = await agent.desk_request(request_id)
    assert item.requested_documents == [] and len(item.attachments) == 1
    item = await agent.resolve_request(
        request_id, item.version, RequestOutcome.completed, "The meter was replaced."
    )
    assert (item.status, item.stage) == (RequestStatus.completed, "answered")

    seen = await maria.request(FLAT_ACCOUNT, request_id)
    steps = [(h.kind, h.status, h.stage, h.note, h.document_code) for h in seen.history]
    assert steps == [
        (HistoryKind.status, RequestStatus.draft, None, None, None),
        (HistoryKind.status, RequestStatus.submitted, "registered", None, None),
        (HistoryKind.status, RequestStatus.in_progress, "investigation", "Looking at it.", None),
        (
            HistoryKind.message,
            RequestStatus.in_progress,
            "investigation",
            "Could you send a photo?",
            None,
        ),
        (
            HistoryKind.document_requested,
            RequestStatus.in_progress,
            "investigation",
            "A photo of the meter",
            "other",
        ),
        (HistoryKind.document_added, RequestStatus.in_progress, "investigation", None, "other"),
        (
            HistoryKind.status,
            RequestStatus.completed,
            "answered",
            "The meter was replaced.",
            None,
        ),
    ]
    with pytest.raises(RuleViolation) as closed:
        await agent.message_request(request_id, item.version, "One more thing")
    assert closed.value.code is ErrorCode.request_closed


async def test_a_stage_the_type_does_not_allow_is_refused_with_its_code(
    maria: SelfcareClient, agent: SelfcareClient
) -> None:
    request_id = await submitted_complaint(maria)
    item = await agent.take_request(request_id, (await agent.desk_request(request_id)).version)
    with pytest.raises(RuleViolation) as skipped:
        await agent.move_request(request_id, item.version, "answered")  # skips investigation
    assert skipped.value.code is ErrorCode.stage_not_allowed
    assert skipped.value.field_messages()["stage"] == (
        "From 'registered' the request moves on to 'investigation' only."
    )
    with pytest.raises(RuleViolation) as foreign:
        await agent.move_request(request_id, item.version, "technical_review")  # another type's
    assert foreign.value.code is ErrorCode.unknown_stage
    assert "registered, investigation, answered" in foreign.value.message
    with pytest.raises(RuleViolation) as unknown:
        await agent.ask_for_document(request_id, item.version, "site_plan")
    assert unknown.value.code is ErrorCode.unknown_document
    assert (await agent.desk_request(request_id)).version == item.version  # nothing changed


async def test_two_agents_taking_one_request_at_once_one_wins_and_the_other_is_told_who(
    maria: SelfcareClient, agent: SelfcareClient, mihai: SelfcareClient
) -> None:
    """Both read the same version and take at the same moment, over separate connections."""
    for attempt in range(5):
        request_id = await submitted_complaint(maria, f"Race {attempt}")
        version = (await agent.desk_request(request_id)).version
        results = await asyncio.gather(
            agent.take_request(request_id, version),
            mihai.take_request(request_id, version),
            return_exceptions=True,
        )
        won = [r for r in results if isinstance(r, models.DeskRequest)]
        lost = [r for r in results if isinstance(r, Exception)]
        assert len(won) == 1 and len(lost) == 1, results
        assert isinstance(lost[0], RuleViolation)
        assert (lost[0].status, lost[0].code) == (409, ErrorCode.item_taken)
        winner = won[0].holder
        assert winner is not None
        assert lost[0].problem.blocking == {
            "kind": "agent",
            "id": winner.username,
            "name": winner.display_name,
        }
        assert winner.display_name in lost[0].message
        assert won[0].version == version + 1


async def test_changes_need_the_current_version_and_the_item_in_hand(
    live_server: LiveServer, maria: SelfcareClient, agent: SelfcareClient, mihai: SelfcareClient
) -> None:
    request_id = await submitted_complaint(maria)
    first = await agent.desk_request(request_id)
    with pytest.raises(RuleViolation) as untaken:
        await agent.message_request(request_id, first.version, "Hello")
    assert (untaken.value.status, untaken.value.code) == (409, ErrorCode.item_not_taken)
    taken = await agent.take_request(request_id, first.version)
    with pytest.raises(RuleViolation) as stale:
        await agent.message_request(request_id, first.version, "Based on an old read")
    assert (stale.value.status, stale.value.code) == (412, ErrorCode.version_mismatch)
    with pytest.raises(RuleViolation) as other:
        await mihai.message_request(request_id, taken.version, "Not mine to answer")
    assert (other.value.status, other.value.code) == (409, ErrorCode.item_taken)

    url = f"{live_server.base_url}/api/v1/backoffice/requests/{request_id}"
    headers = {"Authorization": f"Bearer {agent.access_token}"}
    async with httpx.AsyncClient() as http:
        shown = await http.get(url, headers=headers)
        assert shown.headers["etag"] == f'"{taken.version}"'
        bare = await http.post(f"{url}/messages", json={"text": "Hi"}, headers=headers)
        assert (bare.status_code, bare.json()["code"]) == (428, "precondition_required")
        fresh = await http.post(
            f"{url}/messages",
            json={"text": "Hi"},
            headers={**headers, "If-Match": shown.headers["etag"]},
        )
        assert fresh.status_code == 200
        assert fresh.headers["etag"] == f'"{taken.version + 1}"'


async def test_customers_delegates_and_strangers_find_no_back_office(
    live_server: LiveServer, maria: SelfcareClient
) -> None:
    """To anyone but an agent every back-office path answers exactly like a path that does
    not exist; without a login, 401 as everywhere."""
    request_id = await submitted_complaint(maria)
    async with await live_server.login("jaan") as jaan:
        paths = [
            ("GET", "/backoffice/queues", None),
            ("GET", "/backoffice/requests", None),
            ("GET", f"/backoffice/requests/{request_id}", None),
            ("POST", f"/backoffice/requests/{request_id}/take", None),
            ("POST", f"/backoffice/requests/{request_id}/messages", {"text": "x"}),
            ("GET", "/backoffice/outage-reports", None),
            ("POST", "/backoffice/works", None),
            ("GET", "/backoffice/customers?q=Tamm", None),
            ("GET", "/backoffice/audit", None),
        ]
        async with httpx.AsyncClient(base_url=f"{live_server.base_url}/api/v1") as http:
            nowhere = await http.get(
                "/no-such-path", headers={"Authorization": f"Bearer {maria.access_token}"}
            )
            for token in (maria.access_token, jaan.access_token):
                for method, path, body in paths:
                    answer = await http.request(
                        method,
                        path,
                        json=body,
                        headers={"Authorization": f"Bearer {token}", "If-Match": '"1"'},
                    )
                    assert answer.status_code == 404, (method, path)
                    instance = path.split("?")[0]
                    assert answer.content == nowhere.content.replace(
                        b"/api/v1/no-such-path", f"/api/v1{instance}".encode()
                    ), (method, path)
                    anonymous = await http.request(method, path, json=body)
                    assert anonymous.status_code == 401, (method, path)
    with pytest.raises(NotFound):
        await maria.queue_counts()


async def test_an_outage_report_is_acknowledged_linked_to_its_work_and_resolved(
    live_server: LiveServer, agent: SelfcareClient
) -> None:
    async with await live_server.login("acme") as acme:
        (report,) = [
            r
            async for r in acme.iter_outage_reports(BUSINESS_ACCOUNT)
            if r.status is models.OutageReportStatus.open
        ]
        queued = await agent.outage_report_queue()
        (item,) = [r for r in queued.items if r.reference == report.reference]
        item = await agent.take_outage_report(report.reference, item.version)
        item = await agent.acknowledge_outage_report(report.reference, item.version)
        with pytest.raises(RuleViolation) as twice:
            await agent.acknowledge_outage_report(report.reference, item.version)
        assert twice.value.code is ErrorCode.report_not_open

        elsewhere = await agent.publish_work(
            models.WorkCreate(
                kind=models.WorkKind.accidental,
                area="AREA-NOWHERE",
                description="Somewhere else",
                starts_at=NOW - dt.timedelta(hours=1),
                ends_at=NOW + dt.timedelta(hours=3),
            )
        )
        with pytest.raises(RuleViolation) as wrong:
            await agent.link_outage_report(report.reference, item.version, elsewhere.id)
        assert wrong.value.code is ErrorCode.work_not_in_area
        here = await agent.publish_work(
            models.WorkCreate(
                kind=models.WorkKind.accidental,
                area=item.area,
                description="Cable fault found at the substation",
                starts_at=NOW - dt.timedelta(hours=1),
                ends_at=NOW + dt.timedelta(hours=3),
            )
        )
        item = await agent.link_outage_report(report.reference, item.version, here.id)
        item = await agent.resolve_outage_report(
            report.reference, item.version, "The cable was repaired."
        )
        (seen,) = [
            r
            async for r in acme.iter_outage_reports(BUSINESS_ACCOUNT)
            if r.reference == item.reference
        ]
    assert (seen.status, seen.work_id, seen.note) == (
        models.OutageReportStatus.resolved,
        here.id,
        "The cable was repaired.",
    )
    assert item.reference not in {r.reference for r in (await agent.outage_report_queue()).items}


async def test_a_published_work_reaches_the_customers_and_the_outage_rules_at_once(
    maria: SelfcareClient, agent: SelfcareClient
) -> None:
    (place,) = await maria.places(FLAT_ACCOUNT)
    assert (await maria.outage_eligibility(FLAT_ACCOUNT, place.id)).allowed
    with pytest.raises(RuleViolation) as backwards:
        await agent.publish_work(
            models.WorkCreate(
                kind=models.WorkKind.planned,
                area=place.area,
                description="Backwards",
                starts_at=NOW,
                ends_at=NOW - dt.timedelta(hours=1),
            )
        )
    assert backwards.value.code is ErrorCode.work_window_invalid
    assert "ends_at" in backwards.value.field_messages()
    work = await agent.publish_work(
        models.WorkCreate(
            kind=models.WorkKind.planned,
            area=place.area,
            description="Replacing the transformer",
            starts_at=NOW - dt.timedelta(minutes=30),
            ends_at=NOW + dt.timedelta(hours=4),
        )
    )
    assert work.id in {w.id for w in await maria.works(FLAT_ACCOUNT)}
    verdict = await maria.outage_eligibility(FLAT_ACCOUNT, place.id)
    assert (verdict.allowed, verdict.code) == (False, ErrorCode.work_in_progress)

    work = await agent.change_work(
        work.id, work.version, models.WorkChange(ends_at=NOW + dt.timedelta(hours=6))
    )
    (shown,) = [w for w in await maria.works(FLAT_ACCOUNT) if w.id == work.id]
    assert shown.ends_at == NOW + dt.timedelta(hours=6)
    with pytest.raises(RuleViolation) as stale:
        await agent.end_work(work.id, work.version - 1)
    assert stale.value.code is ErrorCode.version_mismatch
    ended = await agent.end_work(work.id, work.version)
    assert ended.ends_at == NOW
    assert (await maria.outage_eligibility(FLAT_ACCOUNT, place.id)).allowed
    with pytest.raises(RuleViolation) as again:
        await agent.end_work(work.id, ended.version)
    assert again.value.code is ErrorCode.work_ended


async def test_the_audit_log_and_the_holders_access_log(
    live_server: LiveServer, maria: SelfcareClient, agent: SelfcareClient
) -> None:
    request_id = await submitted_complaint(maria)
    await agent.account(FLAT_ACCOUNT)
    item = await agent.desk_request(request_id)
    await agent.take_request(request_id, item.version)
    await agent.queue_counts()

    page = await agent.audit_page(account_number=FLAT_ACCOUNT)
    assert [(r.operation, r.agent_username) for r in page.items] == [
        ("take_request", "agent"),
        ("desk_get_request", "agent"),
        ("get_account", "agent"),
    ]
    taken = await agent.audit_page(operation="take_request")
    assert [r.action for r in taken.items] == [
        f"POST /api/v1/backoffice/requests/{request_id}/take"
    ]
    everything = await agent.audit_page(agent_username="agent", since=NOW, limit=200)
    assert "queue_counts" in {r.operation for r in everything.items}
    assert (await agent.audit_page(agent_username="mihai")).items == []
    assert (await agent.audit_page(until=NOW)).items == []  # the clock stands at NOW

    log = await maria.access_log_page(FLAT_ACCOUNT)
    assert [(e.agent_name, e.summary) for e in log.items] == [
        ("Liis Support", "Worked on your request or outage report"),
        ("Liis Support", "Worked on your request or outage report"),
        ("Liis Support", "Looked at your account details"),
    ]
    async with await live_server.login("jaan") as jaan:
        with pytest.raises(PermissionDenied) as delegate:
            await jaan.access_log_page(FLAT_ACCOUNT)
    assert delegate.value.code is ErrorCode.forbidden


async def test_queue_counts_and_the_customer_search(
    maria: SelfcareClient, agent: SelfcareClient, mihai: SelfcareClient
) -> None:
    before = await agent.queue_counts()
    request_id = await submitted_complaint(maria)
    item = await mihai.take_request(request_id, (await mihai.desk_request(request_id)).version)
    after = await agent.queue_counts()
    assert after.requests_open == before.requests_open + 1
    assert after.requests_by_type["complaint"] == before.requests_by_type.get("complaint", 0) + 1
    assert (after.requests_untaken, after.requests_mine) == (
        before.requests_untaken,
        before.requests_mine,
    )
    assert (await mihai.queue_counts()).requests_mine >= 1
    assert item.holder is not None and item.holder.username == "mihai"

    (place,) = await maria.places(FLAT_ACCOUNT)
    (meter,) = await maria.meters(FLAT_ACCOUNT, place.id)
    invoice = (await maria.invoices_page(FLAT_ACCOUNT, limit=1)).items[0]
    for query, matched in [
        (FLAT_ACCOUNT, "number"),
        (meter.serial_number, "meter"),
        (invoice.payment_reference, "payment_reference"),
        (place.address.street.split()[0], "address"),
        ("Tamm", "name"),
    ]:
        found = await agent.search_customers(query)
        assert (FLAT_ACCOUNT, matched) in {(m.number, m.matched) for m in found}, query
