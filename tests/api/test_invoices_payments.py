"""Invoices, their PDFs, payments and notices, and the pay flow through the processor page."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from selfcare_tui.api import SelfcareClient
from selfcare_tui.api.errors import NotFound, RuleViolation, ValidationFailed
from selfcare_tui.api.models import (
    ErrorCode,
    Invoice,
    InvoiceStatus,
    NoticeStatus,
    PaymentMethod,
    PaymentSession,
    PaymentSessionStatus,
)
from selfcare_tui.server.billing import is_valid_reference
from selfcare_tui.server.demo import BUSINESS_ACCOUNT, COTTAGE_ACCOUNT, FLAT_ACCOUNT
from selfcare_tui.server.payments import settle_session
from selfcare_tui.server.pdf import format_money, render_invoice_pdf

from ..support.payments_scenarios import (
    ACME_MONTHS,
    ACME_PLACES,
    TODAY,
    follow_processor,
    only_open_invoice,
    overdue_invoice,
    strictly_newest_first,
)

pytestmark = pytest.mark.anyio

LATEST_ISSUE = dt.date(2026, 11, 5)
"""Invoices are issued on the 5th; the newest one of every demo place on this day."""


# --- listing ---------------------------------------------------------------------------


async def test_invoice_list_is_newest_first_and_filters(acme: SelfcareClient) -> None:
    """Status, place and inclusive issue-date filters each narrow exactly as documented."""
    everything = [i async for i in acme.iter_invoices(BUSINESS_ACCOUNT)]
    assert strictly_newest_first(everything)

    open_ = [i async for i in acme.iter_invoices(BUSINESS_ACCOUNT, status=InvoiceStatus.open)]
    assert len(open_) == ACME_PLACES  # everything paid but this month's invoice, per place
    assert {i.status for i in open_} == {InvoiceStatus.open}
    assert {i.issued_on for i in open_} == {LATEST_ISSUE}
    assert len({i.place_id for i in open_}) == ACME_PLACES
    assert all(i.balance.amount == i.amount.amount > 0 for i in open_)

    paid = [i async for i in acme.iter_invoices(BUSINESS_ACCOUNT, status=InvoiceStatus.paid)]
    assert len(paid) == len(everything) - ACME_PLACES
    assert all(i.status is InvoiceStatus.paid and i.balance.amount == 0 for i in paid)
    replaced = await acme.invoices_page(BUSINESS_ACCOUNT, status=InvoiceStatus.replaced)
    assert replaced.items == []

    place_id = open_[0].place_id
    of_place = [i async for i in acme.iter_invoices(BUSINESS_ACCOUNT, place_id=place_id)]
    assert len(of_place) == ACME_MONTHS
    assert {i.place_id for i in of_place} == {place_id}
    assert of_place == [i for i in everything if i.place_id == place_id]

    since, until = dt.date(2026, 6, 5), dt.date(2026, 8, 5)
    window = [i async for i in acme.iter_invoices(BUSINESS_ACCOUNT, since=since, until=until)]
    assert {i.issued_on for i in window} == {since, dt.date(2026, 7, 5), until}  # inclusive
    assert window == [i for i in everything if since <= i.issued_on <= until]
    assert len(window) == 3 * ACME_PLACES

    combined = [
        i
        async for i in acme.iter_invoices(
            BUSINESS_ACCOUNT, status=InvoiceStatus.open, place_id=place_id, since=LATEST_ISSUE
        )
    ]
    assert [i.number for i in combined] == [open_[0].number]
    later = await acme.invoices_page(BUSINESS_ACCOUNT, since=LATEST_ISSUE + dt.timedelta(1))
    assert later.items == [] and later.next_cursor is None


async def test_cursor_pagination_has_no_gaps_or_duplicates(acme: SelfcareClient) -> None:
    """A few hundred invoices walked in pages of 7 and of 100 give the same complete list."""
    by_iterator = [i async for i in acme.iter_invoices(BUSINESS_ACCOUNT)]

    by_pages: list[Invoice] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = await acme.invoices_page(BUSINESS_ACCOUNT, cursor=cursor, limit=7)
        pages += 1
        assert len(page.items) == 7 or page.next_cursor is None
        assert page.items, "a page before the end must not be empty"
        by_pages.extend(page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    per_place = 0
    for place in await acme.places(BUSINESS_ACCOUNT):
        per_place += len([i async for i in acme.iter_invoices(BUSINESS_ACCOUNT, place_id=place.id)])

    numbers = [i.number for i in by_pages]
    assert len(numbers) == len(set(numbers))  # no duplicates
    assert strictly_newest_first(by_pages)
    assert numbers == [i.number for i in by_iterator]  # same order, nothing skipped
    assert len(numbers) == per_place == ACME_PLACES * ACME_MONTHS
    assert pages == -(-len(numbers) // 7)

    # A cursor is the id of the last item seen: malformed is a validation error, an id that is
    # not in the list (deleted, or another list's) is a 404 naming the cursor.
    with pytest.raises(ValidationFailed) as malformed:
        await acme.invoices_page(BUSINESS_ACCOUNT, cursor="not a cursor")
    assert [e.field for e in malformed.value.field_errors] == ["cursor"]
    with pytest.raises(NotFound) as unknown:
        await acme.invoices_page(BUSINESS_ACCOUNT, cursor="no-such-invoice")
    assert [e.field for e in unknown.value.field_errors] == ["cursor"]


async def test_invoice_detail(maria: SelfcareClient) -> None:
    """The fields of S2 (number, dates, kWh, amount, balance, address) and consistent totals."""
    listed = await only_open_invoice(maria, FLAT_ACCOUNT)
    invoice = await maria.invoice(FLAT_ACCOUNT, listed.number)
    account = await maria.account(FLAT_ACCOUNT)
    (place,) = await maria.places(FLAT_ACCOUNT)

    assert invoice.account_number == FLAT_ACCOUNT and invoice.place_id == place.id
    assert invoice.status is InvoiceStatus.open and invoice.replaced_by is None
    assert invoice.estimated  # October had no reading: the flat's open bill is an estimate
    assert (invoice.period_start, invoice.period_end) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 31),
    )
    assert invoice.issued_on == LATEST_ISSUE and invoice.due_on == dt.date(2026, 11, 25)
    assert invoice.balance == invoice.amount
    assert invoice.correspondence_address == account.home_address
    assert is_valid_reference(invoice.payment_reference)
    assert [line.description for line in invoice.lines] == [
        "Energy, day rate",
        "Energy, night rate",
        "Monthly fee",
    ]
    assert invoice.kwh == sum((line.quantity for line in invoice.lines[:2]), Decimal(0))
    net = sum((line.amount.amount for line in invoice.lines), Decimal(0))
    assert invoice.tax_rate == Decimal("0.22")
    assert invoice.tax_amount.amount == (net * invoice.tax_rate).quantize(Decimal("0.01"))
    assert invoice.amount.amount == net + invoice.tax_amount.amount
    assert invoice.amount.currency == "EUR"
    assert invoice.document is not None and invoice.document.size > 0

    with pytest.raises(NotFound):
        await maria.invoice(COTTAGE_ACCOUNT, invoice.number)  # another account's number
    with pytest.raises(NotFound):
        await maria.invoice(BUSINESS_ACCOUNT, invoice.number)  # an account she cannot see


# --- documents -------------------------------------------------------------------------


async def test_invoice_pdf_download(maria: SelfcareClient, tmp_path: Path) -> None:
    """Two pages; page one carries what a payer needs; the bytes match the published sha256."""
    invoice = await maria.invoice(
        FLAT_ACCOUNT, (await only_open_invoice(maria, FLAT_ACCOUNT)).number
    )
    assert invoice.document is not None
    target = tmp_path / "invoices" / f"{invoice.number}.pdf"
    seen: list[int] = []

    info = await maria.download_invoice(
        FLAT_ACCOUNT, invoice.number, target, progress=lambda done, _total: seen.append(done)
    )

    content = target.read_bytes()
    assert hashlib.sha256(content).hexdigest() == invoice.document.sha256 == info.sha256
    assert len(content) == invoice.document.size == info.size
    assert seen and seen[-1] == len(content)
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no *.part left
    reader = PdfReader(target)
    assert len(reader.pages) == 2
    first = reader.pages[0].extract_text()
    assert invoice.number in first
    assert format_money(invoice.amount) in first
    assert invoice.payment_reference in first
    assert "ESTIMATED" in first

    again = await maria.download_invoice(FLAT_ACCOUNT, invoice.number, target)
    assert again == info  # rendered once and kept: the same bytes every time
    with pytest.raises(NotFound):
        await maria.download_invoice(FLAT_ACCOUNT, "INV999999999", target.parent / "missing.pdf")
    assert [p.name for p in target.parent.iterdir()] == [target.name]


async def test_notice_pdf_download(maria: SelfcareClient, tmp_path: Path) -> None:
    """The open reminder is a one-page PDF naming its number, amount and the invoice."""
    (notice,) = [n async for n in maria.iter_notices(COTTAGE_ACCOUNT, status=NoticeStatus.open)]
    (closed,) = [n async for n in maria.iter_notices(COTTAGE_ACCOUNT, status=NoticeStatus.closed)]
    assert closed.number != notice.number
    overdue = await overdue_invoice(maria)
    assert notice.invoice_numbers == [overdue.number]
    target = tmp_path / "notices" / f"{notice.number}.pdf"

    info = await maria.download_notice(COTTAGE_ACCOUNT, notice.number, target)

    assert hashlib.sha256(target.read_bytes()).hexdigest() == info.sha256
    reader = PdfReader(target)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert notice.number in text
    assert format_money(notice.amount) in text
    assert overdue.number in text and overdue.payment_reference in text
    assert [p.name for p in target.parent.iterdir()] == [target.name]


# --- payments --------------------------------------------------------------------------


async def test_payments_with_settlements_and_lookup_by_reference(maria: SelfcareClient) -> None:
    """A payment lists the invoices it settled; a reference answers "has my payment arrived"."""
    payments = [p async for p in maria.iter_payments(FLAT_ACCOUNT)]
    keys = [(p.paid_on, p.id) for p in payments]
    assert keys == sorted(keys, reverse=True)
    for payment in payments:
        assert payment.settled
        assert sum((s.amount.amount for s in payment.settled), Decimal(0)) == payment.amount.amount

    # Two months were paid late with one transfer, under the newer invoice's reference.
    (together,) = [p for p in payments if len(p.settled) == 2]
    assert together.method is PaymentMethod.bank_transfer
    invoices = [await maria.invoice(FLAT_ACCOUNT, s.invoice_number) for s in together.settled]
    assert {i.status for i in invoices} == {InvoiceStatus.paid}
    newer = max(invoices, key=lambda i: i.issued_on)
    assert together.reference == newer.payment_reference

    found = await maria.find_payments(FLAT_ACCOUNT, together.reference)
    assert [p.id for p in found] == [together.id]
    assert [p.id for p in await maria.find_payments(FLAT_ACCOUNT, f" {together.reference} ")] == [
        together.id
    ]
    assert await maria.find_payments(FLAT_ACCOUNT, "1234561") == []
    open_invoice = await only_open_invoice(maria, FLAT_ACCOUNT)
    assert await maria.find_payments(FLAT_ACCOUNT, open_invoice.payment_reference) == []

    since = dt.date(2026, 1, 1)
    recent = [p async for p in maria.iter_payments(FLAT_ACCOUNT, since=since)]
    assert recent == [p for p in payments if p.paid_on >= since]


async def test_pay_overdue_invoice_through_the_processor(maria: SelfcareClient) -> None:
    """The whole flow: session, processor page, confirmation; the invoice and notice close."""
    overdue = await overdue_invoice(maria)
    before = await maria.account(COTTAGE_ACCOUNT)
    payments_before = [p async for p in maria.iter_payments(COTTAGE_ACCOUNT)]

    session = await maria.start_payment(COTTAGE_ACCOUNT, [overdue.number])
    assert session.status is PaymentSessionStatus.pending
    assert session.amount == overdue.balance
    assert session.invoice_numbers == [overdue.number]
    assert session.redirect_url is not None and "/processor/checkout/" in session.redirect_url

    answer = await follow_processor(session, "pay")
    assert "Payment received" in answer

    polled = await maria.payment_session(COTTAGE_ACCOUNT, session.id)
    assert polled.status is PaymentSessionStatus.succeeded
    assert polled.redirect_url is None  # the hand-off link is given once only
    paid = await maria.invoice(COTTAGE_ACCOUNT, overdue.number)
    assert paid.status is InvoiceStatus.paid and paid.balance.amount == 0
    after = await maria.account(COTTAGE_ACCOUNT)
    assert after.balance.amount == before.balance.amount - overdue.amount.amount
    assert [n async for n in maria.iter_notices(COTTAGE_ACCOUNT, status=NoticeStatus.open)] == []

    payments = [p async for p in maria.iter_payments(COTTAGE_ACCOUNT)]
    assert len(payments) == len(payments_before) + 1
    new = payments[0]
    assert new.id not in {p.id for p in payments_before}
    assert new.paid_on == TODAY and new.method is PaymentMethod.card
    assert new.amount == overdue.amount
    assert new.reference == overdue.payment_reference
    assert [(s.invoice_number, s.amount) for s in new.settled] == [(overdue.number, overdue.amount)]
    assert [p.id for p in await maria.find_payments(COTTAGE_ACCOUNT, new.reference)] == [new.id]

    # The processor page cannot be replayed into a second charge.
    assert "This payment is succeeded" in await follow_processor_again(session)
    assert len([p async for p in maria.iter_payments(COTTAGE_ACCOUNT)]) == len(payments)


async def follow_processor_again(session: PaymentSession) -> str:
    assert session.redirect_url is not None
    token = session.redirect_url.split("token=", 1)[1]
    async with httpx.AsyncClient(timeout=10) as browser:
        answer = await browser.post(session.redirect_url, data={"token": token, "action": "pay"})
    return answer.text


async def test_double_click_on_pay_books_one_payment(
    maria: SelfcareClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two simultaneous confirmations of one session: one payment, not two."""
    overdue = await overdue_invoice(maria)
    count = len([p async for p in maria.iter_payments(COTTAGE_ACCOUNT)])
    session = await maria.start_payment(COTTAGE_ACCOUNT, [overdue.number])
    assert session.redirect_url is not None
    token = session.redirect_url.split("token=", 1)[1]

    def slow_settle(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.2)  # widen the window between reading "pending" and booking
        return settle_session(*args, **kwargs)

    # The server runs in this process, so its booking can be slowed down from here.
    monkeypatch.setattr("selfcare_tui.server.routes.processor.settle_session", slow_settle)
    async with httpx.AsyncClient(timeout=10) as browser:
        answers = await asyncio.gather(
            *(
                browser.post(session.redirect_url, data={"token": token, "action": "pay"})
                for _ in range(2)
            )
        )

    assert sorted("Payment received" in a.text for a in answers) == [False, True]
    payments = [p async for p in maria.iter_payments(COTTAGE_ACCOUNT)]
    assert len(payments) == count + 1
    assert payments[0].amount == overdue.amount
    paid = await maria.invoice(COTTAGE_ACCOUNT, overdue.number)
    assert paid.status is InvoiceStatus.paid


