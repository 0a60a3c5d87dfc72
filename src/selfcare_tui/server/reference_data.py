"""Tariff packages and the request guide every deployment starts with.

They live in the database (not in code paths) so a utility can edit them; this module only
supplies the initial rows, and never overwrites rows an operator has changed. Their texts are
written in English and marked for the server's catalog (N_): the API shows them in the
caller's language (`i18n.stored`), and an operator's own text as it was written.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Final, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import tables
from .i18n import N_


class ProductData(TypedDict):
    code: str
    name: str
    day_price: Decimal
    night_price: Decimal | None
    monthly_fee: Decimal
    export_price: Decimal | None


class FieldData(TypedDict):
    name: str
    label: str
    required: bool


class DocumentData(TypedDict):
    code: str
    name: str


class RequestTypeData(TypedDict):
    code: str
    name: str
    description: str
    fields: list[FieldData]
    documents: list[DocumentData]
    stages: list[str]


PRODUCTS: Final[tuple[ProductData, ...]] = (
    {
        "code": "UNIVERSAL",
        "name": N_("Universal (single rate)"),
        "day_price": Decimal("0.14500"),
        "night_price": None,
        "monthly_fee": Decimal("2.49"),
        "export_price": None,
    },
    {
        "code": "DAYNIGHT",
        "name": N_("Day and night"),
        "day_price": Decimal("0.16120"),
        "night_price": Decimal("0.11230"),
        "monthly_fee": Decimal("2.49"),
        "export_price": None,
    },
    {
        "code": "FIXED24",
        "name": N_("Fixed price for 24 months"),
        "day_price": Decimal("0.15990"),
        "night_price": None,
        "monthly_fee": Decimal("4.99"),
        "export_price": None,
    },
    {
        "code": "SOLAR",
        "name": N_("Solar (day and night, export credited)"),
        "day_price": Decimal("0.15490"),
        "night_price": Decimal("0.10890"),
        "monthly_fee": Decimal("3.49"),
        "export_price": Decimal("0.07250"),
    },
)


def _field(name: str, label: str, *, required: bool = True) -> FieldData:
    return {"name": name, "label": label, "required": required}


def _doc(code: str, name: str) -> DocumentData:
    return {"code": code, "name": name}


_OWNERSHIP = _doc("ownership_deed", N_("Ownership deed or lease of the property"))
_IDENTITY = _doc("identity_document", N_("Identity document of the applicant"))

REQUEST_TYPES: Final[tuple[RequestTypeData, ...]] = (
    {
        "code": "general",
        "name": N_("Written request"),
        "description": N_(
            "A letter to the utility on any subject, with the signed request attached."
        ),
        "fields": [],
        "documents": [_doc("signed_request", N_("Signed request (scan or digitally signed PDF)"))],
        "stages": ["registered", "in_review", "answered"],
    },
    {
        "code": "complaint",
        "name": N_("Suggestion or complaint"),
        "description": N_("Tell us what went wrong or what we could do better."),
        "fields": [],
        "documents": [],
        "stages": ["registered", "investigation", "answered"],
    },
    {
        # S2: identification, applicant data and the two codes from the invoice's first page
        # come first; the documents follow after the utility confirms the request.
        "code": "change_of_holder",
        "name": N_("Change of contract holder"),
        "description": (
            N_(
                "Take over the contract of a consumption place. The payment code and the customer "
                "code are on the first page of the current holder's invoice."
            )
        ),
        "fields": [
            _field("eic", N_("Consumption place (EIC code or address)")),
            _field("applicant_name", N_("Applicant's name")),
            _field("email", N_("E-mail")),
            _field("phone", N_("Phone")),
            _field("payment_code", N_("Payment code (from the invoice)")),
            _field("customer_code", N_("Customer code (from the invoice)")),
        ],
        "documents": [
            _OWNERSHIP,
            _IDENTITY,
            _doc("contract_request", N_("Signed contract request")),
            _doc("chosen_offer", N_("The chosen offer")),
        ],
        "stages": ["submitted", "confirmed", "documents_received", "contract_signed"],
    },
    {
        "code": "grid_connection",
        "name": N_("Grid connection"),
        "description": N_(
            "Connect a new consumption place to the grid or raise its connected power."
        ),
        "fields": [
            _field("address", N_("Address of the site")),
            _field("requested_power_kw", N_("Requested power (kW)")),
        ],
        "documents": [_doc("site_plan", N_("Site plan")), _OWNERSHIP, _IDENTITY],
        "stages": ["submitted", "technical_review", "connection_offer", "works", "connected"],
    },
    {
        "code": "package_change",
        "name": N_("Change of electricity package"),
        "description": N_(
            "Move a consumption place to another tariff package from the next month."
        ),
        "fields": [_field("product_code", N_("New package"))],
        "documents": [],
        "stages": ["submitted", "scheduled", "effective"],
    },
    {
        # S4: a flat in the city, a house in the country, a summer cottage not yet linked.
        "code": "place_link",
        "name": N_("Link a consumption place"),
        "description": (
            N_(
                "Report a consumption place of yours that is not shown here yet; once the utility "
                "has checked it, it appears with your other places."
            )
        ),
        "fields": [
            _field("address", N_("Address of the place")),
            _field("eic", N_("EIC code, if known"), required=False),
        ],
        "documents": [],
        "stages": ["submitted", "verification", "linked"],
    },
)


def ensure_reference_data(session: Session) -> None:
    """Add what is missing, so it is safe at every start and keeps an operator's edits."""
    known_products = set(session.scalars(select(tables.Product.code)))
    session.add_all(
        tables.Product(**product) for product in PRODUCTS if product["code"] not in known_products
    )
    known_types = set(session.scalars(select(tables.RequestType.code)))
    session.add_all(
        tables.RequestType(**copy.deepcopy(request_type))
        for request_type in REQUEST_TYPES
        if request_type["code"] not in known_types
    )
