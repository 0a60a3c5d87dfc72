"""The request guide, written requests with signed documents, and their status history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile
from sqlalchemy import select

from selfcare_tui.api import models
from selfcare_tui.api.models import ID_PATTERN, ErrorCode, FieldError

from .. import convert, tables
from ..attachments import read_checked
from ..contract import NOT_FOUND, answers, refusals
from ..deps import CanRequest, CanView, Config, CurrentUser, Db, IdPath, IdQuery
from ..i18n import _
from ..idempotency import IdempotencyKey, fingerprint, run_once
from ..pagination import Cursor, Limit, paginate
from ..problems import not_found, refused
from ..request_rules import (
    OPEN_STATUSES,
    PACKAGE_CHANGE,
    REQUEST_REFUSALS,
    check_fields,
    check_package_change,
    request_type,
)
from ..security import new_id
from .places import place_of

router = APIRouter(tags=["requests"])


@router.get("/request-types", response_model=list[models.RequestType])
def list_request_types(db: Db) -> list[models.RequestType]:
    """The request guide: each type with the fields and documents it needs. Public."""
    return [
        convert.request_type(t)
        for t in db.scalars(select(tables.RequestType).order_by(tables.RequestType.code))
    ]


def request_of(db: Db, number: str, request_id: str) -> tables.Request:
    request = db.get(tables.Request, request_id)
    if request is None or request.account_number != number:
        raise not_found(_("No such request."))
    return request


def _view(db: Db, request: tables.Request) -> models.Request:
    rtype = db.get(tables.RequestType, request.type_code)
    assert rtype is not None
    return convert.request(request, rtype)


@router.get(
    "/accounts/{number:account_number}/requests", response_model=models.Page[models.Request]
)
def list_requests(
    grant: CanView,
    db: Db,
    type_code: IdQuery = None,
    status: models.RequestStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> models.Page[models.Request]:
    R = tables.Request
    filters = [
        *([R.type_code == type_code] if type_code else []),
        *([R.status == status.value] if status else []),
    ]
    rows, next_cursor = paginate(
        db,
        select(R).where(R.account_number == grant.account.number),
        [R.created_at, R.id],
        filters=filters,
        cursor=cursor,
        limit=limit,
    )
    return models.Page(items=[_view(db, r) for r in rows], next_cursor=next_cursor)


@router.get(
    "/accounts/{number:account_number}/requests/{request_id}", response_model=models.Request
)
@answers(NOT_FOUND)
def get_request(request_id: IdPath, grant: CanView, db: Db) -> models.Request:
    return _view(db, request_of(db, grant.account.number, request_id))


@router.post(
    "/accounts/{number:account_number}/requests", response_model=models.Request, status_code=201
)
@answers(NOT_FOUND, *refusals(*REQUEST_REFUSALS))
def create_request(
    body: models.RequestCreate,
    grant: CanRequest,
    db: Db,
    settings: Config,
    user: CurrentUser,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Start a draft; attach its documents, then submit it."""
    rtype = request_type(db, body.type_code)
    check_fields(rtype, body)
    if body.place_id is not None:
        place = place_of(db, grant.account.number, body.place_id)
        if rtype.code == PACKAGE_CHANGE:
            check_package_change(db, place, body)

    def create() -> models.Request:
        now = settings.now()
        request = tables.Request(
            id=new_id("RQ"),
            account_number=grant.account.number,
            type_code=rtype.code,
            place_id=body.place_id,
            subject=body.subject,
            message=body.message,
            fields=body.fields,
            status="draft",
            stage=None,
            created_at=now,
        )
        db.add(request)
        db.add(
            tables.RequestHistory(
                request_id=request.id, status="draft", stage=None, at=now, note=None
            )
        )
        db.flush()
        db.refresh(request)
        return convert.request(request, rtype)

    return run_once(
        db,
        settings,
        principal=str(user.id),
        key=idempotency_key,
        request_hash=fingerprint(grant.account.number, "request", body.model_dump_json()),
        create=create,
    )


