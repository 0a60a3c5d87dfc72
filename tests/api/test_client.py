"""The client's own behaviour on a bad network: retries, back-off, time-outs, unreachable."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from selfcare_tui.api import ConnectionFailed, SelfcareClient, ServerError
from selfcare_tui.server.run import free_port

pytestmark = pytest.mark.anyio


class Flaky(ThreadingHTTPServer):
    """A real HTTP server that answers 503 to the first `failures` requests."""

    def __init__(self, failures: int) -> None:
        super().__init__(("127.0.0.1", 0), FlakyHandler)
        self.failures = failures
        self.requests: list[str] = []


class FlakyHandler(BaseHTTPRequestHandler):
    server: Flaky

    def _answer(self) -> None:
        self.server.requests.append(f"{self.command} {self.path}")
        if len(self.server.requests) <= self.server.failures:
            body, status = b'{"detail": "busy"}', 503
        else:
            body, status = json.dumps([]).encode(), 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def flaky() -> Iterator[Flaky]:
    server = Flaky(failures=2)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def base_url(server: Flaky) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}"


async def test_safe_calls_are_retried_through_503s(flaky: Flaky) -> None:
    async with SelfcareClient(base_url(flaky), retries=3) as client:
        assert await client.products() == []
    assert flaky.requests == ["GET /api/v1/products"] * 3


async def test_retries_give_up_with_the_servers_answer(flaky: Flaky) -> None:
    async with SelfcareClient(base_url(flaky), retries=1) as client:
        with pytest.raises(ServerError) as failed:
            await client.products()
    assert failed.value.status == 503
    assert len(flaky.requests) == 2


async def test_posts_without_a_key_are_not_retried(flaky: Flaky) -> None:
    async with SelfcareClient(base_url(flaky), retries=3) as client:
        with pytest.raises(ServerError):
            await client.login("maria", "maria-demo")
    assert flaky.requests == ["POST /api/v1/auth/token"]


async def test_an_unreachable_server_is_named() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    async with SelfcareClient(url, retries=1) as client:
        with pytest.raises(ConnectionFailed, match=f"Cannot reach the server at {url}"):
            await client.products()


async def test_a_silent_server_times_out() -> None:
    """A server that accepts the connection but never answers must not hang the caller."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        async with SelfcareClient(f"http://127.0.0.1:{port}", timeout=0.3, retries=0) as client:
            with pytest.raises(ConnectionFailed, match="did not answer in time"):
                await client.products()


class WrongDigestHandler(BaseHTTPRequestHandler):
    """Serves a PDF whose Repr-Digest does not match: a corrupted or tampered download."""

    def do_GET(self) -> None:
        body = b"%PDF-1.4 not the document the digest describes"
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Repr-Digest", "sha-256=:" + "A" * 43 + "=:")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


async def test_a_download_that_fails_its_checksum_leaves_no_file(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), WrongDigestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        async with SelfcareClient(f"http://{host!s}:{port}", retries=0) as client:
            with pytest.raises(ServerError, match="size or checksum"):
                await client.download_invoice("1", "INV1", tmp_path / "invoice.pdf")
    finally:
        server.shutdown()
        server.server_close()
    assert list(tmp_path.iterdir()) == []  # neither the file nor a temporary part
