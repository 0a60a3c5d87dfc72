"""The agents' customer search: by account number, name, address, meter serial, payment code
or an invoice's payment reference, each match saying what matched."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import or_, select

from selfcare_tui.api import models

from ... import tables
from ...deps import Config, Db, audit, text_query
from ...desk import Agent

router = APIRouter()


@router.get("/customers", response_model=list[models.CustomerMatch])
def search_customers(
    request: Request,
    agent: Agent,
    db: Db,
    settings: Config,
    q: Annotated[str, text_query(100, "What to look for.")],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[models.CustomerMatch]:
    """Exact codes first (number, payment code, meter serial, payment reference), then names
    and addresses containing the words; every account found is written to the audit log."""
    q = q.strip()
    A, P, M, Inv = tables.Account, tables.Place, tables.Meter, tables.Invoice
    found: dict[str, models.CustomerMatch] = {}

    def add(number: str, name: str, matched: str, detail: str) -> None:
        if number not in found and len(found) < limit:
            found[number] = models.CustomerMatch(
                number=number, name=name, matched=matched, detail=detail
            )

    if not q:
        return []
    for a in db.scalars(select(A).where(or_(A.number == q, A.payment_code == q)).limit(limit)):
        add(a.number, a.name, "number" if a.number == q else "payment_code", q)
    for number, name, serial in db.execute(
        select(A.number, A.name, M.serial_number)
        .join(P, P.account_number == A.number)
        .join(M, M.place_id == P.id)
        .where(M.serial_number == q)
        .limit(limit)
    ):
        add(number, name, "meter", serial)
    for number, name, reference in db.execute(
        select(A.number, A.name, Inv.payment_reference)
        .join(Inv, Inv.account_number == A.number)
        .where(Inv.payment_reference == q)
        .limit(limit)
    ):
        add(number, name, "payment_reference", reference)
    if len(q) >= 2:
        for a in db.scalars(
            select(A)
            .where(or_(A.number.startswith(q), A.name.icontains(q)))
            .order_by(A.number)
            .limit(limit)
        ):
            add(a.number, a.name, "number" if a.number.startswith(q) else "name", a.name)
        for number, name, street, city in db.execute(
            select(A.number, A.name, P.street, P.city)
            .join(P, P.account_number == A.number)
            .where(or_(P.street.icontains(q), P.city.icontains(q)))
            .order_by(A.number)
            .limit(limit)
        ):
            add(number, name, "address", f"{street}, {city}")
    matches = list(found.values())
    audit(
        db,
        settings,
        agent.agent,
        [m.number for m in matches],
        f"GET {request.url.path} search",
        "search_customers",
    )
    return matches
