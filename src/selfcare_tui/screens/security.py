"""Security of the login: where it is in use (ending any other session), the second factor
(on with a QR code for the authenticator app, off, new recovery codes), and changing the
password, which ends every other session. Opened from Your details (ctrl+t) or the palette.

The password fields are masked and never leave the dialog except to the server; a refusal
(the current password wrong, the new one too short or too common) is shown beside its field
and what was typed stays, so only the field at fault needs typing again.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Input, Label, Static

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import ApiError, SelfcareError, TokenRejected
from selfcare_tui.core.failures import describe
from selfcare_tui.i18n import _, format_datetime, ngettext
from selfcare_tui.widgets.loading import done_loading
from selfcare_tui.widgets.login_ended import LoginEnded

from .dialog import Dialog
from .mfa_change import MfaDisableDialog, NewRecoveryCodesDialog
from .mfa_enrol import MfaEnrolDialog

PASSWORD_FIELDS = ("current_password", "new_password", "again")


class SecurityDialog(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "end_session", _("End session")),
        Binding("ctrl+s", "change_password", _("Change password")),
    ]

    CSS_PATH = "security.tcss"

    def __init__(self, client: SelfcareClient) -> None:
        super().__init__()
        self._client = client
        self.sessions: list[models.LoginSession] | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="security-box", classes="dialog-box") as box:
            box.border_title = _("Security")
            box.border_subtitle = _("x end session · ctrl+s change password · esc close")
            yield Label(_("Where your login is in use"), classes="heading")
            yield DataTable[str](id="sessions", cursor_type="row", zebra_stripes=True)
            yield Static("", id="sessions-status", markup=False)
            yield Label(_("Second factor"), classes="heading")
            with Horizontal(id="mfa-row"):
                yield Static("", id="mfa-status", markup=False)
                yield Button(_("Turn on…"), id="mfa-on", compact=True)
                yield Button(_("Turn off…"), id="mfa-off", compact=True)
                yield Button(_("New recovery codes…"), id="mfa-new-codes", compact=True)
            yield Label(_("Change password"), classes="heading")
            for field, text in (
                ("current_password", _("Current password")),
                ("new_password", _("New password")),
                ("again", _("New password again")),
            ):
                with Horizontal(classes="row"):
                    yield Label(text)
                    yield Input(id=field, password=True, max_length=1024, compact=True)
                yield Static("", id=f"{field}-error", classes="field-error", markup=False)
            yield Static(
                _(
                    "12 characters or more, any characters; a few unrelated words make a good "
                    "one. Your other sessions end."
                ),
                id="password-hint",
                markup=False,
            )
            with Horizontal(id="security-buttons"):
                yield Button(_("Change password"), id="change", variant="primary", compact=True)
                yield Button(_("Close"), id="close", compact=True)
            yield Static("", id="password-message", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.add_column(_("Client"), key="client")
        table.add_column(_("Address"), key="address")
        table.add_column(_("Last used"), key="last_used")
        table.add_column("", key="current")
        self._show_errors({})
        table.focus()
        self._load_sessions()
        self._load_second_factor()

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.action_close()

    # --- sessions ---------------------------------------------------------------------------

    @work(exclusive=True, group="sessions")
    async def _load_sessions(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.loading = True
        try:
            found = await self._client.sessions()
        except TokenRejected as exc:
            self._ended(exc)
            return
        except SelfcareError as exc:
            self._say("#sessions-status", describe(exc, self._client.base_url), error=True)
            return
        finally:
            done_loading(table)
        self.sessions = found
        table.clear()
        for session in found:
            table.add_row(
                session.client_name,
                session.address,
                format_datetime(session.last_used_at),
                _("this one") if session.current else "",
                key=session.id,
            )
        self._say("#sessions-status", "")

    def action_end_session(self) -> None:
        table = self.query_one("#sessions", DataTable)
        if not self.sessions or not 0 <= table.cursor_row < len(self.sessions):
            return
        chosen = self.sessions[table.cursor_row]
        if chosen.current:
            self._say(
                "#sessions-status",
                _("This is the session you are using: log out to end it."),
                error=True,
            )
            return
        self._end(chosen)

    @work(exclusive=True, group="sessions")
    async def _end(self, session: models.LoginSession) -> None:
        try:
            await self._client.end_session(session.id)
        except TokenRejected as exc:
            self._ended(exc)
            return
        except SelfcareError as exc:
            self._say("#sessions-status", describe(exc, self._client.base_url), error=True)
            return
        self.notify(
            _("The session on {client} from {address} has ended.").format(
                client=session.client_name, address=session.address
            ),
            title=_("Security"),
        )
        self._load_sessions()

    # --- second factor ----------------------------------------------------------------------

    @work(exclusive=True, group="second-factor")
    async def _load_second_factor(self) -> None:
        for button in ("#mfa-on", "#mfa-off", "#mfa-new-codes"):
            self.query_one(button).display = False
        status = self.query_one("#mfa-status", Static)
        try:
            me = await self._client.me()
        except TokenRejected as exc:
            self._ended(exc)
            return
        except SelfcareError as exc:
            status.update(describe(exc, self._client.base_url))
            return
        if me.mfa_enabled:
            status.update(
                ngettext(
                    "On: a code from the app at every login. {count} recovery code left.",
                    "On: a code from the app at every login. {count} recovery codes left.",
                    me.recovery_codes_left,
                ).format(count=me.recovery_codes_left)
            )
        else:
            status.update(_("Off: logins ask for the password alone."))
        self.query_one("#mfa-on").display = not me.mfa_enabled
        self.query_one("#mfa-off").display = me.mfa_enabled
        self.query_one("#mfa-new-codes").display = me.mfa_enabled

    @on(Button.Pressed, "#mfa-on")
    def _turn_on(self) -> None:
        self.app.push_screen(MfaEnrolDialog(self._client), self._second_factor_changed)

    @on(Button.Pressed, "#mfa-off")
    def _turn_off(self) -> None:
        self.app.push_screen(MfaDisableDialog(self._client), self._second_factor_changed)

    @on(Button.Pressed, "#mfa-new-codes")
    def _new_codes(self) -> None:
        self.app.push_screen(NewRecoveryCodesDialog(self._client), self._codes_shown)

    def _codes_shown(self, _closed: None) -> None:
        self._load_second_factor()

    def _second_factor_changed(self, changed: bool | None) -> None:
        if changed:
            self._load_second_factor()

    # --- password ---------------------------------------------------------------------------

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    @on(Button.Pressed, "#change")
    def action_change_password(self) -> None:
        errors: dict[str, str] = {}
        if not self._value("current_password"):
            errors["current_password"] = _("Type your current password.")
        if not self._value("new_password"):
            errors["new_password"] = _("Type the new password.")
        elif self._value("again") != self._value("new_password"):
            errors["again"] = _("Not the same as the new password: type it again.")
        self._show_errors(errors)
        if errors:
            self._say("#password-message", _("Nothing was sent."), error=True)
            return
        self._change(self._value("current_password"), self._value("new_password"))

    @work(exclusive=True, group="password")
    async def _change(self, current: str, new: str) -> None:
        button = self.query_one("#change", Button)
        button.disabled = True
        self._say("#password-message", _("Saving…"))
        try:
            await self._client.change_password(current, new)
        except TokenRejected as exc:
            self._ended(exc)
            return
        except ApiError as exc:
            self._show_errors(exc.field_messages())
            self._say("#password-message", exc.message, error=True)
            return
        except SelfcareError as exc:
            self._say("#password-message", describe(exc, self._client.base_url), error=True)
            return
        finally:
            button.disabled = False
        for field in PASSWORD_FIELDS:
            self.query_one(f"#{field}", Input).value = ""
        self._say("#password-message", _("Password changed. Your other sessions have ended."))
        self._load_sessions()

    def _show_errors(self, errors: dict[str, str]) -> None:
        for field in PASSWORD_FIELDS:
            widget = self.query_one(f"#{field}-error", Static)
            widget.update(errors.get(field, ""))
            widget.display = field in errors
        first = next((f for f in PASSWORD_FIELDS if f in errors), None)
        if first is not None:
            self.query_one(f"#{first}", Input).focus()

    def _say(self, selector: str, text: str, *, error: bool = False) -> None:
        widget = self.query_one(selector, Static)
        widget.update(text)
        widget.set_class(error, "-error")
        widget.display = bool(text)

    def _ended(self, error: TokenRejected) -> None:
        self.dismiss(None)
        self.app.post_message(LoginEnded(describe(error)))
