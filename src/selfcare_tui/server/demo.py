"""Demo data for the reference backend: a handful of customers whose data shows every feature.

Everything comes from one ``random.Random(seed)`` and the given day, so the same seed and day
give the same rows (only password hashes differ: Argon2 salts are random). Rows are written as
bulk Core inserts in foreign-key order, never as ORM objects one by one, because the same code
also produces 100,000 synthetic customers for load tests. The caller commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from operator import itemgetter
from typing import Any, Final

from sqlalchemy import JSON, Connection, Dialect, Table, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from . import billing, tables
from .reference_data import ensure_reference_data
from .security import hash_password

_Row = dict[str, Any]

FLAT_ACCOUNT: Final = "1000000001"
COTTAGE_ACCOUNT: Final = "1000000002"
JAAN_ACCOUNT: Final = "1000000003"
BUSINESS_ACCOUNT: Final = "2000000001"
ATTACHABLE_ACCOUNT: Final = ("3000000001", "84731920569")
"""Account number and payment code of an account without an owner, for the attach flow."""
PAYMENT_CODES: Final = {
    FLAT_ACCOUNT: "59428595753",
    COTTAGE_ACCOUNT: "37957422885",
    JAAN_ACCOUNT: "33015956912",
    BUSINESS_ACCOUNT: "31794198938",
    ATTACHABLE_ACCOUNT[0]: ATTACHABLE_ACCOUNT[1],
}
"""Payment codes of the named accounts, for the operations that need no login."""
AGENT_TOTP_SECRET: Final = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
SYNTHETIC_PASSWORD: Final = "customer-demo"
"""Password of every synthetic user customer1..customerN."""

DEMO_LOGINS: Final[list[tuple[str, str, str]]] = [
    (
        "maria",
        "maria-demo",
        f"household: flat {FLAT_ACCOUNT} (day/night meter, estimated open invoice) and "
        f"summer cottage {COTTAGE_ACCOUNT} (smart meter, solar export, overdue invoice, reminder)",
    ),
    (
        "jaan",
        "jaan-demo",
        f"household: own flat {JAAN_ACCOUNT}; may view and enter readings for maria's flat, "
        "his mandate on her cottage has expired",
    ),
    (
        "acme",
        "acme-demo",
        f"business {BUSINESS_ACCOUNT} with 24 places: one disconnected, one in an area with "
        "an accidental work now, one with an open outage report, one replaced meter",
    ),
    (
        "agent",
        "agent-demo",
        f"support agent; second factor TOTP with the secret {AGENT_TOTP_SECRET}",
    ),
]

_UTC = dt.UTC
_DAY = dt.timedelta(days=1)
_INSERT_CHUNK = 5_000
_CUSTOMERS_PER_FLUSH = 2_000
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

# Share of a month of the year in the consumption of a heated flat, of a summer cottage and of
# a shop; and a 5 kWp solar array's export per month in Estonia (kWh).
_HOUSEHOLD_SEASON: Final = (1.35, 1.25, 1.1, 0.95, 0.85, 0.75, 0.7, 0.75, 0.85, 1.0, 1.2, 1.35)
_COTTAGE_SEASON: Final = (0.55, 0.55, 0.6, 0.75, 1.05, 1.45, 1.7, 1.55, 1.0, 0.7, 0.55, 0.55)
_BUSINESS_SEASON: Final = (1.15, 1.1, 1.05, 1.0, 0.95, 0.9, 0.85, 0.9, 0.95, 1.0, 1.05, 1.15)
_SOLAR_EXPORT: Final = (10, 45, 170, 330, 460, 500, 490, 390, 230, 95, 25, 5)
_DAYLIGHT_HOURS: Final = (7.0, 9.0, 11.5, 14.0, 16.5, 18.0, 17.5, 15.5, 12.5, 10.0, 7.5, 6.5)
# Consumption by hour of day (UTC; local time is two or three hours later).
_HOUR_SHAPE: Final = (
    *(0.5, 0.45, 0.45, 0.45, 0.5, 0.8, 1.1, 1.0, 0.9, 0.85, 0.85, 0.9),
    *(0.9, 0.9, 1.0, 1.3, 1.6, 1.8, 1.7, 1.4, 1.1, 0.8, 0.6, 0.55),
)

# Day rate applies 07-22 local time on working days; weekends are all night rate.
_DAY_SHARE: Final = sum(_HOUR_SHAPE[5:20]) / sum(_HOUR_SHAPE) * 5 / 7

_FIRST_NAMES: Final = (
    *("Mari", "Kadri", "Triin", "Ülle", "Liis", "Helena", "Siiri", "Kärt", "Anu", "Merike"),
    *("Andres", "Tõnu", "Margus", "Rein", "Mart", "Peeter", "Jüri", "Priit", "Toomas", "Ülo"),
)
_LAST_NAMES: Final = (
    *("Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk", "Rebane", "Ilves", "Pärn", "Koppel"),
    *("Lepik", "Kõiv", "Oja", "Raudsepp", "Vaher", "Jõgi", "Männik", "Põder", "Luik", "Kütt"),
)
_STREETS: Final = (
    *("Tartu mnt", "Narva mnt", "Pärnu mnt", "Õismäe tee", "Mustamäe tee", "Sõpruse pst"),
    *("Jõe", "Küüni", "Väike-Ameerika", "Ülemiste tee", "Vana-Lõuna", "Männi", "Kase"),
)
# (city, postal code, grid area) of synthetic customers; AREA-NARVA-4 stays without places.
_TOWNS: Final = (
    ("Tallinn", "10115", "AREA-TALLINN-1"),
    ("Tallinn", "13513", "AREA-TALLINN-3"),
    ("Tallinn", "11415", "AREA-TALLINN-5"),
    ("Tartu", "50090", "AREA-TARTU-1"),
    ("Tartu", "50409", "AREA-TARTU-2"),
    ("Pärnu", "80010", "AREA-PARNU-2"),
    ("Viljandi", "71004", "AREA-VILJANDI-1"),
    ("Rakvere", "44307", "AREA-LAANE-VIRU-1"),
    ("Keila", "76607", "AREA-HARJU-2"),
    ("Jõhvi", "41531", "AREA-IDA-VIRU-3"),
)
_ACCIDENT_AREA: Final = "AREA-HARJU-7"

# Acme's 24 sites: (street, city, postal code, area).
_ACME_SITES: Final = (
    ("Viru 12", "Tallinn", "10140", "AREA-TALLINN-1"),
    ("Tartu mnt 53", "Tallinn", "10115", "AREA-TALLINN-1"),
    ("Pärnu mnt 139", "Tallinn", "11317", "AREA-TALLINN-5"),
    ("Sõpruse pst 201", "Tallinn", "13417", "AREA-TALLINN-3"),
    ("Õismäe tee 46", "Tallinn", "13512", "AREA-TALLINN-3"),
    ("Tule 18", "Saue", "76505", _ACCIDENT_AREA),
    ("Rüütli 3", "Tartu", "51007", "AREA-TARTU-1"),
    ("Ülikooli 9", "Tartu", "51003", "AREA-TARTU-1"),
    ("Riia 130", "Tartu", "50411", "AREA-TARTU-2"),
    ("Rüütli 21", "Pärnu", "80010", "AREA-PARNU-2"),
    ("Tallinna mnt 89", "Pärnu", "80041", "AREA-PARNU-2"),
    ("Lossi 31", "Viljandi", "71004", "AREA-VILJANDI-1"),
    ("Tartu 11", "Viljandi", "71004", "AREA-VILJANDI-1"),
    ("Tallinna 41", "Rakvere", "44311", "AREA-LAANE-VIRU-1"),
    ("Pikk 2", "Rakvere", "44307", "AREA-LAANE-VIRU-1"),
    ("Jaama 10", "Keila", "76607", "AREA-HARJU-2"),
    ("Põhjakonna 3", "Keila", "76610", "AREA-HARJU-2"),
    ("Keskväljak 6", "Jõhvi", "41531", "AREA-IDA-VIRU-3"),
    ("Rakvere 8", "Jõhvi", "41532", "AREA-IDA-VIRU-3"),
    ("Küütri 14", "Tartu", "51007", "AREA-TARTU-1"),
    ("Jõe 5", "Tallinn", "10151", "AREA-TALLINN-1"),
    ("Väike-Ameerika 8", "Tallinn", "10129", "AREA-TALLINN-5"),
    ("Kalda 2", "Kuressaare", "93815", "AREA-SAARE-1"),
    ("Tallinna 67", "Kuressaare", "93819", "AREA-SAARE-1"),
)
_ACME_OUTAGE_SITE = 1
_ACME_REPLACED_METER_SITE = 8
_ACME_DISCONNECTED_SITE = 13
_ACME_DISCONNECTED_MONTHS = 2
"""How many months before today's month the disconnected site has used nothing."""


