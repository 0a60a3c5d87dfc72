"""Mail to users, sent for real over SMTP without making a request wait for it.

A route writes its mail to the `outgoing_mail` table in its own transaction (`send_later`):
the mail exists if and only if what caused it happened, the answer takes as long whether a
mail was written or not, and an SMTP server that is down delays mail instead of failing
requests. The sender, a task of the server process, takes due mail with a lease (one
conditional UPDATE, so several server processes never send a mail twice), sends it with
aiosmtplib and marks it sent, or tries again later, waiting longer each time.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from urllib.parse import unquote, urlsplit

import aiosmtplib
import anyio.to_thread
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from . import tables
from .settings import Settings

log = logging.getLogger("selfcare.server.mail")

LEASE = dt.timedelta(minutes=2)
"""A taken mail is due again after this long if its sender died before marking it."""
GIVE_UP_AFTER = 20
"""Tries before a mail stays unsent (about a day of tries, waiting up to an hour between)."""
BATCH = 20
POLL_SECONDS = 2.0
"""How often the outbox is looked at for mail that other processes wrote."""
_QUEUED = "selfcare_mail_queued"


def send_later(db: Session, settings: Settings, recipient: str, subject: str, body: str) -> None:
    """Write a mail to the outbox; it is sent once the transaction commits."""
    now = settings.now()
    db.add(
        tables.OutgoingMail(
            recipient=recipient,
            subject=subject,
            body=body,
            created_at=now,
            due_at=now,
            attempts=0,
        )
    )
    db.info[_QUEUED] = True


@dataclass(frozen=True)
class SmtpServer:
    """Where mail is handed over, parsed from an smtp:// or smtps:// URL."""

    hostname: str
    port: int
    implicit_tls: bool
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """ValueError saying what is wrong (never repeating a password)."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("the SMTP URL must start with smtp:// or smtps://")
        if not parts.hostname:
            raise ValueError("the SMTP URL names no host")
        try:
            port = parts.port
        except ValueError:
            raise ValueError("the SMTP URL's port is not a number from 1 to 65535") from None
        implicit = parts.scheme == "smtps"
        return cls(
            hostname=parts.hostname,
            port=port or (465 if implicit else 25),
            implicit_tls=implicit,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )

    async def send(self, message: EmailMessage) -> None:
        await aiosmtplib.send(
            message,
            hostname=self.hostname,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.implicit_tls,
            # STARTTLS when the server offers it; a loopback test server offers none.
            start_tls=None if not self.implicit_tls else False,
            timeout=30,
        )


@dataclass
class _Due:
    id: int
    recipient: str
    subject: str
    body: str
    attempts: int


class MailSender:
    """Sends the outbox's due mail; woken at once by a commit that wrote mail in this
    process, and looking every few seconds for mail written elsewhere."""

    def __init__(
        self, sessions: sessionmaker[Session], settings: Settings, smtp: SmtpServer
    ) -> None:
        self._sessions = sessions
        self._settings = settings
        self._smtp = smtp
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def committed(self, session: Session) -> None:
        """The sessionmaker's after_commit hook: wake the sender if mail was written."""
        if session.info.pop(_QUEUED, False) and self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        while True:
            try:
                sent = await self.send_due()
            except Exception:  # a database hiccup must not stop mail for good
                log.exception("the mail sender failed; trying again shortly")
                sent = 0
            if sent < BATCH:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)

    async def send_due(self) -> int:
        """Send what is due now; returns how many mails were taken."""
        due = await anyio.to_thread.run_sync(self._take_due)
        for mail in due:
            try:
                await self._smtp.send(self._message(mail))
            except (aiosmtplib.SMTPException, OSError) as error:
                reason = f"{type(error).__name__}: {error}"[:200]
                log.warning("mail %d not sent (try %d): %s", mail.id, mail.attempts + 1, reason)
                await anyio.to_thread.run_sync(self._failed, mail, reason)
            else:
                log.info("mail %d sent", mail.id)
                await anyio.to_thread.run_sync(self._sent, mail)
        return len(due)

    def _message(self, mail: _Due) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._settings.mail_from
        message["To"] = mail.recipient
        message["Subject"] = mail.subject
        message["Date"] = format_datetime(self._settings.now())
        message["Message-ID"] = make_msgid("selfcare", self._smtp.hostname)
        message.set_content(mail.body)
        return message

    def _take_due(self) -> list[_Due]:
        Mail = tables.OutgoingMail
        now = self._settings.now()
        ready = (Mail.sent_at.is_(None), Mail.due_at <= now, Mail.attempts < GIVE_UP_AFTER)
        with self._sessions() as db:
            ids = select(Mail.id).where(*ready).order_by(Mail.due_at, Mail.id).limit(BATCH)
            # The WHERE is checked again on each row as it is locked: of two processes, one
            # takes a mail, the other finds it leased.
            rows = db.execute(
                update(Mail)
                .where(Mail.id.in_(ids.scalar_subquery()), *ready)
                .values(due_at=now + LEASE)
                .returning(Mail.id, Mail.recipient, Mail.subject, Mail.body, Mail.attempts)
                .execution_options(synchronize_session=False)
            ).all()
            db.commit()
        return [_Due(*row) for row in rows]

    def _sent(self, mail: _Due) -> None:
        self._record(mail, sent_at=self._settings.now(), last_error=None)

    def _failed(self, mail: _Due, reason: str) -> None:
        wait = min(dt.timedelta(minutes=2**mail.attempts), dt.timedelta(hours=1))
        self._record(
            mail,
            attempts=mail.attempts + 1,
            due_at=self._settings.now() + wait,
            last_error=reason,
        )

    def _record(self, mail: _Due, **values: Any) -> None:
        with self._sessions() as db:
            db.execute(
                update(tables.OutgoingMail)
                .where(tables.OutgoingMail.id == mail.id)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            db.commit()
