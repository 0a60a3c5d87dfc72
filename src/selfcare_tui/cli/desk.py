"""`selfcare desk`, `selfcare works`, `selfcare audit`: the utility's side, for support agents.

Every change is based on the item's version: the command reads the item, then changes it
with that version (If-Match), so a change another agent made meanwhile is never overwritten
unseen. `--based-on N` names the version a script read earlier instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.core.desk import DeskItem, holder_name, is_report
from selfcare_tui.core.labels import label
from selfcare_tui.core.request_history import stage_label
from selfcare_tui.i18n import _, format_datetime
from selfcare_tui.session import Session

from . import output
from .context import (
    DATE,
    State,
    chosen_limit,
    each,
    first,
    listing_options,
    max_length,
    pass_state,
    period_days,
    with_session,
)
from .requests import request_fields
from .translated import TranslatedGroup

T = TypeVar("T")
Item = DeskItem


def _with_client(state: State, work: Callable[[SelfcareClient], Awaitable[T]]) -> T:
    async def go(session: Session) -> T:
        return await work(session.client)

    return with_session(state, go)


based_on_option = click.option(
    "--based-on",
    type=click.IntRange(0),
    default=None,
    metavar="VERSION",
    help="Change the item only if it is still at this version (from `desk show --json`).",
)


def _show_request(item: models.DeskRequest) -> None:
    output.fields(
        [
            (_("Account"), f"{item.account_number} {item.account_name}"),
            (_("Area"), item.area or ""),
            (_("Taken by"), holder_name(item) or _("nobody")),
            (_("Version"), str(item.version)),
        ]
    )
    request_fields(item)


def _show_report(item: models.DeskOutageReport) -> None:
    rows = [
        (_("Outage report"), item.reference),
        (_("Account"), f"{item.account_number} {item.account_name}"),
        (_("Place"), item.place_id),
        (_("Area"), item.area),
        (_("Status"), label(item.status)),
        (_("Reported"), format_datetime(item.created_at)),
        (_("Description"), item.description),
        (_("Contact phone"), item.contact_phone or ""),
        (_("Work"), item.work_id or ""),
        (_("Note"), item.note or ""),
        (_("Taken by"), holder_name(item) or _("nobody")),
        (_("Version"), str(item.version)),
    ]
    output.fields(rows)


def _show(item: Item, as_json: bool) -> None:
    if as_json:
        output.emit_json(item)
    elif isinstance(item, models.DeskOutageReport):
        _show_report(item)
    else:
        _show_request(item)


@click.group(cls=TranslatedGroup)
def desk() -> None:
    """The support agents' desk: work queues of requests and outage reports.

    Only a support agent's login may use these; to anyone else the desk does not exist.
    """


@desk.command("counts")
@output.json_option
@pass_state
def desk_counts(state: State, as_json: bool) -> None:
    """How much waits in each queue."""
    counts = _with_client(state, lambda client: client.queue_counts())
    if as_json:
        output.emit_json(counts)
        return
    output.fields(
        [
            (_("Open requests"), str(counts.requests_open)),
            (_("Not taken"), str(counts.requests_untaken)),
            (_("Taken by you"), str(counts.requests_mine)),
            (_("Open outage reports"), str(counts.outage_reports_open)),
            (_("Acknowledged outage reports"), str(counts.outage_reports_in_progress)),
            (_("Outage reports taken by you"), str(counts.outage_reports_mine)),
        ]
    )
    if counts.requests_by_type:
        output.table(
            _("Open requests by type"),
            [_("Type"), _("Requests")],
            [(code, str(n)) for code, n in counts.requests_by_type.items()],
        )


@desk.command("queue")
@click.argument(
    "queue", type=click.Choice(["requests", "outages"]), default="requests", required=False
)
@click.option("--type", "type_code", metavar="CODE", help="Requests of this type only.")
@click.option("--stage", metavar="STAGE", help="Requests at this stage only.")
@click.option("--area", metavar="AREA", help="Items of places in this area only.")
@click.option("--older-than", type=click.IntRange(0), metavar="DAYS", help="Older than DAYS.")
@click.option(
    "--status",
    metavar="STATUS",
    help="Items with this status (default: the open ones).",
)
@click.option("--mine", is_flag=True, help="Only the items you have taken.")
@click.option("--untaken", is_flag=True, help="Only the items nobody has taken.")
@listing_options
@output.json_option
@pass_state
def desk_queue(
    state: State,
    queue: str,
    type_code: str | None,
    stage: str | None,
    area: str | None,
    older_than: int | None,
    status: str | None,
    mine: bool,
    untaken: bool,
    limit: int | None,
    every: bool,
    as_json: bool,
) -> None:
    """List a work queue, oldest first.

    \b
    Examples:
      selfcare desk queue --untaken --type grid_connection
      selfcare desk queue outages --area AREA-HARJU-7
      selfcare desk queue --mine --json | jq -r '.[].id'
    """
    if mine and untaken:
        raise click.UsageError(_("Give either --mine or --untaken, not both."))
    taken = (
        models.TakenFilter.mine
        if mine
        else models.TakenFilter.untaken
        if untaken
        else models.TakenFilter.any
    )
    wanted = chosen_limit(limit, every)
    statuses = [
        s.value for s in (models.OutageReportStatus if queue == "outages" else models.RequestStatus)
    ]
    if status is not None and status not in statuses:
        raise click.BadParameter(
            _("{value!r} is not one of {choices}.").format(
                value=status, choices=", ".join(statuses)
            ),
            param_hint="'--status'",
        )
    if queue == "outages":
        report_status = models.OutageReportStatus(status) if status else None
        reports, more = _with_client(
            state,
            lambda client: first(
                each(
                    lambda cursor: client.outage_report_queue(
                        status=report_status, area=area, taken=taken, cursor=cursor, limit=100
                    )
                ),
                wanted,
            ),
        )
        if output.json_or_none_found(reports, as_json, _("No outage reports in this queue.")):
            return
        output.table(
            None,
            [_("Reference"), _("Reported"), _("Status"), _("Area"), _("Account"), _("Taken by")],
            [
                (
                    r.reference,
                    format_datetime(r.created_at),
                    label(r.status),
                    r.area,
                    r.account_number,
                    holder_name(r),
                )
                for r in reports
            ],
        )
        output.note_more(len(reports), more)
        return
    request_status = models.RequestStatus(status) if status else None
    requests, more = _with_client(
        state,
        lambda client: first(
            each(
                lambda cursor: client.request_queue(
                    status=request_status,
                    type_code=type_code,
                    stage=stage,
                    area=area,
                    older_than_days=older_than,
                    taken=taken,
                    cursor=cursor,
                    limit=100,
                )
            ),
            wanted,
        ),
    )
    if output.json_or_none_found(requests, as_json, _("No requests in this queue.")):
        return
    output.table(
        None,
        [_("ID"), _("Received"), _("Type"), _("Stage"), _("Account"), _("Taken by")],
        [
            (
                r.id,
                format_datetime(r.created_at),
                r.type_code,
                stage_label(r.stage) if r.stage else label(r.status),
                r.account_number,
                holder_name(r),
            )
            for r in requests
        ],
    )
    output.note_more(len(requests), more)


async def _read(client: SelfcareClient, item_id: str) -> Item:
    if is_report(item_id):
        return await client.desk_outage_report(item_id)
    return await client.desk_request(item_id)


@desk.command("show")
@click.argument("item_id", metavar="ID")
@output.json_option
@pass_state
def desk_show(state: State, item_id: str, as_json: bool) -> None:
    """Show a request (RQ...) or an outage report (OR...) with its version.

    \b
    Example:
      selfcare desk show RQ000000001
    """
    _show(_with_client(state, lambda client: _read(client, item_id)), as_json)


def _change(
    state: State,
    item_id: str,
    based_on: int | None,
    change: Callable[[SelfcareClient, Item, int], Awaitable[Item]],
    as_json: bool,
    done: str,
) -> None:
    """Read the item (unless --based-on names its version), change it, show the result."""

    async def go(client: SelfcareClient) -> Item:
        item = await _read(client, item_id)
        return await change(client, item, item.version if based_on is None else based_on)

    item = _with_client(state, go)
    if as_json:
        output.emit_json(item)
        return
    output.note(done.format(id=item_id, version=item.version))


def _request_only(item: Item) -> models.DeskRequest:
    if isinstance(item, models.DeskOutageReport):
        raise click.UsageError(_("This works on requests (RQ...), not on outage reports."))
    return item


def _report_only(item: Item) -> models.DeskOutageReport:
    if not isinstance(item, models.DeskOutageReport):
        raise click.UsageError(_("This works on outage reports (OR...), not on requests."))
    return item


@desk.command("take")
@click.argument("item_id", metavar="ID")
@based_on_option
@output.json_option
@pass_state
def desk_take(state: State, item_id: str, based_on: int | None, as_json: bool) -> None:
    """Take an item, so that only you change it from now on.

    If another agent has it, the command says who and leaves with exit code 5.
    """

    async def take(client: SelfcareClient, item: Item, version: int) -> Item:
        if isinstance(item, models.DeskOutageReport):
            return await client.take_outage_report(item.reference, version)
        return await client.take_request(item.id, version)

    _change(state, item_id, based_on, take, as_json, _("You have taken {id} (version {version})."))


@desk.command("move")
@click.argument("item_id", metavar="ID")
@click.argument("stage")
@click.option("--note", callback=max_length(2000), help="A note the customer reads with it.")
@based_on_option
@output.json_option
@pass_state
def desk_move(
    state: State,
    item_id: str,
    stage: str,
    note: str | None,
    based_on: int | None,
    as_json: bool,
) -> None:
    """Move a request to the next stage of its type (`selfcare requests types` lists them).

    \b
    Example:
      selfcare desk move RQ000000001 connection_offer --note "The offer is on its way."
    """

    async def move(client: SelfcareClient, item: Item, version: int) -> Item:
        return await client.move_request(_request_only(item).id, version, stage, note)

    _change(state, item_id, based_on, move, as_json, _("{id} moved on (version {version})."))


@desk.command("message")
@click.argument("item_id", metavar="ID")
@click.argument("text", callback=max_length(4000, required=True))
@based_on_option
@output.json_option
@pass_state
def desk_message(
    state: State, item_id: str, text: str, based_on: int | None, as_json: bool
) -> None:
    """Write to the customer; they read it in the request's history."""

    async def message(client: SelfcareClient, item: Item, version: int) -> Item:
        return await client.message_request(_request_only(item).id, version, text)

    _change(
        state, item_id, based_on, message, as_json, _("Message sent on {id} (version {version}).")
    )


