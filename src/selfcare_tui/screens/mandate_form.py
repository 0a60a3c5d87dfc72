"""Give a mandate, or change one: who (when giving), what they may do, and their last day.

The form says what is wrong beside the field before anything is sent (no scope chosen, a day
that is not a date or has passed), and puts the server's refusals there too (an unknown login,
one that is not a customer's); what was typed stays, so the holder corrects and sends again.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Static

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import ApiError, SelfcareError, TokenRejected
from selfcare_tui.core.dates import date_example, parse_date
from selfcare_tui.core.failures import describe
from selfcare_tui.core.labels import label
from selfcare_tui.core.mandates import end_of_day, past_day_message
from selfcare_tui.i18n import _, format_date
from selfcare_tui.widgets.login_ended import LoginEnded
from selfcare_tui.widgets.toggles import MarkedCheckbox

from .dialog import Dialog

A_YEAR = dt.timedelta(days=365)
"""The example of a last day: one that could be meant."""

FIELDS = ("delegate_username", "scopes", "expires_at")
"""The API's field names, which are also the ids of the messages beside the fields."""


def scope_help(scope: models.Scope) -> str:
    return {
        models.Scope.view: _("see the account, invoices, payments and consumption"),
        models.Scope.readings: _("submit meter readings"),
        models.Scope.pay: _("pay invoices"),
        models.Scope.requests: _("send requests and report outages"),
    }[scope]


class MandateForm(Dialog[models.Mandate | None]):
    """Dismisses with the mandate as the server now has it, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "save", _("Save"))]

    CSS_PATH = "mandate_form.tcss"

    def __init__(
        self, client: SelfcareClient, number: str, mandate: models.Mandate | None = None
    ) -> None:
        super().__init__()
        self._client = client
        self._number = number
        self._mandate = mandate
        """The one being changed; None when giving a new one."""

    def compose(self) -> ComposeResult:
        mandate = self._mandate
        with Vertical(id="mandate-box", classes="dialog-box") as box:
            box.border_title = (
                _("Give a mandate on account {number}")
                if mandate is None
                else _("Change {user}'s mandate on account {number}")
            ).format(number=self._number, user=mandate.delegate_username if mandate else "")
            box.border_subtitle = _("ctrl+s save · esc cancel")
            if mandate is None:
                with Horizontal(classes="row"):
                    yield Label(_("Their login"))
                    yield Input(
                        id="delegate_username",
                        placeholder=_("the other customer's username"),
                        max_length=150,
                        compact=True,
                    )
                yield Static("", id="delegate_username-error", classes="field-error", markup=False)
            yield Label(_("They may"), id="scopes-label")
            chosen = set(mandate.scopes) if mandate else {models.Scope.view}
            for scope in models.Scope:
                yield MarkedCheckbox(
                    f"{label(scope)}: {scope_help(scope)}",
                    scope in chosen,
                    id=f"scope-{scope.value}",
                    compact=True,
                )
            yield Static("", id="scopes-error", classes="field-error", markup=False)
            with Horizontal(classes="row", id="expires-row"):
                yield Label(_("Last day"))
                yield Input(
                    format_date(mandate.expires_at.astimezone().date()) if mandate else "",
                    id="expires_at",
                    placeholder=date_example(dt.date.today() + A_YEAR),
                    compact=True,
                )
            yield Static("", id="expires_at-error", classes="field-error", markup=False)
            with Horizontal(id="mandate-buttons"):
                yield Button(
                    _("Give the mandate") if mandate is None else _("Save changes"),
                    id="save",
                    variant="primary",
                    compact=True,
                )
                yield Button(_("Cancel"), id="cancel", compact=True)
            yield Static("", id="mandate-message", markup=False)

    def on_mount(self) -> None:
        self.query_one("#delegate_username" if self._mandate is None else "#scope-view").focus()
        self._show_errors({})

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    def _scopes(self) -> list[models.Scope]:
        return [s for s in models.Scope if self.query_one(f"#scope-{s.value}", Checkbox).value]

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        errors: dict[str, str] = {}
        username = ""
        if self._mandate is None:
            username = self.query_one("#delegate_username", Input).value.strip()
            if not username:
                errors["delegate_username"] = _("Their login: give the other customer's username.")
        scopes = self._scopes()
        if not scopes:
            errors["scopes"] = _("They may: choose at least one.")
        typed = self.query_one("#expires_at", Input).value
        day = parse_date(typed)
        if day is None:
            errors["expires_at"] = _("Last day: type a date like {example}.").format(
                example=date_example(dt.date.today() + A_YEAR)
            )
        elif (refusal := past_day_message(day)) is not None:
            errors["expires_at"] = refusal
        self._show_errors(errors)
        if errors or day is None:
            self._say(_("Check the fields marked; nothing was sent."), error=True)
            return
        self._send(username, scopes, end_of_day(day))

    @work(exclusive=True, group="mandate")
    async def _send(self, username: str, scopes: list[models.Scope], ends: dt.datetime) -> None:
        button = self.query_one("#save", Button)
        button.disabled = True
        self._say(_("Saving…"))
        try:
            if self._mandate is None:
                grant = models.MandateGrant(
                    delegate_username=username, scopes=scopes, expires_at=ends
                )
                mandate = await self._client.grant_mandate(self._number, grant)
            else:
                change = models.MandateChange(scopes=scopes, expires_at=ends)
                mandate = await self._client.change_mandate(self._number, self._mandate.id, change)
        except TokenRejected as exc:
            self.dismiss(None)
            self.app.post_message(LoginEnded(describe(exc)))
            return
        except ApiError as exc:
            self._show_errors(exc.field_messages())
            self._say(exc.message, error=True)
            return
        except SelfcareError as exc:
            self._say(describe(exc), error=True)
            return
        finally:
            button.disabled = False
        self.dismiss(mandate)

    def _show_errors(self, errors: dict[str, str]) -> None:
        for field in FIELDS:
            found = self.query(f"#{field}-error")
            if not found:
                continue
            widget = found.first(Static)
            widget.update(errors.get(field, ""))
            widget.display = field in errors
        first = next((f for f in FIELDS if f in errors), None)
        if first == "scopes":
            self.query_one("#scope-view").focus()
        elif first is not None and self.query(f"#{first}"):
            self.query_one(f"#{first}").focus()

    def _say(self, message: str, *, error: bool = False) -> None:
        widget = self.query_one("#mandate-message", Static)
        widget.update(message)
        widget.set_class(error, "-error")
