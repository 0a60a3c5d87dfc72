"""Create a login from the login screen: username, e-mail and password, then the code the
server mails to the address. The code makes the login, logged in at once; a new login holds
no account yet, so the app then offers to attach one.

The server's answer to the first step is the same whatever the address or username (it says
so in the mail, to the owner of the address alone), so this dialog cannot tell either, and
says only where to look.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from selfcare_tui.i18n import _
from selfcare_tui.widgets.form_fields import Field, FormFields

from .mailed_code import MailedCodeDialog


@dataclass
class SignedUp:
    """The new login's username; the client given to the dialog is logged in as it."""

    username: str


class SignUpDialog(MailedCodeDialog[SignedUp | None]):
    MESSAGE_ID = "sign-up-message"

    _email: str | None = None
    """The address the code was mailed to, once the first step is sent."""

    def compose(self) -> ComposeResult:
        with Vertical(id="sign-up", classes="dialog-box mailed-code") as box:
            box.border_title = _("Create an account")
            box.border_subtitle = _("enter next · esc close")
            yield Static(
                _("At {server}. A code is mailed to your address to prove it.").format(
                    server=self._client.base_url
                ),
                markup=False,
            )
            yield FormFields(
                [
                    Field("username", _("Username"), max_length=32),
                    Field("email", _("E-mail address")),
                    Field("password", _("Password"), password=True, max_length=1024),
                    Field("again", _("Password again"), password=True, max_length=1024),
                ],
                id="details",
            )
            yield Static(
                _(
                    "Username: 3 to 32 lowercase letters, digits, '.', '_' or '-'. Password: 12 "
                    "characters or more; a few unrelated words make a good one."
                ),
                classes="hint",
                markup=False,
            )
            yield Button(_("Send the code"), id="send", variant="primary", compact=True)
            with Vertical(id="code-step"):
                yield FormFields(
                    [Field("code", _("Code from the mail"), max_length=32)], id="codes"
                )
                with Horizontal(classes="buttons"):
                    yield Button(
                        _("Create the login"), id="confirm", variant="primary", compact=True
                    )
                    yield Button(_("Send a new code"), id="resend", compact=True)
            yield Static("", id="sign-up-message", classes="message", markup=False)

    def on_mount(self) -> None:
        self.query_one("#username", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        order = ["username", "email", "password", "again"]
        if event.input.id in order[:-1]:
            self.query_one(f"#{order[order.index(event.input.id) + 1]}", Input).focus()
        elif event.input.id == "code":
            self._confirm_pressed()
        else:
            self._send_pressed()

    @on(Button.Pressed, "#send")
    @on(Button.Pressed, "#resend")
    def _send_pressed(self) -> None:
        details = self.query_one("#details", FormFields)
        username, email = details.value("username").strip(), details.value("email").strip()
        password = details.value("password")
        errors: dict[str, str] = {}
        if not username:
            errors["username"] = _("Type the username you want.")
        if not email:
            errors["email"] = _("Type your e-mail address: the code is mailed there.")
        if not password:
            errors["password"] = _("Type a password.")
        elif details.value("again") != password:
            errors["again"] = _("Not the same as the password: type it again.")
        if details.show_errors(errors):
            self._say(_("Nothing was sent."), error=True)
            return
        self._send(username, email, password)

    @work(exclusive=True, group="sign-up")
    async def _send(self, username: str, email: str, password: str) -> None:
        details = self.query_one("#details", FormFields)
        self._say(_("Sending…"))
        sent = await self._ask(details, self._client.sign_up(username, email, password))
        if sent is not None:
            self._email = email
            self._code_sent(details, sent.detail)

    @on(Button.Pressed, "#confirm")
    def _confirm_pressed(self) -> None:
        codes = self.query_one("#codes", FormFields)
        code = codes.value("code").strip()
        if self._email is None:
            return
        if codes.show_errors({} if code else {"code": _("Type the code from the mail.")}):
            return
        self._confirm(self._email, code)

    @work(exclusive=True, group="sign-up")
    async def _confirm(self, email: str, code: str) -> None:
        codes = self.query_one("#codes", FormFields)
        self._say(_("Creating the login…"))
        if await self._ask(codes, self._client.confirm_sign_up(email, code)) is None:
            self.query_one("#code", Input).focus()
            return
        self.dismiss(SignedUp(self.query_one("#details", FormFields).value("username").strip()))
