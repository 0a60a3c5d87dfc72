"""Who may do what on an account: the server's authorization rules, over real HTTP.

Rules (server/deps.py `authorize`): the owner may do everything on own accounts; a delegate only
what the mandate's scopes allow and only before it expires (a visible account without the scope
answers 403 scope_missing; an expired or revoked mandate makes the account invisible); a support
agent may do everything, and each access is audited; any other customer gets the same 404 as for
a number that does not exist, so account numbers cannot be probed; an anonymous caller gets 401.
Owner-only operations (profile, mandates) refuse a delegate with 403 forbidden.
"""

from __future__ import annotations

import datetime as dt
import enum
import shutil
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from selfcare_tui.api import (
    ApiError,
    NotFound,
    PermissionDenied,
    RuleViolation,
    SelfcareClient,
    TokenRejected,
    models,
)
from selfcare_tui.api.models import ErrorCode, Scope
from selfcare_tui.server import tables
from selfcare_tui.server.demo import (
    BUSINESS_ACCOUNT,
    COTTAGE_ACCOUNT,
    FLAT_ACCOUNT,
    JAAN_ACCOUNT,
)
from selfcare_tui.server.security import hash_password
from selfcare_tui.server.settings import Clock, Settings

from ..support.demo_users import login
from ..support.live_server import NOW, LiveServer, serving

pytestmark = pytest.mark.anyio

T = TypeVar("T")

MISSING_ACCOUNT = "9999999999"
MARIA_PHONE = "+372 5123 4567"
"""Her phone as seeded: writing it back exercises the PATCH without changing anything."""
SEEDED_JAAN_FLAT_EXPIRY = dt.datetime(2027, 11, 25, 12, 0, tzinfo=dt.UTC)


async def drain(items: AsyncIterator[T]) -> list[T]:
    return [item async for item in items]


# --- the shared world of the matrix ---------------------------------------------------------


@dataclass(frozen=True)
class AccountIds:
    """Real ids of one of maria's accounts, fetched as maria, so a refusal is never a typo."""

    number: str
    place_id: str
    meter_id: str
    register_ids: tuple[str, ...]
    invoice_number: str
    notice_number: str
    request_id: str
    session_id: str
    mandate_id: str


@dataclass(frozen=True)
class World:
    base_url: str
    tokens: dict[str, str]
    """username -> access token; the frozen clock keeps them valid for the whole module."""
    flat: AccountIds
    cottage: AccountIds
    ssl_context: ssl.SSLContext
    """Built once: httpx would build one per client, 50 ms each, half of the matrix's time."""

    def client(self, username: str | None) -> SelfcareClient:
        token = self.tokens[username] if username else None
        transport = httpx.AsyncHTTPTransport(verify=self.ssl_context)
        return SelfcareClient(self.base_url, access_token=token, retries=0, transport=transport)


