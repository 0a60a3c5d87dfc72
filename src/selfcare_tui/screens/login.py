"""Log in: server, username, password, and a one-time code when the login has a second factor.

Nothing typed is cleared on an error; each kind of failure gets its own message under the
form. 'Remember me' keeps the refresh token in the OS keyring; without a keyring the login
still works for this run and the screen that follows says why nothing was kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Static

from selfcare_tui import config
from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import SelfcareError, TokenRejected
from selfcare_tui.core.failures import describe
from selfcare_tui.core.second_factor import is_second_factor_code, normalised
from selfcare_tui.core.server_url import InvalidServerUrl, server_url
from selfcare_tui.i18n import _
from selfcare_tui.session import CredentialStore, KeyringUnavailable, Session, client_for
from selfcare_tui.widgets.toggles import MarkedCheckbox

from .device_login import DeviceLoginDialog
from .password_reset import PasswordResetDialog
from .sign_up import SignedUp, SignUpDialog


@dataclass
class LoggedIn:
    """What the login screen hands to the app: a ready session, and a note to show, if any."""

    session: Session
    note: str | None


class _TokenKeeper:
    """Saves each rotated refresh token to the keyring, once the user asked to be remembered."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.username: str | None = None
        self.store: CredentialStore | None = None

    def __call__(self, tokens: models.TokenPair) -> None:
        if self.store is not None and self.username:
            try:
                self.store.store(self.server, self.username, tokens.refresh_token)
            except KeyringUnavailable:
                self.store = None  # the note after login already said so


