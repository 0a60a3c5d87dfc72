"""`selfcare`: the entry point. Subcommands import their heavy dependencies lazily."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import click

from selfcare_tui import __version__, config, i18n
from selfcare_tui.api.errors import SelfcareError, error_for
from selfcare_tui.config import ConfigError
from selfcare_tui.i18n import _, format_date, format_money, ngettext

from . import (
    accounts,
    consumption,
    desk,
    identity,
    invoices,
    invoices_download,
    mandates,
    outages,
    output,
    payments,
    places,
    profile,
    readings,
    requests,
    second_factor,
    sign_up,
)
from .auth import auth, login, logout, status
from .backend import require_backend
from .click_messages import speak_through_the_catalog
from .context import State, handle
from .translated import TranslatedGroup

DEFAULT_PORT = 8765


def speak_chosen_language(args: list[str]) -> None:
    """`--lang` and the config file's `[settings] language`, read before click parses, so that
    `selfcare --help --lang ro` is Romanian too. A bad value is left for click to refuse; an
    unreadable config file for the command to report."""
    chosen = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            chosen = args[index + 1]
        elif arg.startswith("--lang="):
            chosen = arg.removeprefix("--lang=")
    i18n.choose_language(chosen if chosen in i18n.LANGUAGES else None)
    try:
        i18n.configure_language(config.load().settings.language)
    except ConfigError:
        i18n.configure_language(None)


class SelfcareGroup(TranslatedGroup):
    """The root group: an error no command handled itself (a bad SELFCARE_SERVER, an unreadable
    config file) leaves with its message and exit code, like the commands' own, never as a
    traceback."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.parent is None:  # `server` is one of these too: its args hold no --lang
            speak_chosen_language(args)  # before any help text or error is looked up
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except SelfcareError as error:
            state = ctx.obj if isinstance(ctx.obj, State) else State(profile=None, debug=False)
            handle(error, state)


@click.group(
    cls=SelfcareGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,
)
@click.version_option(__version__, prog_name="selfcare")
@click.option(
    "--profile",
    envvar="SELFCARE_PROFILE",
    help="Which saved login to use (several servers or logins). Env: SELFCARE_PROFILE.",
)
@click.option(
    "--lang",
    type=click.Choice(i18n.LANGUAGES),
    expose_value=False,
    help="The language to speak; else SELFCARE_LOCALE, then [settings] language, then LANG.",
)
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.pass_context
def cli(ctx: click.Context, profile: str | None, debug: bool) -> None:
    """Self-service for electricity customers, in the terminal.

    \b
    Scripts: set SELFCARE_TOKEN (from `selfcare auth token create`) and SELFCARE_SERVER
    to run without a keyring. Exit codes: 0 ok, 1 some items failed, 2 usage,
    3 not logged in, 4 not found, 5 refused by a rule, 6 server unavailable.
    """
    ctx.obj = State(profile=profile, debug=debug)
    if ctx.invoked_subcommand is None:
        # `selfcare` alone opens the terminal app; Textual is imported only here, so
        # scripted commands start without it.
        from selfcare_tui.app import SelfcareApp

        SelfcareApp(profile=profile).run()


@cli.group(invoke_without_command=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--database-url",
    envvar="SELFCARE_DATABASE_URL",
    help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db. "
    "Default: a SQLite file in the user data directory.",
)
@click.option("--demo", is_flag=True, help="Seed demo data first (only into an empty database).")
@click.option(
    "--smtp-url",
    envvar="SELFCARE_SMTP_URL",
    metavar="URL",
    help="Where mail (sign-up and reset codes) is sent: smtp://host:port, or smtps:// for TLS. "
    "Give a URL with a password in SELFCARE_SMTP_URL, not here: arguments are visible to "
    "other users. Unset: mail waits in the database, unsent.",
)
@click.option(
    "--customers",
    default=0,
    type=click.IntRange(0),
    help="With --demo: also create this many synthetic customers, for scale tests.",
)
@click.pass_context
def server(
    ctx: click.Context,
    host: str,
    port: int,
    database_url: str | None,
    demo: bool,
    smtp_url: str | None,
    customers: int,
) -> None:
    """Run the reference utility backend.

    \b
    Examples:
      selfcare server --demo
      selfcare server --port 9000 --database-url postgresql+psycopg://selfcare@localhost/selfcare
    """
    if ctx.invoked_subcommand is not None:
        return
    require_backend()
    from selfcare_tui.server.mail import SmtpServer
    from selfcare_tui.server.run import seed_if_empty, serve
    from selfcare_tui.server.settings import Settings

    settings = Settings(database_url=database_url) if database_url else Settings()
    if smtp_url:
        try:
            SmtpServer.from_url(smtp_url)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--smtp-url") from None
        settings.smtp_url = smtp_url
    if customers and not demo:
        raise click.UsageError("--customers needs --demo.")
    if demo and seed_if_empty(settings, customers):
        click.echo(_("Seeded demo data."), err=True)
    serve(settings, host, port)


