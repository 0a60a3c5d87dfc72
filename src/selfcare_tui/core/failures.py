"""What to tell the user about a failure: one clear sentence per kind, never a traceback."""

from __future__ import annotations

from selfcare_tui.api.errors import (
    ApiError,
    ConnectionFailed,
    InvalidCredentials,
    InvalidMfaCode,
    PermissionDenied,
    RateLimited,
    SelfcareError,
    TokenRejected,
)
from selfcare_tui.api.models import ErrorCode
from selfcare_tui.i18n import _


def describe(error: BaseException, server: str | None = None) -> str:
    """The message for `error`; `server` names the server in connection failures."""
    if isinstance(error, ConnectionFailed):
        if server:
            return _(
                "Cannot reach the server at {server}. Check the address and your connection."
            ).format(server=server)
        return _("Cannot reach the server. Check your connection.")
    if isinstance(error, InvalidCredentials):
        return _("Wrong username or password.")
    if isinstance(error, InvalidMfaCode) and error.code is ErrorCode.mfa_code_used:
        return _("That code was used already. Wait for the next code in your app and enter it.")
    if isinstance(error, InvalidMfaCode):
        return _("That one-time code is not right. Enter the current code from your app.")
    if isinstance(error, RateLimited):
        seconds = error.retry_after_seconds
        if seconds:
            return _(
                "Too many failed attempts: this login is locked. Try again in {minutes} min."
            ).format(minutes=(seconds + 59) // 60)
        return _("Too many failed attempts: this login is locked for a while.")
    if isinstance(error, TokenRejected):
        return _("Your login has ended (expired or revoked). Log in again.")
    if isinstance(error, PermissionDenied):
        return _("Not allowed for this account: {detail}").format(detail=error.message)
    if isinstance(error, ApiError):
        return error.message
    if isinstance(error, SelfcareError):
        return str(error)
    return _("Something went wrong: {error}").format(error=error)