@desk.command("ask")
@click.argument("item_id", metavar="ID")
@click.argument("document_code", metavar="DOCUMENT")
@click.option("--note", callback=max_length(2000), help="What exactly is needed.")
@based_on_option
@output.json_option
@pass_state
def desk_ask(
    state: State,
    item_id: str,
    document_code: str,
    note: str | None,
    based_on: int | None,
    as_json: bool,
) -> None:
    """Ask the customer for a document of the request's type (or `other`).

    The customer may then attach it although the request has been submitted.
    """

    async def ask(client: SelfcareClient, item: Item, version: int) -> Item:
        return await client.ask_for_document(_request_only(item).id, version, document_code, note)

    _change(
        state, item_id, based_on, ask, as_json, _("Document asked for on {id} (version {version}).")
    )


@desk.command("acknowledge")
@click.argument("item_id", metavar="ID")
@based_on_option
@output.json_option
@pass_state
def desk_acknowledge(state: State, item_id: str, based_on: int | None, as_json: bool) -> None:
    """Tell the customer their outage report is being worked on."""

    async def acknowledge(client: SelfcareClient, item: Item, version: int) -> Item:
        return await client.acknowledge_outage_report(_report_only(item).reference, version)

    _change(
        state, item_id, based_on, acknowledge, as_json, _("{id} acknowledged (version {version}).")
    )


