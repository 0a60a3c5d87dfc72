"""Requests through the terminal app against the real server: guide, form, documents, history."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DirectoryTree, Input, OptionList, ProgressBar, Static

from selfcare_tui.api import models
from selfcare_tui.core.labels import label
from selfcare_tui.i18n import format_datetime
from selfcare_tui.screens.file_picker import FilePicker
from selfcare_tui.screens.request_detail import RequestDetailScreen
from selfcare_tui.screens.request_form import RequestFormScreen
from selfcare_tui.screens.requests import RequestsScreen
from selfcare_tui.screens.switcher import AccountSwitcher

from ..support.builders import make_pdf, make_png, write
from ..support.demo_users import login
from ..support.keyring_backends import MemoryKeyring
from ..support.live_server import LiveServer
from ..support.tui_helpers import overview_shown, ready_app, text_of, wait_for

pytestmark = pytest.mark.anyio

FLAT, JAAN, BUSINESS = "1000000001", "1000000003", "2000000001"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's home, where the file picker starts, with a letter and a scan in it."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("HOME", str(path))
    write(path, "letter.pdf", make_pdf("Please send my invoices by post."))
    write(path, "scan.png", make_png(40))
    write(path, "notes.txt", b"not offered by the picker")
    write(path, ".hidden.pdf", make_pdf("not offered either"))
    return path


# --- driving the screens like a user -----------------------------------------------------


def requests_loaded(pilot: Pilot[None], account: str) -> bool:
    screen = pilot.app.screen
    return (
        isinstance(screen, RequestsScreen)
        and screen.shown_for == account
        and not screen.query_one("#body").loading
    )


async def open_requests(pilot: Pilot[None], account: str) -> RequestsScreen:
    await pilot.press("g", "q")
    await wait_for(pilot, lambda: requests_loaded(pilot, account))
    screen = pilot.app.screen
    assert isinstance(screen, RequestsScreen)
    return screen


async def highlight(pilot: Pilot[None], options: OptionList, option_id: str) -> None:
    """Arrow down (from the top) to the option, as a user would."""
    await pilot.press("home")
    for _ in range(options.option_count):
        if options.highlighted_option is not None and options.highlighted_option.id == option_id:
            return
        await pilot.press("down")
    raise AssertionError(f"{option_id} is not in the list")


async def open_form(
    pilot: Pilot[None], screen: RequestsScreen, type_code: str
) -> RequestFormScreen:
    await pilot.press("n")
    await highlight(pilot, screen.query_one("#types", OptionList), type_code)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, RequestFormScreen))
    form = pilot.app.screen
    assert isinstance(form, RequestFormScreen)
    return form


async def tab_to(pilot: Pilot[None], widget_id: str) -> None:
    for _ in range(40):
        focused = pilot.app.screen.focused
        if focused is not None and focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"tab never reached #{widget_id}")


async def open_picker(pilot: Pilot[None], button_id: str) -> FilePicker:
    await tab_to(pilot, button_id)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FilePicker))
    picker = pilot.app.screen
    assert isinstance(picker, FilePicker)
    return picker


async def type_path(pilot: Pilot[None], path: str) -> None:
    """In the picker's path field: clear it, type the path, press enter."""
    await pilot.press("ctrl+u", *[" " if c == " " else c for c in path], "enter")


def form_text(pilot: Pilot[None], selector: str) -> str:
    return text_of(pilot, selector)


async def request_opened(pilot: Pilot[None], request_id: str | None = None) -> RequestDetailScreen:
    def shown() -> bool:
        screen = pilot.app.screen
        return (
            isinstance(screen, RequestDetailScreen)
            and (request_id is None or screen.request.id == request_id)
            and bool(screen.query("#missing"))  # composed, not only pushed
            and text_of(pilot, "#missing") != ""  # and shown: never empty once mounted
        )

    await wait_for(pilot, shown)
    screen = pilot.app.screen
    assert isinstance(screen, RequestDetailScreen)
    return screen


async def list_mine(live_server: LiveServer) -> list[models.Request]:
    """Maria's requests about invoices by post, as the API has them."""
    client = await live_server.login("maria")
    try:
        return [r async for r in client.iter_requests(FLAT) if r.subject == "Invoices by post"]
    finally:
        await client.aclose()


# --- tests ------------------------------------------------------------------------------


