"""`selfcare sessions list|end` and `selfcare password change`: the login's own security."""

from __future__ import annotations

import sys

import click

from selfcare_tui.i18n import _, format_datetime

from . import output
from .context import EXIT_AUTH, State, fail, pass_state, with_session
from .translated import TranslatedGroup


@click.group(cls=TranslatedGroup)
def sessions() -> None:
    """Where your login is in use, and ending any of those sessions."""


@sessions.command("list")
@output.json_option
@pass_state
def sessions_list(state: State, as_json: bool) -> None:
    """The sessions of your login that can still be used, last used first.

    API tokens for scripts are listed apart, by `selfcare auth token list`.
    """
    found = with_session(state, lambda s: s.client.sessions())
    if as_json:
        output.emit_json(found)
        return
    output.table(
        None,
        [_("ID"), _("Client"), _("Address"), _("Started"), _("Last used"), ""],
        [
            (
                s.id,
                s.client_name,
                s.address,
                format_datetime(s.created_at),
                format_datetime(s.last_used_at),
                _("this one") if s.current else "",
            )
            for s in found
        ],
    )


@sessions.command("end")
@click.argument("session_id", metavar="ID")
@pass_state
def sessions_end(state: State, session_id: str) -> None:
    """End a session at once: whoever uses it is logged out (its ID is in `sessions list`).

    \b
    Example:
      selfcare sessions end 187f3a9c0d2e4b51a2c3
    """
    with_session(state, lambda s: s.client.end_session(session_id))
    output.note(_("Session {id} ended.").format(id=session_id))


@click.group(cls=TranslatedGroup)
def password() -> None:
    """Change your password, or reset a forgotten one."""


def _passwords(password_stdin: bool) -> tuple[str, str]:
    if password_stdin:
        lines = sys.stdin.read().splitlines()
        if len(lines) < 2:
            fail(
                _("Expected the current password and the new one on two lines of standard input."),
                EXIT_AUTH,
            )
        return lines[0], lines[1]
    if not sys.stdin.isatty():
        fail(
            _("Cannot ask for passwords: standard input is not a terminal. Use --password-stdin."),
            EXIT_AUTH,
        )
    current = str(click.prompt(_("Current password"), hide_input=True))
    new = str(
        click.prompt(
            _("New password (12 characters or more)"),
            hide_input=True,
            confirmation_prompt=_("The new password again"),
        )
    )
    return current, new


@password.command("change")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the current password, then the new one, from two lines of stdin.",
)
@pass_state
def password_change(state: State, password_stdin: bool) -> None:
    """Change your password; every other session of your login ends.

    The new password needs 12 characters or more and must not be one of the passwords
    attackers try first; any characters are allowed, and a few unrelated words make a good one.

    \b
    Examples:
      selfcare password change
      printf '%s\\n%s\\n' "$OLD" "$NEW" | selfcare password change --password-stdin
    """
    current, new = _passwords(password_stdin)
    with_session(state, lambda s: s.client.change_password(current, new))
    output.note(_("Password changed. Your other sessions have ended; this one goes on."))


COMMANDS: list[click.Command] = [sessions, password]