@desk.command("link")
@click.argument("item_id", metavar="ID")
@click.argument("work_id", metavar="WORK")
@based_on_option
@output.json_option
@pass_state
def desk_link(
    state: State, item_id: str, work_id: str, based_on: int | None, as_json: bool
) -> None:
    """Link an outage report to the work behind the fault (a work in its area)."""

    async def link(client: SelfcareClient, item: Item, version: int) -> Item:
        return await client.link_outage_report(_report_only(item).reference, version, work_id)

    _change(
        state, item_id, based_on, link, as_json, _("{id} linked to the work (version {version}).")
    )


@desk.command("resolve")
@click.argument("item_id", metavar="ID")
@click.option("--note", required=True, callback=max_length(4000, required=True), help="The answer.")
@click.option(
    "--rejected",
    is_flag=True,
    help="Requests: close as rejected rather than completed.",
)
@based_on_option
@output.json_option
@pass_state
def desk_resolve(
    state: State,
    item_id: str,
    note: str,
    rejected: bool,
    based_on: int | None,
    as_json: bool,
) -> None:
    """Close a request (completed, or --rejected) or resolve an outage report, with a note.

    \b
    Examples:
      selfcare desk resolve RQ000000004 --note "The contract now has the new package."
      selfcare desk resolve OR12345678 --note "The fuse in the cabinet was replaced."
    """

    async def resolve(client: SelfcareClient, item: Item, version: int) -> Item:
        if isinstance(item, models.DeskOutageReport):
            if rejected:
                raise click.UsageError(_("--rejected is for requests only."))
            return await client.resolve_outage_report(item.reference, version, note)
        outcome = models.RequestOutcome.rejected if rejected else models.RequestOutcome.completed
        return await client.resolve_request(item.id, version, outcome, note)

    _change(state, item_id, based_on, resolve, as_json, _("{id} closed (version {version})."))


