"""`selfcare login`, `logout`, `status`, and `auth token` for scripts."""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable

import click

from selfcare_tui import config
from selfcare_tui.api import SelfcareClient, models
from selfcare_tui.core.labels import label
from selfcare_tui.core.qr import qr_lines
from selfcare_tui.i18n import _, format_date, format_datetime, format_money
from selfcare_tui.session import (
    CredentialStore,
    KeyringUnavailable,
    Session,
    device_log_in,
    for_one_call,
    log_in,
    log_out,
    server_for,
)

from . import output
from .context import (
    EXIT_AUTH,
    State,
    check_server,
    fail,
    handle,
    pass_state,
    run,
    with_session,
)
from .translated import TranslatedCommand, TranslatedGroup


def _interactive() -> bool:
    return sys.stdin.isatty()


def _secret_from_stdin(lines: list[str], what: str) -> str:
    if not lines:
        fail(_("Expected the {what} on standard input.").format(what=what), EXIT_AUTH)
    return lines.pop(0)


def _ask_credentials(
    server: str, username: str | None, password_stdin: bool
) -> tuple[str, str, Callable[[], str]]:
    """Username, password and a way to get the one-time code: from the terminal, or from
    standard input with --password-stdin; never a prompt without a terminal."""
    lines = sys.stdin.read().splitlines() if password_stdin else []
    if not password_stdin and not _interactive():
        fail(
            _(
                "Cannot ask for a password: standard input is not a terminal. Use "
                "--password-stdin, or set SELFCARE_TOKEN for unattended runs."
            ),
            EXIT_AUTH,
        )
    if not username:
        if not _interactive():
            fail(_("Give --username: standard input is not a terminal."), EXIT_AUTH)
        username = str(click.prompt(_("Username")))
    password = (
        _secret_from_stdin(lines, _("password"))
        if password_stdin
        else str(
            click.prompt(
                _("Password for {user} at {server}").format(user=username, server=server),
                hide_input=True,
            )
        )
    )

    def one_time_code() -> str:
        if password_stdin:
            return _secret_from_stdin(lines, _("one-time code"))
        return str(click.prompt(_("One-time code from your authenticator app")))

    return username, password, one_time_code


@click.command(cls=TranslatedCommand)
@click.option(
    "--server",
    metavar="URL",
    callback=check_server,
    help="Server URL (default: SELFCARE_SERVER, else the profile's, else http://127.0.0.1:8765).",
)
@click.option("--username", "-u", help="Your username (default: the profile's).")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password (and, if asked, the one-time code on the next line) from stdin.",
)
@click.option(
    "--device",
    is_flag=True,
    help="Log in by approving on another device (phone, own computer): no password typed here.",
)
@pass_state
def login(
    state: State, server: str | None, username: str | None, password_stdin: bool, device: bool
) -> None:
    """Log in and keep the login in the OS keyring.

    The password is asked for (never given as an argument) and is not stored: the keyring
    keeps a refresh token, under a service name that includes the server. If your login has
    a second factor, you are asked for its one-time code.

    With --device the password is typed on another device instead (a shared host, a thin
    client over SSH): open the address shown there (or scan its QR code), type the code
    shown here and log in; this command waits until you allow it.

    \b
    Examples:
      selfcare login --server https://selfcare.example.com --username maria
      printf '%s\\n' "$PASSWORD" | selfcare login -u maria --password-stdin
      selfcare login --device --server https://selfcare.example.com
    """
    profile = config.load().profile(state.profile)
    server = server or server_for(profile)
    try:
        CredentialStore()  # no keyring at all: say so before anyone types a password
    except KeyringUnavailable as error:
        handle(error, state)
    if device:
        _device_login(state, server)
        return
    username, password, one_time_code = _ask_credentials(
        server, username or profile.username, password_stdin
    )
    me, _stored = run(
        state, lambda: log_in(state.profile, server, username, password, one_time_code)
    )
    output.note(
        _("Logged in to {server} as {name} ({user}).").format(
            server=server, name=me.display_name, user=me.username
        )
    )


def _device_login(state: State, server: str) -> None:
    def show(authorization: models.DeviceAuthorization) -> None:
        for line in qr_lines(authorization.verification_uri_complete):
            click.echo(line, err=True)
        output.note(
            _(
                "On your phone or computer, open {url} and type the code {code} (or scan the "
                "QR code). Waiting for you to allow it there…"
            ).format(url=authorization.verification_uri, code=authorization.user_code)
        )

    client_name = _("selfcare on {host}").format(host=socket.gethostname())
    me, _stored = run(state, lambda: device_log_in(state.profile, server, client_name, show))
    output.note(
        _("Logged in to {server} as {name} ({user}).").format(
            server=server, name=me.display_name, user=me.username
        )
    )


@click.command(cls=TranslatedCommand)
@pass_state
def logout(state: State) -> None:
    """Revoke this profile's login on the server and delete it from the keyring."""
    if run(state, lambda: log_out(state.profile)):
        output.note(_("Logged out."))
    else:
        output.note(_("Not logged in."))


