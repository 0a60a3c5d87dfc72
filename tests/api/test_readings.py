"""Meter readings, the reading window and bill orders, through the client against a live server.

Every refusal is checked for its exception class, stable code and register (what a screen or a
script branches on), and for storing nothing: a refused reading must never reach the next bill.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from selfcare_tui.api import SelfcareClient
from selfcare_tui.api.errors import (
    ApiError,
    NotFound,
    RuleViolation,
)
from selfcare_tui.api.models import (
    ErrorCode,
    Invoice,
    InvoiceStatus,
    ReadingSource,
    ReadingSubmission,
    RegisterValue,
)
from selfcare_tui.server.demo import BUSINESS_ACCOUNT, COTTAGE_ACCOUNT, FLAT_ACCOUNT
from selfcare_tui.server.reading_rules import (
    check_submission,
    last_closed_window,
    reading_window,
)
from selfcare_tui.server.settings import Settings

from ..support.live_server import IN_WINDOW, NOW, LiveServer
from ..support.readings_scenarios import (
    ESTIMATED_MONTH_START,
    check_replaced,
    flat_meter,
    last_actual,
    move_clock,
    open_estimate,
    plausible,
    stored,
    submission,
)

pytestmark = pytest.mark.anyio

TODAY = NOW.date()  # 12:00 UTC is 14:00 in Tallinn: the same day
LAST_ACTUAL_DAY = dt.date(2026, 9, 30)
CENT = Decimal("0.01")
DAY_PRICE, NIGHT_PRICE, MONTHLY_FEE = Decimal("0.16120"), Decimal("0.11230"), Decimal("2.49")
"""The flat's DAYNIGHT package, per kWh and per month before tax, as published."""


# --- helpers -----------------------------------------------------------------------------


async def refuse(
    client: SelfcareClient,
    number: str,
    body: ReadingSubmission,
    expected: type[ApiError],
    code: ErrorCode,
    *,
    register_id: str | None = None,
    field: str | None = None,
    field_code: str | None = None,
) -> ApiError:
    """Submit, expect exactly this refusal, and check that no reading was stored."""
    before = await stored(client, number, body.meter_id)
    with pytest.raises(expected) as caught:
        await client.submit_readings(number, body)
    error = caught.value
    assert type(error) is expected, error
    assert error.code is code, error.message
    assert error.problem.register_id == register_id
    if field is not None:
        assert (field, field_code or code.value) in {(e.field, e.code) for e in error.field_errors}
    assert await stored(client, number, body.meter_id) == before
    return error


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, ROUND_HALF_UP)


def check_priced(invoice: Invoice, day_kwh: Decimal, night_kwh: Decimal, months: int) -> None:
    """Price by hand as the invoice explains it: each line rounded to cents, then 22% tax."""
    day = cents(day_kwh * DAY_PRICE)
    night = cents(night_kwh * NIGHT_PRICE)
    fee = cents(months * MONTHLY_FEE)
    net = day + night + fee
    tax = cents(net * Decimal("0.22"))
    assert [(line.description, line.quantity, line.amount.amount) for line in invoice.lines] == [
        ("Energy, day rate", day_kwh, day),
        ("Energy, night rate", night_kwh, night),
        ("Monthly fee", months, fee),
    ]
    assert invoice.kwh == day_kwh + night_kwh
    assert invoice.tax_rate == Decimal("0.22")
    assert invoice.tax_amount.amount == tax
    assert invoice.amount.amount == net + tax
    assert invoice.balance.amount == net + tax
    assert not invoice.estimated
    assert invoice.status is InvoiceStatus.open
    assert invoice.period_start == ESTIMATED_MONTH_START


async def check_daynight_prices(client: SelfcareClient) -> None:
    (contract,) = await client.contracts(FLAT_ACCOUNT)
    product = contract.product
    assert product.code == "DAYNIGHT"
    assert product.night_price is not None
    assert (product.day_price.amount, product.night_price.amount, product.monthly_fee.amount) == (
        DAY_PRICE,
        NIGHT_PRICE,
        MONTHLY_FEE,
    )


# --- the reading window --------------------------------------------------------------------


