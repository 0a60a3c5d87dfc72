"""Money, numbers and dates follow the user's locale; messages fall back to English."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from selfcare_tui import i18n
from selfcare_tui.api.models import Money


@pytest.fixture
def locale(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    yield monkeypatch
    i18n.reset()


def use(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("SELFCARE_LOCALE", name)
    i18n.reset()


def test_estonian_formats(locale: pytest.MonkeyPatch) -> None:
    use(locale, "et_EE")
    assert i18n.format_money(Money(amount=Decimal("1234.5"))) == "1\xa0234,50\xa0€"
    assert i18n.format_kwh(Decimal("12345.67")) == "12\xa0345,7 kWh"
    assert i18n.format_date(dt.date(2026, 11, 30)) == "30. nov 2026"


def test_british_english_formats(locale: pytest.MonkeyPatch) -> None:
    use(locale, "en_GB")
    assert i18n.format_money(Money(amount=Decimal("1234.5"))) == "€1,234.50"
    assert i18n.format_date(dt.date(2026, 11, 30)) == "30 Nov 2026"


def test_unknown_or_c_locale_falls_back_to_british_english(locale: pytest.MonkeyPatch) -> None:
    use(locale, "xx_YY")
    assert str(i18n.locale()) == "en_GB"
    locale.delenv("SELFCARE_LOCALE")
    for variable in ("LC_ALL", "LC_MESSAGES"):
        locale.delenv(variable, raising=False)
    locale.setenv("LANG", "C.UTF-8")
    i18n.reset()
    assert str(i18n.locale()) == "en_GB"


def test_messages_without_a_catalog_stay_english(locale: pytest.MonkeyPatch) -> None:
    use(locale, "de_DE")  # German formats, but no German catalog ships
    assert i18n._("Logged out.") == "Logged out."
    assert i18n.language() == "en"
    use(locale, "ro_RO")
    assert i18n._("Logged out.") != "Logged out."
    assert i18n.language() == "ro"


def test_unit_prices_keep_their_sub_cent_digits_up_to_five(locale: pytest.MonkeyPatch) -> None:
    use(locale, "en_GB")
    assert i18n.format_unit_price(Money(amount=Decimal("0.1612"))) == "€0.1612"
    assert i18n.format_unit_price(Money(amount=Decimal("0.16120"))) == "€0.1612"
    assert i18n.format_unit_price(Money(amount=Decimal("0.16"))) == "€0.16"
    assert i18n.format_unit_price(Money(amount=Decimal("12"))) == "€12.00"
    assert i18n.format_unit_price(Money(amount=Decimal("0.123456"))) == "€0.12346"
    use(locale, "et_EE")
    assert i18n.format_unit_price(Money(amount=Decimal("0.08745"))) == "0,08745\xa0€"


def test_percentages_keep_their_decimals(locale: pytest.MonkeyPatch) -> None:
    use(locale, "en_GB")
    assert i18n.format_percent(Decimal("0.2200")) == "22%"
    assert i18n.format_percent(Decimal("0.095")) == "9.5%"
    use(locale, "de_DE")
    assert i18n.format_percent(Decimal("0.095")) == "9,5\xa0%"


def test_months_from_the_api_or_a_day(locale: pytest.MonkeyPatch) -> None:
    use(locale, "en_GB")
    assert i18n.format_month("2026-11") == "Nov 2026"
    assert i18n.format_month(dt.date(2026, 9, 30)) == "Sept 2026"
    use(locale, "et_EE")
    assert i18n.format_month("2026-11") == "nov 2026"


def test_times_are_shown_to_the_minute(locale: pytest.MonkeyPatch) -> None:
    use(locale, "en_GB")
    moment = dt.datetime(2026, 11, 28, 7, 0, 59).astimezone()  # 07:00:59 local time
    assert i18n.format_datetime(moment) == "28 Nov 2026, 07:00"
