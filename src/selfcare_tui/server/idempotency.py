"""Idempotency-Key: a retried creating POST returns the first answer instead of creating twice."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Annotated

from fastapi import Header
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from selfcare_tui.api.models import ErrorCode

from . import tables
from .i18n import _
from .problems import ApiProblem
from .settings import Settings

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Any unique string; a retry with the same key and body gets the first answer.",
    ),
]


def fingerprint(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def _stored(db: Session, principal: str, key: str) -> tables.IdempotencyRecord | None:
    return db.scalars(
        select(tables.IdempotencyRecord).where(
            tables.IdempotencyRecord.principal == principal, tables.IdempotencyRecord.key == key
        )
    ).first()


def _replay(record: tables.IdempotencyRecord, request_hash: str) -> Response:
    if record.request_hash != request_hash:
        raise ApiProblem(
            422,
            ErrorCode.idempotency_key_reused,
            _("This Idempotency-Key was already used for a different request."),
        )
    return Response(
        record.body,
        status_code=record.status_code,
        media_type="application/json",
        headers={"Idempotent-Replayed": "true"},
    )


def run_once(
    db: Session,
    settings: Settings,
    *,
    principal: str,
    key: str | None,
    request_hash: str,
    create: Callable[[], BaseModel],
    status_code: int = 201,
    conflict: ApiProblem | None = None,
) -> Response:
    """Run `create` (which adds rows without committing) and commit it with its answer.

    The answer is stored in the same transaction as what it created, so a crash between the two
    cannot leave a created resource whose retry would create it again.
    """
    if key is not None:
        record = _stored(db, principal, key)
        if record is not None:
            return _replay(record, request_hash)
    try:
        body = create().model_dump_json().encode()
        if key is not None:
            db.add(
                tables.IdempotencyRecord(
                    principal=principal,
                    key=key,
                    request_hash=request_hash,
                    status_code=status_code,
                    body=body,
                    created_at=settings.now(),
                )
            )
        db.commit()
    except IntegrityError:
        # A concurrent request won the race (at a flush inside `create` or at the commit): a
        # retry with the same key gets its answer; otherwise the database refused a duplicate,
        # which `conflict` describes.
        db.rollback()
        record = _stored(db, principal, key) if key is not None else None
        if record is not None:
            return _replay(record, request_hash)
        if conflict is not None:
            raise conflict from None
        raise
    return Response(body, status_code=status_code, media_type="application/json")
