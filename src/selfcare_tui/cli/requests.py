"""`selfcare requests`: the request guide, written requests with documents, their history.

Everything that can be checked before the draft exists is checked first (the type, its
fields, the document codes, each file's type by content and its size), so a typo does not
leave a half-made draft on the server.
"""

from __future__ import annotations

from pathlib import Path

import click

from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import SelfcareError
from selfcare_tui.api.models import (
    Request,
    RequestCreate,
    RequestStatus,
    RequestType,
)
from selfcare_tui.core.attachments import OTHER_DOCUMENT, AttachmentRefused, check_file, size_text
from selfcare_tui.core.labels import label
from selfcare_tui.core.request_history import change_title, document_names, stage_label
from selfcare_tui.i18n import _, format_datetime

from . import output
from .context import (
    State,
    account_items,
    account_option,
    build,
    chosen_limit,
    handle,
    listing_options,
    max_length,
    pass_state,
    run_public,
    server_option,
    with_account,
)
from .translated import TranslatedGroup

Documents = list[tuple[str, Path]]


def _documents(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> Documents:
    """CODE=PATH pairs whose files exist, are small enough and are PDF, PNG or JPEG."""
    documents: Documents = []
    for value in values:
        code, equals, name = value.partition("=")
        if not equals or not code.strip() or not name:
            raise click.BadParameter(
                _("{value}: give CODE=PATH, e.g. signed_request=letter.pdf.").format(value=value)
            )
        path = Path(name).expanduser()
        try:
            check_file(path)  # the app's file picker checks the same way
        except AttachmentRefused as exc:
            raise click.BadParameter(exc.message) from None
        documents.append((code.strip(), path))
    return documents


def _fields(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for value in values:
        name, equals, text = value.partition("=")
        name = name.strip()
        if not equals or not name:
            raise click.BadParameter(
                _("{value}: give NAME=VALUE, e.g. eic=38ZEE-0000000001.").format(value=value)
            )
        if name in fields:
            raise click.BadParameter(_("{name} is given twice.").format(name=name))
        fields[name] = text
    return fields


def _type_of(types: list[RequestType], code: str) -> RequestType:
    rtype = next((t for t in types if t.code == code), None)
    if rtype is None:
        raise click.BadParameter(
            _("Unknown request type {code}; the types are: {codes}.").format(
                code=code, codes=", ".join(t.code for t in types)
            ),
            param_hint="'--type'",
        )
    return rtype


def _check_documents(rtype: RequestType, documents: Documents) -> None:
    codes = [d.code for d in rtype.documents] + [OTHER_DOCUMENT]
    for code, path in documents:
        if code not in codes:
            raise click.BadParameter(
                _(
                    "{code} ({path}) is not a document of request type {type}; it takes: {codes}."
                ).format(code=code, path=path, type=rtype.code, codes=", ".join(codes)),
                param_hint="'--file'",
            )


def _check_fields(rtype: RequestType, fields: dict[str, str]) -> None:
    known = [f.name for f in rtype.fields]
    unknown = [name for name in fields if name not in known]
    if unknown:
        allowed = ", ".join(known) if known else _("none")
        raise click.BadParameter(
            _("Request type {type} has no field {names}; its fields: {allowed}.").format(
                type=rtype.code, names=", ".join(unknown), allowed=allowed
            ),
            param_hint="'--field'",
        )
    missing = [f for f in rtype.fields if f.required and not fields.get(f.name, "").strip()]
    if missing:
        raise click.BadParameter(
            _("Request type {type} needs {fields}.").format(
                type=rtype.code,
                fields="; ".join(f"{f.name}=... ({f.label})" for f in missing),
            ),
            param_hint="'--field'",
        )


def request_fields(request: Request) -> None:
    """A request with its documents, what is still missing, and its history."""
    rows = [
        (_("Request"), request.id),
        (_("Type"), request.type_code),
        (_("Subject"), request.subject),
        (_("Status"), label(request.status)),
    ]
    if request.stage:
        rows.append((_("Stage"), stage_label(request.stage)))
    if request.place_id:
        rows.append((_("Place"), request.place_id))
    rows.append((_("Created"), format_datetime(request.created_at)))
    rows += request.fields.items()
    if request.message:
        rows.append((_("Message"), request.message))
    output.fields(rows)
    if request.attachments:
        output.table(
            _("Documents"),
            [_("Document"), _("File"), _("Type"), _("Size")],
            [
                (a.document_code, a.filename, a.content_type, size_text(a.size))
                for a in request.attachments
            ],
        )
    if request.missing_documents:
        output.table(
            _("Missing documents"),
            [_("Code"), _("Document")],
            [(d.code, d.name) for d in request.missing_documents],
        )
    if request.requested_documents:
        output.table(
            _("Asked for by the utility"),
            [_("Code"), _("Document")],
            [(d.code, d.name) for d in request.requested_documents],
        )
        output.note(
            _("Attach them with `selfcare requests attach {id} --file CODE=PATH`.").format(
                id=request.id
            )
        )
    names = document_names(request)
    output.table(
        _("History"),
        [_("When"), _("What"), _("Note")],
        [
            (format_datetime(change.at), change_title(change, names), change.note or "")
            for change in request.history
        ],
    )


def _draft_hint(request_id: str) -> str:
    return _(
        "Draft {id} is kept: add documents with `selfcare requests attach {id} --file "
        "CODE=PATH`, then send it with `selfcare requests submit {id}`."
    ).format(id=request_id)


def _show(request: Request, as_json: bool) -> None:
    if as_json:
        output.emit_json(request)
    else:
        request_fields(request)


@click.group(cls=TranslatedGroup)
def requests() -> None:
    """Written requests to the utility, with documents, and their status history.

    \b
    Examples:
      selfcare requests types
      selfcare requests create --type general --subject "Invoice by post" \\
          --file signed_request=letter.pdf
      selfcare requests list --status submitted
    """


@requests.command("types")
@click.argument("type_code", metavar="[TYPE]", required=False)
@server_option
@output.json_option
@pass_state
def types(state: State, type_code: str | None, server: str | None, as_json: bool) -> None:
    """The request guide: each type, the fields it asks for and the documents it needs.

    Needs no login. Give a TYPE to see one type with its stages (with --json: that type
    alone, as an object).

    \b
    Examples:
      selfcare requests types
      selfcare requests types change_of_holder
      selfcare requests types --json | jq -r '.[].code'
    """
    guide = run_public(state, server, lambda client: client.request_types())
    if type_code is not None:
        try:
            guide = [_type_of(guide, type_code)]
        except click.BadParameter as exc:
            raise click.BadParameter(exc.message, param_hint="'TYPE'") from None
    if as_json:
        output.emit_json(guide[0] if type_code is not None else guide)
        return
    if type_code is not None:
        rtype = guide[0]
        output.fields(
            [
                (_("Type"), rtype.code),
                (_("Name"), rtype.name),
                (_("Description"), rtype.description),
                (_("Stages"), " → ".join(rtype.stages)),
            ]
        )
    output.table(
        None if type_code is not None else _("Request types"),
        [_("Type"), _("Name"), _("Fields (--field NAME=VALUE)"), _("Documents (--file CODE=PATH)")],
        [
            (
                t.code,
                t.name,
                "\n".join(
                    f"{f.name}: {f.label}" + ("" if f.required else " " + _("(optional)"))
                    for f in t.fields
                )
                or "-",
                "\n".join(f"{d.code}: {d.name}" for d in t.documents) or "-",
            )
            for t in guide
        ],
    )


@requests.command("create")
@account_option
@click.option(
    "--type",
    "type_code",
    required=True,
    metavar="TYPE",
    help="The request type (see `selfcare requests types`).",
)
@click.option(
    "--subject",
    required=True,
    callback=max_length(200, required=True),
    help="What the request is about, in one line.",
)
@click.option("--message", default="", callback=max_length(10000), help="The text of the request.")
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="NAME=VALUE",
    callback=_fields,
    help="A field the type asks for; repeat for each.",
)
@click.option("--place", metavar="PLACE_ID", help="The consumption place it concerns.")
@click.option(
    "--file",
    "documents",
    multiple=True,
    metavar="CODE=PATH",
    callback=_documents,
    help="A document (PDF, PNG or JPEG, at most 10 MiB) under its code; repeat for each.",
)
@click.option("--draft", "draft_only", is_flag=True, help="Keep it as a draft: do not submit.")
@output.json_option
@pass_state
def create(
    state: State,
    account: str | None,
    type_code: str,
    subject: str,
    message: str,
    fields: dict[str, str],
    place: str | None,
    documents: Documents,
    draft_only: bool,
    as_json: bool,
) -> None:
    """Write a request, attach its documents and submit it.

    A type that needs documents is refused (exit 5) until each is attached; the draft is
    kept, so they can be added with `selfcare requests attach`.

    \b
    Examples:
      selfcare requests create --type complaint --subject "Meter reader missed us"
      selfcare requests create --type general --subject "Invoices by post" \\
          --message "Please send my invoices by post." --file signed_request=letter.pdf
      selfcare requests create --type place_link --subject "Summer cottage" \\
          --field address="Männiku talu, Käsmu" --draft
    """

    async def send(client: SelfcareClient, number: str) -> tuple[Request, SelfcareError | None]:
        rtype = _type_of(await client.request_types(), type_code)
        _check_fields(rtype, fields)
        _check_documents(rtype, documents)
        body = build(
            RequestCreate,
            {"place_id": "--place", "subject": "--subject", "message": "--message"},
            type_code=type_code,
            place_id=place,
            subject=subject,
            message=message,
            fields=fields,
        )
        draft = await client.create_request(number, body)
        try:
            for code, path in documents:
                await client.add_attachment(number, draft.id, code, path)
                output.note(_("Attached {path} as {code}.").format(path=path, code=code))
            if draft_only:
                return await client.request(number, draft.id), None
            return await client.submit_request(number, draft.id), None
        except SelfcareError as error:
            return draft, error

    request, error = with_account(state, account, send)
    if error is not None:
        handle(error, state, hint=_draft_hint(request.id))
    if not as_json:
        if request.status is RequestStatus.draft:
            output.note(
                _("Saved draft {id}; send it with `selfcare requests submit {id}`.").format(
                    id=request.id
                )
            )
        else:
            output.note(_("Submitted request {id}.").format(id=request.id))
    _show(request, as_json)


@requests.command("attach")
@click.argument("request_id", metavar="ID")
@account_option
@click.option(
    "--file",
    "documents",
    multiple=True,
    required=True,
    metavar="CODE=PATH",
    callback=_documents,
    help="A document (PDF, PNG or JPEG, at most 10 MiB) under its code; repeat for each.",
)
@output.json_option
@pass_state
def attach(
    state: State, request_id: str, account: str | None, documents: Documents, as_json: bool
) -> None:
    """Add documents to a draft request.

    \b
    Example:
      selfcare requests attach RQ1234 --file contract_request=contract.pdf \\
          --file chosen_offer=offer.png
    """

    async def upload(client: SelfcareClient, number: str) -> Request:
        request = await client.request(number, request_id)
        _check_documents(_type_of(await client.request_types(), request.type_code), documents)
        for code, path in documents:
            await client.add_attachment(number, request.id, code, path)
            output.note(_("Attached {path} as {code}.").format(path=path, code=code))
        return await client.request(number, request.id)

    _show(with_account(state, account, upload), as_json)


@requests.command("submit")
@click.argument("request_id", metavar="ID")
@account_option
@output.json_option
@pass_state
def submit(state: State, request_id: str, account: str | None, as_json: bool) -> None:
    """Send a draft request; refused (exit 5) while documents it needs are missing.

    \b
    Example:
      selfcare requests submit RQ1234
    """

    request = with_account(
        state, account, lambda client, number: client.submit_request(number, request_id)
    )
    if not as_json:
        output.note(_("Submitted request {id}.").format(id=request.id))
    _show(request, as_json)


@requests.command("list")
@account_option
@click.option("--type", "type_code", metavar="TYPE", help="Only requests of this type.")
@click.option(
    "--status", type=click.Choice([s.value for s in RequestStatus]), help="Only these requests."
)
@listing_options
@output.json_option
@pass_state
def list_requests(
    state: State,
    account: str | None,
    type_code: str | None,
    status: str | None,
    limit: int | None,
    every: bool,
    as_json: bool,
) -> None:
    """Your requests, newest first.

    \b
    Examples:
      selfcare requests list
      selfcare requests list --type complaint --status completed --json
    """
    wanted = chosen_limit(limit, every)
    chosen = RequestStatus(status) if status else None

    number, found, more = account_items(
        state,
        account,
        wanted,
        lambda client, number: client.iter_requests(number, type_code=type_code, status=chosen),
    )
    none_found = _("No requests of account {number} match.").format(number=number)
    if output.json_or_none_found(found, as_json, none_found):
        return
    output.table(
        _("Requests of account {number}").format(number=number),
        [
            _("ID"),
            _("Type"),
            _("Subject"),
            _("Status"),
            _("Stage"),
            _("Created"),
            _("Missing documents"),
        ],
        [
            (
                r.id,
                r.type_code,
                r.subject,
                label(r.status),
                r.stage or "",
                format_datetime(r.created_at),
                ", ".join(d.code for d in r.missing_documents),
            )
            for r in found
        ],
    )
    output.note_more(len(found), more)


@requests.command("show")
@click.argument("request_id", metavar="ID")
@account_option
@output.json_option
@pass_state
def show(state: State, request_id: str, account: str | None, as_json: bool) -> None:
    """Show a request with its documents, those still missing, and its status history.

    \b
    Examples:
      selfcare requests show RQ1234
      selfcare requests show RQ1234 --json | jq '.history[-1].status'
    """

    _show(
        with_account(state, account, lambda client, number: client.request(number, request_id)),
        as_json,
    )


COMMANDS: list[click.Command] = [requests]