@server.command("bill")
@click.option(
    "--month",
    metavar="YYYY-MM",
    help="The month of issue; its invoices bill the month before. Default: this month.",
)
@click.option(
    "--database-url",
    envvar="SELFCARE_DATABASE_URL",
    help="SQLAlchemy URL of the server's database. Default: the SQLite file `selfcare server` "
    "uses.",
)
@output.json_option
def server_bill(month: str | None, database_url: str | None, as_json: bool) -> None:
    """Run the monthly billing run: issue each supplied place's invoice for the month before.

    Bills on the customer's reading in the reading window where there is one, otherwise on
    an estimate from earlier consumption (marked estimated), and sends a payment reminder
    for each invoice overdue by the server's set number of days. It can start the day after
    the reading window closes. Running a month again issues only what is missing.

    \b
    Examples:
      selfcare server bill
      selfcare server bill --month 2026-12 --json
    """
    require_backend()
    from selfcare_tui.server.billing_run import run_by_command
    from selfcare_tui.server.problems import ApiProblem

    try:
        run = run_by_command(database_url, month, i18n.language())
    except ApiProblem as refusal:
        raise error_for(refusal.problem) from None  # its message and exit code, as the API's
    if as_json:
        output.emit_json(run)
        return
    click.echo(
        ngettext(
            "Billing run {month}: {count} invoice issued for {start} to {end} ({estimated} on "
            "an estimate), {total} in all.",
            "Billing run {month}: {count} invoices issued for {start} to {end} ({estimated} on "
            "an estimate), {total} in all.",
            run.issued,
        ).format(
            month=run.month,
            count=run.issued,
            start=format_date(run.period_start),
            end=format_date(run.period_end),
            estimated=run.estimated,
            total=format_money(run.total_amount),
        )
    )
    click.echo(
        ngettext(
            "{count} place was billed for that month already.",
            "{count} places were billed for that month already.",
            run.already_billed,
        ).format(count=run.already_billed)
    )
    click.echo(
        ngettext(
            "{count} payment reminder sent.", "{count} payment reminders sent.", run.notices
        ).format(count=run.notices)
    )


@server.command("openapi")
def server_openapi() -> None:
    """Print the API's OpenAPI document (the published contract, docs/openapi.json)."""
    require_backend()
    from selfcare_tui.server.openapi import openapi_json

    click.echo(openapi_json(), nl=False)


@cli.command()
@click.option("--port", default=0, type=click.IntRange(0, 65535), help="Default: a free port.")
@click.option(
    "--server-only",
    is_flag=True,
    help="Only run the backend and print how to reach it (also when there is no terminal).",
)
@click.option(
    "--as",
    "username",
    type=click.Choice(["maria", "jaan", "acme", "agent", "mihai"]),
    default="maria",
    show_default=True,
    help="The demo login the app opens with; agent and mihai open the support agents' desk.",
)
def demo(port: int, server_only: bool, username: str) -> None:
    """Try everything on one machine: fresh demo data, the backend on loopback, and the app.

    The app opens logged in as the demo household customer (maria), or another demo login
    (--as agent opens the support agents' desk); quitting it stops the backend. The demo
    login lives only for this run: nothing goes to your keyring or config.
    """
    import tempfile

    require_backend()
    from selfcare_tui.server.demo import AGENT_TOTP_SECRET, DEMO_LOGINS
    from selfcare_tui.server.local_mail import LocalMailServer
    from selfcare_tui.server.run import BackgroundServer, free_port, seed_if_empty, serve
    from selfcare_tui.server.settings import Settings

    data_dir = tempfile.mkdtemp(prefix="selfcare-demo-")
    mail = LocalMailServer(Path(data_dir) / "mail").start()
    settings = Settings(
        database_url=f"sqlite:///{os.path.join(data_dir, 'demo.sqlite3')}", smtp_url=mail.url
    )
    seed_if_empty(settings, 0)
    mail_line = _("The demo's mail (sign-up and reset codes) is filed in {maildir}/new").format(
        maildir=mail.maildir
    )
    if server_only or not (sys.stdin.isatty() and sys.stdout.isatty()):
        port = port or free_port()
        url = f"http://127.0.0.1:{port}"
        click.echo(_("Demo server: {url} (API documentation: {url}/api/v1/docs)").format(url=url))
        click.echo(
            _("Log in from another terminal: selfcare login --server {url} -u maria").format(
                url=url
            )
        )
        click.echo(_("Demo logins:"))
        for username, password, description in DEMO_LOGINS:
            click.echo(f"  {username:<10} {password:<14} {description}")
        click.echo(mail_line)
        click.echo(_("Press Ctrl+C to stop."))
        try:
            serve(settings, "127.0.0.1", port)
        finally:
            mail.stop()
        return
    from selfcare_tui.app import SelfcareApp
    from selfcare_tui.session import password_session

    server = BackgroundServer(settings, port=port).start()
    try:
        import pyotp

        session = asyncio.run(
            password_session(
                server.url,
                username,
                f"{username}-demo",
                one_time_code=pyotp.TOTP(AGENT_TOTP_SECRET).now,
            )
        )
        SelfcareApp(session=session).run()
    finally:
        server.stop()
        mail.stop()
    click.echo(mail_line)


command: click.Command
for command in (login, logout, status, auth):
    cli.add_command(command)
for module in (
    accounts,
    places,
    readings,
    consumption,
    invoices,
    payments,
    outages,
    requests,
    profile,
    mandates,
    identity,
    second_factor,
    sign_up,
    desk,
):
    for command in module.COMMANDS:
        cli.add_command(command)
# `selfcare invoices download` lives in its own module; it joins the `invoices` group.
for command in invoices_download.COMMANDS:
    group = cli.commands.get("invoices")
    if isinstance(group, click.Group):
        group.add_command(command)


# Last: the help texts click's decorators wrote above stay English, the msgids that
# TranslatedCommand looks up when it shows them.
speak_through_the_catalog()


def main() -> None:
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)
