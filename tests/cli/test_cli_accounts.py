"""`selfcare accounts`, `places`, `contracts`, `meters`, `profile` and `mandates` as a user
runs them: subprocesses against the live reference server, checked on their JSON, their
human output, their exit codes and their messages."""

from __future__ import annotations

import json
import tomllib
from typing import Any

import pyotp

from selfcare_tui.server.demo import (
    AGENT_TOTP_SECRET,
    ATTACHABLE_ACCOUNT,
    BUSINESS_ACCOUNT,
    COTTAGE_ACCOUNT,
    FLAT_ACCOUNT,
    JAAN_ACCOUNT,
)

from ..support.cli import Cli
from ..support.live_server import NOW

ALL_SCOPES = ["pay", "readings", "requests", "view"]


def as_json(cli: Cli, *args: str, env: dict[str, str] | None = None) -> Any:
    result = cli(*args, "--json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def profile_config(cli: Cli) -> dict[str, Any]:
    path = cli.home / "config" / "selfcare-tui" / "config.toml"
    profiles: dict[str, Any] = tomllib.loads(path.read_text())["profiles"]
    return profiles


def login_as(cli: Cli, username: str, one_time_code: str | None = None) -> dict[str, str]:
    """Log in a second user under a profile of their name; returns the env that selects it."""
    env = {"SELFCARE_PROFILE": username}
    second_factor = f"{one_time_code}\n" if one_time_code else ""
    result = cli(
        "login",
        "--server",
        cli.server,
        "-u",
        username,
        "--password-stdin",
        input=f"{username}-demo\n{second_factor}",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return env


def test_accounts_list_show_and_use(cli: Cli) -> None:
    cli.login("maria")
    listed = as_json(cli, "accounts", "list")
    assert [(a["number"], a["access"], a["scopes"]) for a in listed] == [
        (FLAT_ACCOUNT, "owner", ALL_SCOPES),
        (COTTAGE_ACCOUNT, "owner", ALL_SCOPES),
    ]
    human = cli("accounts", "list")
    assert human.returncode == 0, human.stderr
    flat_row = next(line for line in human.stdout.splitlines() if FLAT_ACCOUNT in line)
    assert flat_row.lstrip().startswith("*") and "holder" in flat_row  # in use by default

    shown = as_json(cli, "accounts", "show")
    assert shown["number"] == FLAT_ACCOUNT and shown["invoice_channel"] == "email"
    assert shown["home_address"]["street"] == "Õismäe tee 12-34"
    human = cli("accounts", "show")
    assert f"€{shown['balance']['amount']} to pay" in human.stdout  # formatted, not raw
    assert "by e-mail" in human.stdout and shown["payment_code"] in human.stdout

    # Someone else's account: refused with exit 4, and the profile keeps no account.
    refused = cli("accounts", "use", BUSINESS_ACCOUNT)
    assert refused.returncode == 4
    assert refused.stderr.startswith(
        f"Error: Account {BUSINESS_ACCOUNT} is not one this login may act for."
    )
    assert "account" not in profile_config(cli)["default"]

    used = cli("accounts", "use", COTTAGE_ACCOUNT)
    assert used.returncode == 0, used.stderr
    assert f"Commands now act on account {COTTAGE_ACCOUNT}" in used.stderr
    assert profile_config(cli)["default"]["account"] == COTTAGE_ACCOUNT
    # Commands without --account now act on the cottage.
    (place,) = as_json(cli, "places")
    assert place["address"]["street"] == "Männiku talu, Käsmu küla"
    marked = next(line for line in cli("accounts", "list").stdout.splitlines() if "*" in line)
    assert COTTAGE_ACCOUNT in marked


def test_attach_needs_the_payment_code_of_the_invoice(cli: Cli) -> None:
    number, code = ATTACHABLE_ACCOUNT
    cli.login("maria")
    wrong = cli("accounts", "attach", number, "--payment-code", "12345")
    assert wrong.returncode == 5
    assert wrong.stderr.startswith(
        "Error: account_not_attachable: No account with this number and payment code can be "
        "attached. Check both on your latest invoice"
    )
    assert "Traceback" not in wrong.stderr and wrong.stdout == ""
    assert number not in [a["number"] for a in as_json(cli, "accounts", "list")]

    attached = as_json(cli, "accounts", "attach", number, "--payment-code", code)
    assert attached == {
        "number": number,
        "name": "Liis Mets",
        "kind": "household",
        "access": "owner",
        "scopes": ALL_SCOPES,
        "mandate_expires_at": None,
    }
    listed = as_json(cli, "accounts", "list")
    assert [a["number"] for a in listed] == [FLAT_ACCOUNT, COTTAGE_ACCOUNT, number]
    assert as_json(cli, "accounts", "list", "--search", "Liis") == [attached]

    # A support agent searches every account, and attaches none.
    code = pyotp.TOTP(AGENT_TOTP_SECRET).at(NOW)
    agent = login_as(cli, "agent", code)
    found = as_json(cli, "accounts", "list", "--search", "Acme", env=agent)
    assert [(a["number"], a["access"]) for a in found] == [(BUSINESS_ACCOUNT, "agent")]
    refused = cli("accounts", "attach", number, "--payment-code", code, env=agent)
    assert refused.returncode == 5
    assert refused.stderr == "Error: forbidden: Only customers attach accounts.\n"


def test_places_contracts_and_meters(cli: Cli) -> None:
    cli.login("maria")
    (place,) = as_json(cli, "places")
    assert place["state"] == "connected" and place["area"] == "AREA-TALLINN-3"
    human = cli("places").stdout
    assert "Õismäe tee 12-34, 13513 Tallinn, EE" in human and "connected" in human

    (contract,) = as_json(cli, "contracts", "--place", place["id"])
    assert contract["product"]["code"] == "DAYNIGHT" and contract["end_date"] is None
    human = cli("contracts").stdout
    assert "Day and night (DAYNIGHT)" in human and "open-ended" in human
    assert contract["start_date"] not in human  # dates are formatted for people

    (meter,) = as_json(cli, "meters")
    assert meter["smart"] is False
    assert [(r["code"], r["kind"], r["decimal_places"]) for r in meter["registers"]] == [
        ("1.8.1", "day", 1),
        ("1.8.2", "night", 1),
    ]
    # The last accepted reading, her own of 30 Sep, not the estimate of 31 Oct after it.
    last = meter["registers"][0]["last_reading"]
    assert (last["source"], last["read_on"]) == ("customer", "2026-09-30")
    human = cli("meters").stdout
    assert meter["serial_number"] in human and meter["seal_number"] in human
    assert "by hand" in human and "1.8.1 (day): " in human
    assert "on 30 Sept 2026 (customer)" in human and "estimated" not in human

    unknown = cli("meters", "--place", "PL-NOPE")
    assert unknown.returncode == 4
    assert unknown.stderr == (
        f"Error: Account {FLAT_ACCOUNT} has no place PL-NOPE. Its places: {place['id']}.\n"
    )

    # Acme's replaced meter shows only when asked for.
    env = login_as(cli, "acme")
    current = as_json(cli, "meters", env=env)
    every = as_json(cli, "meters", "--include-removed", env=env)
    removed = [m for m in every if m["removed_on"] is not None]
    assert len(current) == 24 and len(every) == 25 and len(removed) == 1
    assert removed[0]["id"] not in [m["id"] for m in current]


def test_profile_update_round_trip_and_refusals(cli: Cli) -> None:
    cli.login("maria")
    updated = cli(
        "profile",
        "update",
        "--phone",
        "+372 5555 1234",
        "--email",
        "maria@example.org",
        "--invoice-channel",
        "paper",
        "--correspondence-street",
        "Postkast 5",
        "--correspondence-city",
        "Tartu",
        "--correspondence-postal-code",
        "50090",
    )
    assert updated.returncode == 0, updated.stderr
    assert "Postkast 5, 50090 Tartu, EE" in updated.stdout and "on paper" in updated.stdout
    # One part of an address changes alone; the rest stays.
    moved = as_json(cli, "profile", "update", "--home-street", "Õismäe tee 12-35")
    assert moved["home_address"] == {
        "street": "Õismäe tee 12-35",
        "city": "Tallinn",
        "postal_code": "13513",
        "country": "EE",
    }
    shown = as_json(cli, "profile", "show")
    assert (shown["phone"], shown["email"], shown["invoice_channel"]) == (
        "+372 5555 1234",
        "maria@example.org",
        "paper",
    )
    assert shown["correspondence_address"] == {
        "street": "Postkast 5",
        "city": "Tartu",
        "postal_code": "50090",
        "country": "EE",
    }

    bad = cli("profile", "update", "--email", "maria.example.org")
    assert bad.returncode == 2
    assert "Invalid value for '--email': 'maria.example.org' is not an e-mail address" in bad.stderr
    assert as_json(cli, "profile", "show")["email"] == "maria@example.org"  # nothing sent
    nothing = cli("profile", "update")
    assert nothing.returncode == 2 and "Nothing to change" in nothing.stderr
    # The language of the account's invoices and notices.
    assert as_json(cli, "profile", "update", "--language", "ro")["language"] == "ro"
    assert "Invoices in Română" in " ".join(cli("profile", "show").stdout.split())
    wrong = cli("profile", "update", "--language", "de")
    assert wrong.returncode == 2 and "'en', 'ro', 'et', 'uk', 'ru'" in wrong.stderr


def test_mandates_grant_list_revoke(cli: Cli) -> None:
    cli.login("maria")
    (existing,) = as_json(cli, "mandates", "list")
    assert existing["delegate_username"] == "jaan"
    assert sorted(existing["scopes"]) == ["readings", "view"] and existing["revoked"] is False
    jaan = login_as(cli, "jaan")
    before = as_json(cli, "accounts", "list", env=jaan)
    assert [(a["number"], a["access"]) for a in before] == [
        (JAAN_ACCOUNT, "owner"),
        (FLAT_ACCOUNT, "delegate"),  # the mandate on the cottage has expired
    ]

    granted = as_json(
        cli,
        "mandates",
        "grant",
        "--account",
        COTTAGE_ACCOUNT,
        "--to",
        "jaan",
        "--scope",
        "view",
        "--scope",
        "readings",
        "--expires",
        "2027-06-30",
    )
    assert granted["account_number"] == COTTAGE_ACCOUNT
    assert granted["scopes"] == ["readings", "view"]
    assert granted["expires_at"].startswith("2027-06-30T23:59:59")
    listed = as_json(cli, "mandates", "list", "--account", COTTAGE_ACCOUNT)
    assert listed[0]["id"] == granted["id"] and len(listed) == 2
    human = cli("mandates", "list", "--account", COTTAGE_ACCOUNT).stdout
    assert "30 Jun 2027" in human and "active" in human

    # The delegate sees the cottage now, marked as a mandate, but cannot manage mandates.
    after = as_json(cli, "accounts", "list", env=jaan)
    cottage = next(a for a in after if a["number"] == COTTAGE_ACCOUNT)
    assert cottage["access"] == "delegate" and cottage["scopes"] == ["readings", "view"]
    forbidden = cli("mandates", "list", "--account", COTTAGE_ACCOUNT, env=jaan)
    assert forbidden.returncode == 5
    assert forbidden.stderr == "Error: forbidden: Only the account holder may do this.\n"
    delegate = cli("profile", "update", "--account", FLAT_ACCOUNT, "--phone", "+372 5000", env=jaan)
    assert delegate.returncode == 5
    assert delegate.stderr == "Error: forbidden: Only the account holder may do this.\n"
    # A business rule of the server (exit 5) names its field: jaan has no phone for SMS.
    sms = cli("profile", "update", "--invoice-channel", "sms", env=jaan)
    assert sms.returncode == 5
    assert sms.stderr == (
        "Error: contact_missing: Invoices by SMS need a phone number.\n"
        "  phone: Give a phone number.\n"
    )

    not_customer = cli(
        "mandates", "grant", "--to", "agent", "--scope", "view", "--expires", "2027-06-30"
    )
    assert not_customer.returncode == 5
    assert not_customer.stderr == (
        "Error: delegate_not_customer: A mandate can only be given to another customer's "
        "login.\n  delegate_username: Not a customer's login.\n"
    )
    past = cli("mandates", "grant", "--to", "jaan", "--scope", "view", "--expires", "2020-01-01")
    assert past.returncode == 2 and "Invalid value for '--expires'" in past.stderr

    changed = as_json(
        cli,
        "mandates",
        "change",
        "--account",
        COTTAGE_ACCOUNT,
        granted["id"],
        "--scope",
        "view",
        "--expires",
        "2027-07-31",
    )
    assert changed["scopes"] == ["view"] and changed["expires_at"].startswith("2027-07-31T23:59")
    told = cli("mandates", "change", "--account", COTTAGE_ACCOUNT, granted["id"], "--scope", "pay")
    assert told.returncode == 0, told.stderr
    assert f"jaan may act on account {COTTAGE_ACCOUNT} (pay) until 31 Jul 2027" in told.stderr
    nothing = cli("mandates", "change", granted["id"])
    assert nothing.returncode == 2 and "--scope, --expires or both" in nothing.stderr

    revoked = cli("mandates", "revoke", "--account", COTTAGE_ACCOUNT, granted["id"])
    assert revoked.returncode == 0, revoked.stderr
    assert f"jaan can no longer act on account {COTTAGE_ACCOUNT}" in revoked.stderr
    gone = cli("places", "--account", COTTAGE_ACCOUNT, env=jaan)
    assert gone.returncode == 4 and gone.stderr == "Error: No such account.\n"
    ended = cli("mandates", "change", "--account", COTTAGE_ACCOUNT, granted["id"], "--scope", "pay")
    assert ended.returncode == 5 and ended.stderr.startswith("Error: mandate_ended: ")
    unknown = cli("mandates", "revoke", "MD-NOPE")
    assert unknown.returncode == 4 and unknown.stderr == "Error: No such mandate.\n"
