"""Throttling under concurrent attack: guesses sent at once, over real HTTP, on SQLite.

tests/api/test_postgres.py runs the same scenarios on PostgreSQL.
"""

from __future__ import annotations

import httpx
import pyotp
import pytest

from selfcare_tui.server.demo import AGENT_TOTP_SECRET

from ..support.live_server import NOW, LiveServer
from ..support.throttle_scenarios import (
    at_once,
    concurrent_logins_are_limited_per_address,
    concurrent_wrong_lookups_are_limited_per_address,
    concurrent_wrong_passwords_cost_one_attempt_each,
    the_right_password_among_guesses_never_fails,
    wrong_passwords,
)

pytestmark = pytest.mark.anyio


async def test_concurrent_wrong_passwords_cost_one_attempt_each(live_server: LiveServer) -> None:
    await concurrent_wrong_passwords_cost_one_attempt_each(live_server)


async def test_the_right_password_among_guesses_never_fails(live_server: LiveServer) -> None:
    await the_right_password_among_guesses_never_fails(live_server)


async def test_concurrent_wrong_lookups_are_limited_per_address(live_server: LiveServer) -> None:
    await concurrent_wrong_lookups_are_limited_per_address(live_server)


async def test_concurrent_logins_are_limited_per_address(live_server: LiveServer) -> None:
    await concurrent_logins_are_limited_per_address(live_server)


async def test_a_right_login_does_not_use_up_the_address_limit(live_server: LiveServer) -> None:
    """An office behind one address: its people logging in rightly, one after another, never
    lock it out (logins sent at the same moment do count until they are found right)."""
    live_server.settings.login_failures_per_address = 3
    right = {"username": "maria", "password": "maria-demo"}
    for _ in range(6):
        assert await at_once(live_server, "/api/v1/auth/token", [right]) == [200]
    wrong = wrong_passwords("jaan", 3)
    assert await at_once(live_server, "/api/v1/auth/token", wrong) == [401] * 3
    assert await at_once(live_server, "/api/v1/auth/token", [right]) == [429]


async def test_codes_sent_at_once_for_one_challenge_give_one_login(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.base_url) as client:
        answer = await client.post(
            "/api/v1/auth/token", json={"username": "agent", "password": "agent-demo"}
        )
    challenge = answer.json()["challenge_id"]
    code = pyotp.TOTP(AGENT_TOTP_SECRET).at(NOW)
    statuses = await at_once(
        live_server, "/api/v1/auth/mfa", [{"challenge_id": challenge, "code": code}] * 8
    )
    # One login; the others are told the step is over (401), or, when more arrived at once than
    # the per-user limit lets be checked, to wait (429): never a second login, never a 500.
    assert statuses.count(200) == 1
    assert set(statuses) <= {200, 401, 429}, statuses
