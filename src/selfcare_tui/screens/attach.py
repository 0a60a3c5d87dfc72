"""Attach another account to this login, proven by the payment code printed on its invoices."""

from __future__ import annotations

from pydantic import ValidationError
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Input, Label, Static

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import RateLimited, RuleViolation, SelfcareError
from selfcare_tui.core.failures import describe
from selfcare_tui.i18n import _

from .dialog import Dialog


def field_rule(field: str) -> str:
    return {
        "account_number": _("Account number: 6 to 12 digits, as on your invoice."),
        "payment_code": _("Payment code: required, at most 32 characters, as on your invoice."),
    }.get(field, _("{field}: not a valid value.").format(field=field))


class AttachAccount(Dialog[models.AccountSummary | None]):
    """Dismisses with the attached account; the server's refusal keeps both fields as typed."""

    CSS_PATH = "attach.tcss"

    def __init__(self, client: SelfcareClient) -> None:
        super().__init__()
        self._client = client

    def compose(self) -> ComposeResult:
        with Vertical(id="attach", classes="dialog-box") as box:
            box.border_title = _("Attach an account")
            box.border_subtitle = _("enter attach · esc close")
            yield Static(_("Both numbers are on any invoice of the account."), markup=False)
            yield Label(_("Account number"))
            yield Input(id="account_number", restrict=r"\d*", max_length=12)
            yield Static("", id="account_number-error", classes="field-error", markup=False)
            yield Label(_("Payment code"))
            yield Input(id="payment_code", max_length=32)
            yield Static("", id="payment_code-error", classes="field-error", markup=False)
            yield Button(_("Attach"), id="attach-button", variant="primary")
            yield Static("", id="attach-message", markup=False)

    def on_mount(self) -> None:
        self.query_one("#account_number", Input).focus()

    @on(Input.Submitted, "#account_number")
    def _to_code(self) -> None:
        self.query_one("#payment_code", Input).focus()

    @on(Input.Submitted, "#payment_code")
    @on(Button.Pressed, "#attach-button")
    def _submit(self) -> None:
        number = self.query_one("#account_number", Input).value.strip()
        code = self.query_one("#payment_code", Input).value.strip()
        try:
            body = models.AttachAccount(account_number=number, payment_code=code)
        except ValidationError as exc:
            fields = [str(e["loc"][0]) for e in exc.errors()]
            self._show({f: field_rule(f) for f in fields})
            self._say(_("Check the fields marked above; nothing was sent."), error=True)
            return
        self._show({})
        self._send(body)

    @work(exclusive=True, group="attach")
    async def _send(self, body: models.AttachAccount) -> None:
        self._say(_("Attaching…"))
        try:
            account = await self._client.attach_account(body.account_number, body.payment_code)
        except RuleViolation as exc:
            self._show(exc.field_messages())
            self._say(exc.message, error=True)
            return
        except RateLimited as exc:
            minutes = ((exc.retry_after_seconds or 60) + 59) // 60
            self._say(
                _("Too many wrong attempts; try again in {minutes} min.").format(minutes=minutes),
                error=True,
            )
            return
        except SelfcareError as exc:
            self._say(describe(exc, self._client.base_url), error=True)
            return
        self.dismiss(account)

    def _show(self, errors: dict[str, str]) -> None:
        for field in ("account_number", "payment_code"):
            self.query_one(f"#{field}-error", Static).update(errors.get(field, ""))
        if errors:
            self.query_one(f"#{next(iter(errors))}", Input).focus()

    def _say(self, message: str, *, error: bool = False) -> None:
        widget = self.query_one("#attach-message", Static)
        widget.update(message)
        widget.set_class(error, "-error")
