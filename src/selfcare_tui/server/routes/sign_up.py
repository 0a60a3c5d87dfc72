"""Signing up with a mailed code, and resetting a forgotten password the same way.

Neither answer says whether an address or a username is in use: a sign-up and a reset
request always answer 202 with the same text, do the same work (a password is hashed in
every case) and write one mail, whose text tells the address's owner, and no one else, what
happened. A login exists only once the code mailed to its address comes back, so no login
can attach accounts before its address is proved.
"""

from __future__ import annotations

import secrets
from typing import Any, cast

from fastapi import APIRouter, Request, Response
from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from selfcare_tui.api import models
from selfcare_tui.api.models import ErrorCode

from .. import mail, mail_texts, password_policy, tables, throttle
from ..contract import TOO_MANY_ATTEMPTS, answers, refusals
from ..db import upsert
from ..deps import Config, Db
from ..i18n import _
from ..problems import ApiProblem, refused
from ..security import digest, hash_password, same
from ..settings import Settings
from .auth import client_address, end_sessions, issue_tokens, start_session

router = APIRouter(prefix="/auth", tags=["auth"])

CODE_DIGITS = 8
CODE_ATTEMPTS = 5
"""Wrong codes before a mailed code stops working (a new request mails a new one)."""


def _new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def _code_hash(email: str, code: str) -> str:
    """Spaces and dashes are how people copy codes, not part of them."""
    return digest(f"{email}\n{code.replace(' ', '').replace('-', '')}")


def _address(email: str) -> str:
    return email.strip().lower()


def _minutes(settings: Settings) -> int:
    return int(settings.mailed_code_ttl.total_seconds()) // 60


def _mail_sent(email: str, settings: Settings) -> models.MailSent:
    return models.MailSent(
        detail=_("A mail is on its way to {email}: enter the code from it.").format(email=email),
        expires_in=int(settings.mailed_code_ttl.total_seconds()),
    )


def _throttle_mail(db: Session, settings: Settings, request: Request, email: str) -> None:
    throttle.attempt(
        db,
        settings,
        {
            f"mail:addr:{client_address(request)}": settings.sign_ups_per_address,
            f"mail:to:{email}": settings.mails_per_address,
        },
    )


def _invalid_code() -> ApiProblem:
    return refused(
        ErrorCode.invalid_code,
        _("The code is not right, or no longer good. Ask for a new one."),
        errors=[
            models.FieldError(
                field="code", code="invalid", message=_("Not the code from the latest mail.")
            )
        ],
    )


@router.post("/sign-up", status_code=202, response_model=models.MailSent)
@answers(*refusals(ErrorCode.weak_password), TOO_MANY_ATTEMPTS)
def sign_up(body: models.SignUp, request: Request, db: Db, settings: Config) -> models.MailSent:
    """Mail a code to the address; the login is made when the code comes back (confirm)."""
    email = _address(body.email)
    _throttle_mail(db, settings, request, email)
    weak = password_policy.refusal(body.password, body.username, field="password")
    if weak is not None:
        raise refused(ErrorCode.weak_password, _("Choose another password."), errors=[weak])
    password_hash = hash_password(body.password)  # in every case: the time tells nothing
    owner = db.scalars(select(tables.User).where(tables.User.email == email)).first()
    taken = db.scalars(select(tables.User.id).where(tables.User.username == body.username)).first()
    if owner is not None:
        subject, text = mail_texts.already_signed_up(owner.username)
    elif taken is not None:
        subject, text = mail_texts.username_taken(body.username)
    else:
        code = _new_code()
        upsert(
            db,
            tables.PendingSignUp,
            "email",
            {
                "email": email,
                "username": body.username,
                "password_hash": password_hash,
                "code_hash": _code_hash(email, code),
                "expires_at": settings.now() + settings.mailed_code_ttl,
                "attempts": 0,
            },
        )
        subject, text = mail_texts.sign_up_code(body.username, code, _minutes(settings))
    mail.send_later(db, settings, email, subject, text)
    db.commit()
    return _mail_sent(email, settings)


