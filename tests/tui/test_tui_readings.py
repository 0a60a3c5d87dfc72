"""The readings screen against the real server: typing like a user, checking via the API.

Most tests need an open reading window, which the demo's NOW (2026-11-25) is not in: they run
against `window_server`, the same demo data with the server's clock at 2026-11-30.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, OptionList, Select, Static

from selfcare_tui.api import SelfcareClient, models
from selfcare_tui.api.errors import ConnectionFailed
from selfcare_tui.i18n import format_date, format_kwh, format_money, format_number
from selfcare_tui.screens.confirm_reading import ConfirmReadingDialog
from selfcare_tui.screens.readings import ReadingsScreen
from selfcare_tui.screens.switcher import AccountSwitcher
from selfcare_tui.server.demo import BUSINESS_ACCOUNT, COTTAGE_ACCOUNT, FLAT_ACCOUNT
from selfcare_tui.widgets.readings.meter_form import MeterForm

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import IN_WINDOW, LiveServer
from ..support.tui_helpers import overview_loaded, overview_shown, ready_app, wait_for
from ..support.tui_readings import (
    OUTSIDE_DAY,
    WINDOW_DAY,
    field,
    forms_shown,
    open_readings,
    type_into,
)

pytestmark = pytest.mark.anyio

SIZE = (80, 24)


# --- the API side ------------------------------------------------------------------------


async def flat_meter(client: SelfcareClient) -> models.Meter:
    (meter,) = await client.meters(FLAT_ACCOUNT)
    return meter


async def readings_of(client: SelfcareClient, meter: models.Meter) -> list[models.Reading]:
    return [r async for r in client.iter_readings(FLAT_ACCOUNT, meter.id)]


def last_actual(readings: list[models.Reading], register_id: str) -> models.Reading:
    return max(
        (
            r
            for r in readings
            if r.register_id == register_id and r.source is not models.ReadingSource.estimated
        ),
        key=lambda r: r.read_on,
    )


async def stored_on(client: SelfcareClient, meter: models.Meter, day: str) -> dict[str, Decimal]:
    """Register id -> value of the readings recorded for that day."""
    when = dt.date.fromisoformat(day)
    return {
        r.register_id: r.value
        for r in await readings_of(client, meter)
        if r.read_on == when and r.source is not models.ReadingSource.estimated
    }


async def open_estimate(client: SelfcareClient) -> models.Invoice:
    (estimate,) = [
        i
        async for i in client.iter_invoices(FLAT_ACCOUNT, status=models.InvoiceStatus.open)
        if i.estimated
    ]
    return estimate


# --- the screen side ---------------------------------------------------------------------


def screen_of(pilot: Pilot[None]) -> ReadingsScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ReadingsScreen), screen
    return screen


def shown(pilot: Pilot[None], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).content)


async def fill_form(
    pilot: Pilot[None], meter: models.Meter, day: str, *values: Decimal | str
) -> None:
    await type_into(pilot, f"#date-{meter.id}", day)
    for register, value in zip(meter.registers, values, strict=True):
        text = value if isinstance(value, str) else plain(value)
        await type_into(pilot, f"#value-{register.id}", text)


def plain(value: Decimal) -> str:
    """As a user types it (and the form prefills it): the register's one decimal place."""
    return f"{value:.1f}"


def result_shown(pilot: Pilot[None], meter: models.Meter) -> str:
    return shown(pilot, f"#result-{meter.id}")


# --- tests -------------------------------------------------------------------------------


