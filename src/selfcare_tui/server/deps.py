"""Request-scoped dependencies: the database session, the caller, and what they may do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from starlette.convertors import Convertor, register_url_convertor

from selfcare_tui.api.models import (
    ACCOUNT_NUMBER_PATTERN,
    ID_PATTERN,
    LINE_PATTERN,
    Access,
    ErrorCode,
    Scope,
)

from . import tables
from .i18n import _
from .problems import ApiProblem, not_found
from .security import digest
from .settings import Settings

_bearer = HTTPBearer(auto_error=False)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


Db = Annotated[Session, Depends(get_db)]
Config = Annotated[Settings, Depends(get_settings)]


class _AccountNumberSegment(Convertor[str]):
    """Routes write `{number:account_number}`: `/accounts/attach` is then not an account, so a
    PATCH to it is a 405 (no such method) rather than a 422 (no such account number)."""

    regex = ACCOUNT_NUMBER_PATTERN.strip("^$")

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("account_number", _AccountNumberSegment())

# Path and query parameters, with the form the server accepts published in the contract.
AccountNumberPath = Annotated[str, Path(pattern=ACCOUNT_NUMBER_PATTERN)]
IdPath = Annotated[str, Path(pattern=ID_PATTERN)]
IdQuery = Annotated[str | None, Query(pattern=ID_PATTERN)]


def text_query(max_length: int, description: str | None = None) -> Any:
    """A free-text query parameter: one line, at most `max_length` characters."""
    return Query(max_length=max_length, pattern=LINE_PATTERN, description=description)


def _unauthenticated(detail: str, code: ErrorCode = ErrorCode.unauthenticated) -> ApiProblem:
    return ApiProblem(401, code, detail, headers={"WWW-Authenticate": "Bearer"})


SESSION_TOUCH_EVERY = dt.timedelta(minutes=1)
"""How stale a login's "last used" may be: it is written at most this often, not per call."""