def _add_rows_the_api_cannot_create(database: Path) -> None:
    """A second delegate (dora) and a reminder on the flat: no API creates users or notices.

    dora's mandate (granted through the API below) has exactly the scopes jaan's lacks, so every
    endpoint has both a delegate in scope and one out of scope on the same account.
    """
    engine = create_engine(f"sqlite:///{database}")
    try:
        with Session(engine) as db:
            db.add(
                tables.User(
                    username="dora",
                    display_name="Dora Delegate",
                    role="customer",
                    password_hash=hash_password("dora-demo"),
                    mfa_secret=None,
                    national_id=None,
                )
            )
            invoice = db.scalars(
                select(tables.Invoice).where(
                    tables.Invoice.account_number == FLAT_ACCOUNT, tables.Invoice.status == "open"
                )
            ).one()
            db.add(
                tables.Notice(
                    number="NT900000001",
                    account_number=FLAT_ACCOUNT,
                    kind="reminder",
                    issued_on=NOW.date(),
                    deadline=NOW.date() + dt.timedelta(days=21),
                    amount=invoice.amount,
                    status="open",
                    invoice_numbers=[invoice.number],
                    place_id=invoice.place_id,
                )
            )
            db.commit()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def matrix_server(
    demo_database: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """One server for the whole matrix: some 250 cases with a server each would take minutes.

    Sharing is safe because no case changes what any caller may do (see `world`).
    """
    database = tmp_path_factory.mktemp("matrix") / "server.sqlite3"
    shutil.copy(demo_database, database)
    _add_rows_the_api_cannot_create(database)
    settings = Settings(database_url=f"sqlite:///{database}", clock=Clock(NOW))
    with serving(settings, database) as server:
        yield server


async def _ids(maria: SelfcareClient, number: str, mandate_id: str) -> AccountIds:
    place = (await maria.places(number))[0]
    meter = (await maria.meters(number, place.id))[0]
    invoice = (await maria.invoices_page(number, status=models.InvoiceStatus.open)).items[0]
    notice = (await drain(maria.iter_notices(number)))[0]
    session = await maria.start_payment(number, [invoice.number])
    request = await maria.create_request(
        number, models.RequestCreate(type_code="complaint", subject="Draft for the matrix")
    )
    return AccountIds(
        number=number,
        place_id=place.id,
        meter_id=meter.id,
        register_ids=tuple(r.id for r in meter.registers),
        invoice_number=invoice.number,
        notice_number=notice.number,
        request_id=request.id,
        session_id=session.id,
        mandate_id=mandate_id,
    )


@pytest.fixture(scope="module")
async def world(matrix_server: LiveServer) -> World:
    """Log everyone in once and prepare, as maria, the things the endpoints act on.

    Writes in the matrix leave every caller's rights as they were: mandates granted to jaan
    repeat his seeded scopes (view, readings), and the one the owner and the agent revoke is
    such a spare, so his scopes on the flat stay view and readings throughout.
    """
    tokens: dict[str, str] = {}
    for username in ("maria", "jaan", "dora", "acme", "agent"):
        async with await login(matrix_server, username) as client:
            assert client.access_token is not None
            tokens[username] = client.access_token
    async with SelfcareClient(matrix_server.base_url, access_token=tokens["maria"]) as maria:
        await maria.grant_mandate(
            FLAT_ACCOUNT,
            models.MandateGrant(
                delegate_username="dora",
                scopes=[Scope.pay, Scope.requests],
                expires_at=NOW + dt.timedelta(days=365),
            ),
        )
        spare = await maria.grant_mandate(
            FLAT_ACCOUNT,
            models.MandateGrant(
                delegate_username="jaan",
                scopes=[Scope.view, Scope.readings],
                expires_at=NOW + dt.timedelta(days=7),
            ),
        )
        (expired,) = await maria.mandates(COTTAGE_ACCOUNT)
        return World(
            base_url=matrix_server.base_url,
            tokens=tokens,
            flat=await _ids(maria, FLAT_ACCOUNT, spare.id),
            cottage=await _ids(maria, COTTAGE_ACCOUNT, expired.id),
            ssl_context=ssl.create_default_context(),
        )


# --- the matrix -------------------------------------------------------------------------------

Call = Callable[[SelfcareClient, AccountIds, Path], Awaitable[object]]


@dataclass(frozen=True)
class Endpoint:
    name: str
    scope: Scope
    """The mandate scope it needs; owner-only endpoints name view, as the server does."""
    call: Call
    writes: bool = False
    owner_only: bool = False


async def _attach(client: SelfcareClient, ids: AccountIds, scratch: Path) -> object:
    document = scratch / "scan.pdf"
    document.write_bytes(b"%PDF-1.4\n% a signed scan\n%%EOF\n")
    return await client.add_attachment(ids.number, ids.request_id, "other", document)


def _readings(ids: AccountIds) -> models.ReadingSubmission:
    values = [models.RegisterValue(register_id=r, value=Decimal(99999)) for r in ids.register_ids]
    return models.ReadingSubmission(meter_id=ids.meter_id, read_on=NOW.date(), values=values)


def _mandate_for_jaan() -> models.MandateGrant:
    return models.MandateGrant(
        delegate_username="jaan",
        scopes=[Scope.view, Scope.readings],
        expires_at=NOW + dt.timedelta(days=30),
    )


VIEW, READINGS, PAY, REQUESTS = Scope.view, Scope.readings, Scope.pay, Scope.requests

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("account", VIEW, lambda c, a, _: c.account(a.number)),
    Endpoint(
        "update_profile",
        VIEW,
        lambda c, a, _: c.update_profile(a.number, models.ProfileUpdate(phone=MARIA_PHONE)),
        writes=True,
        owner_only=True,
    ),
    Endpoint("places", VIEW, lambda c, a, _: c.places(a.number)),
    Endpoint("contracts", VIEW, lambda c, a, _: c.contracts(a.number, a.place_id)),
    Endpoint("meters", VIEW, lambda c, a, _: c.meters(a.number, a.place_id)),
    Endpoint("meter", VIEW, lambda c, a, _: c.meter(a.number, a.meter_id)),
    Endpoint("reading_window", VIEW, lambda c, a, _: c.reading_window(a.number)),
    Endpoint("iter_readings", VIEW, lambda c, a, _: drain(c.iter_readings(a.number, a.meter_id))),
    Endpoint(
        "submit_readings",
        READINGS,
        lambda c, a, _: c.submit_readings(a.number, _readings(a)),
        writes=True,
    ),
    Endpoint(
        "order_bill", READINGS, lambda c, a, _: c.order_bill(a.number, a.meter_id), writes=True
    ),
    Endpoint("consumption", VIEW, lambda c, a, _: c.consumption(a.number, place_id=a.place_id)),
    Endpoint(
        "intervals",
        VIEW,
        lambda c, a, _: c.intervals(a.number, a.meter_id, NOW.date() - dt.timedelta(days=2)),
    ),
    Endpoint("invoices_page", VIEW, lambda c, a, _: c.invoices_page(a.number, limit=5)),
    Endpoint("invoice", VIEW, lambda c, a, _: c.invoice(a.number, a.invoice_number)),
    Endpoint(
        "download_invoice",
        VIEW,
        lambda c, a, d: c.download_invoice(a.number, a.invoice_number, d / "invoice.pdf"),
    ),
    Endpoint("iter_payments", VIEW, lambda c, a, _: drain(c.iter_payments(a.number))),
    Endpoint(
        "start_payment",
        PAY,
        lambda c, a, _: c.start_payment(a.number, [a.invoice_number]),
        writes=True,
    ),
    Endpoint("payment_session", PAY, lambda c, a, _: c.payment_session(a.number, a.session_id)),
    Endpoint("iter_notices", VIEW, lambda c, a, _: drain(c.iter_notices(a.number))),
    Endpoint(
        "download_notice",
        VIEW,
        lambda c, a, d: c.download_notice(a.number, a.notice_number, d / "notice.pdf"),
    ),
    Endpoint("works", VIEW, lambda c, a, _: c.works(a.number, include_past=True)),
    Endpoint(
        "outage_eligibility", VIEW, lambda c, a, _: c.outage_eligibility(a.number, a.place_id)
    ),
    Endpoint(
        "report_outage",
        REQUESTS,
        lambda c, a, _: c.report_outage(
            a.number, models.OutageReportCreate(place_id=a.place_id, description="No power.")
        ),
        writes=True,
    ),
    Endpoint("iter_outage_reports", VIEW, lambda c, a, _: drain(c.iter_outage_reports(a.number))),
    Endpoint(
        "create_request",
        REQUESTS,
        lambda c, a, _: c.create_request(
            a.number, models.RequestCreate(type_code="complaint", subject="Slow answers")
        ),
        writes=True,
    ),
    Endpoint("add_attachment", REQUESTS, _attach, writes=True),
    Endpoint(
        "submit_request",
        REQUESTS,
        lambda c, a, _: c.submit_request(a.number, a.request_id),
        writes=True,
    ),
    Endpoint("request", VIEW, lambda c, a, _: c.request(a.number, a.request_id)),
    Endpoint("iter_requests", VIEW, lambda c, a, _: drain(c.iter_requests(a.number))),
    Endpoint("mandates", VIEW, lambda c, a, _: c.mandates(a.number), owner_only=True),
    Endpoint("access_log_page", VIEW, lambda c, a, _: c.access_log_page(a.number), owner_only=True),
    Endpoint(
        "grant_mandate",
        VIEW,
        lambda c, a, _: c.grant_mandate(a.number, _mandate_for_jaan()),
        writes=True,
        owner_only=True,
    ),
    Endpoint(
        "change_mandate",
        VIEW,
        lambda c, a, _: c.change_mandate(
            a.number, a.mandate_id, models.MandateChange(scopes=[VIEW, READINGS])
        ),
        writes=True,
        owner_only=True,
    ),
    Endpoint(
        "revoke_mandate",
        VIEW,
        lambda c, a, _: c.revoke_mandate(a.number, a.mandate_id),
        writes=True,
        owner_only=True,
    ),
)


