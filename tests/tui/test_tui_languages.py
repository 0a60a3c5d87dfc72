"""The app in Romanian, Ukrainian and Estonian: translated screens with the locale's dates and
money, readings typed as the locale writes numbers, the server's refusals in the language
chosen, and "Change language" redrawing the app keeping what was typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList

from selfcare_tui import config, i18n
from selfcare_tui.api import SelfcareClient, models
from selfcare_tui.api.errors import NotFound
from selfcare_tui.i18n import _, format_date, format_money, format_short_date
from selfcare_tui.screens.language import LanguagePicker
from selfcare_tui.screens.overview import OverviewScreen
from selfcare_tui.screens.profile import ProfileScreen
from selfcare_tui.server.demo import FLAT_ACCOUNT
from selfcare_tui.session import client_for

from ..support.keyring_backends import MemoryKeyring
from ..support.languages import server_said
from ..support.live_server import LiveServer
from ..support.tui_helpers import invoices_loaded, overview_shown, ready_app, text_of, wait_for
from ..support.tui_readings import WINDOW_DAY, open_readings, type_into

pytestmark = pytest.mark.anyio

SIZE = (80, 24)


@pytest.fixture
def speak() -> Iterator[None]:
    """Each test chooses its language; English again after it."""
    yield
    i18n.choose_language(None)


def headers(pilot: Pilot[None]) -> list[str]:
    table = pilot.app.screen.query_one("#invoices", DataTable)
    return [str(column.label) for column in table.columns.values()]


def footer_words(pilot: Pilot[None]) -> set[str]:
    return {b.binding.description for b in pilot.app.screen.active_bindings.values()}


@pytest.mark.parametrize(
    ("language", "balance_word", "invoice_word"),
    [("ro", "Sold", "Factură"), ("uk", "Сальдо", "Рахунок")],
)
async def test_overview_invoices_and_readings_speak_the_language(
    window_server: LiveServer,
    memory_keyring: MemoryKeyring,
    speak: None,
    language: str,
    balance_word: str,
    invoice_word: str,
) -> None:
    i18n.choose_language(language)
    async with await window_server.login("maria") as api:
        account = await api.account(FLAT_ACCOUNT)
        newest = (await api.invoices_page(FLAT_ACCOUNT)).items[0]
    app = await ready_app(window_server.base_url)
    async with app.run_test(size=SIZE) as pilot:
        await overview_shown(pilot)
        assert isinstance(app.screen, OverviewScreen)
        money = text_of(pilot, "#money")
        assert balance_word in money and format_money(account.balance) in money
        assert "," in format_money(account.balance)  # the locale's decimal comma
        assert _("Refresh") in footer_words(pilot) and "Refresh" not in footer_words(pilot)

        await pilot.press("g", "i")
        await wait_for(pilot, lambda: invoices_loaded(pilot))
        assert invoice_word in headers(pilot)
        table = pilot.app.screen.query_one("#invoices", DataTable)
        issued = [str(c) for c in table.get_row(newest.number)]
        assert format_short_date(newest.issued_on) in issued  # 05.11.2026, 05.11.26
        assert format_money(newest.amount) in issued

        await pilot.press("g", "o")  # back to the overview, where open_readings starts
        await open_readings(pilot)
        window = text_of(pilot, "#window-state")
        opened = _("The reading window is open until {closes}: send your readings now.")
        assert window == opened.format(closes=format_date(dt.date(2026, 12, 3)))
        assert "reading window" not in window and "3 Dec" not in window


async def test_a_reading_typed_as_estonian_writes_numbers_is_sent(
    window_server: LiveServer, memory_keyring: MemoryKeyring, speak: None
) -> None:
    i18n.choose_language("et")
    async with await window_server.login("maria") as api:
        (meter,) = await api.meters(FLAT_ACCOUNT)
        day, night = meter.registers
        actual = [
            r
            async for r in api.iter_readings(FLAT_ACCOUNT, meter.id)
            if r.source is not models.ReadingSource.estimated
        ]
        last = {r.register_id: r.value for r in sorted(actual, key=lambda r: r.read_on)}
        new_day = last[day.id] + Decimal("150.5")
        typed_day = f"{new_day:,.1f}".replace(",", " ").replace(".", ",")  # 27 296,2
        app = await ready_app(window_server.base_url)
        async with app.run_test(size=SIZE) as pilot:
            await open_readings(pilot)
            await type_into(pilot, f"#date-{meter.id}", "30.11.2026")  # as Estonians write it
            await type_into(pilot, f"#value-{day.id}", typed_day)
            await type_into(
                pilot, f"#value-{night.id}", f"{last[night.id] + 20:.1f}".replace(".", ",")
            )
            await pilot.press("enter")
            recorded = _("Reading of {day} recorded. Estimated use since the last reading:")
            await wait_for(
                pilot,
                lambda: recorded.split("{day}")[0] in text_of(pilot, f"#result-{meter.id}"),
            )
        stored = [
            r
            async for r in api.iter_readings(FLAT_ACCOUNT, meter.id)
            if r.read_on.isoformat() == WINDOW_DAY and r.register_id == day.id
        ]
    assert " " in typed_day and "," in typed_day
    assert [r.value for r in stored] == [new_day]


async def test_a_server_refusal_reaches_the_screen_in_the_language_chosen(
    live_server: LiveServer, memory_keyring: MemoryKeyring, speak: None
) -> None:
    i18n.choose_language("ro")
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(100, 40)) as pilot:
        await overview_shown(pilot)
        await pilot.press("g", "u")
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, ProfileScreen)
                and bool(app.screen.query("#phone"))
                and app.screen.query_one("#phone", Input).value != ""
            ),
        )
        app.screen.query_one("#phone", Input).value = ""
        app.screen.query_one("#channel-sms").value = True  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        refusal = server_said("ro", "Give a phone number.")
        await wait_for(pilot, lambda: refusal in text_of(pilot, "#phone-error"))
        assert app.screen.query_one("#phone", Input).value == ""  # nothing typed is lost


async def test_change_language_redraws_the_app_keeping_what_was_typed(
    live_server: LiveServer, memory_keyring: MemoryKeyring, speak: None
) -> None:
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=SIZE) as pilot:
        await overview_shown(pilot)
        await pilot.press("g", "i")
        await wait_for(pilot, lambda: invoices_loaded(pilot))
        since = app.screen.query_one("#since", Input)
        since.value = "31.12.2025"  # typed, not applied
        assert "Invoice" in headers(pilot)
        rows = app.screen.query_one("#invoices", DataTable).row_count

        await pilot.press("ctrl+p")
        await pilot.press(*"Change language", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LanguagePicker))
        options = app.screen.query_one(OptionList)
        options.highlighted = i18n.LANGUAGES.index("uk")
        await pilot.press("enter")
        await wait_for(pilot, lambda: invoices_loaded(pilot) and "Рахунок" in headers(pilot))

        assert i18n.language() == "uk"
        assert app.screen.query_one("#since", Input).value == "31.12.2025"
        assert app.screen.query_one("#invoices", DataTable).row_count == rows  # the same list
        assert "Оновити" in footer_words(pilot) and "Refresh" not in footer_words(pilot)
        await pilot.press("g")  # another screen made from now on speaks it too
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "GoToMenu")
        assert app.screen.query_one("#goto").border_title == "Перейти"
    assert config.load().settings.language == "uk"  # and the next start speaks it


async def test_textuals_own_commands_speak_the_language(
    live_server: LiveServer, memory_keyring: MemoryKeyring, speak: None
) -> None:
    i18n.choose_language("ro")
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=SIZE) as pilot:
        await overview_shown(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {_("Theme"), _("Quit"), _("Keys"), _("Change language")} <= titles
        assert not {"Theme", "Quit", "Keys"} & titles
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: bool(app.screen.query("CommandInput")))
        placeholder = app.screen.query_one("CommandInput", Input).placeholder
        assert placeholder == _("Search for commands…") != "Search for commands…"
        await pilot.press(*"zzqqxx")
        nothing = _("No matches found")
        assert nothing != "No matches found"

        def no_matches_shown() -> bool:
            options = app.screen.query_one("CommandList", OptionList)
            return any(
                nothing in str(getattr(options.get_option_at_index(i).prompt, "renderable", ""))
                for i in range(options.option_count)
            )

        await wait_for(pilot, no_matches_shown)


async def test_the_client_tells_the_server_the_language(
    live_server: LiveServer, speak: None
) -> None:
    """The session's client names the language at every request, also after a change."""
    maria = await live_server.login("maria")
    client: SelfcareClient = client_for(live_server.base_url, access_token=maria.access_token)
    async with client:
        i18n.choose_language("et")
        with pytest.raises(NotFound) as estonian:
            await client.invoice(FLAT_ACCOUNT, "NO-SUCH")
        i18n.choose_language("ru")
        with pytest.raises(NotFound) as russian:
            await client.invoice(FLAT_ACCOUNT, "NO-SUCH")
    assert str(estonian.value) == server_said("et", "No such invoice.")
    assert str(russian.value) == server_said("ru", "No such invoice.")
