"""`selfcare outages`: planned and accidental works, and reporting an outage (S0's rules).

A report is checked for eligibility first, so a refusal names its reason and the item that
blocks it (the work and its window, or the earlier report) before anything is sent.
"""

from __future__ import annotations

import re

import click

from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import RuleViolation
from selfcare_tui.api.models import (
    OutageReport,
    OutageReportCreate,
    OutageReportStatus,
    Problem,
    Work,
)
from selfcare_tui.core.labels import label
from selfcare_tui.i18n import _, format_datetime

from . import output
from .context import (
    State,
    account_items,
    account_option,
    build,
    chosen_limit,
    first,
    listing_options,
    max_length,
    pass_state,
    run_public,
    server_option,
    with_account,
)
from .translated import TranslatedGroup

_PHONE = re.compile(r"^\+?[0-9 ]{6,20}$")


def _check_phone(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not _PHONE.match(value):
        raise click.BadParameter(
            _("A phone number: 6 to 20 digits and spaces, optionally after a +.")
        )
    return value


@click.group(cls=TranslatedGroup)
def outages() -> None:
    """Planned and accidental works, and outage reports for your places.

    \b
    Examples:
      selfcare outages planned --area AREA-TALLINN-3
      selfcare outages planned --mine
      selfcare outages report --place PL000000001 --description "No power since 8 am"
    """


@outages.command("planned")
@click.option("--area", metavar="AREA", help="Only works in this grid area.")
@click.option(
    "--mine",
    is_flag=True,
    help="Only works touching your account's places, current ones first (needs a login).",
)
@account_option
@server_option
@output.json_option
@pass_state
def planned(
    state: State,
    area: str | None,
    mine: bool,
    account: str | None,
    server: str | None,
    as_json: bool,
) -> None:
    """Planned and accidental interruptions that have not ended yet.

    The public list needs no login; --mine asks for the works that touch your places.

    \b
    Examples:
      selfcare outages planned --area AREA-TALLINN-3 --server https://selfcare.example.com
      selfcare outages planned --mine --json | jq '.[] | {area, starts_at, place_ids}'
    """
    if mine and server is not None:
        raise click.UsageError(_("--server is for the public list; --mine uses your login."))
    if account is not None and not mine:
        raise click.UsageError(_("--account goes with --mine."))

    async def account_works(client: SelfcareClient, number: str) -> list[Work]:
        works = await client.works(number)
        return [w for w in works if area is None or w.area == area]

    if mine:
        works = with_account(state, account, account_works)
    else:
        works = run_public(
            state, server, lambda client: first(client.iter_public_works(area=area), None)
        )[0]
    if output.json_or_none_found(works, as_json, _("No planned or accidental works.")):
        return
    columns = [_("Kind"), _("Area"), _("From"), _("Until"), _("Description"), _("ID")]
    if mine:
        columns.append(_("Your places"))
    rows = []
    for w in works:
        row = [
            label(w.kind),
            w.area,
            format_datetime(w.starts_at),
            format_datetime(w.ends_at),
            w.description,
            w.id,
        ]
        if mine:
            row.append(", ".join(w.place_ids))
        rows.append(row)
    output.table(None, columns, rows)


@outages.command("report")
@account_option
@click.option(
    "--place", required=True, metavar="PLACE_ID", help="The consumption place without power."
)
@click.option(
    "--description",
    required=True,
    callback=max_length(2000, required=True),
    help="What happened, in a few words.",
)
@click.option(
    "--phone",
    callback=_check_phone,
    help="A phone number the crew may call (e.g. '+372 5123 4567').",
)
@output.json_option
@pass_state
def report(
    state: State,
    account: str | None,
    place: str,
    description: str,
    phone: str | None,
    as_json: bool,
) -> None:
    """Report an outage at one of your places.

    Refused (exit 5), with the reason and what blocks it, when the place is disconnected
    under its contract, a planned or accidental work covers it now, or an outage there is
    already reported.

    \b
    Examples:
      selfcare outages report --place PL000000001 --description "No power since 8 am"
      selfcare outages report --place PL000000001 --description "Sparks" --phone "+372 5123 4567"
    """
    body = build(
        OutageReportCreate,
        {"place_id": "--place", "description": "--description", "contact_phone": "--phone"},
        place_id=place,
        description=description,
        contact_phone=phone,
    )

    async def send(client: SelfcareClient, number: str) -> OutageReport:
        verdict = await client.outage_eligibility(number, place)
        if not verdict.allowed and verdict.code is not None:
            # Refused as the report itself would be (409), so it leaves the same way: code,
            # message, what blocks it, exit 5; and so does a report refused because the state
            # changed since this check.
            raise RuleViolation(
                Problem(
                    title="Conflict",
                    status=409,
                    detail=verdict.message,
                    code=verdict.code,
                    blocking=verdict.blocking,
                )
            )
        return await client.report_outage(number, body)

    result = with_account(state, account, send)
    if as_json:
        output.emit_json(result)
        return
    output.note(
        _("Outage reported under {reference}; quote it if you call us.").format(
            reference=result.reference
        )
    )
    report_fields(result)


def report_fields(report: OutageReport) -> None:
    output.fields(
        [
            (_("Reference"), report.reference),
            (_("Place"), report.place_id),
            (_("Status"), label(report.status)),
            (_("Reported"), format_datetime(report.created_at)),
            (_("Description"), report.description),
        ]
    )


@outages.command("list")
@account_option
@click.option(
    "--status",
    type=click.Choice([s.value for s in OutageReportStatus]),
    help="Only reports in this state.",
)
@listing_options
@output.json_option
@pass_state
def list_reports(
    state: State,
    account: str | None,
    status: str | None,
    limit: int | None,
    every: bool,
    as_json: bool,
) -> None:
    """Your outage reports, newest first.

    \b
    Examples:
      selfcare outages list
      selfcare outages list --status open --json | jq -r '.[].reference'
    """
    wanted = chosen_limit(limit, every)
    chosen = OutageReportStatus(status) if status else None
    number, found, more = account_items(
        state,
        account,
        wanted,
        lambda client, number: client.iter_outage_reports(number, status=chosen),
    )
    none_found = _("No outage reports of account {number} match.").format(number=number)
    if output.json_or_none_found(found, as_json, none_found):
        return
    output.table(
        _("Outage reports of account {number}").format(number=number),
        [_("Reference"), _("Place"), _("Status"), _("Reported"), _("Description")],
        [
            (
                r.reference,
                r.place_id,
                label(r.status),
                format_datetime(r.created_at),
                r.description,
            )
            for r in found
        ],
    )
    output.note_more(len(found), more)


COMMANDS: list[click.Command] = [outages]
