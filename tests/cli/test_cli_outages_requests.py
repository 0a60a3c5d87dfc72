"""`selfcare outages` and `selfcare requests` as a user or a script runs them: subprocesses."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from selfcare_tui.api.models import PlaceState
from selfcare_tui.server.demo import BUSINESS_ACCOUNT

from ..support.builders import HOLDER_FIELDS, make_pdf, make_png
from ..support.cli import Cli
from ..support.cli_results import as_json, ok, refused
from ..support.live_server import LiveServer

ACCIDENT_AREA = "AREA-HARJU-7"
"""Where the demo's accidental work is going on now."""


@dataclass
class AcmePlaces:
    disconnected: str
    under_work: str
    reported: str
    report_reference: str


def acme_places(live_server: LiveServer) -> AcmePlaces:
    async def go() -> AcmePlaces:
        async with await live_server.login("acme") as client:
            places = await client.places(BUSINESS_ACCOUNT)
            (report,) = [r async for r in client.iter_outage_reports(BUSINESS_ACCOUNT)]
        (disconnected,) = [p.id for p in places if p.state is PlaceState.disconnected]
        (under_work,) = [p.id for p in places if p.area == ACCIDENT_AREA]
        return AcmePlaces(disconnected, under_work, report.place_id, report.reference)

    return asyncio.run(go())


# --- works and outage reports -------------------------------------------------------------


def test_planned_works_public_and_mine(cli: Cli) -> None:
    public = as_json(cli("outages", "planned", "--server", cli.server, "--json"))
    # Works that have not ended, by start: the accidental one going on now comes first.
    assert [(w["kind"], w["area"]) for w in public] == [
        ("accidental", ACCIDENT_AREA),
        ("planned", "AREA-TALLINN-3"),
        ("planned", "AREA-NARVA-4"),
    ]
    assert all(w["place_ids"] == [] for w in public)
    area = ok(cli("outages", "planned", "--area", "AREA-TALLINN-3", "--server", cli.server))
    assert "Replacement of a substation transformer." in area.stdout
    assert "planned" in area.stdout and "28 Nov 2026" in area.stdout
    assert "Cable fault" not in area.stdout and "2026-11-28" not in area.stdout
    assert "Not logged in" in refused(cli("outages", "planned", "--mine"), 3)

    cli.login("acme")
    mine = as_json(cli("outages", "planned", "--mine", "--json"))
    assert [w["kind"] for w in mine] == ["accidental", "planned"]
    assert mine[0]["area"] == ACCIDENT_AREA and len(mine[0]["place_ids"]) == 1
    table = ok(cli("outages", "planned", "--mine")).stdout
    assert "Your places" in table and mine[0]["place_ids"][0] in table
    assert "--mine uses your login" in refused(
        cli("outages", "planned", "--mine", "--server", cli.server), 2
    )


def test_report_an_outage_then_it_is_refused_as_already_reported(
    cli: Cli, live_server: LiveServer
) -> None:
    cli.login("maria")
    place = "PL000000001"  # the flat's only place
    assert as_json(cli("outages", "list", "--json")) == []
    made = ok(
        cli(
            "outages",
            "report",
            "--place",
            place,
            "--description",
            "No power since 8 am; the neighbours have it.",
            "--phone",
            "+372 5123 4567",
        )
    )
    (report,) = as_json(cli("outages", "list", "--json"))
    assert report["place_id"] == place and report["status"] == "open"
    assert f"Outage reported under {report['reference']}" in made.stderr
    assert report["reference"] in made.stdout and "No power since 8 am" in made.stdout

    again = refused(
        cli("outages", "report", "--place", place, "--description", "Still nothing", "--json"), 5
    )
    assert again.startswith("Error: outage_already_reported: ")
    assert f"Blocked by: outage report {report['reference']} (open)" in again
    assert as_json(cli("outages", "list", "--status", "open", "--json")) == [report]

    bad_phone = refused(
        cli("outages", "report", "--place", place, "--description", "x", "--phone", "call me"), 2
    )
    assert "Invalid value for '--phone': A phone number" in bad_phone
    no_text = refused(cli("outages", "report", "--place", place, "--description", " "), 2)
    assert "Invalid value for '--description': Must not be empty." in no_text
    elsewhere = refused(cli("outages", "report", "--place", "PL999", "--description", "x"), 4)
    assert elsewhere.startswith("Error: ")