async def test_cancelled_payment_leaves_the_invoice_open(maria: SelfcareClient) -> None:
    overdue = await overdue_invoice(maria)
    payments_before = [p async for p in maria.iter_payments(COTTAGE_ACCOUNT)]
    session = await maria.start_payment(COTTAGE_ACCOUNT, [overdue.number])

    assert "Payment cancelled" in await follow_processor(session, "cancel")

    polled = await maria.payment_session(COTTAGE_ACCOUNT, session.id)
    assert polled.status is PaymentSessionStatus.cancelled
    still = await maria.invoice(COTTAGE_ACCOUNT, overdue.number)
    assert still.status is InvoiceStatus.open and still.balance == overdue.balance
    assert [p async for p in maria.iter_payments(COTTAGE_ACCOUNT)] == payments_before
    assert (
        len([n async for n in maria.iter_notices(COTTAGE_ACCOUNT, status=NoticeStatus.open)]) == 1
    )


async def test_processor_refuses_a_forged_token(maria: SelfcareClient) -> None:
    """Only the holder of the hand-off link can pay or cancel the session."""
    overdue = await overdue_invoice(maria)
    session = await maria.start_payment(COTTAGE_ACCOUNT, [overdue.number])
    assert session.redirect_url is not None
    page = session.redirect_url.split("?", 1)[0]

    async with httpx.AsyncClient(timeout=10) as browser:
        shown = await browser.get(page, params={"token": "forged"})
        posted = await browser.post(page, data={"token": "forged", "action": "pay"})

    assert shown.status_code == posted.status_code == 404
    assert "<form" not in shown.text
    polled = await maria.payment_session(COTTAGE_ACCOUNT, session.id)
    assert polled.status is PaymentSessionStatus.pending
    assert (await maria.invoice(COTTAGE_ACCOUNT, overdue.number)).status is InvoiceStatus.open


