"""The demo's people as the tests reach them: a logged-in client for any of them (the agent
answering her TOTP challenge), and maria's e-mail address for the lookups without login."""

from __future__ import annotations

from selfcare_tui.api import SelfcareClient, models

from .live_server import LiveServer

EMAIL = "maria.tamm@example.com"
"""maria's e-mail address as seeded: with a payment code, what the public lookups ask."""


async def login(server: LiveServer, username: str) -> SelfcareClient:
    """A logged-in client; the agent answers the TOTP challenge at the server's frozen now."""
    client = server.client(retries=0)
    result = await client.login(username, f"{username}-demo")
    if isinstance(result, models.MfaChallenge):
        await client.answer_mfa(result.challenge_id, server.next_code(username))
    return client
