"""Fixtures of the app tests: the terminal app driven with Textual's pilot against a live
server. (The app's isolated keyring, `memory_keyring`, and the open reading window,
`window_server`, are in tests/conftest.py: the snapshot tests use them too.)"""

from __future__ import annotations

import pytest

from ..support.live_server import LiveServer


@pytest.fixture
def stoppable_server(live_server: LiveServer) -> LiveServer:
    """A live server a test may stop (`.stop()`), to see what the app says when the connection
    is lost."""
    return live_server
