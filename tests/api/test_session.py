"""The session layer in-process, with an in-memory keyring: what screens and commands use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from selfcare_tui import config, session
from selfcare_tui.api import TokenRejected

from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer

pytestmark = pytest.mark.anyio


@pytest.fixture
def memory_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("SELFCARE_TOKEN", "SELFCARE_SERVER", "SELFCARE_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    previous = keyring.get_keyring()
    store = MemoryKeyring()
    keyring.set_keyring(store)
    yield store
    keyring.set_keyring(previous)


def no_code() -> str:
    raise AssertionError("maria has no second factor")


async def test_login_session_and_logout(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    me, stored = await session.log_in(None, live_server.base_url, "maria", "maria-demo", no_code)
    assert (me.username, stored) == ("maria", True)
    service = f"selfcare-tui {live_server.base_url}"
    first = memory_keyring.secrets[(service, "maria")]
    assert config.load().profile(None).username == "maria"

    opened = session.open_session(None)
    await session.start(opened)
    assert [a.number for a in await opened.client.accounts()] == ["1000000001", "1000000002"]
    assert await opened.account_number() == "1000000001"
    await opened.aclose()
    assert memory_keyring.secrets[(service, "maria")] != first  # rotated and saved back

    assert await session.log_out(None)
    assert memory_keyring.secrets == {}
    with pytest.raises(session.NotLoggedIn):
        session.open_session(None)


async def test_a_revoked_login_asks_to_log_in_again(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    await session.log_in(None, live_server.base_url, "maria", "maria-demo", no_code)
    service = f"selfcare-tui {live_server.base_url}"
    stolen = memory_keyring.secrets[(service, "maria")]
    async with live_server.client(refresh_token=stolen) as other:
        await other.logout()
    opened = session.open_session(None)
    with pytest.raises(session.NotLoggedIn, match="Log in again"):
        await session.start(opened)
    await opened.aclose()


async def test_selfcare_token_needs_no_keyring(
    live_server: LiveServer, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with await live_server.login("maria") as client:
        token = (await client.create_api_token("script")).token
    monkeypatch.setenv("SELFCARE_TOKEN", token)
    monkeypatch.setenv("SELFCARE_SERVER", live_server.base_url)
    opened = session.open_session(None)
    assert opened.from_environment and opened.server == live_server.base_url
    assert (await opened.client.me()).username == "maria"
    await opened.aclose()
    assert memory_keyring.secrets == {}
    monkeypatch.setenv("SELFCARE_TOKEN", "not-a-token")
    opened = session.open_session(None)
    with pytest.raises(TokenRejected):
        await opened.client.me()
    await opened.aclose()
