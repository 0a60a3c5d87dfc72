"""Device login (RFC 8628) over real HTTP: the device asks for a code and polls, the user
logs in on the approval page of another device and allows or denies it."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
import pytest

from selfcare_tui.api import SelfcareClient
from selfcare_tui.api.errors import DeviceLoginEnded, DeviceLoginPending
from selfcare_tui.api.models import ErrorCode
from selfcare_tui.core.device_login import wait_for_approval

from ..support.device_page import approve, consent_in, decide, log_in_on_page
from ..support.live_server import LiveServer

pytestmark = pytest.mark.anyio


@pytest.fixture
def fast_polls(live_server: LiveServer) -> LiveServer:
    """Polls one second apart (the default is five), to keep the tests short."""
    live_server.settings.device_poll_interval = 1
    return live_server


async def _poll_code(client: SelfcareClient, device_code: str) -> ErrorCode:
    with pytest.raises((DeviceLoginPending, DeviceLoginEnded)) as answer:
        await client.poll_device_login(device_code)
    return answer.value.code


async def test_approved_on_the_page_the_device_gets_its_login_once(
    fast_polls: LiveServer, anonymous: SelfcareClient
) -> None:
    base = fast_polls.base_url
    started = await anonymous.start_device_login("selfcare on thin-client-7")
    assert started.verification_uri == f"{base}/device"
    assert started.verification_uri_complete == f"{base}/device?code={started.user_code}"
    assert (started.expires_in, started.interval) == (600, 1)
    assert len(started.user_code) == 9 and started.user_code[4] == "-"
    assert await _poll_code(anonymous, started.device_code) is ErrorCode.authorization_pending
    async with httpx.AsyncClient() as http:
        page = await http.get(started.verification_uri_complete)
    assert page.status_code == 200 and f'value="{started.user_code}"' in page.text
    assert page.headers["x-frame-options"] == "DENY" and page.headers["cache-control"] == "no-store"
    wrong = await log_in_on_page(base, started.user_code, "maria", "not her password")
    assert "Wrong username or password." in wrong.text and 'name="consent"' not in wrong.text
    asked = await log_in_on_page(
        base, started.user_code.lower().replace("-", ""), "maria", "maria-demo"
    )
    assert "Log in as maria on selfcare on thin-client-7, which asked from 127.0.0.1?" in asked.text
    done = await decide(base, started.user_code, consent_in(asked), "allow")
    assert "the device is logged in" in done.text
    await asyncio.sleep(1.1)
    await anonymous.poll_device_login(started.device_code)
    assert (await anonymous.me()).username == "maria"
    assert [s.current for s in await anonymous.sessions()] == [True]
    await asyncio.sleep(1.1)
    assert await _poll_code(anonymous, started.device_code) is ErrorCode.expired_token  # once


async def test_denied_polled_too_fast_and_expired(
    fast_polls: LiveServer, anonymous: SelfcareClient
) -> None:
    base = fast_polls.base_url
    denied = await anonymous.start_device_login()
    assert await _poll_code(anonymous, denied.device_code) is ErrorCode.authorization_pending
    assert await _poll_code(anonymous, denied.device_code) is ErrorCode.slow_down
    asked = await log_in_on_page(base, denied.user_code, "jaan", "jaan-demo")
    refused = await decide(base, denied.user_code, consent_in(asked), "deny")
    assert "not logged in" in refused.text
    await asyncio.sleep(6.1)  # the interval grew by 5 seconds with the slow_down
    assert await _poll_code(anonymous, denied.device_code) is ErrorCode.access_denied
    late = await anonymous.start_device_login()
    fast_polls.clock.frozen = fast_polls.clock.now() + dt.timedelta(minutes=11)
    assert await _poll_code(anonymous, late.device_code) is ErrorCode.expired_token
    page = await log_in_on_page(base, late.user_code, "jaan", "jaan-demo")
    assert "No device waits with this code" in page.text


async def test_a_second_factor_is_asked_on_the_page(
    fast_polls: LiveServer, anonymous: SelfcareClient
) -> None:
    base = fast_polls.base_url
    started = await anonymous.start_device_login("desk terminal")
    no_code = await log_in_on_page(base, started.user_code, "agent", "agent-demo")
    assert "Your login has a second factor" in no_code.text and "consent" not in no_code.text
    await approve(base, started.user_code, "agent", "agent-demo", fast_polls.next_code())
    await wait_for_approval(anonymous, started)
    assert (await anonymous.me()).username == "agent"


async def test_a_consent_works_only_for_its_own_device(
    fast_polls: LiveServer, anonymous: SelfcareClient
) -> None:
    base = fast_polls.base_url
    mine = await anonymous.start_device_login()
    other = await anonymous.start_device_login()
    consent = consent_in(await log_in_on_page(base, mine.user_code, "maria", "maria-demo"))
    forged = await decide(base, other.user_code, consent, "allow")
    assert "has ended or expired" in forged.text
    assert await _poll_code(anonymous, other.device_code) is ErrorCode.authorization_pending
