"""`selfcare mandates list|grant|revoke`: letting another customer act on your account."""

from __future__ import annotations

import datetime as dt

import click

from selfcare_tui.api import models
from selfcare_tui.core.labels import label
from selfcare_tui.core.mandates import end_of_day, holds_text, past_day_message, scopes_text
from selfcare_tui.i18n import _, format_datetime

from . import output
from .context import DATE, State, account_option, pass_state, with_account
from .translated import TranslatedGroup


def mandate_rows(mandates: list[models.Mandate]) -> list[tuple[str, ...]]:
    return [
        (
            m.id,
            m.delegate_username,
            scopes_text(m.scopes),
            format_datetime(m.expires_at),
            label(m.state),
            format_datetime(m.created_at),
        )
        for m in mandates
    ]


def mandate_table(mandates: list[models.Mandate]) -> None:
    output.table(
        None,
        [_("ID"), _("Delegate"), _("Scopes"), _("Ends"), _("State"), _("Given")],
        mandate_rows(mandates),
    )


def show_mandate(mandate: models.Mandate, as_json: bool, sentence: str) -> None:
    """A given or changed mandate: as JSON, or the sentence and its row."""
    if as_json:
        output.emit_json(mandate)
        return
    output.note(sentence)
    mandate_table([mandate])


def _end_of_day(
    ctx: click.Context, param: click.Parameter, value: dt.datetime | None
) -> dt.datetime | None:
    if value is None:
        return None
    day = value.date()
    refusal = past_day_message(day)
    if refusal is not None:
        raise click.BadParameter(f"{day}: {refusal}")
    return end_of_day(day)


@click.group(cls=TranslatedGroup)
def mandates() -> None:
    """Let another customer act on your account.

    A mandate lets another customer view your account, enter readings, pay or send
    requests for you, until a day you choose.
    """


@mandates.command("list")
@account_option
@output.json_option
@pass_state
def mandates_list(state: State, account: str | None, as_json: bool) -> None:
    """Mandates given on the account, newest first, also revoked and expired ones.

    \b
    Examples:
      selfcare mandates list
      selfcare mandates list --json | jq -r '.[] | select(.revoked | not) | .id'
    """

    found = with_account(state, account, lambda client, number: client.mandates(number))
    if output.json_or_none_found(found, as_json, _("No mandates on this account.")):
        return
    mandate_table(found)


@mandates.command("grant")
@account_option
@click.option(
    "--to",
    "delegate",
    required=True,
    metavar="USERNAME",
    help="The other customer's login name.",
)
@click.option(
    "--scope",
    "scopes",
    required=True,
    multiple=True,
    type=click.Choice([s.value for s in models.Scope]),
    help="What they may do; repeat for several.",
)
@click.option(
    "--expires",
    required=True,
    type=DATE,
    callback=_end_of_day,
    metavar="YYYY-MM-DD",
    help="The last day the mandate holds.",
)
@output.json_option
@pass_state
def mandates_grant(
    state: State,
    account: str | None,
    delegate: str,
    scopes: tuple[str, ...],
    expires: dt.datetime,
    as_json: bool,
) -> None:
    """Let another customer act on the account, within scopes, until a day.

    Only the account holder may give a mandate, and only to another customer's login.

    \b
    Examples:
      selfcare mandates grant --to jaan --scope view --scope readings --expires 2027-06-30
    """
    delegate = delegate.strip()
    if not delegate:
        raise click.BadParameter(_("give the other customer's login name."), param_hint="--to")
    grant = models.MandateGrant(
        delegate_username=delegate,
        scopes=[models.Scope(s) for s in dict.fromkeys(scopes)],
        expires_at=expires,
    )

    mandate = with_account(
        state, account, lambda client, number: client.grant_mandate(number, grant)
    )
    show_mandate(
        mandate,
        as_json,
        _("{user} may now act on account {number} ({scopes}) until {when}.").format(
            user=mandate.delegate_username,
            number=mandate.account_number,
            scopes=scopes_text(mandate.scopes),
            when=format_datetime(mandate.expires_at),
        ),
    )


@mandates.command("change")
@account_option
@click.argument("mandate_id", metavar="ID")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice([s.value for s in models.Scope]),
    help="What they may do from now on; repeat for several. Left out: as before.",
)
@click.option(
    "--expires",
    type=DATE,
    callback=_end_of_day,
    metavar="YYYY-MM-DD",
    help="The new last day the mandate holds. Left out: as before.",
)
@output.json_option
@pass_state
def mandates_change(
    state: State,
    account: str | None,
    mandate_id: str,
    scopes: tuple[str, ...],
    expires: dt.datetime | None,
    as_json: bool,
) -> None:
    """Change what a mandate allows, or its last day (its ID is in `selfcare mandates list`).

    A revoked or expired mandate cannot be changed: give a new one.

    \b
    Examples:
      selfcare mandates change MD000000001 --scope view --scope pay
      selfcare mandates change MD000000001 --expires 2027-12-31
    """
    if not scopes and expires is None:
        raise click.UsageError(_("say what to change: --scope, --expires or both."))
    change = models.MandateChange(
        scopes=[models.Scope(s) for s in dict.fromkeys(scopes)] or None, expires_at=expires
    )
    mandate = with_account(
        state,
        account,
        lambda client, number: client.change_mandate(number, mandate_id, change),
    )
    show_mandate(mandate, as_json, holds_text(mandate, format_datetime(mandate.expires_at)))


@mandates.command("revoke")
@account_option
@click.argument("mandate_id", metavar="ID")
@output.json_option
@pass_state
def mandates_revoke(state: State, account: str | None, mandate_id: str, as_json: bool) -> None:
    """End a mandate at once (its ID is in `selfcare mandates list`).

    \b
    Example:
      selfcare mandates revoke MD000000001
    """

    mandate = with_account(
        state, account, lambda client, number: client.revoke_mandate(number, mandate_id)
    )
    if as_json:
        output.emit_json(mandate)
        return
    output.note(
        _("Revoked mandate {id}: {user} can no longer act on account {number}.").format(
            id=mandate.id, user=mandate.delegate_username, number=mandate.account_number
        )
    )


COMMANDS: list[click.Command] = [mandates]
