"""Waiting for a device login to be approved (RFC 8628, section 3.5), for both front ends:
poll every `interval` seconds, 5 seconds more after each `slow_down`, until the tokens come
or the login is denied or expires (DeviceLoginEnded)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from selfcare_tui.api import models
from selfcare_tui.api.client import SelfcareClient
from selfcare_tui.api.errors import DeviceLoginPending
from selfcare_tui.api.models import ErrorCode

SLOW_DOWN_STEP = 5


async def wait_for_approval(
    client: SelfcareClient,
    authorization: models.DeviceAuthorization,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> models.TokenPair:
    """The tokens, once approved; the client is logged in with them."""
    interval = authorization.interval
    while True:
        await sleep(interval)
        try:
            return await client.poll_device_login(authorization.device_code)
        except DeviceLoginPending as waiting:
            if waiting.code is ErrorCode.slow_down:
                interval += SLOW_DOWN_STEP