async def test_reading_window_is_right_on_its_boundaries(
    live_server: LiveServer, maria: SelfcareClient
) -> None:
    """Open from the month's last day to the 3rd, in the utility's local day (UTC+2 here)."""
    nov30, dec3 = dt.date(2026, 11, 30), dt.date(2026, 12, 3)
    cases = [
        (dt.datetime(2026, 11, 29, 10, 0), False, nov30, dec3),
        (dt.datetime(2026, 11, 29, 21, 59), False, nov30, dec3),  # 23:59 in Tallinn
        (dt.datetime(2026, 11, 29, 22, 0), True, nov30, dec3),  # midnight in Tallinn
        (dt.datetime(2026, 11, 30, 10, 0), True, nov30, dec3),
        (dt.datetime(2026, 12, 3, 21, 59), True, nov30, dec3),
        (dt.datetime(2026, 12, 3, 22, 0), False, dt.date(2026, 12, 31), dt.date(2027, 1, 3)),
        (dt.datetime(2026, 12, 4, 10, 0), False, dt.date(2026, 12, 31), dt.date(2027, 1, 3)),
        (dt.datetime(2027, 1, 3, 10, 0), True, dt.date(2026, 12, 31), dt.date(2027, 1, 3)),
        (dt.datetime(2027, 2, 28, 10, 0), True, dt.date(2027, 2, 28), dt.date(2027, 3, 3)),
        (dt.datetime(2028, 2, 28, 10, 0), False, dt.date(2028, 2, 29), dt.date(2028, 3, 3)),
        (dt.datetime(2028, 2, 29, 10, 0), True, dt.date(2028, 2, 29), dt.date(2028, 3, 3)),
        (dt.datetime(2028, 3, 3, 10, 0), True, dt.date(2028, 2, 29), dt.date(2028, 3, 3)),
        (dt.datetime(2028, 3, 4, 10, 0), False, dt.date(2028, 3, 31), dt.date(2028, 4, 3)),
    ]
    seen: list[tuple[dt.datetime, bool, dt.date, dt.date]] = []
    expected: list[tuple[dt.datetime, bool, dt.date, dt.date]] = []
    for when, is_open, opens_on, closes_on in cases:
        await move_clock(live_server, maria, when.replace(tzinfo=dt.UTC))
        window = await maria.reading_window(FLAT_ACCOUNT)
        seen.append((when, window.is_open, window.opens_on, window.closes_on))
        expected.append((when, is_open, opens_on, closes_on))
    assert seen == expected


def test_configured_reading_window() -> None:
    """A utility may open the window earlier and close it later; leap years still count."""
    settings = Settings(
        database_url="sqlite://", reading_window_start_offset=2, reading_window_last_day=5
    )

    def window(day: dt.date) -> tuple[bool, dt.date, dt.date]:
        w = reading_window(settings, day)
        return w.is_open, w.opens_on, w.closes_on

    nov28, dec5 = dt.date(2026, 11, 28), dt.date(2026, 12, 5)
    assert window(dt.date(2026, 11, 27)) == (False, nov28, dec5)
    assert window(nov28) == (True, nov28, dec5)
    assert window(dec5) == (True, nov28, dec5)
    assert window(dt.date(2026, 12, 6)) == (False, dt.date(2026, 12, 29), dt.date(2027, 1, 5))
    assert window(dt.date(2027, 1, 5)) == (True, dt.date(2026, 12, 29), dt.date(2027, 1, 5))
    leap_start, leap_end = dt.date(2028, 2, 27), dt.date(2028, 3, 5)
    assert window(dt.date(2028, 2, 26)) == (False, leap_start, leap_end)
    assert window(leap_start) == (True, leap_start, leap_end)
    assert window(dt.date(2027, 2, 26)) == (True, dt.date(2027, 2, 26), dt.date(2027, 3, 5))


