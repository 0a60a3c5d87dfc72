"""`selfcare places`, `contracts` and `meters`: what is connected where, on which terms."""

from __future__ import annotations

import click

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import NotFound
from selfcare_tui.core.labels import label
from selfcare_tui.i18n import _, format_date, format_number

from . import output
from .context import State, account_option, not_found, pass_state, with_account
from .translated import TranslatedCommand

place_option = click.option(
    "--place",
    "-p",
    "place_id",
    metavar="PLACE",
    help="Only this place (its ID, as `selfcare places` shows).",
)


def register_label(register: models.Register) -> str:
    return f"{register.code} ({label(register.kind)})"


def reading_text(register: models.Register, reading: models.Reading) -> str:
    return _("{value} on {day} ({source})").format(
        value=format_number(reading.value, register.decimal_places),
        day=format_date(reading.read_on),
        source=label(reading.source),
    )


def meter_choices(meters: list[models.Meter]) -> str:
    return ", ".join(f"{m.serial_number} ({m.id})" for m in meters) or _("none")


async def find_meter(client: SelfcareClient, number: str, ref: str | None) -> models.Meter:
    """The meter a command means: by ID or by the serial number on the device.

    Without --meter, an account with one meter in place needs no choice; with several, the
    message lists them so the user can pick one.
    """
    meters = await client.meters(number, include_removed=True)
    if ref is None:
        current = [m for m in meters if m.removed_on is None]
        if len(current) == 1:
            return current[0]
        raise click.UsageError(
            _("Account {number} has {count} meters; choose one with --meter: {meters}.").format(
                number=number, count=len(current), meters=meter_choices(current)
            )
        )
    for meter in meters:
        if ref in (meter.id, meter.serial_number):
            return meter
    raise not_found(
        _("Account {number} has no meter {ref}. Its meters: {meters}.").format(
            number=number, ref=ref, meters=meter_choices(meters)
        )
    )


async def check_place(client: SelfcareClient, number: str, place_id: str) -> None:
    """Name the account's places when a --place is unknown, so the user can pick the right one."""
    places = await client.places(number)
    if all(p.id != place_id for p in places):
        raise not_found(
            _("Account {number} has no place {place}. Its places: {places}.").format(
                number=number, place=place_id, places=", ".join(p.id for p in places) or _("none")
            )
        )


@click.command(cls=TranslatedCommand)
@account_option
@output.json_option
@pass_state
def places(state: State, account: str | None, as_json: bool) -> None:
    """Consumption places: address, area, state.

    The account's places with their address, grid area (works are announced per area),
    whether they are connected, and their EIC code.

    \b
    Examples:
      selfcare places
      selfcare places --account 1000000002 --json | jq -r '.[].id'
    """

    found = with_account(state, account, lambda client, number: client.places(number))
    if as_json:
        output.emit_json(found)
        return
    output.table(
        None,
        [_("Place"), _("Address"), _("Area"), _("State"), _("EIC")],
        [(p.id, output.address_text(p.address), p.area, label(p.state), p.eic) for p in found],
    )


@click.command(cls=TranslatedCommand)
@account_option
@place_option
@output.json_option
@pass_state
def contracts(state: State, account: str | None, place_id: str | None, as_json: bool) -> None:
    """Contracts of your places, with their product.

    Supply and distribution contracts, their product (tariff package), start and end.

    \b
    Examples:
      selfcare contracts
      selfcare contracts --place PL000000001 --json
    """

    async def fetch(client: SelfcareClient, number: str) -> list[models.Contract]:
        try:
            return await client.contracts(number, place_id)
        except NotFound:
            if place_id:
                await check_place(client, number, place_id)
            raise

    found = with_account(state, account, fetch)
    if as_json:
        output.emit_json(found)
        return
    kinds = {models.ContractKind.supply: _("supply"), models.ContractKind.distribution: _("grid")}
    output.table(
        None,
        [_("Contract"), _("Place"), _("Kind"), _("Product"), _("Start"), _("End")],
        [
            (
                c.id,
                c.place_id,
                kinds[c.kind],
                f"{c.product.name} ({c.product.code})",
                format_date(c.start_date),
                format_date(c.end_date) if c.end_date else _("open-ended"),
            )
            for c in found
        ],
    )


@click.command(cls=TranslatedCommand)
@account_option
@place_option
@click.option("--include-removed", is_flag=True, help="Also meters that were replaced.")
@output.json_option
@pass_state
def meters(
    state: State, account: str | None, place_id: str | None, include_removed: bool, as_json: bool
) -> None:
    """Meters, their registers and last readings.

    Serial and seal number, install date, smart (read remotely) or read by hand, and each
    register with its last reading.

    \b
    Examples:
      selfcare meters
      selfcare meters --place PL000000001 --include-removed --json
    """

    async def fetch(client: SelfcareClient, number: str) -> list[models.Meter]:
        try:
            return await client.meters(number, place_id, include_removed=include_removed)
        except NotFound:
            if place_id:
                await check_place(client, number, place_id)
            raise

    found = with_account(state, account, fetch)
    if as_json:
        output.emit_json(found)
        return
    columns = [_("Meter"), _("Serial"), _("Seal"), _("Place"), _("Installed")]
    if include_removed:
        columns.append(_("Removed"))
    columns += [_("Read"), _("Registers (last reading)")]
    rows = []
    for m in found:
        row = [m.id, m.serial_number, m.seal_number, m.place_id, format_date(m.installed_on)]
        if include_removed:
            row.append(format_date(m.removed_on) if m.removed_on else "")
        registers = [
            f"{register_label(r)}: "
            + (reading_text(r, r.last_reading) if r.last_reading else _("no reading yet"))
            for r in m.registers
        ]
        row += [_("remotely (smart)") if m.smart else _("by hand"), "\n".join(registers)]
        rows.append(row)
    output.table(None, columns, rows)


COMMANDS: list[click.Command] = [places, contracts, meters]
