"""`selfcare invoices`, `payments`, `notices` and `pay` as a user or a script runs them.

Real subprocesses against the reference server; the API client only sets the scene (a
reading, meter ids) and counts what the server holds, and httpx plays the customer's browser
on the simulated processor page.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from pypdf import PdfReader

from selfcare_tui.api.models import (
    InvoiceStatus,
    Meter,
    ReadingSource,
    ReadingSubmission,
    RegisterValue,
)
from selfcare_tui.server.demo import (
    BUSINESS_ACCOUNT,
    COTTAGE_ACCOUNT,
    FLAT_ACCOUNT,
    PAYMENT_CODES,
    _with_check_digit,
)

from ..support.cli import Cli
from ..support.cli_results import as_json, ok, refused
from ..support.live_server import NOW, LiveServer

IN_WINDOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
MARIA_EMAIL = "maria.tamm@example.com"
MARIA_NATIONAL_ID = _with_check_digit("4850312022")
ACME_INVOICES = 24 * 12
"""24 places, each billed for the 12 months before November 2026."""


def server_invoices(live_server: LiveServer, *queries: dict[str, Any]) -> list[list[str]]:
    """Invoice numbers acme's account holds, per query, as the API pages through them."""

    async def go() -> list[list[str]]:
        async with await live_server.login("acme") as client:
            return [
                [i.number async for i in client.iter_invoices(BUSINESS_ACCOUNT, **query)]
                for query in queries
            ]

    return asyncio.run(go())


def pay_at_processor(url: str, action: str) -> str:
    """What the customer's browser does: open the processor's page and press a button."""
    with httpx.Client(timeout=10) as browser:
        page = browser.get(url)
        assert page.status_code == 200, page.text
        token = re.search(r'name="token" value="([^"]+)"', page.text)
        assert token is not None, page.text
        answer = browser.post(url, data={"token": token.group(1), "action": action, "card": "4242"})
        assert answer.status_code == 200
        return answer.text


def background(cli: Cli, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "selfcare_tui", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**cli.env, **(env or {})},
    )


# --- invoices list and show --------------------------------------------------------------


def test_list_pages_filters_and_counts_like_the_server(cli: Cli, live_server: LiveServer) -> None:
    cli.login("acme")
    newest = as_json(cli("invoices", "list", "--json"))
    assert len(newest) == 20
    assert {i["account_number"] for i in newest} == {BUSINESS_ACCOUNT}
    keys = [(i["issued_on"], i["number"]) for i in newest]
    assert keys == sorted(keys, reverse=True)

    human = ok(cli("invoices", "list"))
    assert f"Invoices of account {BUSINESS_ACCOUNT}" in human.stdout
    assert newest[0]["number"] in human.stdout and "5 Nov 2026" in human.stdout
    assert "2026-11-05" not in human.stdout and "€" in human.stdout
    assert "Showing the first 20; use --limit N or --all" in human.stderr

    all_numbers, open_numbers = server_invoices(live_server, {}, {"status": InvoiceStatus.open})
    everything = as_json(cli("invoices", "list", "--all", "--json"))
    assert len(everything) == ACME_INVOICES
    assert [i["number"] for i in everything] == all_numbers
    two_pages = as_json(cli("invoices", "list", "--limit", "250", "--json"))
    assert two_pages == everything[:250]

    still_open = as_json(cli("invoices", "list", "--status", "open", "--all", "--json"))
    assert {i["status"] for i in still_open} == {"open"}
    assert [i["number"] for i in still_open] == open_numbers
    place = newest[0]["place_id"]
    summer = as_json(
        cli(
            "invoices",
            "list",
            "--place",
            place,
            "--since",
            "2026-06-01",
            "--until",
            "2026-08-31",
            "--json",
        )
    )
    assert [(i["place_id"], i["issued_on"]) for i in summer] == [
        (place, "2026-08-05"),
        (place, "2026-07-05"),
        (place, "2026-06-05"),
    ]

    both = refused(cli("invoices", "list", "--limit", "5", "--all"), 2)
    assert "Give either --limit or --all, not both." in both
    bad_day = refused(cli("invoices", "list", "--since", "2026-13-01"), 2)
    assert "Invalid value for '--since'" in bad_day
    backwards = refused(
        cli("invoices", "list", "--since", "2026-06-01", "--until", "2026-05-01"), 2
    )
    assert "Invalid value for '--since': 2026-06-01 is after --until 2026-05-01." in backwards


