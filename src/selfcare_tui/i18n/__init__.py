"""Translations (gettext catalogs) and locale-aware formatting of money, numbers and dates.

Every user-facing string goes through `_()` (the command line's help texts too, see
`selfcare_tui.cli.translated`), so a translation is a catalog under
`i18n/locale/<lang>/LC_MESSAGES/selfcare.mo`, not a code change; `make messages` writes the
template, `i18n/locale/selfcare.pot`. The language is, first to last: the one chosen for this
run (`selfcare --lang`, the app's "Change language"), SELFCARE_LOCALE, `[settings] language`
of the config file, the usual LC_ALL / LC_MESSAGES / LANG, else English. SELFCARE_LOCALE_DIR
points at another catalog directory, to try a translation before it ships (and for tests).
"""

from __future__ import annotations

import datetime as dt
import gettext
import os
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Literal, get_args

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.dates import format_skeleton
from babel.numbers import format_currency, format_decimal
from babel.numbers import format_percent as _babel_percent

from selfcare_tui.api.models import Money

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "selfcare"
DEFAULT_LOCALE = "en_GB"
Language = Literal["en", "ro", "et", "uk", "ru"]
"""English and the shipped translations (i18n/catalogs.py compiles them)."""
LANGUAGES: tuple[str, ...] = get_args(Language)
_UNIT_PRICE_STEP = Decimal("0.00001")
"""Prices per kWh have up to five decimals; a unit price is shown to that step."""


_chosen: str | None = None
"""The language chosen for this run: `selfcare --lang`, or the app's "Change language"."""
_configured: str | None = None
"""`[settings] language` of the config file."""


def choose_language(language: str | None) -> None:
    """Speak `language` (one of LANGUAGES) from now on, over the environment and the config;
    None goes back to them."""
    global _chosen
    _chosen = language
    reset()


def configure_language(language: str | None) -> None:
    """The config file's language: used when neither the run nor SELFCARE_LOCALE chose one."""
    global _configured
    _configured = language
    reset()


def _environment(variable: str) -> str | None:
    name = os.environ.get(variable, "").split(".")[0].split("@")[0]
    return name if name and name not in ("C", "POSIX") else None


def _locale_name() -> str:
    named = [_chosen, _environment("SELFCARE_LOCALE"), _configured]
    named += [_environment(v) for v in ("LC_ALL", "LC_MESSAGES", "LANG")]
    name = next((n for n in named if n), DEFAULT_LOCALE)
    return DEFAULT_LOCALE if name == "en" else name


@cache
def locale() -> Locale:
    try:
        return Locale.parse(_locale_name())
    except (ValueError, UnknownLocaleError):
        return Locale.parse(DEFAULT_LOCALE)


def locale_dir() -> Path:
    """Where the catalogs are: the shipped ones, unless SELFCARE_LOCALE_DIR says otherwise."""
    return Path(os.environ.get("SELFCARE_LOCALE_DIR") or LOCALE_DIR)


def language() -> str:
    """The language spoken, as LANGUAGES names it; "en" for any without a catalog."""
    spoken = locale().language
    return spoken if spoken in LANGUAGES else "en"


@cache
def _translation() -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, locale_dir(), languages=[str(locale())], fallback=True)


_msgids: dict[str, str] = {}
"""Each translation given out, to its English message: for `retranslate`."""


def _(message: str) -> str:
    """Translate a message; the English text itself when no catalog has it."""
    translated = _translation().gettext(message)
    if translated is not message:
        _msgids[translated] = message
    return translated


def retranslate(text: str) -> str:
    """A text `_()` gave in the language spoken before, in the language spoken now (the app's
    key descriptions, made once when their class was defined); any other text as it is."""
    return _(_msgids.get(text, text))


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation().ngettext(singular, plural, n)


def language_name(code: str) -> str:
    """A language in its own words (română, eesti, українська), as a language is looked for
    in a list whatever the list's own language."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def format_money(money: Money) -> str:
    return format_currency(money.amount, money.currency, locale=locale())


def format_unit_price(money: Money) -> str:
    """A price per kWh with its sub-cent digits (€0.1612), up to five, where format_money
    would round to cents."""
    amount = money.amount.quantize(_UNIT_PRICE_STEP, rounding=ROUND_HALF_UP)
    return format_currency(
        amount,
        money.currency,
        locale=locale(),
        currency_digits=False,
        decimal_quantization=False,
    )


def format_percent(rate: Decimal) -> str:
    """A rate stored as a fraction (0.095) as the locale writes percentages (9.5%), keeping
    its decimals."""
    return _babel_percent(rate, locale=locale(), decimal_quantization=False)


def format_number(value: Decimal | int, decimals: int | None = None) -> str:
    if decimals is not None:
        pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
        return format_decimal(value, format=pattern, locale=locale())
    return format_decimal(value, locale=locale())


def format_kwh(value: Decimal) -> str:
    return _("{amount} kWh").format(amount=format_number(value, 1))


_YEAR_WORD = re.compile(r"\s*'[^']*'\.?$")
"""The "р." / "г." Ukrainian and Russian write after a year: left out, since a sentence ending
in a date would end in "р.." (the year is plain without it, as their screens write it)."""


def _medium_date(here: Locale) -> str:
    return _YEAR_WORD.sub("", str(here.date_formats["medium"].pattern))


def format_date(value: dt.date) -> str:
    return _babel_date(value, format=_medium_date(locale()), locale=locale())


def format_short_date(value: dt.date) -> str:
    """A day as the locale writes it in digits (05.12.2026, 05/12/2026): for table columns,
    where a month's name would widen every row."""
    return _babel_date(value, format="short", locale=locale())


def format_month(year_month: str | dt.date) -> str:
    """A month as people name it (Nov 2026): from the API's YYYY-MM, or any day in it."""
    if isinstance(year_month, str):
        year, month = year_month.split("-")
        year_month = dt.date(int(year), int(month), 1)
    return str(format_skeleton("yMMM", year_month, locale=locale()))


def format_datetime(value: dt.datetime) -> str:
    """In the user's local time zone, which is what they read clocks in; to the minute, since
    no time in this product (works, payments, tokens) is meaningful to the second."""
    here = locale()
    pattern = str(here.datetime_formats["medium"]).format(
        here.time_formats["short"].pattern, _medium_date(here)
    )
    return _babel_datetime(value.astimezone(), format=pattern, locale=here)


def reset() -> None:
    """Forget the cached locale, after the environment changed (tests, settings)."""
    locale.cache_clear()
    _translation.cache_clear()
