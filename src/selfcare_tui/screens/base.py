"""What every screen about the account in view shares: frame, loading, failures, account switch.

A subclass composes its body, fetches in `fetch` and shows in `show`; the base runs the fetch
in a worker with a loading indicator on the body, turns a failure into one clear message with
a retry (the body and whatever the user typed stay as they were), and reloads when the user
switches account, also for a screen that was not on top at the time.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Generic, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from selfcare_tui.api import models
from selfcare_tui.api.errors import ConnectionFailed, SelfcareError, TokenRejected
from selfcare_tui.core.failures import describe
from selfcare_tui.i18n import _
from selfcare_tui.session import Session
from selfcare_tui.widgets.banner import AccountBanner
from selfcare_tui.widgets.loading import done_loading
from selfcare_tui.widgets.login_ended import LoginEnded
from selfcare_tui.widgets.redraw import Typed, redraw_screen, restore_typed, typed_values

Data = TypeVar("Data")

ACCOUNT_SCREEN_CSS = Path(__file__).with_name("account_screen.tcss")
"""Absolute: Textual resolves a relative CSS_PATH next to the subclass's module, not this one."""


def lost_connection_message(server: str) -> str:
    return _(
        "The connection to the server at {server} was lost. Check your connection and retry (r)."
    ).format(server=server)


class AccountScreen(Screen[None], Generic[Data]):
    """Base of the section screens; `section` names it in the app's list of sections."""

    section: ClassVar[str] = ""
    AUTO_FOCUS = ""
    """Textual's default focuses the first focusable widget even when hidden (the Retry
    button); the first widget of the shown body gets focus after loading instead."""
    FOCUS_AFTER_LOAD: ClassVar[bool] = True
    """False for forms: with a field focused, `g` and `?` would be typed, not obeyed."""
    BINDINGS: ClassVar[list[BindingType]] = [Binding("r", "reload", _("Refresh"))]
    NEEDS_ACCOUNT: ClassVar[bool] = True
    """False for the agents' desk, which shows the utility's queues, not an account."""

    def __init__(
        self, session: Session, account: models.AccountSummary | None, me: models.Me
    ) -> None:
        super().__init__()
        self.css_path = [ACCOUNT_SCREEN_CSS, *self.css_path]
        self.session = session
        self.account = account
        self.me = me
        self.stale_language = False
        """Set when the language changed while the screen was not shown: redrawn on return."""
        self._typed_after_load: Typed | None = None
        """What was typed before a redraw, put back once the load showed its data."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield AccountBanner(self.account if self.NEEDS_ACCOUNT else None)
        with Vertical(id="problem"):
            yield Static("", id="problem-text", markup=False)
            yield Button(_("Retry"), id="retry", variant="primary")
        with VerticalScroll(id="body"):
            yield from self.compose_body()
        yield Footer(compact=True)

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    async def fetch(self, number: str) -> Data:
        raise NotImplementedError

    def show(self, data: Data) -> None:
        raise NotImplementedError

    # --- account in view ----------------------------------------------------------------

    def on_mount(self) -> None:
        self.show_account(self.account)

    async def on_screen_resume(self) -> None:
        """Coming back to a screen after switching account (or language) elsewhere shows the
        new account (in the new language)."""
        if self.stale_language:
            await self.redraw()
        current = getattr(self.app, "account", self.account)
        if current != self.account:
            self.show_account(current)

    def show_account(self, account: models.AccountSummary | None) -> None:
        self.account = account
        if not self.NEEDS_ACCOUNT:
            self.action_reload()
            return
        self.query_one(AccountBanner).show_account(account)
        if account is None:
            self.sub_title = ""
            self.problem(
                _("No account in view. Press ctrl+o to choose or search an account.")
                if getattr(self.app, "is_agent", False)
                else _(
                    "Your login holds no account yet. Press ctrl+o, then a, to attach one "
                    "with the account number and payment code on any of its invoices."
                ),
                retry=False,
            )
            return
        self.sub_title = f"{account.number} · {account.name}"
        self.action_reload()

    @property
    def redrawing(self) -> bool:
        """From a redraw until its load showed the data: the load is the last one's."""
        return self._typed_after_load is not None

    async def redraw(self) -> None:
        """Compose again in the language now spoken, loading the account again; what was typed
        is put back after the load shows its data (which refills forms)."""
        self.stale_language = False
        self._typed_after_load = typed_values(self)
        self.forget_drawn()
        await redraw_screen(self, restore=False)

    def forget_drawn(self) -> None:
        """Forget what the screen remembers of the widgets it drew (columns made, forms
        built), before they are composed again."""

    def after_show(self) -> None:
        """Put back what was typed before a redraw, now that the data refilled the forms."""
        if self._typed_after_load is not None:
            restore_typed(self, self._typed_after_load)
            self._typed_after_load = None

    def action_reload(self) -> None:
        if self.account is not None:
            self._load(self.account.number)
        elif not self.NEEDS_ACCOUNT:
            self._load("")

    # --- loading and failures -------------------------------------------------------------

    @on(Button.Pressed, "#retry")
    def _retry(self) -> None:
        self.action_reload()

    def problem(self, message: str | None, *, retry: bool = True) -> None:
        """Show `message` instead of the body (None hides it); the body keeps its content."""
        panel = self.query_one("#problem")
        panel.set_class(message is not None, "-shown")
        self.query_one("#body").display = message is None
        self.query_one("#retry").display = retry
        if message is not None:
            self.query_one("#problem-text", Static).update(message)
            if retry:
                self.query_one("#retry").focus()

    def failure_message(self, error: SelfcareError) -> str:
        if isinstance(error, ConnectionFailed):
            return lost_connection_message(self.session.server)
        return describe(error, self.session.server)

    @work(exclusive=True, group="load")
    async def _load(self, number: str) -> None:
        body = self.query_one("#body")
        body.loading = True
        try:
            data = await self.fetch(number)
        except TokenRejected as exc:
            self.post_message(LoginEnded(describe(exc)))
            return
        except SelfcareError as exc:
            self.problem(self.failure_message(exc))
            return
        finally:
            done_loading(body)
        shown = self.account.number if self.account is not None else ""
        if self.NEEDS_ACCOUNT and shown != number:
            return  # switched meanwhile; that load shows its own account
        self.problem(None)
        self.show(data)
        self.after_show()
        if self.focused is None and self.FOCUS_AFTER_LOAD:
            self.focus_next()
