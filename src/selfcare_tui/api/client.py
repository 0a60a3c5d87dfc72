"""The typed async client of the v1 API: one method per operation, pydantic models back.

This is the only code that knows URLs and JSON. Errors arrive as the exceptions of
`selfcare_tui.api.errors`. Safe calls (GET, HEAD) and creating POSTs that carry an
Idempotency-Key are retried with backoff on network failures and 502/503/504; nothing else is,
so a retry can never submit a reading twice.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from selfcare_tui import __version__

from . import models as m
from .errors import ConnectionFailed, SelfcareError, ServerError, TokenRejected, error_for

M = TypeVar("M", bound=BaseModel)
Params = Mapping[str, str | int | bool | dt.date | None]
TokensChanged = Callable[[m.TokenPair], Awaitable[None] | None]
Progress = Callable[[int, int | None], None]
"""Called with (bytes done, bytes in all or None when unknown)."""

API_PREFIX = "/api/v1"
_RETRY_STATUSES = {502, 503, 504}
_LOGIN_RESULT: TypeAdapter[m.TokenPair | m.MfaChallenge] = TypeAdapter(m.LoginResult)


class _Retryable(Exception):
    """Internal: a response worth retrying (502/503/504)."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response


def _problem_from(response: httpx.Response) -> m.Problem:
    try:
        return m.Problem.model_validate_json(response.content)
    except ValidationError:
        return m.Problem(
            title=response.reason_phrase or "Error",
            status=response.status_code,
            detail=f"The server answered {response.status_code} without a problem document.",
            code=m.ErrorCode.not_found
            if response.status_code == 404
            else m.ErrorCode.forbidden
            if response.status_code == 403
            else m.ErrorCode.validation_error,
        )


def _clean(params: Params | None) -> dict[str, str | int]:
    out: dict[str, str | int] = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, dt.date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


class _ProgressReader:
    """A file wrapper that reports how much of it httpx has read, for upload progress.

    It seeks like the file it wraps, so a retried upload starts again from the first byte.
    """

    def __init__(self, file: IO[bytes], total: int, progress: Progress | None) -> None:
        self._file, self._total, self._progress = file, total, progress

    def read(self, size: int = -1) -> bytes:
        chunk = self._file.read(size)
        if chunk and self._progress is not None:
            self._progress(self._file.tell(), self._total)
        return chunk

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()


