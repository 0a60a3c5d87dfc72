"""`selfcare consumption`: monthly use and export, or a smart meter's day in 15-minute
intervals, as a table, CSV, JSON or Green Button (ESPI) XML."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

import click

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.core import exports
from selfcare_tui.i18n import (
    _,
    format_datetime,
    format_kwh,
    format_month,
    format_number,
)

from . import output
from .context import (
    DATE,
    EXIT_FAILED_ITEMS,
    State,
    account_option,
    check_period,
    fail,
    pass_state,
    with_account,
)
from .places import find_meter, place_option
from .translated import TranslatedCommand

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
FORMATS = ["table", "csv", "json", "green-button"]


def _month(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if not MONTH.match(text):
        raise click.BadParameter(_("{value!r} is not a month such as 2026-01.").format(value=value))
    return text


@click.command(cls=TranslatedCommand)
@account_option
@place_option
@click.option("--since", callback=_month, metavar="YYYY-MM", help="From this month on (YYYY-MM).")
@click.option("--until", callback=_month, metavar="YYYY-MM", help="Up to and including this month.")
@click.option(
    "--day",
    type=DATE,
    metavar="YYYY-MM-DD",
    help="Instead of months: this day of a smart meter, in 15-minute intervals.",
)
@click.option(
    "--meter",
    "-m",
    "meter_ref",
    metavar="METER",
    help="With --day: the meter's ID or serial number (default: the account's only meter).",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="csv: a header row and plain decimal numbers, for spreadsheets. green-button: "
    "NAESB ESPI XML (energy in Wh, epoch-second times), for energy tools.",
)
@click.option(
    "--out",
    "-o",
    "out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the csv, json or green-button output to this file (atomically) instead of "
    "standard output.",
)
@output.json_option
@pass_state
def consumption(
    state: State,
    account: str | None,
    place_id: str | None,
    since: str | None,
    until: str | None,
    day: dt.datetime | None,
    meter_ref: str | None,
    fmt: str,
    out: Path | None,
    as_json: bool,
) -> None:
    """Monthly consumption and export, side by side.

    Energy used and energy fed into the grid per month, never netted against each other.
    With --day, a smart meter's 15-minute intervals of that day instead.

    Months billed on an estimate are marked. Smart meters' data arrives a day or two late;
    the time it runs up to is shown.

    \b
    Examples:
      selfcare consumption --since 2026-01
      selfcare consumption --place PL000000002 --format csv > cottage.csv
      selfcare consumption --since 2025-01 --format green-button --out usage.xml
      selfcare consumption --day 2026-11-23 --format csv
    """
    if as_json:
        if fmt not in ("table", "json"):
            raise click.UsageError(_("Give either --json or --format {fmt}.").format(fmt=fmt))
        fmt = "json"
    if out is not None and fmt == "table":
        raise click.UsageError(_("--out writes a file: give --format csv, json or green-button."))
    if day is not None:
        if since or until or place_id:
            raise click.UsageError(
                _("--day shows one day of one meter: leave out --since, --until and --place.")
            )
        _one_day(state, account, meter_ref, day.date(), fmt, out)
        return
    if meter_ref is not None:
        raise click.UsageError(_("--meter goes with --day."))
    check_period(since, until)

    async def fetch(client: SelfcareClient, number: str) -> tuple[str, models.ConsumptionSeries]:
        series = await client.consumption(number, place_id=place_id, since=since, until=until)
        return number, series

    number, series = with_account(state, account, fetch)
    if fmt == "table":
        _months_table(series)
    elif fmt == "csv":
        _emit(exports.monthly_csv(series.months).encode(), out)
    elif fmt == "json":
        _emit(_json(series), out)
    else:
        xml = exports.monthly_green_button(
            series.months, account=number, place_id=place_id, now=dt.datetime.now(dt.UTC)
        )
        _emit(xml, out)
    _note_available(series.data_available_until)


def _one_day(
    state: State,
    account: str | None,
    meter_ref: str | None,
    day: dt.date,
    fmt: str,
    out: Path | None,
) -> None:
    async def fetch(client: SelfcareClient, number: str) -> tuple[str, models.IntervalSeries]:
        meter = await find_meter(client, number, meter_ref)
        if not meter.smart:
            raise click.UsageError(
                _(
                    "Meter {serial} is not a smart meter: it has no 15-minute data. "
                    "Leave out --day for its monthly consumption."
                ).format(serial=meter.serial_number)
            )
        return number, await client.intervals(number, meter.id, day)

    number, series = with_account(state, account, fetch)
    if fmt == "table":
        _intervals_table(series)
    elif fmt == "csv":
        _emit(exports.intervals_csv(series).encode(), out)
    elif fmt == "json":
        _emit(_json(series), out)
    else:
        now = dt.datetime.now(dt.UTC)
        _emit(exports.intervals_green_button(series, account=number, now=now), out)
    _note_available(series.data_available_until)


def _json(model: models.ApiModel) -> bytes:
    """The same document `--json` prints (output.emit_json)."""
    text = json.dumps(model.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    return text.encode()


def _emit(data: bytes, out: Path | None) -> None:
    """To the file (whole or not at all), or to standard output."""
    if out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        exports.write_atomically(out, data)
    except OSError as exc:
        fail(
            _("Error: could not write {path}: {error}").format(path=out, error=exc.strerror or exc),
            EXIT_FAILED_ITEMS,
        )
    output.note(_("Saved to {path}.").format(path=out))


def _note_available(until: dt.datetime | None) -> None:
    if until is not None:
        output.note(_("Remote-read data is in up to {when}.").format(when=format_datetime(until)))


def _months_table(series: models.ConsumptionSeries) -> None:
    if not series.months:
        output.note(_("No consumption recorded in this period."))
        return
    output.table(
        None,
        [_("Month"), _("Used"), _("Fed into the grid"), _("Billed on")],
        [
            (
                format_month(m.month),
                format_kwh(m.consumption_kwh),
                format_kwh(m.export_kwh),
                _("an estimate") if m.estimated else _("readings"),
            )
            for m in series.months
        ],
    )


def _intervals_table(series: models.IntervalSeries) -> None:
    if not series.points:
        output.note(_("No 15-minute data for this day."))
        return

    def kwh(value: Decimal) -> str:
        return _("{amount} kWh").format(amount=format_number(value, 4))

    output.table(
        _("Meter {meter}, {day}").format(meter=series.meter_id, day=series.day.isoformat()),
        [_("From"), _("Used"), _("Fed into the grid")],
        [
            (format_datetime(p.start), kwh(p.consumption_kwh), kwh(p.export_kwh))
            for p in series.points
        ],
    )


COMMANDS: list[click.Command] = [consumption]