def test_show_gives_every_field_formatted(cli: Cli) -> None:
    assert "Not logged in" in refused(cli("invoices", "list"), 3)
    cli.login("maria")
    (estimate,) = as_json(cli("invoices", "list", "--status", "open", "--json"))
    assert estimate["account_number"] == FLAT_ACCOUNT and estimate["estimated"] is True
    listed = ok(cli("invoices", "list", "--limit", "2")).stdout
    row = next(line for line in listed.splitlines() if estimate["number"] in line)
    assert "estimated" in row and "open" in row

    shown = as_json(cli("invoices", "show", estimate["number"], "--json"))
    # Showing renders the PDF, so its size and checksum are known from then on.
    assert shown["document"] is not None
    assert {**shown, "document": None} == estimate
    human = ok(cli("invoices", "show", estimate["number"])).stdout
    amount = Decimal(estimate["amount"]["amount"])
    for expected in (
        estimate["number"],
        "1 Oct 2026 to 31 Oct 2026",
        "Issued                  5 Nov 2026",
        "Due                     25 Nov 2026",
        f"€{amount:.2f}",
        "Billed on               an estimated reading",
        f"Payment reference       {estimate['payment_reference']}",
        "Correspondence address  Õismäe tee 12-34, 13513 Tallinn, EE",
        "(22%), included",
        "Price lines",
        "Energy, night rate",
        "€0.1612",  # the unit price to the tenth of a cent, not rounded to €0.16
    ):
        assert expected in human, expected
    assert "2026-11-05" not in human and "Decimal" not in human

    missing = refused(cli("invoices", "show", "INV999999999"), 4)
    assert missing.startswith("Error: ") and "invoice" in missing.lower()


# --- ordering a bill on an actual reading ---------------------------------------------------


def meters_of_maria(live_server: LiveServer) -> tuple[Meter, Meter]:
    async def go() -> tuple[Meter, Meter]:
        async with await live_server.login("maria") as client:
            (flat,) = await client.meters(FLAT_ACCOUNT)
            (cottage,) = await client.meters(COTTAGE_ACCOUNT)
            return flat, cottage

    return asyncio.run(go())


def submit_reading_in_the_window(live_server: LiveServer, meter: Meter) -> None:
    """The customer reads the flat's meter on the window's first day (through the API)."""

    async def go() -> None:
        async with await live_server.login("maria") as client:
            readings = [r async for r in client.iter_readings(FLAT_ACCOUNT, meter.id)]
            values = []
            for register, extra in zip(meter.registers, ("150.4", "60.2"), strict=True):
                last = max(
                    (
                        r
                        for r in readings
                        if r.register_id == register.id and r.source is not ReadingSource.estimated
                    ),
                    key=lambda r: r.read_on,
                )
                values.append(
                    RegisterValue(register_id=register.id, value=last.value + Decimal(extra))
                )
            body = ReadingSubmission(meter_id=meter.id, read_on=IN_WINDOW.date(), values=values)
            await client.submit_readings(FLAT_ACCOUNT, body)

    asyncio.run(go())


def test_order_is_refused_without_an_estimate_and_replaces_it_after_a_reading(
    cli: Cli, live_server: LiveServer
) -> None:
    cli.login("maria")
    flat_meter, cottage_meter = meters_of_maria(live_server)
    nothing = refused(
        cli("invoices", "order", "--meter", cottage_meter.id, "--account", COTTAGE_ACCOUNT), 5
    )
    assert nothing.startswith("Error: no_estimated_invoice: The latest bill of this place")

    unread = refused(cli("invoices", "order", "--meter", flat_meter.id), 5)
    assert unread.startswith("Error: no_new_reading: Register 1.8.1 has no actual reading")
    unknown = refused(cli("invoices", "order", "--meter", "M999999999"), 4)
    assert unknown.startswith("Error: ")

    live_server.clock.frozen = IN_WINDOW
    submit_reading_in_the_window(live_server, flat_meter)
    (estimate,) = as_json(cli("invoices", "list", "--status", "open", "--json"))
    # The serial number printed on the meter works as well as its id.
    ordered = ok(cli("invoices", "order", "--meter", flat_meter.serial_number))
    new_number = re.search(r"Ordered invoice (INV\d+)", ordered.stderr)
    assert new_number is not None, ordered.stderr
    assert f"it replaces the estimated invoice {estimate['number']}." in ordered.stderr
    assert f"Replaces                {estimate['number']}" in ordered.stdout
    assert "Billed on               an actual reading" in ordered.stdout
    assert "1 Oct 2026 to 30 Nov 2026" in ordered.stdout

    replaced = as_json(cli("invoices", "show", estimate["number"], "--json"))
    assert replaced["status"] == "replaced"
    assert replaced["replaced_by"] == new_number.group(1)
    assert [
        i["number"] for i in as_json(cli("invoices", "list", "--status", "open", "--json"))
    ] == [new_number.group(1)]


# --- copies without login ---------------------------------------------------------------------


