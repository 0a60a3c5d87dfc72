"""The user's own logins and password: list the sessions and end any of them; change the
password, which ends every other session."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import select

from selfcare_tui.api import models
from selfcare_tui.api.models import ErrorCode

from .. import password_policy, tables
from ..contract import NOT_FOUND, TOO_MANY_ATTEMPTS, answers, refusals
from ..deps import Config, CurrentToken, Db, IdPath
from ..i18n import _
from ..password_check import confirm_password
from ..problems import not_found, refused
from ..security import hash_password
from .auth import end_sessions

router = APIRouter(prefix="/auth", tags=["auth"])


def _session(row: tables.LoginSession, current: str) -> models.LoginSession:
    return models.LoginSession(
        id=row.id,
        client_name=row.client_name,
        address=row.address,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        current=row.id == current,
    )


def _live(db: Db, settings: Config, user_id: int) -> list[tables.LoginSession]:
    """Not ended, with a refresh token still good: a session that can still be used."""
    Token = tables.Token
    alive = (
        select(Token.family)
        .where(
            Token.user_id == user_id,
            Token.kind.in_(("access", "refresh")),
            Token.revoked_at.is_(None),
            Token.expires_at > settings.now(),
        )
        .distinct()
    )
    return list(
        db.scalars(
            select(tables.LoginSession)
            .where(
                tables.LoginSession.user_id == user_id,
                tables.LoginSession.ended_at.is_(None),
                tables.LoginSession.id.in_(alive),
            )
            .order_by(tables.LoginSession.last_used_at.desc(), tables.LoginSession.id)
        )
    )


@router.get("/sessions", response_model=list[models.LoginSession])
def list_sessions(db: Db, settings: Config, token: CurrentToken) -> list[models.LoginSession]:
    """The logins that can still be used, last used first; API tokens are listed apart."""
    return [_session(s, token.family) for s in _live(db, settings, token.user_id)]


@router.delete("/sessions/{session_id}", status_code=204, response_class=Response)
@answers(NOT_FOUND)
def end_session(session_id: IdPath, db: Db, settings: Config, token: CurrentToken) -> Response:
    """End one login at once: its access and refresh tokens stop working (also this one's)."""
    row = db.get(tables.LoginSession, session_id)
    if row is None or row.user_id != token.user_id:
        raise not_found(_("No such session."))
    end_sessions(db, settings, [row.id])
    db.commit()
    return Response(status_code=204)


@router.post("/password", status_code=204, response_class=Response)
@answers(*refusals(ErrorCode.wrong_password, ErrorCode.weak_password), TOO_MANY_ATTEMPTS)
def change_password(
    body: models.PasswordChange, db: Db, settings: Config, token: CurrentToken
) -> Response:
    """The current password is asked again (a stolen session cannot take over the login), is
    throttled like a login, and every other session ends: whoever else was logged in is out."""
    user = token.user
    confirm_password(db, settings, user, body.current_password, "current_password")
    weak = password_policy.refusal(body.new_password, user.username)
    if weak is not None:
        raise refused(ErrorCode.weak_password, _("Choose another new password."), errors=[weak])
    user.password_hash = hash_password(body.new_password)
    # Every login with a token not yet revoked: the live sessions are among them.
    others = db.scalars(
        select(tables.Token.family).where(
            tables.Token.user_id == user.id,
            tables.Token.kind.in_(("access", "refresh")),
            tables.Token.family != token.family,
            tables.Token.revoked_at.is_(None),
        )
    )
    end_sessions(db, settings, sorted(set(others)))
    db.commit()
    return Response(status_code=204)
