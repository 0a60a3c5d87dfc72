"""Logging in (password, then a TOTP code when the user has one), refreshing and revoking."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from fastapi import APIRouter, Request, Response
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from selfcare_tui.api import models
from selfcare_tui.api.models import ErrorCode

from .. import tables, throttle
from ..contract import NOT_FOUND, TOO_MANY_ATTEMPTS, answers
from ..deps import Config, CurrentUser, Db, IdPath
from ..i18n import _
from ..one_time_codes import (
    is_recovery_code,
    recovery_codes_left,
    spend_recovery_code,
    spend_totp_step,
    totp_step,
)
from ..problems import ApiProblem, not_found
from ..security import digest, new_id, new_token, verify_password
from ..settings import Settings

router = APIRouter(prefix="/auth", tags=["auth"])


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def issue_tokens(
    db: Session, settings: Settings, user: tables.User, family: str
) -> models.TokenPair:
    access, refresh = new_token(), new_token()
    now = settings.now()
    db.add_all(
        [
            tables.Token(
                token_hash=digest(access),
                kind="access",
                user_id=user.id,
                family=family,
                expires_at=now + settings.access_token_ttl,
                created_at=now,
            ),
            tables.Token(
                token_hash=digest(refresh),
                kind="refresh",
                user_id=user.id,
                family=family,
                expires_at=now + settings.refresh_token_ttl,
                created_at=now,
            ),
        ]
    )
    db.commit()
    return models.TokenPair(
        access_token=access,
        refresh_token=refresh,
        expires_in=int(settings.access_token_ttl.total_seconds()),
    )


def start_session(db: Session, settings: Settings, user: tables.User, request: Request) -> str:
    """A new login: its row names the client and address, so the user can tell it apart."""
    family, now = new_id(), settings.now()
    client = request.headers.get("user-agent", "").strip()[:100] or _("unknown client")
    db.add(
        tables.LoginSession(
            id=family,
            user_id=user.id,
            client_name=client,
            address=client_address(request)[:64],
            created_at=now,
            last_used_at=now,
            ended_at=None,
        )
    )
    return family


def _invalid_credentials() -> ApiProblem:
    return ApiProblem(401, ErrorCode.invalid_credentials, _("Wrong username or password."))


@router.post("/token", response_model=models.LoginResult)
@answers((401, ErrorCode.invalid_credentials), TOO_MANY_ATTEMPTS)
def login(
    body: models.PasswordLogin, request: Request, db: Db, settings: Config
) -> models.TokenPair | models.MfaChallenge:
    """Check the password; the attempt is counted first, so guesses sent at once are limited too."""
    user_key = f"login:user:{body.username.lower()}"
    address_key = f"login:addr:{client_address(request)}"
    throttle.attempt(
        db,
        settings,
        {
            user_key: settings.login_failures_per_user,
            address_key: settings.login_failures_per_address,
        },
    )
    user = db.scalars(select(tables.User).where(tables.User.username == body.username)).first()
    if user is None or not verify_password(user.password_hash, body.password):
        raise _invalid_credentials()
    throttle.clear(db, user_key)
    throttle.forgive(db, [address_key])
    if user.mfa_secret:
        challenge = new_token()
        db.add(
            tables.MfaChallenge(
                id_hash=digest(challenge),
                user_id=user.id,
                expires_at=settings.now() + settings.mfa_challenge_ttl,
                attempts=0,
                used=False,
            )
        )
        db.commit()
        return models.MfaChallenge(
            challenge_id=challenge, expires_in=int(settings.mfa_challenge_ttl.total_seconds())
        )
    return issue_tokens(db, settings, user, start_session(db, settings, user, request))


MFA_ATTEMPTS_PER_CHALLENGE = 3


def _expired_step() -> ApiProblem:
    return ApiProblem(
        401, ErrorCode.invalid_token, _("The login step expired. Enter your password again.")
    )


@router.post("/mfa", response_model=models.TokenPair)
@answers(
    (401, ErrorCode.invalid_token),
    (401, ErrorCode.invalid_mfa_code),
    (401, ErrorCode.mfa_code_used),
    TOO_MANY_ATTEMPTS,
)
def answer_mfa(
    body: models.MfaAnswer, request: Request, db: Db, settings: Config
) -> models.TokenPair:
    """Check the one-time code of a challenge; a challenge gives one login, however many codes
    arrive for it at once, and a code gives at most one (never replayed)."""
    challenge_hash = digest(body.challenge_id)
    challenge = db.get(tables.MfaChallenge, challenge_hash)
    if challenge is None or challenge.used or challenge.expires_at <= settings.now():
        raise _expired_step()
    user = db.get(tables.User, challenge.user_id)
    assert user is not None and user.mfa_secret is not None
    user_key = f"mfa:user:{user.id}"
    throttle.attempt(db, settings, {user_key: settings.login_failures_per_user})
    Challenge = tables.MfaChallenge
    live = (Challenge.id_hash == challenge_hash, Challenge.used.is_(False))
    if is_recovery_code(body.code):
        step, right = None, spend_recovery_code(db, settings, user, body.code)
    else:
        step = totp_step(user.mfa_secret, body.code, settings)
        right = step is not None and spend_totp_step(db, user, step)
    if not right:
        db.execute(
            update(Challenge)
            .where(*live)
            .values(
                attempts=Challenge.attempts + 1,
                used=Challenge.attempts + 1 >= MFA_ATTEMPTS_PER_CHALLENGE,
            )
            .execution_options(synchronize_session=False)
        )
        db.commit()
        if step is None:
            raise ApiProblem(401, ErrorCode.invalid_mfa_code, _("The one-time code is not valid."))
        raise ApiProblem(
            401,
            ErrorCode.mfa_code_used,
            _("This code was already used. Wait for the next code in your app."),
        )
    claimed = db.execute(
        update(Challenge)
        .where(*live)
        .values(used=True)
        .execution_options(synchronize_session=False)
    )
    if cast("CursorResult[Any]", claimed).rowcount != 1:
        db.rollback()
        raise _expired_step()  # another answer to the same challenge won
    throttle.clear(db, user_key)
    return issue_tokens(db, settings, user, start_session(db, settings, user, request))


@router.post("/refresh", response_model=models.TokenPair)
@answers((401, ErrorCode.invalid_token))
def refresh(body: models.RefreshRequest, db: Db, settings: Config) -> models.TokenPair:
    """Rotate the refresh token; presenting a spent one revokes the whole login (theft signal)."""
    token = db.get(tables.Token, digest(body.refresh_token))
    now = settings.now()
    if token is None or token.kind != "refresh" or token.revoked_at or token.expires_at <= now:
        raise ApiProblem(401, ErrorCode.invalid_token, _("The session has ended. Log in again."))
    if token.used_at is not None and now - token.used_at > timedelta(seconds=30):
        _revoke_family(db, token.family, settings)
        raise ApiProblem(401, ErrorCode.invalid_token, _("The session has ended. Log in again."))
    token.used_at = token.used_at or now
    db.execute(
        update(tables.LoginSession)
        .where(tables.LoginSession.id == token.family)
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    return issue_tokens(db, settings, token.user, token.family)


def _revoke_family(db: Session, family: str, settings: Settings) -> None:
    end_sessions(db, settings, [family])
    db.commit()


def end_sessions(db: Session, settings: Settings, families: list[str]) -> None:
    """Revoke every token of these logins and mark them ended (not committed)."""
    now = settings.now()
    db.execute(
        update(tables.Token)
        .where(tables.Token.family.in_(families), tables.Token.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    db.execute(
        update(tables.LoginSession)
        .where(tables.LoginSession.id.in_(families), tables.LoginSession.ended_at.is_(None))
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
    )


@router.post("/revoke", status_code=204, response_class=Response)
def revoke(body: models.RevokeRequest, db: Db, settings: Config) -> Response:
    """Log out: revoke every token of the login this token belongs to (RFC 7009: always 204)."""
    token = db.get(tables.Token, digest(body.token))
    if token is not None:
        _revoke_family(db, token.family, settings)
    return Response(status_code=204)


me_router = APIRouter(tags=["auth"])


@me_router.get("/me", response_model=models.Me)
def me(db: Db, user: CurrentUser) -> models.Me:
    enabled = user.mfa_secret is not None
    return models.Me(
        username=user.username,
        display_name=user.display_name,
        role=models.Role(user.role),
        mfa_enabled=enabled,
        recovery_codes_left=recovery_codes_left(db, user.id) if enabled else 0,
    )


def _api_token(token: tables.Token) -> models.ApiToken:
    assert token.name is not None and token.created_at is not None
    return models.ApiToken(
        id=token.family,
        name=token.name,
        created_at=token.created_at,
        expires_at=token.expires_at,
        revoked=token.revoked_at is not None,
    )


@me_router.post("/auth/api-tokens", response_model=models.NewApiToken, status_code=201)
def create_api_token(
    body: models.ApiTokenCreate, db: Db, settings: Config, user: CurrentUser
) -> models.NewApiToken:
    """A named long-lived token for unattended runs; the secret is shown only in this answer."""
    secret, now = new_token(), settings.now()
    token = tables.Token(
        token_hash=digest(secret),
        kind="api",
        user_id=user.id,
        family=new_id("AT"),
        expires_at=now + timedelta(days=body.expires_in_days),
        name=body.name,
        created_at=now,
    )
    db.add(token)
    db.commit()
    return models.NewApiToken(**_api_token(token).model_dump(), token=secret)


@me_router.get("/auth/api-tokens", response_model=list[models.ApiToken])
def list_api_tokens(db: Db, user: CurrentUser) -> list[models.ApiToken]:
    rows = db.scalars(
        select(tables.Token)
        .where(tables.Token.user_id == user.id, tables.Token.kind == "api")
        .order_by(tables.Token.created_at)
    )
    return [_api_token(t) for t in rows]


@me_router.delete("/auth/api-tokens/{token_id}", response_model=models.ApiToken)
@answers(NOT_FOUND)
def revoke_api_token(
    token_id: IdPath, db: Db, settings: Config, user: CurrentUser
) -> models.ApiToken:
    token = db.scalars(
        select(tables.Token).where(
            tables.Token.family == token_id,
            tables.Token.kind == "api",
            tables.Token.user_id == user.id,
        )
    ).first()
    if token is None:
        raise not_found(_("No such API token."))
    if token.revoked_at is None:
        token.revoked_at = settings.now()
        db.commit()
    return _api_token(token)
