"""The app's sections: one screen per capability, reached by `g` + key, the palette or a link.

Screen classes are imported when a section is opened, so this list can be imported by the
screens that link to sections (the overview) without importing each other.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from selfcare_tui.i18n import _


@dataclass(frozen=True)
class Section:
    name: str
    key: str
    """Pressed after `g` (go to), as in `g i` for invoices."""
    title: str
    description: str
    screen: str
    """module:Class of its AccountScreen subclass, under selfcare_tui.screens."""

    def screen_class(self) -> type:
        module, _sep, name = self.screen.partition(":")
        cls: type = getattr(importlib.import_module(f"selfcare_tui.screens.{module}"), name)
        return cls


def sections(agent: bool = False) -> list[Section]:
    """In menu order; a function so the titles are translated in the user's language. A
    support agent's list starts with the desk."""
    desk = Section(
        "desk",
        "d",
        _("Desk"),
        _("Work queues of requests and outage reports, customer search, audit log"),
        "desk:DeskScreen",
    )
    return [*([desk] if agent else []), *account_sections()]


def account_sections() -> list[Section]:
    return [
        Section(
            "overview",
            "o",
            _("Overview"),
            _("Balance, current invoice, reading window, notices, works, usage"),
            "overview:OverviewScreen",
        ),
        Section(
            "places",
            "m",
            _("Places and meters"),
            _("Places, contracts, meters, registers and reading history"),
            "places:PlacesScreen",
        ),
        Section(
            "readings",
            "r",
            _("Submit readings"),
            _("Meter readings in the reading window, and a bill on them"),
            "readings:ReadingsScreen",
        ),
        Section(
            "consumption",
            "c",
            _("Consumption"),
            _(
                "Monthly use and export, year on year, 15-minute profile, CSV and Green "
                "Button export"
            ),
            "consumption:ConsumptionScreen",
        ),
        Section(
            "tariffs",
            "t",
            _("Tariff packages"),
            _(
                "Products for your places, what your last 12 months would cost on each, "
                "change package"
            ),
            "tariffs:TariffsScreen",
        ),
        Section(
            "invoices",
            "i",
            _("Invoices"),
            _("Every invoice with filters; details, PDF, and paying"),
            "invoices:InvoicesScreen",
        ),
        Section(
            "payments",
            "p",
            _("Payments and notices"),
            _("Payments and what they settled, has my payment arrived, reminders and warnings"),
            "payments:PaymentsScreen",
        ),
        Section(
            "statistics",
            "s",
            _("Statistics"),
            _("Invoiced and paid per year and month, kWh, notices"),
            "statistics:StatisticsScreen",
        ),
        Section(
            "outages",
            "w",
            _("Outages and works"),
            _("Planned and accidental works, report an outage, your reports"),
            "outages:OutagesScreen",
        ),
        Section(
            "requests",
            "q",
            _("Requests"),
            _("Request guide, new requests with documents, status and history"),
            "requests:RequestsScreen",
        ),
        Section(
            "mandates",
            "a",
            _("Mandates"),
            _("People who act for you, and the accounts you act for, with what they allow"),
            "mandates:MandatesScreen",
        ),
        Section(
            "profile",
            "u",
            _("Your details"),
            _("Addresses, phone, e-mail and how invoices reach you"),
            "profile:ProfileScreen",
        ),
    ]


def section_named(name: str) -> Section | None:
    return next((s for s in sections(agent=True) if s.name == name), None)
