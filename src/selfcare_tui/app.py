"""The terminal app: the frame (header, footer, help, palette) and the way between screens.

The app owns the session and the account in view; screens get them handed in and call the
typed client, never URLs. Start it with a ready `Session` (the demo, tests), or let it open
the saved profile; without a usable login it shows the login screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from selfcare_tui import config
from selfcare_tui.api import models
from selfcare_tui.api.errors import SelfcareError
from selfcare_tui.i18n import _
from selfcare_tui.session import Session, open_session, server_for, start

from .screens.help import HelpScreen
from .screens.login import LoggedIn, LoginScreen
from .screens.messages import describe
from .screens.overview import OverviewScreen
from .screens.switcher import AccountSwitcher

SWITCH_KEY = "ctrl+o"
"""Free in Textual's defaults and in Input (ctrl+p is the palette, ctrl+q quits)."""


class SelfcareApp(App[None]):
    """Self-service for electricity customers."""

    TITLE = "selfcare"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(SWITCH_KEY, "switch_account", _("Accounts")),
        Binding("question_mark", "help", _("Help"), key_display="?"),
    ]

    def __init__(
        self,
        *,
        profile: str | None = None,
        session: Session | None = None,
        server: str | None = None,
    ) -> None:
        super().__init__()
        self.profile_name = profile
        self.session = session
        self.me: models.Me | None = None
        self.account: models.AccountSummary | None = None
        self._server = server
        self.theme = "textual-dark"  # fixed, so every terminal and snapshot looks the same

    def on_mount(self) -> None:
        if self.session is not None:
            self._enter(self.session, None)
        else:
            self._resume()

    # --- logging in -------------------------------------------------------------------

    @work(exclusive=True, group="session")
    async def _resume(self) -> None:
        """Open the saved profile's login; the login screen when there is none or it ended."""
        try:
            session = open_session(self.profile_name)
        except SelfcareError as exc:
            self._show_login(None if self._never_logged_in() else describe(exc))
            return
        try:
            await start(session)
        except SelfcareError as exc:
            await session.aclose()
            self._show_login(describe(exc, session.server))
            return
        await self._open(session, None)

    def _never_logged_in(self) -> bool:
        try:
            return config.load().profile(self.profile_name).username is None
        except SelfcareError:
            return False

    def _show_login(self, message: str | None) -> None:
        try:
            settings = config.load()
        except SelfcareError as exc:
            settings, message = config.Config(), describe(exc)
        profile = settings.profile(self.profile_name)
        server = self._server or server_for(profile)
        screen = LoginScreen(
            self._logged_in,
            profile_name=self.profile_name,
            server=server,
            username=profile.username,
            known_servers=[p.server for p in settings.profiles.values()],
            message=message,
        )
        self.switch_screen(screen) if self.screen_stack[1:] else self.push_screen(screen)

    def _logged_in(self, result: LoggedIn) -> None:
        self._enter(result.session, result.note)

    @work(exclusive=True, group="session")
    async def _enter(self, session: Session, note: str | None) -> None:
        await self._open(session, note)

    async def _open(self, session: Session, note: str | None) -> None:
        """Who is this and which account to show first: the profile's, else the first."""
        self.session = session
        try:
            me = await session.client.me()
            accounts = await session.client.accounts()
        except SelfcareError as exc:
            self._show_login(describe(exc, session.server))
            return
        self.me = me
        preferred = session.profile.account
        self.account = next(
            (a for a in accounts if a.number == preferred), accounts[0] if accounts else None
        )
        screen = OverviewScreen(session, self.account, me)
        self.switch_screen(screen) if self.screen_stack[1:] else self.push_screen(screen)
        if note:
            self.notify(note, title=_("Login not kept"), severity="warning", timeout=30)

    # --- frame ------------------------------------------------------------------------

    def action_switch_account(self) -> None:
        if self.session is None or self.me is None:
            self.notify(_("Log in first."), severity="warning")
            return
        if isinstance(self.screen, AccountSwitcher):
            return
        current = self.account.number if self.account else None
        self.push_screen(AccountSwitcher(self.session.client, self.me, current), self._switched)

    def _switched(self, account: models.AccountSummary | None) -> None:
        if account is None:
            return
        self.account = account
        screen = self.screen
        show = getattr(screen, "show_account", None)
        if callable(show):
            show(account)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        if self.session is not None:
            yield SystemCommand(
                _("Switch account"),
                _("Show another account: own, held by mandate, or (agents) any"),
                self.action_switch_account,
            )
        yield SystemCommand(_("Help"), _("The keys of the app"), self.action_help)
        yield from super().get_system_commands(screen)
