"""Consumption data as files: CSV for spreadsheets, Green Button for energy tools.

Green Button is the NAESB ESPI format: an Atom feed whose entries hold a UsagePoint, its
MeterReadings, their ReadingTypes and IntervalBlocks of IntervalReadings (namespace
http://naesb.org/espi). Energy is given in Wh (uom 72) scaled by the ReadingType's
powerOfTenMultiplier, so values stay whole numbers without rounding; times are epoch seconds
and durations seconds. Consumption and export are separate MeterReadings (flow forward and
reverse), never netted. Monthly data has one IntervalBlock per month; a smart meter's day
one IntervalBlock of 900-second readings.

Used by the consumption screen and `selfcare consumption`, so it imports neither Textual
nor click.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import platformdirs

from selfcare_tui.api import models
from selfcare_tui.i18n import _

ATOM = "http://www.w3.org/2005/Atom"
ESPI = "http://naesb.org/espi"

MONTHLY_COLUMNS = ("month", "consumption_kwh", "export_kwh", "estimated")
INTERVAL_COLUMNS = ("start", "end", "consumption_kwh", "export_kwh")

# ESPI codes (NAESB REQ.21 enumerations).
WATT_HOURS = 72
DELTA_DATA = 4
ELECTRICITY_SECONDARY_METERED = 1
NORMAL = 12
ENERGY = 12
FORWARD = 1
"""Energy delivered to the customer: consumption."""
REVERSE = 19
"""Energy the customer fed into the grid: export."""
ESTIMATED_FROM_HISTORY = 8
"""QualityOfReading: replaced by a value computed from earlier use of the same kind."""

# --- CSV -------------------------------------------------------------------------------------


def _plain(value: Decimal) -> str:
    return format(value, "f")


def monthly_csv(months: Iterable[models.MonthlyConsumption]) -> str:
    """A header row and plain decimal numbers, as `selfcare consumption --format csv` prints."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MONTHLY_COLUMNS)
    for m in months:
        writer.writerow(
            [
                m.month,
                _plain(m.consumption_kwh),
                _plain(m.export_kwh),
                "true" if m.estimated else "false",
            ]
        )
    return out.getvalue()


def intervals_csv(series: models.IntervalSeries) -> str:
    """One row per interval; start and end in ISO 8601 UTC, so no local-time ambiguity."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(INTERVAL_COLUMNS)
    length = dt.timedelta(minutes=series.interval_minutes)
    for point in series.points:
        start = point.start.astimezone(dt.UTC)
        writer.writerow(
            [
                _iso(start),
                _iso(start + length),
                _plain(point.consumption_kwh),
                _plain(point.export_kwh),
            ]
        )
    return out.getvalue()


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


# --- Green Button ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    start: dt.datetime
    seconds: int
    kwh: Decimal
    estimated: bool = False

    @property
    def epoch(self) -> int:
        return int(self.start.timestamp())


def month_start(month: str, zone: dt.tzinfo | None = None) -> dt.datetime:
    """Midnight on the month's first day in `zone` (None: this computer's local time, whose
    daylight-saving rules apply on that day)."""
    year, number = (int(part) for part in month.split("-"))
    midnight = dt.datetime(year, number, 1)
    return midnight.replace(tzinfo=zone) if zone is not None else midnight.astimezone()


def _next_month(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year + number // 12}-{number % 12 + 1:02d}"


def monthly_intervals(
    months: Sequence[models.MonthlyConsumption], zone: dt.tzinfo | None = None
) -> tuple[list[Interval], list[Interval]]:
    """Consumption and export per month, each month from its first midnight to the next."""
    used, exported = [], []
    for m in months:
        start = month_start(m.month, zone)
        # timestamps, not datetime subtraction: within one tzinfo that ignores DST changes
        seconds = int(month_start(_next_month(m.month), zone).timestamp() - start.timestamp())
        used.append(Interval(start, seconds, m.consumption_kwh, m.estimated))
        exported.append(Interval(start, seconds, m.export_kwh, m.estimated))
    return used, exported


def power_of_ten(values: Iterable[Decimal]) -> int:
    """The powerOfTenMultiplier that keeps every value, in Wh, a whole number (0, or -1 for
    tenths of a Wh as in 15-minute data to 0.1 Wh)."""
    exponent = 0
    for value in values:
        wh = (value * 1000).normalize()
        if wh:
            found = wh.as_tuple().exponent
            assert isinstance(found, int)
            exponent = min(exponent, found)
    return exponent


def scaled(kwh: Decimal, multiplier: int) -> int:
    """The IntervalReading value: Wh as a whole number of 10^multiplier Wh."""
    return int((kwh * 1000).scaleb(-multiplier))


@dataclass(frozen=True)
class Reading:
    """One MeterReading: a direction of flow and its blocks of intervals."""

    title: str
    flow: int
    blocks: list[list[Interval]]
    interval_seconds: int | None
    """The ReadingType's intervalLength; None where intervals differ in length (months)."""