def test_invoice_copies_without_login(cli: Cli, tmp_path: Path) -> None:
    codes = ["--payment-code", PAYMENT_CODES[FLAT_ACCOUNT], "--national-id", MARIA_NATIONAL_ID]
    copies = as_json(cli("invoices", "copies", *codes, "--server", cli.server, "--json"))
    issued = [c["issued_on"] for c in copies]
    assert len(copies) == 12 and issued == sorted(issued, reverse=True)
    assert issued[0] == "2026-11-05" and issued[-1] == "2025-12-05"

    env = {"SELFCARE_SERVER": cli.server}
    table = ok(cli("invoices", "copies", *codes, env=env)).stdout
    assert copies[0]["number"] in table and "5 Nov 2026" in table and "€" in table

    saved = ok(
        cli(
            "invoices",
            "copies",
            *codes,
            "--download",
            copies[0]["number"],
            "--out",
            str(tmp_path / "copies"),
            env=env,
        )
    )
    path = Path(saved.stdout.strip())
    assert path == tmp_path / "copies" / f"{copies[0]['number']}_2026-11-05.pdf"
    assert copies[0]["number"] in PdfReader(path).pages[0].extract_text()

    too_old = refused(cli("invoices", "copies", *codes, "--download", "INV100000001", env=env), 4)
    assert "not among the copies available without login" in too_old
    wrong = refused(
        cli(
            "invoices",
            "copies",
            "--payment-code",
            PAYMENT_CODES[FLAT_ACCOUNT],
            "--national-id",
            "38001010000",
            env=env,
        ),
        4,
    )
    assert "No account matches these codes" in wrong
    assert "--out needs --download" in refused(
        cli("invoices", "copies", *codes, "--out", str(tmp_path), env=env), 2
    )


# --- payments and notices -------------------------------------------------------------------


def test_payments_answer_has_my_payment_arrived_and_notices_download(
    cli: Cli, tmp_path: Path
) -> None:
    folder = tmp_path / "notices"
    cli.login("maria")
    paid = as_json(cli("payments", "list", "--account", COTTAGE_ACCOUNT, "--all", "--json"))
    assert paid and all(p["settled"] for p in paid)
    late = next(p for p in paid if p["method"] == "bank_transfer")
    found = as_json(
        cli("payments", "list", "-a", COTTAGE_ACCOUNT, "--reference", late["reference"], "--json")
    )
    assert found == [late]
    human = ok(cli("payments", "list", "-a", COTTAGE_ACCOUNT, "--reference", late["reference"]))
    assert late["settled"][0]["invoice_number"] in human.stdout
    assert "bank transfer" in human.stdout and late["paid_on"] not in human.stdout
    missing = ok(cli("payments", "list", "-a", COTTAGE_ACCOUNT, "--reference", "999"))
    assert missing.stdout == ""
    assert f"No payment with reference 999 has arrived on account {COTTAGE_ACCOUNT}." in (
        missing.stderr
    )
    window = as_json(
        cli(
            "payments",
            "list",
            "-a",
            COTTAGE_ACCOUNT,
            "--since",
            "2026-01-01",
            "--until",
            "2026-03-31",
            "--json",
        )
    )
    assert window and all("2026-01-01" <= p["paid_on"] <= "2026-03-31" for p in window)

    notices = as_json(cli("notices", "list", "-a", COTTAGE_ACCOUNT, "--json"))
    assert [n["status"] for n in notices] == ["open", "closed"]
    (reminder,) = as_json(
        cli("notices", "list", "-a", COTTAGE_ACCOUNT, "--status", "open", "--json")
    )
    assert reminder == notices[0]
    table = ok(cli("notices", "list", "-a", COTTAGE_ACCOUNT)).stdout
    assert "payment reminder" in table and reminder["invoice_numbers"][0] in table

    saved = ok(
        cli("notices", "download", reminder["number"], "-a", COTTAGE_ACCOUNT, "-o", str(folder))
    )
    path = Path(saved.stdout.strip())
    assert path == folder / f"{COTTAGE_ACCOUNT}_{reminder['number']}_{reminder['issued_on']}.pdf"
    assert len(PdfReader(path).pages) >= 1
    assert [p.name for p in folder.iterdir()] == [path.name]  # no part file left behind
    unknown = refused(
        cli("notices", "download", "NT999", "-a", COTTAGE_ACCOUNT, "-o", str(tmp_path)), 4
    )
    assert f"Account {COTTAGE_ACCOUNT} has no notice NT999." in unknown


# --- paying ----------------------------------------------------------------------------------