def current_token(
    db: Db,
    settings: Config,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> tables.Token:
    if credentials is None:
        raise _unauthenticated(_("Log in first: this operation needs an access token."))
    token = db.get(tables.Token, digest(credentials.credentials))
    if (
        token is None
        or token.kind not in ("access", "api")
        or token.revoked_at is not None
        or token.expires_at <= settings.now()
    ):
        raise _unauthenticated(
            _("The access token is unknown, expired or revoked."), ErrorCode.invalid_token
        )
    if token.kind == "access":
        _touch_session(db, settings, token.family)
    return token


def _touch_session(db: Session, settings: Settings, family: str) -> None:
    """Read first: most calls find it fresh, and a read takes no write lock."""
    now = settings.now()
    last = db.scalar(
        select(tables.LoginSession.last_used_at).where(tables.LoginSession.id == family)
    )
    if last is not None and last < now - SESSION_TOUCH_EVERY:
        db.execute(
            update(tables.LoginSession)
            .where(
                tables.LoginSession.id == family,
                tables.LoginSession.last_used_at < now - SESSION_TOUCH_EVERY,
            )
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        db.commit()


CurrentToken = Annotated[tables.Token, Depends(current_token)]


def current_user(token: CurrentToken) -> tables.User:
    return token.user


CurrentUser = Annotated[tables.User, Depends(current_user)]


@dataclass(frozen=True)
class Grant:
    """An account the caller may act on, and how."""

    account: tables.Account
    access: Access
    scopes: frozenset[Scope]
    mandate: tables.Mandate | None = None


ALL_SCOPES = frozenset(Scope)


def live_mandates(
    db: Session, settings: Settings, user: tables.User, number: str | None = None
) -> list[tables.Mandate]:
    """The user's unrevoked, unexpired mandates, on one account if `number` is given; ordered by
    account, then by expiry."""
    query = select(tables.Mandate).where(
        tables.Mandate.delegate_id == user.id,
        tables.Mandate.revoked_at.is_(None),
        tables.Mandate.expires_at > settings.now(),
    )
    if number is not None:
        query = query.where(tables.Mandate.account_number == number)
    order = (tables.Mandate.account_number, tables.Mandate.expires_at, tables.Mandate.id)
    return list(db.scalars(query.order_by(*order)))


def delegate_grant(account: tables.Account, mandates: Sequence[tables.Mandate]) -> Grant:
    """What a delegate may do with these live mandates on the account.

    Every one counts, so a second, shorter mandate adds its scopes at once instead of waiting
    for the longer one to lapse. The earliest expiry is the one shown: from then on the delegate
    may do less.
    """
    scopes = frozenset(Scope(s) for m in mandates for s in m.scopes)
    return Grant(account, Access.delegate, scopes, min(mandates, key=lambda m: m.expires_at))


def operation_of(request: Request) -> str | None:
    """The operation id (the route's name) of the published contract."""
    route = request.scope.get("route")
    return getattr(route, "name", None)


def audit(
    db: Session,
    settings: Settings,
    agent: tables.User,
    numbers: list[str],
    action: str,
    operation: str | None = None,
) -> None:
    """Record that a support agent saw or acted on these accounts; committed at once, so the
    record stays even if the action itself then fails."""
    now = settings.now()
    db.add_all(
        tables.AuditEntry(
            at=now, agent_id=agent.id, account_number=n, action=action[:200], operation=operation
        )
        for n in numbers
    )
    db.commit()


def authorize(
    db: Session,
    settings: Settings,
    user: tables.User,
    number: str,
    scope: Scope,
    action: str,
    *,
    owner_only: bool = False,
    operation: str | None = None,
) -> Grant:
    """Decide whether the caller may do `action` on the account.

    An account the caller may not see answers 404, exactly like one that does not exist, so
    account numbers cannot be probed. A delegate who can see it but lacks the scope gets 403.
    Every agent access is written to the audit log.
    """
    account = db.get(tables.Account, number)
    if account is None:
        raise not_found(_("No such account."))
    if account.owner_id is not None and account.owner_id == user.id:
        return Grant(account, Access.owner, ALL_SCOPES)
    if user.role == "agent":
        audit(db, settings, user, [number], action, operation)
        return Grant(account, Access.agent, ALL_SCOPES)
    mandates = live_mandates(db, settings, user, number)
    if not mandates:
        raise not_found(_("No such account."))
    if owner_only:
        raise ApiProblem(403, ErrorCode.forbidden, _("Only the account holder may do this."))
    grant = delegate_grant(account, mandates)
    if scope not in grant.scopes:
        raise ApiProblem(
            403,
            ErrorCode.scope_missing,
            _("Your mandate on this account does not include '{scope}'.").format(scope=scope.value),
        )
    return grant


class AccountAccess:
    """Dependency factory: `Depends(AccountAccess(Scope.pay))` on an /accounts/{number} route."""

    def __init__(self, scope: Scope, *, owner_only: bool = False) -> None:
        self.scope = scope
        self.owner_only = owner_only

    def __call__(
        self,
        number: AccountNumberPath,
        request: Request,
        db: Db,
        settings: Config,
        user: CurrentUser,
    ) -> Grant:
        action = f"{request.method} {request.url.path}"
        return authorize(
            db,
            settings,
            user,
            number,
            self.scope,
            action,
            owner_only=self.owner_only,
            operation=operation_of(request),
        )


CanView = Annotated[Grant, Depends(AccountAccess(Scope.view))]
CanRead = Annotated[Grant, Depends(AccountAccess(Scope.readings))]
CanPay = Annotated[Grant, Depends(AccountAccess(Scope.pay))]
CanRequest = Annotated[Grant, Depends(AccountAccess(Scope.requests))]
OwnerOnly = Annotated[Grant, Depends(AccountAccess(Scope.view, owner_only=True))]
