"""What the mail to users says, in the language of the request that caused it."""

from __future__ import annotations

from .i18n import _, ngettext

SIGNATURE = "\n\n-- \nSelfcare\n"


def _minutes(minutes: int) -> str:
    return ngettext(
        "The code is good for {minutes} minute, once.",
        "The code is good for {minutes} minutes, once.",
        minutes,
    ).format(minutes=minutes)


def sign_up_code(username: str, code: str, minutes: int) -> tuple[str, str]:
    subject = _("Your sign-up code: {code}").format(code=code)
    body = "\n\n".join(
        [
            _("Hello {username},").format(username=username),
            _("To finish creating your login, enter this code where you signed up:"),
            f"    {code}",
            _minutes(minutes),
            _("If you did not sign up, ignore this mail: no login is made without the code."),
        ]
    )
    return subject, body + SIGNATURE


def already_signed_up(username: str) -> tuple[str, str]:
    subject = _("You already have a login")
    body = "\n\n".join(
        [
            _(
                "Someone tried to sign up with this e-mail address, which your login {username} "
                "already uses."
            ).format(username=username),
            _(
                "If it was you: log in as {username}. If you forgot the password, ask for a "
                "password reset with this address."
            ).format(username=username),
            _("If it was not you, ignore this mail: nothing has changed."),
        ]
    )
    return subject, body + SIGNATURE


def username_taken(username: str) -> tuple[str, str]:
    subject = _("Choose another username")
    body = "\n\n".join(
        [
            _(
                "Someone signed up with this e-mail address and the username {username}, which "
                "is taken."
            ).format(username=username),
            _("If it was you, sign up again with another username."),
            _("If it was not you, ignore this mail: no login was made."),
        ]
    )
    return subject, body + SIGNATURE


def reset_code(username: str, code: str, minutes: int) -> tuple[str, str]:
    subject = _("Your password reset code: {code}").format(code=code)
    body = "\n\n".join(
        [
            _("Hello {username},").format(username=username),
            _("To choose a new password, enter this code where you asked for it:"),
            f"    {code}",
            _minutes(minutes),
            _("If you did not ask, ignore this mail: your password stays as it is."),
        ]
    )
    return subject, body + SIGNATURE


def reset_unknown_address() -> tuple[str, str]:
    subject = _("Password reset")
    body = "\n\n".join(
        [
            _(
                "Someone asked to reset the password of a login with this e-mail address, but "
                "no login uses it."
            ),
            _(
                "If it was you, you may have signed up with another address, or you can sign up "
                "with this one."
            ),
            _("If it was not you, ignore this mail."),
        ]
    )
    return subject, body + SIGNATURE


def password_was_reset(username: str) -> tuple[str, str]:
    subject = _("Your password was changed")
    body = "\n\n".join(
        [
            _("Hello {username},").format(username=username),
            _(
                "The password of your login was reset with a code sent to this address, and "
                "every session of the login has ended."
            ),
            _("If it was not you, reset the password again at once and tell the utility."),
        ]
    )
    return subject, body + SIGNATURE
