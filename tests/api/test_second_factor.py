"""The second factor over real HTTP: turned on by a first code from the new secret, asked for
at every login after, a code taken once, recovery codes good once each, and turned off only
with the password and a code."""

from __future__ import annotations

import asyncio
import datetime as dt

import pyotp
import pytest

from selfcare_tui.api import SelfcareClient, models
from selfcare_tui.api.errors import InvalidMfaCode, RuleViolation
from selfcare_tui.api.models import ErrorCode

from ..support.live_server import LiveServer

pytestmark = pytest.mark.anyio


def next_code(server: LiveServer, secret: str) -> str:
    """The app's code once the next 30-second step has begun (a code is taken once)."""
    server.clock.frozen = server.clock.now() + dt.timedelta(seconds=30)
    return pyotp.TOTP(secret).at(server.clock.now())


async def turned_on(server: LiveServer, client: SelfcareClient) -> tuple[str, list[str]]:
    enrolment = await client.start_mfa_enrolment()
    codes = await client.confirm_mfa_enrolment(pyotp.TOTP(enrolment.secret).at(server.clock.now()))
    return enrolment.secret, codes


async def _challenge(server: LiveServer) -> tuple[SelfcareClient, models.MfaChallenge]:
    client = server.client(retries=0)
    result = await client.login("maria", "maria-demo")
    assert isinstance(result, models.MfaChallenge)
    return client, result


async def test_turned_on_it_is_asked_at_login_and_a_code_is_taken_once(
    live_server: LiveServer, maria: SelfcareClient
) -> None:
    enrolment = await maria.start_mfa_enrolment()
    assert enrolment.otpauth_uri.startswith("otpauth://totp/Selfcare:maria?secret=")
    assert f"secret={enrolment.secret}" in enrolment.otpauth_uri and enrolment.expires_in == 600
    assert not (await maria.me()).mfa_enabled  # not before the first code comes back
    first = pyotp.TOTP(enrolment.secret).at(live_server.clock.now())
    codes = await maria.confirm_mfa_enrolment(first)
    assert len(codes) == len(set(codes)) == 10
    assert all(len(c) == 11 and c[5] == "-" for c in codes)
    me = await maria.me()
    assert (me.mfa_enabled, me.recovery_codes_left) == (True, 10)
    client, challenge = await _challenge(live_server)
    with pytest.raises(InvalidMfaCode) as replayed:  # the code that turned it on is spent
        await client.answer_mfa(challenge.challenge_id, first)
    assert replayed.value.problem.code is ErrorCode.mfa_code_used
    await client.answer_mfa(challenge.challenge_id, next_code(live_server, enrolment.secret))
    assert (await client.me()).username == "maria"
    await client.aclose()


async def test_a_recovery_code_logs_in_once(live_server: LiveServer, maria: SelfcareClient) -> None:
    _secret, codes = await turned_on(live_server, maria)
    client, challenge = await _challenge(live_server)
    await client.answer_mfa(challenge.challenge_id, codes[0].upper())  # typed in capitals
    await client.aclose()
    assert (await maria.me()).recovery_codes_left == 9
    again, challenge = await _challenge(live_server)
    with pytest.raises(InvalidMfaCode):
        await again.answer_mfa(challenge.challenge_id, codes[0])
    await again.aclose()
    # One recovery code sent for four challenges at once gives one login.
    pairs = [await _challenge(live_server) for _ in range(4)]
    results = await asyncio.gather(
        *(c.answer_mfa(ch.challenge_id, codes[1]) for c, ch in pairs), return_exceptions=True
    )
    for c, _ch in pairs:
        await c.aclose()
    assert sum(not isinstance(r, BaseException) for r in results) == 1, results
    assert (await maria.me()).recovery_codes_left == 8


async def test_enrolment_refusals(live_server: LiveServer, maria: SelfcareClient) -> None:
    with pytest.raises(RuleViolation) as none_started:
        await maria.confirm_mfa_enrolment("123456")
    assert none_started.value.problem.code is ErrorCode.invalid_code
    enrolment = await maria.start_mfa_enrolment()
    right = pyotp.TOTP(enrolment.secret).at(live_server.clock.now())
    with pytest.raises(RuleViolation) as wrong:
        await maria.confirm_mfa_enrolment(f"{(int(right) + 1) % 10**6:06d}")
    assert [e.field for e in wrong.value.problem.errors or []] == ["code"]
    live_server.clock.frozen = live_server.clock.now() + dt.timedelta(minutes=11)
    with pytest.raises(RuleViolation) as expired:
        await maria.confirm_mfa_enrolment(pyotp.TOTP(enrolment.secret).at(live_server.clock.now()))
    assert [e.code for e in expired.value.problem.errors or []] == ["expired"]
    await turned_on(live_server, maria)
    with pytest.raises(RuleViolation) as already:
        await maria.start_mfa_enrolment()
    assert already.value.problem.code is ErrorCode.mfa_enabled


async def test_turning_it_off_needs_the_password_and_a_code(
    live_server: LiveServer, maria: SelfcareClient
) -> None:
    with pytest.raises(RuleViolation) as nothing_to_turn_off:
        await maria.disable_mfa("maria-demo", "123456")
    assert nothing_to_turn_off.value.problem.code is ErrorCode.mfa_not_enabled
    secret, codes = await turned_on(live_server, maria)
    with pytest.raises(RuleViolation) as wrong_password:
        await maria.disable_mfa("not it", next_code(live_server, secret))
    assert wrong_password.value.problem.code is ErrorCode.wrong_password
    with pytest.raises(RuleViolation) as wrong_code:
        await maria.disable_mfa("maria-demo", "000000")
    assert wrong_code.value.problem.code is ErrorCode.invalid_code
    await maria.disable_mfa("maria-demo", codes[3])  # no phone: a recovery code does
    assert (await maria.me()).mfa_enabled is False
    async with await live_server.login("maria") as plain:  # the password alone again
        assert (await plain.me()).recovery_codes_left == 0


async def test_new_recovery_codes_replace_the_old(
    live_server: LiveServer, maria: SelfcareClient
) -> None:
    secret, old = await turned_on(live_server, maria)
    new = await maria.new_recovery_codes(next_code(live_server, secret))
    assert not set(new) & set(old) and (await maria.me()).recovery_codes_left == 10
    client, challenge = await _challenge(live_server)
    with pytest.raises(InvalidMfaCode):
        await client.answer_mfa(challenge.challenge_id, old[0])
    await client.answer_mfa(challenge.challenge_id, new[0])
    await client.aclose()
