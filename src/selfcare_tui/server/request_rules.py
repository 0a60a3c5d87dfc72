"""What a new request must carry: a type from the guide, that type's fields, and for a change
of package a real product other than the place's own. Checked before anything is stored."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from selfcare_tui.api import models
from selfcare_tui.api.models import ErrorCode, FieldError

from . import tables
from .i18n import _, stored
from .problems import refused

PACKAGE_CHANGE = "package_change"
OPEN_STATUSES = ("submitted", "in_progress")
"""A request the utility is working on: in its queue, open to messages and moves."""
PRODUCT_FIELD = "product_code"

REQUEST_REFUSALS = (
    ErrorCode.unknown_request_type,
    ErrorCode.request_fields_invalid,
    ErrorCode.unknown_product,
    ErrorCode.product_already_chosen,
)
"""What creating a request can be refused with (each a 422), for the published contract."""


def request_type(db: Session, code: str) -> tables.RequestType:
    rtype = db.get(tables.RequestType, code)
    if rtype is None:
        raise refused(
            ErrorCode.unknown_request_type,
            _("Unknown request type '{code}'.").format(code=code),
            errors=[
                FieldError(field="type_code", code="unknown", message=_("See /request-types."))
            ],
        )
    return rtype


def check_fields(rtype: tables.RequestType, body: models.RequestCreate) -> None:
    """Every required field of the type given (not blank), no field the type does not have."""
    missing = [
        FieldError(
            field=f"fields.{f['name']}",
            code="required",
            message=_("{label} is required.").format(label=stored(f["label"])),
        )
        for f in rtype.fields
        if f.get("required", True) and not body.fields.get(f["name"], "").strip()
    ]
    known = {f["name"] for f in rtype.fields}
    unknown = [
        FieldError(
            field=f"fields.{name}", code="unknown", message=_("This type has no such field.")
        )
        for name in body.fields
        if name not in known
    ]
    if rtype.code == PACKAGE_CHANGE and body.place_id is None:
        missing.append(
            FieldError(
                field="place_id", code="required", message=_("Say which place changes package.")
            )
        )
    if missing or unknown:
        raise refused(
            ErrorCode.request_fields_invalid,
            _("Some fields of the request are missing or unknown."),
            errors=missing + unknown,
        )


def _current_product(db: Session, place: tables.Place) -> str | None:
    """The product of the supply contract in force: an open-ended one, else the latest."""
    contracts = db.scalars(
        select(tables.Contract).where(
            tables.Contract.place_id == place.id, tables.Contract.kind == "supply"
        )
    )
    latest = max(contracts, key=lambda c: (c.end_date is None, c.start_date), default=None)
    return latest.product_code if latest else None


def check_package_change(db: Session, place: tables.Place, body: models.RequestCreate) -> None:
    """The new package must be one on offer, and not the one the place already has."""
    code = body.fields[PRODUCT_FIELD].strip()
    field = f"fields.{PRODUCT_FIELD}"
    if db.get(tables.Product, code) is None:
        raise refused(
            ErrorCode.unknown_product,
            _(
                "There is no package '{code}'; the packages on offer are listed at /products."
            ).format(code=code),
            errors=[FieldError(field=field, code="unknown", message=_("Not a package on offer."))],
        )
    if _current_product(db, place) == code:
        raise refused(
            ErrorCode.product_already_chosen,
            _("This place already has the package '{code}'.").format(code=code),
            errors=[FieldError(field=field, code="current", message=_("Choose another package."))],
        )