class Caller(enum.Enum):
    owner = "maria on her flat"
    delegate_in_scope = "jaan (view, readings) or dora (pay, requests) on maria's flat"
    delegate_out_of_scope = "the other of the two"
    delegate_expired = "jaan on maria's cottage, whose mandate expired 10 days ago"
    other_customer = "acme on maria's flat"
    agent = "the support agent on maria's flat"
    anonymous = "no login"


JAANS_SCOPES = frozenset({VIEW, READINGS})
"""His seeded mandate on the flat; dora's holds the other two."""


def who(endpoint: Endpoint, caller: Caller, world: World) -> tuple[str | None, AccountIds]:
    """The login and the account a caller of the matrix acts with."""
    jaan_may = endpoint.scope in JAANS_SCOPES
    match caller:
        case Caller.owner:
            return "maria", world.flat
        case Caller.delegate_in_scope:
            return ("jaan" if jaan_may else "dora"), world.flat
        case Caller.delegate_out_of_scope:
            return ("dora" if jaan_may else "jaan"), world.flat
        case Caller.delegate_expired:
            return "jaan", world.cottage
        case Caller.other_customer:
            return "acme", world.flat
        case Caller.agent:
            return "agent", world.flat
        case Caller.anonymous:
            return None, world.flat


@dataclass(frozen=True)
class Refusal:
    error: type[ApiError]
    code: ErrorCode
    detail: str | None = None


