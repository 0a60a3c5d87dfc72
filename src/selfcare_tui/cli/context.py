"""What every command shares: the chosen profile, running async work, and exit codes.

Exit codes (documented in the README): 0 ok, 1 some items failed (e.g. a bulk download),
2 usage, 3 not logged in or token rejected, 4 not found, 5 refused by a business rule,
6 network or server unavailable.
"""

from __future__ import annotations

import asyncio
import sys
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import NoReturn, TypeVar

import click

from selfcare_tui.api.errors import (
    ApiError,
    AuthenticationError,
    ConnectionFailed,
    NotFound,
    PermissionDenied,
    RateLimited,
    RuleViolation,
    SelfcareError,
    ServerError,
)
from selfcare_tui.config import ConfigError
from selfcare_tui.i18n import _
from selfcare_tui.session import KeyringUnavailable, NotLoggedIn, Session, open_session, start

T = TypeVar("T")

EXIT_OK = 0
EXIT_FAILED_ITEMS = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_NOT_FOUND = 4
EXIT_REFUSED = 5
EXIT_UNAVAILABLE = 6


@dataclass
class State:
    profile: str | None
    debug: bool


pass_state = click.make_pass_decorator(State)


def fail(message: str, code: int) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


def exit_code_for(error: BaseException) -> int:
    if isinstance(error, NotLoggedIn | AuthenticationError | KeyringUnavailable):
        return EXIT_AUTH
    if isinstance(error, NotFound):
        return EXIT_NOT_FOUND
    if isinstance(error, RuleViolation | PermissionDenied | RateLimited):
        return EXIT_REFUSED
    if isinstance(error, ConnectionFailed | ServerError):
        return EXIT_UNAVAILABLE
    if isinstance(error, ConfigError):
        return EXIT_USAGE
    return EXIT_FAILED_ITEMS


def describe(error: SelfcareError) -> str:
    """One message for stderr: a rule refusal leads with its code, field errors follow."""
    if isinstance(error, RuleViolation | PermissionDenied):
        lines = [f"{error.code.value}: {error.message}"]
        lines += [
            f"  {e.field}: {e.message}" for e in error.field_errors if e.message != error.message
        ]
        return "\n".join(lines)
    if isinstance(error, ApiError) and isinstance(error, AuthenticationError):
        return _("{message} Log in again with `selfcare login`.").format(message=error.message)
    return str(error)


def handle(error: SelfcareError, state: State) -> NoReturn:
    if state.debug:
        traceback.print_exception(error, file=sys.stderr)
    fail(_("Error: {message}").format(message=describe(error)), exit_code_for(error))


def run(state: State, work: Callable[[], Awaitable[T]]) -> T:
    """Run async work; a SelfcareError becomes its message and exit code, never a traceback."""
    try:
        return asyncio.run(_run(work))
    except SelfcareError as error:
        handle(error, state)


async def _run(work: Callable[[], Awaitable[T]]) -> T:
    return await work()


def with_session(
    state: State, work: Callable[[Session], Awaitable[T]], *, require_login: bool = True
) -> T:
    """Open the profile's session (refreshing its token), run `work`, close it."""

    async def go() -> T:
        session = open_session(state.profile, require_login=require_login)
        try:
            if require_login:
                await start(session)
            return await work(session)
        finally:
            await session.aclose()

    return run(state, go)


account_option = click.option(
    "--account",
    "-a",
    "account",
    metavar="NUMBER",
    help="Account number to act on (default: the one chosen with `selfcare accounts use`, "
    "else your first).",
)
