"""`selfcare payments`, `selfcare notices` and `selfcare pay`.

Paying happens on the payment processor's page, never here: card data must not pass through
this program (S2). `pay` only opens a session, hands the link to a browser and, with --wait,
watches the session until the processor has answered.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
import time
import webbrowser
from pathlib import Path

import click

from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.models import (
    AmountDue,
    InvoiceStatus,
    NoticeKind,
    NoticeStatus,
    PaymentMethod,
    PaymentSession,
    PaymentSessionStatus,
)
from selfcare_tui.core.file_names import document_file_name
from selfcare_tui.core.labels import label
from selfcare_tui.i18n import _, format_date, format_money

from . import output
from .context import (
    DATE,
    EXIT_FAILED_ITEMS,
    EXIT_REFUSED,
    State,
    account_items,
    account_option,
    chosen_limit,
    default_download_dir,
    fail,
    listing_options,
    max_length,
    not_found,
    out_option,
    pass_state,
    period_days,
    run_public,
    server_option,
    with_account,
)
from .translated import TranslatedCommand, TranslatedGroup

POLL_FIRST, POLL_MOST = 1.0, 5.0
"""Seconds between polls of a payment session: quick at first, then gentler."""


def method_label(method: PaymentMethod) -> str:
    return {
        PaymentMethod.card: _("card"),
        PaymentMethod.bank_transfer: _("bank transfer"),
        PaymentMethod.direct_debit: _("direct debit"),
        PaymentMethod.cash: _("cash"),
    }[method]


def notice_kind_label(kind: NoticeKind) -> str:
    return {
        NoticeKind.reminder: _("payment reminder"),
        NoticeKind.disconnection_warning: _("disconnection warning"),
    }[kind]


# --- payments ----------------------------------------------------------------------------


@click.group(cls=TranslatedGroup)
def payments() -> None:
    """Payments that have arrived, and the invoices each settled.

    \b
    Examples:
      selfcare payments list
      selfcare payments list --reference 1000000363
    """


@payments.command("list")
@account_option
@click.option(
    "--reference",
    metavar="REFERENCE",
    help="Only payments made with this reference number: has my payment arrived?",
)
@click.option("--since", type=DATE, metavar="YYYY-MM-DD", help="Paid on or after this day.")
@click.option("--until", type=DATE, metavar="YYYY-MM-DD", help="Paid on or before this day.")
@listing_options
@output.json_option
@pass_state
def list_payments(
    state: State,
    account: str | None,
    reference: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    limit: int | None,
    every: bool,
    as_json: bool,
) -> None:
    """List payments, newest first, with the invoices each one settled.

    \b
    Examples:
      selfcare payments list --since 2026-01-01
      selfcare payments list --reference 1000000363 --json | jq length
    """
    wanted = chosen_limit(limit, every)
    since_day, until_day = period_days(since, until)
    number, found, more = account_items(
        state,
        account,
        wanted,
        lambda client, number: client.iter_payments(
            number, reference=reference, since=since_day, until=until_day
        ),
    )
    none_found = (
        _("No payment with reference {reference} has arrived on account {number}.")
        if reference
        else _("No payments of account {number} match.")
    ).format(reference=reference, number=number)
    if output.json_or_none_found(found, as_json, none_found):
        return
    output.table(
        _("Payments to account {number}").format(number=number),
        [_("Paid on"), _("Amount"), _("Method"), _("Reference"), _("Settled"), _("ID")],
        [
            (
                format_date(p.paid_on),
                format_money(p.amount),
                method_label(p.method),
                p.reference,
                "\n".join(
                    _("{invoice}: {amount}").format(
                        invoice=s.invoice_number, amount=format_money(s.amount)
                    )
                    for s in p.settled
                ),
                p.id,
            )
            for p in found
        ],
    )
    output.note_more(len(found), more)


# --- notices -----------------------------------------------------------------------------


@click.group(cls=TranslatedGroup)
def notices() -> None:
    """Payment reminders and disconnection warnings, with their deadlines and PDFs.

    \b
    Examples:
      selfcare notices list --status open
      selfcare notices download NT000000001
    """


@notices.command("list")
@account_option
@click.option(
    "--status", type=click.Choice([s.value for s in NoticeStatus]), help="Only these notices."
)
@listing_options
@output.json_option
@pass_state
def list_notices(
    state: State,
    account: str | None,
    status: str | None,
    limit: int | None,
    every: bool,
    as_json: bool,
) -> None:
    """List notices, newest first.

    \b
    Examples:
      selfcare notices list
      selfcare notices list --status open --json | jq -r '.[].deadline'
    """
    wanted = chosen_limit(limit, every)
    chosen = NoticeStatus(status) if status else None
    number, found, more = account_items(
        state, account, wanted, lambda client, number: client.iter_notices(number, status=chosen)
    )
    none_found = _("No notices of account {number} match.").format(number=number)
    if output.json_or_none_found(found, as_json, none_found):
        return
    output.table(
        _("Notices of account {number}").format(number=number),
        [
            _("Number"),
            _("Kind"),
            _("Issued"),
            _("Deadline"),
            _("Amount"),
            _("Status"),
            _("Invoices"),
        ],
        [
            (
                n.number,
                notice_kind_label(n.kind),
                format_date(n.issued_on),
                format_date(n.deadline),
                format_money(n.amount),
                label(n.status),
                ", ".join(n.invoice_numbers),
            )
            for n in found
        ],
    )
    output.note_more(len(found), more)


@notices.command("download")
@click.argument("notice_number", metavar="NUMBER")
@account_option
@out_option
@pass_state
def download_notice(
    state: State, notice_number: str, account: str | None, out: Path | None
) -> None:
    """Save a notice's PDF and print its path.

    The file is named ACCOUNT_NUMBER_ISSUED.pdf; it appears whole or not at all.

    \b
    Examples:
      selfcare notices download NT000000001
      xdg-open "$(selfcare notices download NT000000001 --out /tmp)"
    """

    async def download(client: SelfcareClient, number: str) -> Path:
        notice = None
        async for candidate in client.iter_notices(number):
            if candidate.number == notice_number:
                notice = candidate
                break
        if notice is None:
            raise not_found(
                _("Account {number} has no notice {notice}.").format(
                    number=number, notice=notice_number
                )
            )
        folder = out or default_download_dir()
        path = folder / document_file_name(number, notice.number, notice.issued_on)
        await client.download_notice(number, notice.number, path)
        return path

    click.echo(str(with_account(state, account, download)))


# --- pay ---------------------------------------------------------------------------------


def can_open_browser() -> bool:
    """A graphical browser is likely: never start a text browser that takes over a terminal."""
    if os.environ.get("BROWSER"):
        return True
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_browser(url: str) -> bool:
    if not can_open_browser():
        return False
    try:
        return webbrowser.open(url)
    except Exception:  # a broken browser setup must not fail the payment: the URL is printed
        return False


async def wait_for(
    client: SelfcareClient, number: str, started: PaymentSession, seconds: int
) -> PaymentSession:
    """Poll until the processor has answered or the time is up (the session still pending)."""
    deadline = time.monotonic() + seconds
    delay = POLL_FIRST
    while True:
        current = await client.payment_session(number, started.id)
        remaining = deadline - time.monotonic()
        if current.status is not PaymentSessionStatus.pending or remaining <= 0:
            return current
        await asyncio.sleep(min(delay, remaining))
        delay = min(delay * 1.5, POLL_MOST)


def show_amount_due(due: AmountDue, as_json: bool) -> None:
    if as_json:
        output.emit_json(due)
    else:
        rows = [
            (_("Account holder"), due.account_name),
            (_("Amount due"), format_money(due.amount)),
        ]
        if due.invoice_number and due.due_on:
            rows.append(
                (
                    _("Oldest open invoice"),
                    _("{number}, due {day}").format(
                        number=due.invoice_number, day=format_date(due.due_on)
                    ),
                )
            )
        output.fields(rows)
    output.note(
        _(
            "Paying online needs a login: run `selfcare login`, then `selfcare pay`. Your card "
            "details go to the payment processor's page, never to this program."
        )
    )


@click.command(cls=TranslatedCommand)
@click.argument("invoice_numbers", nargs=-1, metavar="[INVOICE]...")
@account_option
@click.option("--no-browser", is_flag=True, help="Only print the payment link; open nothing.")
@click.option(
    "--wait",
    is_flag=True,
    help="Wait until the payment processor confirms: exit 0 when paid, 5 when cancelled or "
    "failed, 1 when --timeout passes first.",
)
@click.option(
    "--timeout",
    type=click.IntRange(1),
    default=600,
    show_default=True,
    metavar="SECONDS",
    help="With --wait: how long to wait.",
)
@click.option(
    "--payment-code",
    callback=max_length(32, required=True),
    help="Without login: the payment code printed on the invoice (with --email).",
)
@click.option(
    "--email",
    callback=max_length(254, required=True),
    help="Without login: the e-mail address of the account (with --payment-code).",
)
@server_option
@output.json_option
@pass_state
def pay(
    state: State,
    invoice_numbers: tuple[str, ...],
    account: str | None,
    no_browser: bool,
    wait: bool,
    timeout: int,
    payment_code: str | None,
    email: str | None,
    server: str | None,
    as_json: bool,
) -> None:
    """Pay invoices online at the payment processor (default: every open invoice).

    Prints the processor's payment link and opens it in your browser when there is one.
    Card details are typed on the processor's page, never into this program.

    Without login, --payment-code and --email (both printed on, or known from, the
    invoice) show the amount due; paying itself needs a login.

    \b
    Examples:
      selfcare pay
      selfcare pay INV100000035 --no-browser --wait
      selfcare pay --payment-code 59428595753 --email maria.tamm@example.com
    """
    if payment_code is not None or email is not None:
        if payment_code is None or email is None:
            raise click.UsageError(_("Give both --payment-code and --email."))
        if invoice_numbers or wait or account:
            raise click.UsageError(
                _("With --payment-code no invoices, --account or --wait: paying needs a login.")
            )
        due = run_public(state, server, lambda client: client.amount_due(payment_code, email))
        show_amount_due(due, as_json)
        return
    if server is not None:
        raise click.UsageError(_("--server goes with --payment-code; a login has its server."))

    async def start(client: SelfcareClient, number: str) -> PaymentSession | None:
        chosen = list(invoice_numbers) or [
            i.number
            async for i in client.iter_invoices(number, status=InvoiceStatus.open)
            if i.balance.amount > 0
        ]
        if not chosen:
            output.note(_("Nothing is due on account {number}.").format(number=number))
            return None
        started = await client.start_payment(number, chosen)
        url = started.redirect_url or ""
        output.note(
            _("Pay {amount} for {invoices} of account {number} at the payment processor:").format(
                amount=format_money(started.amount),
                invoices=", ".join(started.invoice_numbers),
                number=number,
            )
        )
        if as_json:
            click.echo(url, err=True)  # stdout holds the JSON document alone
        else:
            click.echo(url)
        if not no_browser and open_browser(url):
            output.note(_("Opened the payment page in your browser."))
        if not wait:
            return started
        output.note(_("Waiting for the processor to confirm (Ctrl+C stops waiting)..."))
        final = await wait_for(client, number, started, timeout)
        return final.model_copy(update={"redirect_url": started.redirect_url})

    result = with_account(state, account, start)
    if result is None:
        return
    if as_json:
        output.emit_json(result)
    if not wait:
        return
    if result.status is PaymentSessionStatus.succeeded:
        output.note(_("Paid {amount}. Thank you.").format(amount=format_money(result.amount)))
    elif result.status is PaymentSessionStatus.pending:
        fail(
            _(
                "No answer from the payment processor within {seconds} s; payment {id} is still "
                "open. `selfcare payments list` shows the payment once it arrives."
            ).format(seconds=timeout, id=result.id),
            EXIT_FAILED_ITEMS,
        )
    elif result.status is PaymentSessionStatus.cancelled:
        fail(_("The payment was cancelled; nothing was charged."), EXIT_REFUSED)
    else:
        fail(
            _("The payment processor reports the payment failed; nothing was charged."),
            EXIT_REFUSED,
        )


COMMANDS: list[click.Command] = [payments, notices, pay]
