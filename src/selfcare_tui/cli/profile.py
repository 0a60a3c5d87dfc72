"""`selfcare profile show|update|access-log`: the contact data the utility writes and sends
invoices to, and who from the utility opened the account."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from pydantic import ValidationError

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.i18n import _, format_datetime, language_name

from . import output
from .context import (
    State,
    account_option,
    chosen_limit,
    each,
    first,
    listing_options,
    pass_state,
    with_account,
)
from .output import address_text
from .translated import TranslatedGroup

ADDRESS_PARTS = ("street", "city", "postal_code", "country")


def channel_label(channel: models.InvoiceChannel) -> str:
    labels = {
        models.InvoiceChannel.email: _("by e-mail"),
        models.InvoiceChannel.sms: _("by SMS"),
        models.InvoiceChannel.paper: _("on paper, by post"),
    }
    return labels[channel]


def contact_fields(account: models.Account) -> list[tuple[str, str]]:
    correspondence = (
        address_text(account.correspondence_address)
        if account.correspondence_address
        else _("the home address")
    )
    return [
        (_("Home address"), address_text(account.home_address)),
        (_("Correspondence address"), correspondence),
        (_("Phone"), account.phone or _("none")),
        (_("E-mail"), account.email or _("none")),
        (_("Invoices"), channel_label(account.invoice_channel)),
        (_("Invoices in"), language_name(account.language)),
    ]


def _checked_by_contract(field: str, message: str) -> Callable[..., str | None]:
    """A click callback that checks a value against the API model's own rule for `field`,
    so the client refuses exactly what the server would, before sending anything."""

    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        try:
            models.ProfileUpdate.model_validate({field: value})
        except ValidationError:
            raise click.BadParameter(message.format(value=value)) from None
        return value

    return check


def _address_option(prefix: str, part: str, what: str) -> Callable[[Any], Any]:
    return click.option(
        f"--{prefix}-{part.replace('_', '-')}",
        f"{prefix}_{part}",
        metavar="TEXT",
        help=f"{what} of the {prefix} address.",
    )


def _merged_address(
    prefix: str, current: models.Address | None, given: dict[str, str | None]
) -> models.Address | None:
    """The address with the given parts changed; None when no part is given.

    Only the parts given change, so moving flat within the building is one option, not four.
    A new address (none before) needs street, city and postal code.
    """
    changes = {part: value.strip() for part, value in given.items() if value is not None}
    if not changes:
        return None
    if current is None:
        missing = [p for p in ("street", "city", "postal_code") if p not in changes]
        if missing:
            options = ", ".join(f"--{prefix}-{p.replace('_', '-')}" for p in missing)
            raise click.UsageError(
                _("The account has no {prefix} address yet: also give {options}.").format(
                    prefix=prefix, options=options
                )
            )
        data: dict[str, str] = {}
    else:
        data = current.model_dump()
    data.update(changes)
    if "country" in changes:
        data["country"] = changes["country"].upper()
    try:
        return models.Address.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        part = str(error["loc"][0])
        limits = {
            "street": _("1 to 200 characters"),
            "city": _("1 to 100 characters"),
            "postal_code": _("1 to 20 characters"),
            "country": _("a two-letter country code such as EE"),
        }
        raise click.BadParameter(
            _("{value!r} is not allowed: use {allowed}.").format(
                value=changes.get(part, data.get(part, "")),
                allowed=limits.get(part, error["msg"]),
            ),
            param_hint=f"--{prefix}-{part.replace('_', '-')}",
        ) from None


@click.group(cls=TranslatedGroup)
def profile() -> None:
    """Your contact data and invoice channel.

    Home and correspondence address, phone, e-mail, and how invoices reach you.
    """


@profile.command("show")
@account_option
@output.json_option
@pass_state
def profile_show(state: State, account: str | None, as_json: bool) -> None:
    """Show the contact data of the account.

    \b
    Examples:
      selfcare profile show
      selfcare profile show --json | jq -r .email
    """

    found = with_account(state, account, lambda client, number: client.account(number))
    if as_json:
        output.emit_json(found)
        return
    output.fields([(_("Account"), f"{found.number} {found.name}"), *contact_fields(found)])


@profile.command("update")
@account_option
@click.option(
    "--phone",
    callback=_checked_by_contract(
        "phone",
        _("{value!r} is not a phone number: use 6 to 20 digits or spaces, optionally after a +."),
    ),
    help="Phone number, e.g. '+372 5123 4567'.",
)
@click.option(
    "--email",
    callback=_checked_by_contract(
        "email", _("{value!r} is not an e-mail address such as name@example.com.")
    ),
    help="E-mail address.",
)
@click.option(
    "--invoice-channel",
    type=click.Choice([c.value for c in models.InvoiceChannel]),
    help="How invoices reach you (e-mail needs an e-mail address, SMS a phone number).",
)
@click.option(
    "--language",
    type=click.Choice([language.value for language in models.Language]),
    help="The language of the account's invoices and notices (PDF).",
)
@_address_option("home", "street", "Street and house")
@_address_option("home", "city", "City or parish")
@_address_option("home", "postal_code", "Postal code")
@_address_option("home", "country", "Country code (EE)")
@_address_option("correspondence", "street", "Street and house")
@_address_option("correspondence", "city", "City or parish")
@_address_option("correspondence", "postal_code", "Postal code")
@_address_option("correspondence", "country", "Country code (EE)")
@click.option(
    "--no-correspondence-address",
    is_flag=True,
    help="Send letters to the home address again.",
)
@output.json_option
@pass_state
def profile_update(
    state: State,
    /,
    account: str | None,
    phone: str | None,
    email: str | None,
    invoice_channel: str | None,
    language: str | None,
    no_correspondence_address: bool,
    as_json: bool,
    **addresses: str | None,
) -> None:
    """Change contact data; what you do not give stays as it is.

    Only the account holder may change it. An address part given alone (e.g. only
    --home-street) changes that part and keeps the rest.

    \b
    Examples:
      selfcare profile update --phone '+372 5123 4567' --email maria@example.com
      selfcare profile update --language ro
      selfcare profile update --invoice-channel paper \\
          --correspondence-street 'Postkast 12' --correspondence-city Tartu \\
          --correspondence-postal-code 50090
    """
    home = {part: addresses[f"home_{part}"] for part in ADDRESS_PARTS}
    correspondence = {part: addresses[f"correspondence_{part}"] for part in ADDRESS_PARTS}
    if no_correspondence_address and any(v is not None for v in correspondence.values()):
        raise click.UsageError(
            _("Give either --no-correspondence-address or a correspondence address, not both.")
        )
    changes: dict[str, Any] = {}
    if phone is not None:
        changes["phone"] = phone
    if email is not None:
        changes["email"] = email
    if invoice_channel is not None:
        changes["invoice_channel"] = invoice_channel
    if language is not None:
        changes["language"] = language
    if no_correspondence_address:
        changes["correspondence_address"] = None
    nothing_else = not any(v is not None for v in (*home.values(), *correspondence.values()))
    if not changes and nothing_else:
        raise click.UsageError(
            _("Nothing to change: give at least one option, e.g. --phone or --email.")
        )

    async def update(client: SelfcareClient, number: str) -> models.Account:
        if not nothing_else:
            current = await client.account(number)
            new_home = _merged_address("home", current.home_address, home)
            if new_home is not None:
                changes["home_address"] = new_home
            new_mail = _merged_address(
                "correspondence", current.correspondence_address, correspondence
            )
            if new_mail is not None:
                changes["correspondence_address"] = new_mail
        return await client.update_profile(number, models.ProfileUpdate(**changes))

    updated = with_account(state, account, update)
    if as_json:
        output.emit_json(updated)
        return
    output.note(_("Updated the contact data of account {number}.").format(number=updated.number))
    output.fields(contact_fields(updated))


@profile.command("access-log")
@account_option
@listing_options
@output.json_option
@pass_state
def profile_access_log(
    state: State, account: str | None, limit: int | None, every: bool, as_json: bool
) -> None:
    """Who from the utility opened or changed the account, and when, newest first.

    Every time a support agent looks at or acts on an account, the server writes it down;
    the account holder sees each entry here.
    """

    wanted = chosen_limit(limit, every)

    async def fetch(
        client: SelfcareClient, number: str
    ) -> tuple[list[models.AccessLogEntry], bool]:
        pages = each(lambda cursor: client.access_log_page(number, cursor=cursor, limit=200))
        return await first(pages, wanted)

    entries, more = with_account(state, account, fetch)
    if output.json_or_none_found(
        entries, as_json, _("Nobody from the utility has opened this account.")
    ):
        return
    output.table(
        None,
        [_("When"), _("Who"), _("What")],
        [(format_datetime(e.at), e.agent_name, e.summary) for e in entries],
    )
    output.note_more(len(entries), more)


COMMANDS: list[click.Command] = [profile]
