"""Your details: home and correspondence address, phone, e-mail and how invoices arrive.

The form is checked against the API's own model before anything is sent, so it refuses what
the server would, with a message beside the field; a refusal the server makes (a rule such as
invoices by e-mail without an address) lands beside its field too. What was typed stays in
the form after any failure, and a refresh does not overwrite unsaved changes.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import ValidationError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
    Static,
)

from selfcare_tui.api import models
from selfcare_tui.api.errors import RuleViolation, SelfcareError
from selfcare_tui.core.failures import describe
from selfcare_tui.core.labels import label
from selfcare_tui.i18n import _, language_name
from selfcare_tui.session import Session
from selfcare_tui.widgets.toggles import MarkedCheckbox, MarkedRadioButton

from .access_log import AccessLog
from .base import AccountScreen
from .security import SecurityDialog

ADDRESS_PARTS = ("street", "city", "postal_code", "country")
HOME, CORRESPONDENCE = "home_address", "correspondence_address"
CHANNELS = list(models.InvoiceChannel)
LANGUAGES = list(models.Language)


def part_label(part: str) -> str:
    return {
        "street": _("Street and number"),
        "city": _("City"),
        "postal_code": _("Postal code"),
        "country": _("Country"),
    }[part]


def rule_for(field: str) -> str:
    """What a field allows, in words (the API model's constraints)."""
    part = field.rsplit(".", 1)[-1]
    rules = {
        "street": _("Street and number: required, at most 200 characters."),
        "city": _("City: required, at most 100 characters."),
        "postal_code": _("Postal code: required, at most 20 characters."),
        "country": _("Country: two capital letters, such as EE."),
        "phone": _("Phone: 6 to 20 digits or spaces, may start with +."),
        "email": _("E-mail: an address such as name@example.com."),
    }
    return rules.get(part, _("{field}: not a valid value.").format(field=field))


def widget_id(field: str) -> str:
    """The id of the input for an API field path such as `home_address.street`."""
    return field.replace(".", "-")


class ProfileScreen(AccountScreen[models.Account]):
    """Only the holder (or a support agent) may change the details; delegates see them."""

    section = "profile"
    FOCUS_AFTER_LOAD = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", _("Save")),
        Binding("ctrl+l", "access_log", _("Access log")),
        Binding("ctrl+t", "security", _("Security")),
    ]

    CSS_PATH = "profile.tcss"

    def __init__(
        self, session: Session, account: models.AccountSummary | None, me: models.Me
    ) -> None:
        super().__init__(session, account, me)
        self._loaded: models.Account | None = None

    # --- the form -------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        with Vertical(id="profile-form"):
            yield Static("", id="facts", markup=False)
            with Vertical(classes="group") as home:
                home.border_title = _("Home address")
                yield from self._address_rows(HOME)
            with Vertical(classes="group") as correspondence:
                correspondence.border_title = _("Correspondence address")
                yield MarkedCheckbox(
                    _("Same as the home address"), True, id="same-address", compact=True
                )
                with Vertical(id="correspondence-rows"):
                    yield from self._address_rows(CORRESPONDENCE)
            with Vertical(classes="group") as contact:
                contact.border_title = _("Contact and invoices")
                yield from self._row("phone", _("Phone"), placeholder="+372 5555 1234")
                yield from self._row("email", _("E-mail"), placeholder="name@example.com")
                with Horizontal(classes="row"):
                    yield Label(_("Invoices by"))
                    with RadioSet(id="channel", compact=True):
                        for channel in CHANNELS:
                            yield MarkedRadioButton(
                                label(channel), id=f"channel-{channel.value}", compact=True
                            )
                yield Static("", id="invoice_channel-error", classes="field-error", markup=False)
                with Horizontal(classes="row"):
                    yield Label(_("Invoices in"))
                    yield Select(
                        [(language_name(code), code.value) for code in LANGUAGES],
                        value=models.Language.en.value,
                        allow_blank=False,
                        id="language",
                        compact=True,
                    )
            yield Button(_("Save changes"), id="save", variant="primary")
            yield Static("", id="profile-message", markup=False)

    def _address_rows(self, prefix: str) -> ComposeResult:
        for part in ADDRESS_PARTS:
            yield from self._row(f"{prefix}.{part}", part_label(part))

    def _row(self, field: str, text: str, *, placeholder: str = "") -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(text)
            yield Input(id=widget_id(field), placeholder=placeholder, compact=True)
        yield Static("", id=f"{widget_id(field)}-error", classes="field-error", markup=False)

    # --- loading --------------------------------------------------------------------------

    async def fetch(self, number: str) -> models.Account:
        return await self.session.client.account(number)

    def show(self, data: models.Account) -> None:
        same_account = self._loaded is not None and self._loaded.number == data.number
        if same_account and self._dirty():
            self._say(_("Your unsaved changes are kept; save them or switch account to drop them."))
            return
        self._loaded = data
        self._fill(data)

    def _fill(self, account: models.Account) -> None:
        kind = label(account.kind)
        self.query_one("#facts", Static).update(
            _("Account {number}, {name} ({kind}). Payment code {code}.").format(
                number=account.number, name=account.name, kind=kind, code=account.payment_code
            )
        )
        self._fill_address(HOME, account.home_address)
        same = account.correspondence_address is None
        self.query_one("#same-address", Checkbox).value = same
        self.query_one("#correspondence-rows").display = not same
        self._fill_address(CORRESPONDENCE, account.correspondence_address)
        self.query_one("#phone", Input).value = account.phone or ""
        self.query_one("#email", Input).value = account.email or ""
        button = self.query_one(f"#channel-{account.invoice_channel.value}", RadioButton)
        button.value = True
        self.query_one("#language", Select).value = account.language.value
        self._show_errors({})
        editable = account.access is not models.Access.delegate
        self.query_one("#save", Button).disabled = not editable
        self._say(
            ""
            if editable
            else _("Only the account holder can change these details; you see them by mandate.")
        )

    def _fill_address(self, prefix: str, address: models.Address | None) -> None:
        for part in ADDRESS_PARTS:
            value = getattr(address, part) if address is not None else ""
            self.query_one(f"#{widget_id(f'{prefix}.{part}')}", Input).value = value

    @on(Checkbox.Changed, "#same-address")
    def _same_address(self, event: Checkbox.Changed) -> None:
        self.query_one("#correspondence-rows").display = not event.value

    # --- saving ---------------------------------------------------------------------------

    def forget_drawn(self) -> None:
        self._loaded = None  # the form is filled again, then what was typed put back

    def _form(self) -> dict[str, Any]:
        def value(field: str) -> str:
            return self.query_one(f"#{widget_id(field)}", Input).value.strip()

        def address(prefix: str) -> dict[str, str]:
            return {part: value(f"{prefix}.{part}") for part in ADDRESS_PARTS}

        same = self.query_one("#same-address", Checkbox).value
        pressed = self.query_one("#channel", RadioSet).pressed_index
        return {
            HOME: address(HOME),
            CORRESPONDENCE: None if same else address(CORRESPONDENCE),
            "phone": value("phone") or None,
            "email": value("email") or None,
            "invoice_channel": CHANNELS[pressed].value if pressed >= 0 else None,
            "language": self.query_one("#language", Select).value,
        }

    def _dirty(self) -> bool:
        if self._loaded is None:
            return False
        saved = self._loaded.model_dump(mode="json", include=set(self._form()))
        return bool(saved != self._form())

    def action_access_log(self) -> None:
        """Who from the utility opened the account (the holder's; a delegate is told no)."""
        if self._loaded is not None:
            self.app.push_screen(AccessLog(self.session.client, self._loaded.number))

    def action_security(self) -> None:
        """The login's sessions and password: the user's own, whatever account is in view."""
        self.app.push_screen(SecurityDialog(self.session.client))

    def action_save(self) -> None:
        self._submit()

    @on(Button.Pressed, "#save")
    def _submit(self) -> None:
        if self._loaded is None or self.query_one("#save", Button).disabled:
            return
        try:
            update = models.ProfileUpdate.model_validate(self._form())
        except ValidationError as exc:
            errors: dict[str, str] = {}
            for error in exc.errors():
                field = ".".join(str(p) for p in error["loc"])
                errors.setdefault(field, rule_for(field))
            self._show_errors(errors)
            self._say(_("Check the fields marked below; nothing was sent."), error=True)
            return
        self._save(self._loaded.number, update)

    @work(exclusive=True, group="save")
    async def _save(self, number: str, update: models.ProfileUpdate) -> None:
        button = self.query_one("#save", Button)
        button.disabled = True
        self._say(_("Saving…"))
        try:
            account = await self.session.client.update_profile(number, update)
        except RuleViolation as exc:  # a value refused, or e-mail invoices with no address
            self._show_errors(exc.field_messages())
            reason = exc.message
            self._say(
                _("The server refused the change: {reason}").format(reason=reason), error=True
            )
            return
        except SelfcareError as exc:
            self._say(describe(exc, self.session.server), error=True)
            return
        finally:
            button.disabled = False
        self._loaded = account
        self._fill(account)
        self._say(_("Saved."))
        self.notify(_("Your details were saved."), title=_("Your details"))

    def _show_errors(self, errors: dict[str, str]) -> None:
        for widget in self.query(".field-error"):
            field_id = (widget.id or "").removesuffix("-error")
            message = next((m for f, m in errors.items() if widget_id(f) == field_id), "")
            assert isinstance(widget, Static)
            widget.update(message)
            widget.set_class(bool(message), "-shown")
        first = next(iter(errors), None)
        if first is not None:
            target = self.query(f"#{widget_id(first)}")
            if target:
                target.first().focus()
            if first.startswith(CORRESPONDENCE):
                self.query_one("#same-address", Checkbox).value = False

    def _say(self, message: str, *, error: bool = False) -> None:
        widget = self.query_one("#profile-message", Static)
        widget.update(message)
        widget.set_class(error, "-error")
