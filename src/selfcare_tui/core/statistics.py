"""Invoiced and paid amounts, kWh and notices per year and per month, from the API's models.

Free of Textual and of I/O, so every figure can be checked by hand. The rules:

- An invoice counts in the month it was issued, a payment in the month it was paid on, a notice
  in the month it was issued: the API filters invoices and payments by those same dates, so a
  chosen span of years is loaded with its own filters and nothing more.
- A replaced invoice (an estimate that a bill on an actual reading replaced) is left out: the
  bill that replaced it counts, and counting both would bill the same energy twice.
- Amounts in another currency than the account's are left out and counted, never added up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from selfcare_tui.api import models

YEARS_COMPARED = 3
"""The chosen year and the two before it: enough to see a trend, bounded for big accounts."""
MAX_YEARS = 20
"""At most this many years are offered to choose from."""


@dataclass
class Totals:
    """What one year or one month adds up to."""

    invoiced: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    kwh: Decimal = Decimal(0)
    invoices: int = 0
    payments: int = 0
    reminders: int = 0
    warnings: int = 0
    """Disconnection warnings."""

    @property
    def notices(self) -> int:
        return self.reminders + self.warnings


@dataclass
class Statistics:
    year: int
    """The chosen year, whose months are in `months`."""
    currency: str
    years: dict[int, Totals]
    """Every year from the first compared one to the chosen one, oldest first."""
    months: dict[str, Totals]
    """The chosen year's twelve months as YYYY-MM, January first."""
    replaced: int = 0
    """Invoices of these years left out because a later bill replaced them."""
    other_currency: int = 0
    """Invoices and payments left out because their currency is not `currency`."""
    notice_numbers: list[str] = field(default_factory=list)
    """The notices counted, newest first."""

    @property
    def total(self) -> Totals:
        """The chosen year's totals."""
        return self.years[self.year]


def first_year_compared(year: int, known: Iterable[int]) -> int:
    """The oldest year shown beside `year`: up to YEARS_COMPARED in all, none before the data."""
    earliest = min(known, default=year)
    return max(year - YEARS_COMPARED + 1, min(earliest, year))


def span(first_year: int, last_year: int) -> tuple[dt.date, dt.date]:
    """The API's since/until filters (both inclusive) for whole years."""
    return dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def summarise(
    invoices: Iterable[models.Invoice],
    payments: Iterable[models.Payment],
    notices: Iterable[models.Notice],
    *,
    year: int,
    first_year: int | None = None,
    currency: str | None = None,
) -> Statistics:
    """Totals per year from `first_year` (default: `year`) to `year` and per month of `year`.

    Items outside those years are ignored, so callers may pass more than they filtered for.
    Without `currency`, the first invoice's or payment's currency is the account's (EUR when
    there is none).
    """
    first = year if first_year is None else first_year
    if first > year:
        raise ValueError(f"first_year {first} is after year {year}")
    invoices, payments = list(invoices), list(payments)
    if currency is None:
        amounts = [i.amount for i in invoices] + [p.amount for p in payments]
        currency = amounts[0].currency if amounts else "EUR"
    stats = Statistics(
        year=year,
        currency=currency,
        years={y: Totals() for y in range(first, year + 1)},
        months={f"{year:04d}-{m:02d}": Totals() for m in range(1, 13)},
    )

    def buckets(day: dt.date) -> list[Totals]:
        if not first <= day.year <= year:
            return []
        found = [stats.years[day.year]]
        if day.year == year:
            found.append(stats.months[month_key(day)])
        return found

    for invoice in invoices:
        places = buckets(invoice.issued_on)
        if not places:
            continue
        if invoice.status is models.InvoiceStatus.replaced:
            stats.replaced += 1
            continue
        if invoice.amount.currency != currency:
            stats.other_currency += 1
            continue
        for totals in places:
            totals.invoiced += invoice.amount.amount
            totals.kwh += invoice.kwh
            totals.invoices += 1
    for payment in payments:
        places = buckets(payment.paid_on)
        if not places:
            continue
        if payment.amount.currency != currency:
            stats.other_currency += 1
            continue
        for totals in places:
            totals.paid += payment.amount.amount
            totals.payments += 1
    counted = sorted(
        (n for n in notices if buckets(n.issued_on)),
        key=lambda n: (n.issued_on, n.number),
        reverse=True,
    )
    for notice in counted:
        for totals in buckets(notice.issued_on):
            if notice.kind is models.NoticeKind.disconnection_warning:
                totals.warnings += 1
            else:
                totals.reminders += 1
    stats.notice_numbers = [n.number for n in counted]
    return stats


def years_with_data(newest_first: Sequence[int], limit: int = MAX_YEARS) -> list[int]:
    """Distinct years, newest first, at most `limit`: what the year chooser offers."""
    seen: list[int] = []
    for year in sorted(set(newest_first), reverse=True):
        seen.append(year)
        if len(seen) == limit:
            break
    return seen