@router.post(
    "/accounts/{number:account_number}/requests/{request_id}/attachments",
    response_model=models.Attachment,
    status_code=201,
)
@answers(
    NOT_FOUND,
    *refusals(
        ErrorCode.request_not_draft,
        ErrorCode.unknown_document,
        ErrorCode.attachment_too_large,
        ErrorCode.attachment_type_not_allowed,
    ),
)
def add_attachment(
    request_id: IdPath,
    grant: CanRequest,
    db: Db,
    settings: Config,
    user: CurrentUser,
    document_code: Annotated[str, Form(pattern=ID_PATTERN)],
    file: Annotated[UploadFile, File()],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Upload one document of a draft; PDF, PNG or JPEG by content, within the size limit."""
    request = request_of(db, grant.account.number, request_id)
    asked = request.status in OPEN_STATUSES and document_code in request.requested_documents
    if request.status != "draft" and not asked:
        raise refused(
            ErrorCode.request_not_draft,
            _("Documents can only be added before submitting, or when the utility asks for one."),
        )
    rtype = db.get(tables.RequestType, request.type_code)
    assert rtype is not None
    codes = {d["code"] for d in rtype.documents} | {convert.OTHER_DOCUMENT}
    if document_code not in codes:
        raise refused(
            ErrorCode.unknown_document,
            _("This request type takes these documents: {codes}.").format(
                codes=", ".join(sorted(codes))
            ),
            errors=[
                FieldError(
                    field="document_code",
                    code="unknown",
                    message=_("Not a document of this type."),
                )
            ],
        )
    content, kind, sha256 = read_checked(file, settings.attachment_max_bytes)
    filename = (file.filename or "document").replace("/", "_").replace("\\", "_")[-255:]

    def create() -> models.Attachment:
        attachment = tables.Attachment(
            id=new_id("AT"),
            request_id=request.id,
            document_code=document_code,
            filename=filename,
            content_type=kind,
            size=len(content),
            sha256=sha256,
            content=content,
        )
        db.add(attachment)
        if asked:
            request.requested_documents = [
                c for c in request.requested_documents if c != document_code
            ]
            db.add(
                tables.RequestHistory(
                    request_id=request.id,
                    status=request.status,
                    stage=request.stage,
                    at=settings.now(),
                    note=None,
                    kind=models.HistoryKind.document_added.value,
                    document_code=document_code,
                )
            )
        return models.Attachment(
            id=attachment.id,
            document_code=document_code,
            filename=filename,
            content_type=kind,
            size=len(content),
            sha256=sha256,
        )

    return run_once(
        db,
        settings,
        principal=str(user.id),
        key=idempotency_key,
        request_hash=fingerprint(request.id, document_code, filename, sha256),
        create=create,
    )


@router.post(
    "/accounts/{number:account_number}/requests/{request_id}/submit", response_model=models.Request
)
@answers(NOT_FOUND, *refusals(ErrorCode.missing_documents))
def submit_request(
    request_id: IdPath, grant: CanRequest, db: Db, settings: Config
) -> models.Request:
    """Send the draft to the utility once every required document is attached."""
    request = request_of(db, grant.account.number, request_id)
    if request.status != "draft":
        return _view(db, request)  # submitting twice is harmless: the answer is the same
    view = _view(db, request)
    if view.missing_documents:
        names = ", ".join(d.name for d in view.missing_documents)
        raise refused(
            ErrorCode.missing_documents,
            _("Attach these documents first: {names}.").format(names=names),
            errors=[
                FieldError(field="attachments", code="missing", message=d.name)
                for d in view.missing_documents
            ],
        )
    rtype = db.get(tables.RequestType, request.type_code)
    assert rtype is not None
    request.status = "submitted"
    request.stage = rtype.stages[0] if rtype.stages else None
    db.add(
        tables.RequestHistory(
            request_id=request.id,
            status="submitted",
            stage=request.stage,
            at=settings.now(),
            note=None,
        )
    )
    db.commit()
    db.refresh(request)
    return _view(db, request)
