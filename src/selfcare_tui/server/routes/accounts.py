"""Accounts a login may act for, their contact data, and attaching an existing account."""

from __future__ import annotations

from itertools import groupby
from typing import Annotated

from fastapi import APIRouter, Request
from sqlalchemy import or_, select

from selfcare_tui.api import models
from selfcare_tui.api.models import Access, ErrorCode

from .. import convert, tables, throttle
from ..contract import TOO_MANY_ATTEMPTS, answers, refusals
from ..deps import (
    ALL_SCOPES,
    CanView,
    Config,
    CurrentUser,
    Db,
    Grant,
    OwnerOnly,
    audit,
    delegate_grant,
    live_mandates,
    text_query,
)
from ..i18n import _
from ..pagination import Cursor, Limit, paginate
from ..problems import ApiProblem, refused
from ..security import same
from .auth import client_address

router = APIRouter(prefix="/accounts", tags=["accounts"])


@router.get("", response_model=models.Page[models.AccountSummary])
def list_accounts(
    request: Request,
    db: Db,
    settings: Config,
    user: CurrentUser,
    q: Annotated[str | None, text_query(100, "Agents: search by number or name")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> models.Page[models.AccountSummary]:
    """Own accounts, then those held by an active mandate; agents search all accounts with `q`."""
    if user.role == "agent":
        found = (
            [or_(tables.Account.number.startswith(q), tables.Account.name.icontains(q))]
            if q
            else []
        )
        rows, next_cursor = paginate(
            db,
            select(tables.Account),
            [tables.Account.number],
            filters=found,
            cursor=cursor,
            limit=limit,
            descending=False,
        )
        # A search shows names and numbers of accounts: that is an access, so it is audited.
        audit(
            db,
            settings,
            user,
            [a.number for a in rows],
            f"GET {request.url.path} search",
            "list_accounts",
        )
        return models.Page(
            items=[convert.account_summary(Grant(a, Access.agent, ALL_SCOPES)) for a in rows],
            next_cursor=next_cursor,
        )
    owned = db.scalars(
        select(tables.Account)
        .where(tables.Account.owner_id == user.id)
        .order_by(tables.Account.number)
    )
    items = [convert.account_summary(Grant(a, Access.owner, ALL_SCOPES)) for a in owned]
    seen = {i.number for i in items}
    mandates = live_mandates(db, settings, user)
    for number, group in groupby(mandates, key=lambda m: m.account_number):
        account = db.get(tables.Account, number)
        if account is not None and number not in seen:
            items.append(convert.account_summary(delegate_grant(account, list(group))))
    return models.Page(items=items)


@router.get("/{number:account_number}", response_model=models.Account)
def get_account(grant: CanView, db: Db) -> models.Account:
    return convert.account(db, grant)


@router.patch("/{number:account_number}", response_model=models.Account)
@answers(*refusals(ErrorCode.contact_missing))
def update_profile(body: models.ProfileUpdate, grant: OwnerOnly, db: Db) -> models.Account:
    """Change contact data; only the holder (or an agent) may, not a delegate."""
    a = grant.account
    changes = body.model_dump(exclude_unset=True, mode="json")
    for name in ("phone", "email", "correspondence_address"):
        if name in changes:
            setattr(a, name, changes[name])
    if changes.get("home_address") is not None:
        a.home_address = changes["home_address"]
    if changes.get("invoice_channel") is not None:
        channel = models.InvoiceChannel(changes["invoice_channel"])
        if channel is models.InvoiceChannel.email and not a.email:
            raise refused(
                ErrorCode.contact_missing,
                _("Invoices by e-mail need an e-mail address."),
                errors=[
                    models.FieldError(
                        field="email", code="required", message=_("Give an e-mail address.")
                    )
                ],
            )
        if channel is models.InvoiceChannel.sms and not a.phone:
            raise refused(
                ErrorCode.contact_missing,
                _("Invoices by SMS need a phone number."),
                errors=[
                    models.FieldError(
                        field="phone", code="required", message=_("Give a phone number.")
                    )
                ],
            )
        a.invoice_channel = channel.value
    if changes.get("language") is not None:
        a.language = changes["language"]
    db.commit()
    return convert.account(db, grant)


@router.post("/attach", response_model=models.AccountSummary, status_code=200)
@answers((403, ErrorCode.forbidden), TOO_MANY_ATTEMPTS, *refusals(ErrorCode.account_not_attachable))
def attach_account(
    body: models.AttachAccount, request: Request, db: Db, settings: Config, user: CurrentUser
) -> models.AccountSummary:
    """Link an existing account to this login, proven by the payment code on its invoices.

    One answer covers an unknown number, a wrong code and an account already linked to someone
    else, so the endpoint cannot be used to find out which account numbers exist; it is throttled.
    """
    if user.role != "customer":
        raise ApiProblem(403, ErrorCode.forbidden, _("Only customers attach accounts."))
    keys = {
        f"attach:user:{user.id}": settings.login_failures_per_user,
        f"attach:addr:{client_address(request)}": settings.login_failures_per_address,
    }
    throttle.attempt(db, settings, keys)
    account = db.get(tables.Account, body.account_number)
    if account is not None and account.owner_id == user.id:
        throttle.forgive(db, list(keys))
        db.commit()
        return convert.account_summary(Grant(account, Access.owner, ALL_SCOPES))
    if (
        account is None
        or account.owner_id is not None
        or not same(account.payment_code, body.payment_code)
    ):
        raise refused(
            ErrorCode.account_not_attachable,
            _(
                "No account with this number and payment code can be attached. Check both on "
                "your latest invoice; if it is right, the account may already be linked to "
                "another login."
            ),
            errors=[
                models.FieldError(
                    field="account_number",
                    code="not_attachable",
                    message=_(
                        "Account number and payment code do not match an attachable account."
                    ),
                )
            ],
        )
    account.owner_id = user.id
    throttle.forgive(db, list(keys))
    db.commit()
    return convert.account_summary(Grant(account, Access.owner, ALL_SCOPES))