async def test_a_missed_window_names_the_meter_until_the_next_one_is_used(
    live_server: LiveServer, maria: SelfcareClient
) -> None:
    """The flat has no actual reading from 31 Oct to 3 Nov (its October bill was estimated)."""
    meter = await flat_meter(maria)
    window = await maria.reading_window(FLAT_ACCOUNT)
    assert (window.last_opened_on, window.last_closed_on) == (
        dt.date(2026, 10, 31),
        dt.date(2026, 11, 3),
    )
    assert window.missed_meters == [meter.serial_number]
    assert (await maria.reading_window("1000000002")).missed_meters == []  # smart: none needed

    await move_clock(live_server, maria, IN_WINDOW)
    window = await maria.reading_window(FLAT_ACCOUNT)
    assert window.is_open and window.missed_meters == [meter.serial_number]  # still October's
    await maria.submit_readings(
        FLAT_ACCOUNT, submission(meter, IN_WINDOW.date(), *await plausible(maria, meter))
    )
    await move_clock(live_server, maria, dt.datetime(2026, 12, 10, 10, 0, tzinfo=dt.UTC))
    window = await maria.reading_window(FLAT_ACCOUNT)
    assert (window.last_opened_on, window.last_closed_on) == (
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 3),
    )
    assert window.missed_meters == []


def test_the_last_closed_window_on_its_boundaries() -> None:
    settings = Settings(database_url="sqlite://")
    nov = (dt.date(2026, 10, 31), dt.date(2026, 11, 3))
    dec = (dt.date(2026, 11, 30), dt.date(2026, 12, 3))
    assert last_closed_window(settings, dt.date(2026, 12, 3)) == nov  # still open today
    assert last_closed_window(settings, dt.date(2026, 12, 4)) == dec
    assert last_closed_window(settings, dt.date(2027, 1, 1)) == dec
    assert last_closed_window(settings, dt.date(2027, 1, 4)) == (
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 3),
    )
    leap = (dt.date(2028, 2, 29), dt.date(2028, 3, 3))
    assert last_closed_window(settings, dt.date(2028, 3, 4)) == leap


async def test_outside_the_window_says_when_it_opens(maria: SelfcareClient) -> None:
    meter = await flat_meter(maria)
    body = submission(meter, TODAY, *await plausible(maria, meter))
    error = await refuse(maria, FLAT_ACCOUNT, body, RuleViolation, ErrorCode.outside_reading_window)
    assert error.problem.next_window_opens_on == dt.date(2026, 11, 30)


# --- accepted readings ---------------------------------------------------------------------


async def test_reading_in_the_window_is_stored_with_consumption_since_last(
    live_server: LiveServer, maria: SelfcareClient
) -> None:
    """Consumption counts from the last accepted reading, never from the estimate in between.

    The new values lie between the actual readings of 09-30 and the higher estimate of 10-31:
    the rules accept them (an estimate is not a reading), so consumption must not go negative.
    """
    await move_clock(live_server, maria, IN_WINDOW)
    meter = await flat_meter(maria)
    day, night = meter.registers
    before = await stored(maria, FLAT_ACCOUNT, meter.id)
    base_day, base_night = last_actual(before, day.id), last_actual(before, night.id)
    assert base_day.read_on == base_night.read_on == LAST_ACTUAL_DAY
    estimates = {r.register_id: r.value for r in before if r.source is ReadingSource.estimated}
    day_value, night_value = base_day.value + Decimal("66.6"), base_night.value + Decimal("11.1")
    assert day_value < estimates[day.id] and night_value < estimates[night.id]

    receipt = await maria.submit_readings(
        FLAT_ACCOUNT, submission(meter, IN_WINDOW.date(), day_value, night_value)
    )

    assert receipt.ordered_invoice is None
    assert [(r.register_id, r.value, r.source) for r in receipt.readings] == [
        (day.id, day_value, ReadingSource.customer),
        (night.id, night_value, ReadingSource.customer),
    ]
    assert [(c.register_id, c.kwh, c.days) for c in receipt.consumption_since_last] == [
        (day.id, Decimal("66.6"), 61),
        (night.id, Decimal("11.1"), 61),
    ]
    after = await stored(maria, FLAT_ACCOUNT, meter.id)
    assert sorted(r.id for r in after) == sorted([r.id for r in before + receipt.readings])


# --- refusals --------------------------------------------------------------------------------