def _table(model: type[tables.Base]) -> Table:
    """The plain Core table: its inserts skip the ORM's per-row bookkeeping, 2-3 times faster."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


_Convert = Callable[[list[Any]], list[Any]]


class _BulkInsert:
    """An INSERT fed through the dialect's own bind processors, column by column.

    The stored values are those ``session.execute(insert(table), rows)`` writes, but without
    SQLAlchemy's per-row parameter handling, and values that many rows share (month-end dates,
    a place's address, a price's lines) are converted once: inserting is most of what seeding
    costs. Rows must give every column: Python-side column defaults are not applied.
    """

    def __init__(self, table: Table, keys: list[str], dialect: Dialect) -> None:
        compiled = insert(table).compile(dialect=dialect, column_keys=keys)
        self.sql = str(compiled)
        self.positional = compiled.positional
        binds = [compiled.binds[name] for name in compiled.positiontup or keys]
        self.keys = [bind.key for bind in binds]
        self.converters = [_converter(bind.type, dialect) for bind in binds]

    def execute(self, connection: Connection, rows: Sequence[_Row]) -> None:
        columns = []
        for key, convert in zip(self.keys, self.converters, strict=True):
            values = list(map(itemgetter(key), rows))
            columns.append(values if convert is None else convert(values))
        if self.positional:
            connection.exec_driver_sql(self.sql, list(zip(*columns, strict=True)))
        else:
            named = [
                dict(zip(self.keys, values, strict=True)) for values in zip(*columns, strict=True)
            ]
            connection.exec_driver_sql(self.sql, named)


def _converter(type_: TypeEngine[Any], dialect: Dialect) -> _Convert | None:
    process = type_.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return None
    if isinstance(type_, JSON):
        return partial(_convert_by_identity, process)
    if type_.python_type in (dt.date, dt.datetime):
        return partial(_convert_by_value, process)
    return partial(_convert_each, process)


def _convert_each(process: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    return list(map(process, values))


def _convert_by_value(process: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    converted = {value: process(value) for value in set(values)}
    return list(map(converted.__getitem__, values))


def _convert_by_identity(process: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    """For unhashable values; the rows keep each one alive, so its id stays its own."""
    distinct = {id(value): value for value in values}
    converted = {key: process(value) for key, value in distinct.items()}
    return [converted[id(value)] for value in values]


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


def _address(street: str, city: str, postal_code: str) -> _Row:
    return {"street": street, "city": city, "postal_code": postal_code, "country": "EE"}


def _with_check_digit(base: str) -> str:
    """Append the check digit of an Estonian personal code, so demo codes look valid."""
    for weights in ((1, 2, 3, 4, 5, 6, 7, 8, 9, 1), (3, 4, 5, 6, 7, 8, 9, 1, 2, 3)):
        check = sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11
        if check < 10:
            return base + str(check)
    return base + "0"


def _personal_code(rng: random.Random) -> str:
    year = rng.randint(1940, 2004)
    century_and_sex = rng.choice("34" if year < 2000 else "56")
    born = f"{year % 100:02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    return _with_check_digit(f"{century_and_sex}{born}{rng.randint(0, 999):03d}")


@dataclass(frozen=True)
class _Priced:
    """A bill in the form the invoice row stores it."""

    lines: list[_Row]
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
    mail_to: _Row
    """The address invoices of the place are sent to."""


class _Seeder:
    """Collects rows per table and writes them in bulk; owns the id counters and the rng."""

    def __init__(self, session: Session, rng: random.Random, today: dt.date) -> None:
        self.session = session
        self.rng = rng
        self.today = today
        self.now = _at(today, dt.time(12, 0))
        self.products = {p.code: p for p in session.scalars(select(tables.Product))}
        self._rows: defaultdict[type[tables.Base], list[_Row]] = defaultdict(list)
        self._counters: dict[str, int] = {}
        self._bills: dict[tuple[str, billing.Energy], _Priced] = {}
        self._payment_codes = set(PAYMENT_CODES.values())

    # --- plumbing ---------------------------------------------------------------------

    def next_id(self, prefix: str, start: int = 1) -> str:
        number = self._counters.get(prefix, start - 1) + 1
        self._counters[prefix] = number
        return f"{prefix}{number:09d}"

    def add(self, model: type[tables.Base], row: _Row) -> None:
        self._rows[model].append(row)

    def flush(self) -> None:
        for model in _INSERT_ORDER:
            self._insert(model, self._rows.pop(model, []))

    def _insert(self, model: type[tables.Base], rows: list[_Row]) -> None:
        if not rows:
            return
        connection = self.session.connection()
        bulk = _BulkInsert(_table(model), list(rows[0]), connection.dialect)
        for start in range(0, len(rows), _INSERT_CHUNK):
            bulk.execute(connection, rows[start : start + _INSERT_CHUNK])

    def insert_users(self, rows: list[_Row]) -> list[int]:
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

    def account(self, number: str, owner_id: int | None, **fields: Any) -> _Row:
        """Add an account; returns the address its mail goes to."""
        row: _Row = {
            "number": number,
            "owner_id": owner_id,
            "payment_code": PAYMENT_CODES.get(number) or self.payment_code(),
            "kind": "household",
            "correspondence_address": None,
            "phone": None,
            "email": None,
            "invoice_channel": "email",
            **fields,
        }
        self.add(tables.Account, row)
        return dict(row["correspondence_address"] or row["home_address"])

    def place(
        self,
        account_number: str,
        mail_to: _Row,
        address: _Row,
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
    ) -> list[_Row]:
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

    def invoice(self, place: _Place, period: _Period) -> _Row:
        number = self.next_id("INV", start=100_000_001)
        priced = self.price(place.product_code, period.energy)
        row: _Row = {
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
        self, account_number: str, invoices: Sequence[_Row], paid_on: dt.date, method: str
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
        self, account_number: str, invoices: Iterable[_Row], methods: Sequence[str]
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
        self, invoice: _Row, kind: str, issued_on: dt.date, deadline: dt.date, status: str
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
            },
        )


def _leave_open(invoice: _Row) -> None:
    invoice["status"] = "open"
    invoice["paid_amount"] = Decimal(0)


def _paid_except_last(seeder: _Seeder, invoices: list[_Row], methods: Sequence[str]) -> None:
    """The usual customer: everything paid on time except the invoice issued this month."""
    if invoices:
        _leave_open(invoices[-1])
        seeder.pay_before_due(invoices[-1]["account_number"], invoices[:-1], methods)


# --- energy profiles -------------------------------------------------------------------


def _single_rate_periods(
    rng: random.Random,
    months: Sequence[_Month],
    monthly_kwh: float,
    season: Sequence[float],
    places: int = 1,
) -> list[_Period]:
    """Consumption on one register, read by the customer with an occasional utility visit."""
    periods = []
    for i, month in enumerate(months):
        kwh = _kwh(monthly_kwh * season[month.first.month - 1] * rng.uniform(0.9, 1.1), places)
        source = "utility" if i % 6 == 5 else "customer"
        periods.append(_Period(month, billing.Energy(day_kwh=kwh), source))
    return periods


def _flat_periods(rng: random.Random, months: Sequence[_Month], estimated: int) -> list[_Period]:
    """Day and night registers; the month at index ``estimated`` had no reading."""
    periods = []
    for i, month in enumerate(months):
        total = 230 * _HOUSEHOLD_SEASON[month.first.month - 1] * rng.uniform(0.9, 1.1)
        day = _kwh(total * rng.uniform(0.58, 0.66))
        energy = billing.Energy(day_kwh=day, night_kwh=_kwh(total) - day)
        source = "estimated" if i == estimated else ("utility" if i % 6 == 5 else "customer")
        periods.append(_Period(month, energy, source))
    return periods


def _cottage_periods(rng: random.Random, months: Sequence[_Month]) -> list[_Period]:
    """A remote-read prosumer, priced day and night by the daily shape of its interval data."""
    periods = []
    for month in months:
        m = month.first.month - 1
        total = 150 * _COTTAGE_SEASON[m] * rng.uniform(0.9, 1.1)
        day = _kwh(total * _DAY_SHARE)
        export = _kwh(_SOLAR_EXPORT[m] * rng.uniform(0.8, 1.15))
        energy = billing.Energy(day_kwh=day, night_kwh=_kwh(total) - day, export_kwh=export)
        periods.append(_Period(month, energy, "remote"))
    return periods


def _days_in_month(day: dt.date) -> int:
    return _month(day.year, day.month).last.day


def _solar_weight(hour: float, month: int) -> float:
    """Relative output at an hour UTC; solar noon is near 11:00 UTC in Estonia."""
    daylight = _DAYLIGHT_HOURS[month - 1]
    phase = (hour - (11.0 - daylight / 2)) / daylight
    return math.sin(math.pi * phase) ** 2 if 0 < phase < 1 else 0.0


def _interval_day(rng: random.Random, meter_id: str, day: dt.date) -> list[_Row]:
    """96 quarter hours of a cottage day, scaled to its month's typical totals."""
    m = day.month - 1
    days = _days_in_month(day)
    consumed = 150 * _COTTAGE_SEASON[m] / days
    exported = _SOLAR_EXPORT[m] / days * rng.uniform(0.2, 1.6)  # cloudy or sunny
    hours = [q / 4 for q in range(96)]
    solar = [_solar_weight(h, day.month) for h in hours]
    solar_total = sum(solar) or 1.0
    shape_total = sum(_HOUR_SHAPE) * 4
    start = _at(day, dt.time(0))
    return [
        {
            "meter_id": meter_id,
            "starts_at": start + dt.timedelta(minutes=15 * q),
            "consumption_kwh": _kwh(
                consumed * _HOUR_SHAPE[q // 4] / shape_total * rng.uniform(0.8, 1.2), 4
            ),
            "export_kwh": _kwh(exported * solar[q] / solar_total, 4),
        }
        for q in range(96)
    ]


# --- the named demo customers ----------------------------------------------------------


def _maria(seeder: _Seeder, user_id: int, national_id: str) -> None:
    home = _address("Õismäe tee 12-34", "Tallinn", "13513")
    common = {"name": "Maria Tamm", "national_id": national_id, "home_address": home}
    contact = {"phone": "+372 5123 4567", "email": "maria.tamm@example.com"}
    flat_mail = seeder.account(FLAT_ACCOUNT, user_id, **common, **contact)
    cottage_mail = seeder.account(
        COTTAGE_ACCOUNT,
        user_id,
        **common,
        **contact,
        correspondence_address=home,
        invoice_channel="paper",
    )
    _maria_flat(seeder, flat_mail, home)
    _maria_cottage(seeder, cottage_mail)


def _maria_flat(seeder: _Seeder, mail_to: _Row, address: _Row) -> None:
    months = _months_before(seeder.today, 36)
    since = months[0].first - dt.timedelta(days=800)
    place = seeder.place(FLAT_ACCOUNT, mail_to, address, "AREA-TALLINN-3", "DAYNIGHT", since=since)
    _, registers = seeder.meter(
        place.id, [("1.8.1", "day"), ("1.8.2", "night")], installed_on=since
    )
    latest = max(i for i, month in enumerate(months) if month.issued_on <= seeder.today)
    invoices = seeder.history(place, registers, _flat_periods(seeder.rng, months, latest))
    _leave_open(invoices[-1])
    together = invoices[-7:-5]  # paid late, with the next month's invoice
    seeder.payment(FLAT_ACCOUNT, together, together[-1]["due_on"] - 2 * _DAY, "bank_transfer")
    early = invoices[:-7] + invoices[-5:-1]
    seeder.pay_before_due(FLAT_ACCOUNT, early, ("bank_transfer", "card"))


def _maria_cottage(seeder: _Seeder, mail_to: _Row) -> None:
    today = seeder.today
    months = _months_before(today, 36)
    since = months[0].first - dt.timedelta(days=400)
    address = _address("Männiku talu, Käsmu küla", "Haljala vald", "45601")
    place = seeder.place(
        COTTAGE_ACCOUNT, mail_to, address, "AREA-LAANE-VIRU-2", "SOLAR", since=since
    )
    until = _at(today - _DAY, dt.time(0))
    meter_id, registers = seeder.meter(
        place.id,
        [("1.8.0", "single"), ("2.8.0", "export")],
        installed_on=since,
        smart=True,
        data_available_until=until,
    )
    invoices = seeder.history(place, registers, _cottage_periods(seeder.rng, months))
    for day in range(30, 0, -1):
        for row in _interval_day(seeder.rng, meter_id, today - dt.timedelta(days=day + 1)):
            seeder.add(tables.IntervalReading, row)
    overdue, late = invoices[-2], invoices[-12]  # the direct debit of both failed
    _leave_open(overdue)
    reminded = max(overdue["due_on"] + _DAY, today - 5 * _DAY)
    seeder.notice(overdue, "reminder", reminded, reminded + 21 * _DAY, "open")
    seeder.notice(late, "reminder", late["due_on"] + 7 * _DAY, late["due_on"] + 21 * _DAY, "closed")
    seeder.payment(COTTAGE_ACCOUNT, [late], late["due_on"] + 12 * _DAY, "bank_transfer")
    paid = [invoice for invoice in invoices if invoice is not overdue and invoice is not late]
    seeder.pay_before_due(COTTAGE_ACCOUNT, paid, ("direct_debit",))


def _jaan(seeder: _Seeder, user_id: int, national_id: str) -> None:
    home = _address("Pärnu mnt 45-7", "Tallinn", "11415")
    mail_to = seeder.account(
        JAAN_ACCOUNT,
        user_id,
        name="Jaan Kask",
        national_id=national_id,
        home_address=home,
        email="jaan.kask@example.com",
    )
    _small_customer(seeder, JAAN_ACCOUNT, mail_to, home, "AREA-TALLINN-5", 110)
    mandate = {"delegate_id": user_id, "revoked_at": None}
    seeder.add(
        tables.Mandate,
        {
            **mandate,
            "id": seeder.next_id("MD"),
            "account_number": FLAT_ACCOUNT,
            "scopes": ["view", "readings"],
            "expires_at": _at(_years_later(seeder.today, 1), dt.time(12, 0)),
            "created_at": seeder.now - dt.timedelta(days=45),
        },
    )
    seeder.add(
        tables.Mandate,
        {
            **mandate,
            "id": seeder.next_id("MD"),
            "account_number": COTTAGE_ACCOUNT,
            "scopes": ["view"],
            "expires_at": seeder.now - 10 * _DAY,
            "created_at": seeder.now - dt.timedelta(days=375),
        },
    )


def _small_customer(
    seeder: _Seeder, number: str, mail_to: _Row, address: _Row, area: str, monthly_kwh: float
) -> None:
    """A flat on a single-rate meter with a year of history, all paid but the newest bill."""
    months = _months_before(seeder.today, 12)
    place = seeder.place(number, mail_to, address, area, "UNIVERSAL", since=months[0].first)
    _, registers = seeder.meter(place.id, [("1.8.0", "single")], installed_on=months[0].first)
    periods = _single_rate_periods(seeder.rng, months, monthly_kwh, _HOUSEHOLD_SEASON)
    _paid_except_last(seeder, seeder.history(place, registers, periods), ("card",))


def _attachable(seeder: _Seeder) -> None:
    number = ATTACHABLE_ACCOUNT[0]
    home = _address("Kalevi 3-12", "Tartu", "50104")
    mail_to = seeder.account(
        number,
        None,
        name="Liis Mets",
        national_id=_with_check_digit("4920715031"),
        home_address=home,
        invoice_channel="paper",
    )
    _small_customer(seeder, number, mail_to, home, "AREA-TARTU-2", 140)


def _acme(seeder: _Seeder, user_id: int) -> None:
    office = _address("Viru 12", "Tallinn", "10140")
    mail_to = seeder.account(
        BUSINESS_ACCOUNT,
        user_id,
        name="Acme Bakeries OÜ",
        kind="business",
        national_id="14027513",
        home_address=office,
        phone="+372 600 1234",
        email="invoices@acme-bakeries.example.com",
    )
    months = _months_before(seeder.today, 12)
    for site, (street, city, postal_code, area) in enumerate(_ACME_SITES):
        product = "FIXED24" if site % 3 == 0 else "UNIVERSAL"
        state = "disconnected" if site == _ACME_DISCONNECTED_SITE else "connected"
        address = _address(street, city, postal_code)
        since = months[0].first - dt.timedelta(days=30 * seeder.rng.randint(3, 60))
        place = seeder.place(
            BUSINESS_ACCOUNT, mail_to, address, area, product, state=state, since=since
        )
        periods = _single_rate_periods(
            seeder.rng, months, seeder.rng.uniform(900, 4500), _BUSINESS_SEASON
        )
        if site == _ACME_DISCONNECTED_SITE:
            periods[-_ACME_DISCONNECTED_MONTHS:] = [
                _Period(p.month, billing.Energy(), "utility")
                for p in periods[-_ACME_DISCONNECTED_MONTHS:]
            ]
        if site == _ACME_REPLACED_METER_SITE:
            invoices = _replaced_meter_history(seeder, place, since, periods)
        else:
            _, registers = seeder.meter(place.id, [("1.8.0", "single")], installed_on=since)
            invoices = seeder.history(place, registers, periods)
        _paid_except_last(seeder, invoices, ("direct_debit", "bank_transfer"))
        if site == _ACME_OUTAGE_SITE:
            _outage_report(seeder, place)


def _replaced_meter_history(
    seeder: _Seeder, place: _Place, since: dt.date, periods: list[_Period]
) -> list[_Row]:
    """The old meter reads until it is removed; the new one starts from zero that same day."""
    swap = len(periods) - 5
    removed_on = periods[swap - 1].month.last
    _, old = seeder.meter(
        place.id, [("1.8.0", "single")], installed_on=since, removed_on=removed_on
    )
    _, new = seeder.meter(
        place.id, [("1.8.0", "single")], installed_on=removed_on, start_value=Decimal(0)
    )
    return seeder.history(place, old, periods[:swap]) + seeder.history(place, new, periods[swap:])


def _outage_report(seeder: _Seeder, place: _Place) -> None:
    seeder.add(
        tables.OutageReport,
        {
            "reference": f"OR{seeder.rng.randrange(10**8, 10**9)}",
            "account_number": place.account_number,
            "place_id": place.id,
            "description": "No power in the shop since the evening; the street lights are on.",
            "contact_phone": "+372 600 1234",
            "status": "open",
            "created_at": _at(seeder.today - _DAY, dt.time(18, 40)),
        },
    )


def _works(seeder: _Seeder) -> None:
    now, today = seeder.now, seeder.today
    seeder.work(
        "accidental",
        _ACCIDENT_AREA,
        "Cable fault on the 10 kV line; repair crew on site.",
        now - dt.timedelta(hours=2),
        8,
    )
    seeder.work(
        "planned",
        "AREA-TALLINN-3",
        "Replacement of a substation transformer.",
        _at(today + 3 * _DAY, dt.time(7, 0)),
        4,
    )
    seeder.work(
        "planned",
        "AREA-NARVA-4",
        "Maintenance of overhead lines.",
        _at(today + 5 * _DAY, dt.time(6, 0)),
        5,
    )
    last_month = _months_before(today, 1)[0]
    seeder.work(
        "planned",
        "AREA-TALLINN-3",
        "Inspection of the distribution cabinet.",
        _at(last_month.first + 14 * _DAY, dt.time(6, 0)),
        4,
    )


def _named_users(seeder: _Seeder) -> dict[str, tuple[int, str]]:
    """Insert the demo logins; returns username -> (user id, national id)."""
    national_ids = {
        "maria": _with_check_digit("4850312022"),
        "jaan": _with_check_digit("3991104571"),
        "acme": _with_check_digit("3780621422"),
    }
    names = {"maria": "Maria Tamm", "jaan": "Jaan Kask", "acme": "Kristjan Oja (Acme Bakeries OÜ)"}
    rows: list[_Row] = [
        {
            "username": username,
            "display_name": names.get(username, "Liis Support"),
            "role": "agent" if username == "agent" else "customer",
            "password_hash": hash_password(password),
            "mfa_secret": AGENT_TOTP_SECRET if username == "agent" else None,
            "national_id": national_ids.get(username),
        }
        for username, password, _ in DEMO_LOGINS
    ]
    ids = seeder.insert_users(rows)
    return {row["username"]: (id_, row["national_id"]) for row, id_ in zip(rows, ids, strict=True)}


# --- synthetic customers -----------------------------------------------------------------


def _synthetic_customers(seeder: _Seeder, count: int) -> None:
    """Households for scale tests, flushed in batches so memory stays flat."""
    password_hash = hash_password(SYNTHETIC_PASSWORD)  # once: Argon2 is slow on purpose
    months = _months_before(seeder.today, 12)
    for first in range(1, count + 1, _CUSTOMERS_PER_FLUSH):
        numbers = range(first, min(first + _CUSTOMERS_PER_FLUSH, count + 1))
        people = [_synthetic_person(seeder.rng) for _ in numbers]
        users = [
            {
                "username": f"customer{i}",
                "display_name": name,
                "role": "customer",
                "password_hash": password_hash,
                "mfa_secret": None,
                "national_id": national_id,
            }
            for i, (name, national_id) in zip(numbers, people, strict=True)
        ]
        user_ids = seeder.insert_users(users)
        for i, user in zip(numbers, users, strict=True):
            _synthetic_customer(seeder, i, user_ids[i - first], user, months)
        seeder.flush()


def _synthetic_person(rng: random.Random) -> tuple[str, str]:
    return f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}", _personal_code(rng)