@desk.command("search")
@click.argument("query", callback=max_length(100, required=True))
@output.json_option
@pass_state
def desk_search(state: State, query: str, as_json: bool) -> None:
    """Find a customer by account number, name, address, meter serial, payment code or an
    invoice's payment reference. Every account found is written to the audit log."""
    found = _with_client(state, lambda client: client.search_customers(query))
    if output.json_or_none_found(found, as_json, _("No customer matches.")):
        return
    matched = {
        "number": _("account number"),
        "name": _("name"),
        "address": _("address"),
        "meter": _("meter"),
        "payment_code": _("payment code"),
        "payment_reference": _("payment reference"),
    }
    output.table(
        None,
        [_("Account"), _("Name"), _("Matched"), _("Detail")],
        [(m.number, m.name, matched.get(m.matched, m.matched), m.detail) for m in found],
    )


# --- works ----------------------------------------------------------------------------------

MOMENT = click.DateTime(formats=["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """A moment typed without a zone is in the user's own time zone."""
    return None if value is None else value.astimezone()


def _work_fields(work: models.DeskWork) -> None:
    output.fields(
        [
            (_("Work"), work.id),
            (_("Kind"), label(work.kind)),
            (_("Area"), work.area),
            (_("From"), format_datetime(work.starts_at)),
            (_("Until"), format_datetime(work.ends_at)),
            (_("Description"), work.description),
            (_("Version"), str(work.version)),
        ]
    )


@click.group(cls=TranslatedGroup)
def works() -> None:
    """Publish planned and accidental works (support agents).

    Customers with places in the area see a work at once, and while it lasts it is the
    answer to their outage reports there.
    """


@works.command("publish")
@click.option("--area", required=True, metavar="AREA", help="The area of the work.")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in models.WorkKind]),
    default=models.WorkKind.planned.value,
    show_default=True,
    help="Planned, or accidental (a fault).",
)
@click.option("--from", "starts_at", required=True, type=MOMENT, metavar="'YYYY-MM-DD HH:MM'")
@click.option("--until", "ends_at", required=True, type=MOMENT, metavar="'YYYY-MM-DD HH:MM'")
@click.option(
    "--description",
    required=True,
    callback=max_length(2000, required=True),
    help="What is done, as customers will read it.",
)
@output.json_option
@pass_state
def works_publish(
    state: State,
    area: str,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    description: str,
    as_json: bool,
) -> None:
    """Announce a work in an area, with its window (in your time zone).

    \b
    Example:
      selfcare works publish --area AREA-TALLINN-1 --from '2026-12-10 08:00' \\
        --until '2026-12-10 14:00' --description 'Replacing the transformer.'
    """
    body = models.WorkCreate(
        kind=models.WorkKind(kind),
        area=area,
        description=description,
        starts_at=starts_at.astimezone(),
        ends_at=ends_at.astimezone(),
    )
    work = _with_client(state, lambda client: client.publish_work(body))
    if as_json:
        output.emit_json(work)
        return
    _work_fields(work)