async def test_a_request_with_two_documents_is_sent_and_its_history_shown(
    live_server: LiveServer, memory_keyring: MemoryKeyring, home: Path
) -> None:
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        screen = await open_requests(pilot, FLAT)
        form = await open_form(pilot, screen, "general")
        assert "Signed request" in form_text(pilot, "#doc-0")
        await pilot.press(*"Invoices by post")
        await pilot.press("tab", *"Please", "space", *"send", "space", *"them", "space", *"by")
        await pilot.press("space", *"post.")

        # The keyboard way: a path typed relative to the folder shown (the home folder).
        picker = await open_picker(pilot, "choose-0")
        assert str(home) in text_of(pilot, "#picker-folder")
        await type_path(pilot, "letter.pdf")
        await wait_for(pilot, lambda: pilot.app.screen is form)
        assert "chosen: letter.pdf (PDF" in form_text(pilot, "#doc-0")

        # The tree way: only folders and documents are offered; enter on the file takes it.
        picker = await open_picker(pilot, "choose-1")
        tree = picker.query_one(DirectoryTree)
        await wait_for(pilot, lambda: len(tree.root.children) >= 2)
        assert [str(node.label) for node in tree.root.children] == ["letter.pdf", "scan.png"]
        tree.focus()
        await pilot.press("down", "down", "enter")
        await wait_for(pilot, lambda: pilot.app.screen is form)
        assert "chosen: scan.png (PNG" in form_text(pilot, "#doc-1")

        await pilot.press("ctrl+s")
        detail = await request_opened(pilot)
        history = text_of(pilot, "#history")
        assert "draft" in history and "submitted · stage: registered" in history
        documents = text_of(pilot, "#documents")
        assert "letter.pdf (PDF" in documents and "scan.png (PNG" in documents
        assert "Nothing" in text_of(pilot, "#missing")
        request_id = detail.request.id

    [sent] = await list_mine(live_server)  # one request: no draft left behind besides it
    assert sent.id == request_id
    assert sent.status is models.RequestStatus.submitted
    assert sent.stage == "registered"
    assert sent.message == "Please send them by post."
    assert sorted((a.document_code, a.filename, a.size) for a in sent.attachments) == [
        ("other", "scan.png", (home / "scan.png").stat().st_size),
        ("signed_request", "letter.pdf", (home / "letter.pdf").stat().st_size),
    ]
    assert [a.content_type for a in sorted(sent.attachments, key=lambda a: a.filename)] == [
        "application/pdf",
        "image/png",
    ]
    assert [h.status for h in sent.history] == [
        models.RequestStatus.draft,
        models.RequestStatus.submitted,
    ]


async def test_bad_files_are_refused_by_name_and_the_form_is_kept(
    live_server: LiveServer, memory_keyring: MemoryKeyring, home: Path
) -> None:
    (home / "fake.pdf").write_text("This is only text, whatever its name says.\n" * 20)
    big = home / "big.pdf"
    with big.open("wb") as file:  # sparse: over the limit without writing 10 MiB
        file.write(b"%PDF-1.4\n")
        file.truncate(10 * 1024 * 1024 + 1)
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        screen = await open_requests(pilot, FLAT)
        form = await open_form(pilot, screen, "general")
        await pilot.press(*"Invoices by post")

        picker = await open_picker(pilot, "choose-0")
        await type_path(pilot, "fake.pdf")
        message = text_of(pilot, "#picker-message")
        assert "fake.pdf is not a PDF, PNG or JPEG file" in message
        await type_path(pilot, "~/big.pdf")  # a path from the home folder, as typed
        assert text_of(pilot, "#picker-message") == (
            "big.pdf is 10.0 MiB (10,485,761 bytes); a document may be at most 10 MiB."
        )
        assert pilot.app.screen is picker  # still open: another file can be chosen

        await pilot.press("escape")
        await wait_for(pilot, lambda: pilot.app.screen is form)
        assert form.query_one("#subject", Input).value == "Invoices by post"
        assert "no file chosen" in form_text(pilot, "#doc-0")

        # Sending without the signed request is refused before anything reaches the server.
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: "Attach these documents first" in text_of(pilot, "#form-message")
        )
        assert form.state.draft is None

        # Closed unsent, the form comes back as it was left.
        await pilot.press("escape")
        await wait_for(pilot, lambda: pilot.app.screen is screen)
        again = await open_form(pilot, screen, "general")
        assert again is not form
        assert again.query_one("#subject", Input).value == "Invoices by post"
        assert await list_mine(live_server) == []

        # Kept on the server as a draft (with the mouse), to add the document later.
        await pilot.click("#save-draft")
        detail = await request_opened(pilot)
        assert detail.request.status is models.RequestStatus.draft
        assert "- Signed request" in text_of(pilot, "#missing")
        assert detail.query_one("#continue").display

    [draft] = await list_mine(live_server)
    assert draft.id == detail.request.id
    assert draft.status is models.RequestStatus.draft
    assert draft.attachments == []


