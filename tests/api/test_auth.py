"""Logging in, the second factor, throttling, token rotation and revocation, over real HTTP."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from selfcare_tui.api import (
    InvalidCredentials,
    InvalidMfaCode,
    RateLimited,
    SelfcareClient,
    TokenRejected,
    models,
)
from selfcare_tui.server import tables
from selfcare_tui.server.demo import AGENT_TOTP_SECRET

from ..support.live_server import NOW, LiveServer

pytestmark = pytest.mark.anyio


async def test_password_login_returns_tokens_and_me(anonymous: SelfcareClient) -> None:
    result = await anonymous.login("maria", "maria-demo")
    assert isinstance(result, models.TokenPair)
    assert result.expires_in == 15 * 60
    me = await anonymous.me()
    assert (me.username, me.role, me.mfa_enabled) == ("maria", models.Role.customer, False)


async def test_wrong_password_and_unknown_user_get_the_same_answer(
    anonymous: SelfcareClient,
) -> None:
    with pytest.raises(InvalidCredentials) as wrong:
        await anonymous.login("maria", "not-her-password")
    with pytest.raises(InvalidCredentials) as unknown:
        await anonymous.login("nobody-here", "whatever")
    assert wrong.value.message == unknown.value.message == "Wrong username or password."
    assert anonymous.access_token is None


async def test_failed_logins_are_throttled_per_user(
    live_server: LiveServer, anonymous: SelfcareClient
) -> None:
    for _ in range(live_server.settings.login_failures_per_user):
        with pytest.raises(InvalidCredentials):
            await anonymous.login("maria", "guess")
    with pytest.raises(RateLimited) as limited:
        await anonymous.login("maria", "maria-demo")  # even the right password waits
    assert limited.value.retry_after_seconds is not None
    assert 0 < limited.value.retry_after_seconds <= 15 * 60
    live_server.clock.frozen = NOW + dt.timedelta(minutes=16)
    assert isinstance(await anonymous.login("maria", "maria-demo"), models.TokenPair)


async def test_failed_logins_are_throttled_per_address(
    live_server: LiveServer, anonymous: SelfcareClient
) -> None:
    live_server.settings.login_failures_per_address = 3
    for name in ("a", "b", "c"):
        with pytest.raises(InvalidCredentials):
            await anonymous.login(f"spray-{name}", "guess")
    with pytest.raises(RateLimited):
        await anonymous.login("maria", "maria-demo")


async def test_second_factor_challenge_then_code(anonymous: SelfcareClient) -> None:
    challenge = await anonymous.login("agent", "agent-demo")
    assert isinstance(challenge, models.MfaChallenge)
    assert anonymous.access_token is None
    with pytest.raises(InvalidMfaCode):
        await anonymous.answer_mfa(challenge.challenge_id, "000000")
    code = pyotp.TOTP(AGENT_TOTP_SECRET).at(NOW)
    tokens = await anonymous.answer_mfa(challenge.challenge_id, code)
    assert anonymous.access_token == tokens.access_token
    assert (await anonymous.me()).role is models.Role.agent


async def test_a_challenge_cannot_be_used_twice(anonymous: SelfcareClient) -> None:
    challenge = await anonymous.login("agent", "agent-demo")
    assert isinstance(challenge, models.MfaChallenge)
    code = pyotp.TOTP(AGENT_TOTP_SECRET).at(NOW)
    await anonymous.answer_mfa(challenge.challenge_id, code)
    with pytest.raises(TokenRejected):
        await anonymous.answer_mfa(challenge.challenge_id, code)


async def test_expired_access_token_is_refreshed_transparently(live_server: LiveServer) -> None:
    seen: list[models.TokenPair] = []
    async with live_server.client(on_tokens=seen.append) as client:
        await client.login("maria", "maria-demo")
        first_refresh = client.refresh_token
        live_server.clock.frozen = NOW + dt.timedelta(minutes=20)
        accounts = await client.accounts()
        assert len(accounts) == 2
        assert len(seen) == 2  # the login, then the refresh
        assert client.refresh_token != first_refresh  # rotated


async def test_reusing_a_spent_refresh_token_ends_the_whole_login(live_server: LiveServer) -> None:
    async with live_server.client() as client:
        await client.login("maria", "maria-demo")
        stolen = client.refresh_token
        await client.refresh()
        live_server.clock.frozen = NOW + dt.timedelta(minutes=1)
        async with live_server.client(refresh_token=stolen) as thief:
            with pytest.raises(TokenRejected):
                await thief.refresh()
        with pytest.raises(TokenRejected):
            await client.refresh()  # the legitimate holder must log in again too


async def test_logout_revokes_access_and_refresh_tokens(live_server: LiveServer) -> None:
    async with live_server.client() as client:
        await client.login("maria", "maria-demo")
        access, refresh = client.access_token, client.refresh_token
        await client.logout()
        assert client.access_token is None
    async with live_server.client(access_token=access, refresh_token=refresh) as old:
        with pytest.raises(TokenRejected):
            await old.me()


async def test_tokens_and_passwords_are_stored_only_as_digests(live_server: LiveServer) -> None:
    async with live_server.client() as client:
        await client.login("maria", "maria-demo")
        assert client.access_token and client.refresh_token
        engine = create_engine(f"sqlite:///{live_server.database}")
        with Session(engine) as db:
            stored = set(db.scalars(select(tables.Token.token_hash)))
            user = db.scalars(select(tables.User).where(tables.User.username == "maria")).one()
        engine.dispose()
        assert client.access_token not in stored and client.refresh_token not in stored
        assert user.password_hash is not None and user.password_hash.startswith("$argon2id$")


async def test_api_tokens_for_scripts_work_until_revoked(live_server: LiveServer) -> None:
    """A script's token outlives access tokens and survives logout, until it is revoked."""
    async with live_server.client() as client:
        await client.login("maria", "maria-demo")
        created = await client.create_api_token("nightly invoices", expires_in_days=30)
        assert created.expires_at == NOW + dt.timedelta(days=30)
        await client.logout()
    live_server.clock.frozen = NOW + dt.timedelta(days=29)
    async with live_server.client(access_token=created.token) as script:
        assert (await script.me()).username == "maria"
        listed = await script.api_tokens()
        assert [(t.id, t.name, t.revoked) for t in listed] == [(created.id, created.name, False)]
        assert all("token" not in t.model_dump() for t in listed)  # the secret is shown once
        revoked = await script.revoke_api_token(created.id)
        assert revoked.revoked
        with pytest.raises(TokenRejected):
            await script.me()


async def test_api_tokens_expire(live_server: LiveServer) -> None:
    async with live_server.client() as client:
        await client.login("maria", "maria-demo")
        created = await client.create_api_token("short", expires_in_days=1)
    live_server.clock.frozen = NOW + dt.timedelta(days=1, seconds=1)
    async with live_server.client(access_token=created.token) as script:
        with pytest.raises(TokenRejected):
            await script.me()