HIDDEN = Refusal(NotFound, ErrorCode.not_found, "No such account.")
"""Exactly what a nonexistent number gets; the detail proves it is the account that is hidden."""
UNAUTHENTICATED = Refusal(TokenRejected, ErrorCode.unauthenticated)
FORBIDDEN = Refusal(PermissionDenied, ErrorCode.forbidden)
SCOPE_MISSING = Refusal(PermissionDenied, ErrorCode.scope_missing)


def expected(endpoint: Endpoint, caller: Caller) -> Refusal | None:
    """The rules of the module docstring; None means authorization lets the call through."""
    match caller:
        case Caller.anonymous:
            return UNAUTHENTICATED
        case Caller.other_customer | Caller.delegate_expired:
            return HIDDEN
        case Caller.delegate_in_scope:
            return FORBIDDEN if endpoint.owner_only else None
        case Caller.delegate_out_of_scope:
            return FORBIDDEN if endpoint.owner_only else SCOPE_MISSING
        case Caller.owner | Caller.agent:
            return None


CASES = [
    pytest.param(endpoint, caller, id=f"{endpoint.name}-{caller.name}")
    for endpoint in ENDPOINTS
    for caller in Caller
]


@pytest.mark.parametrize(("endpoint", "caller"), CASES)
async def test_authorization_matrix(
    world: World, endpoint: Endpoint, caller: Caller, tmp_path: Path
) -> None:
    """Every account-scoped client method against every kind of caller.

    A refusal must be the exact class and code. An allowed read must succeed; an allowed write
    may still be refused by a business rule (reading window, outage already reported, ...), which
    shows that authorization let it through, but never by NotFound, PermissionDenied or 401.
    """
    username, ids = who(endpoint, caller, world)
    refusal = expected(endpoint, caller)
    async with world.client(username) as client:
        if refusal is None:
            try:
                await endpoint.call(client, ids, tmp_path)
            except RuleViolation:
                if not endpoint.writes:
                    raise
            return
        with pytest.raises(ApiError) as refused:
            await endpoint.call(client, ids, tmp_path)
    assert (type(refused.value), refused.value.code) == (refusal.error, refusal.code)
    if refusal.detail is not None:
        assert refused.value.message == refusal.detail


NESTED = {
    "contracts",
    "meters",
    "meter",
    "iter_readings",
    "submit_readings",
    "order_bill",
    "consumption",
    "intervals",
    "invoice",
    "download_invoice",
    "start_payment",
    "payment_session",
    "download_notice",
    "outage_eligibility",
    "report_outage",
    "add_attachment",
    "submit_request",
    "request",
    "change_mandate",
    "revoke_mandate",
}


@pytest.mark.parametrize(
    "endpoint", [pytest.param(e, id=e.name) for e in ENDPOINTS if e.name in NESTED]
)
async def test_ids_of_another_account_stay_out_of_reach(
    world: World, endpoint: Endpoint, tmp_path: Path
) -> None:
    """A delegate's live mandate on the flat must not open the cottage (whose mandate expired)
    through the flat's URLs: /accounts/<flat>/invoices/<cottage invoice> is not found."""
    caller = Caller.owner if endpoint.owner_only else Caller.delegate_in_scope
    username, flat = who(endpoint, caller, world)
    crossed = replace(world.cottage, number=flat.number)
    async with world.client(username) as client:
        with pytest.raises(NotFound) as refused:
            await endpoint.call(client, crossed, tmp_path)
    assert refused.value.code is ErrorCode.not_found
    assert refused.value.message != HIDDEN.detail  # the account was fine; the thing is not