@router.post("/sign-up/confirm", status_code=201, response_model=models.TokenPair)
@answers(*refusals(ErrorCode.invalid_code, ErrorCode.username_taken), TOO_MANY_ATTEMPTS)
def confirm_sign_up(
    body: models.SignUpConfirmation, request: Request, db: Db, settings: Config
) -> models.TokenPair:
    """The mailed code makes the login, logged in at once; the code is counted before it is
    compared, so guesses sent at once are bounded too."""
    email = _address(body.email)
    throttle.attempt(
        db, settings, {f"code:addr:{client_address(request)}": settings.login_failures_per_address}
    )
    Pending = tables.PendingSignUp
    counted = db.execute(
        update(Pending)
        .where(
            Pending.email == email,
            Pending.attempts < CODE_ATTEMPTS,
            Pending.expires_at > settings.now(),
        )
        .values(attempts=Pending.attempts + 1)
        .returning(Pending.code_hash)
        .execution_options(synchronize_session=False)
    ).first()
    db.commit()
    if counted is None or not same(counted.code_hash, _code_hash(email, body.code)):
        raise _invalid_code()
    pending = db.get(Pending, email)
    claimed = db.execute(
        delete(Pending)
        .where(Pending.email == email, Pending.code_hash == counted.code_hash)
        .execution_options(synchronize_session=False)
    )
    if pending is None or cast("CursorResult[Any]", claimed).rowcount != 1:
        db.rollback()
        raise _invalid_code()  # another confirmation with the same code came first
    user = tables.User(
        username=pending.username,
        display_name=pending.username,
        role="customer",
        password_hash=pending.password_hash,
        email=email,
    )
    db.add(user)
    try:
        db.flush()
    except IntegrityError:
        db.rollback()
        raise refused(
            ErrorCode.username_taken,
            _("The username {username} was taken meanwhile. Sign up again with another.").format(
                username=pending.username
            ),
        ) from None
    return issue_tokens(db, settings, user, start_session(db, settings, user, request))


@router.post("/password-reset", status_code=202, response_model=models.MailSent)
@answers(TOO_MANY_ATTEMPTS)
def request_password_reset(
    body: models.PasswordResetRequest, request: Request, db: Db, settings: Config
) -> models.MailSent:
    """Mail a code that sets a new password; an address no login uses gets a mail saying so."""
    email = _address(body.email)
    _throttle_mail(db, settings, request, email)
    user = db.scalars(select(tables.User).where(tables.User.email == email)).first()
    if user is None:
        subject, text = mail_texts.reset_unknown_address()
    else:
        code = _new_code()
        upsert(
            db,
            tables.PasswordResetCode,
            "user_id",
            {
                "user_id": user.id,
                "code_hash": _code_hash(email, code),
                "expires_at": settings.now() + settings.mailed_code_ttl,
                "attempts": 0,
                "used": False,
            },
        )
        subject, text = mail_texts.reset_code(user.username, code, _minutes(settings))
    mail.send_later(db, settings, email, subject, text)
    db.commit()
    return _mail_sent(email, settings)


@router.post("/password-reset/confirm", status_code=204, response_class=Response)
@answers(*refusals(ErrorCode.invalid_code, ErrorCode.weak_password), TOO_MANY_ATTEMPTS)
def reset_password(
    body: models.PasswordReset, request: Request, db: Db, settings: Config
) -> Response:
    """Set the new password with the mailed code, once; every session of the login ends and
    its failed logins are forgiven (the owner proved who they are)."""
    email = _address(body.email)
    throttle.attempt(
        db, settings, {f"code:addr:{client_address(request)}": settings.login_failures_per_address}
    )
    user = db.scalars(select(tables.User).where(tables.User.email == email)).first()
    if user is None:
        raise _invalid_code()
    weak = password_policy.refusal(body.new_password, user.username)
    if weak is not None:  # before the code is spent: the same code may try another password
        raise refused(ErrorCode.weak_password, _("Choose another new password."), errors=[weak])
    Reset = tables.PasswordResetCode
    live = (
        Reset.user_id == user.id,
        Reset.used.is_(False),
        Reset.attempts < CODE_ATTEMPTS,
        Reset.expires_at > settings.now(),
    )
    counted = db.execute(
        update(Reset)
        .where(*live)
        .values(attempts=Reset.attempts + 1)
        .returning(Reset.code_hash)
        .execution_options(synchronize_session=False)
    ).first()
    db.commit()
    if counted is None or not same(counted.code_hash, _code_hash(email, body.code)):
        raise _invalid_code()
    spent = db.execute(
        update(Reset)
        .where(*live[:2], Reset.code_hash == counted.code_hash)
        .values(used=True)
        .execution_options(synchronize_session=False)
    )
    if cast("CursorResult[Any]", spent).rowcount != 1:
        db.rollback()
        raise _invalid_code()  # the same code was used by a request a moment before
    user.password_hash = hash_password(body.new_password)
    families = db.scalars(
        select(tables.Token.family).where(
            tables.Token.user_id == user.id,
            tables.Token.kind.in_(("access", "refresh")),
            tables.Token.revoked_at.is_(None),
        )
    )
    end_sessions(db, settings, sorted(set(families)))
    throttle.clear(db, f"login:user:{user.username.lower()}")
    subject, text = mail_texts.password_was_reset(user.username)
    mail.send_later(db, settings, email, subject, text)
    db.commit()
    return Response(status_code=204)
