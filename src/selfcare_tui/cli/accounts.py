"""`selfcare accounts list|use|show|attach`: which accounts this login acts for."""

from __future__ import annotations

import re

import click
from pydantic import ValidationError

from selfcare_tui import config
from selfcare_tui.api import models
from selfcare_tui.api.errors import NotFound
from selfcare_tui.i18n import _, format_datetime, format_money
from selfcare_tui.session import Session

from . import output
from .context import (
    EXIT_USAGE,
    State,
    fail,
    not_found,
    pass_state,
    with_account,
    with_session,
)
from .profile import contact_fields
from .translated import TranslatedGroup

ACCOUNT_NUMBER = re.compile(r"^\d{6,12}$")


def access_label(access: models.Access) -> str:
    labels = {
        models.Access.owner: _("holder"),
        models.Access.delegate: _("mandate"),
        models.Access.agent: _("support agent"),
    }
    return labels[access]


def kind_label(kind: models.CustomerKind) -> str:
    labels = {
        models.CustomerKind.household: _("household"),
        models.CustomerKind.business: _("business"),
    }
    return labels[kind]


def scopes_text(scopes: list[models.Scope]) -> str:
    """Scopes by their codes: the same words `mandates grant --scope` takes."""
    return ", ".join(s.value for s in scopes)


def balance_text(balance: models.Money) -> str:
    if balance.amount > 0:
        return _("{amount} to pay").format(amount=format_money(balance))
    if balance.amount < 0:
        credit = models.Money(amount=-balance.amount, currency=balance.currency)
        return _("{amount} in credit").format(amount=format_money(credit))
    return _("nothing to pay")


def _account_number(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not ACCOUNT_NUMBER.match(value):
        raise click.BadParameter(
            _("{value!r} is not an account number: it has 6 to 12 digits.").format(value=value)
        )
    return value


@click.group(cls=TranslatedGroup)
def accounts() -> None:
    """Your accounts and which one commands act on.

    Your own accounts, those you hold a mandate for, and (agents) any account.
    """


@accounts.command("list")
@click.option(
    "--search",
    "-s",
    "query",
    metavar="TEXT",
    help="Only accounts whose number starts with, or name contains, TEXT (agents: search all).",
)
@click.option(
    "--limit", "-L", default=50, show_default=True, type=click.IntRange(1, 200), help="At most."
)
@output.json_option
@pass_state
def accounts_list(state: State, query: str | None, limit: int, as_json: bool) -> None:
    """Accounts this login may act for: its own, then those held by a mandate.

    The account in use (see `selfcare accounts use`) is marked with *.

    \b
    Examples:
      selfcare accounts list
      selfcare accounts list --search Tamm        # support agents: search every account
      selfcare accounts list --json | jq -r '.[] | select(.access == "delegate") | .number'
    """

    async def fetch(session: Session) -> tuple[list[models.AccountSummary], str | None]:
        found = await session.client.accounts(query, limit=limit)
        in_use = session.profile.account
        if in_use is None and found and not query:
            in_use = found[0].number  # what commands act on when no account was chosen
        return found, in_use

    found, in_use = with_session(state, fetch)
    if query:  # customers' lists are not searched by the server; filter them the same way
        needle = query.casefold()
        found = [a for a in found if a.number.startswith(query) or needle in a.name.casefold()]
    if output.json_or_none_found(found, as_json, _("No accounts found.")):
        return
    columns = ["", _("Account"), _("Name"), _("Kind"), _("Access"), _("Scopes")]
    mandated = any(a.mandate_expires_at for a in found)
    if mandated:
        columns.append(_("Mandate ends"))
    rows = []
    for a in found:
        row = [
            "*" if a.number == in_use else "",
            a.number,
            a.name,
            kind_label(a.kind),
            access_label(a.access),
            scopes_text(a.scopes),
        ]
        if mandated:
            row.append(format_datetime(a.mandate_expires_at) if a.mandate_expires_at else "")
        rows.append(row)
    output.table(None, columns, rows)


@accounts.command("use")
@click.argument("number", callback=_account_number)
@pass_state
def accounts_use(state: State, number: str) -> None:
    """Act on this account from now on when a command gets no --account.

    It is kept in the profile (the config file), per profile.

    \b
    Example:
      selfcare accounts use 1000000002
    """

    async def check(session: Session) -> models.Account:
        try:
            return await session.client.account(number)
        except NotFound:
            raise not_found(
                _(
                    "Account {number} is not one this login may act for. "
                    "See `selfcare accounts list`, or attach it with `selfcare accounts attach`."
                ).format(number=number)
            ) from None

    found = with_session(state, check)
    settings = config.load()
    name = state.profile or settings.default_profile
    current = settings.profiles.get(name, config.Profile())
    try:
        settings.profiles[name] = config.Profile.model_validate(
            {**current.model_dump(), "account": number}
        )
    except ValidationError as exc:  # pragma: no cover - the number was checked above
        fail(str(exc), EXIT_USAGE)
    config.save(settings)
    output.note(
        _("Commands now act on account {number} ({name}).").format(number=number, name=found.name)
    )


@accounts.command("show")
@click.argument("number", required=False, callback=_account_number)
@output.json_option
@pass_state
def accounts_show(state: State, number: str | None, as_json: bool) -> None:
    """An account's holder, contact data, invoice channel and balance.

    NUMBER defaults to the account in use.

    \b
    Examples:
      selfcare accounts show
      selfcare accounts show 1000000002 --json | jq -r .balance.amount
    """

    found = with_account(state, number, lambda client, chosen: client.account(chosen))
    if as_json:
        output.emit_json(found)
        return
    rows = [
        (_("Account"), found.number),
        (_("Name"), found.name),
        (_("Kind"), kind_label(found.kind)),
        (_("Access"), access_label(found.access)),
    ]
    if found.access is models.Access.delegate:
        rows.append((_("Scopes"), scopes_text(found.scopes)))
        if found.mandate_expires_at:
            rows.append((_("Mandate ends"), format_datetime(found.mandate_expires_at)))
    rows += [
        (_("Payment code"), found.payment_code),
        (_("Balance"), balance_text(found.balance)),
        *contact_fields(found),
    ]
    output.fields(rows)


@accounts.command("attach")
@click.argument("number", callback=_account_number)
@click.option(
    "--payment-code",
    required=True,
    metavar="CODE",
    help="The payment code printed on the account's invoices: the proof that it is yours.",
)
@output.json_option
@pass_state
def accounts_attach(state: State, number: str, payment_code: str, as_json: bool) -> None:
    """Link an existing account to your login, proven by the payment code on its invoice.

    Both are on the first page of any invoice of the account.

    \b
    Example:
      selfcare accounts attach 3000000001 --payment-code 84731920569
    """
    payment_code = payment_code.strip()
    if not 1 <= len(payment_code) <= 32:
        raise click.BadParameter(
            _("give the code as printed on the invoice (1 to 32 characters)."),
            param_hint="--payment-code",
        )
    attached = with_session(state, lambda s: s.client.attach_account(number, payment_code))
    if as_json:
        output.emit_json(attached)
        return
    output.note(
        _(
            "Attached account {number} ({name}). Use it with `selfcare accounts use {number}`."
        ).format(number=attached.number, name=attached.name)
    )


COMMANDS: list[click.Command] = [accounts]
