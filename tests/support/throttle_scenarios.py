"""Throttling scenarios: guesses sent at once over real HTTP, each a function of the server, so
tests/api/test_throttle.py runs them on SQLite and tests/api/test_postgres.py on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx

from .live_server import NOW, LiveServer

GUESSES = 20


async def at_once(server: LiveServer, path: str, bodies: list[dict[str, Any]]) -> list[int]:
    """POST every body at the same moment, each on its own connection; the statuses in order."""
    limits = httpx.Limits(max_connections=len(bodies))
    async with httpx.AsyncClient(base_url=server.base_url, limits=limits, timeout=60) as client:
        answers = await asyncio.gather(*(client.post(path, json=body) for body in bodies))
    return [a.status_code for a in answers]


def wrong_passwords(username: str, count: int) -> list[dict[str, Any]]:
    return [{"username": username, "password": f"guess-{n}"} for n in range(count)]


async def concurrent_wrong_passwords_cost_one_attempt_each(server: LiveServer) -> None:
    limit = server.settings.login_failures_per_user
    statuses = await at_once(server, "/api/v1/auth/token", wrong_passwords("jaan", GUESSES))
    assert Counter(statuses) == {401: limit, 429: GUESSES - limit}

    server.clock.frozen = NOW + server.settings.throttle_window
    right = await at_once(
        server, "/api/v1/auth/token", [{"username": "jaan", "password": "jaan-demo"}]
    )
    assert right == [200]


async def the_right_password_among_guesses_never_fails(server: LiveServer) -> None:
    """11 wrong and the right one at once: never a 500, never more than the limit checked."""
    limit = server.settings.login_failures_per_user
    bodies = [*wrong_passwords("jaan", 11), {"username": "jaan", "password": "jaan-demo"}]
    statuses = await at_once(server, "/api/v1/auth/token", bodies)
    assert set(statuses) <= {200, 401, 429}
    assert statuses[-1] in (200, 429)
    # The right password, when it was checked, forgave jaan's earlier failures: the wrong ones
    # after it were checked anew, so at most the limit on each side of it.
    assert statuses.count(401) <= (2 * limit if statuses[-1] == 200 else limit)

    server.clock.frozen = NOW + server.settings.throttle_window
    right = await at_once(
        server, "/api/v1/auth/token", [{"username": "jaan", "password": "jaan-demo"}]
    )
    assert right == [200]


async def concurrent_wrong_lookups_are_limited_per_address(server: LiveServer) -> None:
    limit = server.settings.public_lookups_per_address
    bodies = [{"payment_code": f"{n:011d}", "email": "guess@example.com"} for n in range(GUESSES)]
    statuses = await at_once(server, "/api/v1/public/amount-due", bodies)
    assert Counter(statuses) == {404: limit, 429: GUESSES - limit}


async def concurrent_logins_are_limited_per_address(server: LiveServer) -> None:
    """A password spray, one guess per user, from one address."""
    server.settings.login_failures_per_address = 8
    bodies = [{"username": f"spray-{n}", "password": "Summer2026!"} for n in range(GUESSES)]
    statuses = await at_once(server, "/api/v1/auth/token", bodies)
    assert Counter(statuses) == {401: 8, 429: GUESSES - 8}
