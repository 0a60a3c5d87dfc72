"""Turning the second factor off (password and a code, or a recovery code), and making new
recovery codes (a code from the app), from Security."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Input, Static

from selfcare_tui.core.second_factor import is_app_code, is_second_factor_code, normalised
from selfcare_tui.i18n import _
from selfcare_tui.widgets.form_fields import Field, FormFields

from .form_dialog import FormDialog
from .mfa_enrol import recovery_codes_text, recovery_note


class MfaDisableDialog(FormDialog[bool]):
    """Dismisses with True once the second factor is off."""

    CSS_PATH = "mfa.tcss"
    MESSAGE_ID = "mfa-message"

    def compose(self) -> ComposeResult:
        with Vertical(id="mfa-disable", classes="dialog-box") as box:
            box.border_title = _("Turn off the second factor")
            box.border_subtitle = _("enter next · esc close")
            yield Static(
                _("Logins will ask for the password alone. Confirm with both:"), markup=False
            )
            yield FormFields(
                [
                    Field("password", _("Password"), password=True, max_length=1024),
                    Field("code", _("Code from the app"), max_length=11),
                ],
                id="fields",
            )
            yield Static(
                _("No phone? A recovery code (xxxxx-xxxxx) does instead."),
                classes="hint",
                markup=False,
            )
            yield Button(_("Turn off"), id="turn-off", variant="error", compact=True)
            yield Static("", id="mfa-message", classes="message", markup=False)

    def on_mount(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    def _to_code(self) -> None:
        self.query_one("#code", Input).focus()

    @on(Input.Submitted, "#code")
    @on(Button.Pressed, "#turn-off")
    def _turn_off(self) -> None:
        fields = self.query_one("#fields", FormFields)
        errors: dict[str, str] = {}
        if not fields.value("password"):
            errors["password"] = _("Type your password.")
        if not is_second_factor_code(fields.value("code")):
            errors["code"] = _("6 digits from the app, or a recovery code.")
        if not fields.show_errors(errors):
            self._disable(fields.value("password"), normalised(fields.value("code")))

    @work(exclusive=True, group="mfa")
    async def _disable(self, password: str, code: str) -> None:
        fields = self.query_one("#fields", FormFields)
        if await self._ask(fields, self._disabled(password, code)):
            self.dismiss(True)

    async def _disabled(self, password: str, code: str) -> bool:
        await self._client.disable_mfa(password, code)
        return True

    def action_close(self) -> None:
        self.dismiss(False)


class NewRecoveryCodesDialog(FormDialog[None]):
    CSS_PATH = "mfa.tcss"
    MESSAGE_ID = "mfa-message"

    def compose(self) -> ComposeResult:
        with Vertical(id="mfa-recovery", classes="dialog-box") as box:
            box.border_title = _("New recovery codes")
            box.border_subtitle = _("esc close")
            yield Static(
                _("Ten new codes replace your recovery codes; the old ones stop working."),
                markup=False,
            )
            yield FormFields([Field("code", _("Code from the app"), max_length=6)], id="fields")
            yield Button(_("Make new codes"), id="make", variant="primary", compact=True)
            yield Static("", id="recovery-codes", markup=False)
            yield Static("", id="mfa-message", classes="message", markup=False)

    def on_mount(self) -> None:
        self.query_one("#recovery-codes").display = False
        self.query_one("#code", Input).focus()

    @on(Input.Submitted, "#code")
    @on(Button.Pressed, "#make")
    def _make(self) -> None:
        fields = self.query_one("#fields", FormFields)
        code = normalised(fields.value("code"))
        if not fields.show_errors({} if is_app_code(code) else {"code": _("6 digits.")}):
            self._new(code)

    @work(exclusive=True, group="mfa")
    async def _new(self, code: str) -> None:
        fields = self.query_one("#fields", FormFields)
        codes = await self._ask(fields, self._client.new_recovery_codes(code))
        if codes is None:
            return
        fields.set_disabled(True)
        self.query_one("#make").display = False
        shown = self.query_one("#recovery-codes", Static)
        shown.update(recovery_codes_text(codes))
        shown.display = True
        self._say(recovery_note())
