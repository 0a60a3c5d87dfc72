"""The monthly billing run over real HTTP: started from the back office, watched by its month,
an actual reading billed by hand-checked amounts, an estimate where there was none, nothing
issued twice, reminders for overdue invoices, and the refusals a run can meet."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest

from selfcare_tui.api import SelfcareClient, models
from selfcare_tui.api.errors import NotFound, RuleViolation
from selfcare_tui.api.models import BillingRunStatus, ErrorCode
from selfcare_tui.server.demo import COTTAGE_ACCOUNT, FLAT_ACCOUNT

from ..support.demo_users import login
from ..support.live_server import IN_WINDOW, LiveServer

pytestmark = pytest.mark.anyio

RUN_DAY = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)
"""Within S3's 1st-9th, after November's reading window closed on 3 December."""


@pytest.fixture
async def agent(live_server: LiveServer) -> AsyncIterator[SelfcareClient]:
    async with await login(live_server, "agent") as client:
        yield client


async def finished(agent: SelfcareClient, month: str) -> models.BillingRun:
    for _ in range(200):
        run = await agent.billing_run(month)
        if run.status is not BillingRunStatus.running:
            return run
        await asyncio.sleep(0.05)
    raise AssertionError(f"the billing run of {month} did not finish")


async def november_invoices(client: SelfcareClient, number: str) -> list[models.Invoice]:
    return [
        invoice
        async for invoice in client.iter_invoices(number, since=dt.date(2026, 12, 1))
        if invoice.period_end == dt.date(2026, 11, 30)
    ]


async def test_a_reading_in_the_window_is_billed_as_read_and_the_rest_on_an_estimate(
    live_server: LiveServer, agent: SelfcareClient, maria: SelfcareClient, tmp_path: Path
) -> None:
    (flat_meter,) = await maria.meters(FLAT_ACCOUNT)
    day, night = flat_meter.registers
    # The October bill rested on an estimate: November counts from its estimated reading.
    october = [
        r
        async for r in maria.iter_readings(FLAT_ACCOUNT, flat_meter.id, since=dt.date(2026, 10, 31))
    ]
    opening = {r.register_id: r.value for r in october if r.read_on == dt.date(2026, 10, 31)}
    assert {r.source for r in october} == {models.ReadingSource.estimated}

    live_server.clock.frozen = IN_WINDOW
    values = [
        models.RegisterValue(register_id=day.id, value=opening[day.id] + Decimal("150.0")),
        models.RegisterValue(register_id=night.id, value=opening[night.id] + Decimal("90.0")),
    ]
    await maria.submit_readings(
        FLAT_ACCOUNT,
        models.ReadingSubmission(meter_id=flat_meter.id, read_on=IN_WINDOW.date(), values=values),
    )

    live_server.clock.frozen = RUN_DAY
    started = await agent.start_billing_run("2026-12")
    assert (started.status, started.period_start, started.period_end) == (
        BillingRunStatus.running,
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
    )
    run = await finished(agent, "2026-12")
    assert run.status is BillingRunStatus.done
    assert run.issued > run.estimated > 0 and run.already_billed == 0

    (flat,) = await november_invoices(maria, FLAT_ACCOUNT)
    # By hand, DAYNIGHT: 150 kWh x 0.16120 = 24.18; 90 kWh x 0.11230 = 10.107 -> 10.11;
    # the monthly fee 2.49; net 36.78; VAT 22 % = 8.0916 -> 8.09; total 44.87.
    assert not flat.estimated
    assert (flat.period_start, flat.issued_on, flat.due_on) == (
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 5),
        dt.date(2026, 12, 25),
    )
    assert flat.kwh == Decimal("240.0")
    assert [(line.quantity, line.amount.amount) for line in flat.lines] == [
        (Decimal("150.0"), Decimal("24.18")),
        (Decimal("90.0"), Decimal("10.11")),
        (Decimal("1"), Decimal("2.49")),
    ]
    assert (flat.tax_amount.amount, flat.amount.amount) == (Decimal("8.09"), Decimal("44.87"))
    assert flat.payment_reference.startswith(flat.number[3:])  # the 7-3-1 check digit after it

    # Its PDF is the bill as issued.
    saved = tmp_path / "flat.pdf"
    await maria.download_invoice(FLAT_ACCOUNT, flat.number, saved)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(saved).pages)
    assert flat.number in text and "44.87" in text

    # The cottage had no reading in the window: an estimate, recorded as an estimated reading.
    (cottage,) = await november_invoices(maria, COTTAGE_ACCOUNT)
    assert cottage.estimated and cottage.kwh > 0
    (cottage_meter,) = await maria.meters(COTTAGE_ACCOUNT)
    closing = [
        r
        async for r in maria.iter_readings(
            COTTAGE_ACCOUNT, cottage_meter.id, since=dt.date(2026, 11, 30)
        )
    ]
    assert {(r.read_on, r.source) for r in closing} == {
        (dt.date(2026, 11, 30), models.ReadingSource.estimated)
    }
    consumption = await maria.consumption(COTTAGE_ACCOUNT, since="2026-11", until="2026-11")
    (month,) = consumption.months
    assert month.estimated and month.consumption_kwh == cottage.kwh


async def test_running_a_month_again_issues_nothing_twice(
    live_server: LiveServer, agent: SelfcareClient, maria: SelfcareClient
) -> None:
    live_server.clock.frozen = RUN_DAY
    await agent.start_billing_run("2026-12")
    first = await finished(agent, "2026-12")
    before = await november_invoices(maria, FLAT_ACCOUNT)

    # Two starts at once: at most one runs at a time, and neither issues a second invoice.
    answers = await asyncio.gather(
        agent.start_billing_run("2026-12"),
        agent.start_billing_run("2026-12"),
        return_exceptions=True,
    )
    refused = [a for a in answers if isinstance(a, Exception)]
    assert len(refused) < 2
    for error in refused:
        assert isinstance(error, RuleViolation) and error.code is ErrorCode.billing_run_running
    again = await finished(agent, "2026-12")
    assert (again.issued, again.estimated, again.total_amount.amount) == (0, 0, Decimal(0))
    assert again.already_billed == first.issued
    assert await november_invoices(maria, FLAT_ACCOUNT) == before


async def test_overdue_invoices_get_one_reminder(
    live_server: LiveServer, agent: SelfcareClient, maria: SelfcareClient
) -> None:
    open_before = [
        i async for i in maria.iter_invoices(FLAT_ACCOUNT, status=models.InvoiceStatus.open)
    ]
    # Late in December, with the October invoice (due 25 November) still unpaid.
    live_server.clock.frozen = dt.datetime(2026, 12, 20, 10, 0, tzinfo=dt.UTC)
    await agent.start_billing_run("2026-12")
    run = await finished(agent, "2026-12")
    assert run.notices >= 1
    overdue = {i.number for i in open_before if i.due_on < dt.date(2026, 12, 6)}
    assert overdue
    reminders = [
        n async for n in maria.iter_notices(FLAT_ACCOUNT) if n.issued_on == dt.date(2026, 12, 20)
    ]
    assert {n.invoice_numbers[0] for n in reminders} == overdue
    assert all(n.kind is models.NoticeKind.reminder for n in reminders)
    assert {n.deadline for n in reminders} == {dt.date(2027, 1, 3)}

    await agent.start_billing_run("2026-12")  # the same day again: no second reminder
    assert (await finished(agent, "2026-12")).notices == 0


async def test_a_run_before_the_window_closes_is_refused_and_only_agents_may_start_one(
    live_server: LiveServer, agent: SelfcareClient, maria: SelfcareClient
) -> None:
    live_server.clock.frozen = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)
    with pytest.raises(RuleViolation) as early:
        await agent.start_billing_run("2026-12")
    assert early.value.code is ErrorCode.billing_run_too_early
    assert "4 Dec" in str(early.value.problem.detail)
    with pytest.raises(NotFound):
        await agent.billing_run("2026-12")  # a refused start leaves no run behind
    with pytest.raises(NotFound):  # the back office is not there for customers
        await maria.start_billing_run("2026-12")
