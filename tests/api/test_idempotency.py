"""A creating POST whose answer is lost is retried with the same key and creates nothing twice."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from selfcare_tui.api import ConnectionFailed, RuleViolation, SelfcareClient, models
from selfcare_tui.server.demo import BUSINESS_ACCOUNT, FLAT_ACCOUNT

from ..support.live_server import LiveServer

pytestmark = pytest.mark.anyio


class LoseResponses(httpx.AsyncHTTPTransport):
    """Delivers requests to the real server, then drops the first answers of creating POSTs.

    This is the failure idempotency keys exist for: the server did the work, the client never
    heard back, and retries.
    """

    def __init__(self, drop: int) -> None:
        super().__init__()
        self.drop = drop
        self.delivered = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if request.method == "POST" and "Idempotency-Key" in request.headers and self.drop:
            await response.aread()
            self.delivered += 1
            self.drop -= 1
            raise httpx.ReadError("connection reset after the server answered", request=request)
        return response


async def logged_in(
    live_server: LiveServer, username: str, transport: httpx.AsyncBaseTransport
) -> SelfcareClient:
    client = SelfcareClient(live_server.base_url, transport=transport, retries=3)
    await client.login(username, f"{username}-demo")
    return client


async def test_lost_answers_do_not_duplicate_an_outage_report(live_server: LiveServer) -> None:
    transport = LoseResponses(drop=2)
    async with await logged_in(live_server, "maria", transport) as client:
        place = (await client.places(FLAT_ACCOUNT))[0]
        report = await client.report_outage(
            FLAT_ACCOUNT, models.OutageReportCreate(place_id=place.id, description="No power")
        )
        assert transport.delivered == 2  # the server got the POST three times
        reports = [r async for r in client.iter_outage_reports(FLAT_ACCOUNT)]
    assert [r.reference for r in reports] == [report.reference]


async def test_lost_answers_do_not_duplicate_a_request(live_server: LiveServer) -> None:
    transport = LoseResponses(drop=1)
    async with await logged_in(live_server, "acme", transport) as client:
        before = [r.id async for r in client.iter_requests(BUSINESS_ACCOUNT)]
        body = models.RequestCreate(type_code="complaint", subject="Late invoice", message="Hello")
        created = await client.create_request(BUSINESS_ACCOUNT, body)
        after = [r.id async for r in client.iter_requests(BUSINESS_ACCOUNT)]
    assert after == [created.id, *before]  # one new request, newest first


async def test_the_same_key_with_another_body_is_refused(maria: SelfcareClient) -> None:
    place = (await maria.places(FLAT_ACCOUNT))[0]
    first = models.OutageReportCreate(place_id=place.id, description="No power")
    created = await maria.report_outage(FLAT_ACCOUNT, first, idempotency_key="key-1")
    again = await maria.report_outage(FLAT_ACCOUNT, first, idempotency_key="key-1")
    other = models.OutageReportCreate(place_id=place.id, description="Flickering")
    with pytest.raises(RuleViolation) as refused:
        await maria.report_outage(FLAT_ACCOUNT, other, idempotency_key="key-1")
    assert refused.value.code is models.ErrorCode.idempotency_key_reused
    assert again == created


async def test_posts_without_a_key_are_never_retried(live_server: LiveServer) -> None:
    """Logging in has no key: a lost answer must surface, not be sent again."""
    transport = LoseAnyPost()
    client = SelfcareClient(live_server.base_url, transport=transport, retries=3)
    async with client:
        with pytest.raises(ConnectionFailed):
            await client.login("maria", "maria-demo")
    assert transport.sent == 1


class LoseAnyPost(httpx.AsyncHTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.sent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if request.method == "POST":
            await response.aread()
            self.sent += 1
            raise httpx.ReadError("lost", request=request)
        return response


async def test_a_retried_upload_sends_the_whole_file_again(
    live_server: LiveServer, tmp_path: Path
) -> None:
    """The retry must rewind the file: a second, empty body would be refused or stored wrong."""
    document = tmp_path / "signed.pdf"
    document.write_bytes(b"%PDF-1.4\n" + b"0" * 200_000 + b"\n%%EOF\n")
    transport = LoseResponses(drop=1)
    progress: list[tuple[int, int | None]] = []
    async with await logged_in(live_server, "acme", transport) as client:
        body = models.RequestCreate(type_code="general", subject="Letter")
        request = await client.create_request(BUSINESS_ACCOUNT, body)
        transport.drop = 1
        attachment = await client.add_attachment(
            BUSINESS_ACCOUNT,
            request.id,
            "signed_request",
            document,
            progress=lambda done, total: progress.append((done, total)),
        )
        stored = await client.request(BUSINESS_ACCOUNT, request.id)
    assert attachment.size == document.stat().st_size
    assert [a.id for a in stored.attachments] == [attachment.id]
    size = document.stat().st_size
    assert progress[-1] == (size, size)
    assert [done for done, _ in progress].count(size) == 2  # one full pass per attempt