class _Feed:
    def __init__(self, base: str, title: str, now: dt.datetime) -> None:
        self.base = base
        self.stamp = _iso(now.replace(microsecond=0))
        self.root = ET.Element(f"{{{ATOM}}}feed")
        self._text(self.root, "id", self._urn(f"{base}#feed"))
        self._text(self.root, "title", title)
        self._text(self.root, "updated", self.stamp)

    @staticmethod
    def _urn(href: str) -> str:
        """The same resource gets the same id in every export, so tools can merge files."""
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'selfcare-tui:' + href)}"

    @staticmethod
    def _text(parent: ET.Element, tag: str, text: str, namespace: str = ATOM) -> ET.Element:
        element = ET.SubElement(parent, f"{{{namespace}}}{tag}")
        element.text = text
        return element

    def entry(self, href: str, up: str, title: str, related: Sequence[str] = ()) -> ET.Element:
        """An entry; returns its <content> to put the ESPI resource in."""
        entry = ET.SubElement(self.root, f"{{{ATOM}}}entry")
        self._text(entry, "id", self._urn(href))
        for rel, target in [("self", href), ("up", up), *(("related", r) for r in related)]:
            ET.SubElement(entry, f"{{{ATOM}}}link", rel=rel, href=target)
        self._text(entry, "title", title)
        content = ET.SubElement(entry, f"{{{ATOM}}}content")
        self._text(entry, "published", self.stamp)
        self._text(entry, "updated", self.stamp)
        return content

    def espi(self, parent: ET.Element, tag: str, text: str | int | None = None) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ESPI}}}{tag}")
        if text is not None:
            element.text = str(text)
        return element

    def to_bytes(self) -> bytes:
        lines = ['<?xml version="1.0" encoding="UTF-8"?>']
        _serialize(self.root, None, 0, lines)
        return ("\n".join(lines) + "\n").encode()


def _serialize(element: ET.Element, parent_ns: str | None, depth: int, lines: list[str]) -> None:
    """Atom as the default namespace and each ESPI resource declaring its own, as in the
    Green Button samples: files that tools reading by plain tag names accept too
    (ElementTree itself would invent ns0: prefixes)."""
    namespace, _sep, name = element.tag[1:].partition("}")
    attributes = "".join(f" {key}={quoteattr(value)}" for key, value in element.attrib.items())
    if namespace != parent_ns:
        attributes = f" xmlns={quoteattr(namespace)}" + attributes
    indent = "  " * depth
    children = list(element)
    if children:
        lines.append(f"{indent}<{name}{attributes}>")
        for child in children:
            _serialize(child, namespace, depth + 1, lines)
        lines.append(f"{indent}</{name}>")
    elif element.text:
        lines.append(f"{indent}<{name}{attributes}>{escape(element.text)}</{name}>")
    else:
        lines.append(f"{indent}<{name}{attributes}/>")


def green_button(
    *, account: str, usage_point: str, title: str, readings: Sequence[Reading], now: dt.datetime
) -> bytes:
    """A Green Button feed of one usage point (a place, or all of an account's places)."""
    base = f"RetailCustomer/{account}/UsagePoint"
    point = f"{base}/{usage_point}"
    feed = _Feed(point, title, now)
    content = feed.entry(point, base, title, [f"{point}/MeterReading"])
    category = feed.espi(feed.espi(content, "UsagePoint"), "ServiceCategory")
    feed.espi(category, "kind", 0)  # electricity
    for number, reading in enumerate(readings, start=1):
        meter_reading = f"{point}/MeterReading/{number}"
        reading_type = f"RetailCustomer/{account}/ReadingType/{usage_point}-{number}"
        blocks = f"{meter_reading}/IntervalBlock"
        content = feed.entry(
            meter_reading, f"{point}/MeterReading", reading.title, [reading_type, blocks]
        )
        feed.espi(content, "MeterReading")
        multiplier = power_of_ten(i.kwh for block in reading.blocks for i in block)
        _reading_type(
            feed,
            feed.entry(reading_type, f"RetailCustomer/{account}/ReadingType", reading.title),
            reading,
            multiplier,
        )
        for index, block in enumerate(reading.blocks, start=1):
            if block:
                _interval_block(
                    feed, feed.entry(f"{blocks}/{index}", blocks, ""), block, multiplier
                )
    return feed.to_bytes()


