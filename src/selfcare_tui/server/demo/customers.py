"""The named demo customers, each showing features on purpose, and the grid works around them.

maria has a day/night flat and a solar cottage, jaan a flat and mandates on maria's accounts,
acme 24 business sites; one account has no owner yet, for the attach flow.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Final

from .. import billing, tables
from ..bulk_insert import Row
from ..security import hash_password
from .accounts import (
    AGENT_TOTP_SECRET,
    AGENTS,
    ATTACHABLE_ACCOUNT,
    BUSINESS_ACCOUNT,
    COTTAGE_ACCOUNT,
    DEMO_LOGINS,
    FLAT_ACCOUNT,
    JAAN_ACCOUNT,
)
from .profiles import (
    _BUSINESS_SEASON,
    _HOUSEHOLD_SEASON,
    _cottage_periods,
    _flat_periods,
    _interval_day,
    _single_rate_periods,
)
from .seeder import (
    _DAY,
    _address,
    _at,
    _leave_open,
    _months_before,
    _paid_except_last,
    _Period,
    _Place,
    _Seeder,
    _with_check_digit,
    _years_later,
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


def _maria_flat(seeder: _Seeder, mail_to: Row, address: Row) -> None:
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


def _maria_cottage(seeder: _Seeder, mail_to: Row) -> None:
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
    seeder: _Seeder, number: str, mail_to: Row, address: Row, area: str, monthly_kwh: float
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
) -> list[Row]:
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
            "work_id": None,
            "note": None,
            "version": 1,
            "holder_id": None,
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
    names = {
        "maria": "Maria Tamm",
        "jaan": "Jaan Kask",
        "acme": "Kristjan Oja (Acme Bakeries OÜ)",
        "agent": "Liis Support",
        "mihai": "Mihai Support",
    }
    rows: list[Row] = [
        {
            "username": username,
            "display_name": names[username],
            "role": "agent" if username in AGENTS else "customer",
            "password_hash": hash_password(password),
            "mfa_secret": AGENT_TOTP_SECRET if username in AGENTS else None,
            "national_id": national_ids.get(username),
            "email": f"{username}@demo.selfcare.test",
        }
        for username, password, _ in DEMO_LOGINS
    ]
    ids = seeder.insert_users(rows)
    return {row["username"]: (id_, row["national_id"]) for row, id_ in zip(rows, ids, strict=True)}