async def test_a_file_the_server_refuses_keeps_the_form_and_the_other_document(
    live_server: LiveServer, memory_keyring: MemoryKeyring, home: Path
) -> None:
    scan = home / "scan.png"
    scan.write_bytes(make_png(200, compress=0))
    pdf_size = (home / "letter.pdf").stat().st_size
    # This deployment allows less than the app's own limit: the server's refusal is shown.
    live_server.settings.attachment_max_bytes = pdf_size + 10
    assert scan.stat().st_size > pdf_size + 10
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        screen = await open_requests(pilot, FLAT)
        form = await open_form(pilot, screen, "general")
        await pilot.press(*"Invoices by post")
        await open_picker(pilot, "choose-0")
        await type_path(pilot, "letter.pdf")
        await wait_for(pilot, lambda: pilot.app.screen is form)
        await open_picker(pilot, "choose-1")
        await type_path(pilot, "scan.png")
        await wait_for(pilot, lambda: pilot.app.screen is form)

        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "scan.png was refused" in text_of(pilot, "#form-message"))
        assert pilot.app.screen is form
        assert "larger than the limit" in text_of(pilot, "#form-message")
        assert "attached: letter.pdf" in form_text(pilot, "#doc-0")
        assert "refused: scan.png was refused" in form_text(pilot, "#doc-1")
        assert form.query_one("#subject", Input).value == "Invoices by post"
        bar = form.query_one("#upload-bar", ProgressBar)
        assert bar.total == bar.progress == scan.stat().st_size  # the upload's progress
        draft = form.state.draft
        assert draft is not None

        # With a file the server takes, the same draft is completed and sent.
        live_server.settings.attachment_max_bytes = 10 * 1024 * 1024
        await open_picker(pilot, "choose-1")
        await type_path(pilot, "scan.png")
        await wait_for(pilot, lambda: pilot.app.screen is form)
        await pilot.press("ctrl+s")
        detail = await request_opened(pilot, draft.id)
        assert "submitted" in text_of(pilot, "#history")
        assert detail.request.status is models.RequestStatus.submitted

    [sent] = await list_mine(live_server)  # the same draft, completed and sent
    assert sent.id == draft.id
    assert sent.status is models.RequestStatus.submitted
    assert sorted(a.filename for a in sent.attachments) == ["letter.pdf", "scan.png"]


