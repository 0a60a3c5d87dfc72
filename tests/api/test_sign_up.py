"""Signing up and resetting a password over real HTTP, with the mail going over SMTP to a
real server on loopback: the mailed code makes the login, the answers never tell who has an
address or a username, and every code is good once, for a while, for a few guesses."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
import pytest

from selfcare_tui.api import SelfcareClient
from selfcare_tui.api.errors import (
    InvalidCredentials,
    RateLimited,
    RuleViolation,
    TokenRejected,
    ValidationFailed,
)
from selfcare_tui.api.models import ErrorCode
from selfcare_tui.server.demo import ATTACHABLE_ACCOUNT
from selfcare_tui.server.local_mail import LocalMailServer

from ..support.live_server import LiveServer
from ..support.mail import code_in, last_mail_to, mail_to

pytestmark = pytest.mark.anyio

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a new long passphrase for me"
EMAIL = "ilona@example.org"


async def _signed_up(
    server: LiveServer, mail: LocalMailServer, username: str = "ilona", email: str = EMAIL
) -> SelfcareClient:
    client = server.client(retries=0)
    await client.sign_up(username, email, PASSWORD)
    await client.confirm_sign_up(email, code_in(last_mail_to(mail, email, 1)))
    return client


async def test_a_sign_up_is_made_by_the_mailed_code_and_attaches_an_account(
    mailing_server: LiveServer, mail_server: LocalMailServer
) -> None:
    async with mailing_server.client(retries=0) as client:
        sent = await client.sign_up("ilona", "Ilona@Example.org", PASSWORD)
        assert sent.expires_in == 30 * 60 and EMAIL in sent.detail
        (message,) = mail_to(mail_server, EMAIL)
        assert message["From"] == "Selfcare <selfcare@localhost>"
        code = code_in(message)
        assert code in message["Subject"]
        with pytest.raises(InvalidCredentials):  # no login before the code comes back
            await client.login("ilona", PASSWORD)
        await client.confirm_sign_up(EMAIL, f"{code[:4]} {code[4:]}")  # as copied, spaced
        me = await client.me()
        assert (me.username, me.role.value, me.mfa_enabled) == ("ilona", "customer", False)
        assert await client.accounts() == []
        attached = await client.attach_account(*ATTACHABLE_ACCOUNT)
        assert [a.number for a in await client.accounts()] == [attached.number]
    async with await mailing_server.login("ilona", PASSWORD) as again:
        assert (await again.me()).username == "ilona"


async def test_the_answer_is_the_same_for_a_taken_and_a_free_address_or_username(
    mailing_server: LiveServer, mail_server: LocalMailServer
) -> None:
    url = f"{mailing_server.base_url}/api/v1/auth/sign-up"
    tries = {
        "free": {"username": "ilona", "email": EMAIL},
        "address taken": {"username": "someone", "email": "maria@demo.selfcare.test"},
        "username taken": {"username": "maria", "email": "other@example.org"},
    }
    answers = {}
    async with httpx.AsyncClient() as http:
        for name, fields in tries.items():
            answer = await http.post(url, json={**fields, "password": PASSWORD})
            answers[name] = (answer.status_code, answer.json()["expires_in"])
            assert fields["email"] in answer.json()["detail"]
    assert set(answers.values()) == {(202, 1800)}
    # Only the mail, which the address's owner alone reads, says what happened.
    assert "Your sign-up code" in mail_to(mail_server, EMAIL)[0]["Subject"]
    (owner,) = mail_to(mail_server, "maria@demo.selfcare.test")
    assert owner["Subject"] == "You already have a login" and "maria" in owner.get_content()
    (taken,) = mail_to(mail_server, "other@example.org")
    assert taken["Subject"] == "Choose another username"
    async with mailing_server.client(retries=0) as client:
        with pytest.raises(RuleViolation) as refused:  # no code was mailed for those two
            await client.confirm_sign_up("other@example.org", "12345678")
        assert refused.value.problem.code is ErrorCode.invalid_code


async def test_bad_fields_and_weak_passwords_are_refused_by_name(
    mailing_server: LiveServer,
) -> None:
    async with mailing_server.client(retries=0) as client:
        with pytest.raises(ValidationFailed) as bad:
            await client.sign_up("Ilona Smith", "not an address", PASSWORD)
        errors = {e.field: e.message for e in bad.value.problem.errors or []}
        assert errors == {
            "username": "3 to 32 characters: lowercase letters, digits, '.', '_' or '-', "
            "starting with a letter.",
            "email": "Must be an e-mail address, such as name@example.com.",
        }
        with pytest.raises(RuleViolation) as weak:
            await client.sign_up("ilona", EMAIL, "ilona-ilona-ilona")
        assert weak.value.problem.code is ErrorCode.weak_password
        assert [(e.field, e.code) for e in weak.value.problem.errors or []] == [
            ("password", "common")
        ]


async def test_a_sign_up_code_takes_five_guesses_expires_and_makes_one_login(
    mailing_server: LiveServer, mail_server: LocalMailServer
) -> None:
    async with mailing_server.client(retries=0) as client:
        await client.sign_up("ilona", EMAIL, PASSWORD)
        code = code_in(last_mail_to(mail_server, EMAIL, 1))
        wrong = f"{(int(code) + 1) % 10**8:08d}"
        for _ in range(5):
            with pytest.raises(RuleViolation):
                await client.confirm_sign_up(EMAIL, wrong)
        with pytest.raises(RuleViolation) as spent:  # the right code, after five wrong ones
            await client.confirm_sign_up(EMAIL, code)
        assert [e.field for e in spent.value.problem.errors or []] == ["code"]
        # A new sign-up mails a new code, which replaces the old one; it expires in 30 min.
        await client.sign_up("ilona", EMAIL, PASSWORD)
        code = code_in(last_mail_to(mail_server, EMAIL, 2))
        mailing_server.clock.frozen = mailing_server.clock.now() + dt.timedelta(minutes=31)
        with pytest.raises(RuleViolation):
            await client.confirm_sign_up(EMAIL, code)
        await client.sign_up("ilona", EMAIL, PASSWORD)
        code = code_in(last_mail_to(mail_server, EMAIL, 3))
    clients = [mailing_server.client(retries=0) for _ in range(4)]
    results = await asyncio.gather(
        *(c.confirm_sign_up(EMAIL, code) for c in clients), return_exceptions=True
    )
    for c in clients:
        await c.aclose()
    assert sum(not isinstance(r, BaseException) for r in results) == 1, results
    assert all(isinstance(r, RuleViolation) for r in results if isinstance(r, BaseException))


async def test_a_username_taken_between_sign_up_and_code_is_said_to_the_mail_owner(
    mailing_server: LiveServer, mail_server: LocalMailServer
) -> None:
    async with mailing_server.client(retries=0) as first:
        await first.sign_up("ilona", EMAIL, PASSWORD)
        await first.sign_up("ilona", "second@example.org", PASSWORD)
        await first.confirm_sign_up(EMAIL, code_in(last_mail_to(mail_server, EMAIL, 1)))
        late = code_in(last_mail_to(mail_server, "second@example.org", 1))
        with pytest.raises(RuleViolation) as taken:
            await first.confirm_sign_up("second@example.org", late)
        assert taken.value.problem.code is ErrorCode.username_taken


async def test_mail_to_one_address_is_throttled(
    mailing_server: LiveServer, mail_server: LocalMailServer
) -> None:
    async with mailing_server.client(retries=0) as client:
        for _ in range(5):
            await client.request_password_reset("maria@demo.selfcare.test")
        with pytest.raises(RateLimited):
            await client.sign_up("ilona", "maria@demo.selfcare.test", PASSWORD)
    assert len(mail_to(mail_server, "maria@demo.selfcare.test", 5)) == 5


async def test_a_reset_code_sets_a_new_password_once_and_ends_every_session(
    mailing_server: LiveServer, mail_server: LocalMailServer
) -> None:
    maria = "maria@demo.selfcare.test"
    async with await mailing_server.login("maria") as before:
        async with mailing_server.client(retries=0) as client:
            await client.request_password_reset(maria)
            (message,) = mail_to(mail_server, maria)
            assert message["Subject"].startswith("Your password reset code")
            code = code_in(message)
            with pytest.raises(RuleViolation) as weak:  # refused before the code is spent
                await client.reset_password(maria, code, "maria-maria-maria")
            assert weak.value.problem.code is ErrorCode.weak_password
            assert [e.field for e in weak.value.problem.errors or []] == ["new_password"]
            await client.reset_password(maria, code, NEW_PASSWORD)
            with pytest.raises(RuleViolation) as again:
                await client.reset_password(maria, code, NEW_PASSWORD + "!")
            assert again.value.problem.code is ErrorCode.invalid_code
        with pytest.raises(TokenRejected):
            await before.me()
    assert "changed" in last_mail_to(mail_server, maria, 2)["Subject"]
    with pytest.raises(InvalidCredentials):
        await mailing_server.login("maria")
    async with await mailing_server.login("maria", NEW_PASSWORD) as after:
        assert (await after.me()).username == "maria"


async def test_a_reset_code_expires_and_an_unknown_address_is_told_so_by_mail(
    mailing_server: LiveServer, mail_server: LocalMailServer
) -> None:
    async with mailing_server.client(retries=0) as client:
        unknown = await client.request_password_reset("nobody@example.org")
        known = await client.request_password_reset("jaan@demo.selfcare.test")
        assert unknown.expires_in == known.expires_in
        assert mail_to(mail_server, "nobody@example.org")[0]["Subject"] == "Password reset"
        with pytest.raises(RuleViolation):
            await client.reset_password("nobody@example.org", "12345678", NEW_PASSWORD)
        code = code_in(mail_to(mail_server, "jaan@demo.selfcare.test")[0])
        mailing_server.clock.frozen = mailing_server.clock.now() + dt.timedelta(minutes=31)
        with pytest.raises(RuleViolation) as expired:
            await client.reset_password("jaan@demo.selfcare.test", code, NEW_PASSWORD)
        assert expired.value.problem.code is ErrorCode.invalid_code
    async with await mailing_server.login("jaan") as jaan:  # the old password still works
        assert (await jaan.me()).username == "jaan"


async def test_a_reset_lets_in_a_customer_locked_out_by_wrong_passwords(
    mailing_server: LiveServer, mail_server: LocalMailServer
) -> None:
    for _ in range(6):
        with pytest.raises((InvalidCredentials, RateLimited)):
            await mailing_server.login("jaan", "a wrong guess")
    async with mailing_server.client(retries=0) as client:
        await client.request_password_reset("jaan@demo.selfcare.test")
        code = code_in(mail_to(mail_server, "jaan@demo.selfcare.test")[0])
        await client.reset_password("jaan@demo.selfcare.test", code, NEW_PASSWORD)
    async with await mailing_server.login("jaan", NEW_PASSWORD) as jaan:
        assert (await jaan.me()).username == "jaan"
