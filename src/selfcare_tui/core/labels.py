"""The API's enum values in words, for screens and commands alike (never the raw value)."""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from selfcare_tui import i18n
from selfcare_tui.api import models as m
from selfcare_tui.i18n import _


@cache
def _labels(language: str) -> dict[StrEnum, str]:
    """Per language, so a language chosen while running is spoken at once."""
    return {
        m.Access.owner: _("own account"),
        m.Access.delegate: _("by mandate"),
        m.Access.agent: _("as support agent"),
        m.ContractKind.supply: _("supply"),
        m.ContractKind.distribution: _("distribution"),
        m.CustomerKind.household: _("household"),
        m.CustomerKind.business: _("business"),
        m.InvoiceChannel.email: _("e-mail"),
        m.InvoiceChannel.sms: _("SMS"),
        m.InvoiceChannel.paper: _("paper"),
        m.InvoiceStatus.open: _("open"),
        m.InvoiceStatus.paid: _("paid"),
        m.InvoiceStatus.replaced: _("replaced"),
        m.MandateState.active: _("active"),
        m.MandateState.expired: _("expired"),
        m.MandateState.revoked: _("revoked"),
        m.NoticeKind.reminder: _("payment reminder"),
        m.NoticeKind.disconnection_warning: _("disconnection warning"),
        m.NoticeStatus.open: _("open"),
        m.NoticeStatus.closed: _("closed"),
        m.OutageReportStatus.open: _("open"),
        m.OutageReportStatus.in_progress: _("in progress"),
        m.OutageReportStatus.resolved: _("resolved"),
        m.PaymentMethod.card: _("card"),
        m.PaymentMethod.bank_transfer: _("bank transfer"),
        m.PaymentMethod.direct_debit: _("direct debit"),
        m.PaymentMethod.cash: _("cash"),
        m.PaymentSessionStatus.pending: _("waiting for payment"),
        m.PaymentSessionStatus.succeeded: _("paid"),
        m.PaymentSessionStatus.failed: _("failed"),
        m.PaymentSessionStatus.cancelled: _("cancelled"),
        m.PlaceState.connected: _("connected"),
        m.PlaceState.disconnected: _("disconnected"),
        m.ReadingSource.customer: _("customer"),
        m.ReadingSource.utility: _("utility"),
        m.ReadingSource.estimated: _("estimated"),
        m.ReadingSource.remote: _("remote"),
        m.RegisterKind.single: _("single"),
        m.RegisterKind.day: _("day"),
        m.RegisterKind.night: _("night"),
        m.RegisterKind.export: _("export"),
        m.RequestStatus.draft: _("draft"),
        m.RequestStatus.submitted: _("submitted"),
        m.RequestStatus.in_progress: _("in progress"),
        m.RequestStatus.completed: _("completed"),
        m.RequestStatus.rejected: _("rejected"),
        m.Role.customer: _("customer"),
        m.Role.agent: _("support agent"),
        m.Scope.view: _("view"),
        m.Scope.readings: _("readings"),
        m.Scope.pay: _("pay"),
        m.Scope.requests: _("requests"),
        m.WorkKind.planned: _("planned"),
        m.WorkKind.accidental: _("accidental"),
    }


def label(value: StrEnum) -> str:
    """The word for `value`; a value this version does not know (a newer server) as it is."""
    return _labels(i18n.language()).get(value, value.value)


def label_of(enum: type[StrEnum], value: str) -> str:
    """For plain strings from a problem's `blocking` member."""
    try:
        return label(enum(value))
    except ValueError:
        return value