async def test_the_grid_connection_shows_stage_history_and_missing_documents(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    client = await live_server.login("acme")
    try:
        expected = await client.request(BUSINESS, "RQ000000001")
    finally:
        await client.aclose()
    app = await ready_app(live_server.base_url, "acme")
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        screen = await open_requests(pilot, BUSINESS)
        listing = screen.query_one("#requests", OptionList)
        headings = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert "Grid connection · in progress (1)" in headings
        await pilot.press("l")
        await highlight(pilot, listing, "RQ000000001")
        await pilot.press("enter")
        await request_opened(pilot, "RQ000000001")

        facts = text_of(pilot, "#facts")
        assert "Status: in progress, stage: technical review" in facts
        assert "Requested power (kW): 63" in facts
        assert "[now: technical review]" in text_of(pilot, "#stages")
        history = text_of(pilot, "#history")
        for change in expected.history:
            assert f"{format_datetime(change.at)}  {label(change.status)}" in history
            if change.note:
                assert change.note in history
        assert expected.stage == "technical_review"
        assert expected.missing_documents == []
        assert "Nothing" in text_of(pilot, "#missing")
        documents = text_of(pilot, "#documents")
        for attachment in expected.attachments:
            assert attachment.filename in documents

        await pilot.press("escape")
        await wait_for(pilot, lambda: pilot.app.screen is screen)


async def test_the_change_of_holder_form_lists_its_documents_and_a_draft_is_taken_up(
    live_server: LiveServer, memory_keyring: MemoryKeyring, home: Path
) -> None:
    client = await live_server.login("jaan")
    try:
        guide = {t.code: t for t in await client.request_types()}
        draft = await client.request(JAAN, "RQ000000002")
    finally:
        await client.aclose()
    change = guide["change_of_holder"]
    app = await ready_app(live_server.base_url, "jaan")
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        screen = await open_requests(pilot, JAAN)
        await pilot.press("n")
        await highlight(pilot, screen.query_one("#types", OptionList), "change_of_holder")
        needs = text_of(pilot, "#needs")
        for document in change.documents:
            assert document.name in needs
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, RequestFormScreen))
        form = pilot.app.screen
        assert isinstance(form, RequestFormScreen)
        rows = [form_text(pilot, f"#doc-{i}") for i in range(len(change.documents))]
        assert [row.splitlines()[0] for row in rows] == [d.name for d in change.documents]
        assert all("required" in row for row in rows)
        labels = " ".join(str(s.content) for s in form.query(".label").results(Static))
        for request_field in change.fields:
            assert request_field.label in labels
        # Sending it empty names what is missing; nothing reaches the server.
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Write a subject." in text_of(pilot, "#form-message"))
        fill_in = "Fill in: " + "; ".join(f.label for f in change.fields) + "."
        assert fill_in in text_of(pilot, "#form-message")
        assert form.state.draft is None
        await pilot.press("escape")
        await wait_for(pilot, lambda: pilot.app.screen is screen)

        # Jaan's own draft: the documents still missing, then added and sent from here.
        await pilot.press("l")
        await highlight(pilot, screen.query_one("#requests", OptionList), "RQ000000002")
        await pilot.press("enter")
        await request_opened(pilot, "RQ000000002")
        missing = text_of(pilot, "#missing")
        assert [d.name for d in draft.missing_documents] == [
            d.name for d in change.documents if d.code != "identity_document"
        ]
        for document in draft.missing_documents:
            assert f"- {document.name}" in missing
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, RequestFormScreen))
        form = pilot.app.screen
        assert isinstance(form, RequestFormScreen)
        assert form.query_one("#subject", Input).disabled
        assert form.query_one("#subject", Input).value == draft.subject
        codes = [d.code for d in change.documents]
        assert "attached: identity_document.pdf" in form_text(
            pilot, f"#doc-{codes.index('identity_document')}"
        )
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: "Attach these documents first" in text_of(pilot, "#form-message")
        )
        for document in draft.missing_documents:
            await open_picker(pilot, f"choose-{codes.index(document.code)}")
            await type_path(pilot, "letter.pdf")
            await wait_for(pilot, lambda: pilot.app.screen is form)
        await pilot.press("ctrl+s")
        detail = await request_opened(pilot, "RQ000000002")
        await wait_for(pilot, lambda: detail.request.status is models.RequestStatus.submitted)
        assert "Nothing" in text_of(pilot, "#missing")
        assert "submitted · stage: submitted" in text_of(pilot, "#history")


async def test_a_mandate_without_requests_reads_but_does_not_write(
    live_server: LiveServer, memory_keyring: MemoryKeyring
) -> None:
    app = await ready_app(live_server.base_url, "jaan")
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_shown(pilot)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, AccountSwitcher))
        options = pilot.app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count >= 2 and not options.loading)
        await highlight(pilot, options, FLAT)
        await pilot.press("enter")
        screen = await open_requests(pilot, FLAT)
        await pilot.press("n", "enter")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert any("does not include requests" in str(n.message) for n in app._notifications)


async def test_a_document_the_utility_asks_for_is_sent_from_the_submitted_request(
    live_server: LiveServer, memory_keyring: MemoryKeyring, home: Path
) -> None:
    """The agent asks for a photo; maria sends it from the request's screen (a), and the
    history shows both steps."""
    async with await live_server.login("maria") as maria:
        draft = await maria.create_request(
            FLAT, models.RequestCreate(type_code="complaint", subject="Meter noise")
        )
        await maria.submit_request(FLAT, draft.id)
    async with await login(live_server, "agent") as agent:
        item = await agent.desk_request(draft.id)
        item = await agent.take_request(draft.id, item.version)
        await agent.ask_for_document(draft.id, item.version, "other", "A photo of the meter")
    app = await ready_app(live_server.base_url)
    async with app.run_test(size=(100, 40)) as pilot:
        await overview_shown(pilot)
        screen = await open_requests(pilot, FLAT)
        listing = screen.query_one("#requests", OptionList)
        await pilot.press("l")
        await highlight(pilot, listing, draft.id)
        await pilot.press("enter")
        detail = await request_opened(pilot, draft.id)
        assert "The utility asks for: Other document" in text_of(pilot, "#missing")
        assert "A photo of the meter" in text_of(pilot, "#history")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, FilePicker))
        await type_path(pilot, str(home / "letter.pdf"))
        await wait_for(pilot, lambda: "Sent: Other document." in text_of(pilot, "#detail-message"))
        assert detail.request.requested_documents == []
        assert [a.filename for a in detail.request.attachments] == ["letter.pdf"]
        assert "Document sent: Other document" in text_of(pilot, "#history")
        assert not detail.query_one("#send-asked").display