@click.command(cls=TranslatedCommand)
@output.json_option
@pass_state
def status(state: State, as_json: bool) -> None:
    """Who you are, the account in view, the next reading window and anything due.

    \b
    Example:
      selfcare status --json | jq .balance
    """

    async def gather(session: Session) -> dict[str, object]:
        client = session.client
        me = await client.me()
        number = await session.account_number()
        account = await client.account(number)
        window = await client.reading_window(number)
        page = await client.invoices_page(number, status=models.InvoiceStatus.open, limit=20)
        return {
            "server": session.server,
            "user": me,
            "account": account,
            "reading_window": window,
            "open_invoices": page.items,
        }

    result = with_session(state, gather)
    me = result["user"]
    account = result["account"]
    window = result["reading_window"]
    invoices = result["open_invoices"]
    assert isinstance(me, models.Me) and isinstance(account, models.Account)
    assert isinstance(window, models.ReadingWindow) and isinstance(invoices, list)
    if as_json:
        output.emit_json(
            {
                "server": result["server"],
                "user": me.model_dump(mode="json"),
                "account": account.model_dump(mode="json"),
                "reading_window": window.model_dump(mode="json"),
                "open_invoices": [i.model_dump(mode="json") for i in invoices],
            }
        )
        return
    if window.is_open:
        window_text = _("open until {day}").format(day=format_date(window.closes_on))
    else:
        window_text = _("opens on {day}").format(day=format_date(window.opens_on))
    if window.missed_meters and window.last_closed_on:
        window_text += "; " + _("no reading of {meters} in the last one (to {day})").format(
            meters=", ".join(window.missed_meters), day=format_date(window.last_closed_on)
        )
    rows = [
        (_("Server"), str(result["server"])),
        (_("Logged in as"), f"{me.display_name} ({me.username}, {label(me.role)})"),
        (_("Account"), f"{account.number} {account.name} ({label(account.access)})"),
        (_("Balance"), format_money(account.balance)),
        (_("Reading window"), window_text),
    ]
    for invoice in invoices:
        rows.append(
            (
                _("Due"),
                _("{amount} by {day} (invoice {number})").format(
                    amount=format_money(invoice.balance),
                    day=format_date(invoice.due_on),
                    number=invoice.number,
                ),
            )
        )
    output.fields(rows)


@click.group(cls=TranslatedGroup)
def auth() -> None:
    """Tokens for scripts and cron jobs."""


@auth.group()
def token() -> None:
    """Long-lived API tokens: set SELFCARE_TOKEN to one to run without a keyring."""


@token.command("create")
@click.option("--name", required=True, help="What the token is for, e.g. 'nightly invoices'.")
@click.option("--expires-in-days", default=90, show_default=True, type=click.IntRange(1, 366))
@click.option(
    "--username",
    "-u",
    help="Log in as this user for this one call instead of using the saved login: the password "
    "is asked for, and nothing is stored (for hosts without a keyring).",
)
@click.option(
    "--server",
    metavar="URL",
    callback=check_server,
    help="With --username: the server to log in to (default: SELFCARE_SERVER, else the profile's).",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="With --username: read the password (and, if asked, the one-time code on the next "
    "line) from stdin.",
)
@output.json_option
@pass_state
def token_create(
    state: State,
    name: str,
    expires_in_days: int,
    username: str | None,
    server: str | None,
    password_stdin: bool,
    as_json: bool,
) -> None:
    """Create a token; it is printed once, to stdout, and never shown again.

    With --username it needs no saved login and no keyring: it logs in for this one call
    (asking for the password and, if your login has one, the one-time code), creates the
    token, logs out again and stores nothing. That is how a host without a keyring, an SSH
    host or a thin client, gets its first token.

    \b
    Examples:
      export SELFCARE_TOKEN=$(selfcare auth token create --name cron)
      selfcare auth token create --name thin-client --server https://selfcare.example.com -u maria
    """
    if username is None and (server is not None or password_stdin):
        raise click.UsageError(_("--server and --password-stdin go with --username."))

    async def create(client: SelfcareClient) -> models.NewApiToken:
        return await client.create_api_token(name, expires_in_days=expires_in_days)

    if username is None:
        created = with_session(state, lambda s: create(s.client))
    else:
        url = server or server_for(config.load().profile(state.profile))
        user, password, one_time_code = _ask_credentials(url, username, password_stdin)
        created = run(state, lambda: for_one_call(url, user, password, one_time_code, create))
    if as_json:
        output.emit_json(created)
        return
    click.echo(created.token)
    output.note(
        _("Token {id} expires {when}. Keep it like a password.").format(
            id=created.id, when=format_datetime(created.expires_at)
        )
    )


@token.command("list")
@output.json_option
@pass_state
def token_list(state: State, as_json: bool) -> None:
    """Your API tokens (their secrets are not shown)."""
    tokens = with_session(state, lambda s: s.client.api_tokens())
    if as_json:
        output.emit_json(tokens)
        return
    output.table(
        None,
        [_("ID"), _("Name"), _("Created"), _("Expires"), _("State")],
        [
            (
                t.id,
                t.name,
                format_datetime(t.created_at),
                format_datetime(t.expires_at),
                _("revoked") if t.revoked else _("active"),
            )
            for t in tokens
        ],
    )


@token.command("revoke")
@click.argument("token_id")
@pass_state
def token_revoke(state: State, token_id: str) -> None:
    """Revoke an API token at once."""
    with_session(state, lambda s: s.client.revoke_api_token(token_id))
    output.note(_("Token {id} revoked.").format(id=token_id))
