"""A real SMTP server on loopback that files every mail in a maildir: the demo's mail, which a
user reads with any mail client (`mutt -f DIR`) or as files, and the tests' mail.

aiosmtpd's own Mailbox handler writes the maildir; this only picks a free port (its
controller checks that it is up by connecting to the port it was given, so it cannot be 0).
"""

from __future__ import annotations

import email.policy
import mailbox
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

from .run import free_port


class LocalMailServer:
    def __init__(self, maildir: Path, host: str = "127.0.0.1") -> None:
        self.maildir = maildir
        self.host = host
        self.port = free_port(host)
        self._controller = Controller(Mailbox(maildir), hostname=host, port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def start(self) -> LocalMailServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def messages(self) -> list[EmailMessage]:
        """Every mail received so far, in the order it arrived."""
        box = mailbox.Maildir(self.maildir, create=True)
        keys = sorted(box.keys(), key=lambda key: (box.get_message(key).get_date(), key))
        parsed = [
            email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
            for key in keys
        ]
        return [message for message in parsed if isinstance(message, EmailMessage)]
