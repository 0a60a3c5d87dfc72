"""Statistics over invoices, payments and notices, on figures added up by hand below.

The expected numbers are written out, not recomputed: each comment shows the sum.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from selfcare_tui.api import models
from selfcare_tui.core import statistics as stats

D = Decimal
ADDRESS = models.Address(street="Õismäe tee 12-34", city="Tallinn", postal_code="13513")


def invoice(
    number: str,
    issued_on: str,
    amount: str,
    kwh: str,
    *,
    status: models.InvoiceStatus = models.InvoiceStatus.paid,
    currency: str = "EUR",
) -> models.Invoice:
    issued = dt.date.fromisoformat(issued_on)
    return models.Invoice(
        number=number,
        account_number="1000000001",
        place_id="PL1",
        period_start=issued.replace(day=1),
        period_end=issued.replace(day=28),
        issued_on=issued,
        due_on=issued + dt.timedelta(days=20),
        kwh=D(kwh),
        amount=models.Money(amount=D(amount), currency=currency),
        balance=models.Money(amount=D(0), currency=currency),
        estimated=status is models.InvoiceStatus.replaced,
        status=status,
        replaced_by=None,
        payment_reference="1234561",
        correspondence_address=ADDRESS,
        lines=[],
        tax_rate=D("0.22"),
        tax_amount=models.Money(amount=D(0), currency=currency),
    )


def payment(ident: str, paid_on: str, amount: str, *, currency: str = "EUR") -> models.Payment:
    return models.Payment(
        id=ident,
        paid_on=dt.date.fromisoformat(paid_on),
        amount=models.Money(amount=D(amount), currency=currency),
        method=models.PaymentMethod.bank_transfer,
        reference="1234561",
        settled=[],
    )


def notice(
    number: str, issued_on: str, kind: models.NoticeKind = models.NoticeKind.reminder
) -> models.Notice:
    issued = dt.date.fromisoformat(issued_on)
    return models.Notice(
        number=number,
        kind=kind,
        issued_on=issued,
        deadline=issued + dt.timedelta(days=14),
        amount=models.Money(amount=D("10.00")),
        status=models.NoticeStatus.open,
        invoice_numbers=["INV1"],
        place_id=None,
    )


INVOICES = [
    invoice("INV1", "2024-12-05", "40.00", "200.0"),  # before the years asked for: ignored
    invoice("INV2", "2025-01-05", "50.25", "250.5"),
    invoice("INV3", "2025-06-05", "30.10", "150.0"),
    invoice("INV4", "2026-01-05", "60.00", "300.0"),
    invoice("INV5", "2026-01-20", "-4.68", "239.2"),  # a prosumer's credit, same month
    invoice("INV6", "2026-02-05", "55.55", "277.7", status=models.InvoiceStatus.replaced),
    invoice("INV7", "2026-02-06", "52.00", "260.0"),  # the bill that replaced INV6
    invoice("INV8", "2026-11-05", "46.58", "252.0"),
    invoice("INV9", "2026-03-05", "12.00", "10.0", currency="USD"),
    invoice("INV10", "2027-01-05", "70.00", "350.0"),  # after: ignored
]
PAYMENTS = [
    payment("P1", "2024-12-30", "40.00"),  # before: ignored
    payment("P2", "2025-01-20", "50.25"),
    payment("P3", "2025-12-31", "30.10"),
    payment("P4", "2026-01-01", "55.32"),
    payment("P5", "2026-02-20", "52.00"),
    payment("P6", "2026-02-28", "0.01"),
    payment("P7", "2026-11-30", "9.99", currency="USD"),
]
NOTICES = [
    notice("NT1", "2025-07-01"),
    notice("NT2", "2026-01-31", models.NoticeKind.disconnection_warning),
    notice("NT3", "2026-01-15"),
    notice("NT4", "2026-12-31"),
    notice("NT5", "2024-06-01"),  # before: ignored
]


def test_months_of_the_chosen_year() -> None:
    result = stats.summarise(INVOICES, PAYMENTS, NOTICES, year=2026, first_year=2025)
    assert result.currency == "EUR"
    assert list(result.months) == [f"2026-{m:02d}" for m in range(1, 13)]
    january = result.months["2026-01"]
    assert january.invoiced == D("55.32")  # 60.00 + (-4.68)
    assert january.kwh == D("539.2")  # 300.0 + 239.2
    assert january.invoices == 2
    assert january.paid == D("55.32")  # P4 on 1 January
    assert january.payments == 1
    assert (january.reminders, january.warnings) == (1, 1)  # NT3, NT2
    february = result.months["2026-02"]
    assert february.invoiced == D("52.00")  # INV7 only: INV6 was replaced
    assert february.kwh == D("260.0")
    assert february.paid == D("52.01")  # 52.00 + 0.01
    assert february.payments == 2
    march = result.months["2026-03"]
    assert (march.invoiced, march.invoices) == (D(0), 0)  # INV9 is in dollars
    november = result.months["2026-11"]
    assert (november.invoiced, november.kwh, november.paid) == (D("46.58"), D("252.0"), D(0))
    assert result.months["2026-12"].reminders == 1  # NT4
    assert result.replaced == 1
    assert result.other_currency == 2  # INV9, P7


def test_years_side_by_side() -> None:
    result = stats.summarise(INVOICES, PAYMENTS, NOTICES, year=2026, first_year=2025)
    assert list(result.years) == [2025, 2026]
    y2025 = result.years[2025]
    assert y2025.invoiced == D("80.35")  # 50.25 + 30.10
    assert y2025.kwh == D("400.5")  # 250.5 + 150.0
    assert y2025.paid == D("80.35")  # 50.25 + 30.10 (31 December still counts)
    assert (y2025.invoices, y2025.payments) == (2, 2)
    assert (y2025.reminders, y2025.warnings, y2025.notices) == (1, 0, 1)
    y2026 = result.total
    assert y2026 is result.years[2026]
    assert y2026.invoiced == D("153.90")  # 60.00 - 4.68 + 52.00 + 46.58
    assert y2026.kwh == D("1051.2")  # 300.0 + 239.2 + 260.0 + 252.0
    assert y2026.paid == D("107.33")  # 55.32 + 52.00 + 0.01
    assert (y2026.invoices, y2026.payments) == (4, 3)
    assert (y2026.reminders, y2026.warnings, y2026.notices) == (2, 1, 3)
    assert result.notice_numbers == ["NT4", "NT2", "NT3", "NT1"]


def test_the_months_add_up_to_the_year() -> None:
    result = stats.summarise(INVOICES, PAYMENTS, NOTICES, year=2026, first_year=2024)
    months = result.months.values()
    assert sum((m.invoiced for m in months), D(0)) == result.total.invoiced
    assert sum((m.paid for m in months), D(0)) == result.total.paid
    assert sum((m.kwh for m in months), D(0)) == result.total.kwh
    assert result.years[2024].invoiced == D("40.00")
    assert result.years[2024].reminders == 1  # NT5


def test_an_empty_account() -> None:
    result = stats.summarise([], [], [], year=2026)
    assert result.currency == "EUR"
    assert list(result.years) == [2026]
    assert result.total == stats.Totals()
    assert all(m == stats.Totals() for m in result.months.values())


def test_the_currency_is_the_first_items() -> None:
    result = stats.summarise(
        [invoice("INV9", "2026-03-05", "12.00", "10.0", currency="USD")],
        [payment("P1", "2026-03-06", "5.00")],
        [],
        year=2026,
    )
    assert result.currency == "USD"
    assert result.total.invoiced == D("12.00")
    assert result.total.paid == D(0)  # the payment in euros is left out
    assert result.other_currency == 1


def test_a_first_year_after_the_year_is_refused() -> None:
    with pytest.raises(ValueError, match="after"):
        stats.summarise([], [], [], year=2025, first_year=2026)


@pytest.mark.parametrize(
    ("year", "known", "first"),
    [
        (2026, [2026, 2025, 2024, 2023], 2024),  # the chosen year and the two before
        (2024, [2026, 2025, 2024, 2023], 2023),  # none before the first year with data
        (2023, [2026, 2025, 2024, 2023], 2023),
        (2026, [], 2026),
    ],
)
def test_years_compared(year: int, known: list[int], first: int) -> None:
    assert stats.first_year_compared(year, known) == first


def test_span_covers_whole_years() -> None:
    assert stats.span(2024, 2026) == (dt.date(2024, 1, 1), dt.date(2026, 12, 31))


def test_years_offered() -> None:
    assert stats.years_with_data([2025, 2026, 2025, 2023]) == [2026, 2025, 2023]
    assert stats.years_with_data(list(range(2000, 2030)), limit=3) == [2029, 2028, 2027]