def test_disconnected_and_work_in_progress_refusals_name_what_blocks(
    cli: Cli, live_server: LiveServer
) -> None:
    places = acme_places(live_server)
    cli.login("acme")
    description = ["--description", "No power in the shop."]

    cut = refused(cli("outages", "report", "--place", places.disconnected, *description), 5)
    assert cut.startswith("Error: place_disconnected: This place is disconnected")
    assert "Blocked by" not in cut

    work = refused(cli("outages", "report", "--place", places.under_work, *description), 5)
    assert work.startswith("Error: work_in_progress: ")
    assert "Blocked by: accidental work W" in work and "25 Nov 2026" in work

    known = refused(cli("outages", "report", "--place", places.reported, *description), 5)
    assert known.startswith("Error: outage_already_reported: ")
    assert f"Blocked by: outage report {places.report_reference} (open)" in known
    # Nothing was filed by the refusals.
    assert [r["reference"] for r in as_json(cli("outages", "list", "--json"))] == [
        places.report_reference
    ]


# --- requests --------------------------------------------------------------------------------


def test_request_guide_without_login(cli: Cli) -> None:
    guide = as_json(cli("requests", "types", "--server", cli.server, "--json"))
    assert [t["code"] for t in guide] == [
        "change_of_holder",
        "complaint",
        "general",
        "grid_connection",
        "package_change",
        "place_link",
    ]
    one = ok(cli("requests", "types", "change_of_holder", "--server", cli.server)).stdout
    for expected in (
        "Change of contract holder",
        "payment_code: Payment code (from the invoice)",
        "ownership_deed: Ownership deed or lease of the property",
        "chosen_offer: The chosen offer",
        "submitted → confirmed → documents_received → contract_signed",
    ):
        assert expected in one, expected
    unknown = refused(cli("requests", "types", "nope", "--server", cli.server), 2)
    assert "Unknown request type nope; the types are: change_of_holder, complaint" in unknown


def test_request_with_two_documents_is_submitted_with_its_history(cli: Cli, tmp_path: Path) -> None:
    letter = tmp_path / "signed letter.pdf"
    letter.write_bytes(make_pdf("I ask for paper invoices."))
    photo = tmp_path / "meter.png"
    photo.write_bytes(make_png(8))
    cli.login("maria")

    made = ok(
        cli(
            "requests",
            "create",
            "--type",
            "general",
            "--subject",
            "Invoices by post",
            "--message",
            "Please send my invoices by post from now on.",
            "--file",
            f"signed_request={letter}",
            "--file",
            f"other={photo}",
        )
    )
    assert f"Attached {letter} as signed_request." in made.stderr
    assert "Submitted request RQ" in made.stderr
    (listed,) = as_json(cli("requests", "list", "--json"))
    shown = as_json(cli("requests", "show", listed["id"], "--json"))
    assert shown == listed
    assert shown["status"] == "submitted" and shown["stage"] == "registered"
    assert shown["missing_documents"] == []
    assert [
        (a["document_code"], a["filename"], a["content_type"]) for a in shown["attachments"]
    ] == [
        ("signed_request", letter.name, "application/pdf"),
        ("other", photo.name, "image/png"),
    ]
    assert [(h["status"], h["stage"]) for h in shown["history"]] == [
        ("draft", None),
        ("submitted", "registered"),
    ]
    human = ok(cli("requests", "show", listed["id"])).stdout
    for expected in ("Invoices by post", "Documents", "signed letter.pdf", "History", "registered"):
        assert expected in human, expected
    assert "T1" not in human  # datetimes are formatted, not ISO
    assert len(PdfReader(letter).pages) == 1


