"""Choose the account in view: own accounts, those held by mandate, and for agents a search."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import SelfcareError
from selfcare_tui.core.failures import describe
from selfcare_tui.core.mandates import scopes_text
from selfcare_tui.i18n import _, format_date
from selfcare_tui.widgets.loading import done_loading

from .attach import AttachAccount
from .dialog import Dialog


def account_prompt(account: models.AccountSummary, current: bool) -> Text:
    """Two lines: number and name, then whose it is (and with which scopes, by mandate)."""
    marker = "● " if current else "  "
    text = Text(f"{marker}{account.number}  {account.name}", no_wrap=True)
    if account.access is models.Access.owner:
        detail = _("own account")
    elif account.access is models.Access.agent:
        detail = _("as support agent")
    else:
        scopes = scopes_text(account.scopes)
        detail = _("by mandate: {scopes}").format(scopes=scopes)
        if account.mandate_expires_at is not None:
            detail += " " + _("(until {day})").format(
                day=format_date(account.mandate_expires_at.date())
            )
        detail = "⚑ " + detail
    text.append(f"\n    {detail}", style="italic")
    return text


def match_prompt(match: models.CustomerMatch, current: bool) -> Text:
    """An account the agents' search found, and what of it matched the query."""
    marker = "● " if current else "  "
    text = Text(f"{marker}{match.number}  {match.name}", no_wrap=True)
    text.append(f"\n    {matched_label(match.matched)}: {match.detail}", style="italic")
    return text


def matched_label(matched: str) -> str:
    labels = {
        "number": _("account number"),
        "name": _("name"),
        "address": _("address"),
        "meter": _("meter serial"),
        "payment_code": _("payment code"),
        "payment_reference": _("payment reference"),
    }
    return labels.get(matched, matched)


class AccountSwitcher(Dialog[models.AccountSummary | None]):
    """Dismisses with the chosen account, or None when closed with escape."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("a", "attach", _("Attach an account"))]
    CSS_PATH = "switcher.tcss"

    def __init__(self, client: SelfcareClient, me: models.Me, current: str | None) -> None:
        super().__init__()
        self._client = client
        self._me = me
        self._current = current
        self._accounts: dict[str, models.AccountSummary] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="switcher", classes="dialog-box") as box:
            box.border_title = _("Switch account")
            box.border_subtitle = (
                _("enter choose · a attach · esc close")
                if self._me.role is models.Role.customer
                else _("enter choose · esc close")
            )
            if self._me.role is models.Role.agent:
                yield Label(_("Search: account number, name, address, meter, payment reference"))
                yield Input(id="search", placeholder=_("what to look for"))
            yield OptionList(id="accounts")
            yield Static("", id="switcher-message", markup=False)
            if self._me.role is models.Role.customer:
                yield Button(_("Attach an account…"), id="attach", compact=True)

    def on_mount(self) -> None:
        self._load(None)
        if self._me.role is models.Role.agent:
            self.query_one("#search", Input).focus()
        else:
            self.query_one(OptionList).focus()

    @on(Input.Changed, "#search")
    def _search(self, event: Input.Changed) -> None:
        self._load(event.value.strip() or None, debounce=True)

    @on(Input.Submitted, "#search")
    def _to_list(self) -> None:
        self.query_one(OptionList).focus()

    @work(exclusive=True, group="accounts")
    async def _load(self, query: str | None, debounce: bool = False) -> None:
        if debounce:
            await asyncio.sleep(0.3)  # one request per pause in typing, not per key
        options = self.query_one(OptionList)
        message = self.query_one("#switcher-message", Static)
        options.loading = True
        try:
            if query and self._me.role is models.Role.agent:
                await self._search_customers(query)
                return
            accounts = await self._client.accounts(query)
        except SelfcareError as exc:
            message.update(describe(exc, self._client.base_url))
            return
        finally:
            done_loading(options)
        self._accounts = {a.number: a for a in accounts}
        options.set_options(
            Option(account_prompt(a, a.number == self._current), id=a.number) for a in accounts
        )
        if not accounts:
            message.update(
                _("No accounts found.") if query else _("This login holds no account yet.")
            )
        else:
            message.update("")
            numbers = [a.number for a in accounts]
            # enter then chooses at once: the account in view, else the first found
            options.highlighted = numbers.index(self._current) if self._current in numbers else 0

    async def _search_customers(self, query: str) -> None:
        """The back office's customer search: more than names and numbers, and says what
        matched, so two Maria Tamms are told apart by their addresses."""
        options = self.query_one(OptionList)
        message = self.query_one("#switcher-message", Static)
        matches = await self._client.search_customers(query)
        self._accounts = {}
        options.set_options(
            Option(match_prompt(m, m.number == self._current), id=m.number) for m in matches
        )
        message.update("" if matches else _("No accounts found."))
        if matches:
            options.highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option_id is None:
            return
        account = self._accounts.get(event.option_id)
        if account is not None:
            self.dismiss(account)
        else:
            self._open_found(event.option_id)

    @work(exclusive=True, group="accounts")
    async def _open_found(self, number: str) -> None:
        """An account found by the search is opened (and so audited) once chosen."""
        try:
            account = await self._client.account(number)
        except SelfcareError as exc:
            self.query_one("#switcher-message", Static).update(describe(exc, self._client.base_url))
            return
        self.dismiss(account)

    @on(Button.Pressed, "#attach")
    def action_attach(self) -> None:
        """Customers only: agents see every account already, by search."""
        if self._me.role is models.Role.customer:
            self.app.push_screen(AttachAccount(self._client), self._attached)

    def _attached(self, account: models.AccountSummary | None) -> None:
        if account is not None:
            self.notify(
                _("Account {number} is now linked to your login.").format(number=account.number)
            )
            self.dismiss(account)