def test_pay_hands_off_to_the_processor_and_the_payment_arrives(cli: Cli) -> None:
    cli.login("maria")
    (overdue,) = as_json(
        cli("invoices", "list", "-a", COTTAGE_ACCOUNT, "--status", "open", "--json")
    )
    started = as_json(cli("pay", "-a", COTTAGE_ACCOUNT, "--no-browser", "--json"))
    assert started["status"] == "pending"
    assert started["invoice_numbers"] == [overdue["number"]]
    assert started["amount"] == overdue["balance"]
    assert "Payment received" in pay_at_processor(started["redirect_url"], "pay")

    assert (
        as_json(cli("invoices", "list", "-a", COTTAGE_ACCOUNT, "--status", "open", "--json")) == []
    )
    (arrived,) = as_json(
        cli(
            "payments",
            "list",
            "-a",
            COTTAGE_ACCOUNT,
            "--reference",
            overdue["payment_reference"],
            "--json",
        )
    )
    assert arrived["method"] == "card"
    assert arrived["settled"] == [
        {"invoice_number": overdue["number"], "amount": overdue["balance"]}
    ]
    assert (
        as_json(cli("notices", "list", "-a", COTTAGE_ACCOUNT, "--status", "open", "--json")) == []
    )

    nothing = ok(cli("pay", "-a", COTTAGE_ACCOUNT, "--no-browser"))
    assert nothing.stdout == ""
    assert f"Nothing is due on account {COTTAGE_ACCOUNT}." in nothing.stderr
    twice = refused(cli("pay", overdue["number"], "-a", COTTAGE_ACCOUNT, "--no-browser"), 5)
    assert twice.startswith(f"Error: invoice_not_payable: Invoice {overdue['number']} has nothing")


def test_pay_opens_the_browser_and_waits_for_the_processor(cli: Cli, tmp_path: Path) -> None:
    cli.login("maria")
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "fake-browser"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    browser.chmod(0o755)

    waiting = background(cli, "pay", "--wait", "--timeout", "60", env={"BROWSER": str(browser)})
    assert waiting.stdout is not None and waiting.stderr is not None
    url = waiting.stdout.readline().strip()
    assert url.startswith(cli.server + "/processor/checkout/"), url
    deadline = time.monotonic() + 20
    while not opened.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert opened.read_text().strip() == url
    assert "Payment received" in pay_at_processor(url, "pay")
    assert waiting.wait(timeout=30) == 0
    told = waiting.stderr.read()
    assert "Opened the payment page in your browser." in told and "Paid €" in told
    assert as_json(cli("invoices", "list", "--status", "open", "--json")) == []

    # Cancelled at the processor: exit 5. With --json the final session is the document.
    cancelled = background(cli, "pay", "-a", COTTAGE_ACCOUNT, "--no-browser", "--wait", "--json")
    assert cancelled.stdout is not None and cancelled.stderr is not None
    deadline = time.monotonic() + 20
    session_url = ""
    while not session_url and time.monotonic() < deadline:
        line = cancelled.stderr.readline()
        session_url = line.strip() if "/processor/checkout/" in line else ""
    assert "Payment cancelled" in pay_at_processor(session_url, "cancel")
    assert cancelled.wait(timeout=30) == 5
    final = json.loads(cancelled.stdout.read())
    assert final["status"] == "cancelled" and final["redirect_url"] == session_url
    assert "The payment was cancelled; nothing was charged." in cancelled.stderr.read()

    # Nobody pays: the wait ends at the timeout with the session still open.
    slow = refused(cli("pay", "-a", COTTAGE_ACCOUNT, "--no-browser", "--wait", "--timeout", "1"), 1)
    assert "No answer from the payment processor within 1 s" in slow


def test_amount_due_without_login(cli: Cli) -> None:
    code = PAYMENT_CODES[COTTAGE_ACCOUNT]
    shown = ok(cli("pay", "--payment-code", code, "--email", MARIA_EMAIL, "--server", cli.server))
    assert "Maria Tamm" in shown.stdout and "€" in shown.stdout
    assert "Paying online needs a login: run `selfcare login`" in shown.stderr
    due = as_json(
        cli(
            "pay",
            "--payment-code",
            code,
            "--email",
            MARIA_EMAIL,
            "--json",
            env={"SELFCARE_SERVER": cli.server},
        )
    )
    assert due["account_name"] == "Maria Tamm"
    assert Decimal(due["amount"]["amount"]) > 0 and due["invoice_number"].startswith("INV")
    assert due["due_on"] < NOW.date().isoformat()  # the overdue invoice comes first

    assert "Give both --payment-code and --email." in refused(
        cli("pay", "--payment-code", code, "--server", cli.server), 2
    )
    assert "paying needs a login" in refused(
        cli("pay", "INV1", "--payment-code", code, "--email", MARIA_EMAIL), 2
    )
    wrong = refused(
        cli("pay", "--payment-code", code, "--email", "x@example.com", "--server", cli.server), 4
    )
    assert "No account matches these codes" in wrong
