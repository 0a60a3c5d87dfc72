"""`selfcare invoices download`: every invoice PDF of a period into a directory, resumably.

The work is done by `bulk_download` (shared with the terminal app); this module turns options
into its inputs, shows a progress bar when stderr is a terminal, and reports: a summary on
stderr, the lists of files as JSON on stdout with --json, exit 1 when any file failed.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

import click
from rich.filesize import decimal as format_bytes
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from selfcare_tui.api import models
from selfcare_tui.api.errors import AuthenticationError, ConnectionFailed
from selfcare_tui.core import bulk_download as engine
from selfcare_tui.i18n import _, format_number, ngettext
from selfcare_tui.session import Session

from . import output
from .context import (
    DATE,
    EXIT_AUTH,
    EXIT_FAILED_ITEMS,
    EXIT_OK,
    EXIT_USAGE,
    State,
    account_option,
    describe,
    fail,
    pass_state,
    with_session,
)
from .translated import TranslatedCommand

_SHOWN_FAILURES = 10
"""The summary names this many failed files; --json lists them all."""


class _Quiet(engine.Listener):
    """No display: stderr is not a terminal (a pipe, a log, cron)."""

    def close(self) -> None:
        """Nothing to take down."""


class _ProgressBar(_Quiet):
    """One bar over all files, with the bytes fetched so far; on stderr, for people only.

    It appears with the first listing and is closed by the work itself, before any error
    message is printed: a message written under a live bar would end up glued to it.
    """

    def __init__(self) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[size]}"),
            TimeRemainingColumn(),
            console=output.stderr(),
            transient=True,
        )
        self._task: TaskID | None = None
        self._bytes: dict[Path, int] = {}

    def close(self) -> None:
        self._progress.stop()

    def listing(self, account: str) -> None:
        description = _("Listing the invoices of {account}").format(account=account)
        if self._task is None:
            self._progress.start()
            self._task = self._progress.add_task(description, total=None, size="")
        else:
            self._progress.update(self._task, description=description)

    def planned(self, items: Sequence[engine.Item]) -> None:
        if self._task is not None:
            self._progress.update(
                self._task, description=_("Invoices"), total=len(items), completed=0
            )

    def progress(self, item: engine.Item, done: int, total: int | None) -> None:
        self._bytes[item.path] = done
        self._refresh()

    def finished(self, item: engine.Item, outcome: engine.Outcome) -> None:
        if self._task is not None:
            self._progress.advance(self._task)
        self._refresh()

    def _refresh(self) -> None:
        if self._task is not None:
            self._progress.update(self._task, size=format_bytes(sum(self._bytes.values())))


@click.command("download", cls=TranslatedCommand)
@account_option
@click.option(
    "--all-accounts",
    is_flag=True,
    help="Every account this login holds: your own and those you hold a mandate for.",
)
@click.option(
    "--since",
    type=DATE,
    metavar="DATE",
    help="Invoices issued on or after this day (YYYY-MM-DD).",
)
@click.option(
    "--until",
    type=DATE,
    metavar="DATE",
    help="Invoices issued on or before this day (YYYY-MM-DD).",
)
@click.option(
    "--status",
    type=click.Choice([s.value for s in models.InvoiceStatus]),
    help="Only invoices in this state.",
)
@click.option(
    "--out",
    "-o",
    "directory",
    required=True,
    type=click.Path(file_okay=False, dir_okay=True, writable=True, path_type=Path),
    help="Directory to put the PDFs in (created if missing).",
)
@click.option(
    "--concurrency",
    "-j",
    default=engine.DEFAULT_CONCURRENCY,
    show_default=True,
    type=click.IntRange(1, engine.MAX_CONCURRENCY),
    help="Files fetched at the same time.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print a summary with the lists of files (downloaded, skipped, failed) as JSON.",
)
@pass_state
def download(
    state: State,
    account: str | None,
    all_accounts: bool,
    since: dt.datetime | None,
    until: dt.datetime | None,
    status: str | None,
    directory: Path,
    concurrency: int,
    as_json: bool,
) -> None:
    """Download invoice PDFs into a directory; a rerun fetches only what is missing.

    Files are named ACCOUNT_INVOICE_ISSUED.pdf. A file already there is kept when its size and
    checksum match the server's, and fetched again otherwise. Each file is written to a
    temporary name and renamed when complete, so an interrupted run leaves no half file: run
    the same command again to finish. Exit status 1 when any file failed.

    \b
    Examples:
      selfcare invoices download --since 2025-01-01 --out invoices/
      selfcare invoices download --all-accounts --status open --out due/ --json | jq '.failed'
    """
    if account and all_accounts:
        raise click.UsageError(_("Give either --account or --all-accounts, not both."))
    if since and until and since > until:
        raise click.UsageError(_("--since is after --until."))
    selection = engine.Filter(
        since=since.date() if since else None,
        until=until.date() if until else None,
        status=models.InvoiceStatus(status) if status else None,
    )
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(
            _("Cannot create the directory {directory}: {reason}").format(
                directory=directory, reason=error.strerror or error
            ),
            EXIT_USAGE,
        )
    summary = engine.Summary(directory)
    display = _ProgressBar() if output.stderr().is_terminal else _Quiet()

    async def work(session: Session) -> engine.Summary:
        client = session.client
        if all_accounts:
            accounts = await engine.held_accounts(client)
            if not accounts:
                _say(_("This login holds no account whose invoices it may view."))
                return summary
        else:
            accounts = [await session.account_number(account)]
        try:
            return await engine.download_invoices(
                client,
                accounts,
                directory,
                selection=selection,
                concurrency=concurrency,
                listener=display,
                summary=summary,
            )
        finally:
            display.close()

    try:
        with_session(state, work)
    except KeyboardInterrupt:
        _report(summary)
        _say(_("Interrupted. Run the same command again to fetch the rest."))
        sys.exit(130)
    if as_json:
        output.emit_json(_as_json(summary))
    _report(summary)
    sys.exit(_exit_code(summary))


def _exit_code(summary: engine.Summary) -> int:
    if summary.ok:
        return EXIT_OK
    if isinstance(summary.stopped_by, AuthenticationError):
        return EXIT_AUTH
    return EXIT_FAILED_ITEMS


def _report(summary: engine.Summary) -> None:
    """The summary for people, on stderr: counts, why a run stopped, the first failures.

    Plain click.echo, not rich: file names and server messages are printed verbatim (no markup
    parsing) and on unwrapped lines, so a log of a cron run stays greppable.
    """
    if summary.total == 0 and summary.ok:
        _say(_("No invoices match."))
        return
    attempted = [f for f in summary.failed if f.attempted]
    done, skipped, failed = len(summary.downloaded), len(summary.skipped), len(attempted)
    counts = [
        _n(ngettext("downloaded {n} file", "downloaded {n} files", done), done),
        _n(ngettext("{n} already there", "{n} already there", skipped), skipped),
        _n(ngettext("{n} failed", "{n} failed", failed), failed),
    ]
    if summary.not_attempted:
        n = summary.not_attempted
        counts.append(_n(ngettext("{n} not attempted", "{n} not attempted", n), n))
    _say(_("{directory}: {counts}.").format(directory=summary.directory, counts=", ".join(counts)))
    stopped = summary.stopped_by
    if stopped is not None:
        reason = (
            _("the server could not be reached")
            if isinstance(stopped, ConnectionFailed)
            else describe(stopped)
        )
        _say(
            _("Stopped: {reason}. Run the same command again to fetch the rest.").format(
                reason=reason.rstrip(".")
            )
        )
    for failure in attempted[:_SHOWN_FAILURES]:
        what = failure.path.name if failure.path else failure.account
        _say(f"  {what}: {failure.message}")
    if len(attempted) > _SHOWN_FAILURES:
        rest = len(attempted) - _SHOWN_FAILURES
        _say(_n(ngettext("  … and {n} more", "  … and {n} more", rest), rest))


def _n(message: str, n: int) -> str:
    """Put a count, formatted for the locale, into a message from ngettext (literal there, so
    the catalog extractor finds it)."""
    return message.format(n=format_number(n))


def _say(message: str) -> None:
    click.echo(message, err=True)


def _as_json(summary: engine.Summary) -> dict[str, object]:
    """The lists of files, for scripts; `failed` also names the invoice and the reason."""
    return {
        "directory": str(summary.directory),
        "total": summary.total,
        "downloaded": [str(p) for p in summary.downloaded],
        "skipped": [str(p) for p in summary.skipped],
        "failed": [
            {
                "account": f.account,
                "invoice": f.invoice_number,
                "file": str(f.path) if f.path else None,
                "error": f.message,
            }
            for f in summary.failed
        ],
    }


COMMANDS: list[click.Command] = [download]