def test_missing_documents_keep_the_draft_to_complete_later(cli: Cli, tmp_path: Path) -> None:
    deed = tmp_path / "deed.pdf"
    deed.write_bytes(make_pdf("Ownership deed"))
    passport = tmp_path / "passport.png"
    passport.write_bytes(make_png(4))
    cli.login("maria")
    fields = [
        arg for name, value in HOLDER_FIELDS.items() for arg in ("--field", f"{name}={value}")
    ]
    holder = ["requests", "create", "--type", "change_of_holder", "--subject", "Take over the flat"]

    no_fields = refused(cli(*holder, "--field", "eic=38ZEE-0004214850"), 2)
    assert "Invalid value for '--field': Request type change_of_holder needs applicant_name" in (
        no_fields
    )
    missing = refused(
        cli(
            *holder,
            *fields,
            "--file",
            f"ownership_deed={deed}",
            "--file",
            f"identity_document={passport}",
        ),
        5,
    )
    assert f"Attached {passport} as identity_document.\n" in missing
    assert (
        "\nError: missing_documents: Attach these documents first: Signed contract request, "
        "The chosen offer.\n"
    ) in missing
    (draft,) = as_json(cli("requests", "list", "--status", "draft", "--json"))
    assert f"Draft {draft['id']} is kept" in missing
    assert [d["code"] for d in draft["missing_documents"]] == ["contract_request", "chosen_offer"]
    assert draft["fields"] == HOLDER_FIELDS

    added = as_json(
        cli(
            "requests",
            "attach",
            draft["id"],
            "--file",
            f"contract_request={deed}",
            "--file",
            f"chosen_offer={passport}",
            "--json",
        )
    )
    assert added["status"] == "draft" and added["missing_documents"] == []
    sent = as_json(cli("requests", "submit", draft["id"], "--json"))
    assert sent["status"] == "submitted" and sent["stage"] == "submitted"
    assert (
        as_json(
            cli("requests", "list", "--type", "change_of_holder", "--status", "draft", "--json")
        )
        == []
    )


def test_bad_documents_are_refused_before_anything_is_sent(cli: Cli, tmp_path: Path) -> None:
    fake = tmp_path / "letter.pdf"
    fake.write_text("Dear utility, this is plain text with a .pdf name.\n")
    huge = tmp_path / "scan.pdf"
    with huge.open("wb") as file:
        file.write(b"%PDF-1.7\n")
        file.truncate(10 * 1024 * 1024 + 1)
    good = tmp_path / "good.pdf"
    good.write_bytes(make_pdf("Signed"))
    general = ["requests", "create", "--type", "general", "--subject", "Hello"]

    # Checked on this machine, before a login is even looked for.
    text = refused(cli(*general, "--file", f"signed_request={fake}"), 2)
    assert "Invalid value for '--file': letter.pdf is not a PDF, PNG or JPEG file" in text
    cli.login("maria")
    large = refused(cli(*general, "--file", f"signed_request={huge}"), 2)
    assert "scan.pdf is 10.0 MiB (10,485,761 bytes); a document may be at most 10 MiB." in large
    absent = refused(cli(*general, "--file", f"signed_request={tmp_path / 'nope.pdf'}"), 2)
    assert "nope.pdf: no such file." in absent
    no_code = refused(cli(*general, "--file", str(good)), 2)
    assert "give CODE=PATH" in no_code
    wrong_code = refused(cli(*general, "--file", f"deed={good}"), 2)
    assert "deed" in wrong_code and "it takes: signed_request, other." in wrong_code
    no_type = refused(cli("requests", "create", "--type", "letter", "--subject", "Hello"), 2)
    assert "Invalid value for '--type': Unknown request type letter" in no_type
    assert as_json(cli("requests", "list", "--json")) == []  # no draft was left behind

    kept = as_json(
        cli("requests", "create", "--type", "complaint", "--subject", "Hi", "--draft", "--json")
    )
    assert kept["status"] == "draft" and kept["history"][0]["status"] == "draft"
