"""Consumption places, their contracts and meters, and the product catalogue."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from selfcare_tui.api import models

from .. import convert, tables
from ..contract import NOT_FOUND, answers
from ..deps import CanView, Db, IdPath, IdQuery
from ..i18n import _
from ..problems import not_found

router = APIRouter(tags=["places"])


@router.get("/accounts/{number:account_number}/places", response_model=models.Page[models.Place])
def list_places(grant: CanView, db: Db) -> models.Page[models.Place]:
    rows = db.scalars(
        select(tables.Place)
        .where(tables.Place.account_number == grant.account.number)
        .order_by(tables.Place.id)
    )
    return models.Page(items=[convert.place(p) for p in rows])


@router.get("/accounts/{number:account_number}/places/{place_id}", response_model=models.Place)
@answers(NOT_FOUND)
def get_place(place_id: IdPath, grant: CanView, db: Db) -> models.Place:
    return convert.place(place_of(db, grant.account.number, place_id))


def place_of(db: Db, number: str, place_id: str) -> tables.Place:
    place = db.get(tables.Place, place_id)
    if place is None or place.account_number != number:
        raise not_found(_("No such place."))
    return place


@router.get(
    "/accounts/{number:account_number}/contracts", response_model=models.Page[models.Contract]
)
@answers(NOT_FOUND)
def list_contracts(
    grant: CanView, db: Db, place_id: IdQuery = None
) -> models.Page[models.Contract]:
    query = (
        select(tables.Contract)
        .join(tables.Place)
        .where(tables.Place.account_number == grant.account.number)
        .order_by(tables.Contract.place_id, tables.Contract.start_date)
    )
    if place_id:
        place_of(db, grant.account.number, place_id)  # an unknown place is a 404, not []
        query = query.where(tables.Contract.place_id == place_id)
    return models.Page(items=[convert.contract(c) for c in db.scalars(query)])


@router.get("/accounts/{number:account_number}/meters", response_model=models.Page[models.Meter])
@answers(NOT_FOUND)
def list_meters(
    grant: CanView, db: Db, place_id: IdQuery = None, include_removed: bool = False
) -> models.Page[models.Meter]:
    query = (
        select(tables.Meter)
        .join(tables.Place)
        .where(tables.Place.account_number == grant.account.number)
        .order_by(tables.Meter.place_id, tables.Meter.installed_on)
    )
    if place_id:
        place_of(db, grant.account.number, place_id)  # an unknown place is a 404, not []
        query = query.where(tables.Meter.place_id == place_id)
    if not include_removed:
        query = query.where(tables.Meter.removed_on.is_(None))
    return models.Page(items=[convert.meter(db, m) for m in db.scalars(query)])


@router.get("/accounts/{number:account_number}/meters/{meter_id}", response_model=models.Meter)
@answers(NOT_FOUND)
def get_meter(meter_id: IdPath, grant: CanView, db: Db) -> models.Meter:
    return convert.meter(db, meter_of(db, grant.account.number, meter_id))


def meter_of(db: Db, number: str, meter_id: str) -> tables.Meter:
    meter = db.get(tables.Meter, meter_id)
    if meter is None:
        raise not_found(_("No such meter."))
    place_of(db, number, meter.place_id)
    return meter


@router.get("/products", response_model=list[models.Product], tags=["public"])
def list_products(db: Db) -> list[models.Product]:
    """The tariff packages on offer; public, as on a price list."""
    return [
        convert.product(p) for p in db.scalars(select(tables.Product).order_by(tables.Product.code))
    ]
