"""The login's own security over real HTTP: its sessions (listed, ended), a password change
(which ends every other session, under the password policy), and one-time codes that are
good once."""

from __future__ import annotations

import asyncio

import pytest

from selfcare_tui.api import SelfcareClient, models
from selfcare_tui.api.errors import (
    InvalidCredentials,
    InvalidMfaCode,
    NotFound,
    RuleViolation,
    TokenRejected,
)
from selfcare_tui.api.models import ErrorCode

from ..support.demo_users import login
from ..support.live_server import LiveServer

pytestmark = pytest.mark.anyio

NEW_PASSWORD = "correct horse battery staple"


async def test_sessions_are_listed_and_one_ended_stops_working(live_server: LiveServer) -> None:
    async with await live_server.login("maria") as here, await live_server.login("maria") as there:
        sessions = await here.sessions()
        assert len(sessions) == 2
        (mine,) = [s for s in sessions if s.current]
        (other,) = [s for s in sessions if not s.current]
        assert mine.client_name.startswith("selfcare-tui/") and mine.address == "127.0.0.1"
        assert [s.current for s in await there.sessions()].count(True) == 1
        await here.end_session(other.id)
        with pytest.raises(TokenRejected):
            await there.me()  # neither its access token
        with pytest.raises(TokenRejected):
            await there.refresh()  # nor its refresh token works
        assert [s.id for s in await here.sessions()] == [mine.id]
        with pytest.raises(NotFound):
            await here.end_session("NO-SUCH-SESSION")
        async with await live_server.login("jaan") as jaan:
            with pytest.raises(NotFound):  # another login's session is not found, not ended
                await jaan.end_session(mine.id)
        assert (await here.me()).username == "maria"
        await here.logout()
    async with await live_server.login("maria") as again:
        assert len(await again.sessions()) == 1  # the logged-out one is gone from the list


async def test_a_password_change_ends_every_other_session(live_server: LiveServer) -> None:
    async with await live_server.login("maria") as here, await live_server.login("maria") as there:
        token = await here.create_api_token("meter script")
        await here.change_password("maria-demo", NEW_PASSWORD)
        with pytest.raises(TokenRejected):
            await there.me()
        with pytest.raises(TokenRejected):
            await there.refresh()
        assert (await here.me()).username == "maria"  # the session that changed it goes on
        assert [s.current for s in await here.sessions()] == [True]
        async with live_server.client(access_token=token.token) as script:
            assert (await script.me()).username == "maria"  # API tokens are listed apart
    anonymous = live_server.client(retries=0)
    async with anonymous:
        with pytest.raises(InvalidCredentials):
            await anonymous.login("maria", "maria-demo")
        assert isinstance(await anonymous.login("maria", NEW_PASSWORD), models.TokenPair)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short-one", "too_short"),
        ("x" * 129, "too_long"),
        ("qwerty123456", "common"),  # in the list attackers try first
        ("QWERTY123456", "common"),  # whatever the case
        ("maria-maria-1", "common"),  # the username, barely padded
        ("aaaaaaaaaaaaaaaa", "common"),
    ],
)
async def test_a_weak_new_password_is_refused_naming_why(
    maria: SelfcareClient, password: str, code: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        await maria.change_password("maria-demo", password)
    assert refused.value.code is ErrorCode.weak_password
    (error,) = refused.value.problem.errors
    assert (error.field, error.code) == ("new_password", code)
    assert len(await maria.sessions()) == 1 and (await maria.me()).username == "maria"


async def test_the_current_password_must_be_right(live_server: LiveServer) -> None:
    async with await live_server.login("maria") as maria:
        with pytest.raises(RuleViolation) as refused:
            await maria.change_password("not-it", NEW_PASSWORD)
        assert refused.value.code is ErrorCode.wrong_password
        assert refused.value.field_messages() == {"current_password": "Not your current password."}
    async with live_server.client(retries=0) as anonymous:  # unchanged
        assert isinstance(await anonymous.login("maria", "maria-demo"), models.TokenPair)


async def test_a_one_time_code_is_accepted_once(live_server: LiveServer) -> None:
    code = live_server.next_code()
    async with live_server.client(retries=0) as first, live_server.client(retries=0) as second:
        challenge = await first.login("agent", "agent-demo")
        assert isinstance(challenge, models.MfaChallenge)
        await first.answer_mfa(challenge.challenge_id, code)
        replay = await second.login("agent", "agent-demo")
        assert isinstance(replay, models.MfaChallenge)
        with pytest.raises(InvalidMfaCode) as used:
            await second.answer_mfa(replay.challenge_id, code)
        assert used.value.code is ErrorCode.mfa_code_used
        # The same challenge takes the next code, once the app shows it.
        await second.answer_mfa(replay.challenge_id, live_server.next_code())
        assert (await second.me()).role is models.Role.agent


async def test_one_code_sent_for_two_challenges_at_once_logs_in_once(
    live_server: LiveServer,
) -> None:
    code = live_server.next_code()
    clients = [live_server.client(retries=0) for _ in range(4)]
    challenges = []
    for client in clients:
        challenge = await client.login("agent", "agent-demo")
        assert isinstance(challenge, models.MfaChallenge)
        challenges.append(challenge.challenge_id)

    async def answer(client: SelfcareClient, challenge: str) -> object:
        try:
            return await client.answer_mfa(challenge, code)
        except InvalidMfaCode as exc:
            return exc.code

    outcomes = await asyncio.gather(
        *(answer(c, i) for c, i in zip(clients, challenges, strict=True))
    )
    assert sum(isinstance(o, models.TokenPair) for o in outcomes) == 1
    assert outcomes.count(ErrorCode.mfa_code_used) == 3
    for client in clients:
        await client.aclose()
    async with await login(live_server, "agent") as agent:  # the next step's code still works
        assert (await agent.me()).role is models.Role.agent
