"""A meter reading as a person types it, read and checked once for the app and the command line.

`12 345,6`, `12345.6`, `12.345,6` and `12,345.6` are the same reading wherever it is typed:
spaces (also no-break ones) group digits, and of a point and a comma the last one is the
decimal separator. The checks are those of the server (api.models.digit_places counts the
digits as its check does), so a value refused here would have been refused there, and said
here in the customer's terms before anything is sent.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from selfcare_tui.api import models
from selfcare_tui.core.labels import label
from selfcare_tui.i18n import _, format_date, format_number, ngettext

_SPACES = re.compile(r"[\s\u00a0\u202f']")
EXAMPLE = Decimal("12345.6")


def parse_reading(text: str) -> Decimal | None:
    """The number typed, or None when it is not one (or not finite)."""
    cleaned = _SPACES.sub("", text)
    point, comma = cleaned.rfind("."), cleaned.rfind(",")
    if point >= 0 and comma >= 0:  # both: the last one is the decimal separator
        grouping = "," if point > comma else "."
        cleaned = cleaned.replace(grouping, "")
    cleaned = cleaned.replace(",", ".")
    if cleaned.count(".") > 1 or not re.fullmatch(r"[0-9]*\.?[0-9]*", cleaned):
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def plain_value(value: Decimal, decimal_places: int) -> str:
    """As typed into a field or an argument: digits and a point, no grouping."""
    return f"{value:.{decimal_places}f}"


def reading_problem(
    register: models.Register,
    text: str,
    last: models.Reading | None = None,
    read_on: dt.date | None = None,
) -> str | Decimal:
    """The value, or what is wrong with it, in words that name what the register can show.

    `last` (the last accepted reading) and `read_on` add the check that a reading taken after
    the last one is not below it; the caller says which register the message is about."""
    if not text.strip():
        return _("enter its reading.")
    value = parse_reading(text)
    if value is None:
        return _("“{value}” is not a meter reading; enter a number such as {example}.").format(
            value=text.strip(), example=plain_value(EXAMPLE, register.decimal_places)
        )
    integers, decimals = models.digit_places(value)
    if integers > register.integer_places:
        return ngettext(
            "at most {allowed} digit before the decimal point ({value} has {count}).",
            "at most {allowed} digits before the decimal point ({value} has {count}).",
            register.integer_places,
        ).format(allowed=register.integer_places, value=text.strip(), count=integers)
    if decimals > register.decimal_places:
        if register.decimal_places == 0:
            return _("whole numbers only, no decimal places ({value}).").format(value=text.strip())
        return ngettext(
            "at most {allowed} decimal place ({value} has {count}).",
            "at most {allowed} decimal places ({value} has {count}).",
            register.decimal_places,
        ).format(allowed=register.decimal_places, value=text.strip(), count=decimals)
    if last is not None and (read_on is None or last.read_on < read_on) and value < last.value:
        return _("not below the last reading, {value} on {day}.").format(
            value=format_number(last.value, register.decimal_places),
            day=format_date(last.read_on),
        )
    return value


def register_name(register: models.Register) -> str:
    """As it stands at the start of a message: the code on the meter and what it counts."""
    return _("Register {code} ({kind})").format(code=register.code, kind=label(register.kind))


def value_problem(
    register: models.Register, text: str, last: models.Reading | None, read_on: dt.date | None
) -> str | Decimal:
    """The value as a number, or what is wrong with it, naming the register and what it takes."""
    checked = reading_problem(register, text, last, read_on)
    if isinstance(checked, Decimal):
        return checked
    return _("{register}: {problem}").format(register=register_name(register), problem=checked)


@dataclass(frozen=True)
class Jump:
    """One register whose value the server found implausible."""

    register: str
    """The register as the customer sees it: code and kind."""
    value: Decimal
    decimal_places: int
    previous: Decimal | None
    previous_on: dt.date | None
    read_on: dt.date
    server_says: str
