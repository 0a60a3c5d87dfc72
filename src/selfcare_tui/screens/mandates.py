"""Mandates: the people who act for the holder on the account in view, and the accounts the
login acts for by others' mandates (S4: a grandmother lets her grandchild see bills and enter
readings).

The holder gives a mandate (n), changes what it allows or its last day (enter), and revokes
it after a confirmation (x); a delegate sees only what they hold, since the mandates on an
account are its holder's business.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from selfcare_tui.api import models
from selfcare_tui.api.errors import SelfcareError, TokenRejected
from selfcare_tui.core.failures import describe
from selfcare_tui.core.labels import label
from selfcare_tui.core.loaders.mandates import MandatesData, load_mandates
from selfcare_tui.core.mandates import holds_text, scopes_text
from selfcare_tui.i18n import _, format_date
from selfcare_tui.session import Session
from selfcare_tui.widgets.login_ended import LoginEnded

from .base import AccountScreen
from .mandate_form import MandateForm
from .mandate_revoke import RevokeMandateDialog


def last_day(moment: dt.datetime) -> str:
    return format_date(moment.astimezone().date())


def in_order(mandates: list[models.Mandate]) -> list[models.Mandate]:
    """Those in force first, soonest to end first; then the ended ones, latest first."""
    active = [m for m in mandates if m.state is models.MandateState.active]
    ended = [m for m in mandates if m not in active]
    return [
        *sorted(active, key=lambda m: m.expires_at),
        *sorted(ended, key=lambda m: m.expires_at, reverse=True),
    ]


class MandatesScreen(AccountScreen[MandatesData]):
    section = "mandates"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "grant", _("Give a mandate")),
        Binding("x", "revoke", _("Revoke")),
    ]

    CSS_PATH = "mandates.tcss"

    def __init__(
        self, session: Session, account: models.AccountSummary | None, me: models.Me
    ) -> None:
        super().__init__(session, account, me)
        self.given: list[models.Mandate] | None = None
        """As shown, in the table's order; None when the login acts by mandate."""

    def compose_body(self) -> ComposeResult:
        with Vertical(id="given-panel", classes="panel") as panel:
            panel.border_title = _("People who act for me")
            yield DataTable[str](id="given", cursor_type="row", zebra_stripes=True)
            yield Static("", id="given-note", markup=False)
            yield Static(
                _("n give a mandate · enter change · x revoke"), id="given-hint", markup=False
            )
        with Vertical(id="held-panel", classes="panel") as panel:
            panel.border_title = _("Accounts I act for")
            yield DataTable[str](id="held", cursor_type="row", zebra_stripes=True)
            yield Static("", id="held-note", markup=False)

    def on_mount(self) -> None:
        given = self.query_one("#given", DataTable)
        given.add_column(_("Who"), key="who")
        given.add_column(_("They may"), key="scopes")
        given.add_column(_("Last day"), key="ends")
        given.add_column(_("State"), key="state")
        held = self.query_one("#held", DataTable)
        held.add_column(_("Account"), key="number")
        held.add_column(_("Holder"), key="name")
        held.add_column(_("I may"), key="scopes")
        held.add_column(_("Last day"), key="ends")
        super().on_mount()

    async def fetch(self, number: str) -> MandatesData:
        assert self.account is not None
        return await load_mandates(self.session.client, self.account, self.me)

    def show(self, data: MandatesData) -> None:
        self._show_given(data.given)
        self._show_held(data.held)
        if not isinstance(self.focused, DataTable):  # a reload's loading took the focus
            shown = [t for t in self.query(DataTable) if t.display and t.row_count]
            if shown:
                shown[0].focus()

    def _show_given(self, mandates: list[models.Mandate] | None) -> None:
        table = self.query_one("#given", DataTable)
        table.clear()
        self.given = None if mandates is None else in_order(mandates)
        holder = self.given is not None
        table.display = bool(self.given)
        self.query_one("#given-hint").display = holder
        if self.given is None:
            self._note(
                "#given-note",
                _(
                    "You act on this account by mandate: only its holder sees and gives the "
                    "mandates on it."
                ),
            )
            return
        for mandate in self.given:
            table.add_row(
                mandate.delegate_username,
                scopes_text(mandate.scopes),
                last_day(mandate.expires_at),
                label(mandate.state),
                key=mandate.id,
            )
        self._note(
            "#given-note",
            ""
            if self.given
            else _(
                "Nobody acts for you on this account. A mandate lets another customer see it, "
                "enter readings, pay or send requests for you, until a day you choose."
            ),
        )

    def _show_held(self, accounts: list[models.AccountSummary]) -> None:
        table = self.query_one("#held", DataTable)
        table.clear()
        table.display = bool(accounts)
        for account in accounts:
            table.add_row(
                account.number,
                account.name,
                scopes_text(account.scopes),
                last_day(account.mandate_expires_at) if account.mandate_expires_at else "",
                key=account.number,
            )
        self._note(
            "#held-note",
            _("Switch to one of them with ctrl+o.")
            if accounts
            else _("Nobody has given you a mandate on their account."),
        )
        self.query_one("#held-panel").display = self.me.role is models.Role.customer

    def _note(self, selector: str, text: str, *, error: bool = False) -> None:
        widget = self.query_one(selector, Static)
        widget.update(text)
        widget.set_class(error, "-error")
        widget.display = bool(text)

    # --- giving, changing, revoking ---------------------------------------------------------

    def _chosen(self) -> models.Mandate | None:
        table = self.query_one("#given", DataTable)
        if not self.given or not table.display:
            return None
        return self.given[table.cursor_row] if 0 <= table.cursor_row < len(self.given) else None

    def action_grant(self) -> None:
        if self.account is None or self.given is None:
            return
        self.app.push_screen(
            MandateForm(self.session.client, self.account.number), self._after_form
        )

    @on(DataTable.RowSelected, "#given")
    def _change(self) -> None:
        mandate = self._chosen()
        if mandate is None or self.account is None:
            return
        if mandate.state is not models.MandateState.active:
            self._note(
                "#given-note",
                _("{user}'s mandate has ended; give a new one with n.").format(
                    user=mandate.delegate_username
                ),
                error=True,
            )
            return
        self.app.push_screen(
            MandateForm(self.session.client, self.account.number, mandate), self._after_form
        )

    def _after_form(self, mandate: models.Mandate | None) -> None:
        if mandate is None:
            return
        self.notify(holds_text(mandate, last_day(mandate.expires_at)), title=_("Mandates"))
        self.action_reload()

    def action_revoke(self) -> None:
        mandate = self._chosen()
        if mandate is None:
            return
        if mandate.state is models.MandateState.revoked:
            self._note("#given-note", _("This mandate is already revoked."), error=True)
            return

        def answered(revoke: bool | None) -> None:
            if revoke:
                self._revoke(mandate)

        self.app.push_screen(RevokeMandateDialog(mandate), answered)

    @work(exclusive=True, group="revoke")
    async def _revoke(self, mandate: models.Mandate) -> None:
        try:
            await self.session.client.revoke_mandate(mandate.account_number, mandate.id)
        except TokenRejected as exc:
            self.post_message(LoginEnded(describe(exc)))
            return
        except SelfcareError as exc:
            self._note("#given-note", describe(exc, self.session.server), error=True)
            return
        self.notify(
            _("{user} can no longer act on account {number}.").format(
                user=mandate.delegate_username, number=mandate.account_number
            ),
            title=_("Mandates"),
        )
        self.action_reload()
