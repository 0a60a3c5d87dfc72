"""Reading a Green Button (ESPI) feed back: its entries, their links, and each flow direction's
interval readings in kWh. For the export tests (tests/unit/test_exports.py) and the
`selfcare consumption` ones (tests/cli/test_cli_consumption.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

ATOM = "{http://www.w3.org/2005/Atom}"


ESPI = "{http://naesb.org/espi}"


TALLINN = ZoneInfo("Europe/Tallinn")


def parse(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314 - our own export


def entries_with(feed: ET.Element, resource: str) -> list[ET.Element]:
    return [
        e
        for e in feed.findall(f"{ATOM}entry")
        if e.find(f"{ATOM}content/{ESPI}{resource}") is not None
    ]


def resource(entry: ET.Element, name: str) -> ET.Element:
    found = entry.find(f"{ATOM}content/{ESPI}{name}")
    assert found is not None
    return found


def link(entry: ET.Element, rel: str) -> list[str]:
    return [str(a.get("href")) for a in entry.findall(f"{ATOM}link[@rel='{rel}']")]


def meter_readings(feed: ET.Element) -> dict[int, dict[str, Any]]:
    """Per flow direction: the ReadingType and the IntervalBlocks, followed by their links."""
    types = {
        link(e, "self")[0]: resource(e, "ReadingType") for e in entries_with(feed, "ReadingType")
    }
    blocks = entries_with(feed, "IntervalBlock")
    found = {}
    for entry in entries_with(feed, "MeterReading"):
        related = link(entry, "related")
        (reading_type,) = [types[h] for h in related if h in types]
        (collection,) = [h for h in related if h.endswith("/IntervalBlock")]
        mine = [resource(b, "IntervalBlock") for b in blocks if link(b, "up") == [collection]]
        flow = int(reading_type.findtext(f"{ESPI}flowDirection", "-1"))
        found[flow] = {"type": reading_type, "blocks": mine}
    return found


def values(reading: dict[str, Any]) -> list[tuple[int, int, Decimal, bool]]:
    """(start, duration, kWh, estimated) per IntervalReading, from value × 10^multiplier Wh."""
    power = int(reading["type"].findtext(f"{ESPI}powerOfTenMultiplier"))
    out = []
    for block in reading["blocks"]:
        for r in block.findall(f"{ESPI}IntervalReading"):
            quality = r.findtext(f"{ESPI}ReadingQuality/{ESPI}quality")
            out.append(
                (
                    int(r.findtext(f"{ESPI}timePeriod/{ESPI}start", "")),
                    int(r.findtext(f"{ESPI}timePeriod/{ESPI}duration", "")),
                    Decimal(r.findtext(f"{ESPI}value", "")).scaleb(power) / 1000,
                    quality == "8",
                )
            )
    return out
