"""The seeder: collects rows per table, numbers them, owns the rng, and writes them in bulk.

Also the small row helpers every kind of demo customer needs: calendar months, addresses,
the check digit of personal codes, and leaving an invoice open.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import billing, tables
from ..bulk_insert import BulkInsert, Row, core_table
from .accounts import PAYMENT_CODES

_UTC = dt.UTC
_DAY = dt.timedelta(days=1)
_INSERT_CHUNK = 5_000
_START_VALUE = (1_000, 60_000)
"""Range of a register's value when its history starts, in kWh."""

# Parents before children, so databases that check foreign keys at once accept the rows.
_INSERT_ORDER: Final = (
    tables.Account,
    tables.Mandate,
    tables.Place,
    tables.Contract,
    tables.Meter,
    tables.Register,
    tables.Reading,
    tables.MonthlyConsumption,
    tables.IntervalReading,
    tables.Invoice,
    tables.Payment,
    tables.Settlement,
    tables.Notice,
    tables.Work,
    tables.OutageReport,
)

# When a reading of each source reaches the utility: (days after the reading day, time UTC).
_SUBMITTED: Final = {
    "customer": (1, dt.time(17, 40)),
    "utility": (0, dt.time(10, 15)),
    "remote": (1, dt.time(2, 0)),
    "estimated": (5, dt.time(1, 0)),
}


@dataclass(frozen=True)
class _Month:
    """A calendar month with the days its invoice is issued (5th of the next month) and due."""

    first: dt.date
    last: dt.date
    label: str
    issued_on: dt.date
    due_on: dt.date


