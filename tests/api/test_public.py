"""Operations without login, with the codes printed on the invoice (S2), and their throttle."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from selfcare_tui.api import SelfcareClient
from selfcare_tui.api.errors import NotFound, RateLimited
from selfcare_tui.api.models import ErrorCode, Invoice, InvoiceStatus
from selfcare_tui.server.demo import ATTACHABLE_ACCOUNT, COTTAGE_ACCOUNT, FLAT_ACCOUNT

from ..support.demo_users import EMAIL
from ..support.live_server import NOW, LiveServer

pytestmark = pytest.mark.anyio

UNKNOWN_CODE = "12345678903"
Codes = Callable[[SelfcareClient, str], Awaitable[tuple[str, str]]]


@pytest.fixture
def codes(live_server: LiveServer) -> Codes:
    async def of(client: SelfcareClient, number: str) -> tuple[str, str]:
        """The account's payment code (printed on its invoices) and its holder's national id,
        which the API never shows, so it comes from the demo rows."""
        with closing(sqlite3.connect(f"file:{live_server.database}?mode=ro", uri=True)) as db:
            (national_id,) = db.execute(
                "SELECT national_id FROM accounts WHERE number = ?", (number,)
            ).fetchone()
        return (await client.account(number)).payment_code, str(national_id)

    return of


async def invoices_of(client: SelfcareClient, number: str) -> list[Invoice]:
    return [i async for i in client.iter_invoices(number)]


async def test_amount_due(maria: SelfcareClient, anonymous: SelfcareClient) -> None:
    """The open balance, and the oldest open invoice to pay first; e-mail case is ignored."""
    cottage = await maria.account(COTTAGE_ACCOUNT)
    open_ = [i async for i in maria.iter_invoices(COTTAGE_ACCOUNT, status=InvoiceStatus.open)]
    oldest = min(open_, key=lambda i: i.due_on)

    due = await anonymous.amount_due(cottage.payment_code, EMAIL)

    assert due.account_name == cottage.name == "Maria Tamm"
    assert due.amount == cottage.balance
    assert due.amount.amount == sum((i.balance.amount for i in open_), Decimal(0))
    assert (due.invoice_number, due.due_on) == (oldest.number, oldest.due_on)
    shouted = await anonymous.amount_due(f" {cottage.payment_code} ", f"  {EMAIL.upper()} ")
    assert shouted == due

    flat = await maria.account(FLAT_ACCOUNT)
    assert (await anonymous.amount_due(flat.payment_code, EMAIL)).amount == flat.balance


async def test_wrong_codes_do_not_reveal_whether_the_payment_code_exists(
    maria: SelfcareClient, anonymous: SelfcareClient, codes: Codes
) -> None:
    """A wrong e-mail for a real code answers exactly like a code that does not exist."""
    payment_code, person = await codes(maria, FLAT_ACCOUNT)

    with pytest.raises(NotFound) as wrong_email:
        await anonymous.amount_due(payment_code, "someone.else@example.com")
    with pytest.raises(NotFound) as no_such_code:
        await anonymous.amount_due(UNKNOWN_CODE, EMAIL)
    with pytest.raises(NotFound) as no_email_on_file:
        await anonymous.amount_due(ATTACHABLE_ACCOUNT[1], EMAIL)

    assert wrong_email.value.problem == no_such_code.value.problem
    assert no_email_on_file.value.problem == no_such_code.value.problem
    assert wrong_email.value.code is ErrorCode.not_found
    assert payment_code not in wrong_email.value.message

    with pytest.raises(NotFound) as wrong_person:
        await anonymous.invoice_copies(payment_code, "38001010000")
    with pytest.raises(NotFound) as no_such_copy_code:
        await anonymous.invoice_copies(UNKNOWN_CODE, person)
    assert wrong_person.value.problem == no_such_copy_code.value.problem
    assert wrong_person.value.message == wrong_email.value.message


async def test_invoice_copies_are_the_last_twelve_months(
    maria: SelfcareClient, anonymous: SelfcareClient, codes: Codes
) -> None:
    """The flat has three years of invoices; only those issued in the last 12 months show."""
    payment_code, person = await codes(maria, FLAT_ACCOUNT)
    everything = await invoices_of(maria, FLAT_ACCOUNT)
    year_ago = dt.date(2025, 11, 25)
    assert everything[-1].issued_on < year_ago  # there is older history to leave out

    copies = await anonymous.invoice_copies(payment_code, person)

    expected = [i for i in everything if i.issued_on > year_ago]
    assert [(c.number, c.issued_on, c.amount) for c in copies] == [
        (i.number, i.issued_on, i.amount) for i in expected
    ]
    assert len(copies) == 12 and copies[0].number == everything[0].number  # the last one
    assert copies[-1].issued_on == dt.date(2025, 12, 5)
    assert all(year_ago < c.issued_on <= NOW.date() for c in copies)


@pytest.mark.parametrize("day", [5, 6])
async def test_invoice_copies_on_the_twelve_month_boundary(
    live_server: LiveServer,
    maria: SelfcareClient,
    anonymous: SelfcareClient,
    day: int,
    codes: Codes,
) -> None:
    """On 6 November the invoice of 5 November a year earlier is 12 months and a day old."""
    payment_code, person = await codes(maria, FLAT_ACCOUNT)
    live_server.clock.frozen = dt.datetime(2026, 11, day, 10, 0, tzinfo=dt.UTC)

    copies = await anonymous.invoice_copies(payment_code, person)

    assert [c.issued_on for c in copies] == [
        dt.date(2026 - (month == 12), month, 5) for month in (11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 12)
    ]


async def test_without_recent_invoices_the_last_one_is_offered(
    live_server: LiveServer, maria: SelfcareClient, anonymous: SelfcareClient, codes: Codes
) -> None:
    payment_code, person = await codes(maria, FLAT_ACCOUNT)
    latest = (await invoices_of(maria, FLAT_ACCOUNT))[0]
    live_server.clock.frozen = NOW + dt.timedelta(days=800)

    copies = await anonymous.invoice_copies(payment_code, person)

    assert [c.number for c in copies] == [latest.number]


async def test_download_invoice_copy(
    maria: SelfcareClient, anonymous: SelfcareClient, tmp_path: Path, codes: Codes
) -> None:
    """The copy is the very PDF the customer sees when logged in; older ones are not given."""
    payment_code, person = await codes(maria, COTTAGE_ACCOUNT)
    copies = await anonymous.invoice_copies(payment_code, person)
    chosen = copies[1]
    target = tmp_path / "copies" / f"{chosen.number}.pdf"

    info = await anonymous.download_invoice_copy(payment_code, person, chosen.number, target)

    logged_in = await maria.invoice(COTTAGE_ACCOUNT, chosen.number)
    assert logged_in.document is not None
    assert hashlib.sha256(target.read_bytes()).hexdigest() == info.sha256
    assert (info.size, info.sha256) == (logged_in.document.size, logged_in.document.sha256)
    reader = PdfReader(target)
    assert len(reader.pages) == 2
    assert chosen.number in reader.pages[0].extract_text()
    assert [p.name for p in target.parent.iterdir()] == [target.name]

    too_old = (await invoices_of(maria, COTTAGE_ACCOUNT))[-1]
    assert too_old.number not in {c.number for c in copies}
    flat_invoice = (await invoices_of(maria, FLAT_ACCOUNT))[0]
    for number in (too_old.number, flat_invoice.number):
        with pytest.raises(NotFound):
            await anonymous.download_invoice_copy(
                payment_code, person, number, target.parent / "x.pdf"
            )
    assert [p.name for p in target.parent.iterdir()] == [target.name]


async def test_lookups_are_throttled_per_address(
    live_server: LiveServer,
    maria: SelfcareClient,
    anonymous: SelfcareClient,
    tmp_path: Path,
    codes: Codes,
) -> None:
    """Failures count, successes do not; at the limit even right codes wait out the window."""
    payment_code, person = await codes(maria, FLAT_ACCOUNT)
    limit = live_server.settings.public_lookups_per_address
    window = int(live_server.settings.throttle_window.total_seconds())
    for _ in range(3):
        await anonymous.amount_due(payment_code, EMAIL)

    for attempt in range(limit):
        with pytest.raises(NotFound):
            if attempt % 2:
                await anonymous.amount_due(payment_code, f"guess{attempt}@example.com")
            else:
                await anonymous.invoice_copies(payment_code, f"3800101{attempt:04d}")

    with pytest.raises(RateLimited) as limited:
        await anonymous.amount_due(payment_code, EMAIL)
    assert limited.value.code is ErrorCode.too_many_attempts
    assert limited.value.status == 429
    assert limited.value.retry_after_seconds == window
    with pytest.raises(RateLimited):
        await anonymous.invoice_copies(payment_code, person)
    with pytest.raises(RateLimited):
        await anonymous.download_invoice_copy(payment_code, person, "INV1", tmp_path / "x.pdf")

    live_server.clock.frozen = NOW + dt.timedelta(seconds=window - 60)
    with pytest.raises(RateLimited) as later:
        await anonymous.amount_due(payment_code, EMAIL)
    assert later.value.retry_after_seconds == 60

    live_server.clock.frozen = NOW + dt.timedelta(seconds=window)
    assert (await anonymous.amount_due(payment_code, EMAIL)).account_name == "Maria Tamm"