async def test_lower_than_the_last_accepted_reading(
    live_server: LiveServer, maria: SelfcareClient
) -> None:
    await move_clock(live_server, maria, IN_WINDOW)
    meter = await flat_meter(maria)
    day, night = meter.registers
    readings = await stored(maria, FLAT_ACCOUNT, meter.id)
    body = submission(
        meter,
        IN_WINDOW.date(),
        last_actual(readings, day.id).value + 1,
        last_actual(readings, night.id).value - Decimal("0.1"),
    )
    await refuse(
        maria,
        FLAT_ACCOUNT,
        body,
        RuleViolation,
        ErrorCode.less_than_previous,
        register_id=night.id,
        field="values.1.value",
    )


async def test_back_dated_reading_higher_than_a_later_one(
    live_server: LiveServer, maria: SelfcareClient
) -> None:
    """A reading slipped in between two others must fit between them; one that does is kept."""
    await move_clock(live_server, maria, IN_WINDOW)
    meter = await flat_meter(maria)
    day, night = meter.registers
    readings = await stored(maria, FLAT_ACCOUNT, meter.id)
    later = {r.register_id: r.value for r in readings if r.read_on == LAST_ACTUAL_DAY}
    mid_september = dt.date(2026, 9, 15)

    too_high = submission(meter, mid_september, later[day.id] + Decimal("0.1"), later[night.id])
    await refuse(
        maria,
        FLAT_ACCOUNT,
        too_high,
        RuleViolation,
        ErrorCode.greater_than_subsequent,
        register_id=day.id,
        field="values.0.value",
    )

    fits = submission(meter, mid_september, later[day.id] - 50, later[night.id] - 30)
    receipt = await maria.submit_readings(FLAT_ACCOUNT, fits)
    assert [(c.register_id, c.days) for c in receipt.consumption_since_last] == [
        (day.id, 15),
        (night.id, 15),
    ]


async def test_reading_dated_in_the_future(live_server: LiveServer, maria: SelfcareClient) -> None:
    """'Today' is the utility's local day: at 00:30 in Tallinn the new day is no longer future."""
    await move_clock(live_server, maria, IN_WINDOW)
    meter = await flat_meter(maria)
    values = await plausible(maria, meter)
    tomorrow = IN_WINDOW.date() + dt.timedelta(days=1)
    error = await refuse(
        maria,
        FLAT_ACCOUNT,
        submission(meter, tomorrow, *values),
        RuleViolation,
        ErrorCode.reading_in_future,
        field="read_on",
    )
    assert error.status == 422

    await move_clock(live_server, maria, dt.datetime(2026, 11, 30, 22, 30, tzinfo=dt.UTC))
    receipt = await maria.submit_readings(FLAT_ACCOUNT, submission(meter, tomorrow, *values))
    assert {r.read_on for r in receipt.readings} == {tomorrow}


async def test_duplicate_reading_for_the_same_register_and_day(
    live_server: LiveServer, maria: SelfcareClient
) -> None:
    await move_clock(live_server, maria, IN_WINDOW)
    meter = await flat_meter(maria)
    day, night = meter.registers
    values = await plausible(maria, meter)
    await maria.submit_readings(FLAT_ACCOUNT, submission(meter, IN_WINDOW.date(), *values))

    again = submission(meter, IN_WINDOW.date(), values[0] + 1, values[1] + 1)
    await refuse(
        maria,
        FLAT_ACCOUNT,
        again,
        RuleViolation,
        ErrorCode.duplicate_reading,
        register_id=day.id,
        field="values.0.value",
    )

    twice = ReadingSubmission(
        meter_id=meter.id,
        read_on=IN_WINDOW.date() - dt.timedelta(days=1),
        values=[
            RegisterValue(register_id=night.id, value=values[1] - 1),
            RegisterValue(register_id=night.id, value=values[1] - 1),
        ],
    )
    await refuse(
        maria,
        FLAT_ACCOUNT,
        twice,
        RuleViolation,
        ErrorCode.duplicate_reading,
        register_id=night.id,
        field="values.1.value",
    )


async def test_reading_for_a_removed_meter(live_server: LiveServer) -> None:
    async with await live_server.login("acme") as acme:
        meters = await acme.meters(BUSINESS_ACCOUNT, include_removed=True)
        (removed,) = [m for m in meters if m.removed_on is not None]
        assert removed.id not in {m.id for m in await acme.meters(BUSINESS_ACCOUNT)}
        (register,) = removed.registers
        assert register.last_reading is not None
        body = submission(removed, TODAY, register.last_reading.value + 10, order_bill=True)
        await refuse(acme, BUSINESS_ACCOUNT, body, RuleViolation, ErrorCode.meter_removed)


