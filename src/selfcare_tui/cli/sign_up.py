"""`selfcare signup` and `selfcare password reset`: a new login, and a forgotten password,
each proved by a code the server mails.

On a terminal each command runs to its end, asking for what it needs (passwords hidden, the
code once it has arrived). Without one nothing is asked: the first run sends the mail, and
a second run with --code-stdin reads the code (and the new password) from standard input,
so a script never puts a code or a password in its arguments.
"""

from __future__ import annotations

import sys

import click

from selfcare_tui import config
from selfcare_tui.api import models
from selfcare_tui.api.errors import RuleViolation
from selfcare_tui.api.models import ErrorCode
from selfcare_tui.i18n import _
from selfcare_tui.session import (
    CredentialStore,
    KeyringUnavailable,
    client_for,
    server_for,
    sign_up_confirmed,
)

from . import output
from .context import (
    EXIT_AUTH,
    EXIT_USAGE,
    State,
    fail,
    handle,
    pass_state,
    run,
    server_option,
    stdin_lines,
)
from .identity import password
from .translated import TranslatedCommand

CODE_TRIES = 3
"""Codes asked for on a terminal before giving up (the server takes five per mail)."""


def _terminal() -> bool:
    return sys.stdin.isatty()


def _ask(value: str | None, prompt: str, option: str) -> str:
    if value:
        return value
    if not _terminal():
        fail(
            _("Give {option}: standard input is not a terminal.").format(option=option), EXIT_USAGE
        )
    return str(click.prompt(prompt)).strip()


def _new_password(prompt: str) -> str:
    return str(
        click.prompt(prompt, hide_input=True, confirmation_prompt=_("The same password again"))
    )


def _server(state: State, server: str | None) -> str:
    return server or server_for(config.load().profile(state.profile))


def _wrong_code(error: RuleViolation) -> bool:
    return error.code is ErrorCode.invalid_code


@click.command(cls=TranslatedCommand)
@server_option
@click.option("--username", "-u", help="The username to sign up with.")
@click.option("--email", metavar="ADDRESS", help="Your e-mail address: the code is mailed there.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
@click.option(
    "--code-stdin",
    is_flag=True,
    help="Finish a sign-up: read the mailed code from stdin (with --email).",
)
@pass_state
def signup(
    state: State,
    server: str | None,
    username: str | None,
    email: str | None,
    password_stdin: bool,
    code_stdin: bool,
) -> None:
    """Create a login: the server mails a code to your address, and the code makes the login.

    The answer is the same whether or not the username or address is in use; the mail says
    what happened. Once made, the login is kept in the OS keyring as `selfcare login` keeps
    it; attach your accounts next (`selfcare accounts attach`).

    \b
    Examples:
      selfcare signup --server https://selfcare.example.com -u ilona --email ilona@example.org
      echo "$PASSWORD" | selfcare signup -u ilona --email ilona@example.org --password-stdin
      echo "$CODE" | selfcare signup --email ilona@example.org --code-stdin
    """
    server = _server(state, server)
    try:
        CredentialStore()  # the login is kept in the keyring: none at all, say so first
    except KeyringUnavailable as error:
        handle(error, state)
    if code_stdin:
        if not email:
            fail(_("Give --email: the address the code was mailed to."), EXIT_USAGE)
        (code,) = stdin_lines(1, _("the code from the mail"))
        _confirm(state, server, email, code)
        return
    username = _ask(username, _("Username"), "--username")
    email = _ask(email, _("E-mail address"), "--email")
    if password_stdin:
        (secret,) = stdin_lines(1, _("the password"))
    elif _terminal():
        secret = _new_password(_("Password (12 characters or more)"))
    else:
        fail(
            _("Cannot ask for a password: standard input is not a terminal. Use --password-stdin."),
            EXIT_AUTH,
        )

    async def send() -> str:
        async with client_for(server) as client:
            return (await client.sign_up(username, email, secret)).detail

    output.note(run(state, send))
    if password_stdin or not _terminal():
        output.note(
            _(
                "Then finish with: selfcare signup --server {server} --email {email} --code-stdin"
            ).format(server=server, email=email)
        )
        return
    _confirm(state, server, email, None)


def _confirm(state: State, server: str, email: str, code: str | None) -> None:
    """Make the login with `code`, or with codes asked for on the terminal (a wrong one is
    said and asked for again, a few times)."""

    async def confirm() -> models.Me:
        for attempt in range(CODE_TRIES):
            typed = code or str(click.prompt(_("Code from the mail"))).strip()
            try:
                me, _stored = await sign_up_confirmed(state.profile, server, email, typed)
                return me
            except RuleViolation as error:
                if code is not None or not _wrong_code(error) or attempt == CODE_TRIES - 1:
                    raise
                output.note(_("Error: {message}").format(message=error.message))
        raise AssertionError("unreachable")

    me = run(state, confirm)
    output.note(
        _(
            "Signed up and logged in to {server} as {user}. Attach your accounts next: "
            "selfcare accounts attach"
        ).format(server=server, user=me.username)
    )


@password.command("reset", cls=TranslatedCommand)
@server_option
@click.option("--email", metavar="ADDRESS", help="The e-mail address of your login.")
@click.option(
    "--code-stdin",
    is_flag=True,
    help="Finish a reset: read the mailed code, then the new password, from two lines of stdin.",
)
@pass_state
def password_reset(state: State, server: str | None, email: str | None, code_stdin: bool) -> None:
    """Set a new password with a code mailed to your login's address; every session ends.

    The answer is the same whether or not a login uses the address. The code is good for a
    limited time, once.

    \b
    Examples:
      selfcare password reset --email ilona@example.org
      printf '%s\\n%s\\n' "$CODE" "$NEW" | selfcare password reset --email ilona@example.org \\
        --code-stdin
    """
    server = _server(state, server)
    email = _ask(email, _("E-mail address"), "--email")

    async def reset(code: str, new: str) -> None:
        async with client_for(server) as client:
            await client.reset_password(email, code, new)

    if code_stdin:
        code, new = stdin_lines(2, _("the code and the new password on two lines"))
        run(state, lambda: reset(code, new))
    else:

        async def send() -> str:
            async with client_for(server) as client:
                return (await client.request_password_reset(email)).detail

        output.note(run(state, send))
        if not _terminal():
            output.note(
                _(
                    "Then finish with: selfcare password reset --server {server} --email {email} "
                    "--code-stdin"
                ).format(server=server, email=email)
            )
            return
        code = str(click.prompt(_("Code from the mail"))).strip()
        new = _new_password(_("New password (12 characters or more)"))
        run(state, lambda: reset(code, new))
    output.note(_("Password changed, and every session of the login has ended. Log in again."))


COMMANDS: list[click.Command] = [signup]