def _reading_type(feed: _Feed, content: ET.Element, reading: Reading, multiplier: int) -> None:
    kind = feed.espi(content, "ReadingType")
    feed.espi(kind, "accumulationBehaviour", DELTA_DATA)
    feed.espi(kind, "commodity", ELECTRICITY_SECONDARY_METERED)
    feed.espi(kind, "dataQualifier", NORMAL)
    feed.espi(kind, "flowDirection", reading.flow)
    if reading.interval_seconds is not None:
        feed.espi(kind, "intervalLength", reading.interval_seconds)
    feed.espi(kind, "kind", ENERGY)
    feed.espi(kind, "powerOfTenMultiplier", multiplier)
    feed.espi(kind, "timeAttribute", 0)
    feed.espi(kind, "uom", WATT_HOURS)


def _period(feed: _Feed, parent: ET.Element, tag: str, start: int, seconds: int) -> None:
    period = feed.espi(parent, tag)
    feed.espi(period, "duration", seconds)
    feed.espi(period, "start", start)


def _interval_block(
    feed: _Feed, content: ET.Element, block: Sequence[Interval], multiplier: int
) -> None:
    element = feed.espi(content, "IntervalBlock")
    first, last = block[0], block[-1]
    _period(feed, element, "interval", first.epoch, last.epoch + last.seconds - first.epoch)
    for interval in block:
        reading = feed.espi(element, "IntervalReading")
        if interval.estimated:
            quality = feed.espi(reading, "ReadingQuality")
            feed.espi(quality, "quality", ESTIMATED_FROM_HISTORY)
        _period(feed, reading, "timePeriod", interval.epoch, interval.seconds)
        feed.espi(reading, "value", scaled(interval.kwh, multiplier))


def _has_export(values: Iterable[Decimal]) -> bool:
    return any(value != 0 for value in values)


def monthly_green_button(
    months: Sequence[models.MonthlyConsumption],
    *,
    account: str,
    place_id: str | None,
    now: dt.datetime,
    zone: dt.tzinfo | None = None,
) -> bytes:
    """Monthly consumption (and export, for prosumers) as one IntervalBlock per month."""
    used, exported = monthly_intervals(months, zone)
    readings = [Reading(_("Monthly consumption"), FORWARD, [[i] for i in used], None)]
    if _has_export(m.export_kwh for m in months):
        readings.append(
            Reading(_("Monthly export to the grid"), REVERSE, [[i] for i in exported], None)
        )
    return green_button(
        account=account,
        usage_point=place_id or "all",
        title=_usage_title(account, place_id),
        readings=readings,
        now=now,
    )


def intervals_green_button(
    series: models.IntervalSeries, *, account: str, now: dt.datetime
) -> bytes:
    """A day of a smart meter's readings as one IntervalBlock of (usually 900-second) readings."""
    seconds = series.interval_minutes * 60
    used = [Interval(p.start, seconds, p.consumption_kwh) for p in series.points]
    readings = [Reading(_("Consumption per interval"), FORWARD, [used], seconds)]
    if _has_export(p.export_kwh for p in series.points):
        exported = [Interval(p.start, seconds, p.export_kwh) for p in series.points]
        readings.append(Reading(_("Export to the grid per interval"), REVERSE, [exported], seconds))
    return green_button(
        account=account,
        usage_point=series.meter_id,
        title=_("Meter {meter}, {day}").format(meter=series.meter_id, day=series.day.isoformat()),
        readings=readings,
        now=now,
    )


def _usage_title(account: str, place_id: str | None) -> str:
    if place_id is None:
        return _("Account {account}, all places").format(account=account)
    return _("Account {account}, place {place}").format(account=account, place=place_id)


# --- files -----------------------------------------------------------------------------------


def download_dir() -> Path:
    """Where exports from the app go: the user's downloads folder (XDG_DOWNLOAD_DIR on Linux)."""
    return platformdirs.user_downloads_path()


def monthly_filename(
    account: str, place_id: str | None, first: str, last: str, extension: str
) -> str:
    place = f"-{place_id}" if place_id else ""
    return f"consumption-{account}{place}-{first}-to-{last}.{extension}"


def intervals_filename(account: str, meter_id: str, day: dt.date, extension: str) -> str:
    return f"consumption-{account}-{meter_id}-{day.isoformat()}-15min.{extension}"


def free_path(folder: Path, name: str) -> Path:
    """`name` in `folder`, or name-2, name-3...: an export never overwrites a file."""
    path = folder / name
    stem, suffix = path.stem, path.suffix
    number = 1
    while path.exists():
        number += 1
        path = folder / f"{stem}-{number}{suffix}"
    return path


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside `path` and rename: nobody ever sees half a file, even after a crash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_export(name: str, data: bytes, folder: Path | None = None) -> Path:
    """Save into the downloads folder (or `folder`) under a name not yet taken."""
    path = free_path(folder or download_dir(), name)
    write_atomically(path, data)
    return path
