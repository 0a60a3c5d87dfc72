"""Days typed as the user's language writes them, or ISO: one reading for the app's forms and
the command line's options."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest

from selfcare_tui import i18n
from selfcare_tui.core.dates import parse_date


@pytest.fixture
def locale_named(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    def use(name: str) -> None:
        monkeypatch.setenv("SELFCARE_LOCALE", name)
        i18n.reset()

    yield use
    monkeypatch.undo()
    i18n.reset()


@pytest.mark.parametrize(
    ("name", "typed", "day"),
    [
        ("en_GB", "31 Jan 2026", dt.date(2026, 1, 31)),
        ("en_GB", "31/01/2026", dt.date(2026, 1, 31)),
        ("en_GB", "5 sept 2026", dt.date(2026, 9, 5)),
        ("en_GB", "5 September 2026", dt.date(2026, 9, 5)),
        ("en_GB", "2026-1-31", dt.date(2026, 1, 31)),
        ("en_US", "Jan 31, 2026", dt.date(2026, 1, 31)),
        ("en_US", "1/31/26", dt.date(2026, 1, 31)),
        ("et_EE", "31.01.2026", dt.date(2026, 1, 31)),
        ("ru_RU", "31 янв. 2026 г.", dt.date(2026, 1, 31)),
        ("ru_RU", "31.12.2026", dt.date(2026, 12, 31)),
        ("et_EE", "31.12.2026", dt.date(2026, 12, 31)),
        ("ro_RO", "31.12.2026", dt.date(2026, 12, 31)),
        ("ro_RO", "7 dec. 2026", dt.date(2026, 12, 7)),
        ("uk_UA", "31.12.2026", dt.date(2026, 12, 31)),
        ("uk_UA", "31 груд. 2026 р.", dt.date(2026, 12, 31)),
        ("en_GB", "31 Feb 2026", None),
        ("en_GB", "31.13.2026", None),
        ("en_GB", "yesterday", None),
        ("en_GB", "2026-02-30", None),
    ],
)
def test_dates_as_the_locale_writes_them_or_iso(
    locale_named: Callable[[str], None], name: str, typed: str, day: dt.date | None
) -> None:
    locale_named(name)
    assert parse_date(typed) == day