def _synthetic_customer(
    seeder: _Seeder, i: int, user_id: int, user: _Row, months: Sequence[_Month]
) -> None:
    rng = seeder.rng
    number = f"5{i:09d}"
    city, postal_code, area = rng.choice(_TOWNS)
    address = _address(
        f"{rng.choice(_STREETS)} {rng.randint(1, 150)}-{rng.randint(1, 60)}", city, postal_code
    )
    mail_to = seeder.account(
        number,
        user_id,
        name=user["display_name"],
        national_id=user["national_id"],
        home_address=address,
        email=f"customer{i}@example.com",
        invoice_channel=("email", "email", "email", "sms", "paper")[i % 5],
    )
    product = "FIXED24" if i % 4 == 0 else "UNIVERSAL"
    place = seeder.place(number, mail_to, address, area, product, since=months[0].first)
    _, registers = seeder.meter(place.id, [("1.8.0", "single")], installed_on=months[0].first)
    periods = _single_rate_periods(rng, months, rng.uniform(80, 400), _HOUSEHOLD_SEASON, places=0)
    _paid_except_last(seeder, seeder.history(place, registers, periods), ("card", "bank_transfer"))


# --- entry point ---------------------------------------------------------------------------


# A one-page PDF, small enough to keep inline: the demo's signed documents.
_DEMO_PDF: Final = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _request(
    session: Session,
    request_id: str,
    account: str,
    type_code: str,
    subject: str,
    fields: dict[str, str],
    steps: list[tuple[str, str | None, dt.datetime, str | None]],
    documents: list[str],
) -> None:
    """A request with its status history (oldest first) and the documents attached to it."""
    status, stage, created_at = steps[-1][0], steps[-1][1], steps[0][2]
    session.add(
        tables.Request(
            id=request_id,
            account_number=account,
            type_code=type_code,
            place_id=None,
            subject=subject,
            message="",
            fields=fields,
            status=status,
            stage=stage,
            created_at=created_at,
        )
    )
    session.flush()
    for step_status, step_stage, at, note in steps:
        session.add(
            tables.RequestHistory(
                request_id=request_id, status=step_status, stage=step_stage, at=at, note=note
            )
        )
    for n, code in enumerate(documents, start=1):
        session.add(
            tables.Attachment(
                id=f"{request_id}-AT{n}",
                request_id=request_id,
                document_code=code,
                filename=f"{code}.pdf",
                content_type="application/pdf",
                size=len(_DEMO_PDF),
                sha256=hashlib.sha256(_DEMO_PDF).hexdigest(),
                content=_DEMO_PDF,
            )
        )


