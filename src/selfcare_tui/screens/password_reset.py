"""Forgot password, from the login screen: the server mails a code to the login's address,
and the code with a new password sets it, once. Every session of the login ends; the login
screen then asks for the new password.

The first step's answer is the same whether or not a login uses the address, so the dialog
says only where to look.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from selfcare_tui.i18n import _
from selfcare_tui.widgets.form_fields import Field, FormFields

from .mailed_code import MailedCodeDialog


class PasswordResetDialog(MailedCodeDialog[str | None]):
    """Dismisses with a note for the login screen once the password is set."""

    MESSAGE_ID = "reset-message"

    _email: str | None = None
    """The address the code was mailed to, once the first step is sent."""

    def compose(self) -> ComposeResult:
        with Vertical(id="reset", classes="dialog-box mailed-code") as box:
            box.border_title = _("Forgot password")
            box.border_subtitle = _("enter next · esc close")
            yield Static(_("A code is mailed to the e-mail address of your login."), markup=False)
            yield FormFields([Field("email", _("E-mail address"))], id="address")
            yield Button(_("Send the code"), id="send", variant="primary", compact=True)
            with Vertical(id="code-step"):
                yield FormFields(
                    [
                        Field("code", _("Code from the mail"), max_length=32),
                        Field("new_password", _("New password"), password=True, max_length=1024),
                        Field("again", _("New password again"), password=True, max_length=1024),
                    ],
                    id="new",
                )
                yield Static(
                    _("12 characters or more; a few unrelated words make a good one."),
                    classes="hint",
                    markup=False,
                )
                with Horizontal(classes="buttons"):
                    yield Button(_("Set the password"), id="set", variant="primary", compact=True)
                    yield Button(_("Send a new code"), id="resend", compact=True)
            yield Static("", id="reset-message", classes="message", markup=False)

    def on_mount(self) -> None:
        self.query_one("#email", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        order = ["code", "new_password", "again"]
        if event.input.id == "email":
            self._send_pressed()
        elif event.input.id in order[:-1]:
            self.query_one(f"#{order[order.index(event.input.id) + 1]}", Input).focus()
        else:
            self._set_pressed()

    @on(Button.Pressed, "#send")
    @on(Button.Pressed, "#resend")
    def _send_pressed(self) -> None:
        address = self.query_one("#address", FormFields)
        email = address.value("email").strip()
        if address.show_errors({} if email else {"email": _("Type your login's e-mail address.")}):
            return
        self._send(email)

    @work(exclusive=True, group="reset")
    async def _send(self, email: str) -> None:
        address = self.query_one("#address", FormFields)
        self._say(_("Sending…"))
        sent = await self._ask(address, self._client.request_password_reset(email))
        if sent is not None:
            self._email = email
            self._code_sent(address, sent.detail)

    @on(Button.Pressed, "#set")
    def _set_pressed(self) -> None:
        new = self.query_one("#new", FormFields)
        errors: dict[str, str] = {}
        if not new.value("code").strip():
            errors["code"] = _("Type the code from the mail.")
        if not new.value("new_password"):
            errors["new_password"] = _("Type the new password.")
        elif new.value("again") != new.value("new_password"):
            errors["again"] = _("Not the same as the new password: type it again.")
        if self._email is None or new.show_errors(errors):
            return
        self._set(self._email, new.value("code").strip(), new.value("new_password"))

    @work(exclusive=True, group="reset")
    async def _set(self, email: str, code: str, password: str) -> None:
        self._say(_("Saving…"))
        new = self.query_one("#new", FormFields)
        if await self._ask(new, self._reset(email, code, password)):
            self.dismiss(
                _("Password changed, and every session of the login has ended. Log in again.")
            )

    async def _reset(self, email: str, code: str, password: str) -> bool:
        await self._client.reset_password(email, code, password)
        return True
