"""`selfcare readings list|submit`: what the meters say, and what the customer says they say."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import click

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import RuleViolation
from selfcare_tui.core.labels import label
from selfcare_tui.core.reading_values import reading_problem
from selfcare_tui.i18n import (
    _,
    format_date,
    format_datetime,
    format_kwh,
    format_money,
    format_number,
    ngettext,
)

from . import output
from .context import (
    DATE,
    State,
    account_option,
    as_date,
    handle,
    pass_state,
    period_days,
    with_account,
)
from .places import find_meter, register_label
from .translated import TranslatedGroup

meter_option = click.option(
    "--meter",
    "-m",
    "meter_ref",
    metavar="METER",
    help="Meter ID or the serial number on the device (default: the account's only meter).",
)


def find_register(meter: models.Meter, ref: str) -> models.Register:
    """A register by its code (1.8.1), its kind (day) or its ID: whatever the user has at hand."""
    for register in meter.registers:
        if ref in (register.code, register.kind.value, register.id):
            return register
    raise click.BadParameter(
        _("meter {meter} has no register {ref!r}; its registers: {registers}.").format(
            meter=meter.serial_number,
            ref=ref,
            registers=", ".join(register_label(r) for r in meter.registers),
        ),
        param_hint="--register",
    )


def checked_value(register: models.Register, text: str) -> Decimal:
    """The value as the server would accept it, or a usage error naming the register.

    Checking here what the meter's dial can show saves a round trip and a refusal that
    names a JSON path instead of the register the customer looks at.
    """
    checked = reading_problem(register, text)
    if isinstance(checked, Decimal):
        return checked
    raise click.BadParameter(
        checked, param_hint=_("register {label}").format(label=register_label(register))
    )


def register_values(
    meter: models.Meter, positional: tuple[str, ...], named: tuple[str, ...]
) -> list[models.RegisterValue]:
    if positional and named:
        raise click.UsageError(_("Give the values either in register order or with --register."))
    if named:
        pairs = []
        for item in named:
            ref, equals, text = item.partition("=")
            if not equals:
                raise click.BadParameter(
                    _("{item!r} is not REGISTER=VALUE, e.g. 1.8.1=12345.6.").format(item=item),
                    param_hint="--register",
                )
            pairs.append((find_register(meter, ref.strip()), text))
        ids = [r.id for r, _text in pairs]
        if len(set(ids)) != len(ids):
            raise click.BadParameter(_("a register is given twice."), param_hint="--register")
    else:
        if len(positional) != len(meter.registers):
            raise click.UsageError(
                _(
                    "Meter {meter} has {count} registers ({registers}): give one value for each, "
                    "in that order, or name them with --register REGISTER=VALUE."
                ).format(
                    meter=meter.serial_number,
                    count=len(meter.registers),
                    registers=", ".join(register_label(r) for r in meter.registers),
                )
            )
        pairs = list(zip(meter.registers, positional, strict=True))
    return [
        models.RegisterValue(register_id=register.id, value=checked_value(register, text))
        for register, text in pairs
    ]


@click.group(cls=TranslatedGroup)
def readings() -> None:
    """Meter readings: check them, enter your own."""


@readings.command("list")
@account_option
@meter_option
@click.option(
    "--register",
    "-r",
    "register_ref",
    metavar="REGISTER",
    help="Only this register: its code (1.8.1), kind (day, night) or ID.",
)
@click.option("--since", type=DATE, metavar="YYYY-MM-DD", help="From this day on.")
@click.option("--until", type=DATE, metavar="YYYY-MM-DD", help="Up to and including this day.")
@output.json_option
@pass_state
def readings_list(
    state: State,
    account: str | None,
    meter_ref: str | None,
    register_ref: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    as_json: bool,
) -> None:
    """Readings recorded for a meter, newest first, with who read them: you (customer), the
    utility's reader (utility), an estimate (estimated) or the smart meter (remote).

    \b
    Examples:
      selfcare readings list --since 2026-01-01
      selfcare readings list --meter EMH000000001 --register day --json
    """
    since_day, until_day = period_days(since, until)

    async def fetch(
        client: SelfcareClient, number: str
    ) -> tuple[models.Meter, list[models.Reading]]:
        meter = await find_meter(client, number, meter_ref)
        register = find_register(meter, register_ref) if register_ref else None
        found = [
            r
            async for r in client.iter_readings(
                number,
                meter.id,
                register_id=register.id if register else None,
                since=since_day,
                until=until_day,
            )
        ]
        return meter, found

    meter, found = with_account(state, account, fetch)
    none_found = _("No readings of meter {meter} in this period.").format(meter=meter.id)
    if output.json_or_none_found(found, as_json, none_found):
        return
    registers = {r.id: r for r in meter.registers}
    output.table(
        _("Meter {serial} ({meter})").format(serial=meter.serial_number, meter=meter.id),
        [_("Date"), _("Register"), _("Reading"), _("Source"), _("Received")],
        [
            (
                format_date(r.read_on),
                register_label(registers[r.register_id]),
                format_number(r.value, registers[r.register_id].decimal_places),
                label(r.source),
                format_datetime(r.submitted_at),
            )
            for r in found
        ],
    )


@readings.command("submit")
@account_option
@meter_option
@click.option(
    "--date",
    "read_on",
    type=DATE,
    metavar="YYYY-MM-DD",
    help="The day you read the meter (YYYY-MM-DD; default: today).",
)
@click.option(
    "--register",
    "-r",
    "named",
    multiple=True,
    metavar="REGISTER=VALUE",
    help="A register's value, by code or kind (1.8.1=12345.6, night=2345); repeat per register.",
)
@click.option(
    "--confirm",
    is_flag=True,
    help="The value is right although far above the usual use: record it anyway.",
)
@click.option(
    "--order-bill",
    is_flag=True,
    help="Also bill on this reading now (any day, also outside the reading window); "
    "it replaces the estimated bill.",
)
@output.json_option
@click.argument("values", nargs=-1, metavar="[VALUE]...")
@pass_state
def readings_submit(
    state: State,
    account: str | None,
    meter_ref: str | None,
    read_on: dt.datetime | None,
    named: tuple[str, ...],
    confirm: bool,
    order_bill: bool,
    as_json: bool,
    values: tuple[str, ...],
) -> None:
    """Enter a meter reading: the VALUEs in register order (see `selfcare meters`), or each
    register named with --register.

    Readings are taken in the reading window (the month's last day to the 3rd of the next
    month); with --order-bill on any day. The values are checked against what the meter can
    show before anything is sent.

    \b
    Examples:
      selfcare readings submit --date 2026-11-30 27310.5 37120
      selfcare readings submit --register day=27310.5 --register night=37120
      selfcare readings submit --order-bill 27310.5 37120 --json
    """
    if not values and not named:
        raise click.UsageError(_("Give the readings: VALUE... or --register REGISTER=VALUE."))
    day = as_date(read_on) or dt.date.today()

    async def submit(
        client: SelfcareClient, number: str
    ) -> tuple[models.Meter, models.ReadingReceipt | RuleViolation]:
        meter = await find_meter(client, number, meter_ref)
        submission = models.ReadingSubmission(
            meter_id=meter.id,
            read_on=day,
            values=register_values(meter, values, named),
            confirm_implausible=confirm,
            order_bill=order_bill,
        )
        try:
            return meter, await client.submit_readings(number, submission)
        except RuleViolation as error:
            if error.code in (
                models.ErrorCode.implausible_jump,
                models.ErrorCode.outside_reading_window,
            ):
                return meter, error
            raise

    meter, result = with_account(state, account, submit)
    if isinstance(result, RuleViolation):
        handle(result, state, hint=_refusal_hint(result))
    if as_json:
        output.emit_json(result)
        return
    registers = {r.id: r for r in meter.registers}
    used = {c.register_id: c for c in result.consumption_since_last}
    output.note(
        _("Recorded the reading of meter {serial} on {day}.").format(
            serial=meter.serial_number, day=format_date(day)
        )
    )
    output.table(
        None,
        [_("Register"), _("Reading"), _("Used since the last reading")],
        [
            (
                register_label(registers[r.register_id]),
                format_number(r.value, registers[r.register_id].decimal_places),
                _used_text(used[r.register_id]) if r.register_id in used else "",
            )
            for r in result.readings
        ],
    )
    invoice = result.ordered_invoice
    if invoice is not None:
        output.fields(
            [
                (_("Bill ordered"), invoice.number),
                (_("Energy"), format_kwh(invoice.kwh)),
                (_("Amount"), format_money(invoice.amount)),
                (_("Due"), format_date(invoice.due_on)),
            ]
        )


def _used_text(consumption: models.RegisterConsumption) -> str:
    return ngettext("{kwh} in {days} day", "{kwh} in {days} days", consumption.days).format(
        kwh=format_kwh(consumption.kwh), days=consumption.days
    )


def _refusal_hint(error: RuleViolation) -> str:
    if error.code is models.ErrorCode.implausible_jump:
        return _(
            "If the value is right (check the digits on the meter), run the command again "
            "with --confirm."
        )
    opens_on = error.problem.next_window_opens_on
    hint = (
        _("The next reading window opens on {day}.").format(day=format_date(opens_on))
        if opens_on
        else ""
    )
    return (hint + " " + _("To be billed on this reading now, add --order-bill.")).strip()


COMMANDS: list[click.Command] = [readings]
