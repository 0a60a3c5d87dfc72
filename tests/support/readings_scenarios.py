"""Reading scenarios against a live server, for the readings tests (tests/api/test_readings.py)
and those that re-run them elsewhere (on PostgreSQL, in the app): the flat's meter, plausible
values, a submission, the estimate a bill order replaces."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from selfcare_tui.api import SelfcareClient
from selfcare_tui.api.errors import TokenRejected
from selfcare_tui.api.models import (
    Invoice,
    InvoiceStatus,
    Meter,
    Reading,
    ReadingSource,
    ReadingSubmission,
    RegisterValue,
)
from selfcare_tui.server.demo import FLAT_ACCOUNT

from .live_server import LiveServer

ESTIMATED_MONTH_START = dt.date(2026, 10, 1)
"""The flat's newest invoice (October 2026) is estimated and open; its readings of 10-31 too."""


async def move_clock(live_server: LiveServer, client: SelfcareClient, when: dt.datetime) -> None:
    """Freeze the server at `when` with fresh tokens, since they expire by the server's clock.

    A refresh is cheap; a login (Argon2, slow on purpose) only when the refresh token expired.
    """
    live_server.clock.frozen = when
    try:
        await client.refresh()
    except TokenRejected:
        await client.login("maria", "maria-demo")


async def flat_meter(client: SelfcareClient) -> Meter:
    (meter,) = await client.meters(FLAT_ACCOUNT)
    assert [r.kind.value for r in meter.registers] == ["day", "night"]
    return meter


async def stored(client: SelfcareClient, number: str, meter_id: str) -> list[Reading]:
    return [r async for r in client.iter_readings(number, meter_id)]


def last_actual(readings: list[Reading], register_id: str) -> Reading:
    """The reading the rules compare with: the newest one that is not an estimate."""
    return max(
        (
            r
            for r in readings
            if r.register_id == register_id and r.source is not ReadingSource.estimated
        ),
        key=lambda r: r.read_on,
    )


def submission(
    meter: Meter,
    read_on: dt.date,
    *values: Decimal,
    confirm_implausible: bool = False,
    order_bill: bool = False,
) -> ReadingSubmission:
    """Values in the order of the meter's registers (day, night); fewer values read fewer."""
    return ReadingSubmission(
        meter_id=meter.id,
        read_on=read_on,
        values=[
            RegisterValue(register_id=register.id, value=value)
            for register, value in zip(meter.registers, values, strict=False)
        ],
        confirm_implausible=confirm_implausible,
        order_bill=order_bill,
    )


async def plausible(client: SelfcareClient, meter: Meter) -> tuple[Decimal, Decimal]:
    """Day and night values a little above the last actual readings: valid on any day after."""
    readings = await stored(client, FLAT_ACCOUNT, meter.id)
    day, night = meter.registers
    return (
        last_actual(readings, day.id).value + Decimal("150.4"),
        last_actual(readings, night.id).value + Decimal("60.2"),
    )


async def open_estimate(client: SelfcareClient) -> Invoice:
    (estimate,) = [i async for i in client.iter_invoices(FLAT_ACCOUNT, status=InvoiceStatus.open)]
    assert estimate.estimated and estimate.period_start == ESTIMATED_MONTH_START
    return estimate


async def check_replaced(client: SelfcareClient, estimate: Invoice, ordered: Invoice) -> None:
    """The estimate now says what replaced it, and the balance owes only the new bill."""
    replaced = await client.invoice(FLAT_ACCOUNT, estimate.number)
    assert replaced.status is InvoiceStatus.replaced
    assert replaced.replaced_by == ordered.number
    assert replaced.balance.amount == 0
    assert (await client.account(FLAT_ACCOUNT)).balance.amount == ordered.amount.amount
    fetched = await client.invoice(FLAT_ACCOUNT, ordered.number)
    assert fetched.model_dump(exclude={"document"}) == ordered.model_dump(exclude={"document"})
