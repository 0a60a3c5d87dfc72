"""Turning the second factor (TOTP) on and off, and the recovery codes that stand in for the
authenticator app when the phone is lost.

A new secret is in force only once a first code from it comes back, so a secret mistyped
into the app never locks anyone out. Turning it off asks for the password and a code; new
recovery codes ask for a code. Codes are taken once, like at login (one_time_codes.py).
Recovery codes are random (50 bits), shown once, and stored as digests.
"""

from __future__ import annotations

from typing import Any, cast

import pyotp
from fastapi import APIRouter, Response
from sqlalchemy import CursorResult, delete, update
from sqlalchemy.orm import Session

from selfcare_tui.api import models
from selfcare_tui.api.models import ErrorCode

from .. import tables, throttle
from ..contract import TOO_MANY_ATTEMPTS, answers, refusals
from ..db import upsert
from ..deps import Config, CurrentUser, Db
from ..i18n import _
from ..one_time_codes import (
    is_recovery_code,
    new_recovery_codes,
    spend_recovery_code,
    spend_totp_step,
    totp_step,
)
from ..password_check import confirm_password
from ..problems import ApiProblem, refused
from ..settings import Settings

router = APIRouter(prefix="/auth/mfa", tags=["auth"])


def _wrong_code() -> ApiProblem:
    return refused(
        ErrorCode.invalid_code,
        _("The code is not right. Type the code your authenticator app shows now."),
        errors=[
            models.FieldError(
                field="code", code="invalid", message=_("Not the code your app shows now.")
            )
        ],
    )


def _not_enabled() -> ApiProblem:
    return refused(ErrorCode.mfa_not_enabled, _("Your login has no second factor."))


def _check_code(db: Session, settings: Settings, user: tables.User, code: str) -> None:
    """The user's current TOTP code, or (where allowed by the caller) a recovery code;
    counted against the user's limit first."""
    key = f"mfa:user:{user.id}"
    throttle.attempt(db, settings, {key: settings.login_failures_per_user})
    assert user.mfa_secret is not None
    if is_recovery_code(code):
        right = spend_recovery_code(db, settings, user, code)
    else:
        step = totp_step(user.mfa_secret, code, settings)
        right = step is not None and spend_totp_step(db, user, step)
    if not right:
        db.commit()
        raise _wrong_code()
    throttle.clear(db, key)


@router.post("/enrolment", status_code=201, response_model=models.MfaEnrolment)
@answers(*refusals(ErrorCode.mfa_enabled))
def start_enrolment(db: Db, settings: Config, user: CurrentUser) -> models.MfaEnrolment:
    """A new secret to put into an authenticator app (a QR code of `otpauth_uri`)."""
    if user.mfa_secret is not None:
        raise refused(
            ErrorCode.mfa_enabled,
            _("Your login has a second factor already. Turn it off first to set up another."),
        )
    secret = pyotp.random_base32()
    upsert(
        db,
        tables.MfaEnrolment,
        "user_id",
        {
            "user_id": user.id,
            "secret": secret,
            "expires_at": settings.now() + settings.mfa_enrolment_ttl,
        },
    )
    db.commit()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=settings.mfa_issuer)
    return models.MfaEnrolment(
        secret=secret,
        otpauth_uri=uri,
        expires_in=int(settings.mfa_enrolment_ttl.total_seconds()),
    )


@router.post("/enrolment/confirm", response_model=models.RecoveryCodes)
@answers(*refusals(ErrorCode.invalid_code, ErrorCode.mfa_enabled), TOO_MANY_ATTEMPTS)
def confirm_enrolment(
    body: models.MfaCode, db: Db, settings: Config, user: CurrentUser
) -> models.RecoveryCodes:
    """The first code from the new secret turns the second factor on; the answer holds the
    recovery codes, shown this once."""
    key = f"mfa:user:{user.id}"
    throttle.attempt(db, settings, {key: settings.login_failures_per_user})
    enrolment = db.get(tables.MfaEnrolment, user.id)
    if enrolment is None or enrolment.expires_at <= settings.now():
        raise refused(
            ErrorCode.invalid_code,
            _("The setup has expired. Start it again for a new secret."),
            errors=[models.FieldError(field="code", code="expired", message=_("Start again."))],
        )
    step = totp_step(enrolment.secret, body.code, settings)
    if step is None:
        raise _wrong_code()
    User = tables.User
    turned_on = db.execute(
        update(User)
        .where(User.id == user.id, User.mfa_secret.is_(None))
        .values(mfa_secret=enrolment.secret, mfa_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if cast("CursorResult[Any]", turned_on).rowcount != 1:
        db.rollback()
        raise refused(ErrorCode.mfa_enabled, _("Your login has a second factor already."))
    db.delete(enrolment)
    codes = new_recovery_codes(db, user)
    throttle.clear(db, key)
    db.commit()
    return models.RecoveryCodes(codes=codes)


@router.post("/disable", status_code=204, response_class=Response)
@answers(
    *refusals(ErrorCode.mfa_not_enabled, ErrorCode.wrong_password, ErrorCode.invalid_code),
    TOO_MANY_ATTEMPTS,
)
def disable(body: models.MfaDisable, db: Db, settings: Config, user: CurrentUser) -> Response:
    """Both the password and a code (or a recovery code): a session left open on a shared
    computer cannot take the second factor away."""
    if user.mfa_secret is None:
        raise _not_enabled()
    confirm_password(db, settings, user, body.password, "password")
    _check_code(db, settings, user, body.code.lower())
    User = tables.User
    db.execute(
        update(User)
        .where(User.id == user.id)
        .values(mfa_secret=None)
        .execution_options(synchronize_session=False)
    )
    db.execute(
        delete(tables.RecoveryCode)
        .where(tables.RecoveryCode.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    db.commit()
    return Response(status_code=204)


@router.post("/recovery-codes", response_model=models.RecoveryCodes)
@answers(*refusals(ErrorCode.mfa_not_enabled, ErrorCode.invalid_code), TOO_MANY_ATTEMPTS)
def regenerate_recovery_codes(
    body: models.MfaCode, db: Db, settings: Config, user: CurrentUser
) -> models.RecoveryCodes:
    """Ten new recovery codes for a code from the app; the old ones stop working."""
    if user.mfa_secret is None:
        raise _not_enabled()
    _check_code(db, settings, user, body.code)
    codes = new_recovery_codes(db, user)
    db.commit()
    return models.RecoveryCodes(codes=codes)
