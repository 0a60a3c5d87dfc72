"""The demo requests (a grid connection, a change of holder, a complaint) with their status
history and attached documents; written through the ORM, as there are only a few."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import tables
from .accounts import ATTACHABLE_ACCOUNT, BUSINESS_ACCOUNT, JAAN_ACCOUNT, PAYMENT_CODES

Step = tuple[str, str | None, dt.datetime, str | None]
"""status, stage, when, note: one entry of a request's status history."""

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
    steps: list[Step],
    documents: list[str],
    *,
    place_id: str | None = None,
    holder_id: int | None = None,
    said: Sequence[tuple[dt.datetime, str, str | None]] = (),
) -> None:
    """A request with its status history (oldest first) and the documents attached to it;
    on the utility's side, the agent holding it and what the utility `said` (when, the
    words, and the document asked for or None for a message)."""
    status, stage, created_at = steps[-1][0], steps[-1][1], steps[0][2]
    session.add(
        tables.Request(
            id=request_id,
            account_number=account,
            type_code=type_code,
            place_id=place_id,
            subject=subject,
            message="",
            fields=fields,
            status=status,
            stage=stage,
            created_at=created_at,
            requested_documents=[code for _at, _text, code in said if code],
            version=1 + len(said) + (holder_id is not None),
            holder_id=holder_id,
        )
    )
    session.flush()
    for step_status, step_stage, at, note in steps:
        session.add(
            tables.RequestHistory(
                request_id=request_id, status=step_status, stage=step_stage, at=at, note=note
            )
        )
    for at, text, code in said:
        session.add(
            tables.RequestHistory(
                request_id=request_id,
                status=status,
                stage=stage,
                at=at,
                note=text,
                kind="document_requested" if code else "message",
                document_code=code,
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


def _queue_items(session: Session, now: dt.datetime) -> None:
    """The agents' queues: a request of every other type at a stage of its own, some taken
    by agent (Liis Support), some by mihai, some by nobody, all of the customer Liis Mets
    (whose account no demo login holds, so the customers' screens stay as they are)."""
    days = dt.timedelta(days=1)
    account = ATTACHABLE_ACCOUNT[0]
    place = session.scalar(select(tables.Place.id).where(tables.Place.account_number == account))
    agents = dict(
        session.execute(
            select(tables.User.username, tables.User.id).where(
                tables.User.username.in_(["agent", "mihai"])
            )
        ).all()
    )
    _request(
        session,
        "RQ000000004",
        account,
        "general",
        "Can I get my invoices in Estonian?",
        {},
        [("draft", None, now - 1 * days, None), ("submitted", "registered", now - 1 * days, None)],
        [],
    )
    _request(
        session,
        "RQ000000005",
        account,
        "complaint",
        "The meter reading on my bill is wrong",
        {},
        [
            ("draft", None, now - 9 * days, None),
            ("submitted", "registered", now - 9 * days, None),
            ("in_progress", "investigation", now - 7 * days, None),
        ],
        [],
        place_id=place,
        holder_id=agents["mihai"],
        said=[(now - 6 * days, "We are checking the meter; a technician will call you.", None)],
    )
    _request(
        session,
        "RQ000000006",
        account,
        "change_of_holder",
        "My daughter takes over the house",
        {
            "eic": "Kalevi 3-12, Tartu",
            "applicant_name": "Kadri Mets",
            "email": "kadri.mets@example.com",
            "phone": "+372 5555 0202",
            "payment_code": PAYMENT_CODES[account],
            "customer_code": account,
        },
        [
            ("draft", None, now - 5 * days, None),
            ("submitted", "submitted", now - 5 * days, None),
            ("in_progress", "confirmed", now - 3 * days, "Confirmed; we need her documents."),
        ],
        [],
        place_id=place,
        holder_id=agents["agent"],
        said=[(now - 3 * days, "A copy of Kadri's ID card, please.", "identity_document")],
    )
    _request(
        session,
        "RQ000000007",
        account,
        "package_change",
        "Move to the fixed price",
        {"product_code": "FIXED24"},
        [("draft", None, now - 12 * days, None), ("submitted", "submitted", now - 12 * days, None)],
        [],
        place_id=place,
    )
    _request(
        session,
        "RQ000000008",
        account,
        "place_link",
        "Add my garage to my account",
        {"address": "Kalevi 3a, Tartu"},
        [
            ("draft", None, now - 20 * days, None),
            ("submitted", "submitted", now - 20 * days, None),
            ("in_progress", "verification", now - 15 * days, None),
        ],
        [],
    )
    session.add(
        tables.OutageReport(
            reference="OR100000002",
            account_number=account,
            place_id=place,
            description="The lights flicker and went out twice tonight.",
            contact_phone="+372 5555 0303",
            status="in_progress",
            created_at=now - dt.timedelta(hours=5),
            work_id=None,
            note=None,
            version=3,
            holder_id=agents["mihai"],
        )
    )
