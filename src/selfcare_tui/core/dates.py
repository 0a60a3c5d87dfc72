"""Days as a person types them: as their language writes dates (31.12.2026 in Estonian,
31 dec. 2026 in Romanian, 31/12/2026 in British English), or ISO (2026-12-31).

Read once here for the app's forms and the command line's options alike.
"""

from __future__ import annotations

import datetime as dt
import re

from selfcare_tui.i18n import _, format_date, locale

EXAMPLE_DAY = dt.date(2026, 1, 31)
"""Shown as the example of a date: day 31 makes plain which number is the day."""

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_TOKEN = re.compile(r"\d+|[^\W\d_]+")
_QUOTED = re.compile(r"'[^']*'")


def _month_names() -> dict[str, int]:
    here = locale()
    names: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in here.months[context][width].items():
                names[name.casefold().rstrip(".")] = number
    return names


def _month(token: str, names: dict[str, int]) -> int | None:
    if token.isdigit():
        return int(token)
    word = token.casefold()
    if word in names:
        return names[word]
    # "Sept" where the locale abbreviates "Sep", "novem": a unique start of a month's name
    found = {n for name, n in names.items() if len(word) >= 3 and name.startswith(word)}
    return found.pop() if len(found) == 1 else None


def _order(pattern: str) -> list[str]:
    """Which of day, month, year a locale's date pattern writes first, second, third."""
    bare = _QUOTED.sub("", pattern)
    found = {letter: bare.find(letter) for letter in ("d", "M", "y")}
    if found["M"] < 0:
        found["M"] = bare.find("L")
    return sorted(found, key=lambda letter: found[letter])


def parse_date(text: str) -> dt.date | None:
    """A date as the user's locale shows it (31 Jan 2026, 31/01/2026) or ISO (2026-01-31)."""
    iso = _ISO.match(text)
    try:
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
    except ValueError:
        return None
    names = _month_names()
    # Words that are not months (the "г." of a Russian date) are literals of the pattern.
    tokens = [t for t in _TOKEN.findall(text) if t.isdigit() or _month(t, names) is not None]
    if len(tokens) != 3:
        return None
    here = locale()
    for width in ("medium", "short", "long"):
        parts = dict(zip(_order(here.date_formats[width].pattern), tokens, strict=True))
        month = _month(parts["M"], names)
        if month is None or not (parts["d"].isdigit() and parts["y"].isdigit()):
            continue
        year = int(parts["y"])
        if len(parts["y"]) <= 2:
            year += 2000
        try:
            return dt.date(year, month, int(parts["d"]))
        except ValueError:
            continue
    return None


def date_example(day: dt.date = EXAMPLE_DAY) -> str:
    """How to type a day, for messages: the language's way and ISO, both accepted."""
    return _("{example} or {iso}").format(example=format_date(day), iso=day.isoformat())
