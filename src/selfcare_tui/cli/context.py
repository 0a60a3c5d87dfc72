"""What every command shares: the chosen profile, running async work, the options many
commands take, and how errors leave.

Exit codes (documented in the README): 0 ok, 1 some items failed (e.g. a bulk download),
2 usage: a bad option or value, also one the server refuses as a `validation_error`, 3 not
logged in or token rejected, 4 not found, 5 refused by a business rule (any other code),
6 network or server unavailable.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
import platformdirs
from pydantic import BaseModel, ValidationError

from selfcare_tui import config
from selfcare_tui.api.client import SelfcareClient
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
    ValidationFailed,
)
from selfcare_tui.api.models import ErrorCode, Page, Problem
from selfcare_tui.config import ConfigError
from selfcare_tui.core.blocking import blocking_text
from selfcare_tui.core.dates import date_example, parse_date
from selfcare_tui.core.server_url import InvalidServerUrl, server_url
from selfcare_tui.i18n import _
from selfcare_tui.session import (
    KeyringUnavailable,
    NotLoggedIn,
    Session,
    client_for,
    open_session,
    server_for,
    start,
)

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
F = TypeVar("F", bound=Callable[..., Any])
DayOrMonth = TypeVar("DayOrMonth", dt.date, str)

EXIT_OK = 0
EXIT_FAILED_ITEMS = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_NOT_FOUND = 4
EXIT_REFUSED = 5
EXIT_UNAVAILABLE = 6

DEFAULT_LIMIT = 20
"""How many items a list shows without --limit or --all."""


@dataclass
class State:
    profile: str | None
    debug: bool


pass_state = click.make_pass_decorator(State)


def fail(message: str, code: int) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


def stdin_lines(count: int, what: str) -> list[str]:
    """The first `count` lines of standard input, stripped; leave with exit 2 naming `what`
    when there are fewer (the --code-stdin and --password-stdin forms of a command)."""
    lines = sys.stdin.read().splitlines()
    if len(lines) < count:
        fail(_("Expected {what} on standard input.").format(what=what), EXIT_USAGE)
    return [line.strip() for line in lines[:count]]


def exit_code_for(error: BaseException) -> int:
    if isinstance(error, NotLoggedIn | AuthenticationError | KeyringUnavailable):
        return EXIT_AUTH
    if isinstance(error, NotFound):
        return EXIT_NOT_FOUND
    if isinstance(error, ValidationFailed):  # bad input, though only the server could tell
        return EXIT_USAGE
    if isinstance(error, RuleViolation | PermissionDenied | RateLimited):
        return EXIT_REFUSED
    if isinstance(error, ConnectionFailed | ServerError):
        return EXIT_UNAVAILABLE
    if isinstance(error, ConfigError):
        return EXIT_USAGE
    return EXIT_FAILED_ITEMS


def describe(error: SelfcareError) -> str:
    """One message for stderr: a rule refusal leads with its code; its field errors and the
    item that blocks the action (a work, an earlier report) follow."""
    if isinstance(error, RuleViolation | PermissionDenied):
        lines = [f"{error.code.value}: {error.message}"]
        lines += [
            f"  {e.field}: {e.message}" for e in error.field_errors if e.message != error.message
        ]
        if error.problem.blocking:
            lines.append(_("Blocked by: {item}").format(item=blocking_text(error.problem.blocking)))
        return "\n".join(lines)
    if isinstance(error, ApiError) and isinstance(error, AuthenticationError):
        return _("{message} Log in again with `selfcare login`.").format(message=error.message)
    return str(error)


def handle(error: SelfcareError, state: State, hint: str | None = None) -> NoReturn:
    """Leave with the error's message and exit code; `hint` says what to do next."""
    if state.debug:
        traceback.print_exception(error, file=sys.stderr)
    message = _("Error: {message}").format(message=describe(error))
    fail(message if hint is None else f"{message}\n{hint}", exit_code_for(error))


def not_found(message: str) -> NotFound:
    """A NotFound the CLI raises itself, so it leaves with exit 4 like the server's."""
    return NotFound(
        Problem(title="Not found", status=404, detail=message, code=ErrorCode.not_found)
    )


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


def with_account(
    state: State, account: str | None, work: Callable[[SelfcareClient, str], Awaitable[T]]
) -> T:
    """Run `work` with the client and the number of the account to act on (--account, else
    the one in use, else the first)."""

    async def go(session: Session) -> T:
        return await work(session.client, await session.account_number(account))

    return with_session(state, go)


def run_public(
    state: State, server: str | None, work: Callable[[SelfcareClient], Awaitable[T]]
) -> T:
    """Run an operation that needs no login (S2: codes printed on the invoice)."""

    async def go() -> T:
        url = server or server_for(config.load().profile(state.profile))
        async with client_for(url) as client:
            return await work(client)

    return run(state, go)


# --- lists: --limit and --all ------------------------------------------------------------