def _requests(session: Session, now: dt.datetime) -> None:
    """A grid connection under review (S0), a draft change of holder missing documents (S2),
    and an answered complaint (S4)."""
    days = dt.timedelta(days=1)
    _request(
        session,
        "RQ000000001",
        BUSINESS_ACCOUNT,
        "grid_connection",
        "New bakery at Peterburi tee 71",
        {"address": "Peterburi tee 71, Tallinn", "requested_power_kw": "63"},
        [
            ("draft", None, now - 41 * days, None),
            ("submitted", "submitted", now - 40 * days, None),
            (
                "in_progress",
                "technical_review",
                now - 33 * days,
                "Assigned to the network planning team.",
            ),
        ],
        ["site_plan", "ownership_deed", "identity_document"],
    )
    _request(
        session,
        "RQ000000002",
        JAAN_ACCOUNT,
        "change_of_holder",
        "My sister takes over the flat",
        {
            "eic": "The flat of account " + JAAN_ACCOUNT,
            "applicant_name": "Liis Kask",
            "email": "liis.kask@example.com",
            "phone": "+372 5555 0101",
            "payment_code": PAYMENT_CODES[JAAN_ACCOUNT],
            "customer_code": JAAN_ACCOUNT,
        },
        [("draft", None, now - 2 * days, None)],
        ["identity_document"],
    )
    _request(
        session,
        "RQ000000003",
        JAAN_ACCOUNT,
        "complaint",
        "Estimated bill far too high",
        {},
        [
            ("draft", None, now - 70 * days, None),
            ("submitted", "registered", now - 70 * days, None),
            (
                "completed",
                "answered",
                now - 64 * days,
                "The estimate was corrected after your reading.",
            ),
        ],
        [],
    )


def seed_demo(session: Session, *, today: dt.date, customers: int = 0, seed: int = 2026) -> None:
    """Fill an empty database with the demo customers, plus ``customers`` synthetic ones.

    ``today`` anchors every date, so tests and screenshots do not drift with the calendar;
    the working day's "now" is 12:00 UTC.
    """
    if session.scalar(select(func.count()).select_from(tables.User)):
        raise ValueError("seed_demo needs an empty database; this one already has users")
    ensure_reference_data(session)
    seeder = _Seeder(session, random.Random(seed), today)
    users = _named_users(seeder)
    _maria(seeder, *users["maria"])
    _jaan(seeder, *users["jaan"])
    _acme(seeder, users["acme"][0])
    _attachable(seeder)
    _works(seeder)
    seeder.flush()
    _requests(session, seeder.now)
    _synthetic_customers(seeder, customers)
