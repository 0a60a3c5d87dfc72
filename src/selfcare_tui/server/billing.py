"""Pricing energy into invoice lines, and the reference numbers printed on invoices."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from selfcare_tui.api import models

from . import tables
from .i18n import N_

ACTUAL = ("customer", "utility", "remote")
"""Reading sources that are readings, not estimates: what a bill may rest on."""
TAX_RATE = Decimal("0.22")
CENT = Decimal("0.01")


def money(amount: Decimal) -> models.Money:
    return models.Money(amount=amount.quantize(CENT, ROUND_HALF_UP), currency="EUR")


@dataclass(frozen=True)
class Energy:
    """Energy of one billing period, per kind of register."""

    day_kwh: Decimal = Decimal(0)
    night_kwh: Decimal = Decimal(0)
    export_kwh: Decimal = Decimal(0)

    @property
    def consumed_kwh(self) -> Decimal:
        return self.day_kwh + self.night_kwh


@dataclass(frozen=True)
class Bill:
    lines: list[models.InvoiceLine]
    net: Decimal
    tax: Decimal
    total: Decimal


def _line(
    description: str, quantity: Decimal, unit: str, unit_price: Decimal
) -> models.InvoiceLine:
    amount = (quantity * unit_price).quantize(CENT, ROUND_HALF_UP)
    return models.InvoiceLine(
        description=description,
        quantity=quantity,
        unit=unit,
        unit_price=models.Money(amount=unit_price),
        amount=money(amount),
    )


def price(product: tables.Product, energy: Energy, months: int = 1) -> Bill:
    """Price a period's energy under a product; exported energy is credited, never netted."""
    lines: list[models.InvoiceLine] = []
    if product.night_price is None:
        lines.append(_line(N_("Energy"), energy.consumed_kwh, N_("kWh"), product.day_price))
    else:
        lines.append(_line(N_("Energy, day rate"), energy.day_kwh, N_("kWh"), product.day_price))
        lines.append(
            _line(N_("Energy, night rate"), energy.night_kwh, N_("kWh"), product.night_price)
        )
    lines.append(_line(N_("Monthly fee"), Decimal(months), N_("month"), product.monthly_fee))
    if energy.export_kwh and product.export_price is not None:
        lines.append(
            _line(
                N_("Exported energy (credit)"), energy.export_kwh, N_("kWh"), -product.export_price
            )
        )
    net = sum((line.amount.amount for line in lines), Decimal(0))
    tax = (net * TAX_RATE).quantize(CENT, ROUND_HALF_UP)
    return Bill(lines=lines, net=net, tax=tax, total=net + tax)


def reference_number(base: str) -> str:
    """Append the 7-3-1 check digit used by Estonian bank payment references."""
    weights = (7, 3, 1)
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(base)))
    return base + str((10 - total % 10) % 10)


def is_valid_reference(reference: str) -> bool:
    return (
        reference.isdigit()
        and len(reference) >= 2
        and reference_number(reference[:-1]) == reference
    )


def free_numbers(
    db: Session, column: InstrumentedAttribute[str], prefix: str, count: int
) -> list[str]:
    """Random document numbers (prefix and 9 digits), none already taken in `column`."""
    numbers: set[str] = set()
    while len(numbers) < count:
        wanted = count - len(numbers)
        drawn = {f"{prefix}{secrets.randbelow(9 * 10**8) + 10**8}" for _ in range(wanted)}
        drawn -= numbers
        taken = set(db.scalars(select(column).where(column.in_(drawn))))
        numbers |= drawn - taken
    return sorted(numbers)