async def test_more_places_than_the_register_shows(
    live_server: LiveServer, maria: SelfcareClient
) -> None:
    """All wrong fields come back at once; the problem's code is the first one's."""
    await move_clock(live_server, maria, IN_WINDOW)
    meter = await flat_meter(maria)
    day, night = meter.registers
    assert (day.integer_places, day.decimal_places) == (6, 1)
    day_value, night_value = await plausible(maria, meter)

    both = submission(meter, IN_WINDOW.date(), Decimal("1234567"), night_value + Decimal("0.05"))
    error = await refuse(
        maria,
        FLAT_ACCOUNT,
        both,
        RuleViolation,
        ErrorCode.too_many_integer_places,
        register_id=day.id,
        field="values.0.value",
    )
    assert ("values.1.value", "too_many_decimal_places") in {
        (e.field, e.code) for e in error.field_errors
    }

    decimals = submission(meter, IN_WINDOW.date(), day_value, night_value + Decimal("0.05"))
    await refuse(
        maria,
        FLAT_ACCOUNT,
        decimals,
        RuleViolation,
        ErrorCode.too_many_decimal_places,
        register_id=night.id,
        field="values.1.value",
    )


async def test_implausible_jump_is_accepted_once_confirmed(
    live_server: LiveServer, maria: SelfcareClient
) -> None:
    await move_clock(live_server, maria, IN_WINDOW)
    meter = await flat_meter(maria)
    day, night = meter.registers
    readings = await stored(maria, FLAT_ACCOUNT, meter.id)
    jump = Decimal(61 * 40)  # 40 kWh a day on a register that usually counts about 5
    values = (
        last_actual(readings, day.id).value + jump,
        last_actual(readings, night.id).value + Decimal("80.3"),
    )
    body = submission(meter, IN_WINDOW.date(), *values)
    await refuse(
        maria,
        FLAT_ACCOUNT,
        body,
        RuleViolation,
        ErrorCode.implausible_jump,
        register_id=day.id,
        field="values.0.value",
    )

    confirmed = submission(meter, IN_WINDOW.date(), *values, confirm_implausible=True)
    receipt = await maria.submit_readings(FLAT_ACCOUNT, confirmed)
    assert [r.value for r in receipt.readings] == list(values)
    assert receipt.consumption_since_last[0].kwh == jump


async def test_smart_meter_takes_no_manual_reading(
    live_server: LiveServer, maria: SelfcareClient
) -> None:
    await move_clock(live_server, maria, IN_WINDOW)
    (meter,) = await maria.meters(COTTAGE_ACCOUNT)
    assert meter.smart
    values = [r.last_reading.value + 5 for r in meter.registers if r.last_reading is not None]
    body = submission(meter, IN_WINDOW.date(), *values)
    await refuse(maria, COTTAGE_ACCOUNT, body, RuleViolation, ErrorCode.smart_meter)


async def test_unknown_register_meter_and_early_date(maria: SelfcareClient) -> None:
    """A meter of another account is not found; a date before installation is a bad field."""
    meter = await flat_meter(maria)
    (cottage_meter,) = await maria.meters(COTTAGE_ACCOUNT)
    values = await plausible(maria, meter)
    cottage_before = await stored(maria, COTTAGE_ACCOUNT, cottage_meter.id)

    foreign = submission(cottage_meter, TODAY, *values, order_bill=True)
    with pytest.raises(NotFound) as caught:
        await maria.submit_readings(FLAT_ACCOUNT, foreign)
    assert caught.value.code is ErrorCode.not_found
    with pytest.raises(NotFound):
        await maria.submit_readings(BUSINESS_ACCOUNT, foreign)
    assert await stored(maria, COTTAGE_ACCOUNT, cottage_meter.id) == cottage_before

    early = submission(meter, meter.installed_on - dt.timedelta(days=1), *values)
    await refuse(
        maria,
        FLAT_ACCOUNT,
        early,
        RuleViolation,
        ErrorCode.reading_before_install,
        field="read_on",
        field_code="before_install",
    )

    stranger = ReadingSubmission(
        meter_id=meter.id,
        read_on=TODAY,
        values=[RegisterValue(register_id=cottage_meter.registers[0].id, value=values[0])],
        order_bill=True,
    )
    await refuse(
        maria,
        FLAT_ACCOUNT,
        stranger,
        RuleViolation,
        ErrorCode.unknown_register,
        field="values.0.register_id",
    )


