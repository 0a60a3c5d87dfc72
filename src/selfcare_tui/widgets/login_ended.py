"""The message a screen or widget posts when the server no longer accepts the login.

It lives with the widgets, the lowest part of the app, because forms post it as well as
screens; the app answers it by showing the login screen.
"""

from __future__ import annotations

from textual.message import Message


class LoginEnded(Message):
    """The server no longer accepts this login: the app shows the login screen."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
