"""Tariff packages in the terminal app, against the real reference server (frozen clock, demo
data): the calculator's figures are checked against a hand computation from the API's own
consumption, readings and prices, and against the invoices the server issued."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList, Select

from selfcare_tui.api import SelfcareClient, models
from selfcare_tui.screens.switcher import AccountSwitcher
from selfcare_tui.screens.tariffs import ChangePackageDialog, TariffsScreen

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import (
    overview_shown,
    ready_app,
    text_of,
    wait_for,
)
from ..support.tui_tariffs import loaded, open_tariffs

pytestmark = pytest.mark.anyio

FLAT, COTTAGE, BUSINESS = "1000000001", "1000000002", "2000000001"
CENT = Decimal("0.01")


async def switch_to(pilot: Pilot[None], number: str) -> None:
    """Choose the account in the switcher (ctrl+o) as a user does."""
    await pilot.press("ctrl+o")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, AccountSwitcher))
    options = pilot.app.screen.query_one(OptionList)
    await wait_for(pilot, lambda: options.option_count >= 2 and not options.loading)
    prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    options.highlighted = next(i for i, p in enumerate(prompts) if number in p)
    await pilot.press("enter")


def row(pilot: Pilot[None], code: str) -> list[str]:
    table = pilot.app.screen.query_one("#products", DataTable)
    return [str(cell) for cell in table.get_row(code)]


def euros(amount: Decimal) -> str:
    return f"€{amount:,.2f}"


def r(amount: Decimal) -> Decimal:
    """To the cent, half up: how the utility rounds every invoice line."""
    return amount.quantize(CENT, ROUND_HALF_UP)


async def month_ends(client: SelfcareClient, meter: models.Meter, kind: str) -> dict[str, Decimal]:
    register = next(g for g in meter.registers if g.kind == kind)
    return {
        x.read_on.strftime("%Y-%m"): x.value
        async for x in client.iter_readings(FLAT, meter.id, register_id=register.id)
        if (x.read_on + dt.timedelta(days=1)).day == 1  # the demo reads on the month's last day
    }


def previous(month: str) -> str:
    year, number = map(int, month.split("-"))
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


async def test_the_calculator_prices_the_last_12_months_as_the_invoices_do(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    client = await live_server.login("maria")
    async with client:
        (place,) = await client.places(FLAT)
        products = {p.code: p for p in await client.products()}
        months = (await client.consumption(FLAT, place_id=place.id)).months[-12:]
        (meter,) = await client.meters(FLAT, place.id)
        day_ends = await month_ends(client, meter, "day")
        night_ends = await month_ends(client, meter, "night")
        invoices = [i async for i in client.iter_invoices(FLAT, place_id=place.id)]
    assert len(months) == 12 and months[0].month == "2025-11" and months[-1].month == "2026-10"

    # By hand: each month an invoice, lines rounded, VAT 22 % on the rounded net.
    vat = Decimal("0.22")
    expected: dict[str, Decimal] = {}
    for code, product in products.items():
        total = Decimal(0)
        for m in months:
            day = day_ends[m.month] - day_ends[previous(m.month)]
            night = night_ends[m.month] - night_ends[previous(m.month)]
            assert day + night == m.consumption_kwh  # the registers agree with consumption
            if product.night_price is None:
                energy = r(m.consumption_kwh * product.day_price.amount)
            else:
                energy = r(day * product.day_price.amount) + r(night * product.night_price.amount)
            net = energy + r(product.monthly_fee.amount)  # no export at the flat
            total += net + r(net * vat)
        expected[code] = total
    # The flat is on DAYNIGHT: the calculator must come to what its 12 invoices came to.
    billed = [i for i in invoices if i.period_start.strftime("%Y-%m") >= "2025-11"]
    assert len(billed) == 12 and {i.tax_rate for i in billed} == {vat}
    assert expected["DAYNIGHT"] == sum(i.amount.amount for i in billed)
    best = min(expected, key=lambda code: expected[code])
    assert best == "SOLAR"  # the demo flat: lower energy prices outweigh the higher fee

    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tariffs(pilot)
        assert "Your package: Day and night" in text_of(pilot, "#current")
        assert "your package" in row(pilot, "DAYNIGHT")[0]
        assert "cheapest" in row(pilot, best)[0]
        for code, total in expected.items():
            cells = row(pilot, code)
            assert cells[3] == euros(total), code
            difference = total - expected["DAYNIGHT"]
            sign = "+" if difference > 0 else "−"
            assert cells[4] == ("–" if code == "DAYNIGHT" else sign + euros(abs(difference)))
        assert "€0.1612 day" in row(pilot, "DAYNIGHT")[1]
        verdict = text_of(pilot, "#verdict")
        saving = expected["DAYNIGHT"] - expected[best]
        assert f"Cheapest for your consumption: {products[best].name}" in verdict
        assert euros(expected[best]) in verdict and euros(saving) in verdict
        basis = text_of(pilot, "#basis")
        assert "Nov 2025 – Oct 2026" in basis
        assert "day and night registers" in basis
        assert "1 of these months is an estimate" in basis  # October's bill is estimated
        assert "VAT 22%" in basis


async def test_a_package_change_is_requested_and_its_status_shown(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tariffs(pilot)
        table = app.screen.query_one("#products", DataTable)
        assert table.has_focus
        await pilot.press(*["down"] * table.get_row_index("UNIVERSAL"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChangePackageDialog))
        dialog = text_of(pilot, "#change-text")
        assert "from Day and night to Universal (single rate)" in dialog
        await pilot.press("escape")  # thought better of it: nothing is sent
        await wait_for(pilot, lambda: isinstance(app.screen, TariffsScreen))
        assert text_of(pilot, "#request") == ""

        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ChangePackageDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "submitted" in text_of(pilot, "#request"))
        status = text_of(pilot, "#request")
        assert "Package change to Universal (single rate), requested on 25 Nov 2026" in status
        assert "(step 1 of 3: submitted)" in status

        client = await live_server.login("maria")
        async with client:
            (place,) = await client.places(FLAT)
            requests = [r async for r in client.iter_requests(FLAT, type_code="package_change")]
        assert len(requests) == 1
        (request,) = requests
        assert request.fields == {"product_code": "UNIVERSAL"}
        assert request.place_id == place.id
        assert request.status is models.RequestStatus.submitted

        # Opened again, the screen finds the open request on the server.
        await pilot.press("r")
        await wait_for(pilot, lambda: loaded(pilot) and "submitted" in text_of(pilot, "#request"))
        assert text_of(pilot, "#request") == status


async def test_a_mandate_without_requests_is_told_and_nothing_is_sent(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url, "jaan")
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await switch_to(pilot, FLAT)
        await pilot.press("g", "t")
        await wait_for(pilot, lambda: loaded(pilot) and FLAT in (app.screen.sub_title or ""))
        await pilot.press("down")
        await pilot.click("#change")  # the mouse way
        await wait_for(pilot, lambda: isinstance(app.screen, ChangePackageDialog))
        assert "to Fixed price for 24 months" in text_of(pilot, "#change-text")
        await pilot.click("#send")
        await wait_for(pilot, lambda: "not sent" in text_of(pilot, "#request"))
        assert "Not allowed for this account" in text_of(pilot, "#request")
    client = await live_server.login("maria")
    async with client:
        assert [r async for r in client.iter_requests(FLAT, type_code="package_change")] == []


async def test_a_smart_meter_split_is_measured_and_its_assumption_stated(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tariffs(pilot)
        await switch_to(pilot, COTTAGE)
        await wait_for(pilot, lambda: loaded(pilot) and "Solar" in text_of(pilot, "#current"))
        basis = text_of(pilot, "#basis")
        assert "smart meter's 15-minute data of 10 Nov 2026 – 23 Nov 2026" in basis
        assert "the day rate runs 07:00–22:00 on working days" in basis
        assert "only a package with an export price credits it" in basis
        assert "your package" in row(pilot, "SOLAR")[0]
        assert "cheapest" in row(pilot, "SOLAR")[0]


async def test_a_business_chooses_the_place(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    client = await live_server.login("acme")
    async with client:
        places = await client.places(BUSINESS)
        second = places[1]
        universal = next(p for p in await client.products() if p.code == "UNIVERSAL")
        months = (await client.consumption(BUSINESS, place_id=second.id)).months[-12:]
    total = Decimal(0)
    for m in months:  # single rate: no split needed
        net = r(m.consumption_kwh * universal.day_price.amount) + r(universal.monthly_fee.amount)
        total += net + r(net * Decimal("0.22"))

    app = await ready_app(live_server.base_url, "acme")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tariffs(pilot)
        assert places[0].address.street in text_of(pilot, "#place-line")
        await pilot.press("p")  # opens the place list
        select = app.screen.query_one("#place", Select)
        await wait_for(pilot, lambda: select.expanded)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: loaded(pilot, second.eic))
        assert second.address.street in text_of(pilot, "#place-line")
        assert row(pilot, "UNIVERSAL")[3] == euros(total)
        assert "assumed 60%" in text_of(pilot, "#basis")