@works.command("change")
@click.argument("work_id", metavar="WORK")
@click.option("--from", "starts_at", type=MOMENT, metavar="'YYYY-MM-DD HH:MM'")
@click.option("--until", "ends_at", type=MOMENT, metavar="'YYYY-MM-DD HH:MM'")
@click.option("--description", callback=max_length(2000), help="A new description.")
@based_on_option
@output.json_option
@pass_state
def works_change(
    state: State,
    work_id: str,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    description: str | None,
    based_on: int | None,
    as_json: bool,
) -> None:
    """Change a work's window or description; what is not given stays."""
    change = models.WorkChange(
        description=description, starts_at=_local(starts_at), ends_at=_local(ends_at)
    )

    async def go(client: SelfcareClient) -> models.DeskWork:
        version = based_on if based_on is not None else (await client.desk_work(work_id)).version
        return await client.change_work(work_id, version, change)

    work = _with_client(state, go)
    if as_json:
        output.emit_json(work)
        return
    _work_fields(work)


@works.command("end")
@click.argument("work_id", metavar="WORK")
@based_on_option
@output.json_option
@pass_state
def works_end(state: State, work_id: str, based_on: int | None, as_json: bool) -> None:
    """End a work now; one that has not started yet is called off."""

    async def go(client: SelfcareClient) -> models.DeskWork:
        version = based_on if based_on is not None else (await client.desk_work(work_id)).version
        return await client.end_work(work_id, version)

    work = _with_client(state, go)
    if as_json:
        output.emit_json(work)
        return
    output.note(
        _("Work {id} ended at {when}.").format(id=work.id, when=format_datetime(work.ends_at))
    )


# --- audit ----------------------------------------------------------------------------------


def _start_of(day: dt.date | None) -> dt.datetime | None:
    """Midnight of the day in the user's time zone."""
    return None if day is None else dt.datetime.combine(day, dt.time()).astimezone()


@click.group(cls=TranslatedGroup)
def audit() -> None:
    """The audit log: every back-office call and every agent's access to an account."""


@audit.command("list")
@click.option("--account", "account_number", metavar="NUMBER", help="Entries of this account.")
@click.option("--agent", "agent_username", metavar="USERNAME", help="Entries of this agent.")
@click.option("--operation", metavar="NAME", help="Entries of this operation (take_request).")
@click.option("--since", type=DATE, metavar="YYYY-MM-DD", help="From this day on.")
@click.option("--until", type=DATE, metavar="YYYY-MM-DD", help="Up to and with this day.")
@listing_options
@output.json_option
@pass_state
def audit_list(
    state: State,
    account_number: str | None,
    agent_username: str | None,
    operation: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    limit: int | None,
    every: bool,
    as_json: bool,
) -> None:
    """List audit entries, newest first (days in your time zone).

    \b
    Examples:
      selfcare audit list --account 1000000001
      selfcare audit list --agent agent --since 2026-12-01 --json
    """
    since_day, until_day = period_days(since, until)  # in order, or a usage error
    start = _start_of(since_day)
    end = _start_of(until_day + dt.timedelta(days=1)) if until_day else None
    entries, more = _with_client(
        state,
        lambda client: first(
            each(
                lambda cursor: client.audit_page(
                    account_number=account_number,
                    agent_username=agent_username,
                    operation=operation,
                    since=start,
                    until=end,
                    cursor=cursor,
                    limit=200,
                )
            ),
            chosen_limit(limit, every),
        ),
    )
    if output.json_or_none_found(entries, as_json, _("No audit entries.")):
        return
    output.table(
        None,
        [_("When"), _("Agent"), _("Account"), _("Operation")],
        [
            (
                format_datetime(e.at),
                e.agent_username,
                e.account_number or "",
                e.operation or e.action,
            )
            for e in entries
        ],
    )
    output.note_more(len(entries), more)


COMMANDS: list[click.Command] = [desk, works, audit]
