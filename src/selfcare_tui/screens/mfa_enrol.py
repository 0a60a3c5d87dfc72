"""Turning the second factor on: the new secret as a QR code for the authenticator app (and
as text to type), then the first code it shows, which puts it in force; the ten recovery
codes follow, shown this once."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import ApiError, SelfcareError
from selfcare_tui.core.failures import describe
from selfcare_tui.core.qr import qr_text
from selfcare_tui.core.second_factor import is_app_code, normalised
from selfcare_tui.i18n import _

from .dialog import Dialog


def recovery_codes_text(codes: list[str]) -> str:
    return "\n".join(codes)


def recovery_note() -> str:
    return _(
        "Keep these recovery codes somewhere safe, apart from your phone: each logs in "
        "once without the app. They are not shown again."
    )


class MfaEnrolDialog(Dialog[bool]):
    """Dismisses with True once the second factor is on."""

    CSS_PATH = "mfa.tcss"

    def __init__(self, client: SelfcareClient) -> None:
        super().__init__()
        self._client = client
        self._on = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="mfa-enrol", classes="dialog-box") as box:
            box.border_title = _("Turn on the second factor")
            box.border_subtitle = _("esc close")
            yield Static("", id="mfa-qr", markup=False)
            with Vertical(id="mfa-steps"):
                yield Static(
                    _("1. Scan the code with an authenticator app, or type this secret:"),
                    markup=False,
                )
                yield Static("", id="mfa-secret", markup=False)
                yield Label(_("2. The code the app shows now:"))
                yield Input(id="code", max_length=6, restrict=r"\d*", compact=True)
                yield Button(_("Turn on"), id="turn-on", variant="primary", compact=True)
                yield Static("", id="mfa-message", classes="message", markup=False)
            with Vertical(id="mfa-codes"):
                yield Static(_("The second factor is on. Your recovery codes:"), markup=False)
                yield Static("", id="recovery-codes", markup=False)
                yield Static(recovery_note(), classes="hint", markup=False)
                yield Button(_("Done"), id="done", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#mfa-codes").display = False
        self._start()

    def _say(self, text: str, *, error: bool = False) -> None:
        widget = self.query_one("#mfa-message", Static)
        widget.update(text)
        widget.set_class(error, "-error")

    @work(exclusive=True, group="mfa")
    async def _start(self) -> None:
        self._say(_("Loading…"))
        try:
            enrolment = await self._client.start_mfa_enrolment()
        except SelfcareError as exc:
            self._say(describe(exc, self._client.base_url), error=True)
            return
        secret = " ".join(enrolment.secret[i : i + 4] for i in range(0, len(enrolment.secret), 4))
        self.query_one("#mfa-qr", Static).update(qr_text(enrolment.otpauth_uri))
        self.query_one("#mfa-secret", Static).update(secret)
        self._say("")
        self.query_one("#code", Input).focus()

    @on(Input.Submitted, "#code")
    @on(Button.Pressed, "#turn-on")
    def _turn_on(self) -> None:
        code = normalised(self.query_one("#code", Input).value)
        if not is_app_code(code):
            self._say(_("Type the 6 digits the app shows."), error=True)
            self.query_one("#code", Input).focus()
            return
        self._confirm(code)

    @work(exclusive=True, group="mfa")
    async def _confirm(self, code: str) -> None:
        self._say(_("Checking…"))
        try:
            codes = await self._client.confirm_mfa_enrolment(code)
        except ApiError as exc:
            self._say(exc.field_messages().get("code", exc.message), error=True)
            self.query_one("#code", Input).focus()
            return
        except SelfcareError as exc:
            self._say(describe(exc, self._client.base_url), error=True)
            return
        self._on = True
        self.query_one("#mfa-qr").display = False
        self.query_one("#mfa-steps").display = False
        self.query_one("#mfa-codes").display = True
        self.query_one("#recovery-codes", Static).update(recovery_codes_text(codes))
        self.query_one("#done", Button).focus()

    @on(Button.Pressed, "#done")
    def action_close(self) -> None:
        self.dismiss(self._on)
