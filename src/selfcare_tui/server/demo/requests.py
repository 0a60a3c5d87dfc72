"""The demo requests (a grid connection, a change of holder, a complaint) with their status
history and attached documents; written through the ORM, as there are only a few."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Final

from sqlalchemy.orm import Session

from .. import tables
from .accounts import BUSINESS_ACCOUNT, JAAN_ACCOUNT, PAYMENT_CODES

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