def test_the_matrix_covers_every_account_scoped_client_method() -> None:
    """A new client method on /accounts/{number} must get a row, or it escapes the matrix."""
    scoped = {
        name
        for name, method in vars(SelfcareClient).items()
        if callable(method)
        and not name.startswith("_")
        and "number" in method.__code__.co_varnames[: method.__code__.co_argcount]
    }
    # iter_invoices and find_payments are the same requests as invoices_page and iter_payments.
    assert scoped - {"iter_invoices", "find_payments"} == {e.name for e in ENDPOINTS}


# --- the back office ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskIds:
    """Real items of the queues: a submitted request, an open outage report, a work."""

    request_id: str
    report_reference: str
    work_id: str


@pytest.fixture(scope="module")
async def desk_ids(world: World) -> DeskIds:
    async with world.client("maria") as maria, world.client("acme") as acme:
        draft = await maria.create_request(
            FLAT_ACCOUNT, models.RequestCreate(type_code="complaint", subject="For the desk")
        )
        await maria.submit_request(FLAT_ACCOUNT, draft.id)
        report = await anext(acme.iter_outage_reports(BUSINESS_ACCOUNT))
        work = await anext(acme.iter_public_works())
    return DeskIds(draft.id, report.reference, work.id)


DeskCall = Callable[[SelfcareClient, DeskIds], Awaitable[object]]
STALE = 0
"""No item has version 0: an agent's change is refused as stale (412), so the matrix changes
nothing, while every other caller must be stopped before the version is even looked at."""
_WORK = models.WorkCreate(
    kind=models.WorkKind.planned,
    area="AREA-MATRIX",
    description="A work in an area where nobody lives",
    starts_at=NOW + dt.timedelta(days=400),
    ends_at=NOW + dt.timedelta(days=401),
)
DESK_ENDPOINTS: dict[str, DeskCall] = {
    "queue_counts": lambda c, d: c.queue_counts(),
    "request_queue": lambda c, d: c.request_queue(limit=5),
    "desk_request": lambda c, d: c.desk_request(d.request_id),
    "take_request": lambda c, d: c.take_request(d.request_id, STALE),
    "move_request": lambda c, d: c.move_request(d.request_id, STALE, "investigation"),
    "message_request": lambda c, d: c.message_request(d.request_id, STALE, "Hello"),
    "ask_for_document": lambda c, d: c.ask_for_document(d.request_id, STALE, "other"),
    "resolve_request": lambda c, d: c.resolve_request(
        d.request_id, STALE, models.RequestOutcome.rejected, "No"
    ),
    "outage_report_queue": lambda c, d: c.outage_report_queue(limit=5),
    "desk_outage_report": lambda c, d: c.desk_outage_report(d.report_reference),
    "take_outage_report": lambda c, d: c.take_outage_report(d.report_reference, STALE),
    "acknowledge_outage_report": lambda c, d: c.acknowledge_outage_report(
        d.report_reference, STALE
    ),
    "link_outage_report": lambda c, d: c.link_outage_report(d.report_reference, STALE, d.work_id),
    "resolve_outage_report": lambda c, d: c.resolve_outage_report(
        d.report_reference, STALE, "Fixed"
    ),
    "publish_work": lambda c, d: c.publish_work(_WORK, idempotency_key="matrix-work"),
    "desk_work": lambda c, d: c.desk_work(d.work_id),
    "change_work": lambda c, d: c.change_work(
        d.work_id, STALE, models.WorkChange(description="Changed")
    ),
    "end_work": lambda c, d: c.end_work(d.work_id, STALE),
    "search_customers": lambda c, d: c.search_customers("Tamm"),
    "audit_page": lambda c, d: c.audit_page(limit=5),
    # The world's clock is in November: December's run is too early, and there is none yet.
    "start_billing_run": lambda c, d: c.start_billing_run("2026-12"),
    "billing_run": lambda c, d: c.billing_run("2026-12"),
}
DESK_CALLERS = {
    "maria": Refusal(NotFound, ErrorCode.not_found, "Not Found"),
    "jaan": Refusal(NotFound, ErrorCode.not_found, "Not Found"),
    None: UNAUTHENTICATED,
    "agent": None,
}
"""A customer, a delegate, no login, and the agent: only the agent gets through."""