def listing_options(command: F) -> F:
    """`--limit N` and `--all`, as `gh` lists have them."""
    command = click.option(
        "--all", "every", is_flag=True, help="List everything, however many there are."
    )(command)
    return click.option(
        "--limit",
        "-L",
        type=click.IntRange(1),
        default=None,
        metavar="N",
        help=f"Show at most N, newest first (default {DEFAULT_LIMIT}).",
    )(command)


def chosen_limit(limit: int | None, every: bool) -> int | None:
    """The limit to apply; None means everything."""
    if every and limit is not None:
        raise click.UsageError(_("Give either --limit or --all, not both."))
    return None if every else (limit or DEFAULT_LIMIT)


async def each(fetch: Callable[[str | None], Awaitable[Page[T]]]) -> AsyncIterator[T]:
    """The items of a paged list, page after page: `fetch` gets the cursor (None first)."""
    cursor: str | None = None
    while True:
        page = await fetch(cursor)
        for item in page.items:
            yield item
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


async def first(items: AsyncIterator[T], limit: int | None) -> tuple[list[T], bool]:
    """Up to `limit` items (None: all), and whether there were more."""
    taken: list[T] = []
    async for item in items:
        if limit is not None and len(taken) == limit:
            return taken, True
        taken.append(item)
    return taken, False


def account_items(
    state: State,
    account: str | None,
    limit: int | None,
    items: Callable[[SelfcareClient, str], AsyncIterator[T]],
) -> tuple[str, list[T], bool]:
    """The account's number, the first `limit` of its items (None: all), and whether there
    were more."""

    async def fetch(client: SelfcareClient, number: str) -> tuple[str, list[T], bool]:
        found, more = await first(items(client, number), limit)
        return number, found, more

    return with_account(state, account, fetch)


# --- options and their checks ------------------------------------------------------------


class _Day(click.DateTime):
    """A day as YYYY-MM-DD, or as the user's language writes it (31.12.2026 in Estonian): a
    datetime at midnight, as click.DateTime gives."""

    def __init__(self) -> None:
        super().__init__(formats=["%Y-%m-%d"])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            day = parse_date(value)
            if day is not None:
                return dt.datetime(day.year, day.month, day.day)
            self.fail(
                _("{value!r} is not a date: type it like {example}.").format(
                    value=value, example=date_example()
                ),
                param,
                ctx,
            )
        return super().convert(value, param, ctx)


DATE = _Day()
"""A day: YYYY-MM-DD, or as the user's language writes dates."""


def as_date(value: dt.datetime | None) -> dt.date | None:
    """The day of a DATE option (click gives a datetime at midnight)."""
    return value.date() if value is not None else None


def check_period(since: DayOrMonth | None, until: DayOrMonth | None) -> None:
    """--since must not be after --until: days, or months as YYYY-MM (which sort alike)."""
    if since is not None and until is not None and since > until:
        raise click.BadParameter(
            _("{since} is after --until {until}.").format(since=since, until=until),
            param_hint="'--since'",
        )


def period_days(
    since: dt.datetime | None, until: dt.datetime | None
) -> tuple[dt.date | None, dt.date | None]:
    """The days of the DATE options --since and --until, checked to be in order."""
    since_day, until_day = as_date(since), as_date(until)
    check_period(since_day, until_day)
    return since_day, until_day


def max_length(limit: int, *, required: bool = False) -> Callable[..., str | None]:
    """A click callback: the text may have at most `limit` characters."""

    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is None:
            return None
        if required and not value.strip():
            raise click.BadParameter(_("Must not be empty."))
        if len(value) > limit:
            raise click.BadParameter(
                _("At most {limit} characters; this has {count}.").format(
                    limit=limit, count=len(value)
                )
            )
        return value

    return check


def build(model: type[M], options: Mapping[str, str], **values: object) -> M:
    """An API body from options; a value the model refuses is a usage error naming the option."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else ""
        raise click.BadParameter(
            str(error["msg"]), param_hint=f"'{options.get(field, field)}'"
        ) from None


def check_server(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback: --server must be a usable server URL."""
    if value is None:
        return None
    try:
        return server_url(value)
    except InvalidServerUrl as error:
        raise click.BadParameter(str(error)) from None


server_option = click.option(
    "--server",
    metavar="URL",
    callback=check_server,
    help="Server URL (default: SELFCARE_SERVER, else the profile's).",
)


def default_download_dir() -> Path:
    return platformdirs.user_downloads_path()


out_option = click.option(
    "--out",
    "-o",
    "out",
    type=click.Path(file_okay=False, writable=True, path_type=Path),
    help="Directory to save into (default: your downloads directory).",
)

account_option = click.option(
    "--account",
    "-a",
    "account",
    metavar="NUMBER",
    help="Account number to act on (default: the one chosen with `selfcare accounts use`, "
    "else your first).",
)
