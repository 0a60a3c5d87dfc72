"""Demo data for the reference backend: a handful of customers whose data shows every feature.

Everything comes from one ``random.Random(seed)`` and the given day, so the same seed and day
give the same rows (only password hashes differ: Argon2 salts are random). Rows are written as
bulk Core inserts (``server.bulk_insert``) in foreign-key order, never as ORM objects one by
one, because the same code also produces 100,000 synthetic customers for load tests.
The caller commits.

The modules, from the bottom up:

- ``accounts``: the demo logins, account numbers and payment codes tests and docs refer to;
- ``seeder``: the ``_Seeder`` that collects rows per table and writes them, and its row
  helpers (months, addresses, personal codes, payments);
- ``profiles``: monthly and quarter-hourly energy of flats, cottages and shops;
- ``customers``: the named customers (maria, jaan, acme, an attachable account) and the works;
- ``synthetic``: customer1..customerN for load tests;
- ``requests``: the demo requests with their history and documents;
- ``seed``: ``seed_demo``, which runs them all in order.

Names with a leading underscore are shared between these modules but are not for use outside
the package; what other code may import is re-exported here.
"""

from __future__ import annotations

from .accounts import (
    AGENT_TOTP_SECRET,
    ATTACHABLE_ACCOUNT,
    BUSINESS_ACCOUNT,
    COTTAGE_ACCOUNT,
    DEMO_LOGINS,
    FLAT_ACCOUNT,
    JAAN_ACCOUNT,
    PAYMENT_CODES,
    SYNTHETIC_PASSWORD,
)
from .seed import seed_demo
from .seeder import _with_check_digit

__all__ = [
    "AGENT_TOTP_SECRET",
    "ATTACHABLE_ACCOUNT",
    "BUSINESS_ACCOUNT",
    "COTTAGE_ACCOUNT",
    "DEMO_LOGINS",
    "FLAT_ACCOUNT",
    "JAAN_ACCOUNT",
    "PAYMENT_CODES",
    "SYNTHETIC_PASSWORD",
    "_with_check_digit",
    "seed_demo",
]
