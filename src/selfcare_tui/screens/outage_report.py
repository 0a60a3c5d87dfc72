"""Reporting an outage at a place: the server is asked first whether a report is allowed (S0).

Choosing the place asks the server at once, so a refusal (the place is disconnected, a work
covers it now, an outage there is already reported) says why and what blocks it instead of
showing a form that could only be refused. The form is checked against the API's own model
before anything is sent; the server checks again when the report arrives, and its refusal is
shown with the form and everything typed kept. A report sent again after a lost connection
reuses its idempotency key, so it is never filed twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import ClassVar

from pydantic import ValidationError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from selfcare_tui.api import models
from selfcare_tui.api.errors import RuleViolation, SelfcareError, ValidationFailed
from selfcare_tui.api.models import ErrorCode
from selfcare_tui.core.blocking import blocking_text
from selfcare_tui.core.failures import describe
from selfcare_tui.core.labels import label
from selfcare_tui.i18n import _
from selfcare_tui.session import Session

from .dialog import Dialog

DESCRIPTION_MAX = 2000
"""models.OutageReportCreate.description's max_length."""


def address_line(place: models.Place) -> str:
    address = place.address
    return f"{address.street}, {address.postal_code} {address.city}"


def place_choice(place: models.Place) -> str:
    """A place as the customer knows it; a disconnected one says so in words."""
    if place.state is models.PlaceState.disconnected:
        return _("{address} ({state})").format(
            address=address_line(place), state=label(place.state)
        )
    return address_line(place)


def refusal_text(
    code: ErrorCode | None, message: str | None, blocking: dict[str, str] | None
) -> str:
    """Why no report can be made, and the item that blocks it.

    The server's own message is shown where it adds to the blocking item (a work's
    description) or where this version does not know the reason.
    """
    reasons = {
        ErrorCode.place_disconnected: _(
            "This place is disconnected under its contract, so there is no supply to report "
            "as interrupted."
        ),
        ErrorCode.work_in_progress: _(
            "A work covers this place now, so the interruption is already known."
        ),
        ErrorCode.outage_already_reported: _(
            "An outage at this place is already reported and not yet resolved."
        ),
    }
    reason = reasons.get(code) if code is not None else None
    lines = [reason or message or _("The server gave no reason.")]
    if blocking:
        lines.append(_("Blocked by: {item}").format(item=blocking_text(blocking)))
    if reason is not None and code is ErrorCode.work_in_progress and message:
        lines.append(message)
    return "\n".join(lines)


def description_rule() -> str:
    return _("Describe what happened: required, at most {count} characters.").format(
        count=DESCRIPTION_MAX
    )


def phone_rule() -> str:
    return _("A phone number: 6 to 20 digits and spaces, optionally after a +.")


@dataclass
class Draft:
    """What was typed, kept by the screen while the dialog is closed (esc loses nothing)."""

    number: str
    place_id: str | None = None
    description: str = ""
    phone: str = ""


