"""A login to one server: where its tokens come from and where new ones go.

Screens and commands get a ready SelfcareClient from here and never touch the keyring or the
environment themselves. Tokens come from SELFCARE_TOKEN (scripts, no keyring) or from the OS
keyring (the refresh token `selfcare login` stored); a password is never stored anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from selfcare_tui import config, i18n
from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient, TokensChanged
from selfcare_tui.api.errors import SelfcareError, TokenRejected
from selfcare_tui.core.device_login import wait_for_approval
from selfcare_tui.core.server_url import InvalidServerUrl, server_url
from selfcare_tui.i18n import _

T = TypeVar("T")

KEYRING_SERVICE_PREFIX = "selfcare-tui"
# Backends that do not keep a secret safe: the placeholders keyring falls back to when it
# finds nothing, and keyrings.alt's files, which are plain text on disk.
_UNSAFE_BACKENDS = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


def client_for(
    server: str,
    *,
    access_token: str | None = None,
    refresh_token: str | None = None,
    on_tokens: TokensChanged | None = None,
    retries: int = 3,
) -> SelfcareClient:
    """A client that names the user's language to the server (Accept-Language) at every
    request, so that what the server writes (refusals, PDFs' defaults) is in it."""
    return SelfcareClient(
        server,
        access_token=access_token,
        refresh_token=refresh_token,
        on_tokens=on_tokens,
        retries=retries,
        language=i18n.language,
    )


class NotLoggedIn(SelfcareError):
    """No usable credentials for this profile: log in, or set SELFCARE_TOKEN."""


class KeyringUnavailable(SelfcareError):
    """No safe OS keyring: nothing is written anywhere else instead."""


def not_logged_in_message(profile: str | None) -> str:
    flag = f" --profile {profile}" if profile else ""
    return _(
        "Not logged in. Run `selfcare{flag} login`, or for scripts set SELFCARE_TOKEN to a "
        "token from `selfcare{flag} auth token create`."
    ).format(flag=flag)


def keyring_unavailable_message(error: BaseException | None = None) -> str:
    message = _(
        "No OS keyring is available to keep your login safe, so it was not stored. Either "
        "create a token with `selfcare auth token create --name NAME --server URL --username "
        "USER` (it logs in for that one call and stores nothing) and set SELFCARE_TOKEN to it "
        "(and SELFCARE_SERVER to the server), or install a keyring backend (on Linux: "
        "gnome-keyring or KeePassXC with the Secret Service, and a D-Bus session)."
    )
    if error is None:
        return message
    return _("{message} The keyring said: {error}").format(message=message, error=error)


class CredentialStore:
    """Refresh tokens in the OS keyring, one per server and username."""

    def __init__(self) -> None:
        import keyring

        try:
            backend = keyring.get_keyring()
        except Exception as exc:  # a named backend that cannot load (PYTHON_KEYRING_BACKEND)
            raise KeyringUnavailable(keyring_unavailable_message(exc)) from exc
        module = type(backend).__module__
        names = [module] + [type(b).__module__ for b in getattr(backend, "backends", [])]
        if module.startswith(_UNSAFE_BACKENDS) or (
            module.startswith("keyring.backends.chainer")
            and all(n.startswith(_UNSAFE_BACKENDS) for n in names[1:])
        ):
            raise KeyringUnavailable(keyring_unavailable_message())
        self._keyring = keyring

    @staticmethod
    def service(server: str) -> str:
        return f"{KEYRING_SERVICE_PREFIX} {server.rstrip('/')}"

    def refresh_token(self, server: str, username: str) -> str | None:
        try:
            token: str | None = self._keyring.get_password(self.service(server), username)
        except self._keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(keyring_unavailable_message(exc)) from exc
        return token

    def store(self, server: str, username: str, refresh_token: str) -> None:
        try:
            self._keyring.set_password(self.service(server), username, refresh_token)
        except self._keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(keyring_unavailable_message(exc)) from exc

    def forget(self, server: str, username: str) -> None:
        try:
            self._keyring.delete_password(self.service(server), username)
        except self._keyring.errors.PasswordDeleteError:
            pass
        except self._keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(keyring_unavailable_message(exc)) from exc


@dataclass
class Session:
    """One profile's server, login and selected account, with a client ready to use."""

    profile_name: str | None
    profile: config.Profile
    client: SelfcareClient
    from_environment: bool
    """True when SELFCARE_TOKEN supplies the credentials: nothing is stored then."""

    @property
    def server(self) -> str:
        return self.client.base_url

    async def aclose(self) -> None:
        await self.client.aclose()

    async def account_number(self, explicit: str | None = None) -> str:
        """The account to act on: the one asked for, else the profile's, else the first."""
        if explicit:
            return explicit
        if self.profile.account:
            return self.profile.account
        accounts = await self.client.accounts()
        if not accounts:
            raise NotLoggedIn(_("This login holds no account yet; attach one first."))
        return accounts[0].number


def server_for(profile: config.Profile) -> str:
    """SELFCARE_SERVER when set, else the profile's server; a bad variable is a ConfigError
    naming it, like a bad value in the config file."""
    from_environment = os.environ.get("SELFCARE_SERVER")
    if not from_environment:
        return profile.server
    try:
        return server_url(from_environment)
    except InvalidServerUrl as error:
        raise config.ConfigError(
            _("SELFCARE_SERVER is not a usable server URL: {reason}").format(reason=error)
        ) from None


def open_session(
    profile_name: str | None = None,
    *,
    require_login: bool = True,
    store: Callable[[], CredentialStore] = CredentialStore,
) -> Session:
    """A session with whatever credentials there are; NotLoggedIn when required and none."""
    settings = config.load()
    profile = settings.profile(profile_name)
    server = server_for(profile)
    token = os.environ.get("SELFCARE_TOKEN")
    if token:
        client = client_for(server, access_token=token)
        return Session(profile_name, profile, client, from_environment=True)
    refresh_token = None
    credentials: CredentialStore | None = None
    if profile.username:
        try:
            credentials = store()
            refresh_token = credentials.refresh_token(server, profile.username)
        except KeyringUnavailable:
            if require_login:
                raise
    if require_login and not refresh_token:
        raise NotLoggedIn(not_logged_in_message(profile_name))
    on_tokens = _saver(credentials, server, profile.username) if credentials else None
    client = client_for(server, refresh_token=refresh_token, on_tokens=on_tokens)
    return Session(profile_name, profile, client, from_environment=False)


def _saver(
    credentials: CredentialStore, server: str, username: str | None
) -> Callable[[models.TokenPair], None]:
    def save(tokens: models.TokenPair) -> None:
        if username:
            credentials.store(server, username, tokens.refresh_token)

    return save


async def start(session: Session) -> None:
    """Exchange the stored refresh token for an access token, or say to log in again."""
    if session.from_environment or session.client.access_token:
        return
    try:
        await session.client.refresh()
    except TokenRejected as exc:
        raise NotLoggedIn(
            _("Your login has ended (expired or revoked). Log in again with `selfcare login`.")
        ) from exc


OtpPrompt = Callable[[], Awaitable[str] | str]


async def _password_login(
    client: SelfcareClient, username: str, password: str, one_time_code: OtpPrompt
) -> None:
    """Log the client in, answering the second factor when the server asks for it."""
    result = await client.login(username, password)
    if isinstance(result, models.MfaChallenge):
        code = one_time_code()
        if not isinstance(code, str):
            code = await code
        await client.answer_mfa(result.challenge_id, code.strip())


async def for_one_call(
    server: str,
    username: str,
    password: str,
    one_time_code: OtpPrompt,
    work: Callable[[SelfcareClient], Awaitable[T]],
) -> T:
    """Log in, do `work`, log out: nothing goes to the keyring or the config file.

    Where there is no keyring (an SSH host, a thin client), this is how a first API token is
    made: the password login ends with the call, what `work` created (the token) stays.
    """
    async with client_for(server) as client:
        await _password_login(client, username, password, one_time_code)
        try:
            return await work(client)
        finally:
            await client.logout()


async def log_in(
    profile_name: str | None,
    server: str,
    username: str,
    password: str,
    one_time_code: OtpPrompt,
    *,
    remember: bool = True,
) -> tuple[models.Me, bool]:
    """Log in, answer the second factor when asked, store the refresh token and profile.

    Returns who logged in and whether the login was stored in the keyring (False when there is
    no safe keyring, or `remember` is off: the session then lasts only for this run).
    """
    async with client_for(server) as client:
        await _password_login(client, username, password, one_time_code)
        return await _keep(client, profile_name, server, remember=remember)


async def device_log_in(
    profile_name: str | None,
    server: str,
    client_name: str,
    show: Callable[[models.DeviceAuthorization], None],
) -> tuple[models.Me, bool]:
    """Log in by approving on another device (the password is never typed here), and keep
    the login as `log_in` does. `show` tells the user the code and where to type it."""
    async with client_for(server) as client:
        authorization = await client.start_device_login(client_name)
        show(authorization)
        await wait_for_approval(client, authorization)
        return await _keep(client, profile_name, server, remember=True)


async def sign_up_confirmed(
    profile_name: str | None, server: str, email: str, code: str
) -> tuple[models.Me, bool]:
    """Make the login with the code mailed at sign-up, and keep it as `log_in` does."""
    async with client_for(server) as client:
        await client.confirm_sign_up(email, code)
        return await _keep(client, profile_name, server, remember=True)


async def _keep(
    client: SelfcareClient, profile_name: str | None, server: str, *, remember: bool
) -> tuple[models.Me, bool]:
    """Store a logged-in client's refresh token in the keyring, and its server and username
    (never a secret) as the profile."""
    me = await client.me()
    username = me.username
    stored = False
    if remember and client.refresh_token:
        try:
            CredentialStore().store(server, username, client.refresh_token)
            stored = True
        except KeyringUnavailable:
            await client.logout()  # nothing kept: leave no live refresh token behind
            raise
    settings = config.load()
    name = profile_name or settings.default_profile
    previous = settings.profiles.get(name, config.Profile())
    account = previous.account if previous.username == username else None
    settings.profiles[name] = config.Profile(server=server, username=username, account=account)
    config.save(settings)
    return me, stored


def remember_account(session: Session, number: str) -> bool:
    """Make `number` the profile's account, if this session's login is the profile's.

    A login that is not saved (the demo, SELFCARE_TOKEN) changes nothing on disk.
    """
    if session.from_environment:
        return False
    settings = config.load()
    name = session.profile_name or settings.default_profile
    saved = settings.profiles.get(name)
    if saved is None or saved.username != session.profile.username:
        return False
    if saved.server.rstrip("/") != session.server.rstrip("/") or saved.account == number:
        return saved.account == number
    saved.account = number
    config.save(settings)
    return True


async def log_out(profile_name: str | None) -> bool:
    """Revoke the login on the server and forget its token; False if there was none."""
    settings = config.load()
    profile = settings.profile(profile_name)
    if not profile.username:
        return False
    server = server_for(profile)
    credentials = CredentialStore()
    token = credentials.refresh_token(server, profile.username)
    if token is None:
        return False
    async with client_for(server, refresh_token=token) as client:
        try:
            await client.logout()
        finally:
            credentials.forget(server, profile.username)
    return True


async def password_session(
    server: str, username: str, password: str, one_time_code: Callable[[], str] | None = None
) -> Session:
    """A session that lives only for this run: nothing goes to the keyring or the config.

    For the demo, which knows its agents' TOTP secret (`one_time_code`). The returned client
    is fresh, so it may be used from another event loop (the app's) than the one that logged
    in.
    """
    async with client_for(server) as login:
        result = await login.login(username, password)
        if isinstance(result, models.MfaChallenge):
            if one_time_code is None:
                raise NotLoggedIn(_("This login needs a one-time code; use the login screen."))
            result = await login.answer_mfa(result.challenge_id, one_time_code())
    client = client_for(
        server, access_token=result.access_token, refresh_token=result.refresh_token
    )
    profile = config.Profile(server=server, username=username)
    return Session(None, profile, client, from_environment=False)
