"""Mandates: a customer lets another customer act on an account, within scopes, until a date."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Response
from sqlalchemy import select, update

from selfcare_tui.api import models
from selfcare_tui.api.models import ErrorCode, FieldError

from .. import convert, tables
from ..contract import NOT_FOUND, answers, refusals
from ..deps import Config, CurrentUser, Db, Grant, IdPath, OwnerOnly
from ..i18n import _
from ..idempotency import IdempotencyKey, fingerprint, run_once
from ..problems import ApiProblem, not_found, refused
from ..security import new_id
from ..settings import Settings

router = APIRouter(prefix="/accounts/{number:account_number}/mandates", tags=["mandates"])


@router.get("", response_model=models.Page[models.Mandate])
def list_mandates(grant: OwnerOnly, db: Db, settings: Config) -> models.Page[models.Mandate]:
    rows = db.scalars(
        select(tables.Mandate)
        .where(tables.Mandate.account_number == grant.account.number)
        .order_by(tables.Mandate.created_at.desc(), tables.Mandate.id)
    )
    now = settings.now()
    return models.Page(items=[convert.mandate(m, now) for m in rows])


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
        raise _not_a_delegate(delegate, grant)
    _check_expiry(body.expires_at, settings)

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
        return convert.mandate(mandate, settings.now())

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
    return convert.mandate(mandate, settings.now())


@router.patch("/{mandate_id}", response_model=models.Mandate)
@answers(NOT_FOUND, *refusals(ErrorCode.mandate_ended, ErrorCode.mandate_expiry_in_past))
def change_mandate(
    mandate_id: IdPath, body: models.MandateChange, grant: OwnerOnly, db: Db, settings: Config
) -> models.Mandate:
    """New scopes or a new last day for a mandate that still holds. One conditional UPDATE, so
    a revocation or expiry at the same moment is never undone by a change."""
    if body.expires_at is not None:
        _check_expiry(body.expires_at, settings)
    values: dict[str, object] = {}
    if body.scopes is not None:
        values["scopes"] = sorted({s.value for s in body.scopes})
    if body.expires_at is not None:
        values["expires_at"] = body.expires_at
    now = settings.now()
    mine = (
        tables.Mandate.id == mandate_id,
        tables.Mandate.account_number == grant.account.number,
    )
    changed = 0
    if values:
        result = db.execute(
            update(tables.Mandate)
            .where(*mine, tables.Mandate.revoked_at.is_(None), tables.Mandate.expires_at > now)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        changed = int(result.rowcount)  # type: ignore[attr-defined]
        db.commit()
    mandate = db.scalars(select(tables.Mandate).where(*mine)).first()
    if mandate is None:
        raise not_found(_("No such mandate."))
    db.refresh(mandate)
    if not changed and (mandate.revoked_at is not None or mandate.expires_at <= now):
        raise refused(
            ErrorCode.mandate_ended,
            _("This mandate has been revoked or has expired; give a new one instead."),
        )
    return convert.mandate(mandate, now)


def _not_a_delegate(delegate: tables.User | None, grant: Grant) -> ApiProblem:
    """Unknown login and a login that is not another customer's are told apart, beside the
    field: the holder is already logged in and throttled like any caller."""
    if delegate is None:
        code, message = "unknown_user", _("No login with this username.")
    elif delegate.id == grant.account.owner_id:
        code, message = "self", _("That is your own login.")
    else:
        code, message = "not_customer", _("Not a customer's login.")
    return refused(
        ErrorCode.delegate_not_customer,
        _("A mandate can only be given to another customer's login."),
        errors=[FieldError(field="delegate_username", code=code, message=message)],
    )


def _check_expiry(expires_at: dt.datetime, settings: Settings) -> None:
    if expires_at <= settings.now():
        raise refused(
            ErrorCode.mandate_expiry_in_past,
            _("The mandate must expire in the future."),
            errors=[
                FieldError(field="expires_at", code="in_past", message=_("Choose a future date."))
            ],
        )