class OutageReportDialog(Dialog[models.OutageReport | None]):
    """Dismisses with the filed report, or None when cancelled (the draft keeps the text)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Cancel")),
        Binding("ctrl+s", "send", _("Send the report")),
    ]

    AUTO_FOCUS = "#place"
    CSS_PATH = "outage_report.tcss"

    def __init__(self, session: Session, places: list[models.Place], draft: Draft) -> None:
        super().__init__()
        self.session = session
        self.places = places
        self.draft = draft
        self.allowed_for: str | None = None
        """The place the server said a report may be made for; None while not known."""
        self._sent: tuple[models.OutageReportCreate, str] | None = None
        """The last body sent and its idempotency key, reused when the same body is resent."""

    @property
    def number(self) -> str:
        return self.draft.number

    def compose(self) -> ComposeResult:
        known = {p.id for p in self.places}
        chosen = self.draft.place_id if self.draft.place_id in known else None
        if chosen is None and len(self.places) == 1:
            chosen = self.places[0].id
        with VerticalScroll(id="report-box", classes="dialog-box") as box:
            box.border_title = _("Report an outage · account {number}").format(number=self.number)
            box.border_subtitle = _("esc: cancel · ctrl+s: send")
            yield Label(_("Place without power"), id="place-label")
            yield Select[str](
                [(place_choice(p), p.id) for p in self.places],
                prompt=_("Choose the place"),
                value=chosen if chosen is not None else Select.NULL,
                id="place",
                compact=True,
            )
            yield Static(
                _("Choose the place first: the server then says whether a report is possible."),
                id="eligibility",
                markup=False,
            )
            with Vertical(id="report-form"):
                yield Label(_("What happened (required)"))
                yield TextArea(
                    self.draft.description,
                    id="description",
                    soft_wrap=True,
                    tab_behavior="focus",
                    show_line_numbers=False,
                )
                yield Static("", id="description-error", classes="field-error", markup=False)
                with Horizontal(classes="row"):
                    yield Label(_("Phone the crew may call (optional)"))
                    yield Input(
                        self.draft.phone, id="phone", placeholder="+372 5123 4567", compact=True
                    )
                yield Static("", id="phone-error", classes="field-error", markup=False)
            yield Static("", id="report-message", markup=False)
            with Horizontal(id="report-buttons"):
                yield Button(_("Send the report"), id="send", variant="primary", disabled=True)
                yield Button(_("Ask again"), id="recheck")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#recheck").display = False
        self._show_form(False)
        place = self.query_one("#place", Select)
        if isinstance(place.value, str):
            self._check(place.value)

    # --- eligibility ------------------------------------------------------------------

    @on(Select.Changed, "#place")
    def _place_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.draft.place_id = event.value
            self._check(event.value)

    @on(Button.Pressed, "#recheck")
    def _recheck(self) -> None:
        value = self.query_one("#place", Select).value
        if isinstance(value, str):
            self._check(value)

    @work(exclusive=True, group="eligibility")
    async def _check(self, place_id: str) -> None:
        self.allowed_for = None
        self._show_form(False)
        self._say("")
        self.query_one("#recheck").display = False
        self._eligibility(_("Asking the server whether a report can be made for this place…"))
        try:
            verdict = await self.session.client.outage_eligibility(self.number, place_id)
        except SelfcareError as exc:
            self._eligibility(describe(exc, self.session.server), refused=True)
            self.query_one("#recheck").display = True
            return
        if verdict.allowed:
            self.allowed_for = place_id
            self._eligibility(_("A report can be made for this place."))
            self._show_form(True)
            self.query_one("#description", TextArea).focus()
            return
        self._eligibility(
            _("No outage report can be made for this place now.")
            + "\n"
            + refusal_text(verdict.code, verdict.message, verdict.blocking),
            refused=True,
        )

    def _eligibility(self, text: str, *, refused: bool = False) -> None:
        widget = self.query_one("#eligibility", Static)
        widget.update(text)
        widget.set_class(refused, "-refused")

    def _show_form(self, shown: bool) -> None:
        self.query_one("#report-form").set_class(shown, "-shown")
        send = self.query_one("#send", Button)
        send.disabled = not shown
        send.display = shown

    # --- sending ----------------------------------------------------------------------

    def _keep_draft(self) -> None:
        self.draft.description = self.query_one("#description", TextArea).text
        self.draft.phone = self.query_one("#phone", Input).value

    def action_send(self) -> None:
        self._submit()

    @on(Button.Pressed, "#send")
    def _submit(self) -> None:
        self._keep_draft()
        place_id = self.allowed_for
        if place_id is None or self.query_one("#send", Button).disabled:
            return
        description = self.draft.description.strip()
        phone = self.draft.phone.strip()
        try:
            body = models.OutageReportCreate(
                place_id=place_id, description=description, contact_phone=phone or None
            )
        except ValidationError as exc:
            fields = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
            errors = {}
            if "description" in fields:
                errors["description"] = description_rule()
            if "contact_phone" in fields:
                errors["contact_phone"] = phone_rule()
            self._field_errors(errors)
            self._say(_("Check the fields marked above; nothing was sent."), error=True)
            return
        self._field_errors({})
        if self._sent is None or self._sent[0] != body:
            self._sent = (body, str(uuid.uuid4()))
        self._send(*self._sent)

    @work(exclusive=True, group="send")
    async def _send(self, body: models.OutageReportCreate, key: str) -> None:
        button = self.query_one("#send", Button)
        button.disabled = True
        self._say(_("Sending the report…"))
        try:
            report = await self.session.client.report_outage(self.number, body, idempotency_key=key)
        except ValidationFailed as exc:
            messages = exc.field_messages()
            self._field_errors(
                {f: m for f, m in messages.items() if f in ("description", "contact_phone")}
            )
            self._say(
                _("The server refused the report: {reason}").format(reason=exc.message), error=True
            )
            return
        except RuleViolation as exc:
            self._say(
                _("The server refused the report; nothing was filed.")
                + "\n"
                + refusal_text(exc.code, exc.message, exc.problem.blocking),
                error=True,
            )
            return
        except SelfcareError as exc:
            self._say(
                _("{problem} Your report is kept here; send it again when you can.").format(
                    problem=describe(exc, self.session.server)
                ),
                error=True,
            )
            return
        finally:
            button.disabled = self.allowed_for is None
        self.dismiss(report)

    def _field_errors(self, errors: dict[str, str]) -> None:
        for field, widget_id in (("description", "description"), ("contact_phone", "phone")):
            message = errors.get(field, "")
            widget = self.query_one(f"#{widget_id}-error", Static)
            widget.update(message)
            widget.set_class(bool(message), "-shown")
        first = next((f for f in ("description", "contact_phone") if f in errors), None)
        if first is not None:
            self.query_one("#description" if first == "description" else "#phone").focus()

    def _say(self, text: str, *, error: bool = False) -> None:
        widget = self.query_one("#report-message", Static)
        widget.update(text)
        widget.set_class(bool(text), "-shown")
        widget.set_class(error, "-error")

    # --- leaving ----------------------------------------------------------------------

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self._keep_draft()
        self.dismiss(None)
