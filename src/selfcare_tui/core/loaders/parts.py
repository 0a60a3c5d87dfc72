"""A load made of parts, where one refused part must not hide the others."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from selfcare_tui.api.errors import ApiError, TokenRejected

T = TypeVar("T")


async def or_refusal(call: Awaitable[T]) -> T | ApiError:
    """The part, or the server's refusal of it to show in its place; a login the server no
    longer accepts, or a lost connection, still stops the whole load."""
    try:
        return await call
    except TokenRejected:
        raise
    except ApiError as exc:
        return exc