@pytest.mark.parametrize(
    ("name", "username"),
    [
        pytest.param(name, username, id=f"{name}-{username or 'anonymous'}")
        for name in DESK_ENDPOINTS
        for username in DESK_CALLERS
    ],
)
async def test_the_back_office_matrix(
    world: World, desk_ids: DeskIds, name: str, username: str | None
) -> None:
    """Every back-office client method against every kind of caller. The agent's changes are
    based on a version no item has, so they get through authorization and stop there (412),
    or at the item not taken yet (409); the billing run stops at its own rules."""
    refusal = DESK_CALLERS[username]
    async with world.client(username) as client:
        if refusal is None:
            try:
                await DESK_ENDPOINTS[name](client, desk_ids)
            except RuleViolation as stale:
                assert stale.code in {
                    ErrorCode.version_mismatch,
                    ErrorCode.item_not_taken,
                    ErrorCode.billing_run_too_early,
                }
            except NotFound as missing:  # past authorization: the run's own answer
                assert (name, missing.message) == ("billing_run", "No billing run of that month.")
            return
        with pytest.raises(ApiError) as refused:
            await DESK_ENDPOINTS[name](client, desk_ids)
    assert (type(refused.value), refused.value.code) == (refusal.error, refusal.code)
    if refusal.detail is not None:
        assert refused.value.message == refusal.detail


def test_the_back_office_matrix_covers_every_back_office_client_method() -> None:
    import inspect

    desk = {
        name
        for name, method in vars(SelfcareClient).items()
        if callable(method)
        and not name.startswith("_")
        and "/backoffice" in inspect.getsource(method)
    }
    assert desk == set(DESK_ENDPOINTS)


# --- the rules one by one ----------------------------------------------------------------------


async def test_a_hidden_account_answers_exactly_like_a_missing_one(
    live_server: LiveServer,
) -> None:
    """Another customer's account and an expired mandate's must be indistinguishable from a
    number that does not exist, byte for byte but for the echoed path, or numbers can be probed."""
    async with await live_server.login("acme") as acme, await live_server.login("jaan") as jaan:
        probes = [
            ("GET", "/accounts/{n}", None),
            ("GET", "/accounts/{n}/invoices?limit=5", None),
            ("GET", "/accounts/{n}/notices/NT000000001/pdf", None),
            ("POST", "/accounts/{n}/payment-sessions", {"invoice_numbers": ["X"]}),
            ("PATCH", "/accounts/{n}", {"phone": MARIA_PHONE}),
            ("GET", "/accounts/{n}/mandates", None),
            ("DELETE", "/accounts/{n}/mandates/MD000000001", None),
        ]
        async with httpx.AsyncClient(base_url=f"{live_server.base_url}/api/v1") as http:
            for token, hidden in (
                (acme.access_token, FLAT_ACCOUNT),
                (jaan.access_token, COTTAGE_ACCOUNT),
            ):
                headers = {"Authorization": f"Bearer {token}"}
                for method, path, body in probes:
                    seen, missing = [
                        await http.request(
                            method, path.format(n=number), json=body, headers=headers
                        )
                        for number in (hidden, MISSING_ACCOUNT)
                    ]
                    assert seen.status_code == missing.status_code == 404, (method, path)
                    assert seen.headers["content-type"] == missing.headers["content-type"]
                    assert seen.content == missing.content.replace(
                        MISSING_ACCOUNT.encode(), hidden.encode()
                    ), (method, path)
        with pytest.raises(NotFound) as seen_error:
            await acme.invoices_page(FLAT_ACCOUNT)
        with pytest.raises(NotFound) as missing_error:
            await acme.invoices_page(MISSING_ACCOUNT)
    assert (seen_error.value.status, seen_error.value.code, seen_error.value.message) == (
        missing_error.value.status,
        missing_error.value.code,
        missing_error.value.message,
    )


