"""What the dialogs that mail a code and take it back share (sign-up, forgot password): moving
on to the code step once the mail is on its way."""

from __future__ import annotations

from typing import TypeVar

from textual.widgets import Input

from selfcare_tui.widgets.form_fields import FormFields

from .form_dialog import FormDialog

T = TypeVar("T")


class MailedCodeDialog(FormDialog[T]):
    CSS_PATH = "mailed_code.tcss"

    def _code_sent(self, form: FormFields, detail: str) -> None:
        """The mail is on its way: what was sent stays shown, the code is asked for."""
        self.query_one("#code-step").add_class("-shown")
        self.query_one("#send").display = False
        form.set_disabled(True)
        self._say(detail)
        self.query_one("#code", Input).focus()
