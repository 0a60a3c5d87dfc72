"""Synthetic customers customer1..customerN for load tests: households on single-rate meters,
written in batches so seeding 100,000 of them keeps memory flat."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Final

from ..bulk_insert import Row
from ..security import hash_password
from .accounts import SYNTHETIC_PASSWORD
from .profiles import _HOUSEHOLD_SEASON, _single_rate_periods
from .seeder import (
    _address,
    _Month,
    _months_before,
    _paid_except_last,
    _Seeder,
    _with_check_digit,
)

_CUSTOMERS_PER_FLUSH = 2_000

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


def _personal_code(rng: random.Random) -> str:
    year = rng.randint(1940, 2004)
    century_and_sex = rng.choice("34" if year < 2000 else "56")
    born = f"{year % 100:02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    return _with_check_digit(f"{century_and_sex}{born}{rng.randint(0, 999):03d}")


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
    seeder: _Seeder, i: int, user_id: int, user: Row, months: Sequence[_Month]
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