# --- idempotency -----------------------------------------------------------------------------


async def test_retried_submission_stores_one_reading(
    live_server: LiveServer, maria: SelfcareClient
) -> None:
    """A script that retries after a lost answer gets the first receipt back, not a duplicate."""
    await move_clock(live_server, maria, IN_WINDOW)
    meter = await flat_meter(maria)
    day_value, _ = await plausible(maria, meter)
    before = await stored(maria, FLAT_ACCOUNT, meter.id)
    key = str(uuid.uuid4())
    body = submission(meter, IN_WINDOW.date(), day_value)

    first = await maria.submit_readings(FLAT_ACCOUNT, body, idempotency_key=key)
    second = await maria.submit_readings(FLAT_ACCOUNT, body, idempotency_key=key)

    assert second == first
    after = await stored(maria, FLAT_ACCOUNT, meter.id)
    assert len(after) == len(before) + 1
    assert {r.id for r in after} - {r.id for r in before} == {first.readings[0].id}

    changed = submission(meter, IN_WINDOW.date(), day_value + 1)
    with pytest.raises(RuleViolation) as caught:
        await maria.submit_readings(FLAT_ACCOUNT, changed, idempotency_key=key)
    assert type(caught.value) is RuleViolation
    assert caught.value.code is ErrorCode.idempotency_key_reused
    assert await stored(maria, FLAT_ACCOUNT, meter.id) == after


# --- ordering a bill ---------------------------------------------------------------------------


async def test_reading_with_bill_order_outside_the_window_replaces_the_estimate(
    maria: SelfcareClient,
) -> None:
    """S1: enter the reading, order the bill, any day; the estimated bill no longer counts."""
    meter = await flat_meter(maria)
    day, night = meter.registers
    await check_daynight_prices(maria)
    estimate = await open_estimate(maria)
    assert (await maria.account(FLAT_ACCOUNT)).balance.amount == estimate.amount.amount
    assert not (await maria.reading_window(FLAT_ACCOUNT)).is_open
    readings = await stored(maria, FLAT_ACCOUNT, meter.id)
    base_day, base_night = last_actual(readings, day.id), last_actual(readings, night.id)
    day_value, night_value = await plausible(maria, meter)
    body = submission(meter, TODAY, day_value, night_value, order_bill=True)
    key = str(uuid.uuid4())

    receipt = await maria.submit_readings(FLAT_ACCOUNT, body, idempotency_key=key)

    ordered = receipt.ordered_invoice
    assert ordered is not None
    assert (ordered.period_end, ordered.issued_on) == (TODAY, TODAY)
    # October (the estimated month) and November up to the reading: two monthly fees.
    check_priced(ordered, day_value - base_day.value, night_value - base_night.value, 2)
    # 150.4 kWh x 0.1612 = 24.24; 60.2 kWh x 0.1123 = 6.76; 2 x 2.49 = 4.98; net 35.98;
    # tax 22% = 7.92: 43.90 in all.
    assert ordered.amount.amount == Decimal("43.90")
    assert sum(c.kwh for c in receipt.consumption_since_last) == ordered.kwh
    await check_replaced(maria, estimate, ordered)

    retried = await maria.submit_readings(FLAT_ACCOUNT, body, idempotency_key=key)
    assert retried == receipt
    open_invoices = [i async for i in maria.iter_invoices(FLAT_ACCOUNT, status=InvoiceStatus.open)]
    assert [i.number for i in open_invoices] == [ordered.number]


