"""Mandates: a customer lets another customer act on an account, within scopes, until a date."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import select

from selfcare_tui.api import models
from selfcare_tui.api.models import ErrorCode, FieldError

from .. import convert, tables
from ..contract import NOT_FOUND, answers, refusals
from ..deps import Config, CurrentUser, Db, IdPath, OwnerOnly
from ..i18n import _
from ..idempotency import IdempotencyKey, fingerprint, run_once
from ..problems import not_found, refused
from ..security import new_id

router = APIRouter(prefix="/accounts/{number:account_number}/mandates", tags=["mandates"])


@router.get("", response_model=models.Page[models.Mandate])
def list_mandates(grant: OwnerOnly, db: Db) -> models.Page[models.Mandate]:
    rows = db.scalars(
        select(tables.Mandate)
        .where(tables.Mandate.account_number == grant.account.number)
        .order_by(tables.Mandate.created_at.desc(), tables.Mandate.id)
    )
    return models.Page(items=[convert.mandate(m) for m in rows])


@router.post("", response_model=models.Mandate, status_code=201)
@answers(*refusals(ErrorCode.delegate_not_customer, ErrorCode.mandate_expiry_in_past))
def grant_mandate(
    body: models.MandateGrant,
    grant: OwnerOnly,
    db: Db,
    settings: Config,
    user: CurrentUser,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Both parties must be customers (S4); the holder cannot mandate themselves."""
    delegate = db.scalars(
        select(tables.User).where(tables.User.username == body.delegate_username)
    ).first()
    if delegate is None or delegate.role != "customer" or delegate.id == grant.account.owner_id:
        raise refused(
            ErrorCode.delegate_not_customer,
            _("A mandate can only be given to another customer's login."),
            errors=[
                FieldError(
                    field="delegate_username",
                    code="not_customer",
                    message=_("Not a customer login."),
                )
            ],
        )
    if body.expires_at <= settings.now():
        raise refused(
            ErrorCode.mandate_expiry_in_past,
            _("The mandate must expire in the future."),
            errors=[
                FieldError(field="expires_at", code="in_past", message=_("Choose a future date."))
            ],
        )

    def create() -> models.Mandate:
        mandate = tables.Mandate(
            id=new_id("MD"),
            account_number=grant.account.number,
            delegate_id=delegate.id,
            scopes=sorted({s.value for s in body.scopes}),
            expires_at=body.expires_at,
            revoked_at=None,
            created_at=settings.now(),
        )
        mandate.delegate = delegate
        db.add(mandate)
        return convert.mandate(mandate)

    return run_once(
        db,
        settings,
        principal=str(user.id),
        key=idempotency_key,
        request_hash=fingerprint(grant.account.number, "mandate", body.model_dump_json()),
        create=create,
    )


@router.delete("/{mandate_id}", response_model=models.Mandate)
@answers(NOT_FOUND)
def revoke_mandate(
    mandate_id: IdPath, grant: OwnerOnly, db: Db, settings: Config
) -> models.Mandate:
    mandate = db.get(tables.Mandate, mandate_id)
    if mandate is None or mandate.account_number != grant.account.number:
        raise not_found(_("No such mandate."))
    if mandate.revoked_at is None:
        mandate.revoked_at = settings.now()
        db.commit()
    return convert.mandate(mandate)