class SelfcareClient:
    """An async client for one server and one login.

    Give `access_token`/`refresh_token` to resume a session; the client refreshes an expired
    access token once, transparently, and calls `on_tokens` with every new pair so the caller
    can store the refresh token (e.g. in the OS keyring).
    """

    def __init__(
        self,
        base_url: str,
        *,
        access_token: str | None = None,
        refresh_token: str | None = None,
        on_tokens: TokensChanged | None = None,
        timeout: float = 15.0,
        retries: int = 3,
        transport: httpx.AsyncBaseTransport | None = None,
        language: Callable[[], str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._language = language
        """Names the language the user reads, asked at every request (the user may change
        it while the client lives): sent as Accept-Language, so the server's texts are in it."""
        self.access_token = access_token
        self.refresh_token = refresh_token
        self._on_tokens = on_tokens
        self._retries = retries
        self._http = httpx.AsyncClient(
            base_url=self.base_url + API_PREFIX,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            headers={"User-Agent": f"selfcare-tui/{__version__}", "Accept": "application/json"},
            transport=transport,
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- transport ------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        return {"Accept-Language": self._language()} if self._language else {}

    def _retrying(self, retry: bool) -> AsyncRetrying:
        def worth_retrying(exc: BaseException) -> bool:
            return retry and isinstance(exc, httpx.TransportError | _Retryable)

        return AsyncRetrying(
            retry=retry_if_exception(worth_retrying),
            stop=stop_after_attempt(self._retries + 1),
            wait=wait_exponential_jitter(multiplier=0.2, max=4.0, jitter=0.2),
            reraise=True,
        )

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        files: Any = None,
        data: Any = None,
        idempotency_key: str | None = None,
        authenticated: bool = True,
        version: int | None = None,
    ) -> httpx.Response:
        retry = method in ("GET", "HEAD") or idempotency_key is not None
        headers = self._headers()
        if version is not None:  # a back-office change, based on the item as it was read
            headers["If-Match"] = f'"{version}"'
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        refreshed = False
        while True:
            if authenticated and self.access_token:
                headers["Authorization"] = f"Bearer {self.access_token}"
            try:
                async for attempt in self._retrying(retry):
                    with attempt:
                        response = await self._http.request(
                            method,
                            path,
                            params=_clean(params),
                            json=json,
                            files=files,
                            data=data,
                            headers=headers,
                        )
                        if response.status_code in _RETRY_STATUSES:
                            raise _Retryable(response)
            except _Retryable as exc:
                response = exc.response
            except httpx.TimeoutException as exc:
                raise ConnectionFailed(
                    f"The server at {self.base_url} did not answer in time."
                ) from exc
            except httpx.TransportError as exc:
                raise ConnectionFailed(f"Cannot reach the server at {self.base_url}.") from exc
            if response.is_success:
                return response
            error = error_for(_problem_from(response))
            if (
                isinstance(error, TokenRejected)
                and authenticated
                and not refreshed
                and self.refresh_token
                and files is None
            ):
                refreshed = True
                await self.refresh()
                continue
            raise error

    async def _get(self, path: str, model: type[M], params: Params | None = None) -> M:
        response = await self._send("GET", path, params=params)
        return model.model_validate_json(response.content)

    async def _list(self, path: str, model: type[M], params: Params | None = None) -> list[M]:
        response = await self._send("GET", path, params=params)
        return TypeAdapter(list[model]).validate_json(response.content)  # type: ignore[valid-type]

    async def _page(self, path: str, model: type[M], params: Params | None = None) -> m.Page[M]:
        response = await self._send("GET", path, params=params)
        return m.Page[model].model_validate_json(response.content)  # type: ignore[valid-type]

    async def _iterate(
        self, path: str, model: type[M], params: Params | None = None, page_size: int = 100
    ) -> AsyncIterator[M]:
        cursor: str | None = None
        while True:
            page = await self._page(
                path, model, {**(params or {}), "cursor": cursor, "limit": page_size}
            )
            for item in page.items:
                yield item
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    async def _create(
        self, path: str, body: BaseModel, model: type[M], idempotency_key: str | None = None
    ) -> M:
        response = await self._send(
            "POST",
            path,
            json=body.model_dump(mode="json", exclude_unset=False),
            idempotency_key=idempotency_key or str(uuid.uuid4()),
        )
        return model.model_validate_json(response.content)

    # --- auth -----------------------------------------------------------------------

    async def _store_tokens(self, tokens: m.TokenPair) -> None:
        self.access_token, self.refresh_token = tokens.access_token, tokens.refresh_token
        if self._on_tokens is not None:
            result = self._on_tokens(tokens)
            if result is not None:
                await result

    async def login(self, username: str, password: str) -> m.TokenPair | m.MfaChallenge:
        """Log in; a user with a second factor gets an MfaChallenge to answer with answer_mfa."""
        body = m.PasswordLogin(username=username, password=password)
        response = await self._send(
            "POST", "/auth/token", json=body.model_dump(), authenticated=False
        )
        result = _LOGIN_RESULT.validate_json(response.content)
        if isinstance(result, m.TokenPair):
            await self._store_tokens(result)
        return result

    async def answer_mfa(self, challenge_id: str, code: str) -> m.TokenPair:
        """`code`: six digits from the app, or a recovery code (used up by this)."""
        body = {"challenge_id": challenge_id, "code": code.strip().lower()}
        response = await self._send("POST", "/auth/mfa", json=body, authenticated=False)
        tokens = m.TokenPair.model_validate_json(response.content)
        await self._store_tokens(tokens)
        return tokens

    async def refresh(self) -> m.TokenPair:
        if not self.refresh_token:
            raise SelfcareError("No refresh token: log in first.")
        body = m.RefreshRequest(refresh_token=self.refresh_token)
        response = await self._send(
            "POST", "/auth/refresh", json=body.model_dump(), authenticated=False
        )
        tokens = m.TokenPair.model_validate_json(response.content)
        await self._store_tokens(tokens)
        return tokens

    async def logout(self) -> None:
        """Revoke the login on the server (every token of it) and forget the tokens here."""
        token = self.refresh_token or self.access_token
        if token:
            body = m.RevokeRequest(token=token)
            await self._send("POST", "/auth/revoke", json=body.model_dump(), authenticated=False)
        self.access_token = self.refresh_token = None

    async def me(self) -> m.Me:
        return await self._get("/me", m.Me)

    async def create_api_token(self, name: str, *, expires_in_days: int = 90) -> m.NewApiToken:
        """A long-lived token for scripts (SELFCARE_TOKEN); its secret is shown only now."""
        body = m.ApiTokenCreate(name=name, expires_in_days=expires_in_days)
        response = await self._send("POST", "/auth/api-tokens", json=body.model_dump())
        return m.NewApiToken.model_validate_json(response.content)

    async def api_tokens(self) -> list[m.ApiToken]:
        return await self._list("/auth/api-tokens", m.ApiToken)

    async def revoke_api_token(self, token_id: str) -> m.ApiToken:
        response = await self._send("DELETE", f"/auth/api-tokens/{token_id}")
        return m.ApiToken.model_validate_json(response.content)

    async def sessions(self) -> list[m.LoginSession]:
        """The login's sessions that can still be used, last used first."""
        return await self._list("/auth/sessions", m.LoginSession)

    async def end_session(self, session_id: str) -> None:
        await self._send("DELETE", f"/auth/sessions/{session_id}")

    async def change_password(self, current_password: str, new_password: str) -> None:
        """Every other session of the login ends; this one goes on."""
        body = m.PasswordChange(current_password=current_password, new_password=new_password)
        await self._send("POST", "/auth/password", json=body.model_dump())

    async def start_device_login(self, client_name: str = "") -> m.DeviceAuthorization:
        """Ask for a device login (RFC 8628): show its user code and URL, then poll."""
        body = m.DeviceLoginStart(client_name=client_name[:100])
        response = await self._send(
            "POST", "/auth/device", json=body.model_dump(), authenticated=False
        )
        return m.DeviceAuthorization.model_validate_json(response.content)

    async def poll_device_login(self, device_code: str) -> m.TokenPair:
        """The tokens once approved (the client is then logged in); DeviceLoginPending while
        the user decides (its code says whether to slow down), DeviceLoginEnded after."""
        body = m.DeviceTokenRequest(device_code=device_code)
        response = await self._send(
            "POST", "/auth/device/token", json=body.model_dump(), authenticated=False
        )
        tokens = m.TokenPair.model_validate_json(response.content)
        await self._store_tokens(tokens)
        return tokens

    async def start_mfa_enrolment(self) -> m.MfaEnrolment:
        """A new TOTP secret for the authenticator app; in force once confirmed with a code."""
        response = await self._send("POST", "/auth/mfa/enrolment")
        return m.MfaEnrolment.model_validate_json(response.content)

    async def confirm_mfa_enrolment(self, code: str) -> list[str]:
        """Turn the second factor on; returns the ten recovery codes, shown only now."""
        response = await self._send("POST", "/auth/mfa/enrolment/confirm", json={"code": code})
        return m.RecoveryCodes.model_validate_json(response.content).codes

    async def disable_mfa(self, password: str, code: str) -> None:
        """Turn the second factor off with the password and a code (or a recovery code)."""
        body = {"password": password, "code": code.strip().lower()}
        await self._send("POST", "/auth/mfa/disable", json=body)

    async def new_recovery_codes(self, code: str) -> list[str]:
        """Ten new recovery codes for a code from the app; the old ones stop working."""
        response = await self._send("POST", "/auth/mfa/recovery-codes", json={"code": code})
        return m.RecoveryCodes.model_validate_json(response.content).codes

    async def sign_up(self, username: str, email: str, password: str) -> m.MailSent:
        """Ask for a login; the server mails a code to `email` (confirm_sign_up takes it).
        The answer is the same whether or not the username or address is in use.

        The fields go to the server as typed: its refusals name each field and say what it
        takes, in the user's language (ValidationFailed), for every client alike."""
        body = {"username": username, "email": email, "password": password}
        response = await self._send("POST", "/auth/sign-up", json=body, authenticated=False)
        return m.MailSent.model_validate_json(response.content)

    async def confirm_sign_up(self, email: str, code: str) -> m.TokenPair:
        """Make the login with the mailed code; the client is logged in as it."""
        body = {"email": email, "code": code}
        response = await self._send("POST", "/auth/sign-up/confirm", json=body, authenticated=False)
        tokens = m.TokenPair.model_validate_json(response.content)
        await self._store_tokens(tokens)
        return tokens

    async def request_password_reset(self, email: str) -> m.MailSent:
        """The server mails a code to the address, if a login uses it (the answer is the same
        either way)."""
        body = {"email": email}
        response = await self._send("POST", "/auth/password-reset", json=body, authenticated=False)
        return m.MailSent.model_validate_json(response.content)

    async def reset_password(self, email: str, code: str, new_password: str) -> None:
        """Set a new password with the mailed code; every session of the login ends."""
        body = {"email": email, "code": code, "new_password": new_password}
        await self._send("POST", "/auth/password-reset/confirm", json=body, authenticated=False)

    # --- accounts -------------------------------------------------------------------

    async def accounts(
        self, query: str | None = None, *, limit: int = 50
    ) -> list[m.AccountSummary]:
        """Accounts this login may act for; agents search with `query`."""
        page = await self._page("/accounts", m.AccountSummary, {"q": query, "limit": limit})
        return page.items

    async def account(self, number: str) -> m.Account:
        return await self._get(f"/accounts/{number}", m.Account)

    async def update_profile(self, number: str, update: m.ProfileUpdate) -> m.Account:
        response = await self._send(
            "PATCH", f"/accounts/{number}", json=update.model_dump(mode="json", exclude_unset=True)
        )
        return m.Account.model_validate_json(response.content)

    async def attach_account(self, account_number: str, payment_code: str) -> m.AccountSummary:
        body = m.AttachAccount(account_number=account_number, payment_code=payment_code)
        response = await self._send("POST", "/accounts/attach", json=body.model_dump())
        return m.AccountSummary.model_validate_json(response.content)

    # --- places, contracts, meters, readings ------------------------------------------

    async def places(self, number: str) -> list[m.Place]:
        return (await self._page(f"/accounts/{number}/places", m.Place)).items

    async def contracts(self, number: str, place_id: str | None = None) -> list[m.Contract]:
        return (
            await self._page(f"/accounts/{number}/contracts", m.Contract, {"place_id": place_id})
        ).items

    async def meters(
        self, number: str, place_id: str | None = None, *, include_removed: bool = False
    ) -> list[m.Meter]:
        params = {"place_id": place_id, "include_removed": include_removed}
        return (await self._page(f"/accounts/{number}/meters", m.Meter, params)).items

    async def meter(self, number: str, meter_id: str) -> m.Meter:
        return await self._get(f"/accounts/{number}/meters/{meter_id}", m.Meter)

    async def products(self) -> list[m.Product]:
        return await self._list("/products", m.Product)

    async def reading_window(self, number: str) -> m.ReadingWindow:
        return await self._get(f"/accounts/{number}/reading-window", m.ReadingWindow)

    def iter_readings(
        self,
        number: str,
        meter_id: str,
        *,
        register_id: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> AsyncIterator[m.Reading]:
        params = {"meter_id": meter_id, "register_id": register_id, "since": since, "until": until}
        return self._iterate(f"/accounts/{number}/readings", m.Reading, params)

    async def submit_readings(
        self, number: str, submission: m.ReadingSubmission, *, idempotency_key: str | None = None
    ) -> m.ReadingReceipt:
        return await self._create(
            f"/accounts/{number}/readings", submission, m.ReadingReceipt, idempotency_key
        )

    async def order_bill(
        self, number: str, meter_id: str, *, idempotency_key: str | None = None
    ) -> m.Invoice:
        return await self._create(
            f"/accounts/{number}/bill-orders",
            m.BillOrder(meter_id=meter_id),
            m.Invoice,
            idempotency_key,
        )

    async def consumption(
        self,
        number: str,
        *,
        place_id: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> m.ConsumptionSeries:
        params = {"place_id": place_id, "since": since, "until": until}
        return await self._get(f"/accounts/{number}/consumption", m.ConsumptionSeries, params)

    async def intervals(self, number: str, meter_id: str, day: dt.date) -> m.IntervalSeries:
        return await self._get(
            f"/accounts/{number}/meters/{meter_id}/intervals", m.IntervalSeries, {"day": day}
        )

    # --- invoices, payments, notices ------------------------------------------------------

    async def invoices_page(
        self,
        number: str,
        *,
        status: m.InvoiceStatus | None = None,
        place_id: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        cursor: str | None = None,
        limit: int = 50,
    ) -> m.Page[m.Invoice]:
        """One page, newest first: what a screen shows before the user scrolls further."""
        params = {
            "status": status.value if status else None,
            "place_id": place_id,
            "since": since,
            "until": until,
            "cursor": cursor,
            "limit": limit,
        }
        return await self._page(f"/accounts/{number}/invoices", m.Invoice, params)

    def iter_invoices(
        self,
        number: str,
        *,
        status: m.InvoiceStatus | None = None,
        place_id: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> AsyncIterator[m.Invoice]:
        params = {
            "status": status.value if status else None,
            "place_id": place_id,
            "since": since,
            "until": until,
        }
        return self._iterate(f"/accounts/{number}/invoices", m.Invoice, params)

    async def invoice(self, number: str, invoice_number: str) -> m.Invoice:
        return await self._get(f"/accounts/{number}/invoices/{invoice_number}", m.Invoice)

    async def download_invoice(
        self,
        number: str,
        invoice_number: str,
        destination: Path,
        *,
        progress: Progress | None = None,
    ) -> m.DocumentInfo:
        """Stream the invoice PDF to `destination`, verified and written atomically."""
        return await self._download(
            f"/accounts/{number}/invoices/{invoice_number}/pdf", destination, progress
        )

    def iter_payments(
        self,
        number: str,
        *,
        reference: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> AsyncIterator[m.Payment]:
        params = {"reference": reference, "since": since, "until": until}
        return self._iterate(f"/accounts/{number}/payments", m.Payment, params)

    async def find_payments(self, number: str, reference: str) -> list[m.Payment]:
        """Has my payment arrived? The payments that carry this reference."""
        return [p async for p in self.iter_payments(number, reference=reference)]

    async def start_payment(
        self, number: str, invoice_numbers: list[str], *, idempotency_key: str | None = None
    ) -> m.PaymentSession:
        body = m.PaymentStart(invoice_numbers=invoice_numbers)
        return await self._create(
            f"/accounts/{number}/payment-sessions", body, m.PaymentSession, idempotency_key
        )

    async def payment_session(self, number: str, session_id: str) -> m.PaymentSession:
        return await self._get(
            f"/accounts/{number}/payment-sessions/{session_id}", m.PaymentSession
        )

    def iter_notices(
        self, number: str, *, status: m.NoticeStatus | None = None
    ) -> AsyncIterator[m.Notice]:
        params = {"status": status.value if status else None}
        return self._iterate(f"/accounts/{number}/notices", m.Notice, params)

    async def download_notice(
        self,
        number: str,
        notice_number: str,
        destination: Path,
        *,
        progress: Progress | None = None,
    ) -> m.DocumentInfo:
        return await self._download(
            f"/accounts/{number}/notices/{notice_number}/pdf", destination, progress
        )

    # --- works and outages ----------------------------------------------------------------

    async def works(self, number: str, *, include_past: bool = False) -> list[m.Work]:
        """Works touching the account's places, current ones first."""
        params = {"include_past": include_past}
        return (await self._page(f"/accounts/{number}/works", m.Work, params)).items

    def iter_public_works(self, *, area: str | None = None) -> AsyncIterator[m.Work]:
        return self._iterate("/works", m.Work, {"area": area})

    async def outage_eligibility(self, number: str, place_id: str) -> m.OutageEligibility:
        return await self._get(
            f"/accounts/{number}/places/{place_id}/outage-eligibility", m.OutageEligibility
        )

    async def report_outage(
        self, number: str, report: m.OutageReportCreate, *, idempotency_key: str | None = None
    ) -> m.OutageReport:
        return await self._create(
            f"/accounts/{number}/outage-reports", report, m.OutageReport, idempotency_key
        )

    def iter_outage_reports(
        self, number: str, *, status: m.OutageReportStatus | None = None
    ) -> AsyncIterator[m.OutageReport]:
        params = {"status": status.value if status else None}
        return self._iterate(f"/accounts/{number}/outage-reports", m.OutageReport, params)

    # --- requests -------------------------------------------------------------------------

    async def request_types(self) -> list[m.RequestType]:
        return await self._list("/request-types", m.RequestType)

    async def create_request(
        self, number: str, request: m.RequestCreate, *, idempotency_key: str | None = None
    ) -> m.Request:
        return await self._create(
            f"/accounts/{number}/requests", request, m.Request, idempotency_key
        )

    async def add_attachment(
        self,
        number: str,
        request_id: str,
        document_code: str,
        path: Path,
        *,
        progress: Progress | None = None,
        idempotency_key: str | None = None,
    ) -> m.Attachment:
        """Upload a document of a draft request; the server checks type by content and size."""
        size = path.stat().st_size
        key = idempotency_key or str(uuid.uuid4())
        with path.open("rb") as file:
            reader = _ProgressReader(file, size, progress)
            response = await self._send(
                "POST",
                f"/accounts/{number}/requests/{request_id}/attachments",
                data={"document_code": document_code},
                files={"file": (path.name, reader, "application/octet-stream")},
                idempotency_key=key,
            )
        return m.Attachment.model_validate_json(response.content)

    async def submit_request(self, number: str, request_id: str) -> m.Request:
        response = await self._send("POST", f"/accounts/{number}/requests/{request_id}/submit")
        return m.Request.model_validate_json(response.content)

    async def request(self, number: str, request_id: str) -> m.Request:
        return await self._get(f"/accounts/{number}/requests/{request_id}", m.Request)

    def iter_requests(
        self, number: str, *, type_code: str | None = None, status: m.RequestStatus | None = None
    ) -> AsyncIterator[m.Request]:
        params = {"type_code": type_code, "status": status.value if status else None}
        return self._iterate(f"/accounts/{number}/requests", m.Request, params)

    # --- mandates -------------------------------------------------------------------------

    async def mandates(self, number: str) -> list[m.Mandate]:
        return (await self._page(f"/accounts/{number}/mandates", m.Mandate)).items

    async def grant_mandate(
        self, number: str, grant: m.MandateGrant, *, idempotency_key: str | None = None
    ) -> m.Mandate:
        return await self._create(f"/accounts/{number}/mandates", grant, m.Mandate, idempotency_key)

    async def change_mandate(
        self, number: str, mandate_id: str, change: m.MandateChange
    ) -> m.Mandate:
        response = await self._send(
            "PATCH",
            f"/accounts/{number}/mandates/{mandate_id}",
            json=change.model_dump(mode="json", exclude_none=True),
        )
        return m.Mandate.model_validate_json(response.content)

    async def revoke_mandate(self, number: str, mandate_id: str) -> m.Mandate:
        response = await self._send("DELETE", f"/accounts/{number}/mandates/{mandate_id}")
        return m.Mandate.model_validate_json(response.content)

    async def access_log_page(
        self, number: str, *, cursor: str | None = None, limit: int = 50
    ) -> m.Page[m.AccessLogEntry]:
        """Who from the utility opened the account, and when (the holder's view)."""
        params: Params = {"cursor": cursor, "limit": limit}
        return await self._page(f"/accounts/{number}/access-log", m.AccessLogEntry, params)

    # --- the utility's side: support agents only ------------------------------------------

    async def queue_counts(self) -> m.QueueCounts:
        return await self._get("/backoffice/queues", m.QueueCounts)

    async def request_queue(
        self,
        *,
        status: m.RequestStatus | None = None,
        type_code: str | None = None,
        stage: str | None = None,
        area: str | None = None,
        place_id: str | None = None,
        older_than_days: int | None = None,
        taken: m.TakenFilter = m.TakenFilter.any,
        cursor: str | None = None,
        limit: int = 50,
    ) -> m.Page[m.DeskRequest]:
        """One page of the requests queue, oldest first; open requests unless `status`."""
        params = {
            "status": status.value if status else None,
            "type_code": type_code,
            "stage": stage,
            "area": area,
            "place_id": place_id,
            "older_than_days": older_than_days,
            "taken": taken.value,
            "cursor": cursor,
            "limit": limit,
        }
        return await self._page("/backoffice/requests", m.DeskRequest, params)

    async def desk_request(self, request_id: str) -> m.DeskRequest:
        return await self._get(f"/backoffice/requests/{request_id}", m.DeskRequest)

    async def _desk_change(
        self, path: str, model: type[M], version: int, body: BaseModel | None = None
    ) -> M:
        response = await self._send(
            "POST",
            path,
            json=None if body is None else body.model_dump(mode="json"),
            version=version,
        )
        return model.model_validate_json(response.content)

    async def take_request(self, request_id: str, version: int) -> m.DeskRequest:
        """Take the request as it was at `version`; another agent's hold is a RuleViolation
        `item_taken` naming them, a change since then `version_mismatch`."""
        return await self._desk_change(
            f"/backoffice/requests/{request_id}/take", m.DeskRequest, version
        )

    async def move_request(
        self, request_id: str, version: int, stage: str, note: str | None = None
    ) -> m.DeskRequest:
        return await self._desk_change(
            f"/backoffice/requests/{request_id}/stage",
            m.DeskRequest,
            version,
            m.StageMove(stage=stage, note=note),
        )

    async def message_request(self, request_id: str, version: int, text: str) -> m.DeskRequest:
        return await self._desk_change(
            f"/backoffice/requests/{request_id}/messages",
            m.DeskRequest,
            version,
            m.DeskMessage(text=text),
        )

    async def ask_for_document(
        self, request_id: str, version: int, document_code: str, note: str | None = None
    ) -> m.DeskRequest:
        return await self._desk_change(
            f"/backoffice/requests/{request_id}/document-requests",
            m.DeskRequest,
            version,
            m.DocumentAsk(document_code=document_code, note=note),
        )

    async def resolve_request(
        self, request_id: str, version: int, outcome: m.RequestOutcome, note: str
    ) -> m.DeskRequest:
        return await self._desk_change(
            f"/backoffice/requests/{request_id}/resolution",
            m.DeskRequest,
            version,
            m.RequestResolution(outcome=outcome, note=note),
        )

    async def outage_report_queue(
        self,
        *,
        status: m.OutageReportStatus | None = None,
        area: str | None = None,
        taken: m.TakenFilter = m.TakenFilter.any,
        cursor: str | None = None,
        limit: int = 50,
    ) -> m.Page[m.DeskOutageReport]:
        """One page of the outage reports queue, oldest first; open and acknowledged ones
        unless `status`."""
        params = {
            "status": status.value if status else None,
            "area": area,
            "taken": taken.value,
            "cursor": cursor,
            "limit": limit,
        }
        return await self._page("/backoffice/outage-reports", m.DeskOutageReport, params)

    async def desk_outage_report(self, reference: str) -> m.DeskOutageReport:
        return await self._get(f"/backoffice/outage-reports/{reference}", m.DeskOutageReport)

    async def take_outage_report(self, reference: str, version: int) -> m.DeskOutageReport:
        return await self._desk_change(
            f"/backoffice/outage-reports/{reference}/take", m.DeskOutageReport, version
        )

    async def acknowledge_outage_report(self, reference: str, version: int) -> m.DeskOutageReport:
        return await self._desk_change(
            f"/backoffice/outage-reports/{reference}/acknowledge", m.DeskOutageReport, version
        )

    async def link_outage_report(
        self, reference: str, version: int, work_id: str
    ) -> m.DeskOutageReport:
        return await self._desk_change(
            f"/backoffice/outage-reports/{reference}/work",
            m.DeskOutageReport,
            version,
            m.OutageLink(work_id=work_id),
        )

    async def resolve_outage_report(
        self, reference: str, version: int, note: str
    ) -> m.DeskOutageReport:
        return await self._desk_change(
            f"/backoffice/outage-reports/{reference}/resolution",
            m.DeskOutageReport,
            version,
            m.OutageResolution(note=note),
        )

    async def publish_work(
        self, work: m.WorkCreate, *, idempotency_key: str | None = None
    ) -> m.DeskWork:
        return await self._create("/backoffice/works", work, m.DeskWork, idempotency_key)

    async def desk_work(self, work_id: str) -> m.DeskWork:
        return await self._get(f"/backoffice/works/{work_id}", m.DeskWork)

    async def change_work(self, work_id: str, version: int, change: m.WorkChange) -> m.DeskWork:
        response = await self._send(
            "PATCH",
            f"/backoffice/works/{work_id}",
            json=change.model_dump(mode="json", exclude_unset=True),
            version=version,
        )
        return m.DeskWork.model_validate_json(response.content)

    async def end_work(self, work_id: str, version: int) -> m.DeskWork:
        return await self._desk_change(f"/backoffice/works/{work_id}/end", m.DeskWork, version)

    async def start_billing_run(self, month: str) -> m.BillingRun:
        """Start the month's billing run; it runs on after the answer (follow it with
        billing_run). Starting a month again issues only what is missing."""
        body = m.BillingRunStart(month=month).model_dump(mode="json")
        response = await self._send("POST", "/backoffice/billing-runs", json=body)
        return m.BillingRun.model_validate_json(response.content)

    async def billing_run(self, month: str) -> m.BillingRun:
        return await self._get(f"/backoffice/billing-runs/{month}", m.BillingRun)

    async def search_customers(self, query: str, *, limit: int = 50) -> list[m.CustomerMatch]:
        params: Params = {"q": query, "limit": limit}
        return await self._list("/backoffice/customers", m.CustomerMatch, params)

    async def audit_page(
        self,
        *,
        account_number: str | None = None,
        agent_username: str | None = None,
        operation: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        cursor: str | None = None,
        limit: int = 50,
    ) -> m.Page[m.AuditRecord]:
        """One page of the audit log, newest first."""
        params = {
            "account_number": account_number,
            "agent_username": agent_username,
            "operation": operation,
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
            "cursor": cursor,
            "limit": limit,
        }
        return await self._page("/backoffice/audit", m.AuditRecord, params)

    # --- without login --------------------------------------------------------------------

    async def amount_due(self, payment_code: str, email: str) -> m.AmountDue:
        body = m.AmountDueQuery(payment_code=payment_code, email=email)
        response = await self._send(
            "POST", "/public/amount-due", json=body.model_dump(), authenticated=False
        )
        return m.AmountDue.model_validate_json(response.content)

    async def invoice_copies(self, payment_code: str, national_id: str) -> list[m.InvoiceCopy]:
        body = m.InvoiceCopyQuery(payment_code=payment_code, national_id=national_id)
        response = await self._send(
            "POST", "/public/invoice-copies", json=body.model_dump(), authenticated=False
        )
        return TypeAdapter(list[m.InvoiceCopy]).validate_json(response.content)

    async def download_invoice_copy(
        self, payment_code: str, national_id: str, invoice_number: str, destination: Path
    ) -> m.DocumentInfo:
        body = m.InvoiceCopyQuery(
            payment_code=payment_code, national_id=national_id, invoice_number=invoice_number
        )
        return await self._download(
            "/public/invoice-copies", destination, None, method="POST", json=body.model_dump()
        )

    # --- downloads ------------------------------------------------------------------------

    async def _download(
        self,
        path: str,
        destination: Path,
        progress: Progress | None,
        *,
        method: str = "GET",
        json: Any = None,
    ) -> m.DocumentInfo:
        """Stream a PDF to `destination`; one transparent token refresh, as in _send."""
        headers = self._headers()
        if self.access_token:
            headers["Authorization"] = f"Bearer {self.access_token}"
        for attempt in range(2):
            try:
                async with self._http.stream(method, path, headers=headers, json=json) as response:
                    if response.status_code == 401 and attempt == 0 and self.refresh_token:
                        await self.refresh()
                        headers["Authorization"] = f"Bearer {self.access_token}"
                        continue
                    if not response.is_success:
                        await response.aread()
                        raise error_for(_problem_from(response))
                    total = (
                        int(response.headers["Content-Length"])
                        if "Content-Length" in response.headers
                        else None
                    )
                    return await _stream_atomically(
                        destination,
                        response.aiter_bytes(),
                        _expected_digest(response),
                        total,
                        progress,
                    )
            except httpx.TransportError as exc:
                raise ConnectionFailed(f"Download from {self.base_url} was interrupted.") from exc
        raise SelfcareError("unreachable")


def _expected_digest(response: httpx.Response) -> str | None:
    """The SHA-256 from an RFC 9530 Repr-Digest header, as hex."""
    header = response.headers.get("Repr-Digest", "")
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "sha-256" and value.startswith(":") and value.endswith(":"):
            return base64.b64decode(value[1:-1]).hex()
    return None


async def _stream_atomically(
    destination: Path,
    chunks: AsyncIterator[bytes],
    expected: str | None,
    total: int | None,
    progress: Progress | None,
) -> m.DocumentInfo:
    """Write to a temp file beside the destination and rename: no half file is ever visible."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".part"
    )
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            async for chunk in chunks:
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                if progress is not None:
                    progress(size, total)
            out.flush()
            os.fsync(out.fileno())
        # A body cut short, or altered, must never be renamed into place as the document.
        if (expected is not None and digest.hexdigest() != expected) or (
            total is not None and size != total
        ):
            raise ServerError(
                m.Problem(
                    title="Corrupt download",
                    status=502,
                    detail="The downloaded file does not match its size or checksum.",
                    code=m.ErrorCode.internal_error,
                )
            )
        os.replace(tmp, destination)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return m.DocumentInfo(size=size, sha256=digest.hexdigest())
