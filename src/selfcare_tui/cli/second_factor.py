"""`selfcare mfa enable|disable|recovery-codes`: the login's second factor (TOTP).

On a terminal each command asks for what it needs. Without one nothing is asked:
`mfa enable` prints the secret (and its QR code) and a second run with --code-stdin turns it
on with a code read from standard input; `disable` reads the password and a code from two
lines with --password-stdin.
"""

from __future__ import annotations

import sys

import click

from selfcare_tui.api.errors import RuleViolation
from selfcare_tui.api.models import ErrorCode, MfaEnrolment
from selfcare_tui.core.qr import qr_lines
from selfcare_tui.core.second_factor import is_app_code, is_second_factor_code, normalised
from selfcare_tui.i18n import _
from selfcare_tui.session import Session

from . import output
from .context import EXIT_USAGE, State, fail, pass_state, stdin_lines, with_session
from .translated import TranslatedGroup

CODE_TRIES = 3


def _terminal() -> bool:
    return sys.stdin.isatty()


def _app_code(typed: str) -> str:
    code = normalised(typed)
    if not is_app_code(code):
        fail(_("A code from the authenticator app is 6 digits."), EXIT_USAGE)
    return code


def _show_recovery_codes(codes: list[str], as_json: bool) -> None:
    if as_json:
        output.emit_json({"recovery_codes": codes})
        return
    click.echo("\n".join(f"  {code}" for code in codes))
    output.note(
        _(
            "Keep these recovery codes somewhere safe, apart from your phone: each logs in "
            "once without the app. They are not shown again."
        )
    )


def _show_secret(enrolment: MfaEnrolment) -> None:
    """The QR code dark on light (as printed) where colour is allowed, then the secret."""
    colour = output.stdout().color_system is not None
    for line in qr_lines(enrolment.otpauth_uri):
        click.echo(click.style(line, fg="black", bg="white") if colour else line)
    click.echo(_("Secret (to type into the app instead): {secret}").format(secret=enrolment.secret))
    click.echo(enrolment.otpauth_uri)


@click.group(cls=TranslatedGroup)
def mfa() -> None:
    """Your login's second factor: a code from an authenticator app at every login."""


@mfa.command("enable")
@click.option(
    "--code-stdin",
    is_flag=True,
    help="Finish: read the first code from the app from stdin, turning the second factor on.",
)
@output.json_option
@pass_state
def mfa_enable(state: State, code_stdin: bool, as_json: bool) -> None:
    """Turn the second factor on: scan the QR code (or type the secret) into an
    authenticator app, then give the code it shows.

    You get ten recovery codes, shown once: each logs in once without the app, for when the
    phone is lost. The secret waits 10 minutes for its first code.

    \b
    Examples:
      selfcare mfa enable
      selfcare mfa enable --json | jq -r .otpauth_uri
      echo "$CODE" | selfcare mfa enable --code-stdin --json
    """
    if code_stdin:
        (typed,) = stdin_lines(1, _("the code from the app"))
        code = _app_code(typed)
        recovery = with_session(state, lambda s: s.client.confirm_mfa_enrolment(code))
        output.note(_("The second factor is on: every login now asks for a code from the app."))
        _show_recovery_codes(recovery, as_json)
        return
    interactive = _terminal() and not as_json

    async def enrol(session: Session) -> tuple[MfaEnrolment, list[str] | None]:
        enrolment = await session.client.start_mfa_enrolment()
        if not interactive:
            return enrolment, None
        _show_secret(enrolment)
        for attempt in range(CODE_TRIES):
            code = _app_code(str(click.prompt(_("Code the app shows now"))))
            try:
                return enrolment, await session.client.confirm_mfa_enrolment(code)
            except RuleViolation as error:
                if error.code is not ErrorCode.invalid_code or attempt == CODE_TRIES - 1:
                    raise
                output.note(_("Error: {message}").format(message=error.message))
        raise AssertionError("unreachable")

    enrolment, codes = with_session(state, enrol)
    if codes is None:
        if as_json:
            output.emit_json(enrolment)
        else:
            _show_secret(enrolment)
        output.note(_("Then finish with: selfcare mfa enable --code-stdin"))
        return
    output.note(_("The second factor is on: every login now asks for a code from the app."))
    _show_recovery_codes(codes, as_json=False)


@mfa.command("disable")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password, then a code (or a recovery code), from two lines of stdin.",
)
@pass_state
def mfa_disable(state: State, password_stdin: bool) -> None:
    """Turn the second factor off, with your password and a code from the app (or a recovery
    code, when the phone is lost).

    \b
    Examples:
      selfcare mfa disable
      printf '%s\\n%s\\n' "$PASSWORD" "$CODE" | selfcare mfa disable --password-stdin
    """
    if password_stdin:
        password, code = stdin_lines(2, _("the password and a code on two lines"))
    elif _terminal():
        password = str(click.prompt(_("Password"), hide_input=True))
        code = str(click.prompt(_("Code from the app, or a recovery code")))
    else:
        fail(
            _("Cannot ask for a password: standard input is not a terminal. Use --password-stdin."),
            EXIT_USAGE,
        )
    if not is_second_factor_code(code):
        fail(
            _("A code is 6 digits from the app, or a recovery code such as abcde-fgh23."),
            EXIT_USAGE,
        )
    with_session(state, lambda s: s.client.disable_mfa(password, normalised(code)))
    output.note(_("The second factor is off: logins ask for the password alone."))


@mfa.command("recovery-codes")
@click.option("--code-stdin", is_flag=True, help="Read the code from the app from stdin.")
@output.json_option
@pass_state
def mfa_recovery_codes(state: State, code_stdin: bool, as_json: bool) -> None:
    """Make ten new recovery codes (the old ones stop working), for a code from the app.

    \b
    Examples:
      selfcare mfa recovery-codes
      echo "$CODE" | selfcare mfa recovery-codes --code-stdin --json
    """
    if code_stdin:
        (typed,) = stdin_lines(1, _("the code from the app"))
    elif _terminal():
        typed = str(click.prompt(_("Code the app shows now")))
    else:
        fail(
            _("Cannot ask for a code: standard input is not a terminal. Use --code-stdin."),
            EXIT_USAGE,
        )
    code = _app_code(typed)
    codes = with_session(state, lambda s: s.client.new_recovery_codes(code))
    _show_recovery_codes(codes, as_json)


COMMANDS: list[click.Command] = [mfa]
