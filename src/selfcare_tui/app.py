"""The terminal app: the frame (header, footer, help, palette) and the way between screens.

The app owns the session and the account in view; screens get them handed in and call the
typed client, never URLs. Start it with a ready `Session` (the demo, tests), or let it open
the saved profile; without a usable login it shows the login screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import ClassVar, cast

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import Screen
from textual.theme import Theme, ThemeProvider

from selfcare_tui import config, i18n
from selfcare_tui.api import models
from selfcare_tui.api.errors import SelfcareError
from selfcare_tui.i18n import _, language_name
from selfcare_tui.session import Session, open_session, remember_account, server_for, start

from .core.failures import describe
from .screens.base import AccountScreen
from .screens.goto import GoToMenu
from .screens.help import HelpScreen, KeyHelp
from .screens.language import LanguagePicker
from .screens.login import LoggedIn, LoginScreen
from .screens.sections import section_named, sections
from .screens.switcher import AccountSwitcher
from .widgets.link_panel import SectionOpened
from .widgets.login_ended import LoginEnded
from .widgets.palette import TranslatedPalette
from .widgets.redraw import redraw_screen, retranslate_bindings
from .widgets.themes import SELFCARE_THEME

SWITCH_KEY = "ctrl+o"
"""Free in Textual's defaults and in Input (ctrl+p is the palette, ctrl+q quits)."""


