"""How a deployment of the reference backend is configured."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import platformdirs


def default_database_url() -> str:
    data_dir = Path(platformdirs.user_data_dir("selfcare-tui", appauthor=False))
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'server.sqlite3'}"


class Clock:
    """The server's idea of now; tests freeze it to exercise date rules such as the window."""

    def __init__(self, frozen: dt.datetime | None = None) -> None:
        self.frozen = frozen

    def now(self) -> dt.datetime:
        return self.frozen if self.frozen is not None else dt.datetime.now(dt.UTC)


@dataclass
class Settings:
    database_url: str = field(default_factory=default_database_url)
    timezone: str = "Europe/Tallinn"
    """The utility's local time zone: it decides what 'today' and the reading window mean."""
    reading_window_start_offset: int = 0
    """The window opens this many days before the month's last day (0: on the last day)."""
    reading_window_last_day: int = 3
    """The window closes at the end of this day of the next month."""
    implausible_factor: Decimal = Decimal(4)
    """A reading whose daily use exceeds this multiple of the usual rate needs a confirm."""
    implausible_min_kwh_per_day: Decimal = Decimal(20)
    payment_term_days: int = 20
    """An invoice is due this many days after it is issued."""
    reminder_after_days: int = 14
    """The billing run sends a payment reminder for an invoice this many days overdue."""
    reminder_deadline_days: int = 14
    """A reminder asks for payment within this many days."""
    billing_run_stale_after: dt.timedelta = dt.timedelta(minutes=10)
    """A running billing run silent this long (its process died) may be taken over."""
    access_token_ttl: dt.timedelta = dt.timedelta(minutes=15)
    refresh_token_ttl: dt.timedelta = dt.timedelta(days=30)
    mfa_challenge_ttl: dt.timedelta = dt.timedelta(minutes=5)
    mfa_enrolment_ttl: dt.timedelta = dt.timedelta(minutes=10)
    """How long a new TOTP secret waits for its first code."""
    device_code_ttl: dt.timedelta = dt.timedelta(minutes=10)
    """How long a device login waits for its approval."""
    device_poll_interval: int = 5
    """Seconds a device waits between polls (RFC 8628's default)."""
    mfa_issuer: str = "Selfcare"
    """The name authenticator apps show beside the username."""
    login_failures_per_user: int = 5
    login_failures_per_address: int = 30
    public_lookups_per_address: int = 10
    throttle_window: dt.timedelta = dt.timedelta(minutes=15)
    attachment_max_bytes: int = 10 * 1024 * 1024
    smtp_url: str | None = None
    """Where mail goes: smtp://[user:password@]host[:port] (STARTTLS when offered) or
    smtps://... (TLS from the start). Unset: mail waits in the database's outbox."""
    mail_from: str = "Selfcare <selfcare@localhost>"
    mailed_code_ttl: dt.timedelta = dt.timedelta(minutes=30)
    """How long a code mailed for a sign-up or a password reset stays good."""
    mails_per_address: int = 5
    """Mails a sign-up or reset may send one e-mail address per throttle window."""
    sign_ups_per_address: int = 10
    """Sign-ups and reset requests one client address may make per throttle window."""
    public_url: str | None = None
    """Base URL the payment processor hands back to; derived from the request when unset."""
    clock: Clock = field(default_factory=Clock)

    def __post_init__(self) -> None:
        # Day 29-31 does not exist in every month, so the window's last day must be 1-28.
        if not 1 <= self.reading_window_last_day <= 28:
            raise ValueError("reading_window_last_day must be between 1 and 28")
        if not 0 <= self.reading_window_start_offset <= 27:
            raise ValueError("reading_window_start_offset must be between 0 and 27")
        self.zone  # noqa: B018 - fail at start-up, not on the first request, on a bad zone

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def now(self) -> dt.datetime:
        return self.clock.now()

    def today(self) -> dt.date:
        return self.clock.now().astimezone(self.zone).date()
