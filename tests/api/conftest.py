"""Fixtures of the API tests: the client and the reference server over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from selfcare_tui.api import SelfcareClient

from ..support.live_server import LiveServer


@pytest.fixture
async def acme(live_server: LiveServer) -> AsyncIterator[SelfcareClient]:
    """The business customer, with 24 places and hundreds of invoices."""
    client = await live_server.login("acme")
    async with client:
        yield client