async def test_reading_accepted_and_consumption_shown(
    window_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async with await window_server.login("maria") as api:
        meter = await flat_meter(api)
        day, night = meter.registers
        before = await readings_of(api, meter)
        last_day, last_night = last_actual(before, day.id), last_actual(before, night.id)
        app = await ready_app(window_server.base_url)
        async with app.run_test(size=SIZE) as pilot:
            await open_readings(pilot)
            assert "open until 3 Dec 2026" in shown(pilot, "#window-state")
            # Prefilled with the last accepted reading (October's was an estimate).
            assert field(pilot, f"#value-{day.id}").value == plain(last_day.value)
            assert field(pilot, f"#value-{night.id}").value == plain(last_night.value)
            assert format_date(last_day.read_on) in shown(pilot, f"#last-{day.id}")

            new_day, new_night = (
                last_day.value + Decimal("150.4"),
                last_night.value + Decimal("60.2"),
            )
            await fill_form(pilot, meter, WINDOW_DAY, new_day, new_night)
            await pilot.press("enter")
            await wait_for(pilot, lambda: "recorded" in result_shown(pilot, meter))

            stored = await stored_on(api, meter, WINDOW_DAY)
            assert stored == {day.id: new_day, night.id: new_night}
            days = (IN_WINDOW.date() - last_day.read_on).days
            result = result_shown(pilot, meter)
            for register, used in ((day, Decimal("150.4")), (night, Decimal("60.2"))):
                line = next(line for line in result.splitlines() if register.code in line)
                assert f"{format_kwh(used)} in {days} days" in line, result
            # The new reading is now the last one the form compares with and shows.
            assert format_date(IN_WINDOW.date()) in shown(pilot, f"#last-{day.id}")
            assert "estimate" not in shown(pilot, f"#last-{day.id}")
            assert field(pilot, f"#value-{day.id}").value == plain(new_day)


async def test_reading_below_the_previous_is_refused_beside_its_field(
    window_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async with await window_server.login("maria") as api:
        meter = await flat_meter(api)
        day, night = meter.registers
        before = await readings_of(api, meter)
        last_day, last_night = last_actual(before, day.id), last_actual(before, night.id)
        app = await ready_app(window_server.base_url)
        async with app.run_test(size=SIZE) as pilot:
            await open_readings(pilot)

            # Below the reading the form shows: refused before anything is sent.
            low = plain(last_day.value - 100)
            await fill_form(pilot, meter, WINDOW_DAY, low, last_night.value + 10)
            await pilot.click(f"#send-{meter.id}")
            await wait_for(pilot, lambda: shown(pilot, f"#message-{day.id}") != "")
            message = shown(pilot, f"#message-{day.id}")
            assert "1.8.1" in message and "not below the last reading" in message
            assert format_number(last_day.value, 1) in message
            assert shown(pilot, f"#message-{night.id}") == ""
            assert field(pilot, f"#value-{day.id}").value == low
            assert field(pilot, f"#value-{day.id}").has_focus

            # Another device recorded a higher reading meanwhile: only the server knows it.
            newer = last_day.value + 200
            await api.submit_readings(
                FLAT_ACCOUNT,
                models.ReadingSubmission(
                    meter_id=meter.id,
                    read_on=IN_WINDOW.date() - dt.timedelta(days=1),
                    values=[models.RegisterValue(register_id=day.id, value=newer)],
                ),
            )
            between = plain(last_day.value + 100)
            await type_into(pilot, f"#value-{day.id}", between)
            await pilot.click(f"#send-{meter.id}")
            await wait_for(pilot, lambda: "lower than" in shown(pilot, f"#message-{day.id}"))
            message = shown(pilot, f"#message-{day.id}")
            assert "1.8.1" in message and plain(newer) in message, message
            assert field(pilot, f"#value-{day.id}").value == between
            assert field(pilot, f"#value-{night.id}").value == plain(last_night.value + 10)
            assert field(pilot, f"#date-{meter.id}").value == WINDOW_DAY
            assert await stored_on(api, meter, WINDOW_DAY) == {}


async def test_too_many_decimals_are_refused_naming_the_field(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async with await live_server.login("maria") as api:
        meter = await flat_meter(api)
        day, night = meter.registers
        before = await readings_of(api, meter)
        app = await ready_app(live_server.base_url)
        async with app.run_test(size=SIZE) as pilot:
            await open_readings(pilot)
            precise = f"{last_actual(before, night.id).value + 10:.0f}.25"
            await fill_form(pilot, meter, OUTSIDE_DAY, last_actual(before, day.id).value, precise)
            await pilot.press("enter")
            await wait_for(pilot, lambda: shown(pilot, f"#message-{night.id}") != "")
            message = shown(pilot, f"#message-{night.id}")
            assert "1.8.2 (night)" in message
            assert "at most 1 decimal place" in message and "has 2" in message
            assert shown(pilot, f"#message-{day.id}") == ""
            assert field(pilot, f"#value-{night.id}").value == precise
            assert await readings_of(api, meter) == before


async def test_implausible_jump_is_confirmed_in_a_dialog(
    window_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async with await window_server.login("maria") as api:
        meter = await flat_meter(api)
        day, night = meter.registers
        before = await readings_of(api, meter)
        last_day, last_night = last_actual(before, day.id), last_actual(before, night.id)
        days = (IN_WINDOW.date() - last_day.read_on).days
        jump = last_day.value + 40 * days  # 40 kWh a day on a register that counts about 5
        app = await ready_app(window_server.base_url)
        async with app.run_test(size=SIZE) as pilot:
            await open_readings(pilot)
            await fill_form(pilot, meter, WINDOW_DAY, jump, last_night.value + 50)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmReadingDialog))
            await pilot.pause()
            numbers = shown(pilot, "#jumps")
            assert format_number(jump, 1) in numbers
            assert format_number(last_day.value, 1) in numbers
            assert f"{format_kwh(Decimal(40))} a day" in numbers
            assert "1.8.2" not in numbers  # the night value is plausible

            # Cancelled: nothing recorded, the value stays for correcting.
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, ReadingsScreen))
            await wait_for(pilot, lambda: "usual" in shown(pilot, f"#message-{day.id}"))
            assert field(pilot, f"#value-{day.id}").value == plain(jump)
            assert "Not sent" in shown(pilot, f"#form-message-{meter.id}")
            assert await readings_of(api, meter) == before

            # Sent again and confirmed with the keyboard: recorded as typed.
            await pilot.click(f"#send-{meter.id}")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmReadingDialog))
            await pilot.pause()
            await pilot.press("shift+tab")
            assert app.screen.focused is not None and app.screen.focused.id == "confirm"
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ReadingsScreen))
            await wait_for(pilot, lambda: "recorded" in result_shown(pilot, meter))
            assert await stored_on(api, meter, WINDOW_DAY) == {
                day.id: jump,
                night.id: last_night.value + 50,
            }
            assert f"{format_kwh(jump - last_day.value)} in {days} days" in result_shown(
                pilot, meter
            )