def _month(year: int, month: int) -> _Month:
    first = dt.date(year, month, 1)
    last = (dt.date(year + month // 12, month % 12 + 1, 1)) - _DAY
    issued_on = last + dt.timedelta(days=5)
    return _Month(first, last, f"{year:04d}-{month:02d}", issued_on, issued_on + dt.timedelta(20))


def _months_before(today: dt.date, count: int) -> list[_Month]:
    """The count whole months before today's month, oldest first."""
    index = today.year * 12 + today.month - 1
    return [_month(i // 12, i % 12 + 1) for i in range(index - count, index)]


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=_UTC)


def _kwh(value: float, places: int = 1) -> Decimal:
    """A float rounded to a Decimal exactly, without binary fractions leaking in."""
    return Decimal(round(value * 10**places)).scaleb(-places)


def _address(street: str, city: str, postal_code: str) -> Row:
    return {"street": street, "city": city, "postal_code": postal_code, "country": "EE"}


def _with_check_digit(base: str) -> str:
    """Append the check digit of an Estonian personal code, so demo codes look valid."""
    for weights in ((1, 2, 3, 4, 5, 6, 7, 8, 9, 1), (3, 4, 5, 6, 7, 8, 9, 1, 2, 3)):
        check = sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11
        if check < 10:
            return base + str(check)
    return base + "0"


@dataclass(frozen=True)
class _Priced:
    """A bill in the form the invoice row stores it."""

    lines: list[Row]
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class _Period:
    """One month of a place: its energy, and how the closing reading was obtained."""

    month: _Month
    energy: billing.Energy
    source: str


@dataclass
class _Register:
    id: str
    kind: str
    value: Decimal

    def advance(self, energy: billing.Energy) -> None:
        if self.kind == "day":
            self.value += energy.day_kwh
        elif self.kind == "night":
            self.value += energy.night_kwh
        elif self.kind == "export":
            self.value += energy.export_kwh
        else:
            self.value += energy.consumed_kwh


@dataclass(frozen=True)
class _Place:
    id: str
    account_number: str
    product_code: str
    mail_to: Row
    """The address invoices of the place are sent to."""


class _Seeder:
    """Collects rows per table and writes them in bulk; owns the id counters and the rng."""

    def __init__(self, session: Session, rng: random.Random, today: dt.date) -> None:
        self.session = session
        self.rng = rng
        self.today = today
        self.now = _at(today, dt.time(12, 0))
        self.products = {p.code: p for p in session.scalars(select(tables.Product))}
        self._rows: defaultdict[type[tables.Base], list[Row]] = defaultdict(list)
        self._counters: dict[str, int] = {}
        self._bills: dict[tuple[str, billing.Energy], _Priced] = {}
        self._payment_codes = set(PAYMENT_CODES.values())

    # --- plumbing ---------------------------------------------------------------------

    def next_id(self, prefix: str, start: int = 1) -> str:
        number = self._counters.get(prefix, start - 1) + 1
        self._counters[prefix] = number
        return f"{prefix}{number:09d}"

    def add(self, model: type[tables.Base], row: Row) -> None:
        self._rows[model].append(row)

    def flush(self) -> None:
        for model in _INSERT_ORDER:
            self._insert(model, self._rows.pop(model, []))

    def _insert(self, model: type[tables.Base], rows: list[Row]) -> None:
        if not rows:
            return
        connection = self.session.connection()
        bulk = BulkInsert(core_table(model), list(rows[0]), connection.dialect)
        for start in range(0, len(rows), _INSERT_CHUNK):
            bulk.execute(connection, rows[start : start + _INSERT_CHUNK])

    def insert_users(self, rows: list[Row]) -> list[int]:
        """Let the database number users, so its id sequence stays ahead of later sign-ups."""
        self._insert(tables.User, rows)
        names = [row["username"] for row in rows]
        query = select(tables.User.username, tables.User.id).where(tables.User.username.in_(names))
        ids = {name: user_id for name, user_id in self.session.execute(query)}
        return [ids[name] for name in names]

    def price(self, product_code: str, energy: billing.Energy) -> _Priced:
        """Price through billing.price, cached: synthetic customers repeat the same energies."""
        key = (product_code, energy)
        priced = self._bills.get(key)
        if priced is None:
            bill = billing.price(self.products[product_code], energy)
            lines = [line.model_dump(mode="json") for line in bill.lines]
            priced = self._bills[key] = _Priced(lines, bill.tax, bill.total)
        return priced

    def payment_code(self) -> str:
        while True:
            code = billing.reference_number(str(self.rng.randrange(10**9, 10**10)))
            if code not in self._payment_codes:
                self._payment_codes.add(code)
                return code

    # --- customers, places, meters ----------------------------------------------------

    def account(self, number: str, owner_id: int | None, **fields: Any) -> Row:
        """Add an account; returns the address its mail goes to."""
        row: Row = {
            "number": number,
            "owner_id": owner_id,
            "payment_code": PAYMENT_CODES.get(number) or self.payment_code(),
            "kind": "household",
            "correspondence_address": None,
            "phone": None,
            "email": None,
            "invoice_channel": "email",
            "language": "en",
            **fields,
        }
        self.add(tables.Account, row)
        return dict(row["correspondence_address"] or row["home_address"])

    def place(
        self,
        account_number: str,
        mail_to: Row,
        address: Row,
        area: str,
        product_code: str,
        *,
        state: str = "connected",
        since: dt.date,
    ) -> _Place:
        place_id = self.next_id("PL")
        serial = int(place_id[2:])
        eic = f"38ZEE-{(serial * 7_919 + 4_206_931) % 10**10:010d}"  # a bijection: unique
        self.add(
            tables.Place,
            {
                "id": place_id,
                "account_number": account_number,
                **address,
                "area": area,
                "state": state,
                "eic": eic,
            },
        )
        self.add(
            tables.Contract,
            {
                "id": self.next_id("CT"),
                "place_id": place_id,
                "kind": "supply",
                "product_code": product_code,
                "start_date": since,
                "end_date": None,
            },
        )
        return _Place(place_id, account_number, product_code, mail_to)

    def meter(
        self,
        place_id: str,
        registers: Sequence[tuple[str, str]],
        *,
        installed_on: dt.date,
        smart: bool = False,
        removed_on: dt.date | None = None,
        data_available_until: dt.datetime | None = None,
        start_value: Decimal | None = None,
    ) -> tuple[str, list[_Register]]:
        """Add a meter with registers given as (OBIS code, kind); returns its id and registers."""
        meter_id = self.next_id("M")
        self.add(
            tables.Meter,
            {
                "id": meter_id,
                "place_id": place_id,
                "serial_number": ("LGZ" if smart else "EMH") + meter_id[1:],
                "seal_number": f"EE{self.rng.randrange(10**6, 10**7)}",
                "installed_on": installed_on,
                "removed_on": removed_on,
                "smart": smart,
                "data_available_until": data_available_until,
            },
        )
        result = []
        for code, kind in registers:
            register_id = self.next_id("R")
            self.add(
                tables.Register,
                {
                    "id": register_id,
                    "meter_id": meter_id,
                    "code": code,
                    "kind": kind,
                    "integer_places": 6,
                    "decimal_places": 1,
                },
            )
            value = (
                start_value
                if start_value is not None
                else Decimal(self.rng.randrange(*_START_VALUE))
            )
            result.append(_Register(register_id, kind, value))
        return meter_id, result

    # --- history ----------------------------------------------------------------------

    def history(
        self, place: _Place, registers: Sequence[_Register], periods: Sequence[_Period]
    ) -> list[Row]:
        """Readings, consumption and the invoices issued by today; invoices start out paid."""
        self.readings(registers, periods[0].month.first - _DAY, "utility")
        invoices = []
        for period in periods:
            for register in registers:
                register.advance(period.energy)
            self.readings(registers, period.month.last, period.source)
            self.add(
                tables.MonthlyConsumption,
                {
                    "place_id": place.id,
                    "month": period.month.label,
                    "consumption_kwh": period.energy.consumed_kwh,
                    "export_kwh": period.energy.export_kwh,
                    "estimated": period.source == "estimated",
                },
            )
            if period.month.issued_on <= self.today:
                invoices.append(self.invoice(place, period))
        return invoices

    def readings(self, registers: Iterable[_Register], read_on: dt.date, source: str) -> None:
        days, time = _SUBMITTED[source]
        submitted_at = _at(read_on + dt.timedelta(days), time)
        for register in registers:
            self.add(
                tables.Reading,
                {
                    "id": self.next_id("RD"),
                    "register_id": register.id,
                    "read_on": read_on,
                    "value": register.value,
                    "source": source,
                    "submitted_at": submitted_at,
                },
            )

    def invoice(self, place: _Place, period: _Period) -> Row:
        number = self.next_id("INV", start=100_000_001)
        priced = self.price(place.product_code, period.energy)
        row: Row = {
            "number": number,
            "account_number": place.account_number,
            "place_id": place.id,
            "period_start": period.month.first,
            "period_end": period.month.last,
            "issued_on": period.month.issued_on,
            "due_on": period.month.due_on,
            "kwh": period.energy.consumed_kwh,
            "amount": priced.total,
            "paid_amount": priced.total,
            "estimated": period.source == "estimated",
            "status": "paid",
            "replaced_by": None,
            "payment_reference": billing.reference_number(number[3:]),
            "correspondence_address": place.mail_to,
            "lines": priced.lines,
            "tax_rate": billing.TAX_RATE,
            "tax_amount": priced.tax,
        }
        self.add(tables.Invoice, row)
        return row

    # --- payments and notices ---------------------------------------------------------

    def payment(
        self, account_number: str, invoices: Sequence[Row], paid_on: dt.date, method: str
    ) -> None:
        """One payment settling the given invoices in full, under the newest one's reference."""
        payment_id = self.next_id("PAY")
        self.add(
            tables.Payment,
            {
                "id": payment_id,
                "account_number": account_number,
                "paid_on": paid_on,
                "amount": sum((invoice["amount"] for invoice in invoices), Decimal(0)),
                "method": method,
                "reference": invoices[-1]["payment_reference"],
            },
        )
        for invoice in invoices:
            self.add(
                tables.Settlement,
                {
                    "payment_id": payment_id,
                    "invoice_number": invoice["number"],
                    "amount": invoice["amount"],
                },
            )

    def pay_before_due(
        self, account_number: str, invoices: Iterable[Row], methods: Sequence[str]
    ) -> None:
        """Pay each a few days before its due date; one whose day has not come stays open."""
        for invoice in invoices:
            paid_on = invoice["due_on"] - dt.timedelta(days=self.rng.randint(1, 6))
            method = self.rng.choice(methods)
            if paid_on > self.today:
                _leave_open(invoice)
            else:
                self.payment(account_number, [invoice], paid_on, method)

    def notice(
        self, invoice: Row, kind: str, issued_on: dt.date, deadline: dt.date, status: str
    ) -> None:
        self.add(
            tables.Notice,
            {
                "number": self.next_id("NT"),
                "account_number": invoice["account_number"],
                "kind": kind,
                "issued_on": issued_on,
                "deadline": deadline,
                "amount": invoice["amount"],  # what was owed when the notice went out
                "status": status,
                "invoice_numbers": [invoice["number"]],
                "place_id": invoice["place_id"],
            },
        )

    def work(
        self, kind: str, area: str, description: str, starts_at: dt.datetime, hours: int
    ) -> None:
        self.add(
            tables.Work,
            {
                "id": self.next_id("W"),
                "kind": kind,
                "area": area,
                "description": description,
                "starts_at": starts_at,
                "ends_at": starts_at + dt.timedelta(hours=hours),
                "version": 1,
            },
        )


def _leave_open(invoice: Row) -> None:
    invoice["status"] = "open"
    invoice["paid_amount"] = Decimal(0)


def _paid_except_last(seeder: _Seeder, invoices: list[Row], methods: Sequence[str]) -> None:
    """The usual customer: everything paid on time except the invoice issued this month."""
    if invoices:
        _leave_open(invoices[-1])
        seeder.pay_before_due(invoices[-1]["account_number"], invoices[:-1], methods)
