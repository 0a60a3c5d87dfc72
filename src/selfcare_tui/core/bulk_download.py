"""The bulk invoice download: list the invoices, skip what is on disk, fetch the rest.

No click and no printing here: `selfcare invoices download` drives it with its progress
lines (a `Listener`), and another front end can drive it with its own display. Files are
named `{account}_{invoice}_{issued on}.pdf`, the name the server's Content-Disposition
gives, so a rerun finds what an earlier run fetched. A file on disk counts only if its size
and SHA-256 match the API's; anything else (truncated, corrupted, changed) is fetched again.
Writing is the client's job: a temp file beside the destination, checked against the
server's Repr-Digest, renamed into place, removed on any error or cancellation, so no half
file is ever visible.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import httpx

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import (
    ApiError,
    AuthenticationError,
    ConnectionFailed,
    SelfcareError,
)
from selfcare_tui.core.file_names import document_file_name
from selfcare_tui.i18n import _

DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 16
"""The client's pool holds 20 connections; more parallel streams would only queue."""

_ATTEMPTS = 3
_BACKOFF_SECONDS = (0.5, 1.5)
"""A dropped connection or a 5xx is retried twice before the item counts as failed."""


@dataclass(frozen=True)
class Filter:
    """Which invoices: the same filters the invoice list of the API takes."""

    since: dt.date | None = None
    until: dt.date | None = None
    status: models.InvoiceStatus | None = None


@dataclass(frozen=True)
class Item:
    """One invoice to have on disk, and where."""

    account: str
    invoice: models.Invoice
    path: Path


class Outcome(StrEnum):
    downloaded = "downloaded"
    skipped = "skipped"
    failed = "failed"


@dataclass(frozen=True)
class Failure:
    account: str
    invoice_number: str | None
    """None when the account's invoices could not even be listed."""
    path: Path | None
    message: str
    attempted: bool = True
    """False for items skipped because the run had already stopped."""


@dataclass
class Summary:
    """What a run did; filled in as it goes, so an interrupted run can still report."""

    directory: Path
    total: int = 0
    downloaded: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    stopped_by: SelfcareError | None = None
    """Set when the run gave up early (server gone, login ended); the rest was not tried."""
    not_attempted: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed


class Listener:
    """Progress hooks; the default does nothing (quiet runs, scripts)."""

    def listing(self, account: str) -> None:
        """About to list the invoices of an account."""

    def planned(self, items: Sequence[Item]) -> None:
        """Everything that will be checked or fetched, once all listing is done."""

    def progress(self, item: Item, done: int, total: int | None) -> None:
        """Bytes of a file fetched so far."""

    def finished(self, item: Item, outcome: Outcome) -> None:
        """An item is done, one way or another (also when it was not attempted)."""


async def held_accounts(client: SelfcareClient) -> list[str]:
    """Accounts the login holds and may view: its own, and those of a mandate with `view`.

    An agent's search results are not accounts it holds, so they are left out.
    """
    return [
        a.number
        for a in await client.accounts(limit=200)
        if a.access in (models.Access.owner, models.Access.delegate)
        and models.Scope.view in a.scopes
    ]


async def download_invoices(
    client: SelfcareClient,
    accounts: Sequence[str],
    directory: Path,
    *,
    selection: Filter | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    listener: Listener | None = None,
    summary: Summary | None = None,
) -> Summary:
    """Have every selected invoice of `accounts` in `directory`, `concurrency` at a time.

    Raises the listing error when no account could be listed at all (server unreachable, no
    such account, login ended): nothing was attempted then. After that, failures are per
    item and end up in the summary; a run stops starting new items once the server is
    unreachable or the login has ended, because every further attempt would fail the same.
    """
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise ValueError(f"concurrency must be 1..{MAX_CONCURRENCY}")
    run = _Run(
        client,
        directory,
        listener or Listener(),
        summary or Summary(directory),
        asyncio.Semaphore(concurrency),
    )
    items = await run.collect(accounts, selection or Filter())
    run.listener.planned(items)
    directory.mkdir(parents=True, exist_ok=True)
    async with asyncio.TaskGroup() as group:
        for item in items:
            # Take the slot before creating the task: at most `concurrency` tasks exist, however
            # many invoices there are.
            await run.slots.acquire()
            if run.summary.stopped_by is not None:
                run.slots.release()
                run.fail(item, _("Not attempted: the download stopped."), attempted=False)
                continue
            group.create_task(run.fetch(item))
    return run.summary