async def test_a_smart_meter_needs_no_reading(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=SIZE) as pilot:
        await overview_shown(pilot)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountSwitcher))
        options = app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count == 2)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: overview_loaded(pilot, COTTAGE_ACCOUNT))
        await pilot.press("g", "r")
        await wait_for(pilot, lambda: forms_shown(pilot, COTTAGE_ACCOUNT))
        (form,) = screen_of(pilot).query(MeterForm)
        assert form.info.meter.smart
        note = str(form.query_one(".smart-note", Static).content)
        assert "read remotely" in note and "no reading is needed" in note
        assert "2.8.0 (export)" in note and "(remote)" in note
        assert not form.query(Input) and not form.query(Button)


async def test_order_a_bill_on_the_reading_replaces_the_estimate(
    window_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async with await window_server.login("maria") as api:
        meter = await flat_meter(api)
        day, night = meter.registers
        before = await readings_of(api, meter)
        estimate = await open_estimate(api)
        app = await ready_app(window_server.base_url)
        async with app.run_test(size=SIZE) as pilot:
            await open_readings(pilot)
            assert estimate.number in shown(pilot, f"#estimates-{meter.id}")
            values = (
                last_actual(before, day.id).value + Decimal("150.4"),
                last_actual(before, night.id).value + Decimal("60.2"),
            )
            await fill_form(pilot, meter, WINDOW_DAY, *values)
            await pilot.press("enter")
            order = app.screen.query_one(f"#order-{meter.id}", Button)
            await wait_for(pilot, lambda: order.display and order.has_focus)
            # The reading alone leaves the estimate in force.
            assert (await api.invoice(FLAT_ACCOUNT, estimate.number)).status is (
                models.InvoiceStatus.open
            )

            await pilot.press("enter")
            await wait_for(pilot, lambda: "ordered" in result_shown(pilot, meter))

            replaced = await api.invoice(FLAT_ACCOUNT, estimate.number)
            assert replaced.status is models.InvoiceStatus.replaced
            assert replaced.replaced_by is not None
            bill = await api.invoice(FLAT_ACCOUNT, replaced.replaced_by)
            result = result_shown(pilot, meter)
            assert f"Bill {bill.number} ordered: {format_money(bill.amount)}" in result
            assert (
                f"replaces the estimated invoice {estimate.number} "
                f"({format_money(estimate.amount)})" in result
            )
            assert not order.display


async def test_closed_window_is_explained_and_a_bill_order_sends_anyway(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async with await live_server.login("maria") as api:
        meter = await flat_meter(api)
        day, night = meter.registers
        before = await readings_of(api, meter)
        estimate = await open_estimate(api)
        app = await ready_app(live_server.base_url)
        async with app.run_test(size=SIZE) as pilot:
            await open_readings(pilot)
            assert "closed. It opens on 30 Nov 2026" in shown(pilot, "#window-state")
            note = shown(pilot, f"#window-note-{meter.id}")
            assert "Readings can be sent from 30 Nov 2026" in note
            # October's reading was estimated: the last window (S4) was missed.
            assert "last window (31 Oct 2026 – 3 Nov 2026)" in note
            assert not app.screen.query_one(f"#send-{meter.id}", Button).display

            values = (
                last_actual(before, day.id).value + Decimal("150.4"),
                last_actual(before, night.id).value + Decimal("60.2"),
            )
            await fill_form(pilot, meter, OUTSIDE_DAY, *values)
            # Enter alone never orders a bill: it checks the values and moves to the button.
            await pilot.press("enter")
            send_bill = app.screen.query_one(f"#send-bill-{meter.id}", Button)
            await wait_for(pilot, lambda: send_bill.has_focus)
            assert "bill order" in shown(pilot, f"#form-message-{meter.id}")
            assert await readings_of(api, meter) == before
            await pilot.press("enter")
            await wait_for(pilot, lambda: "ordered" in result_shown(pilot, meter))

            assert await stored_on(api, meter, OUTSIDE_DAY) == dict(
                zip((day.id, night.id), values, strict=True)
            )
            replaced = await api.invoice(FLAT_ACCOUNT, estimate.number)
            assert replaced.status is models.InvoiceStatus.replaced
            assert replaced.replaced_by is not None
            result = result_shown(pilot, meter)
            assert f"Bill {replaced.replaced_by} ordered" in result
            assert f"estimated invoice {estimate.number}" in result


async def test_a_lost_answer_is_resent_once_and_keeps_the_values(
    window_server: LiveServer, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server recorded the reading but the answer was lost: sending again records it
    once (the same Idempotency-Key), and nothing typed was cleared in between."""
    async with await window_server.login("maria") as api:
        meter = await flat_meter(api)
        day, night = meter.registers
        before = await readings_of(api, meter)
        app = await ready_app(window_server.base_url)
        async with app.run_test(size=SIZE) as pilot:
            await open_readings(pilot)
            assert app.session is not None
            client = app.session.client
            real = client.submit_readings
            keys: list[str | None] = []

            async def answer_lost(
                number: str, submission: models.ReadingSubmission, *, idempotency_key: str | None
            ) -> models.ReadingReceipt:
                keys.append(idempotency_key)
                receipt = await real(number, submission, idempotency_key=idempotency_key)
                if len(keys) == 1:
                    raise ConnectionFailed("The server did not answer in time.")
                return receipt

            monkeypatch.setattr(client, "submit_readings", answer_lost)
            values = (
                last_actual(before, day.id).value + Decimal("150.4"),
                last_actual(before, night.id).value + Decimal("60.2"),
            )
            await fill_form(pilot, meter, WINDOW_DAY, *values)
            await pilot.press("enter")
            await wait_for(
                pilot, lambda: "send them again" in shown(pilot, f"#form-message-{meter.id}")
            )
            assert [field(pilot, f"#value-{r.id}").value for r in meter.registers] == [
                plain(v) for v in values
            ]

            await pilot.click(f"#send-{meter.id}")
            await wait_for(pilot, lambda: "recorded" in result_shown(pilot, meter))
            assert len(keys) == 2 and keys[0] == keys[1]
            readings = [r for r in await readings_of(api, meter) if r.read_on == IN_WINDOW.date()]
            assert sorted(r.value for r in readings) == sorted(values)


async def test_many_meters_one_form_at_a_time_keeping_what_was_typed(
    window_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    async with await window_server.login("acme") as api:
        first, second, *_rest = await api.meters(BUSINESS_ACCOUNT)
        app = await ready_app(window_server.base_url, "acme")
        async with app.run_test(size=SIZE) as pilot:
            await overview_shown(pilot)
            await pilot.press("g", "r")
            await wait_for(pilot, lambda: forms_shown(pilot, BUSINESS_ACCOUNT))
            choice = app.screen.query_one("#meter-choice", Select)
            assert choice.display and choice.value == first.id
            typed = "99999.9"
            await type_into(pilot, f"#value-{first.registers[0].id}", typed)

            choice.focus()
            await pilot.press("enter", "down", "enter")  # the list opens on the current one
            await wait_for(pilot, lambda: bool(app.screen.query(f"#meter-{second.id}")))
            await pilot.pause()
            assert app.screen.query_one(f"#meter-{second.id}").display
            assert not app.screen.query_one(f"#meter-{first.id}").display

            choice.focus()
            await pilot.press("enter", "up", "enter")
            await wait_for(pilot, lambda: app.screen.query_one(f"#meter-{first.id}").display)
            assert field(pilot, f"#value-{first.registers[0].id}").value == typed