class SelfcareApp(App[None]):
    """Self-service for electricity customers."""

    TITLE = "selfcare"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(SWITCH_KEY, "switch_account", _("Accounts")),
        Binding("g", "go_menu", _("Go to")),
        Binding("question_mark", "help", _("Help"), key_display="?"),
        # Textual's own palette key, declared here so that its word is translated too.
        Binding(
            App.COMMAND_PALETTE_BINDING,
            "command_palette",
            _("palette"),
            show=False,
            key_display=App.COMMAND_PALETTE_DISPLAY,
            priority=True,
            tooltip=_("Open the command palette"),
        ),
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
        self._sections: dict[str, AccountScreen[object]] = {}
        self.register_theme(SELFCARE_THEME)
        self.theme = self._saved_theme()

    def _saved_theme(self) -> str:
        try:
            theme = config.load().settings.theme
        except SelfcareError:
            return SELFCARE_THEME.name  # the login screen says what is wrong with the file
        return theme if theme in self.available_themes else SELFCARE_THEME.name

    def on_mount(self) -> None:
        # Key descriptions were made when their classes were, maybe before the language was
        # chosen (`selfcare --lang`, the config file): they speak it from the first screen.
        retranslate_bindings(self, list(self.screen_stack))
        self.theme_changed_signal.subscribe(self, self._remember_theme)
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
        try:
            server = self._server or server_for(profile)
        except SelfcareError as exc:  # a bad SELFCARE_SERVER: say so, offer the profile's
            server, message = profile.server, describe(exc)
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
        for old in self._sections.values():  # screens of an earlier login
            if old not in self.screen_stack:
                self.uninstall_screen(old)
        self._sections = {}
        self.go("desk" if self.is_agent else "overview")
        if note:
            self.notify(note, title=_("Login not kept"), severity="warning", timeout=30)

    @property
    def is_agent(self) -> bool:
        return self.me is not None and self.me.role is models.Role.agent

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
        """Show it on the screen in view; the other sections reload when shown again."""
        if account is None:
            return
        self.account = account
        if isinstance(self.screen, AccountScreen) and not self.screen.NEEDS_ACCOUNT:
            self.go("overview")  # found from the desk: the agent acts for the customer now
        elif isinstance(self.screen, AccountScreen):
            self.screen.show_account(account)
        if self.session is not None:
            try:
                if remember_account(self.session, account.number):
                    self.session.profile.account = account.number
            except SelfcareError as exc:  # an unreadable config: say so, keep going
                self.notify(describe(exc), title=_("Not saved"), severity="warning")

    # --- sections -----------------------------------------------------------------------

    def go(self, name: str) -> None:
        """Show a section for the account in view; its screen is kept while the app runs."""
        section = section_named(name)
        if section is None or self.session is None or self.me is None:
            return
        if getattr(self.screen, "section", None) == name:
            return
        screen = self._sections.get(name)
        if screen is None:
            screen = section.screen_class()(self.session, self.account, self.me)
            self._sections[name] = screen
            self.install_screen(screen, f"section-{name}-{id(screen)}")
        while len(self.screen_stack) > 2:  # a dialog or detail over the section: leave it
            self.pop_screen()
        if len(self.screen_stack) > 1:  # a section or the login screen: replace it
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def on_section_opened(self, message: SectionOpened) -> None:
        self.go(message.section)

    def on_login_ended(self, message: LoginEnded) -> None:
        self._show_login(message.text)

    def action_go_menu(self) -> None:
        if self.session is None or self.me is None:
            self.notify(_("Log in first."), severity="warning")
            return
        if isinstance(self.screen, GoToMenu):
            return
        current = getattr(self.screen, "section", None)
        self.push_screen(GoToMenu(current, agent=self.is_agent), self._went)

    def _went(self, name: str | None) -> None:
        if name is not None:
            self.go(name)

    # --- frame ------------------------------------------------------------------------

    def _remember_theme(self, theme: Theme) -> None:
        """The chosen theme is kept in the config file for the next start."""
        try:
            settings = config.load()
        except SelfcareError:
            return  # an unreadable config is not overwritten; the login screen names it
        if settings.settings.theme != theme.name:
            settings.settings.theme = theme.name
            config.save(settings)

    def action_security(self) -> None:
        if self.session is not None:
            from .screens.security import SecurityDialog

            self.push_screen(SecurityDialog(self.session.client))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self._key_help()))

    def _key_help(self) -> list[KeyHelp]:
        """The keys that work on the screen in view, from its real bindings."""
        rows: list[KeyHelp] = []
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.description in seen:
                continue
            seen.add(binding.description)
            rows.append(KeyHelp(self.get_key_display(binding), binding.description))
        rows += [
            KeyHelp(f"g {s.key}", _("Go to: {title}").format(title=s.title))
            for s in sections(self.is_agent)
        ]
        return rows

    # --- language -----------------------------------------------------------------------

    def action_change_language(self) -> None:
        if not isinstance(self.screen, LanguagePicker):
            self.push_screen(LanguagePicker(), self._language_chosen)

    def _language_chosen(self, language: str | None) -> None:
        if language is None or language == i18n.language():
            return
        i18n.choose_language(language)
        try:
            settings = config.load()
        except SelfcareError:
            settings = None  # an unreadable config is not overwritten; the app still changes
        if settings is not None and settings.settings.language != language:
            settings.settings.language = cast(i18n.Language, language)
            config.save(settings)
        self._redraw()

    @work(exclusive=True, group="language")
    async def _redraw(self) -> None:
        """Every screen in the new language: the ones shown now at once, keeping what was
        typed; the sections kept for later when they are shown again."""
        shown = list(self.screen_stack[1:])
        retranslate_bindings(self, [*shown, *self._sections.values()])
        for section in self._sections.values():
            section.stale_language = section not in shown
        for screen in shown:
            if isinstance(screen, AccountScreen):
                await screen.redraw()
            else:
                await redraw_screen(screen)
        self.refresh_bindings()
        self.notify(_("Language: {language}").format(language=language_name(i18n.language())))

    # --- the command palette -----------------------------------------------------------

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(
                TranslatedPalette(placeholder=_("Search for commands…"), id="--command-palette")
            )

    def search_themes(self) -> None:
        self.push_screen(
            TranslatedPalette(providers=[ThemeProvider], placeholder=_("Search for themes…"))
        )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        if self.session is not None:
            yield SystemCommand(
                _("Switch account"),
                _("Show another account: own, held by mandate, or (agents) any"),
                self.action_switch_account,
            )
            yield SystemCommand(
                _("Security"),
                _("Where your login is in use, ending a session, changing the password"),
                self.action_security,
            )
            for section in sections(self.is_agent):
                yield SystemCommand(
                    _("Go to: {title}").format(title=section.title),
                    section.description,
                    partial(self.go, section.name),
                )
        yield SystemCommand(_("Help"), _("The keys of the app"), self.action_help)
        yield SystemCommand(
            _("Change language"),
            _("Show the app in another language: English, Romanian, Estonian, Ukrainian, Russian"),
            self.action_change_language,
        )
        words = textual_words()
        for command in super().get_system_commands(screen):
            yield command._replace(
                title=words.get(command.title, command.title),
                help=words.get(command.help, command.help),
            )


def textual_words() -> dict[str, str]:
    """Textual's own system commands, in the language spoken (their English is Textual's)."""
    return {
        "Theme": _("Theme"),
        "Change the current theme": _("Change the current theme"),
        "Quit": _("Quit"),
        "Quit the application as soon as possible": _("Quit the application as soon as possible"),
        "Keys": _("Keys"),
        "Hide the keys and widget help panel": _("Hide the keys and widget help panel"),
        "Show help for the focused widget and a summary of available keys": _(
            "Show help for the focused widget and a summary of available keys"
        ),
        "Minimize": _("Minimize"),
        "Minimize the widget and restore to normal size": _(
            "Minimize the widget and restore to normal size"
        ),
        "Maximize": _("Maximize"),
        "Maximize the focused widget": _("Maximize the focused widget"),
        "Screenshot": _("Screenshot"),
        "Save an SVG 'screenshot' of the current screen": _(
            "Save an SVG 'screenshot' of the current screen"
        ),
    }