class LoginScreen(Screen[None]):
    """The form; on success it calls `on_login` and the app moves on. A new user creates an
    account from here, and one who forgot the password sets a new one."""

    CSS_PATH = "login.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "sign_up", _("Create an account")),
        Binding("ctrl+r", "forgot_password", _("Forgot password")),
        Binding("ctrl+l", "device_login", _("Another device")),
    ]

    def __init__(
        self,
        on_login: Callable[[LoggedIn], None],
        *,
        profile_name: str | None,
        server: str,
        username: str | None = None,
        known_servers: list[str] | None = None,
        message: str | None = None,
    ) -> None:
        super().__init__()
        self._on_login = on_login
        self._profile_name = profile_name
        self._server = server
        self._username = username or ""
        self._known_servers = sorted(set(known_servers or []) | {server})
        self._message = message or ""
        self._pending: tuple[SelfcareClient, _TokenKeeper, models.MfaChallenge] | None = None
        self.sub_title = _("Log in")

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="login-form") as form:
            form.border_title = _("Log in")
            yield Label(_("Server"))
            yield Input(
                self._server,
                id="server",
                suggester=SuggestFromList(self._known_servers, case_sensitive=False),
            )
            yield Label(_("Username"))
            yield Input(self._username, id="username")
            yield Label(_("Password"))
            yield Input(id="password", password=True)
            with Vertical(id="otp-step"):
                yield Label(_("One-time code from your authenticator app, or a recovery code"))
                yield Input(id="otp", max_length=11)
            yield MarkedCheckbox(
                _("Remember me on this computer (OS keyring)"), True, id="remember"
            )
            with Horizontal(classes="login-buttons"):
                yield Button(_("Log in"), id="login", variant="primary", compact=True)
                yield Button(_("Log in with another device"), id="device", compact=True)
            with Horizontal(classes="login-buttons"):
                yield Button(_("Create an account"), id="sign-up", compact=True)
                yield Button(_("Forgot password"), id="forgot", compact=True)
            yield Static(self._message, id="login-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        field = "#password" if self._username else "#username"
        self.query_one(field, Input).focus()

    def _say(self, message: str, *, info: bool = False) -> None:
        widget = self.query_one("#login-message", Static)
        widget.update(message)
        widget.set_class(info, "-info")

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        order = ["server", "username", "password"]
        if event.input.id in order[:-1] and not self._pending:
            self.query_one(f"#{order[order.index(event.input.id) + 1]}", Input).focus()
        else:
            self.submit()

    @on(Button.Pressed, "#login")
    def submit(self) -> None:
        """Check the form, then log in (or answer the code step) in a worker."""
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if self._pending is not None:
            code = normalised(self.query_one("#otp", Input).value)
            if not is_second_factor_code(code):
                self._say(
                    _(
                        "Enter the 6-digit code from your authenticator app, or one of your "
                        "recovery codes (xxxxx-xxxxx)."
                    )
                )
                return
            self._answer(code)
            return
        server = self._checked_server()
        if server is None:
            return
        for value, field, message in (
            (username, "#username", _("Enter your username.")),
            (password, "#password", _("Enter your password.")),
        ):
            if not value:
                self._say(message)
                self.query_one(field, Input).focus()
                return
        self._log_in(server, username, password)

    def _checked_server(self) -> str | None:
        """The server typed, as a usable URL; otherwise None, and the reason said."""
        typed = self.query_one("#server", Input).value.strip().rstrip("/")
        if not typed:
            self._say(_("Enter the server address, e.g. https://selfcare.example.com"))
        else:
            try:
                return server_url(typed)
            except InvalidServerUrl as error:
                self._say(_("The server address is not usable: {reason}").format(reason=error))
        self.query_one("#server", Input).focus()
        return None

    @on(Button.Pressed, "#sign-up")
    def action_sign_up(self) -> None:
        server = self._checked_server()
        if server is None or self._pending is not None:
            return
        keeper = _TokenKeeper(server)
        client = client_for(server, on_tokens=keeper, retries=1)

        def signed_up(result: SignedUp | None) -> None:
            if result is None:
                self.run_worker(client.aclose())
                return
            self._signed_up(client, keeper, server, result.username)

        self.app.push_screen(SignUpDialog(client), signed_up)

    @work(exclusive=True, group="login")
    async def _signed_up(
        self, client: SelfcareClient, keeper: _TokenKeeper, server: str, username: str
    ) -> None:
        await self._finish(client, keeper, server, username)

    @on(Button.Pressed, "#device")
    def action_device_login(self) -> None:
        server = self._checked_server()
        if server is None or self._pending is not None:
            return
        keeper = _TokenKeeper(server)
        client = client_for(server, on_tokens=keeper, retries=1)

        def logged_in(approved: bool | None) -> None:
            if not approved:
                self.run_worker(client.aclose())
                return
            self._logged_in_elsewhere(client, keeper, server)

        self.app.push_screen(DeviceLoginDialog(client), logged_in)

    @work(exclusive=True, group="login")
    async def _logged_in_elsewhere(
        self, client: SelfcareClient, keeper: _TokenKeeper, server: str
    ) -> None:
        try:
            me = await client.me()
        except SelfcareError as exc:
            await client.aclose()
            self._say(describe(exc, server))
            return
        await self._finish(client, keeper, server, me.username)

    @on(Button.Pressed, "#forgot")
    def action_forgot_password(self) -> None:
        server = self._checked_server()
        if server is None or self._pending is not None:
            return
        client = client_for(server, retries=1)

        def done(note: str | None) -> None:
            self.run_worker(client.aclose())
            if note is not None:
                self._say(note, info=True)
                self.query_one("#password", Input).value = ""
                self.query_one("#username" if not self._username else "#password", Input).focus()

        self.app.push_screen(PasswordResetDialog(client), done)

    def _busy(self, busy: bool) -> None:
        button = self.query_one("#login", Button)
        button.disabled = busy
        button.label = _("Logging in…") if busy else _("Log in")

    @work(exclusive=True, group="login")
    async def _log_in(self, server: str, username: str, password: str) -> None:
        self._busy(True)
        self._say(_("Logging in…"), info=True)
        keeper = _TokenKeeper(server)
        client = client_for(server, on_tokens=keeper, retries=1)
        try:
            result = await client.login(username, password)
        except SelfcareError as exc:
            await client.aclose()
            self._busy(False)
            self._say(describe(exc, server))
            self.query_one("#password", Input).focus()
            return
        if isinstance(result, models.MfaChallenge):
            self._pending = (client, keeper, result)
            self.query_one("#otp-step").add_class("-shown")
            for field in ("#server", "#username", "#password"):
                self.query_one(field, Input).disabled = True
            self._busy(False)
            self._say(_("This login has a second factor: enter the one-time code."), info=True)
            self.query_one("#otp", Input).focus()
            return
        await self._finish(client, keeper, server, username)

    @work(exclusive=True, group="login")
    async def _answer(self, code: str) -> None:
        assert self._pending is not None
        client, keeper, challenge = self._pending
        self._busy(True)
        try:
            await client.answer_mfa(challenge.challenge_id, code)
        except TokenRejected:
            # The challenge expired: start again from the password, which is still there.
            self._reset_code_step()
            await client.aclose()
            self._say(_("The code step timed out. Log in again."))
            return
        except SelfcareError as exc:
            self._busy(False)
            self._say(describe(exc, client.base_url))
            self.query_one("#otp", Input).focus()
            return
        server = self.query_one("#server", Input).value.strip().rstrip("/")
        username = self.query_one("#username", Input).value.strip()
        await self._finish(client, keeper, server, username)

    def _reset_code_step(self) -> None:
        self._pending = None
        self._busy(False)
        self.query_one("#otp-step").remove_class("-shown")
        self.query_one("#otp", Input).value = ""
        for field in ("#server", "#username", "#password"):
            self.query_one(field, Input).disabled = False

    async def _finish(
        self, client: SelfcareClient, keeper: _TokenKeeper, server: str, username: str
    ) -> None:
        """Keep the login as asked, save the profile (no secret), and hand over the session."""
        notes: list[str] = []
        if self.query_one("#remember", Checkbox).value and client.refresh_token:
            try:
                store = CredentialStore()
                store.store(server, username, client.refresh_token)
                keeper.store, keeper.username = store, username
            except KeyringUnavailable as exc:
                notes.append(_("Logged in for this run only. {reason}").format(reason=str(exc)))
        profile = config.Profile(server=server, username=username)
        try:
            settings = config.load()
            name = self._profile_name or settings.default_profile
            previous = settings.profiles.get(name, config.Profile())
            if previous.username == username:
                profile.account = previous.account
            settings.profiles[name] = profile
            config.save(settings)
        except (SelfcareError, OSError) as exc:
            notes.append(_("The profile was not saved: {error}").format(error=exc))
        self._pending = None
        session = Session(self._profile_name, profile, client, from_environment=False)
        self._on_login(LoggedIn(session, " ".join(notes) or None))