async def test_bill_order_after_a_reading_in_the_window(
    live_server: LiveServer, maria: SelfcareClient
) -> None:
    await move_clock(live_server, maria, IN_WINDOW)
    meter = await flat_meter(maria)
    day, night = meter.registers
    await check_daynight_prices(maria)
    estimate = await open_estimate(maria)
    readings = await stored(maria, FLAT_ACCOUNT, meter.id)
    base_day, base_night = last_actual(readings, day.id), last_actual(readings, night.id)
    day_value, night_value = await plausible(maria, meter)
    await maria.submit_readings(
        FLAT_ACCOUNT, submission(meter, IN_WINDOW.date(), day_value, night_value)
    )
    assert (await maria.invoice(FLAT_ACCOUNT, estimate.number)).status is InvoiceStatus.open

    ordered = await maria.order_bill(FLAT_ACCOUNT, meter.id)

    assert ordered.period_end == IN_WINDOW.date()
    check_priced(ordered, day_value - base_day.value, night_value - base_night.value, 2)
    await check_replaced(maria, estimate, ordered)

    # The latest bill is now actual: there is nothing left to replace.
    with pytest.raises(RuleViolation) as caught:
        await maria.order_bill(FLAT_ACCOUNT, meter.id)
    assert type(caught.value) is RuleViolation
    assert caught.value.code is ErrorCode.no_estimated_invoice
    # Nor with a new reading: the reading is refused with the order, not half-kept.
    await move_clock(live_server, maria, IN_WINDOW + dt.timedelta(days=1))
    tomorrow = IN_WINDOW.date() + dt.timedelta(days=1)
    later = submission(meter, tomorrow, day_value + 5, night_value + 2, order_bill=True)
    await refuse(maria, FLAT_ACCOUNT, later, RuleViolation, ErrorCode.no_estimated_invoice)
    assert [i.number async for i in maria.iter_invoices(FLAT_ACCOUNT)].count(ordered.number) == 1


async def test_bill_order_needs_a_new_reading_of_every_register(maria: SelfcareClient) -> None:
    """Billing only the day register would drop the night energy yet cancel the estimate."""
    meter = await flat_meter(maria)
    _day, night = meter.registers
    estimate = await open_estimate(maria)

    with pytest.raises(RuleViolation) as caught:
        await maria.order_bill(FLAT_ACCOUNT, meter.id)
    assert caught.value.code is ErrorCode.no_new_reading

    day_value, _ = await plausible(maria, meter)
    day_only = submission(meter, TODAY, day_value, order_bill=True)
    await refuse(
        maria,
        FLAT_ACCOUNT,
        day_only,
        RuleViolation,
        ErrorCode.no_new_reading,
        register_id=night.id,
    )
    assert await open_estimate(maria) == estimate


async def test_bill_order_when_the_latest_bill_is_actual(maria: SelfcareClient) -> None:
    """The cottage is read remotely: its bills are never estimates."""
    (meter,) = await maria.meters(COTTAGE_ACCOUNT)
    balance = (await maria.account(COTTAGE_ACCOUNT)).balance
    with pytest.raises(RuleViolation) as caught:
        await maria.order_bill(COTTAGE_ACCOUNT, meter.id)
    assert type(caught.value) is RuleViolation
    assert caught.value.code is ErrorCode.no_estimated_invoice
    assert (await maria.account(COTTAGE_ACCOUNT)).balance == balance


async def test_simultaneous_identical_readings_store_one(
    live_server: LiveServer, maria: SelfcareClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two devices sending the same reading at once (different keys): the database's unique
    index keeps one, and the other hears duplicate_reading, not a server error."""

    def slow_check(*args: Any, **kwargs: Any) -> None:
        check_submission(*args, **kwargs)
        time.sleep(0.2)  # both requests pass the rules before either stores

    # The server runs in this process, so its rule check can be slowed down from here.
    monkeypatch.setattr("selfcare_tui.server.routes.readings.check_submission", slow_check)
    await move_clock(live_server, maria, IN_WINDOW)
    meter = await flat_meter(maria)
    before = await stored(maria, FLAT_ACCOUNT, meter.id)
    body = submission(meter, IN_WINDOW.date(), *await plausible(maria, meter))

    outcomes = await asyncio.gather(
        *(maria.submit_readings(FLAT_ACCOUNT, body) for _ in range(2)), return_exceptions=True
    )

    refusals = [o for o in outcomes if isinstance(o, RuleViolation)]
    assert len(refusals) == 1, outcomes
    assert refusals[0].code is ErrorCode.duplicate_reading
    assert len(await stored(maria, FLAT_ACCOUNT, meter.id)) == len(before) + 2