@dataclass
class _Run:
    """The state one run shares between its tasks (all on one event loop: no locks needed)."""

    client: SelfcareClient
    directory: Path
    listener: Listener
    summary: Summary
    slots: asyncio.Semaphore

    async def collect(self, accounts: Sequence[str], selection: Filter) -> list[Item]:
        items: list[Item] = []
        errors: list[SelfcareError] = []
        failures: list[Failure] = []
        for account in accounts:
            self.listener.listing(account)
            try:
                invoices = [
                    invoice
                    async for invoice in self.client.iter_invoices(
                        account,
                        status=selection.status,
                        since=selection.since,
                        until=selection.until,
                    )
                ]
            except SelfcareError as error:
                errors.append(error)
                message = _("Could not list the invoices: {error}").format(error=error)
                failures.append(Failure(account, None, None, message))
                continue
            items += [
                Item(
                    account, i, self.directory / document_file_name(account, i.number, i.issued_on)
                )
                for i in invoices
            ]
        if errors and len(errors) == len(accounts):
            raise errors[0]
        self.summary.failed += failures
        self.summary.total = len(items)
        return items

    async def fetch(self, item: Item) -> None:
        """Fetch one item in the slot the caller took, and give the slot back."""
        try:
            outcome = await self._fetch_with_retries(item)
        except (SelfcareError, OSError, httpx.HTTPError) as error:
            if isinstance(error, ConnectionFailed | AuthenticationError):
                self.summary.stopped_by = self.summary.stopped_by or error
            self.fail(item, _describe(error))
            return
        finally:
            self.slots.release()
        if outcome is Outcome.downloaded:
            self.summary.downloaded.append(item.path)
        else:
            self.summary.skipped.append(item.path)
        self.listener.finished(item, outcome)

    def fail(self, item: Item, message: str, *, attempted: bool = True) -> None:
        if not attempted:
            self.summary.not_attempted += 1
        self.summary.failed.append(
            Failure(item.account, item.invoice.number, item.path, message, attempted)
        )
        self.listener.finished(item, Outcome.failed)

    async def _fetch_with_retries(self, item: Item) -> Outcome:
        for attempt in range(_ATTEMPTS):
            try:
                return await self._fetch(item)
            except (ConnectionFailed, ApiError) as error:
                last_try = attempt == _ATTEMPTS - 1 or self.summary.stopped_by is not None
                if last_try or not _transient(error):
                    raise
                await asyncio.sleep(_BACKOFF_SECONDS[attempt])
        raise AssertionError("unreachable")

    async def _fetch(self, item: Item) -> Outcome:
        _remove_stale_parts(item.path)
        if await self._is_current(item):
            return Outcome.skipped

        def progress(done: int, total: int | None) -> None:
            self.listener.progress(item, done, total)

        await self.client.download_invoice(
            item.account, item.invoice.number, item.path, progress=progress
        )
        return Outcome.downloaded

    async def _is_current(self, item: Item) -> bool:
        """The file on disk is the server's PDF: same size, same SHA-256."""
        try:
            size = item.path.stat().st_size
        except FileNotFoundError:
            return False
        expected = item.invoice.document
        if expected is None:
            # Not rendered when listed; the single invoice always carries its document.
            expected = (await self.client.invoice(item.account, item.invoice.number)).document
        if expected is None or size != expected.size:
            return False
        return await asyncio.to_thread(_sha256, item.path) == expected.sha256


def _transient(error: SelfcareError) -> bool:
    """Worth another try: the network, a 5xx, or a download that failed its checksum."""
    return isinstance(error, ConnectionFailed) or (
        isinstance(error, ApiError) and error.status >= 500
    )


def _describe(error: BaseException) -> str:
    if isinstance(error, OSError):
        return _("Cannot write the file: {reason}").format(reason=error.strerror or error)
    return str(error) or type(error).__name__


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _remove_stale_parts(path: Path) -> None:
    """Temp files of this name left by a run that was killed outright (SIGKILL, power loss).

    The client removes its temp file on any error or cancellation; only a process killed
    without a chance to clean up leaves one, and it would never be used again.
    """
    # document_file_name() leaves no glob metacharacters in the name.
    for stale in path.parent.glob(f".{path.name}.*.part"):
        stale.unlink(missing_ok=True)
