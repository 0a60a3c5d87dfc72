"""`selfcare invoices`: list, show, order a bill on an actual reading, and copies without login."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.models import Invoice, InvoiceCopy, InvoiceStatus
from selfcare_tui.core.file_names import document_file_name
from selfcare_tui.core.labels import label
from selfcare_tui.core.replaced_bills import bills_replaced_by
from selfcare_tui.i18n import (
    _,
    format_date,
    format_kwh,
    format_money,
    format_number,
    format_percent,
    format_unit_price,
)

from . import output
from .context import (
    DATE,
    State,
    account_option,
    chosen_limit,
    default_download_dir,
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
from .translated import TranslatedGroup

PAGE_LIMIT = 200
"""The most the server gives in one page."""


def reading_label(invoice: Invoice) -> str:
    return _("estimated") if invoice.estimated else _("actual")


def period_text(start: dt.date, end: dt.date) -> str:
    return _("{start} to {end}").format(start=format_date(start), end=format_date(end))


def invoice_table(title: str | None, invoices: list[Invoice]) -> None:
    output.table(
        title,
        [
            _("Number"),
            _("Period"),
            _("Issued"),
            _("Due"),
            _("Consumption"),
            _("Amount"),
            _("Balance"),
            _("Status"),
            _("Reading"),
        ],
        [
            (
                i.number,
                period_text(i.period_start, i.period_end),
                format_date(i.issued_on),
                format_date(i.due_on),
                format_kwh(i.kwh),
                format_money(i.amount),
                format_money(i.balance),
                label(i.status),
                reading_label(i),
            )
            for i in invoices
        ],
    )


def invoice_fields(invoice: Invoice, replaces: list[Invoice] | None = None) -> None:
    """Everything S2 lists for an invoice, then its price lines."""
    rows = [
        (_("Invoice"), invoice.number),
        (_("Account"), invoice.account_number),
        (_("Place"), invoice.place_id),
        (_("Period"), period_text(invoice.period_start, invoice.period_end)),
        (_("Issued"), format_date(invoice.issued_on)),
        (_("Due"), format_date(invoice.due_on)),
        (_("Consumption"), format_kwh(invoice.kwh)),
        (_("Amount"), format_money(invoice.amount)),
        (
            _("Tax"),
            _("{amount} ({rate}), included").format(
                amount=format_money(invoice.tax_amount), rate=format_percent(invoice.tax_rate)
            ),
        ),
        (_("Balance"), format_money(invoice.balance)),
        (_("Status"), label(invoice.status)),
        (
            _("Billed on"),
            _("an estimated reading") if invoice.estimated else _("an actual reading"),
        ),
    ]
    if invoice.replaced_by:
        rows.append((_("Replaced by"), invoice.replaced_by))
    if replaces:
        rows.append((_("Replaces"), ", ".join(i.number for i in replaces)))
    rows += [
        (_("Payment reference"), invoice.payment_reference),
        (_("Correspondence address"), output.address_text(invoice.correspondence_address)),
    ]
    output.fields(rows)
    if invoice.lines:
        output.table(
            _("Price lines"),
            [_("Description"), _("Quantity"), _("Unit price"), _("Amount")],
            [
                (
                    line.description,
                    f"{format_number(line.quantity)} {line.unit}",
                    format_unit_price(line.unit_price),
                    format_money(line.amount),
                )
                for line in invoice.lines
            ],
        )


@click.group(cls=TranslatedGroup)
def invoices() -> None:
    """Invoices: list and show them, order a bill on an actual reading, get copies.

    \b
    Examples:
      selfcare invoices list --status open
      selfcare invoices show INV100000036
      selfcare invoices order --meter M000000001
    """


@invoices.command("list")
@account_option
@click.option(
    "--status",
    type=click.Choice([s.value for s in InvoiceStatus]),
    help="Only invoices in this state (replaced: estimates a bill on an actual reading replaced).",
)
@click.option("--place", metavar="PLACE_ID", help="Only invoices of this consumption place.")
@click.option("--since", type=DATE, metavar="YYYY-MM-DD", help="Issued on or after this day.")
@click.option("--until", type=DATE, metavar="YYYY-MM-DD", help="Issued on or before this day.")
@listing_options
@output.json_option
@pass_state
def list_invoices(
    state: State,
    account: str | None,
    status: str | None,
    place: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    limit: int | None,
    every: bool,
    as_json: bool,
) -> None:
    """List invoices, newest first; estimated ones say so.

    \b
    Examples:
      selfcare invoices list
      selfcare invoices list --status open --json | jq -r '.[].number'
      selfcare invoices list --since 2026-01-01 --until 2026-06-30 --all
    """
    wanted = chosen_limit(limit, every)
    since_day, until_day = period_days(since, until)
    chosen = InvoiceStatus(status) if status else None

    async def fetch(client: SelfcareClient, number: str) -> tuple[str, list[Invoice], bool]:
        if wanted is None:
            found = [
                i
                async for i in client.iter_invoices(
                    number, status=chosen, place_id=place, since=since_day, until=until_day
                )
            ]
            return number, found, False
        found, cursor = [], None
        while True:
            page = await client.invoices_page(
                number,
                status=chosen,
                place_id=place,
                since=since_day,
                until=until_day,
                cursor=cursor,
                limit=min(wanted - len(found), PAGE_LIMIT),
            )
            found += page.items
            cursor = page.next_cursor
            if cursor is None or len(found) >= wanted:
                return number, found, cursor is not None

    number, found, more = with_account(state, account, fetch)
    none_found = _("No invoices of account {number} match.").format(number=number)
    if output.json_or_none_found(found, as_json, none_found):
        return
    invoice_table(_("Invoices of account {number}").format(number=number), found)
    output.note_more(len(found), more)


@invoices.command("show")
@click.argument("invoice_number", metavar="NUMBER")
@account_option
@output.json_option
@pass_state
def show_invoice(state: State, invoice_number: str, account: str | None, as_json: bool) -> None:
    """Show one invoice: dates, kWh, amount, balance, reference, address and price lines.

    \b
    Examples:
      selfcare invoices show INV100000036
      selfcare invoices show INV100000036 --json | jq .balance.amount
    """

    invoice = with_account(
        state, account, lambda client, number: client.invoice(number, invoice_number)
    )
    if as_json:
        output.emit_json(invoice)
        return
    invoice_fields(invoice)


@invoices.command("order")
@account_option
@click.option(
    "--meter",
    required=True,
    metavar="METER",
    help="The meter whose latest actual reading to bill on: its id or serial number.",
)
@output.json_option
@pass_state
def order_invoice(state: State, account: str | None, meter: str, as_json: bool) -> None:
    """Order a bill on the meter's latest actual reading now, on any day.

    Submit a reading of every register of the meter first (`selfcare readings submit`).
    The new bill replaces the place's open estimated invoice, which then no longer counts;
    when the latest bill is already on an actual reading there is nothing to replace and
    the order is refused (exit 5).

    \b
    Examples:
      selfcare invoices order --meter M000000001
      selfcare invoices order --meter EMH000000001 --json
    """

    async def order(client: SelfcareClient, number: str) -> tuple[Invoice, list[Invoice]]:
        meters = await client.meters(number)
        meter_id = next(
            (m.id for m in meters if meter in (m.id, m.serial_number)),
            meter,
        )
        ordered = await client.order_bill(number, meter_id)
        return ordered, await bills_replaced_by(client, number, ordered)

    ordered, replaced = with_account(state, account, order)
    if as_json:
        output.emit_json(ordered)
        return
    if replaced:
        output.note(
            _("Ordered invoice {number}; it replaces the estimated invoice {replaced}.").format(
                number=ordered.number, replaced=", ".join(i.number for i in replaced)
            )
        )
    else:
        output.note(_("Ordered invoice {number}.").format(number=ordered.number))
    invoice_fields(ordered, replaced)


@invoices.command("copies")
@click.option(
    "--payment-code",
    required=True,
    callback=max_length(32, required=True),
    help="The payment code printed on your invoice.",
)
@click.option(
    "--national-id",
    required=True,
    callback=max_length(32, required=True),
    help="The holder's personal or registry code.",
)
@click.option(
    "--download",
    "invoice_number",
    metavar="NUMBER",
    help="Save this invoice's PDF instead of listing the copies.",
)
@out_option
@server_option
@output.json_option
@pass_state
def invoice_copies(
    state: State,
    payment_code: str,
    national_id: str,
    invoice_number: str | None,
    out: Path | None,
    server: str | None,
    as_json: bool,
) -> None:
    """Copies of your invoices without logging in: the last one and those of 12 months.

    Identify with the payment code printed on the invoice and the holder's personal (or
    registry) code. With --download the PDF is saved and its path printed.

    \b
    Examples:
      selfcare invoices copies --payment-code 59428595753 --national-id 48503120221
      selfcare invoices copies --payment-code 59428595753 --national-id 48503120221 \\
          --download INV100000036 --out ~/invoices
    """
    if out is not None and invoice_number is None:
        raise click.UsageError(_("--out needs --download NUMBER."))

    async def fetch(client: SelfcareClient) -> tuple[list[InvoiceCopy], Path | None]:
        copies = await client.invoice_copies(payment_code, national_id)
        if invoice_number is None:
            return copies, None
        chosen = next((c for c in copies if c.number == invoice_number), None)
        if chosen is None:
            raise not_found(
                _(
                    "Invoice {number} is not among the copies available without login (the "
                    "last invoice and those of the last 12 months)."
                ).format(number=invoice_number)
            )
        folder = out or default_download_dir()
        path = folder / document_file_name(chosen.number, chosen.issued_on)
        await client.download_invoice_copy(payment_code, national_id, chosen.number, path)
        return copies, path

    copies, path = run_public(state, server, fetch)
    if path is not None:
        click.echo(str(path))
        return
    if as_json:
        output.emit_json(copies)
        return
    output.table(
        _("Invoice copies"),
        [_("Number"), _("Issued"), _("Amount")],
        [(c.number, format_date(c.issued_on), format_money(c.amount)) for c in copies],
    )


COMMANDS: list[click.Command] = [invoices]