async def test_every_agent_access_is_written_to_the_audit_log(live_server: LiveServer) -> None:
    """Agents may act on any account, so each access leaves a trace: who, which, what, when."""
    async with await login(live_server, "agent") as agent:
        await agent.account(FLAT_ACCOUNT)
        await agent.invoices_page(FLAT_ACCOUNT, limit=1)
        await agent.update_profile(FLAT_ACCOUNT, models.ProfileUpdate(phone=MARIA_PHONE))
        await agent.account(BUSINESS_ACCOUNT)
    engine = create_engine(f"sqlite:///{live_server.database}")
    try:
        with Session(engine) as db:
            agent_id = db.scalars(
                select(tables.User.id).where(tables.User.username == "agent")
            ).one()
            rows = [
                (e.agent_id, e.account_number, e.action, e.at)
                for e in db.scalars(select(tables.AuditEntry).order_by(tables.AuditEntry.id))
            ]
    finally:
        engine.dispose()
    prefix = "/api/v1/accounts"
    assert rows == [
        (agent_id, FLAT_ACCOUNT, f"GET {prefix}/{FLAT_ACCOUNT}", NOW),
        (agent_id, FLAT_ACCOUNT, f"GET {prefix}/{FLAT_ACCOUNT}/invoices", NOW),
        (agent_id, FLAT_ACCOUNT, f"PATCH {prefix}/{FLAT_ACCOUNT}", NOW),
        (agent_id, BUSINESS_ACCOUNT, f"GET {prefix}/{BUSINESS_ACCOUNT}", NOW),
    ]


async def test_a_granted_mandate_takes_effect_and_its_revocation_at_once(
    live_server: LiveServer,
) -> None:
    """The holder's grant opens the account to the delegate within its scopes; revoking closes
    it on the delegate's very next call, with the same token."""
    async with await live_server.login("maria") as maria, await live_server.login("jaan") as jaan:
        with pytest.raises(NotFound):
            await jaan.account(COTTAGE_ACCOUNT)  # only his expired mandate so far
        mandate = await maria.grant_mandate(
            COTTAGE_ACCOUNT,
            models.MandateGrant(
                delegate_username="jaan",
                scopes=[Scope.view, Scope.pay],
                expires_at=NOW + dt.timedelta(days=30),
            ),
        )
        account = await jaan.account(COTTAGE_ACCOUNT)
        assert (account.access, set(account.scopes)) == (models.Access.delegate, {VIEW, PAY})
        assert account.mandate_expires_at == NOW + dt.timedelta(days=30)
        invoice = (
            await jaan.invoices_page(COTTAGE_ACCOUNT, status=models.InvoiceStatus.open)
        ).items[0]
        await jaan.start_payment(COTTAGE_ACCOUNT, [invoice.number])  # pay: granted
        with pytest.raises(PermissionDenied) as no_requests:
            await jaan.create_request(
                COTTAGE_ACCOUNT, models.RequestCreate(type_code="complaint", subject="Hi")
            )
        assert no_requests.value.code is ErrorCode.scope_missing

        revoked = await maria.revoke_mandate(COTTAGE_ACCOUNT, mandate.id)
        assert revoked.revoked
        with pytest.raises(NotFound) as gone:
            await jaan.account(COTTAGE_ACCOUNT)
        assert gone.value.message == "No such account."
        with pytest.raises(NotFound):
            await jaan.start_payment(COTTAGE_ACCOUNT, [invoice.number])
        assert COTTAGE_ACCOUNT not in {a.number for a in await jaan.accounts()}


async def test_every_live_mandate_counts_not_only_the_one_that_expires_last(
    live_server: LiveServer,
) -> None:
    """jaan may view and enter readings on the flat for a year; maria adds 'pay' for a month.

    The new mandate must take effect now, not be ignored until the older, longer one lapses;
    the account list must show the scopes the server enforces, and the earliest expiry, since
    from then on jaan may do less.
    """
    pay_until = NOW + dt.timedelta(days=30)
    async with await live_server.login("maria") as maria, await live_server.login("jaan") as jaan:
        invoice = (await maria.invoices_page(FLAT_ACCOUNT, status=models.InvoiceStatus.open)).items[
            0
        ]
        pay = await maria.grant_mandate(
            FLAT_ACCOUNT,
            models.MandateGrant(delegate_username="jaan", scopes=[PAY], expires_at=pay_until),
        )
        await jaan.start_payment(FLAT_ACCOUNT, [invoice.number])
        account = await jaan.account(FLAT_ACCOUNT)
        (summary,) = [a for a in await jaan.accounts() if a.number == FLAT_ACCOUNT]
        for shown in (account, summary):
            assert set(shown.scopes) == {VIEW, READINGS, PAY}
            assert shown.mandate_expires_at == pay_until

        await maria.revoke_mandate(FLAT_ACCOUNT, pay.id)
        with pytest.raises(PermissionDenied) as refused:
            await jaan.start_payment(FLAT_ACCOUNT, [invoice.number])
        assert refused.value.code is ErrorCode.scope_missing
        account = await jaan.account(FLAT_ACCOUNT)  # the year-long mandate still stands
        assert (set(account.scopes), account.mandate_expires_at) == (
            {VIEW, READINGS},
            SEEDED_JAAN_FLAT_EXPIRY,
        )