async def test_a_second_session_for_a_paid_invoice_does_not_charge_twice(
    maria: SelfcareClient,
) -> None:
    """Two tabs opened for one invoice: once one is paid, the other must not take money."""
    overdue = await overdue_invoice(maria)
    first = await maria.start_payment(COTTAGE_ACCOUNT, [overdue.number])
    second = await maria.start_payment(COTTAGE_ACCOUNT, [overdue.number])
    assert first.id != second.id
    await follow_processor(first, "pay")
    count = len([p async for p in maria.iter_payments(COTTAGE_ACCOUNT)])

    answer = await follow_processor(second, "pay")

    assert "Payment received" not in answer
    polled = await maria.payment_session(COTTAGE_ACCOUNT, second.id)
    assert polled.status is PaymentSessionStatus.failed
    assert len([p async for p in maria.iter_payments(COTTAGE_ACCOUNT)]) == count


async def test_paid_or_foreign_invoices_are_not_payable(maria: SelfcareClient) -> None:
    paid = [i async for i in maria.iter_invoices(FLAT_ACCOUNT, status=InvoiceStatus.paid)]
    with pytest.raises(RuleViolation) as refused:
        await maria.start_payment(FLAT_ACCOUNT, [paid[0].number])
    assert refused.value.code is ErrorCode.invoice_not_payable
    assert refused.value.status == 422
    assert [e.message for e in refused.value.field_errors] == [paid[0].number]

    open_flat = await only_open_invoice(maria, FLAT_ACCOUNT)
    with pytest.raises(RuleViolation) as mixed:
        await maria.start_payment(FLAT_ACCOUNT, [open_flat.number, paid[0].number])
    assert mixed.value.code is ErrorCode.invoice_not_payable
    with pytest.raises(NotFound):  # the cottage's invoice, asked for under the flat
        await maria.start_payment(FLAT_ACCOUNT, [(await overdue_invoice(maria)).number])


