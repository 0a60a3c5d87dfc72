"""Reading the mail the server sent, as it arrived at the real local SMTP server."""

from __future__ import annotations

import re
import time
from email.message import EmailMessage

from selfcare_tui.server.local_mail import LocalMailServer


def mail_to(mail: LocalMailServer, recipient: str, count: int = 1) -> list[EmailMessage]:
    """The first `count` mails to `recipient`, waiting up to 10 s for them to arrive."""
    deadline = time.monotonic() + 10
    while True:
        found = [m for m in mail.messages() if m["To"] == recipient]
        if len(found) >= count:
            return found[:count]
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(found)} of {count} mails to {recipient} arrived")
        time.sleep(0.05)


def last_mail_to(mail: LocalMailServer, recipient: str, count: int) -> EmailMessage:
    """The `count`-th mail to `recipient` (from 1), once it has arrived."""
    return mail_to(mail, recipient, count)[-1]


def code_in(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    found = re.search(r"^ {4}(\d{8})$", body.get_content(), re.MULTILINE)
    assert found is not None, body.get_content()
    return found.group(1)