async def test_a_delegate_cannot_grant_mandates_on_the_holders_account(
    live_server: LiveServer,
) -> None:
    """Otherwise a delegate could widen their own scopes, or pass the account on to others."""
    async with await live_server.login("jaan") as jaan, await live_server.login("maria") as maria:
        before = await maria.mandates(FLAT_ACCOUNT)
        for delegate, scopes in (("jaan", list(Scope)), ("acme", [VIEW])):
            grant = models.MandateGrant(
                delegate_username=delegate,
                scopes=scopes,
                expires_at=NOW + dt.timedelta(days=30),
            )
            with pytest.raises(PermissionDenied) as refused:
                await jaan.grant_mandate(FLAT_ACCOUNT, grant)
            assert refused.value.code is ErrorCode.forbidden
        with pytest.raises(NotFound):  # nor on the account whose mandate expired
            await jaan.grant_mandate(
                COTTAGE_ACCOUNT,
                models.MandateGrant(
                    delegate_username="jaan",
                    scopes=[VIEW],
                    expires_at=NOW + dt.timedelta(days=30),
                ),
            )
        assert await maria.mandates(FLAT_ACCOUNT) == before
        with pytest.raises(PermissionDenied) as still:
            await jaan.start_payment(FLAT_ACCOUNT, ["any"])
        assert still.value.code is ErrorCode.scope_missing


async def test_delegates_account_list_shows_live_mandates_with_their_scopes(
    live_server: LiveServer,
) -> None:
    """The account switcher lists what the login may act for, and how; not expired mandates."""
    async with await live_server.login("jaan") as jaan:
        accounts = await jaan.accounts()
    assert [(a.number, a.access) for a in accounts] == [
        (JAAN_ACCOUNT, models.Access.owner),
        (FLAT_ACCOUNT, models.Access.delegate),
    ]
    own, flat = accounts
    assert set(own.scopes) == set(Scope)
    assert own.mandate_expires_at is None
    assert set(flat.scopes) == {VIEW, READINGS}
    assert flat.mandate_expires_at == SEEDED_JAAN_FLAT_EXPIRY


async def test_agent_searches_all_accounts_customers_cannot(live_server: LiveServer) -> None:
    """Agents find any account by name or number prefix; a customer's query is not a search."""
    async with await login(live_server, "agent") as agent:
        by_name = await agent.accounts("tamm")
        by_number = await agent.accounts("100000000")
        everything = await agent.accounts()
    assert [a.number for a in by_name] == [FLAT_ACCOUNT, COTTAGE_ACCOUNT]
    assert [a.number for a in by_number] == [FLAT_ACCOUNT, COTTAGE_ACCOUNT, JAAN_ACCOUNT]
    assert all(a.access is models.Access.agent and set(a.scopes) == set(Scope) for a in by_name)
    assert {FLAT_ACCOUNT, JAAN_ACCOUNT, BUSINESS_ACCOUNT} <= {a.number for a in everything}
    async with await live_server.login("acme") as acme:
        assert [a.number for a in await acme.accounts("tamm")] == [BUSINESS_ACCOUNT]


async def test_an_agent_search_is_audited_for_every_account_it_shows(
    live_server: LiveServer,
) -> None:
    """A search reveals names and numbers, so each account it lists is an audited access."""
    async with await login(live_server, "agent") as agent:
        shown = [a.number for a in await agent.accounts("tamm")]
    engine = create_engine(f"sqlite:///{live_server.database}")
    try:
        with Session(engine) as db:
            audited = [
                (e.account_number, e.action)
                for e in db.scalars(select(tables.AuditEntry).order_by(tables.AuditEntry.id))
            ]
    finally:
        engine.dispose()
    assert audited == [(n, "GET /api/v1/accounts search") for n in shown]
    assert shown