async def test_start_payment_is_idempotent(maria: SelfcareClient) -> None:
    """A retried start (same Idempotency-Key) returns the same session, not a second one."""
    invoice = await only_open_invoice(maria, FLAT_ACCOUNT)
    first = await maria.start_payment(FLAT_ACCOUNT, [invoice.number], idempotency_key="pay-1")
    again = await maria.start_payment(FLAT_ACCOUNT, [invoice.number], idempotency_key="pay-1")
    assert again.id == first.id and again.redirect_url == first.redirect_url
    other = await maria.start_payment(FLAT_ACCOUNT, [invoice.number], idempotency_key="pay-2")
    assert other.id != first.id
    other_invoice = (await overdue_invoice(maria)).number
    with pytest.raises(RuleViolation) as reused:
        await maria.start_payment(COTTAGE_ACCOUNT, [other_invoice], idempotency_key="pay-1")
    assert reused.value.code is ErrorCode.idempotency_key_reused


async def test_concurrent_first_downloads_of_one_invoice(
    maria: SelfcareClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bulk download racing the detail view: the first render may run twice, nobody fails."""
    paid = [i async for i in maria.iter_invoices(FLAT_ACCOUNT, status=InvoiceStatus.paid)]
    number = paid[3].number
    assert paid[3].document is None  # never rendered yet

    def slow_render(*args: Any, **kwargs: Any) -> bytes:
        time.sleep(0.2)  # widen the window between "not stored yet" and storing it
        return render_invoice_pdf(*args, **kwargs)

    # The server runs in this process, so its renderer can be slowed down from here.
    monkeypatch.setattr("selfcare_tui.server.documents.render_invoice_pdf", slow_render)

    downloads = (
        maria.download_invoice(FLAT_ACCOUNT, number, tmp_path / "race" / f"{n}.pdf")
        for n in range(4)
    )
    infos, detail = await asyncio.gather(
        asyncio.gather(*downloads), maria.invoice(FLAT_ACCOUNT, number)
    )

    assert detail.document is not None
    assert {(i.size, i.sha256) for i in infos} == {(detail.document.size, detail.document.sha256)}
